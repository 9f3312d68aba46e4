#!/usr/bin/env python3
"""fieldgen.py - generate smbcmp's field registry from Wireshark's.

STYLE.md: Wireshark's field registry is the source of our field names and
value formats; names are irregular, so copy them, never derive them. This
script copies them once from `tshark -G fields` and `tshark -G values` into
committed data files; the build never runs tshark.

    tools/fieldgen.py [--fields F] [--values V] PROTO...

writes dissect/fields.def (one F(...) row per field), dissect/fieldvals.c
(value-string, range-string and true/false tables, as offsets into one
string pool: no pointers, see dissect/field.h) and dissect/fieldvals.h
(where each table starts). Re-run it when the protocol list changes;
review the diff.
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


def note(s):
    """s in a C comment: a string as cstr() writes it, with no end of comment."""
    return cstr(s).replace("*/", "*\\/")


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

    rows_f, seen, used = [], set(), set()
    for line in fields.splitlines():
        f = line.split("\t")
        if f[0] == "P" and f[2] in protos and f[2] not in seen:
            seen.add(f[2])
            rows_f.append((ident(f[2], used), f[2], f[1], "FT_PROTOCOL", "BASE_NONE", 0, 0))
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
            rows_f.append((ident(f[2], used), f[2], f[1], ftype, base, bits, mask))

    names = {r[1] for r in rows_f}
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

    # The tables hold no pointers (field.h): every string is an offset into
    # one pool, fv_str (offset 0, the empty string, ends a value table), and
    # every table an index into one array per kind (fv_vals, fv_rvals,
    # fv_tfs; index 0, none). A pointer would be relocated at every start.
    # Identical tables are kept once (NT status is shared by many fields).
    pool, pool_at = [""], {}
    pool_len = [1]

    def at(text):
        if text not in pool_at:
            pool_at[text] = pool_len[0]
            pool.append(text)
            pool_len[0] += len(text.encode("utf-8")) + 1
        return pool_at[text]

    def u32(n, what):
        if not 0 <= n <= 0xffffffff:
            sys.exit("fieldgen: %s 0x%x does not fit the 32 bits of field.h's tables" % (what, n))
        return n

    tables = {}                       # key -> constant name
    rows = {"v": [], "r": [], "t": []}  # table rows as C text, per kind
    ends = {"v": 1, "r": 1, "t": 1}   # next free index (0 is none)

    def table(kind, key, items):
        if key in tables:
            return tables[key]
        name = "%s_%d" % ({"v": "VALS", "r": "RVALS", "t": "TFS"}[kind], len(tables))
        tables[key] = (name, ends[kind])
        out = rows[kind]
        out.append("\t/* %s = %d */\n" % (name, ends[kind]))
        if kind == "v":
            for k, s in items:
                out.append("\t{ 0x%xu, %d }, /* %s */\n" % (u32(k, "value"), at(s), note(s)))
            out.append("\t{ 0, 0 },\n")
            ends[kind] += len(items) + 1
        elif kind == "r":
            for lo, hi, s in items:
                out.append("\t{ 0x%xu, 0x%xu, %d }, /* %s */\n" % (
                    u32(lo, "range start"), u32(hi, "range end"), at(s), note(s)))
            out.append("\t{ 0, 0, 0 },\n")
            ends[kind] += len(items) + 1
        else:
            out.append("\t{ %d, %d }, /* %s, %s */\n" % (at(items[0]), at(items[1]),
                                                          note(items[0]), note(items[1])))
            ends[kind] += 1
        return tables[key]

    defs = []
    for fid, name, label, ftype, base, bits, mask in rows_f:
        v = r = t = "0"
        if name in vals and ftype != "FT_BOOLEAN":
            items = sorted(set(vals[name]), key=lambda x: x[0])
            v = table("v", ("v", tuple(items)),
                      [(k & 0xffffffffffffffff, s) for k, s in items])[0]
        if name in rvals:
            items = rvals[name]
            r = table("r", ("r", tuple(items)), items)[0]
        if name in tfs:
            t = table("t", ("t", tfs[name]), tfs[name])[0]
        defs.append("F(%s, %s, %s, %s, %s, %d, %s, %s, %s, 0x%xu)" % (
            fid, cstr(name), cstr(label), ftype, base, bits, v, r, t, mask))

    hdr = "/* Generated by tools/fieldgen.py from tshark -G fields/values (%s). Do not edit. */\n" % (
        " ".join(sorted(protos)))
    with open(a.outdir + "/fields.def", "w") as fh:
        fh.write(hdr)
        fh.write("\n".join(defs) + "\n")
    with open(a.outdir + "/fieldvals.c", "w") as fh:
        fh.write(hdr + '#include "fieldvals.h"\n\n')
        fh.write("/* Every string of the tables, at the offsets the rows give. */\n")
        fh.write("const char fv_str[] =\n")
        off = 0
        for text in pool:
            fh.write("\t%s \"\\0\" /* %d */\n" % (cstr(text), off) if off else '\t"\\0" /* 0: none */\n')
            off += len(text.encode("utf-8")) + 1
        fh.write("\t;\n")
        fh.write("_Static_assert(sizeof(fv_str) == %d + 1, \"fv_str: offsets out of step\");\n\n" % pool_len[0])
        for kind, ctype, zero in (("v", "struct val", "{ 0, 0 }"), ("r", "struct rval", "{ 0, 0, 0 }"),
                                  ("t", "struct tfs", "{ 0, 0 }")):
            arr = {"v": "fv_vals", "r": "fv_rvals", "t": "fv_tfs"}[kind]
            fh.write("const %s %s[%d] = {\n\t%s, /* 0: none */\n" % (ctype, arr, ends[kind], zero))
            fh.write("".join(rows[kind]))
            fh.write("};\n\n")
    with open(a.outdir + "/fieldvals.h", "w") as fh:
        fh.write(hdr + "#ifndef SMBCMP_FIELDVALS_H\n#define SMBCMP_FIELDVALS_H\n#include \"field.h\"\n\n")
        fh.write("/* Where each table starts in fv_vals, fv_rvals or fv_tfs (field.h). */\nenum {\n")
        for key, (n, idx) in tables.items():
            fh.write("\t%s = %d,\n" % (n, idx))
        fh.write("};\n\n/* Sizes of the arrays (tests/test_fields.c walks them). */\n")
        fh.write("enum {\n\tFV_STR_SIZE = %d,\n\tFV_NVALS = %d,\n\tFV_NRVALS = %d,\n\tFV_NTFS = %d,\n};\n\n#endif\n" % (
            pool_len[0] + 1, ends["v"], ends["r"], ends["t"]))
    print("%d fields, %d tables" % (len(rows_f), len(tables)), file=sys.stderr)


if __name__ == "__main__":
    main()
