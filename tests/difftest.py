#!/usr/bin/env python3
"""Differential test of smbcmp's dissection against tshark.

    difftest.py --smbcmp PATH [--conf tests/difftest.conf] [--scope NAME]...
                [--update] [--no-cache] [-j N] [-v] [CAPTURE...]

Default captures: ../shared/captures/public/*.pcap* (relative to the repo
root) and captures/*.pcap. --update writes the current figures into the
conf as floors (total floors only when run on the default captures). -v adds
the most frequent missing and extra (name, show) pairs and field names, with
capture and frame numbers, and alignment details. The last line is
"difftest: PASS" or "difftest: FAIL (reason)".

For every capture, tshark (the oracle) and `smbcmp --json` each give, per
frame, a multiset of (field name, show) pairs; the test reports how many of
tshark's pairs we reproduce (recall) and how many of ours tshark agrees with
(precision), per scope of field names (tests/difftest.conf), and fails when a
figure drops below its recorded floor.

What is compared (see /work/shared/ORACLE.md for why):
  * only fields inside the protocols we dissect: top-level nbss/smb/smb2 and,
    nested inside them, gss-api/spnego/ntlmssp (conf "protocols");
    a nested protocol of another name (kerberos, ...) is skipped whole;
  * not hidden items (hide="yes"), not generated items, not their subtrees;
  * not `_ws.expert` blocks; not text-only items (name=""), though their
    children count;
  * `show` values longer than conf "show_max" are compared by a prefix,
    their length and a hash.

PDML does not mark generated items, so the PDML tree is aligned with the
`tshark -V` text, which prints every non-hidden item on its own line,
indented four spaces per level, generated items in [brackets].

Frame agreement: the frames our JSON lists must equal the frames matched by
`tshark -Y 'nbss || smb || smb2'`, apart from documented exceptions (conf
"frame_exceptions"); the fields of excepted frames are not compared.

tshark results are cached in build/difftest-cache/ (or $DIFFTEST_CACHE_DIR),
keyed by the capture's sha256, the tshark version, this harness's extraction
version and the conf settings that affect extraction.

Exit status: 0 pass, 1 fail, 2 harness error (bad usage, tshark missing, ...).
"""

import argparse
import codecs
import concurrent.futures
import fnmatch
import glob
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

# Bump when the extraction changes in a way that invalidates cached results.
EXTRACT_VERSION = 5

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TESTS_DIR)
DEFAULT_CONF = os.path.join(TESTS_DIR, "difftest.conf")
CACHE_DIR = os.environ.get("DIFFTEST_CACHE_DIR") or os.path.join(
    REPO, "build", "difftest-cache")
FRAME_FILTER = "nbss || smb || smb2"
TOP_N = int(os.environ.get("DIFFTEST_TOP", "20"))          # -v: how many missing/extra pairs to list
KEEP_PAIRS = 200    # pairs kept per capture for the -v ranking
FRAMES_SHOWN = 8    # -v: frame numbers listed per pair
LOOKAHEAD = 400     # -V lines searched forward when the alignment drifts


def default_captures():
    pub = os.path.normpath(os.path.join(REPO, "..", "shared", "captures",
                                        "public"))
    files = sorted(glob.glob(os.path.join(pub, "*.pcap*")))
    files += sorted(glob.glob(os.path.join(REPO, "captures", "*.pcap")))
    return [f for f in files if os.path.isfile(f)]


def tshark_env():
    env = dict(os.environ)
    env["TZ"] = "UTC"
    env["LC_ALL"] = "C.UTF-8"
    return env


# ---------------------------------------------------------------------------
# Values

# XML 1.0 forbids most control characters, and tshark's PDML writer does not
# escape them: they become "?" before parsing. XML attribute normalization
# turns tab, CR and LF in PDML attributes into spaces. Our shows get the same
# treatment, so both sides stay comparable.
_CTRL = bytes(b if b >= 0x20 or b in (9, 10, 13) else 0x3F
              for b in range(256))
_SHOW_NORM = {c: "?" for c in range(0x20) if c not in (9, 10, 13)}
_SHOW_NORM.update({9: " ", 10: " ", 13: " "})


class CleanXML:
    """A file-like filter for tshark's PDML: invalid UTF-8 replaced, XML-
    forbidden control characters made "?", so expat does not stop."""

    def __init__(self, f):
        self.f = f
        self.dec = codecs.getincrementaldecoder("utf-8")("replace")

    def read(self, n=-1):
        b = self.f.read(n)
        text = self.dec.decode(b, final=not b)
        return text.encode("utf-8").translate(_CTRL)


def norm_show(s):
    """Our show value as it would read after PDML parsing."""
    return s.translate(_SHOW_NORM) if s and min(s) < " " else s


