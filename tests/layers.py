#!/usr/bin/env python3
"""Draws the include graph of dissect/, src/*/ and ui/ from the code and
fails if an include runs against the stage order (doc/architecture.md).

Usage: tests/layers.py [-v]   (-v prints the graph, stage to stage)

Checks, for every #include "NAME" of a .c, .h or .def file:
  - NAME is a bare file name (no ../ or folder: the include directories of
    the build resolve it, and they are the stage's own and those below);
  - the file it names belongs to a stage the includer's stage may include
    (MAY below);
  - a private header (PRIVATE) is included from its own folder only.
Every folder of src/ must have a row in MAY, so a new stage states its
place. The build enforces the same order (each stage sees only the include
directories below it); this test says which line is wrong, and also covers
headers no build includes yet. Exit status 0 or 1.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What each stage may include besides itself: the stages below it.
BASE = ["dissect", "util"]
MAY = {
    "dissect": ["util"],
    "util": [],
    "ops": BASE,
    "diff": BASE + ["ops"],
    "findings": BASE + ["ops", "diff"],
    "report": BASE + ["ops", "diff", "findings"],
    "tshark": BASE + ["ops", "diff", "findings", "report"],
    "ui": BASE + ["ops", "diff", "findings", "report"],
    "cli": BASE + ["ops", "diff", "findings", "report", "tshark", "ui"],
}

# Headers only their own folder includes.
PRIVATE = {
    "rpcops.h": "ops",        # the RPC operation builder, used by ops.c
    "align.h": "diff",        # Myers alignment, used by diff.c and fieldcmp.c
    "diffpriv.h": "diff",     # diff_cmp_entry
    "graftpriv.h": "tshark",  # the graft table shared by graft.c and graftcache.c
    "htmlpriv.h": "report",   # the HTML report's caps and trees (html.c, html_tree.c)
    "opspriv.h": "ops",       # what ops.c and optrees.c share
    "cli.h": "cli",           # main.c and compare.c
    "html_assets.h": "report",  # its generated stylesheet and script
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def stage_dirs():
    """{stage: directory} for dissect/, ui/ and each folder of src/."""
    dirs = {"dissect": "dissect", "ui": "ui"}
    for d in sorted(os.listdir(os.path.join(ROOT, "src"))):
        if os.path.isdir(os.path.join(ROOT, "src", d)):
            dirs[d] = os.path.join("src", d)
    return dirs


def main():
    verbose = "-v" in sys.argv[1:]
    errors = []
    dirs = stage_dirs()
    for st in dirs:
        if st not in MAY:
            errors.append(f"src/{st}/: a stage without a row in tests/layers.py MAY "
                          "(and in doc/architecture.md): where does it sit?")
    loose = [f for f in os.listdir(os.path.join(ROOT, "src"))
             if os.path.isfile(os.path.join(ROOT, "src", f)) and f.endswith((".c", ".h"))]
    for f in sorted(loose):
        errors.append(f"src/{f}: a source file outside the stage folders")

    owner = {}  # file name -> stage
    files = []  # (stage, path)
    for st, d in dirs.items():
        for f in sorted(os.listdir(os.path.join(ROOT, d))):
            if not f.endswith((".c", ".h", ".def")):
                continue
            if f in owner and f.endswith((".h", ".def")):
                errors.append(f"{d}/{f}: the name is also in {dirs[owner[f]]}/ "
                              "(bare-name includes need unique names)")
            owner.setdefault(f, st)
            files.append((st, os.path.join(d, f)))

    edges = {}
    for st, path in files:
        with open(os.path.join(ROOT, path), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for m in INCLUDE.finditer(text):
            name = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            where = f"{path}:{line}: #include \"{name}\""
            if "/" in name:
                errors.append(f"{where}: use the bare name "
                              f"(#include \"{os.path.basename(name)}\")")
                name = os.path.basename(name)
            if os.path.exists(os.path.join(ROOT, os.path.dirname(path), name)):
                to = st
            elif name in owner:
                to = owner[name]
            else:
                errors.append(f"{where}: no such file in dissect/, src/*/ or ui/")
                continue
            edges[(st, to)] = edges.get((st, to), 0) + 1
            if to != st and to not in MAY.get(st, []):
                errors.append(f"{where}: {st}/ may not include {to}/ "
                              f"(it may include {', '.join(MAY.get(st, [])) or 'nothing else'})")
            if name in PRIVATE and PRIVATE[name] != st:
                errors.append(f"{where}: {name} is private to {PRIVATE[name]}/")

    if verbose:
        for (a, b), n in sorted(edges.items()):
            if a != b:
                print(f"{a:>9} -> {b:<9} {n:3d} includes")
    for e in errors:
        print("FAIL", e)
    print(f"layers: {len(files)} files, {sum(edges.values())} includes, "
          f"{len(errors)} against the stage order")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
