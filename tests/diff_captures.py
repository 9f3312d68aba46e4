#!/usr/bin/env python3
"""Diff-engine acceptance tests on the repo's recordings (captures/).

Usage: tests/diff_captures.py [--smbcmp build/smbcmp] [-k NAME] [-v]
Each case runs `smbcmp --json A B` and asserts what must hold (counts,
statuses, the fields named), not exact text. Exit status: 0 all pass,
1 some case failed. Cases that need SMB2/SMB1 body dissection say so in
their failure message.
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAP = os.path.join(ROOT, "captures")


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def run(smbcmp, *args):
    env = dict(os.environ, TZ="UTC", XDG_CONFIG_HOME="/nonexistent")
    p = subprocess.run([smbcmp, *args], capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def diff_json(smbcmp, a, b, *extra):
    rc, out, err = run(smbcmp, "--json", *extra, os.path.join(CAP, a), os.path.join(CAP, b))
    check(rc in (0, 1), f"exit {rc}: {err.strip()}")
    doc = json.loads(out)
    check(doc.get("schema_version") == 2, "schema_version != 2")
    s = doc["summary"]
    if doc.get("by") == "actions":  # an SMB1 trace against an SMB2 one (cli_actions.sh)
        runs = sum(1 for e in doc["actions"] if e["status"] == "unreached")
        check(s["compared"] == s["equal"] + s["similar"] + s["changed"] + s["only_a"] +
              s["only_b"] + runs, "summary counts do not add up")
        check(len(doc["actions"]) == s["compared"], "actions list != compared")
        return rc, doc
    check(s["compared"] == s["equal"] + s["similar"] + s["changed"] + s["only_a"] + s["only_b"],
          "summary counts do not add up")
    check(len(doc["operations"]) == s["compared"], "operations list != compared")
    return rc, doc


def diff_names(op):
    return {d["name"] for d in op.get("differences", [])}


def req(op, side):
    x = op.get(side)
    return (x or {}).get("request", "") or (x or {}).get("response", "")


def case_same(smbcmp):
    rc, doc = diff_json(smbcmp, "same_1.pcap", "same_2.pcap")
    s = doc["summary"]
    check(rc == 0, f"same_1 vs same_2: exit {rc}, summary {s}")
    check(s["changed"] == s["only_a"] == s["only_b"] == 0, f"differences: {s}")
    check(s["equal"] >= 30, f"too few operations aligned: {s}")
    rc, doc = diff_json(smbcmp, "same_1.pcap", "same_2.pcap", "--no-default-masks")
    s = doc["summary"]
    check(rc == 1, f"--no-default-masks: exit {rc}")
    check(s["changed"] >= 10, f"--no-default-masks should show many changes: {s}")
    check(s["only_a"] == s["only_b"] == 0, f"alignment must not depend on masks: {s}")


NAME_OK = re.compile(r"(filename|smbcmp\.path|\.len|length|offset|olb\.|nbss\.|file_name|"
                     r"smb2\.file_info|\.name)", re.I)


def case_change_name(smbcmp):
    rc, doc = diff_json(smbcmp, "same_1.pcap", "change_name.pcap")
    s = doc["summary"]
    check(rc == 1, f"exit {rc}, summary {s} (needs SMB2 CREATE bodies: smb2.filename)")
    check(s["only_a"] == 0 and s["only_b"] == 0, f"a rename must not open gaps: {s}")
    ops = doc["operations"]
    changed = [o for o in ops if o["status"] == "changed"]
    named = False
    for o in changed:
        for d in o["differences"]:
            vals = f"{d.get('a')} {d.get('b')}".lower()
            hit = "snapshot" in vals or "holiday" in vals
            named |= hit and ("snapshot" in str(d.get("a")).lower()) and \
                ("holiday" in str(d.get("b")).lower())
            check(hit or NAME_OK.search(d["name"]),
                  f"op {o['index']}: unrelated difference {d['name']} {d.get('a')!r} -> {d.get('b')!r}")
    check(named, "no difference names snapshot.jpg -> holiday.jpg")
    first = doc["summary"]["first_divergence"]
    check(first is not None and first >= 10, f"operations before the change must be equal (first {first})")
    check(all(o["status"] == "equal" for o in ops[:first]), "ops before first divergence not equal")


def one_gap(ops, status):
    idx = [i for i, o in enumerate(ops) if o["status"] == status]
    return idx and idx == list(range(idx[0], idx[-1] + 1)), idx


def case_change_extra(smbcmp):
    rc, doc = diff_json(smbcmp, "same_1.pcap", "change_extra.pcap")
    s = doc["summary"]
    check(rc == 1, f"exit {rc}")
    check(s["changed"] == 0 and s["only_a"] == 0, f"an extra operation must not cascade: {s}")
    ops = doc["operations"]
    ok, idx = one_gap(ops, "only_b")
    check(ok, f"extra operations are not one gap: {idx}")
    check(req(ops[idx[0]], "b").startswith("Create"), f"gap does not start with a Create: {req(ops[idx[0]], 'b')}")
    check(req(ops[idx[-1]], "b").startswith("Close"), "gap does not end with a Close")
    check(idx[0] >= 10 and len(ops) - idx[-1] > 5, "no equal operations around the gap")


def case_change_badpass(smbcmp):
    rc, doc = diff_json(smbcmp, "same_1.pcap", "change_badpass.pcap")
    s = doc["summary"]
    check(rc == 1, f"exit {rc}")
    check(s["changed"] == 0 and s["only_a"] == 0, f"{s}")
    ops = doc["operations"]
    extra = [o for o in ops if o["status"] == "only_b"]
    check(extra and any("LOGON_FAILURE" in (o["b"] or {}).get("response", "") for o in extra),
          "the failed logon is not among the operations only in B")
    check(len({o["connection"] for o in extra}) == 1, "extra operations span connections")
    check(s["equal"] >= 30, f"the real job is not aligned as equal: {s}")
    check(doc["summary"]["first_divergence"] == 0, "first divergence is not the failed login")


def case_camera(smbcmp):
    # operation by operation (across dialects the default is by action)
    rc, doc = diff_json(smbcmp, "camera.pcap", "reference.pcap", "--by", "operations")
    check(rc == 1, f"exit {rc}")
    ops = doc["operations"]
    first = doc["summary"]["first_divergence"]
    check(first == 0, f"first divergence is #{first}, not the negotiate")
    f = ops[0]
    check("Negotiate" in req(f, "a") and "Negotiate" in req(f, "b"),
          f"first divergence is not the negotiate: {req(f, 'a')!r} / {req(f, 'b')!r}")
    check(f["status"] == "changed", "negotiates are not paired")
    check(all(o["status"] == "only_b" for o in ops[1:]), "after the failed negotiate B goes on alone")
    names = diff_names(f)
    check(any(re.search(r"dialect", n) for n in names),
          f"no dialect field among the differences (needs SMB1/SMB2 NEGOTIATE bodies): {sorted(names)[:8]}")


def case_dialects(smbcmp):
    rc, doc = diff_json(smbcmp, "smb2_02.pcap", "smb3_11.pcap")
    check(rc == 1, f"exit {rc}")
    ops = doc["operations"]
    first = doc["summary"]["first_divergence"]
    check(first == 0, f"first divergence #{first} is not the negotiate (needs NEGOTIATE bodies)")
    names = diff_names(ops[0])
    check(any("dialect" in n for n in names), f"no dialect difference: {sorted(names)[:10]}")
    # The file operations align (paired), not gaps.
    file_ops = [o for o in ops if re.match(r"(Create|Write|Read|Close|GetInfo|Find)", req(o, "a") or req(o, "b"))]
    paired = [o for o in file_ops if o["status"] in ("equal", "similar", "changed")]
    check(len(file_ops) >= 20 and len(paired) >= len(file_ops) - 2,
          f"file operations not aligned: {len(paired)}/{len(file_ops)} paired")


def case_clients(smbcmp):
    """Two real clients doing the same job: smbclient (A) and go-smb2 (B)."""
    rc, doc = diff_json(smbcmp, "reference.pcap", "gosmb2.pcap")
    check(rc == 1, f"exit {rc}")
    ops = doc["operations"]
    check(doc["summary"]["first_divergence"] == 0, "first divergence is not the negotiate")
    check("smb2.capabilities" in diff_names(ops[0]), "negotiate capabilities not compared")
    auth = [o for o in ops if "NTLMSSP_AUTH" in req(o, "b")]
    check(len(auth) == 1 and auth[0]["status"] == "changed", "AUTHENTICATE not paired")
    check("User: WORKGROUP\\smbuser" in req(auth[0], "b"),
          f"go-smb2's user (Unicode, empty workstation at offset 0): {req(auth[0], 'b')!r}")
    writes = [o for o in ops if req(o, "a").startswith("Write Request")]
    check(len(writes) == 1 and writes[0]["status"] in ("changed", "similar"), "the upload is not paired")
    # B signs every message, A does not: one systematic finding names it
    # (with the upload among its operations), not every operation.
    sig = [f for f in doc["findings"] if f["kind"] == "systematic"
           and any(x["name"] == "smb2.flags.signature" for x in f["fields"])]
    check(sig and writes[0]["index"] in sig[0]["operations"], "B signs, A does not: not a systematic finding")
    only_b = " ".join(req(o, "b") for o in ops if o["status"] == "only_b")
    for what in ("FSCTL_SRV_COPYCHUNK", "NetShareEnumAll", "SMB2_FILE_ENDOFFILE_INFO"):
        check(what in only_b, f"{what} not among B's own operations")


def case_filter(smbcmp):
    rc, doc = diff_json(smbcmp, "same_1.pcap", "change_extra.pcap", "--filter", "smb2.cmd == 16")
    ops = doc["operations"]
    check(ops and all("GetInfo" in (req(o, "a") or req(o, "b")) for o in ops), "filter smb2.cmd == 16 let other commands through")
    rc, doc = diff_json(smbcmp, "same_1.pcap", "change_extra.pcap", "--filter", "smb2.cmd == 8")
    check(rc == 0 and doc["summary"]["compared"] >= 1, f"reads alone are equal: exit {rc}")


ANDX = os.path.join(ROOT, "tests", "andx")  # built by tests/andx/mkpcaps.py


def case_andx(smbcmp):
    # A chains Session Setup AndX + Tree Connect AndX; B sends them alone.
    rc, doc = diff_json(smbcmp, os.path.join(ANDX, "chained.pcap"),
                        os.path.join(ANDX, "separate.pcap"))
    s = doc["summary"]
    check(rc == 1, f"exit {rc}: the chaining itself is a difference")
    check(s["only_a"] == 0 and s["only_b"] == 0, f"the chain opened gaps: {s}")
    ops = doc["operations"]
    tcon = [o for o in ops if "Tree Connect" in req(o, "a") or "Tree Connect" in req(o, "b")]
    check(len(tcon) == 1, f"{len(tcon)} Tree Connect operations, expected one pair")
    t = tcon[0]
    check(t["a"] and t["b"], "the chained Tree Connect is not paired")
    check(t["a"]["request_frame"] == ops[tcon[0]["index"] - 1]["a"]["request_frame"],
          "the chained Tree Connect is not the link after the Session Setup")
    check(t["b"]["request_frame"] != ops[tcon[0]["index"] - 1]["b"]["request_frame"],
          "B's Tree Connect should be a message of its own")
    check(t["status"] == "equal", f"chained Tree Connect differs: {sorted(diff_names(t))}")
    check(t["a"]["request"].startswith("Tree Connect AndX Request, Path:"),
          f"link summary: {t['a']['request']!r}")
    check(t["a"]["response"].startswith("Tree Connect AndX Response"),
          f"link response summary: {t['a']['response']!r}")
    check("catena" in (t["a"].get("key") or "").lower(), f"key without the share: {t['a'].get('key')}")
    changed = [o for o in ops if o["status"] == "changed"]
    check(len(changed) == 1 and "Session Setup" in req(changed[0], "a"),
          f"only the chaining Session Setup may differ: {[req(o, 'a') for o in changed]}")
    names = diff_names(changed[0])
    check("smb.cmd" in names, f"AndXCommand not among the differences: {sorted(names)}")
    check(names <= {"smb.cmd", "smb.tid"}, f"unrelated differences: {sorted(names)}")
    # Both later links of the Locking AndX + Write AndX chain pair up.
    writes = [o for o in ops if req(o, "a").startswith("Write AndX Request")]
    check(len(writes) == 1 and writes[0]["status"] == "equal" and writes[0]["b"],
          "the chained Write AndX is not its own equal operation")
    # A trace against itself: every link equal.
    rc, doc = diff_json(smbcmp, os.path.join(ANDX, "chained.pcap"),
                        os.path.join(ANDX, "chained.pcap"))
    check(rc == 0, f"chained vs itself: exit {rc}, {doc['summary']}")


# ---- findings (src/findings/) ----

def text_findings(smbcmp, a, b):
    """The findings section of --text: from '# findings' to the blank line."""
    rc, out, err = run(smbcmp, "--text", os.path.join(CAP, a), os.path.join(CAP, b))
    lines = out.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("# findings")), None)
    if start is None:
        return rc, []
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return rc, lines[start:end]


def case_findings_same(smbcmp):
    rc, doc = diff_json(smbcmp, "same_1.pcap", "same_2.pcap")
    check(rc == 0, f"exit {rc}")
    check(doc["findings"] == [], f"findings on the same client twice: {doc['findings'][:2]}")
    check(not any(r.get("differs") for r in doc["profile"]), "profile rows differ")
    check(doc["summary"]["first_failure"] is None, "a first failure")


def case_findings_dialect(smbcmp):
    """SMB 3.1.1 against 2.0.2 smbclient: the dialect is one systematic
    finding; the file operations are similar or equal, none changed."""
    rc, doc = diff_json(smbcmp, "reference.pcap", "smb2_02.pcap")
    check(rc == 1, f"exit {rc}")
    f = doc["findings"]
    check(f and f[0]["check"] == "dialect" and "3.1.1" in f[0]["message"]
          and "2.0.2" in f[0]["message"], f"first finding is not the dialect: {f[:1]}")
    check(any(x["name"] == "smb2.flags.priority_mask" for x in f[0]["fields"]),
          "the Priority flag is not in the dialect finding")
    changed = [o for o in doc["operations"] if o["status"] == "changed"]
    check(all(req(o, "a").startswith("Negotiate") for o in changed),
          f"changed beyond the negotiate: {[req(o, 'a') for o in changed]}")
    check(doc["summary"]["similar"] >= 30, f"similar {doc['summary']['similar']}")
    rc, lines = text_findings(smbcmp, "reference.pcap", "smb2_02.pcap")
    check(0 < len(lines) <= 20, f"findings section is {len(lines)} lines")
    # --all-fields: the similar operations' differences listed again.
    rc, out, err = run(smbcmp, "--all-fields", "--json", os.path.join(CAP, "reference.pcap"),
                       os.path.join(CAP, "smb2_02.pcap"))
    sim = [o for o in json.loads(out)["operations"] if o["status"] == "similar"]
    check(sim and all(o.get("differences") for o in sim), "--all-fields lists no differences")


def case_findings_camera(smbcmp):
    """An SMB1-only client against an SMB2-only server: no common dialect,
    said first, with what each side offered."""
    rc, doc = diff_json(smbcmp, "camera.pcap", "reference.pcap")
    f = doc["findings"]
    check(f and f[0]["check"] == "no_common_dialect", f"first finding: {f[:1]}")
    m = f[0]["message"]
    check("only SMB1" in m and "NT LM 0.12" in m and "3.1.1" in m, m)
    check(f[0]["frames"]["a"], "no frames for the failed negotiate")
    rc, lines = text_findings(smbcmp, "camera.pcap", "reference.pcap")
    check(len(lines) > 1 and "no common dialect" in lines[1], f"text: {lines[:2]}")


def case_findings_logon(smbcmp):
    rc, doc = diff_json(smbcmp, "reference.pcap", "change_badpass.pcap")
    f = doc["findings"]
    check(f and f[0]["check"] == "logon_failure", f"first finding: {f[:1]}")
    check("password" in f[0]["message"], f[0]["message"])
    check(doc["summary"]["first_failure"] is not None, "no first failure")


def case_findings_ids(smbcmp):
    """impacket connects the tree again per file: its tree ids name the same
    share, so no 'id used inconsistently'; the reconnects are one pattern."""
    rc, out, err = run(smbcmp, "--json", "--all-fields", os.path.join(CAP, "reference.pcap"),
                       os.path.join(CAP, "impacket.pcap"))
    doc = json.loads(out)
    notes = [d for o in doc["operations"] for d in o.get("differences", [])
             if d.get("note") == "id used inconsistently"]
    check(not notes, f"{len(notes)} ids used inconsistently: {notes[:1]}")
    check(any(f["check"] == "connects" and "B 4 times" in f["message"] for f in doc["findings"]),
          "tree reconnects not a pattern")


def case_findings_failure(smbcmp):
    """@marsaud/smb2 deletes by opening with Overwrite If, its access mask
    and share access Delete only: STATUS_ACCESS_DENIED where smbclient's
    delete succeeds. That failure is the first finding, with the request
    fields that differ."""
    rc, doc = diff_json(smbcmp, "reference.pcap", "marsaud_smb2.pcap")
    f = doc["findings"]
    check(f and f[0]["kind"] == "failure" and f[0]["check"] == "outcome", f"first: {f[:1]}")
    m = f[0]["message"]
    for what in ("Create share\\snapshot.jpg", "STATUS_ACCESS_DENIED", "Disposition",
                 "Overwrite If", "Access Mask", "Share Access", "Delete On Close"):
        check(what in m, f"{what!r} not in {m!r}")
    check(doc["summary"]["first_failure"] == f[0]["operations"][0], "first_failure")


def case_findings_chunks(smbcmp):
    """go-smb2 writing 64 KiB in 64 WRITEs of 1 KiB against one WRITE: one
    I/O pattern finding with the sizes, and nothing else."""
    rc, doc = diff_json(smbcmp, "whole_gosmb2.pcap", "chunked_gosmb2.pcap")
    io = [f for f in doc["findings"] if f["check"] == "io"]
    check(len(io) == 1, f"io findings: {io}")
    m = io[0]["message"]
    check("65,536 bytes in 1 request of 65,536" in m and "64 requests of 1,024" in m, m)
    check(len(doc["findings"]) <= 2, f"{len(doc['findings'])} findings")


def case_findings_self(smbcmp):
    """Every recording against itself: no finding, no profile difference,
    exit 0 (a diagnosis or pattern both sides show is no difference)."""
    import glob
    for path in sorted(glob.glob(os.path.join(CAP, "*.pcap"))):
        rc, out, err = run(smbcmp, "--json", "--allow-empty", path, path)
        doc = json.loads(out)
        name = os.path.basename(path)
        check(rc == 0, f"{name}: exit {rc}")
        check(doc["findings"] == [], f"{name}: {[f['message'][:80] for f in doc['findings']]}")
        check(not any(r.get("differs") for r in doc["profile"]), f"{name}: profile differs")


def case_findings_doserr(smbcmp):
    """The snapshot IOCTL refused at NT1 (STATUS_NOT_SUPPORTED) and at
    LANMAN2.1 (DOS error ERRDOS/ERRunsup): the same outcome, so neither a
    failure nor a diagnosis (src/ops/doserr.c maps DOS errors)."""
    rc, doc = diff_json(smbcmp, "job_nt1.pcap", "job_lanman2.pcap")
    bad = [f["message"] for f in doc["findings"] if f["kind"] in ("failure", "diagnosis")]
    check(not bad, f"{bad}")


CASES = {
    "same": case_same,
    "change_name": case_change_name,
    "change_extra": case_change_extra,
    "change_badpass": case_change_badpass,
    "camera": case_camera,
    "dialects": case_dialects,
    "clients": case_clients,
    "filter": case_filter,
    "andx": case_andx,
    "findings_same": case_findings_same,
    "findings_dialect": case_findings_dialect,
    "findings_camera": case_findings_camera,
    "findings_logon": case_findings_logon,
    "findings_ids": case_findings_ids,
    "findings_failure": case_findings_failure,
    "findings_chunks": case_findings_chunks,
    "findings_self": case_findings_self,
    "findings_doserr": case_findings_doserr,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smbcmp", default=os.path.join(ROOT, "build", "smbcmp"))
    ap.add_argument("-k", action="append", help="run only these cases")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    failed = 0
    for name, fn in CASES.items():
        if args.k and name not in args.k:
            continue
        try:
            fn(args.smbcmp)
            print(f"PASS {name}")
        except Fail as e:
            failed += 1
            print(f"FAIL {name}: {e}")
        except (json.JSONDecodeError, KeyError, IndexError) as e:
            failed += 1
            print(f"FAIL {name}: bad output: {e!r}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
