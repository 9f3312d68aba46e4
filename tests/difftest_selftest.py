#!/usr/bin/env python3
"""Self-test of the differential test harness (difftest.py, fieldnames.py).

    difftest_selftest.py [-v] [--keep]

Needs tshark, not smbcmp: it builds a fake smbcmp out of tshark's own PDML,
converted to smbcmp's JSON Lines format (generated items marked with the
PDML/-V alignment of difftest.py), then checks that
  * unit cases of the PDML/-V alignment hold (generated, hidden, drift);
  * the perfect fake scores 100% recall and precision in every scope, and
    passes; a second run takes every tshark result from the cache;
  * --update writes floors, and a fake that drops and alters fields, adds
    one, forgets some "generated" marks and omits a frame then fails on
    floors and on frame agreement, and -v lists the missing and extra pairs;
  * a documented frame exception silences the frame report;
  * a crashing fake fails the run;
  * fieldnames.py passes known names and fails on an unknown one.

It also serves as the fake itself:
    difftest_selftest.py --fake MODE --fake-dir DIR --json FILE
    difftest_selftest.py --fake MODE --fake-dir DIR --list-fields
MODE is perfect, perturb, dropframe or crash; DIR holds the perfect JSON
Lines made once per capture (CAPTURE-BASENAME.jsonl).
"""

import argparse
import concurrent.futures
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import difftest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PUBLIC = os.path.normpath(os.path.join(difftest.REPO, "..", "shared",
                                       "captures", "public"))
# Small, and together they cover all four scopes: an SMB2 compound (with
# smb.* access masks and generated items); SMB1 with SPNEGO carrying
# Kerberos (a nested protocol we skip).
CAPTURES = ["zeek-smb_smb2-multiple-pdus.pcap", "zeek-krb_smb_gssapi.pcap"]


# ---------------------------------------------------------------------------
# The fake smbcmp

def pdml_node(e, gen):
    n = {}
    name = e.get("name", "")
    if name:
        n["name"] = name
    if e.tag == "field" and e.get("show") is not None:
        n["show"] = e.get("show")
    n["label"] = difftest.pdml_label(e)
    for k in ("pos", "size"):
        if e.get(k) is not None:
            n[k] = int(e.get(k))
    if id(e) in gen:
        n["generated"] = True
    kids = [pdml_node(c, gen) for c in e if c.get("hide") != "yes"]
    if kids:
        n["children"] = kids
    return n


def first_show(pkt, name):
    for e in pkt.iter("field"):
        if e.get("name") == name:
            return e.get("show")
    return None


def convert(path, out_path):
    """tshark's view of a capture in smbcmp's --json format."""
    ex = difftest.Extract({})
    stats = difftest.AlignStats()
    info = {}
    with open(out_path, "w", encoding="utf-8") as out:
        for num, el, vlines in difftest.tshark_packets(path, ex, stats,
                                                       info):
            if vlines is None:
                continue
            _, protos = difftest.align_packet(ex, el, vlines, stats)
            tree = [pdml_node(t, gen) for t, gen in protos]
            ts = first_show(el, "frame.time_epoch") or "0"
            ip_src = first_show(el, "ip.src") or first_show(el, "ipv6.src")
            ip_dst = first_show(el, "ip.dst") or first_show(el, "ipv6.dst")
            obj = {"frame": num, "time": float(ts),
                   "stream": int(first_show(el, "tcp.stream") or 0),
                   "src": "%s:%s" % (ip_src, first_show(el, "tcp.srcport")),
                   "dst": "%s:%s" % (ip_dst, first_show(el, "tcp.dstport")),
                   "summary": "", "tree": tree}
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return stats


def perturb(obj, state):
    """Drop every 7th named item, alter every 11th show, add a bogus field,
    forget the mark of every 2nd generated item."""
    def walk(nodes):
        res = []
        for n in nodes:
            if n.get("generated"):
                state["g"] += 1
                if state["g"] % 2 == 0:
                    del n["generated"]
            if n.get("name") and "." in n["name"] \
                    and not n.get("generated"):
                state["k"] += 1
                if state["k"] % 7 == 3:
                    continue
                if state["k"] % 11 == 5 and "show" in n:
                    n["show"] += "X"
            if "children" in n:
                n["children"] = walk(n["children"])
            res.append(n)
        return res

    obj["tree"] = walk(obj["tree"])
    for p in obj["tree"]:
        if p.get("name") == "smb2":
            p.setdefault("children", []).append(
                {"name": "smb2.bogus_field", "show": "1", "label": "Bogus: 1",
                 "pos": 0, "size": 1})
    return obj


