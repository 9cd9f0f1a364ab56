#!/usr/bin/env python3
"""Runs commands alternately and reports median wall time and peak RSS of each.

usage: measure.py RUNS LABEL=COMMAND [LABEL=COMMAND ...]
Each COMMAND is run through the shell with stdout discarded; peak RSS comes from wait4().
The first label is the baseline for the printed ratios.
"""
import os
import statistics
import subprocess
import sys
import time


def measure(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, shell=True, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {cmd}")
    return wall, usage.ru_maxrss / 1024  # KiB -> MiB


def main():
    runs = int(sys.argv[1])
    cmds = [arg.split("=", 1) for arg in sys.argv[2:]]
    results = {label: ([], []) for label, _ in cmds}
    for _ in range(runs):
        for label, cmd in cmds:
            wall, rss = measure(cmd)
            results[label][0].append(wall)
            results[label][1].append(rss)
    base = cmds[0][0]
    bw = statistics.median(results[base][0])
    br = statistics.median(results[base][1])
    for label, _ in cmds:
        w = statistics.median(results[label][0])
        r = statistics.median(results[label][1])
        print(f"  {label:<28} {w * 1000:9.1f} ms  {r:8.1f} MiB   ({w / bw:5.2f}x time, {r / br:5.2f}x memory vs {base})")


if __name__ == "__main__":
    main()
