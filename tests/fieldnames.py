#!/usr/bin/env python3
"""Check that every field name smbcmp declares is a Wireshark filter name.

    fieldnames.py --smbcmp PATH

Runs `smbcmp --list-fields` (one field per line: filter name, a tab, then
type etc.; only the first column is used) and `tshark -G fields` (lines
"F<TAB>display name<TAB>filter name<TAB>type..." for fields and
"P<TAB>name<TAB>filter name" for protocols). Prints the names tshark does not
know; exit 1 if there are any (0 if none, 2 if a tool cannot be run).
With -v it also lists the fields whose type (second column, FT_*) differs
from tshark's, for information only.
"""

import argparse
import os
import subprocess
import sys

# Names we add on purpose although tshark 4.0 has no such field. Keep each
# with the reason; remove an entry when the field is dropped.
EXCEPTIONS = {
    # Verdict of our own SMB2 signature check (good/bad/unknown key); newer
    # Wireshark versions have it, 4.0 does not.
    "smb2.signature.status": "our signature verification result",
    "smb.signature.status": "our SMB1 signature verification result",
    # Outcome of decrypting a transform message (dissect/smb2.c); Wireshark
    # only changes the Info column to "Decrypted SMB3".
    "smb2.decryption.status": "our decryption result",
    # A PDU whose bytes were lost in capture (TCP gap); Wireshark only shows
    # "[TCP segment of a reassembled PDU]" (dissect/fields_local.def).
    "smbcmp.incomplete": "PDU cut short by capture loss",
    # A resource limit cut dissection short (dissect/limits.h).
    "smbcmp.limit": "dissection limit reached",
}


def tshark_names():
    """{filter name: type} of every field ("F" lines) and protocol ("P"
    lines, type FT_PROTOCOL) tshark registers."""
    env = dict(os.environ, TZ="UTC")
    r = subprocess.run(["tshark", "-G", "fields"], capture_output=True,
                       env=env, check=True)
    names = {}
    for line in r.stdout.decode("utf-8", errors="replace").splitlines():
        cols = line.split("\t", 4)
        if len(cols) >= 4 and cols[0] == "F":
            names.setdefault(cols[2], set()).add(cols[3])
        elif len(cols) >= 3 and cols[0] == "P":
            names.setdefault(cols[2], set()).add("FT_PROTOCOL")
    return names


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smbcmp", required=True)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    try:
        r = subprocess.run([a.smbcmp, "--list-fields"], capture_output=True,
                           timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        print("fieldnames: cannot run %s --list-fields: %s" % (a.smbcmp, e))
        return 2
    if r.returncode != 0:
        print("fieldnames: %s --list-fields exited %d: %s" % (
            a.smbcmp, r.returncode,
            r.stderr.decode(errors="replace").strip()[-300:]))
        return 2
    ours = []
    types = {}
    for line in r.stdout.decode("utf-8", errors="replace").splitlines():
        cols = line.split("\t")
        name = cols[0].strip()
        if name and not name.startswith("#"):
            ours.append(name)
            if len(cols) > 1 and cols[1].startswith("FT_"):
                types[name] = cols[1]
    if not ours:
        print("fieldnames: %s --list-fields printed no fields" % a.smbcmp)
        return 1
    try:
        known = tshark_names()
    except (OSError, subprocess.CalledProcessError) as e:
        print("fieldnames: cannot run tshark -G fields: %s" % e)
        return 2

    seen = set()
    dups = sorted({n for n in ours if n in seen or seen.add(n)})
    unknown = [n for n in sorted(seen) if n not in known
               and n not in EXCEPTIONS]
    excepted = [n for n in sorted(seen) if n not in known and n in EXCEPTIONS]
    stale = [n for n in sorted(EXCEPTIONS) if n in known]
    unused = [n for n in sorted(EXCEPTIONS)
              if n not in seen and n not in known]
    if dups:
        print("fieldnames: note: listed more than once: %s" % " ".join(dups))
    if a.verbose:
        for n in sorted(types):
            if n in known and types[n] not in known[n]:
                print("fieldnames: type of %s: ours %s, tshark %s" % (
                    n, types[n], "/".join(sorted(known[n]))))
        for n in excepted:
            print("fieldnames: allowed extra field %s (%s)" % (n,
                                                               EXCEPTIONS[n]))
    if stale:
        print("fieldnames: note: tshark knows these now, drop the "
              "exception: %s" % " ".join(stale))
    if unused and a.verbose:
        print("fieldnames: note: exceptions smbcmp does not list: %s" %
              " ".join(unused))
    for n in unknown:
        print(n)
    print("fieldnames: %d field names, %d unknown to tshark, %d allowed "
          "exceptions" % (len(seen), len(unknown), len(excepted)))
    if unknown:
        print("fieldnames: FAIL")
        return 1
    print("fieldnames: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
