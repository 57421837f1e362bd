#!/usr/bin/env python3
"""Times Python phonenumbers' PhoneNumberMatcher on the ads the selector benchmark writes.

Run `cargo bench -p cairn-text --bench selectors` first (it writes
$TMPDIR/cairn-selectors-bench-ads.jsonl), then this script with the reference venv:
    .venv/bin/python crates/cairn-text/benches/phonenumbers_matcher.py [ADS.jsonl] [--rust-mbps X]
It prints the matcher's throughput in MB/s of text (UTF-8 bytes, as the Rust bench counts), the
numbers it finds, and with --rust-mbps the speed ratio.
"""

import argparse
import json
import os
import tempfile
import time

import phonenumbers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "ads",
        nargs="?",
        default=os.path.join(tempfile.gettempdir(), "cairn-selectors-bench-ads.jsonl"),
    )
    ap.add_argument("--rust-mbps", type=float, default=None, help="Rust MB/s per CPU second")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    ads = [json.loads(line) for line in open(args.ads, encoding="utf-8")]
    total = sum(len(a["text"].encode("utf-8")) for a in ads)
    best = None
    best_cpu = None
    found = 0
    for _ in range(args.rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        found = 0
        for a in ads:
            for _m in phonenumbers.PhoneNumberMatcher(a["text"], a["region"]):
                found += 1
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        best = dt if best is None else min(best, dt)
        best_cpu = dc if best_cpu is None else min(best_cpu, dc)
    # CPU time is the fair measure on a shared machine; the Rust bench reports both too.
    mbps = total / best_cpu / 1e6
    print(
        f"PhoneNumberMatcher (phonenumbers {phonenumbers.__version__}): {len(ads)} ads, "
        f"{total} bytes, best of {args.rounds}: {best_cpu:.3f} CPU s = {mbps:.3f} MB/s per CPU "
        f"second ({total / best / 1e6:.3f} MB/s wall), {found} numbers"
    )
    if args.rust_mbps:
        print(f"ratio Rust/Python: {args.rust_mbps / mbps:.1f}x")


if __name__ == "__main__":
    main()
