#!/usr/bin/env python3
"""spawn.py - time processes themselves, not the shell that starts them.

    spawn.py [-n N] [-r ROUNDS] [--each FILE...] -- CMD [ARG...]

Starts CMD N times (default 100) one after the other, or with --each once
per FILE with the file as its last argument, each with os.posix_spawn()
(glibc's clone(CLONE_VM|CLONE_VFORK): no copy of this process) and reaps it
with os.wait4(), whose resource usage is the child's own. Standard input,
output and error are /dev/null. A round is all N (or all FILE) processes;
of ROUNDS rounds (default 3) it prints one line:

    WALL_S CPU_S PROCESSES

WALL_S: the least wall time of a round, from the first spawn to the last
reap (the children run one at a time, so this is their start-to-exit times
plus posix_spawn's and wait4's); CPU_S: the least CPU time (user + system)
of a round's children, as wait4 reports it (what the processes used, on a
loaded machine too, where the wall time is mostly waiting for a core).
Each figure is its own best. No peak RSS: wait4's counts this process's
(a vfork()ed child runs in its memory until exec, which records it).
A child's exit status is not checked (smbcmp exits 1 on differences); one
that cannot be started is an error (exit 2).

A bash `for` loop, as bench/run.sh measured before, adds bash's own fork()
of itself per command: about 2 ms of CPU on the 2-core benchmark machine,
as much as a small capture's whole process.
"""
import argparse
import os
import shutil
import sys
import time


def one_round(path, argv, files, n, fa):
    runs = [argv + [f] for f in files] if files is not None else [argv] * n
    cpu = 0.0
    t0 = time.perf_counter()
    for args in runs:
        pid = os.posix_spawn(path, args, os.environ, file_actions=fa)
        _, _, ru = os.wait4(pid, 0)
        cpu += ru.ru_utime + ru.ru_stime
    return time.perf_counter() - t0, cpu, len(runs)


def main():
    ap = argparse.ArgumentParser(usage=__doc__.split("\n\n")[1].strip())
    ap.add_argument("-n", type=int, default=100, help="processes per round (without --each)")
    ap.add_argument("-r", "--rounds", type=int, default=3)
    ap.add_argument("--each", nargs="+", metavar="FILE")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command")
    path = shutil.which(cmd[0])
    if not path:
        print("spawn.py: %s: not found" % cmd[0], file=sys.stderr)
        return 2
    fa = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
          (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
          (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
    best_wall = best_cpu = float("inf")
    procs = 0
    try:
        for _ in range(max(1, a.rounds)):
            wall, cpu, procs = one_round(path, cmd, a.each, a.n, fa)
            best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    except OSError as e:
        print("spawn.py: %s: %s" % (cmd[0], e), file=sys.stderr)
        return 2
    print("%.4f %.4f %d" % (best_wall, best_cpu, procs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
