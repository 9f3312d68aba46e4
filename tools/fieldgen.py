#!/usr/bin/env python3
"""fieldgen.py - generate smbcmp's field registry from Wireshark's.

STYLE.md: Wireshark's field registry is the source of our field names and
value formats; names are irregular, so copy them, never derive them. This
script copies them once from `tshark -G fields` and `tshark -G values` into
committed data files; the build never runs tshark.

    tools/fieldgen.py [--fields F] [--values V] PROTO...

writes dissect/fields.def (one F(...) row per field) and dissect/fieldvals.c
(value-string, range-string and true/false tables). Re-run it when the
protocol list changes; review the diff.
"""
import argparse
import collections
import re
import subprocess
import sys

TYPES = {
    "FT_NONE", "FT_PROTOCOL", "FT_UINT8", "FT_UINT16", "FT_UINT24", "FT_UINT32",
    "FT_UINT40", "FT_UINT48", "FT_UINT56", "FT_UINT64", "FT_INT8", "FT_INT16",
    "FT_INT24", "FT_INT32", "FT_INT64", "FT_BOOLEAN", "FT_STRING", "FT_STRINGZ",
    "FT_UINT_STRING", "FT_STRINGZPAD", "FT_STRINGZTRUNC", "FT_BYTES",
    "FT_UINT_BYTES", "FT_GUID", "FT_ABSOLUTE_TIME", "FT_RELATIVE_TIME",
    "FT_FRAMENUM", "FT_IPv4", "FT_IPv6", "FT_ETHER", "FT_OID", "FT_FLOAT",
    "FT_DOUBLE", "FT_CHAR", "FT_EUI64", "FT_REL_OID", "FT_SYSTEM_ID", "FT_FCWWN",
    "FT_AX25", "FT_VINES", "FT_IEEE_11073_SFLOAT", "FT_IEEE_11073_FLOAT",
}
BASES = {"BASE_NONE", "BASE_DEC", "BASE_HEX", "BASE_OCT", "BASE_DEC_HEX",
         "BASE_HEX_DEC", "BASE_CUSTOM"}


def cstr(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif o < 0x20 or o == 0x7f:
            out.append("\\%03o" % o)
        elif o > 0x7f:
            out.extend("\\%03o" % b for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    # keep "\123" escapes from swallowing following digits
    return '"' + re.sub(r'(\\[0-7]{3})(?=[0-9])', r'\1""', "".join(out)) + '"'


def ident(name, used):
    base = "F_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()
    i, cand = 2, base
    while cand in used:
        cand = "%s_%d" % (base, i)
        i += 1
    used.add(cand)
    return cand


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fields")
    ap.add_argument("--values")
    ap.add_argument("--outdir", default="dissect")
    ap.add_argument("protos", nargs="+")
    a = ap.parse_args()
    fields = (open(a.fields).read() if a.fields else
              subprocess.run(["tshark", "-G", "fields"], capture_output=True, text=True).stdout)
    values = (open(a.values).read() if a.values else
              subprocess.run(["tshark", "-G", "values"], capture_output=True, text=True).stdout)
    protos = set(a.protos)

    rows, seen, used = [], set(), set()
    for line in fields.splitlines():
        f = line.split("\t")
        if f[0] == "P" and f[2] in protos and f[2] not in seen:
            seen.add(f[2])
            rows.append((ident(f[2], used), f[2], f[1], "FT_PROTOCOL", "BASE_NONE", 0, 0))
        elif f[0] == "F" and len(f) >= 7 and f[4] in protos and f[2] not in seen:
            seen.add(f[2])
            ftype = f[3] if f[3] in TYPES else "FT_NONE"
            base, bits = "BASE_NONE", 0
            b = f[5].split("|")[0].strip()
            if ftype == "FT_BOOLEAN":
                bits = int(b) if b.isdigit() else 0
            elif b in BASES:
                base = b
            elif b.startswith("BASE_"):
                base = "BASE_DEC"
            mask = int(f[6], 16) if f[6].startswith("0x") else 0
            rows.append((ident(f[2], used), f[2], f[1], ftype, base, bits, mask))

    names = {r[1] for r in rows}
    vals = collections.defaultdict(list)
    rvals = collections.defaultdict(list)
    tfs = {}
    for line in values.splitlines():
        f = line.split("\t")
        if len(f) < 4 or f[1] not in names:
            continue
        if f[0] == "V" and len(f) >= 4:
            try:
                vals[f[1]].append((int(f[2], 0), f[3]))
            except ValueError:
                pass
        elif f[0] == "R" and len(f) >= 5:
            rvals[f[1]].append((int(f[2], 0), int(f[3], 0), f[4]))
        elif f[0] == "T" and len(f) >= 4:
            tfs[f[1]] = (f[2], f[3])

    # Deduplicate identical tables (NT status is shared by many fields).
    tables, out_c = {}, []

    def table(kind, key, body):
        if key in tables:
            return tables[key]
        name = "%s_%d" % (kind, len(tables))
        tables[key] = name
        out_c.append(body(name))
        return name

    defs = []
    for fid, name, label, ftype, base, bits, mask in rows:
        v = r = t = "NULL"
        if name in vals and ftype != "FT_BOOLEAN":
            items = sorted(set(vals[name]), key=lambda x: x[0])
            key = ("v", tuple(items))
            v = table("vals", key, lambda n, items=items: "const struct val %s[] = {\n%s\t{ 0, NULL }\n};\n" % (
                n, "".join("\t{ 0x%xu, %s },\n" % (k & 0xffffffffffffffff, cstr(s)) for k, s in items)))
        if name in rvals:
            items = rvals[name]
            key = ("r", tuple(items))
            r = table("rvals", key, lambda n, items=items: "const struct rval %s[] = {\n%s\t{ 0, 0, NULL }\n};\n" % (
                n, "".join("\t{ 0x%xu, 0x%xu, %s },\n" % (lo, hi, cstr(s)) for lo, hi, s in items)))
        if name in tfs:
            key = ("t", tfs[name])
            tt = tfs[name]
            t = table("tfs", key, lambda n, tt=tt: "const struct tfs %s = { %s, %s };\n" % (n, cstr(tt[0]), cstr(tt[1])))
            t = "&" + t
        defs.append("F(%s, %s, %s, %s, %s, %d, %s, %s, %s, 0x%xu)" % (
            fid, cstr(name), cstr(label), ftype, base, bits, v, r, t, mask))

    hdr = "/* Generated by tools/fieldgen.py from tshark -G fields/values (%s). Do not edit. */\n" % (
        " ".join(sorted(protos)))
    with open(a.outdir + "/fields.def", "w") as fh:
        fh.write(hdr)
        fh.write("\n".join(defs) + "\n")
    with open(a.outdir + "/fieldvals.c", "w") as fh:
        fh.write(hdr + '#include "field.h"\n\n')
        fh.write("\n".join(out_c))
    with open(a.outdir + "/fieldvals.h", "w") as fh:
        fh.write(hdr + "#ifndef SMBCMP_FIELDVALS_H\n#define SMBCMP_FIELDVALS_H\n#include \"field.h\"\n")
        for key, n in tables.items():
            kind = {"v": "const struct val %s[];", "r": "const struct rval %s[];", "t": "const struct tfs %s;"}[key[0]]
            fh.write("extern " + kind % n + "\n")
        fh.write("#endif\n")
    print("%d fields, %d tables" % (len(rows), len(tables)), file=sys.stderr)


if __name__ == "__main__":
    main()
