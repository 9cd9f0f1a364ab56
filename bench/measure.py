#!/usr/bin/env python3
"""Runs commands alternately and reports median wall time and peak RSS of each.

usage: measure.py RUNS LABEL=COMMAND [LABEL=COMMAND ...]
A COMMAND without shell syntax is executed directly, so no shell start-up is counted; one
with redirections, pipes, `&&` and the like runs through the shell. Stdout is discarded,
stderr goes to the file named by $MEASURE_STDERR (appended) or to the terminal. The first label
is the baseline for the printed ratios.

Peak RSS is measured in separate runs under GNU time (`/usr/bin/time -f %M`) when it is
installed: a process started straight from this script inherits the script's own peak
(Linux carries the high-water mark across fork and exec), which hides anything smaller than
the Python interpreter. Without GNU time the wait4() figure is printed, marked with `>=`.
"""
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


SHELL_SYNTAX = set("|&;<>()$`*?[]{}~\\\"'")


def measure(cmd, stderr):
    shell = any(c in SHELL_SYNTAX for c in cmd)
    args = cmd if shell else shlex.split(cmd)
    start = time.perf_counter()
    proc = subprocess.Popen(args, shell=shell, stdout=subprocess.DEVNULL, stderr=stderr)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {cmd}")
    return wall, usage.ru_maxrss / 1024  # KiB -> MiB


def peak_rss(cmd, stderr, gnu_time):
    """Peak RSS in MiB of one run under GNU time, which forks from a small process."""
    shell = any(c in SHELL_SYNTAX for c in cmd)
    args = ["sh", "-c", cmd] if shell else shlex.split(cmd)
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(
            [gnu_time, "-f", "%M", "-o", report.name, *args],
            stdout=subprocess.DEVNULL, stderr=stderr, check=False,
        )
        return int(report.read().split()[-1]) / 1024  # KiB -> MiB


def main():
    runs = int(sys.argv[1])
    cmds = [arg.split("=", 1) for arg in sys.argv[2:]]
    results = {label: ([], []) for label, _ in cmds}
    log = os.environ.get("MEASURE_STDERR")
    stderr = open(log, "ab") if log else None
    for _ in range(runs):
        for label, cmd in cmds:
            wall, rss = measure(cmd, stderr)
            results[label][0].append(wall)
            results[label][1].append(rss)
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    mark = ""
    if gnu_time:
        for label, cmd in cmds:
            rss = [peak_rss(cmd, stderr, gnu_time) for _ in range(min(runs, 3))]
            results[label] = (results[label][0], rss)
    else:
        mark = ">="
    base = cmds[0][0]
    bw = statistics.median(results[base][0])
    br = statistics.median(results[base][1])
    for label, _ in cmds:
        w = statistics.median(results[label][0])
        r = statistics.median(results[label][1])
        print(f"  {label:<28} {w * 1000:9.1f} ms  {mark:>2}{r:6.1f} MiB   ({w / bw:5.2f}x time, {r / br:5.2f}x memory vs {base})")


if __name__ == "__main__":
    main()
