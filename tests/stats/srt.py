#!/usr/bin/env python3
"""srt.py SMBCMP CAPTURE: `smbcmp --stats --json CAPTURE` against tshark's
service response time tables (`tshark -q -z smb2,srt` and `-z smb,srt`):
the same commands (SMB1: also Trans2 and NT Transact subcommands), the same
number of timed calls and the same min and max response time to the
microsecond. Prints one line per mismatch; exit 1 when any."""
import json
import re
import subprocess
import sys

smbcmp, cap = sys.argv[1], sys.argv[2]


def tshark_tables(cap):
    """{(table, index or name): (calls, min_us, max_us)} from both srt taps."""
    out = subprocess.run(["tshark", "-q", "-n", "-z", "smb2,srt", "-z", "smb,srt", "-r", cap],
                         capture_output=True, text=True, check=True).stdout
    rows, table = {}, None
    for line in out.splitlines():
        m = re.match(r"Filter: (\S+)", line)
        if m:
            table = m.group(1)
            continue
        m = re.match(r"\s*(\d+)\s+(.+?)\s+(\d+)\s+(\d+)\.(\d{6})\s+(\d+)\.(\d{6})\s+"
                     r"\d+\.\d{6}\s+\d+\.\d{6}\s*$", line)
        if not m or not table:
            continue
        idx, name, calls = int(m.group(1)), m.group(2).strip(), int(m.group(3))
        mn = int(m.group(4)) * 1000000 + int(m.group(5))
        mx = int(m.group(6)) * 1000000 + int(m.group(7))
        key = (table, idx) if table in ("smb2.cmd", "smb.cmd") else (table, name)
        rows[key] = (calls, mn, mx)
    return rows


def us(ns):
    return (ns + 500) // 1000


def smbcmp_tables(cap):
    out = subprocess.run([smbcmp, "--stats", "--json", cap], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"{cap}: smbcmp --stats --json exit {out.returncode}: {out.stderr.strip()}")
        sys.exit(1)
    doc = json.loads(out.stdout)
    rows = {}
    for r in doc["rows"]:
        a = r["a"]
        if not a["rt_n"]:
            continue
        val = (a["rt_n"], us(a["rt_min_ns"]), us(a["rt_max_ns"]))
        if r["proto"] == "smb2" and r["sub"] is None:
            rows[("smb2.cmd", r["cmd"])] = val
        elif r["proto"] == "smb" and r["cmd"] in (0x32, 0xa0):
            if r["sub"] is not None:
                table = "smb.trans2.cmd" if r["cmd"] == 0x32 else "smb.nt.function"
                rows[(table, r["sub"])] = val
        elif r["proto"] == "smb" and r["sub"] is None:
            rows[("smb.cmd", r["cmd"])] = val
    return rows


want, got = tshark_tables(cap), smbcmp_tables(cap)
bad = 0
for k in sorted(set(want) | set(got), key=str):
    if want.get(k) != got.get(k):
        print(f"{cap}: {k[0]} {k[1]}: tshark (calls, min us, max us) {want.get(k)}, "
              f"smbcmp {got.get(k)}")
        bad += 1
print(f"{cap}: {len(want)} rows of tshark's srt tables, {bad} mismatches")
sys.exit(1 if bad else 0)