def show_key(s, show_max):
    """The comparable form of a show value: itself, or for long values (bytes
    fields can be 78 KB) a prefix plus length and hash."""
    if s is None:
        return ""
    if len(s) <= show_max:
        return s
    h = hashlib.sha1(s.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return "%s...[%d chars, sha1 %s]" % (s[:40], len(s), h)


class Extract:
    """The extraction settings shared by the tshark and smbcmp sides."""

    def __init__(self, conf):
        prot = conf.get("protocols", {})
        self.top = frozenset(prot.get("top", ["nbss", "smb", "smb2"]))
        self.nested = frozenset(prot.get("nested",
                                         ["gss-api", "spnego", "ntlmssp"]))
        self.included = self.top | self.nested
        self.show_max = int(conf.get("show_max", 80))
        # Every distinct "within" label pattern gets one bit; an item's mask
        # says which patterns match the label of one of its ancestors.
        pats = []
        for sc in conf.get("scopes", {}).values():
            for rule in sc.get("include", []) + sc.get("exclude", []):
                w = rule.get("within") if isinstance(rule, dict) else None
                if w and w not in pats:
                    pats.append(w)
        self.within = pats
        self.bit = {p: 1 << i for i, p in enumerate(pats)}
        self._memo = {}

    def key(self):
        """What the cached tshark extraction depends on besides the inputs."""
        return json.dumps([EXTRACT_VERSION, sorted(self.top),
                           sorted(self.nested), self.show_max, self.within])

    def label_mask(self, label):
        if not label or not self.within:
            return 0
        m = self._memo.get(label)
        if m is None:
            m = 0
            for p, b in self.bit.items():
                if fnmatch.fnmatchcase(label, p):
                    m |= b
            if len(self._memo) < 100000:
                self._memo[label] = m
        return m


# ---------------------------------------------------------------------------
# tshark side: -V text

FRAME_RE = re.compile(r"^Frame (\d+): ")


def vframes(stream):
    """Yield (frame number, [lines]) from `tshark -V` output."""
    cur, lines = None, []
    for line in stream:
        line = line.rstrip("\n")
        m = FRAME_RE.match(line)
        if m:
            if cur is not None:
                yield cur, lines
            cur, lines = int(m.group(1)), [line]
        elif cur is not None:
            if line:
                lines.append(line)
    if cur is not None:
        yield cur, lines


def vmatch(depth, text, line):
    """Compare a PDML item (depth, text) with a -V line.
    Returns None (no match), False (plain item) or True (generated)."""
    ind = 4 * depth
    if len(line) <= ind and text:
        return None
    if line[:ind].strip(" ") or (len(line) > ind and line[ind] == " "
                                 and not text.startswith(" ")):
        return None
    s = line[ind:]
    if s == text:
        return False
    if len(s) >= 2 and s[0] == "[" and s[-1] == "]" and s[1:-1] == text:
        return True
    # Tolerate a cut or differently escaped tail of a long label.
    n = min(len(text), 60)
    if n >= 12:
        if s.startswith(text[:n]):
            return False
        if s.startswith("[") and s[1:].startswith(text[:n]):
            return True
    return None


def pdml_label(e):
    s = e.get("showname")
    if s is None:
        s = e.get("show", "")
    return s


class AlignStats:
    __slots__ = ("items", "unaligned", "vskipped", "blocks_missing",
                 "generated", "examples")

    def __init__(self):
        self.items = self.unaligned = self.vskipped = 0
        self.blocks_missing = self.generated = 0
        self.examples = []

    def note(self, frame, what):
        if len(self.examples) < 10:
            self.examples.append("frame %d: %s" % (frame, what))

    def as_dict(self):
        return {k: getattr(self, k) for k in self.__slots__}


def align_block(proto, lines, frame, stats):
    """Align the PDML subtree of a top-level protocol with its -V lines.
    Returns the set of id()s of generated elements."""
    items = []

    def collect(e, d):
        if e.get("hide") == "yes":
            return
        items.append((d, pdml_label(e), e))
        for c in e:
            collect(c, d + 1)

    collect(proto, 0)
    gen = set()
    j, nl = 0, len(lines)
    for d, text, e in items:
        stats.items += 1
        r = vmatch(d, text, lines[j]) if j < nl else None
        if r is None:
            # Drift: look ahead for this item; if it is not there, the item
            # has no -V line (take it as plain) and the -V position stays.
            for k in range(j + 1, min(nl, j + LOOKAHEAD)):
                r = vmatch(d, text, lines[k])
                if r is not None:
                    stats.vskipped += k - j
                    stats.note(frame, "skipped -V line %r" % lines[j][:80])
                    j = k
                    break
        if r is None:
            stats.unaligned += 1
            stats.note(frame, "unaligned PDML item %r" % text[:80])
            continue
        j += 1
        if r:
            gen.add(id(e))
            stats.generated += 1
    return gen


def extract_proto(ex, proto, gen, out):
    """Append (name, show key, within mask) for the fields of an included
    protocol element."""

    def walk(e, mask):
        for c in e:
            if c.get("hide") == "yes" or id(c) in gen:
                continue
            name = c.get("name", "")
            if c.tag == "proto":
                if name in ex.included:
                    walk(c, mask | ex.label_mask(pdml_label(c)))
                continue
            if name.startswith("_ws.expert"):
                continue
            if name:
                out.append((name, show_key(c.get("show"), ex.show_max), mask))
            if len(c):
                walk(c, mask | ex.label_mask(pdml_label(c)))

    walk(proto, ex.label_mask(pdml_label(proto)))


def align_packet(ex, pkt, vlines, stats):
    """Pair the packet's top-level protocols with the -V blocks (a line
    without indentation starts one) and align those we compare.
    Returns (frame number, [(protocol element, set of generated ids)])."""
    frame = None
    tops = []
    for c in pkt:
        name = c.get("name")
        if name == "geninfo":
            for f in c:
                if f.get("name") == "num":
                    frame = int(f.get("show"))
            continue
        if c.get("hide") == "yes":
            continue
        if name == "fake-field-wrapper":
            tops.extend(c)
        else:
            tops.append(c)
    blocks = [i for i, line in enumerate(vlines) if line and line[0] != " "]
    blocks.append(len(vlines))
    res = []
    bi = 0
    for t in tops:
        want = t.tag == "proto" and t.get("name") in ex.top
        text = pdml_label(t)
        found = None
        for k in range(bi, len(blocks) - 1):
            if not text or vmatch(0, text, vlines[blocks[k]]) is not None:
                found = k
                break
        if found is None:
            if want:
                stats.blocks_missing += 1
                stats.note(frame, "no -V block for %r" % text[:80])
                res.append((t, set()))
            continue
        bi = found + 1
        if want:
            lines = vlines[blocks[found]:blocks[found + 1]]
            res.append((t, align_block(t, lines, frame, stats)))
    return frame, res


def process_packet(ex, pkt, vlines, stats):
    frame, protos = align_packet(ex, pkt, vlines, stats)
    out = []
    for t, gen in protos:
        if id(t) not in gen:
            extract_proto(ex, t, gen, out)
    return frame, out


def tshark_packets(path, ex, stats, info, targs=()):
    """Run tshark on one capture and yield (frame number, <packet> element,
    -V lines or None) for every frame; the element is cleared afterwards.

    Two runs in parallel, `-T pdml` and `-V`, both with `-Y FILTER`: only
    the frames the filter selects can hold the protocols we compare (the
    filter is true exactly when one of them is in the tree), and the frames
    printed are exactly those `tshark -Y FILTER -T fields -e frame.number`
    lists (checked on the whole public corpus), so the two runs give the
    frame set too, without a third tshark start-up. tshark still dissects
    every frame (TCP reassembly is unchanged); it only prints fewer.
    targs: extra tshark options (e.g. decryption keys).
    Sets info["tshark"] (PDML creator) and info["nframes"] (frames printed)."""
    env = tshark_env()
    errs = [tempfile.TemporaryFile() for _ in range(2)]
    base = ["tshark", "-n"] + list(targs) + ["-r", path]
    pv = subprocess.Popen(base + ["-Y", FRAME_FILTER, "-V"],
                          stdout=subprocess.PIPE, stderr=errs[0], env=env)
    pp = subprocess.Popen(base + ["-Y", FRAME_FILTER, "-T", "pdml"],
                          stdout=subprocess.PIPE, stderr=errs[1], env=env)
    vtext = io.TextIOWrapper(pv.stdout, encoding="utf-8", errors="replace",
                             newline="\n")
    vgen = vframes(vtext)
    vcur = (0, [])
    info["nframes"] = 0
    done = False
    try:
        for _, el in ET.iterparse(CleanXML(pp.stdout), events=("end",)):
            if el.tag != "packet":
                if el.tag == "pdml":
                    info["tshark"] = el.get("creator")
                continue
            info["nframes"] += 1
            num = None
            for c in el:
                if c.get("name") == "geninfo":
                    for f in c:
                        if f.get("name") == "num":
                            num = int(f.get("show"))
                    break
            while vcur[0] < num:
                vcur = next(vgen, (1 << 62, []))
                if vcur[0] < num:
                    stats.note(vcur[0], "frame in -V but not in PDML")
            yield num, el, (vcur[1] if vcur[0] == num else None)
            el.clear()      # an empty <packet> stays in the root: harmless
        for _ in vgen:      # drain, so tshark -V can exit
            pass
        done = True
    finally:
        for p in (pv, pp):
            if not done:
                p.kill()    # abandoned (error or early close): stop tshark
            p.stdout.close()
        rcs = [p.wait() for p in (pv, pp)]
        msgs = []
        for i, rc in enumerate(rcs):
            errs[i].seek(0)
            if rc != 0:
                msgs.append("tshark %s failed (exit %d) on %s: %s" % (
                    ("-V", "-T pdml")[i], rc, path,
                    errs[i].read().decode(errors="replace")[-500:]))
            errs[i].close()
    if msgs:
        raise RuntimeError("; ".join(msgs))


def tshark_extract(path, ex, targs=()):
    """The cacheable tshark result for one capture."""
    stats = AlignStats()
    info = {"tshark": None, "nframes": 0}
    frames = {}
    filt = []
    for num, el, vlines in tshark_packets(path, ex, stats, info, targs):
        filt.append(num)
        if vlines is None:
            # Cannot happen (same filter): compare without generated-item
            # detection, and say so.
            stats.note(num, "frame in PDML but not in -V")
            vlines = []
        frame, out = process_packet(ex, el, vlines, stats)
        if out:
            frames[str(frame)] = out
    return {"capture": os.path.basename(path), "tshark": info["tshark"],
            "nframes": info["nframes"], "filter_frames": filt,
            "frames": frames, "align": stats.as_dict()}


# ---------------------------------------------------------------------------
# Cache

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def tshark_version():
    """tshark's version line; remembered per binary (path, size, mtime) so a
    cached run does not pay tshark's start-up for it."""
    exe = shutil.which("tshark")
    if not exe:
        raise RuntimeError("tshark not found in PATH")
    st = os.stat(os.path.realpath(exe))
    stamp = "%s:%d:%d" % (os.path.realpath(exe), st.st_size, st.st_mtime_ns)
    memo = os.path.join(CACHE_DIR, "tshark-version.json")
    try:
        with open(memo) as f:
            d = json.load(f)
        if d.get("stamp") == stamp:
            return d["version"]
    except (OSError, ValueError, KeyError):
        pass
    r = subprocess.run(["tshark", "--version"], capture_output=True,
                       env=tshark_env(), check=True)
    v = r.stdout.decode(errors="replace").splitlines()[0].strip()
    try:
        os.makedirs(CACHE_DIR, exist_ok=True)
        with open(memo + ".tmp", "w") as f:
            json.dump({"stamp": stamp, "version": v}, f)
        os.replace(memo + ".tmp", memo)
    except OSError:
        pass
    return v


def cache_path(path, tver, ex, targs):
    k = hashlib.sha256(("%s\0%s\0%s\0%s" % (
        sha256_file(path), tver, ex.key(), json.dumps(list(targs))))
        .encode()).hexdigest()[:32]
    return os.path.join(CACHE_DIR, "%s-%s.json.gz" % (
        re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.basename(path)), k))


