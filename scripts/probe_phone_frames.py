#!/usr/bin/env python3
"""Probe the phone finder with the golden test's numbers set in short texts around them.

    .venv/bin/python scripts/probe_phone_frames.py --cairn BINARY [--regions FR,DE,...]
        [--frames '{} 150€|né en 1999 {}|...'] [--per-region N] [--show]

Takes the numbers of `crates/cairn-text/tests/golden_phone.py` (valid and invalid, in E.164,
international and national format) for the given regions, puts each in one of the frames (`{}`
stands for the number; frames are parted by `|`), and compares what `cairn scan` finds in each
text with the truth (the number when libphonenumber says it is valid, else nothing) and with what
Python phonenumbers' PhoneNumberMatcher finds. Prints true positives, false positives and misses
of both, and with --show every text where cairn differs from the truth. All data is synthetic.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import os
import random
import subprocess
import sys
import tempfile

import phonenumbers

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "crates", "cairn-text", "tests"))
import golden_phone  # noqa: E402

DEFAULT_FRAMES = "Contact: {} merci|Ruf an {} bitte|{}|call me {} now!|tel. {}, 24/7"
DEFAULT_REGIONS = "FR,BE,NL,DE,IT,ES,RO,BG,GB,PL,PT,AT,CH,LU,IE,SE,DK,FI,CZ,HU,GR"


def golden_numbers(regions: list[str], per_region: int) -> list[dict]:
    """The golden test generator's lines for `regions`, without its closing summary line."""
    golden_phone.REGIONS = regions
    out = io.StringIO()
    argv = sys.argv
    sys.argv = ["golden_phone.py", str(per_region)]
    try:
        with contextlib.redirect_stdout(out):
            golden_phone.main()
    finally:
        sys.argv = argv
    return [d for d in map(json.loads, out.getvalue().splitlines()) if "text" in d]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cairn", required=True, help="the cairn binary to probe")
    ap.add_argument("--regions", default=DEFAULT_REGIONS)
    ap.add_argument("--frames", default=DEFAULT_FRAMES, help="texts around `{}`, parted by `|`")
    ap.add_argument("--per-region", type=int, default=60, help="numbers per region")
    ap.add_argument("--seed", type=int, default=5, help="seed of the frame choice")
    ap.add_argument("--show", action="store_true", help="print each text cairn gets wrong")
    args = ap.parse_args()
    frames = args.frames.split("|")
    if any("{}" not in f for f in frames):
        sys.exit("--frames: every frame needs a {} for the number")
    rng = random.Random(args.seed)
    cases = {}
    for i, d in enumerate(golden_numbers(args.regions.split(","), args.per_region)):
        text = rng.choice(frames).replace("{}", d["text"], 1)
        matcher = phonenumbers.PhoneNumberMatcher(text, d["region"])
        reference = sorted(
            phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            for m in matcher
        )
        truth = [d["e164"]] if d["valid"] else []
        cases[f"p{i}"] = (text, d["region"], truth, reference)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "frames.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for rid, (text, region, _, _) in cases.items():
                f.write(json.dumps({"id": rid, "text": text, "region": region}) + "\n")
        done = subprocess.run(
            [args.cairn, "scan", "--format", "jsonl", "--no-store", "--quiet", path],
            capture_output=True,
            check=False,
        )
    if done.returncode not in (0, 3):
        sys.exit(f"{args.cairn}: exit {done.returncode}: {done.stderr.decode()[:500]}")
    found = collections.defaultdict(list)
    for line in done.stdout.decode().splitlines():
        d = json.loads(line)
        if d["type"] == "finding" and d["kind"] == "phone":
            found[d["record"]].append(d["value"])
    counts = collections.Counter()
    for rid, (text, region, truth, reference) in cases.items():
        got = sorted(found.get(rid, []))
        for name, values in (("cairn", got), ("phonenumbers", reference)):
            counts[name, "tp"] += sum(v in truth for v in values)
            counts[name, "fp"] += sum(v not in truth for v in values)
            counts[name, "fn"] += sum(v not in values for v in truth)
        if got != truth and args.show:
            print(f"{region} {text!r}: truth {truth}, phonenumbers {reference}, cairn {got}")
    total = sum(len(c[2]) for c in cases.values())
    print(f"{len(cases)} texts, {total} valid numbers")
    for name in ("cairn", "phonenumbers"):
        tp, fp, fn = (counts[name, k] for k in ("tp", "fp", "fn"))
        print(f"{name}: {tp} found, {fp} false, {fn} missed")


if __name__ == "__main__":
    main()
