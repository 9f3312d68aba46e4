#!/usr/bin/env python3
"""Request/response pairing against tshark: the generated fields that
tests/difftest.py leaves out (it compares what is on the wire).

Usage: tests/pairing.py [--smbcmp build/smbcmp] [CAPTURE...]
Default captures: ../shared/captures/public/*.pcap* and captures/*.pcap.
For every frame, the multisets of smb.response_in, smb.response_to,
smb.time, smb2.response_in, smb2.response_to and smb2.time must equal
tshark's (times to the nanosecond). Frames of the deliberate differences
listed in tests/difftest.conf (frame_exceptions) are skipped with the
frames paired with them; capture options (keys, passwords) are passed on.
Exit 0 when all agree.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Frames where tshark has no message to pair (README, deliberate differences).
EXCEPT = {"compressed.pcap": {"6", "7"}}  # tshark 4.0 rejects the LZNT1 message
FIELDS = ["smb.response_in", "smb.response_to", "smb.time",
          "smb2.response_in", "smb2.response_to", "smb2.time"]


def norm(name, v):
    return "%.9f" % float(v) if name.endswith(".time") else v


def tshark_pdml_fields(path, keep, extra=(), two_pass=True, norm=norm):
    """The fields of `tshark [-2] -r PATH EXTRA -T pdml` whose name keep()
    accepts: {frame number: sorted [(name, norm(name, show))]}, frames
    without one left out. (tests/pairing/check.py reads tshark with it too.)"""
    # PDML, not -T fields: with a password (ntlmssp.nt_password) only PDML
    # output carries the decrypted messages.
    cmd = ["tshark", *(["-2"] if two_pass else []), "-r", path, *extra, "-T", "pdml"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    frames, frame, vals = {}, None, []
    for _, el in ET.iterparse(p.stdout, events=("end",)):
        if el.tag == "field":
            name = el.get("name")
            if name == "frame.number":
                frame = int(el.get("show"))
            elif name and keep(name):
                vals.append((name, norm(name, el.get("show"))))
        elif el.tag == "packet":
            if vals:
                frames[frame] = sorted(vals)
            vals = []
            el.clear()
    p.wait()
    return frames


def smbcmp_fields(smbcmp, path, extra):
    out = subprocess.run([smbcmp, *extra, "--json", path], capture_output=True,
                         text=True, check=True).stdout
    frames = {}
    # JSON Lines: split at "\n" only (str.splitlines() also splits at
    # U+0085, U+2028... which a file name may hold raw).
    for line in out.split("\n"):
        if not line.strip():
            continue
        j = json.loads(line)
        vals = []

        def walk(n):
            if n.get("name") in FIELDS:
                vals.append((n["name"], norm(n["name"], n["show"])))
            for c in n.get("children", []):
                walk(c)
        for n in j.get("tree", []):
            walk(n)
        if vals:
            frames[j["frame"]] = sorted(vals)
    return frames


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smbcmp", default=os.path.join(ROOT, "build", "smbcmp"))
    ap.add_argument("captures", nargs="*")
    a = ap.parse_args()
    conf = json.load(open(os.path.join(ROOT, "tests", "difftest.conf")))
    caps = a.captures or sorted(glob.glob(os.path.join(ROOT, "..", "shared", "captures",
                                                       "public", "*.pcap*")) +
                                glob.glob(os.path.join(ROOT, "captures", "*.pcap")))
    bad = checked = 0
    for path in caps:
        base = os.path.basename(path)
        opts = conf.get("capture_options", {}).get(base, {})
        exc = conf.get("frame_exceptions", {}).get(base, {})
        skip = {str(f) for f in exc.get("missing", []) + exc.get("extra", [])} | EXCEPT.get(base, set())
        # tshark 4.0 decrypts with a password in one pass only (-2 loses the
        # keys), and one pass cannot know response_in: compare the rest.
        two_pass = not any("nt_password" in o for o in opts.get("tshark", []))
        theirs = tshark_pdml_fields(path, FIELDS.__contains__, opts.get("tshark", []),
                                    two_pass)
        ours = smbcmp_fields(a.smbcmp, path, opts.get("smbcmp", []))
        if not two_pass:
            for d in (theirs, ours):
                for fr in list(d):
                    d[fr] = [x for x in d[fr] if not x[0].endswith("response_in")]
                    if not d[fr]:
                        del d[fr]
        for fr in sorted(set(theirs) | set(ours)):
            # an excepted frame, or a frame paired with one
            refs = {v for _, v in theirs.get(fr, []) + ours.get(fr, [])}
            if str(fr) in skip or refs & skip:
                continue
            checked += 1
            if theirs.get(fr) != ours.get(fr):
                bad += 1
                if bad <= int(os.environ.get("PAIRING_SHOW", "20")):
                    print(f"{base} frame {fr}: tshark {theirs.get(fr)} smbcmp {ours.get(fr)}")
    print(f"pairing: {checked} frames, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
