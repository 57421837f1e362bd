#!/usr/bin/env python3
"""Compare the speed of two or more `cairn` builds on the same input, run alternately.

    python3 scripts/ab_scan.py [--runs N] INPUT CAIRN_BINARY [CAIRN_BINARY...]

Runs `BINARY scan --format jsonl --no-store --quiet INPUT` N times per binary (default 15), one
binary after the other in each round, so that a shared or throttled machine slows every build
alike, and prints the minimum and median wall time and CPU time (user + system, all threads) of
each. Also checks that every build writes the same output as the first, byte for byte: a speed
change must not change what a scan finds. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import time


def run_once(binary: str, path: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds and SHA-256 of the output of one scan."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [binary, "scan", "--format", "jsonl", "--no-store", "--quiet", path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 3):
        sys.exit(f"{binary}: exit {done.returncode}: {done.stderr.decode(errors='replace')[:500]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, hashlib.sha256(done.stdout).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15, help="runs per binary (default 15)")
    ap.add_argument("input", help="file or directory given to cairn scan")
    ap.add_argument("binaries", nargs="+", help="cairn binaries to compare")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not os.path.exists(args.input):
        ap.error(f"{args.input}: no such file or directory")
    for b in args.binaries:
        if not (os.path.isfile(b) and os.access(b, os.X_OK)):
            ap.error(f"{b}: not an executable file")
    walls: dict[str, list[float]] = {b: [] for b in args.binaries}
    cpus: dict[str, list[float]] = {b: [] for b in args.binaries}
    digests: dict[str, str] = {}
    for _ in range(args.runs):
        for b in args.binaries:
            wall, cpu, digest = run_once(b, args.input)
            walls[b].append(wall)
            cpus[b].append(cpu)
            digests.setdefault(b, digest)
    width = max(len(b) for b in args.binaries)
    for b in args.binaries:
        w, c = walls[b], cpus[b]
        print(
            f"{b:{width}}  wall min {min(w) * 1e3:8.1f} median {statistics.median(w) * 1e3:8.1f} ms"
            f"  |  CPU min {min(c) * 1e3:8.1f} median {statistics.median(c) * 1e3:8.1f} ms"
        )
    first = args.binaries[0]
    differ = [b for b in args.binaries[1:] if digests[b] != digests[first]]
    if differ:
        sys.exit(f"output differs from {first}'s: {', '.join(differ)}")
    print(f"output identical across builds ({args.runs} runs each)")


if __name__ == "__main__":
    main()
