#!/usr/bin/env python3
"""SMB2 request/response pairing on the captures of tests/pairing/ (made by
mkpcap.py), against recorded values and, when tshark is installed, against
tshark itself (tests/cli_pairing.sh runs it).

Usage: check.py --smbcmp PATH [--record] [--dir DIR]

Per frame, the multiset of (field, show) of the fields pairing decides:
smb2.response_to / response_in / time, and on a response what the request
tells it (smb2.class and info levels, find level, the FileId's file name,
how the info and find buffers are decoded, ioctl function). Three checks:

  1. smbcmp --json equals expected.txt (what smbcmp must show; always);
  2. smbcmp --list equals NAME.list, and the operations `--json A A` builds
     (request frame, response frame, response summary) equal ops.txt;
  3. with tshark: `tshark -2 -T pdml` equals smbcmp on every frame except
     the deliberate differences below (and tshark's values equal the ones
     recorded in tshark.txt, so a run without tshark still knows them).

Without tshark, expected.txt and tshark.txt must still differ only at the
deliberate differences. --record rewrites expected.txt, tshark.txt,
NAME.list and ops.txt from the current binary and tshark (review the diff).
Exit 0 when all agree.
"""
import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))  # --dir: another copy
sys.path.insert(0, os.path.dirname(HERE))  # tests/: pairing.py's tshark reader
from pairing import tshark_pdml_fields  # noqa: E402
CAPTURES = ["pair_reorder", "pair_pending", "pair_reuse", "pair_orphans", "pair_compound"]
PAIR = {"smb2.response_to", "smb2.response_in", "smb2.time"}
FACTS = {"smb2.class", "smb2.file_info.infolevel", "smb2.fs_info.infolevel",
         "smb2.find.infolevel", "smb2.find.pattern", "smb2.fid", "smb2.unknown",
         "smb2.ioctl.function", "smb2.filename"}
FACT_RE = re.compile(r"^smb2\.((file|fs)_\w+_info|find\.\w+_info)$")

# Deliberate differences from tshark 4.0: (capture, frame) -> reason.
EXCEPT = {
    ("pair_reorder", 7): "a request captured after its response (which ACKs it): "
                    "tshark calls it a spurious retransmission and shows no SMB2; "
                    "smbcmp dissects it (README: deliberate differences)",
    ("pair_reorder", 16): "a segment captured out of order: tshark does not dissect it, "
                     "smbcmp reassembles the stream in sequence order",
    ("pair_reorder", 17): "the response to that request, paired by smbcmp only",
    ("pair_reuse", 4): "MessageId reused after its answer: tshark's second pass keeps one "
                  "record per MessageId, every frame of it shows the last pair",
    ("pair_reuse", 5): "same: tshark says response to frame 6 (sent after it, time -1 ms)",
    ("pair_reuse", 8): "same, the id reused by another command",
    ("pair_reuse", 9): "same: tshark pairs a GetInfo response with a Find request",
    ("pair_reuse", 15): "a request superseded by another command's: tshark ignores the "
                   "command and shows the IOCTL's response on the GetInfo request",
    ("pair_compound", 16): "CANCEL: tshark 4.0 takes an SMB2 CANCEL for a request of its "
                      "MessageId, so the cancelled request's answers are 'responses' "
                      "to the CANCEL (an interim one at -1 ms)",
    ("pair_compound", 17): "same: the CANCEL shows Response in",
    ("pair_compound", 18): "same: STATUS_CANCELLED 'responds' to the CANCEL",
    ("pair_compound", 20): "same: the sync CANCEL shows Response in",
    ("pair_compound", 21): "same",
    ("pair_compound", 24): "a CANCEL of a request already answered shows its Response in",
}


def wanted(name):
    return name in PAIR or name in FACTS or bool(FACT_RE.match(name))


def norm(name, show):
    return "%.9f" % float(show) if name == "smb2.time" else show


def smbcmp_fields(smbcmp, path):
    out = subprocess.run([smbcmp, "--json", path], capture_output=True, text=True,
                         check=True).stdout
    frames = {}
    for line in out.split("\n"):
        if not line.strip():
            continue
        j = json.loads(line)
        vals = []

        def walk(n):
            if wanted(n.get("name", "")):
                vals.append((n["name"], norm(n["name"], n["show"])))
            for c in n.get("children", []):
                walk(c)
        for n in j.get("tree", []):
            walk(n)
        if vals:
            frames[j["frame"]] = sorted(vals)
    return frames


def ops_of(smbcmp, path):
    # SMBCMP_OPS_VERIFY=1: the header-level reading of each frame
    # (src/ops/opsfast.c) is checked against its dissection.
    r = subprocess.run([smbcmp, "--json", path, path], capture_output=True, text=True,
                       env=dict(os.environ, SMBCMP_OPS_VERIFY="1"))
    if r.returncode > 2 or "SMBCMP_OPS_VERIFY" in r.stderr:
        sys.exit("check.py: %s --json %s %s (exit %d): %s" % (
            smbcmp, path, path, r.returncode, r.stderr[:500]))
    j = json.loads(r.stdout)
    rows = []
    for o in j["operations"]:
        a = o["a"]
        rows.append("%s %s %s %s" % (a["request_frame"], a["response_frame"],
                                      a.get("kind", "-"), a["response"] or "-"))
    return rows