def tshark_data(path, tver, ex, use_cache, targs=()):
    cp = cache_path(path, tver, ex, targs)
    if use_cache:
        try:
            with gzip.open(cp, "rt", encoding="utf-8") as f:
                d = json.load(f)
            d["cached"] = True
            return d
        except (OSError, ValueError, EOFError):
            pass
    d = tshark_extract(path, ex, targs)
    try:
        os.makedirs(CACHE_DIR, exist_ok=True)
        tmp = "%s.%d.tmp" % (cp, os.getpid())
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=3) as f:
            json.dump(d, f, separators=(",", ":"))
        os.replace(tmp, cp)
    except OSError as e:
        print("difftest: warning: cannot write cache %s: %s" % (cp, e),
              file=sys.stderr)
    d["cached"] = False
    return d


# ---------------------------------------------------------------------------
# smbcmp side

def ours_extract(ex, tree, out, bad):
    """Like extract_proto, for one frame's tree of our JSON; bad counts
    format problems (a show that is not a string)."""
    def walk(nodes, mask):
        for n in nodes:
            if not isinstance(n, dict) or n.get("generated"):
                continue
            name = n.get("name") or ""
            kids = n.get("children") or []
            if name in ex.included:
                walk(kids, mask | ex.label_mask(n.get("label")))
                continue
            if name and "." not in name:
                continue        # another protocol nested in ours
            if name.startswith("_ws.expert"):
                continue
            if name:
                show = n.get("show")
                if show is not None and not isinstance(show, str):
                    bad["show not a string"] += 1
                    show = json.dumps(show)
                out.append((name, show_key(norm_show(show), ex.show_max),
                            mask))
            if kids:
                walk(kids, mask | ex.label_mask(n.get("label")))

    for n in tree or []:
        if isinstance(n, dict) and n.get("name") in ex.top \
                and not n.get("generated"):
            walk(n.get("children") or [], ex.label_mask(n.get("label")))