def fake_main(a):
    if a.list_fields:
        names = set()
        for fn in os.listdir(a.fake_dir):
            if fn.endswith(".jsonl"):
                with open(os.path.join(a.fake_dir, fn), encoding="utf-8") as f:
                    for line in f:
                        stack = json.loads(line)["tree"]
                        while stack:
                            n = stack.pop()
                            if n.get("name") and "." in n["name"]:
                                names.add(n["name"])
                            stack.extend(n.get("children", []))
        names.add("smb2.signature.status")   # an allowed exception
        if a.fake == "perturb":
            names.add("smb2.not_a_field")
        for n in sorted(names):
            print("%s\tFT_NONE\tfake" % n)
        return 0
    src = os.path.join(a.fake_dir, os.path.basename(a.json) + ".jsonl")
    with open(src, encoding="utf-8") as f:
        lines = f.readlines()
    out = sys.stdout
    state = {"k": 0, "g": 0}
    for i, line in enumerate(lines):
        if a.fake == "dropframe" and i == 0:
            continue
        if a.fake == "perturb" and i == 0:
            continue
        if a.fake == "crash" and i == 1:
            out.flush()
            print("fake smbcmp: simulated crash", file=sys.stderr)
            return 3
        if a.fake == "perturb":
            line = json.dumps(perturb(json.loads(line), state)) + "\n"
        out.write(line)
    return 0


# ---------------------------------------------------------------------------
# Unit cases for the alignment

def unit_alignment():
    ok = True

    def check(what, cond):
        nonlocal ok
        if not cond:
            ok = False
            print("selftest: FAIL unit: %s" % what)

    pkt = ET.fromstring(
        '<proto name="smb2" showname="SMB2 (x)">'
        '<field name="" show="SMB2 Header">'
        '<field name="smb2.cmd" showname="Command: Create (5)" show="5"/>'
        '<field name="smb2.h" showname="Hidden" show="1" hide="yes">'
        '<field name="smb2.hc" showname="Hidden child" show="1"/></field>'
        '<field name="smb2.sesid" showname="Session Id: 0x1" show="0x1">'
        '<field name="smb2.acct" showname="Account: a" show="a"/></field>'
        '<field name="smb2.time" showname="Time: 1" show="1"/>'
        '<field name="smb2.tid" showname="Tree Id: 0x2" show="0x2"/>'
        '<field name="smb2.x" showname="Not in -V" show="1"/>'
        '<field name="smb2.msg_id" showname="Message ID: 9" show="9"/>'
        '</field></proto>')
    vlines = ["SMB2 (x)",
              "    SMB2 Header",
              "        Command: Create (5)",
              "        Session Id: 0x1",
              "            [Account: a]",
              "        [Time: 1]",
              "        an extra -V line",
              "        Tree Id: 0x2",
              "        Message ID: 9"]
    st = difftest.AlignStats()
    gen = difftest.align_block(pkt, vlines, 1, st)
    names = {e.get("name") for e in pkt.iter() if id(e) in gen}
    check("generated items found: %s" % names,
          names == {"smb2.acct", "smb2.time"})
    check("drift resynced (skipped %d, unaligned %d)" % (st.vskipped,
                                                         st.unaligned),
          st.vskipped == 1 and st.unaligned == 1)
    ex = difftest.Extract({"scopes": {"h": {"include": [
        {"fields": ["smb2.*"], "within": "SMB2 Header"}]}}})
    out = []
    difftest.extract_proto(ex, pkt, gen, out)
    got = [(n, s) for n, s, m in out]
    check("extracted %s" % got,
          got == [("smb2.cmd", "5"), ("smb2.sesid", "0x1"),
                  ("smb2.tid", "0x2"), ("smb2.x", "1"),
                  ("smb2.msg_id", "9")])
    check("within mask set", all(m == 1 for n, s, m in out))
    check("vmatch bracket", difftest.vmatch(1, "a", "    [a]") is True)
    check("vmatch depth", difftest.vmatch(1, "a", "        a") is None)
    long_a = "Data: " + "ab" * 200
    check("vmatch cut label",
          difftest.vmatch(0, long_a, long_a[:240] + "…") is False)
    k = difftest.show_key("00:" * 10000, 80)
    check("show_key bounded (%d)" % len(k), len(k) < 120)
    with open(difftest.DEFAULT_CONF, encoding="utf-8") as f:
        conf = json.load(f)
    ex = difftest.Extract(conf)
    hdr = difftest.Scope("header", conf["scopes"]["header"], ex)
    m2 = ex.label_mask("SMB2 Header")
    check("header scope: smb2.reserved inside the SMB2 Header",
          hdr.has("smb2.reserved", m2))
    check("header scope: not smb2.reserved of a body",
          not hdr.has("smb2.reserved", ex.label_mask("Create Request (0x05)")))
    check("header scope: nbss anywhere", hdr.has("nbss.length", 0))
    check("header scope: not smb2.filename", not hdr.has("smb2.filename", m2))
    return ok