def dump(per_capture):
    """{capture: {frame: [(name, show)]}} as sorted text lines."""
    lines = []
    for cap in CAPTURES:
        for fr in sorted(per_capture.get(cap, {})):
            for name, show in per_capture[cap][fr]:
                lines.append("%s %d %s=%s" % (cap, fr, name, show))
    return lines


def load(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cap, fr, rest = line.split(" ", 2)
            name, show = rest.split("=", 1)
            out.setdefault(cap, {}).setdefault(int(fr), []).append((name, show))
    for cap in out:
        for fr in out[cap]:
            out[cap][fr].sort()
    return out


def compare(what, a, b, skip_except):
    """Frames where a and b differ (lists of messages)."""
    bad = []
    for cap in CAPTURES:
        fa, fb = a.get(cap, {}), b.get(cap, {})
        for fr in sorted(set(fa) | set(fb)):
            if skip_except and (cap, fr) in EXCEPT:
                continue
            if fa.get(fr) != fb.get(fr):
                bad.append("%s: %s.pcap frame %d:\n    %s\n    %s" % (
                    what, cap, fr, fa.get(fr), fb.get(fr)))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smbcmp", required=True)
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--dir", help="the captures and recorded files (default: beside check.py)")
    args = ap.parse_args()
    global HERE
    HERE = os.path.abspath(args.dir) if args.dir else HERE
    have_tshark = shutil.which("tshark") is not None
    ours = {c: smbcmp_fields(args.smbcmp, os.path.join(HERE, c + ".pcap")) for c in CAPTURES}
    theirs = ({c: tshark_pdml_fields(os.path.join(HERE, c + ".pcap"), wanted, norm=norm)
               for c in CAPTURES}
              if have_tshark else None)
    lists = {c: subprocess.run([args.smbcmp, "--list", os.path.join(HERE, c + ".pcap")],
                               capture_output=True, text=True, check=True).stdout
             for c in CAPTURES}
    ops = ["%s %s" % (c, r) for c in CAPTURES
           for r in ops_of(args.smbcmp, os.path.join(HERE, c + ".pcap"))]
    head = "# check.py --record: %s\n"
    if args.record:
        if not have_tshark:
            sys.exit("check.py: --record needs tshark")
        with open(os.path.join(HERE, "expected.txt"), "w") as f:
            f.write(head % "what smbcmp --json must show")
            f.write("\n".join(dump(ours)) + "\n")
        with open(os.path.join(HERE, "tshark.txt"), "w") as f:
            f.write(head % "tshark -2 -T pdml (4.0)")
            f.write("\n".join(dump(theirs)) + "\n")
        for c in CAPTURES:
            with open(os.path.join(HERE, c + ".list"), "w") as f:
                f.write(lists[c])
        with open(os.path.join(HERE, "ops.txt"), "w") as f:
            f.write(head % "operations: request frame, response frame, kind, response")
            f.write("\n".join(ops) + "\n")
        print("check.py: recorded")
        return 0
    bad = []
    expected = load(os.path.join(HERE, "expected.txt"))
    recorded = load(os.path.join(HERE, "tshark.txt"))
    bad += compare("smbcmp vs expected.txt", ours, expected, False)
    bad += compare("expected.txt vs tshark.txt", expected, recorded, True)
    for c in CAPTURES:
        with open(os.path.join(HERE, c + ".list")) as f:
            if f.read() != lists[c]:
                bad.append("smbcmp --list of %s.pcap differs from %s.list" % (c, c))
    with open(os.path.join(HERE, "ops.txt")) as f:
        want = [line.rstrip("\n") for line in f if not line.startswith("#")]
    if want != ops:
        bad.append("operations differ from ops.txt:\n" + "\n".join(
            difflib.unified_diff(want, ops, "ops.txt", "smbcmp", lineterm="")))
    for cap, fr in sorted(EXCEPT):
        if expected.get(cap, {}).get(fr) == recorded.get(cap, {}).get(fr):
            bad.append("%s.pcap frame %d: listed as a deliberate difference, but "
                       "expected.txt and tshark.txt agree there" % (cap, fr))
    if have_tshark:
        bad += compare("smbcmp vs tshark", ours, theirs, True)
        if theirs != recorded:
            print("check.py: note: this tshark differs from tshark.txt (another version?)")
    for b in bad:
        print("FAIL " + b)
    n = sum(len(v) for v in ours.values())
    print("check.py: %d frames, %d deliberate differences, tshark %s: %s" % (
        n, len(EXCEPT), "live" if have_tshark else "absent (recorded values)",
        "FAIL" if bad else "ok"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