def run_smbcmp(smbcmp, path, ex, timeout, sargs=()):
    """Returns (frames {num: [(name, show, mask)]}, list of problems)."""
    problems = []
    frames = {}
    bad = Counter()
    dups = []
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            p = subprocess.run([smbcmp] + list(sargs) + ["--json", path],
                               stdout=out,
                               stderr=err, timeout=timeout)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            problems.append("smbcmp timed out after %ds" % timeout)
            rc = None
        except OSError as e:
            return {}, ["cannot run smbcmp: %s" % e]
        if rc:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip()[-300:]
            problems.append("smbcmp exited %d%s" % (
                rc, (": " + tail.replace("\n", " | ")) if tail else ""))
        out.seek(0)
        text = io.TextIOWrapper(out, encoding="utf-8", errors="replace")
        for lineno, line in enumerate(text, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                num = int(obj["frame"])
            except (ValueError, KeyError, TypeError) as e:
                if len(problems) < 5:
                    problems.append("bad JSON line %d: %s" % (lineno, e))
                continue
            if num in frames:
                dups.append(num)
            items = frames.setdefault(num, [])
            ours_extract(ex, obj.get("tree"), items, bad)
    if dups:
        problems.append("frames emitted more than once: %s" % short(
            " ".join(map(str, dups)), 100))
    for what, n in sorted(bad.items()):
        problems.append("bad JSON: %s (%d times)" % (what, n))
    return frames, problems


# ---------------------------------------------------------------------------
# Scopes and comparison

class Scope:
    def __init__(self, name, d, ex):
        self.name = name
        self.doc = d.get("doc", "")
        self.rules = []
        for r in d.get("include", []):
            self.rules.append((tuple(r["fields"]),
                               ex.bit.get(r.get("within"), 0)))
        self.excl = []
        for r in d.get("exclude", []):
            if isinstance(r, str):
                r = {"fields": [r]}
            self.excl.append((tuple(r["fields"]),
                              ex.bit.get(r.get("within"), 0)))
        self._memo = {}

    @staticmethod
    def _hit(rules, name, mask):
        for pats, bit in rules:
            if bit and not (mask & bit):
                continue
            for p in pats:
                if fnmatch.fnmatchcase(name, p):
                    return True
        return False

    def has(self, name, mask):
        k = (name, mask)
        r = self._memo.get(k)
        if r is None:
            r = self._hit(self.rules, name, mask) and \
                not self._hit(self.excl, name, mask)
            self._memo[k] = r
        return r


def compare(scopes, tframes, oframes, skip=()):
    """Per scope: counts, and the missing/extra pairs and names with their
    frames (only the most frequent, to keep results small). Frames in skip
    (documented frame exceptions) are left out."""
    res = {}
    allf = (set(int(f) for f in tframes) | set(oframes)) - set(skip)
    for sc in scopes:
        r = {"tshark": 0, "ours": 0, "matched": 0}
        diff = {"missing": defaultdict(Counter), "extra": defaultdict(Counter)}
        for f in sorted(allf):
            t = Counter((n, s) for n, s, m in tframes.get(str(f), ())
                        if sc.has(n, m))
            o = Counter((n, s) for n, s, m in oframes.get(f, ())
                        if sc.has(n, m))
            if not t and not o:
                continue
            nt, no = sum(t.values()), sum(o.values())
            nm = sum((t & o).values())
            r["tshark"] += nt
            r["ours"] += no
            r["matched"] += nm
            if nm != nt:
                for k, c in (t - o).items():
                    diff["missing"][k][f] += c
            if nm != no:
                for k, c in (o - t).items():
                    diff["extra"][k][f] += c
        for kind, d in diff.items():
            pairs = sorted(((sum(fr.values()), k, sorted(fr)[:FRAMES_SHOWN],
                             len(fr)) for k, fr in d.items()),
                           key=lambda x: (-x[0], x[1]))
            r[kind] = pairs[:KEEP_PAIRS]
            names = defaultdict(lambda: [0, set()])
            for k, fr in d.items():
                names[k[0]][0] += sum(fr.values())
                names[k[0]][1].update(fr)
            r[kind + "_names"] = sorted(
                ((c, n, sorted(fs)[:FRAMES_SHOWN], len(fs))
                 for n, (c, fs) in names.items()),
                key=lambda x: (-x[0], x[1]))[:KEEP_PAIRS]
        res[sc.name] = r
    return res


def check_frames(tdata, oframes):
    filt = set(tdata["filter_frames"])
    ours = set(oframes)
    return sorted(filt - ours), sorted(ours - filt)


def process_capture(args):
    """Worker: everything about one capture. Returns a small summary."""
    path, conf, scope_names, smbcmp, tver, use_cache, timeout = args
    t0 = time.time()
    ex = Extract(conf)      # from all scopes: the cache key stays the same
    scopes = [Scope(n, conf["scopes"][n], ex) for n in scope_names]
    opts = conf.get("capture_options", {}).get(os.path.basename(path), {})
    # smbcmp runs while tshark runs.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        fut = pool.submit(run_smbcmp, smbcmp, path, ex, timeout,
                          opts.get("smbcmp", ()))
        try:
            tdata = tshark_data(path, tver, ex, use_cache,
                                opts.get("tshark", ()))
        except Exception as e:  # noqa: BLE001 - reported as harness error
            fut.result()
            return {"capture": path, "error": str(e)}
        oframes, problems = fut.result()
    missing, extra = check_frames(tdata, oframes)
    exc = conf.get("frame_exceptions", {}).get(os.path.basename(path), {})
    skip = (set(exc.get("missing", [])) & set(missing)) | \
        (set(exc.get("extra", [])) & set(extra))
    return {"capture": path, "name": os.path.basename(path),
            "cached": tdata["cached"], "align": tdata["align"],
            "nframes": tdata["nframes"], "skipped": sorted(skip),
            "scopes": compare(scopes, tdata["frames"], oframes, skip),
            "frames_missing": missing, "frames_extra": extra,
            "problems": problems, "seconds": time.time() - t0}