# ---------------------------------------------------------------------------
# Driving the harness

def run(cmd, env=None, verbose=False):
    t = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if verbose:
        print("$ %s  (%.1fs, exit %d)" % (" ".join(cmd), time.time() - t,
                                          r.returncode))
        print(r.stdout + r.stderr)
    return r.returncode, r.stdout + r.stderr


def totals(output):
    """{scope: (recall, precision)} from difftest's tables."""
    res, scope = {}, None
    for line in output.splitlines():
        m = re.match(r"== scope (\S+?)(:|$)", line)
        if m:
            scope = m.group(1)
        m = re.match(r"TOTAL\s+\d+\s+\d+\s+\d+\s+(\S+)\s+(\S+)", line)
        if m and scope:
            res[scope] = tuple(None if x == "-" else float(x.rstrip("%"))
                               for x in m.groups())
    return res


def write_fake(tmp, mode):
    path = os.path.join(tmp, "smbcmp-" + mode)
    with open(path, "w") as f:
        f.write("#!/bin/sh\nexec %s %s --fake %s --fake-dir %s \"$@\"\n" % (
            sys.executable, os.path.abspath(__file__), mode,
            os.path.join(tmp, "fake")))
    os.chmod(path, 0o755)
    return path


def selftest(a):
    t0 = time.time()
    ok = unit_alignment()
    caps = [os.path.join(PUBLIC, c) for c in CAPTURES]
    missing = [c for c in caps if not os.path.isfile(c)]
    if missing:
        print("selftest: captures not found: %s" % missing)
        return 2
    tmp = tempfile.mkdtemp(prefix="difftest-selftest-")
    fails = []

    def expect(what, cond, output=""):
        if cond:
            if a.verbose:
                print("selftest: ok   %s" % what)
        else:
            fails.append(what)
            print("selftest: FAIL %s" % what)
            if output:
                print("\n".join("    | " + x for x in output.splitlines()))

    try:
        os.makedirs(os.path.join(tmp, "fake"))
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            for c, st in zip(caps, pool.map(
                    lambda c: convert(c, os.path.join(
                        tmp, "fake", os.path.basename(c) + ".jsonl")),
                    caps)):
                expect("alignment of %s is clean" % os.path.basename(c),
                       st.unaligned == 0 and st.blocks_missing == 0)
        fakes = {m: write_fake(tmp, m)
                 for m in ("perfect", "perturb", "dropframe", "crash")}
        with open(difftest.DEFAULT_CONF, encoding="utf-8") as f:
            conf = json.load(f)
        for sc in conf["scopes"].values():
            sc["floors"] = {"recall": None, "precision": None,
                            "captures": {}}
        conf["frame_exceptions"] = {}
        conf_path = os.path.join(tmp, "difftest.conf")
        with open(conf_path, "w") as f:
            json.dump(conf, f, indent=2)
        env = dict(os.environ, DIFFTEST_CACHE_DIR=os.path.join(tmp, "cache"))
        dt = [sys.executable, os.path.join(HERE, "difftest.py")]

        def difftest_run(mode, *extra, conf=conf_path):
            return run(dt + ["--smbcmp", fakes[mode], "--conf", conf]
                       + list(extra) + caps, env, a.verbose)

        rc, o = difftest_run("perfect")
        tt = totals(o)
        expect("perfect fake passes", rc == 0 and
               o.rstrip().endswith("difftest: PASS"), o)
        expect("perfect fake: 100%% everywhere (%s)" % tt,
               set(tt) == set(conf["scopes"]) and
               all(v == (100.0, 100.0) for v in tt.values()), o)
        expect("first run computes tshark results",
               "(0 of 2 tshark results cached)" in o, o)

        rc, o2 = difftest_run("perfect")
        expect("second run uses the cache",
               rc == 0 and "(2 of 2 tshark results cached)" in o2, o2)
        strip = lambda s: [x for x in s.splitlines()  # noqa: E731
                           if not x.startswith("difftest: ")]
        expect("cached run gives the same tables", strip(o) == strip(o2))

        rc, o = difftest_run("perfect", "--update")
        with open(conf_path) as f:
            upd = json.load(f)
        fl = upd["scopes"]["smb2"]["floors"]
        expect("--update writes floors (total kept for explicit captures)",
               rc == 0 and fl["recall"] is None and
               fl["captures"].get(CAPTURES[0]) ==
               {"recall": 100.0, "precision": 100.0}, o)
        for sc in upd["scopes"].values():
            sc["floors"]["recall"] = sc["floors"]["precision"] = 100.0
        with open(conf_path, "w") as f:
            json.dump(upd, f, indent=2)

        rc, o = difftest_run("perturb", "-v")
        tt = totals(o)
        expect("perturbed fake fails", rc == 1 and
               re.search(r"difftest: FAIL \(.+\)\s*$", o), o)
        expect("perturbed fake: recall and precision drop (%s)" % tt,
               tt.get("smb2") and tt["smb2"][0] < 100 and tt["smb2"][1] < 100,
               o)
        expect("floor violations reported",
               "BELOW floor" in o and "< recall floor" in o, o)
        expect("omitted frame reported",
               "smbcmp omits" in o, o)
        expect("an unmarked generated item counts as extra",
               re.search(r"^ +\d+  smb2\.(time|response_to|tree|auth_frame)",
                         o[o.index("-- extra"):], re.M), o)
        expect("-v lists missing and extra pairs",
               "-- missing: top 20" in o and "-- extra: top 20" in o
               and "smb2.bogus_field" in o, o)

        rc, o = difftest_run("perfect", "--scope", "header")
        expect("--scope runs one scope", rc == 0 and
               list(totals(o)) == ["header"], o)

        # Frame exceptions (floors off: dropping a frame lowers recall).
        for sc in conf["scopes"].values():
            sc["floors"] = {"recall": None, "precision": None,
                            "captures": {}}
        rc, o = difftest_run("dropframe")
        expect("dropped frame fails", rc == 1 and "smbcmp omits" in o, o)
        first = {}
        for c in caps:
            with open(os.path.join(tmp, "fake", os.path.basename(c)
                                   + ".jsonl")) as f:
                first[os.path.basename(c)] = json.loads(f.readline())["frame"]
        conf2 = copy.deepcopy(conf)
        conf2["frame_exceptions"] = {
            n: {"missing": [fr], "why": "selftest"} for n, fr in first.items()}
        conf2_path = os.path.join(tmp, "difftest-exc.conf")
        with open(conf2_path, "w") as f:
            json.dump(conf2, f, indent=2)
        rc, o = difftest_run("dropframe", conf=conf2_path)
        expect("documented frame exception passes",
               rc == 0 and "smbcmp omits" not in o, o)

        rc, o = difftest_run("crash", conf=conf2_path)
        expect("crashing smbcmp fails", rc == 1 and "smbcmp exited 3" in o, o)

        fn = [sys.executable, os.path.join(HERE, "fieldnames.py")]
        rc, o = run(fn + ["--smbcmp", fakes["perfect"]], verbose=a.verbose)
        expect("fieldnames passes tshark's own names", rc == 0, o)
        rc, o = run(fn + ["--smbcmp", fakes["perturb"]], verbose=a.verbose)
        expect("fieldnames fails on an unknown name",
               rc == 1 and "\nsmb2.not_a_field\n" in "\n" + o, o)
    finally:
        if a.keep:
            print("selftest: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if not ok:
        fails.append("alignment unit cases")
    print("selftest: %.1fs" % (time.time() - t0))
    if fails:
        print("selftest: FAIL (%d check(s))" % len(fails))
        return 1
    print("selftest: PASS")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fake", choices=["perfect", "perturb", "dropframe",
                                       "crash"])
    ap.add_argument("--fake-dir")
    ap.add_argument("--json")
    ap.add_argument("--list-fields", action="store_true")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directory")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    if a.fake:
        return fake_main(a)
    return selftest(a)


if __name__ == "__main__":
    sys.exit(main())
