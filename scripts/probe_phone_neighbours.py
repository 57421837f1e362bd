#!/usr/bin/env python3
"""Probe: valid mobiles between two distractors, scanned by cairn and scored.

Each record holds one phone (a valid mobile of one of 14 regions, national or international
format, checked with Python phonenumbers) between two distractors drawn from 40 kinds (prices with
units, ages, times, dates, coordinates, references, counts, card-like blocks, postal codes,
addresses, URLs, e-mail addresses, handles, IBANs...), joined by one of 16 separators, after an
optional label. It measures what the generated corpora do not: what stands right beside a phone.

    .venv/bin/python scripts/probe_phone_neighbours.py --cairn target/release/cairn --seed 8

Prints every phone lost and every other number read, then the totals. Synthetic data only.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

import phonenumbers

REGIONS = ["FR", "BE", "NL", "DE", "IT", "ES", "RO", "BG", "AT", "GB", "IE", "LU", "PT", "CH"]
SEPARATORS = [" ", ", ", " - ", " | ", ". ", "\n", " / ", " · ", " ; ", " 💋 ", " ✨", "\n\n",
              " – ", "! ", " (", ") "]
LABELS = ["tel", "Tel.", "☎", "WhatsApp", "", "appel", "bel", "chiama", "Tel:", "📞", "llámame",
          "sună", "тел.", "Whatsapp/Telegram:", "Handy:"]


def distractors(r):
    c = random.choice
    return [
        f"{r(1, 150)}, {r(1000, 9999)} {c(['AB', 'LG', 'XK', 'BR'])} Amsterdam",
        f"GPS {r(40, 52)}.{r(100000, 999999)}, {r(1, 28)}.{r(100000, 999999)}",
        f"{r(1, 28):02d}.{r(1, 12):02d}.{r(2024, 2027)}",
        f"{r(8, 11)}:00-{r(20, 23)}:30",
        f"{r(8, 11)}h-{r(20, 23)}h",
        f"{r(1, 28)}/{r(1, 12)}/{r(2024, 2027)}",
        f"{r(10000, 95999)} {c(['Paris', 'Lyon', 'Milano', 'Madrid', 'Berlin'])}",
        f"{r(85, 100)}-{r(55, 70)}-{r(85, 100)}",
        f"1m{r(50, 85)}, {r(45, 70)} kg",
        f"{r(1, 3)}{r(0, 9)}0€/h",
        f"{r(100, 300)} EUR",
        f"{r(18, 25)} ans",
        f"ID {r(10**7, 10**9)}",
        f"ref {r(100, 999)}-{r(1000, 9999)}",
        f"{r(1, 9)}{r(0, 9)}%",
        f"{r(1000, 9999)} {r(1000, 9999)} {r(1000, 9999)} {r(1000, 9999)}",
        f"n° {r(10, 999)}",
        f"{r(2, 4)}h {r(200, 500)}€",
        f"{r(5, 15)}0-{r(16, 30)}0€",
        f"30min {r(5, 15)}0€",
        f"-{r(10, 50)}%",
        "24/7",
        "7j/7",
        f"{r(8, 11)}h{r(0, 5)}0",
        f"1,{r(50, 85)}m",
        f"{r(45, 70)}kg",
        f"https://ex.example/{r(1000, 99999)}",
        f"lola{r(10, 99)}@mail.example.com",
        f"@lola_{r(10, 99)}",
        f"rue Victor Hugo {r(1, 200)}",
        f"{r(1, 200)} avenue Foch",
        "FR76 " + " ".join(str(r(1000, 9999)) for _ in range(5)) + f" {r(100, 999)}",
        f"{r(1, 28)}/{r(1, 12)}",
        f"{r(2, 6)} photos",
        f"{r(100, 9999)} vues",
        f"⭐ {r(1, 5)}/5",
        f"{r(1, 9)},{r(0, 9)}/10",
        f"{r(2000, 2025)}",
        f"{r(18, 45)}yo",
        f"({r(18, 45)})",
    ]


def mobile(region, r):
    """A valid mobile of `region` (its example number with a random tail), written nationally or
    internationally, and its E.164."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    nsn = str(example.national_number)
    keep = max(0, len(nsn) - 6)
    for _ in range(1000):
        digits = nsn[:keep] + "".join(str(r(0, 9)) for _ in range(len(nsn) - keep))
        number = phonenumbers.parse(digits, region)
        if phonenumbers.is_valid_number(number):
            style = random.choice([phonenumbers.PhoneNumberFormat.NATIONAL,
                                   phonenumbers.PhoneNumberFormat.INTERNATIONAL])
            return (phonenumbers.format_number(number, style),
                    phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    raise SystemExit(f"no valid mobile of {region} from its example number")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cairn", required=True, help="the cairn binary to probe")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--n", type=int, default=3000, help="records")
    ap.add_argument("--quiet", action="store_true", help="totals only")
    args = ap.parse_args()
    random.seed(args.seed)
    r = random.randint
    records, truth = [], {}
    for i in range(args.n):
        region = random.choice(REGIONS)
        written, e164 = mobile(region, r)
        before, after = random.choice(distractors(r)), random.choice(distractors(r))
        label = random.choice(LABELS)
        text = (before + random.choice(SEPARATORS) + (label + " " if label else "") + written
                + random.choice(SEPARATORS) + after)
        records.append({"id": f"p{i}", "text": text, "region": region})
        truth[f"p{i}"] = e164
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = os.path.join(tmp, "probe.jsonl"), os.path.join(tmp, "findings.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            for rec in records:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        subprocess.run([args.cairn, "scan", "--format", "jsonl", "--no-store", "--quiet",
                        "--out", out, inp], check=True)
        found = {}
        with open(out, encoding="utf-8") as f:
            for line in f:
                o = json.loads(line)
                if o.get("type") == "finding" and o.get("kind") == "phone":
                    found.setdefault(o["record"], []).append(o)
    texts = {rec["id"]: rec for rec in records}
    misses = others = 0
    for rid, want in truth.items():
        got = found.get(rid, [])
        rec = texts[rid]
        if want not in [o["value"] for o in got]:
            misses += 1
            if not args.quiet:
                print(f"lost   {rec['region']} {want} | {rec['text']!r}")
        for o in got:
            if o["value"] != want:
                others += 1
                if not args.quiet:
                    print(f"other  {rec['region']} {o['value']} from {o['evidence']!r} | "
                          f"{rec['text']!r}")
    print(f"seed {args.seed}: {args.n} records, {misses} phones lost "
          f"(recall {100 * (args.n - misses) / args.n:.2f} %), {others} other numbers read")
    return 0


if __name__ == "__main__":
    sys.exit(main())