# ---------------------------------------------------------------------------
# Reporting and floors

def pct(a, b):
    return None if b == 0 else 100.0 * a / b


def floor_pct(a, b):
    """Percentage rounded down to 0.1 (exact integer arithmetic)."""
    return None if b == 0 else (1000 * a // b) / 10.0


def fmt_pct(x):
    """Rounded down, like the floors: 99.97% shows as 99.9%, not 100.0%."""
    return "     -" if x is None else "%5.1f%%" % (int(x * 10 + 1e-9) / 10.0)


def short(s, n=70):
    s = s.replace("\n", "\\n")
    return s if len(s) <= n else s[:n - 3] + "..."


def print_scope(sc, results, conf_scope, verbose, failures, out):
    floors = conf_scope.get("floors") or {}
    cfloors = floors.get("captures") or {}
    w = max([len(r["name"]) for r in results] + [7])
    print("", file=out)
    print("== scope %s%s" % (sc.name, (": " + sc.doc) if sc.doc else ""),
          file=out)
    print("%-*s %8s %8s %8s %7s %7s" % (w, "capture", "tshark", "ours",
                                        "matched", "recall", "prec"),
          file=out)
    tot = Counter()
    for r in results:
        s = r["scopes"][sc.name]
        for k in ("tshark", "ours", "matched"):
            tot[k] += s[k]
        if not s["tshark"] and not s["ours"]:
            continue
        rec = pct(s["matched"], s["tshark"])
        pre = pct(s["matched"], s["ours"])
        mark = ""
        cf = cfloors.get(r["name"])
        if cf and s["tshark"]:
            for what, val in (("recall", rec), ("precision", pre)):
                fl = cf.get(what)
                if fl is not None and val is not None and val < fl - 1e-9:
                    mark += "  < %s floor %.1f%%" % (what, fl)
                    failures.append("%s: %s %s %.2f%% < %.1f%%" % (
                        sc.name, r["name"], what, val, fl))
        print("%-*s %8d %8d %8d %7s %7s%s" % (
            w, r["name"], s["tshark"], s["ours"], s["matched"],
            fmt_pct(rec), fmt_pct(pre), mark), file=out)
    rec = pct(tot["matched"], tot["tshark"])
    pre = pct(tot["matched"], tot["ours"])
    print("%-*s %8d %8d %8d %7s %7s" % (
        w, "TOTAL", tot["tshark"], tot["ours"], tot["matched"],
        fmt_pct(rec), fmt_pct(pre)), file=out)
    notes = []
    for what, val in (("recall", rec), ("precision", pre)):
        fl = floors.get(what)
        if fl is None:
            notes.append("%s floor: none" % what)
        elif val is None:
            notes.append("%s floor %.1f%%: no data" % (what, fl))
        elif val < fl - 1e-9:
            notes.append("%s %.2f%% BELOW floor %.1f%%" % (what, val, fl))
            failures.append("%s: total %s %.2f%% < %.1f%%" % (
                sc.name, what, val, fl))
        else:
            notes.append("%s floor %.1f%% ok" % (what, fl))
    with_data = [r["name"] for r in results
                 if r["scopes"][sc.name]["tshark"]]
    nofloor = [n for n in with_data if n not in cfloors]
    if nofloor:
        notes.append("%d of %d captures without a per-capture floor" % (
            len(nofloor), len(with_data)))
    print("floors: " + "; ".join(notes), file=out)
    if verbose:
        print_top(sc.name, results, out)
    return tot


def print_top(scope, results, out):
    """The most frequent missing and extra pairs and field names, summed over
    captures, each with where to look (capture and frame numbers)."""
    for kind, what in (("missing", "in tshark, not ours"),
                       ("extra", "in ours, not tshark")):
        for sub, unit in (("", "(name, show) pairs"), ("_names", "fields")):
            agg = defaultdict(lambda: [0, []])
            for r in results:
                for n, key, frames, nframes in r["scopes"][scope][kind + sub]:
                    a = agg[tuple(key) if sub == "" else key]
                    a[0] += n
                    a[1].append((r["name"], frames, nframes))
            if not agg:
                continue
            top = sorted(agg.items(), key=lambda kv: (-kv[1][0], kv[0]))
            print("-- %s: top %d %s %s (of %d)" % (
                kind, TOP_N, unit, what, len(agg)), file=out)
            for key, (n, where) in top[:TOP_N]:
                if sub == "":
                    label = "%s = %s" % (key[0], short(repr(key[1]), 60))
                else:
                    label = key
                where.sort(key=lambda w: -w[2])
                locs = "; ".join(
                    "%s #%s%s" % (cap, ",".join(map(str, fr)),
                                  ",..." if nf > len(fr) else "")
                    for cap, fr, nf in where[:2])
                if len(where) > 2:
                    locs += "; +%d captures" % (len(where) - 2)
                print("  %6d  %s   [%s]" % (n, label, locs), file=out)


def update_floors(conf, scope_names, results, all_captures):
    changes = []
    for name in scope_names:
        sc = conf["scopes"][name]
        fl = sc.get("floors") or {}
        caps = dict(fl.get("captures") or {})
        tot = Counter()
        for r in results:
            s = r["scopes"][name]
            for k in ("tshark", "ours", "matched"):
                tot[k] += s[k]
            if s["tshark"]:
                caps[r["name"]] = {
                    "recall": floor_pct(s["matched"], s["tshark"]),
                    "precision": floor_pct(s["matched"], s["ours"])}
            else:
                caps.pop(r["name"], None)
        new = {"recall": fl.get("recall"), "precision": fl.get("precision"),
               "captures": dict(sorted(caps.items()))}
        if all_captures:
            new["recall"] = floor_pct(tot["matched"], tot["tshark"])
            new["precision"] = floor_pct(tot["matched"], tot["ours"])
        for k in ("recall", "precision"):
            if new[k] != fl.get(k):
                changes.append("%s %s: %s -> %s" % (name, k, fl.get(k),
                                                    new[k]))
        sc["floors"] = new
    return changes


def dump_json(v, indent=0):
    """JSON for the conf file: one key per line, short lists and flat objects
    kept on one line, long lists of scalars wrapped, so that --update makes
    small diffs."""
    pad = "  " * indent
    flat = json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        if not v:
            return "{}"
        if len(pad) + len(flat) < 78:
            return flat
        return "{\n" + ",\n".join(
            "%s  %s: %s" % (pad, json.dumps(k, ensure_ascii=False),
                            dump_json(x, indent + 1))
            for k, x in v.items()) + "\n" + pad + "}"
    if isinstance(v, list):
        if len(pad) + len(flat) < 78:
            return flat
        if any(isinstance(x, (dict, list)) for x in v):
            return "[\n" + ",\n".join(
                pad + "  " + dump_json(x, indent + 1) for x in v) + \
                "\n" + pad + "]"
        lines, cur = [], ""
        for x in v:
            t = json.dumps(x, ensure_ascii=False)
            if cur and len(pad) + len(cur) + len(t) + 4 > 78:
                lines.append(cur)
                cur = t
            else:
                cur = cur + ", " + t if cur else t
        lines.append(cur)
        return "[\n" + ",\n".join(pad + "  " + x for x in lines) + \
            "\n" + pad + "]"
    return flat


def load_conf(path):
    with open(path, encoding="utf-8") as f:
        conf = json.load(f)
    if not isinstance(conf.get("scopes"), dict) or not conf["scopes"]:
        raise ValueError("%s: no scopes" % path)
    for name, sc in conf["scopes"].items():
        for r in sc.get("include", []) + sc.get("exclude", []):
            if isinstance(r, str) and r in sc.get("exclude", []):
                continue
            if not isinstance(r, dict) or not isinstance(r.get("fields"),
                                                         list):
                raise ValueError("%s: scope %s: a rule needs a list "
                                 "'fields': %r" % (path, name, r))
    return conf


def harness_error(msg):
    """Harness errors end the run like a failure, with exit status 2."""
    print("difftest: FAIL (harness error: %s)" % msg)
    return 2


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Compare smbcmp --json with tshark, field by field.")
    ap.add_argument("--smbcmp", required=True, help="the smbcmp binary")
    ap.add_argument("--conf", default=DEFAULT_CONF)
    ap.add_argument("--scope", action="append", default=[],
                    help="scope to run (repeatable; default: all)")
    ap.add_argument("--update", action="store_true",
                    help="write the current figures as floors")
    ap.add_argument("--no-cache", action="store_true",
                    help="ignore cached tshark results (still refreshes them)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("captures", nargs="*")
    a = ap.parse_args(argv)
    t0 = time.time()
    out = sys.stdout

    try:
        conf = load_conf(a.conf)
    except (OSError, ValueError) as e:
        return harness_error("cannot read conf: %s" % e)
    for s in a.scope:
        if s not in conf["scopes"]:
            return harness_error("unknown scope %r (have: %s)" % (
                s, ", ".join(conf["scopes"])))
    scope_names = list(dict.fromkeys(a.scope)) or list(conf["scopes"])
    captures = list(dict.fromkeys(a.captures)) or default_captures()
    for c in captures:
        if not os.path.isfile(c):
            return harness_error("no such capture: %s" % c)
    if not captures:
        return harness_error("no captures")
    smbcmp = a.smbcmp
    if os.sep not in smbcmp and shutil.which(smbcmp):
        smbcmp = shutil.which(smbcmp)
    smbcmp = os.path.abspath(smbcmp)
    if not os.access(smbcmp, os.X_OK):
        print("difftest: FAIL (smbcmp not executable: %s)" % smbcmp)
        return 1
    try:
        tver = tshark_version()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        return harness_error("cannot run tshark: %s" % e)
    timeout = int(conf.get("smbcmp_timeout", 300))

    # Biggest first, so two workers finish together.
    order = sorted(captures, key=lambda c: -os.path.getsize(c))
    jobs = [(c, conf, scope_names, smbcmp, tver, not a.no_cache, timeout)
            for c in order]
    results = {}
    with concurrent.futures.ProcessPoolExecutor(max(1, a.jobs)) as pool:
        for r in pool.map(process_capture, jobs):
            results[r["capture"]] = r
    results = [results[c] for c in captures]

    errors = [r for r in results if "error" in r]
    if errors:
        for r in errors[1:]:
            print("difftest: %s" % r["error"], file=sys.stderr)
        return harness_error(errors[0]["error"])

    failures = []
    print("difftest: %d capture(s), %s, smbcmp %s" % (len(results), tver,
                                                       smbcmp), file=out)
    # Harness problems and frame agreement.
    exc = conf.get("frame_exceptions", {})
    for r in results:
        for p in r["problems"]:
            print("%s: %s" % (r["name"], p), file=out)
            failures.append("%s: %s" % (r["name"], p.split(":")[0]))
        e = exc.get(r["name"], {})
        allowed_m = set(e.get("missing", []))
        allowed_x = set(e.get("extra", []))
        bad_m = [f for f in r["frames_missing"] if f not in allowed_m]
        bad_x = [f for f in r["frames_extra"] if f not in allowed_x]
        if bad_m:
            print("%s: frames tshark's filter selects but smbcmp omits: %s" % (
                r["name"], short(" ".join(map(str, bad_m)), 200)), file=out)
            failures.append("%s: %d frame(s) missing" % (r["name"],
                                                         len(bad_m)))
        if bad_x:
            print("%s: frames smbcmp emits but tshark's filter does not "
                  "select: %s" % (r["name"],
                                  short(" ".join(map(str, bad_x)), 200)),
                  file=out)
            failures.append("%s: %d extra frame(s)" % (r["name"], len(bad_x)))
        stale = sorted((allowed_m - set(r["frames_missing"])) |
                       (allowed_x - set(r["frames_extra"])))
        if stale:
            print("%s: note: frame exceptions no longer needed: %s" % (
                r["name"], " ".join(map(str, stale))), file=out)
        if r["skipped"] and a.verbose:
            print("%s: note: frame exceptions, fields not compared: %s" % (
                r["name"], short(" ".join(map(str, r["skipped"])), 200)),
                file=out)
        al = r["align"]
        if al["unaligned"] or al["blocks_missing"]:
            print("%s: warning: PDML/-V alignment: %d of %d items unaligned, "
                  "%d protocol blocks unmatched" % (
                      r["name"], al["unaligned"], al["items"],
                      al["blocks_missing"]), file=out)
            if a.verbose:
                for x in al["examples"]:
                    print("    " + x, file=out)

    ex = Extract(conf)
    for name in scope_names:
        sc = Scope(name, conf["scopes"][name], ex)
        print_scope(sc, results, conf["scopes"][name], a.verbose,
                    failures if not a.update else [], out)

    if a.update:
        changes = update_floors(conf, scope_names, results, not a.captures)
        if a.captures:
            print("difftest: explicit captures given: total floors kept, "
                  "per-capture floors updated", file=out)
        tmp = a.conf + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(dump_json(conf) + "\n")
        os.replace(tmp, a.conf)
        for c in changes:
            print("difftest: floor %s" % c, file=out)
        print("difftest: floors written to %s" % a.conf, file=out)

    ncached = sum(1 for r in results if r["cached"])
    print("", file=out)
    print("difftest: %.1fs (%d of %d tshark results cached)" % (
        time.time() - t0, ncached, len(results)), file=out)
    if failures:
        for f in failures:
            print("  failure: %s" % f, file=out)
        print("difftest: FAIL (%s)" % summarize(failures), file=out)
        return 1
    print("difftest: PASS", file=out)
    return 0


def summarize(failures):
    if len(failures) == 1:
        return failures[0]
    return "%d failures; first: %s" % (len(failures), failures[0])


if __name__ == "__main__":
    sys.exit(main())
