#!/usr/bin/env python3
"""Synthetic labelled conversations for cairn-guard (training, tuning and held-out evaluation).

Why synthetic: no lawfully usable labelled grooming/sextortion chat corpus exists for Cairn (the
PAN12 corpus and anything derived from it are not licensed to Cairn and are never used). Every
sentence comes from templates.py, written by hand for this purpose. Synthetic data limits what the
figures mean: they measure consistency with our own templates, not real-world performance.

Splits:
  train  model training (seed 1), template variants except the held-out ones
  dev    tuning of weights and thresholds (seed 2), same variants as train
  test   held-out evaluation (seed 3): only the held-out variant (the last one) of every
         category that has three or more variants, never used for training or tuning.

Output: JSON Lines, one message a line:
  {"conversation","author","time","text","lang","kind","risky","msg_risky"}
`risky` is the conversation label (grooming, sextortion or recruitment script), `msg_risky` marks
the offender's lines from risk categories (the learned model's target).

Usage: python3 generate.py OUTDIR   (deterministic; standard library only)
"""
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from templates import APPS, CITIES, NAMES, T  # noqa: E402

RISK_CATS = {"friendship", "relationship", "age", "risk", "secrecy", "platform", "isolation", "gifts", "image",
             "sexual", "meeting", "threat", "leak", "deadline", "payment", "love", "offer", "live", "travel", "selfharm"}
LEET = {"e": "3", "a": "4", "o": "0", "i": "1", "s": "5"}
EMOJI = ["😂", "😘", "😍", "🥺", "😏", "❤️", "🔥", "😉", "🙈", "👀"]


def variants(cat_list, split):
    if len(cat_list) >= 3:
        return cat_list[-1:] if split == "test" else cat_list[:-1]
    return cat_list


def noise(rng, text):
    words = text.split(" ")
    out = []
    for w in words:
        r = rng.random()
        if r < 0.06 and len(w) > 3:
            w = w[0] + "".join(LEET.get(c, c) if rng.random() < 0.5 else c for c in w[1:])
        elif r < 0.10 and len(w) > 2:
            k = rng.randrange(1, len(w))
            w = w[:k] + w[k - 1] * 2 + w[k:]
        elif r < 0.13 and len(w) > 4:
            k = rng.randrange(1, len(w) - 1)
            w = w[:k] + w[k + 1:]
        out.append(w)
    text = " ".join(out)
    if rng.random() < 0.2:
        text = text.capitalize()
    if rng.random() < 0.15:
        text += " " + rng.choice(EMOJI)
    if rng.random() < 0.15:
        text += rng.choice(["?", "!", "...", " ??"])
    return text


def fill(rng, lang, text):
    return (text.replace("{name}", rng.choice(NAMES)).replace("{app}", rng.choice(APPS))
            .replace("{city}", rng.choice(CITIES[lang])).replace("{age}", str(rng.randint(11, 15))))


def script(rng, kind):
    """Sequence of (speaker, category) for one conversation; speaker A is the adult side."""
    seq = []
    def say(cat):
        seq.append(("A", cat))
        for _ in range(rng.randint(1, 2)):
            seq.append(("M", "reply" if rng.random() < 0.6 else "benign"))
        if rng.random() < 0.3:
            seq.append(("A", "benign"))
    for _ in range(rng.randint(1, 3)):
        seq.append((rng.choice("AM"), "benign"))
    if kind == "grooming":
        say("friendship")
        if rng.random() < 0.7:
            say("relationship")
        say("age")
        seq.append(("M", "minor"))
        if rng.random() < 0.8:
            say("risk")
        for cat in rng.sample(["secrecy", "platform", "isolation", "gifts"], rng.randint(1, 3)):
            say(cat)
        for cat in rng.sample(["image", "sexual"], rng.randint(1, 2)):
            say(cat)
        if rng.random() < 0.5:
            say("meeting")
        if rng.random() < 0.15:
            say("selfharm")
    elif kind == "sextortion":
        if rng.random() < 0.6:
            say("friendship")
        say("image")
        seq.append(("M", "reply"))
        for cat in ["threat", "leak", "deadline", "payment"]:
            if cat in ("threat", "payment") or rng.random() < 0.7:
                say(cat)
        if rng.random() < 0.5:
            say(rng.choice(["threat", "payment"]))
    elif kind == "recruitment":
        say("friendship")
        say("love")
        if rng.random() < 0.6:
            say("gifts")
        if rng.random() < 0.5:
            say("isolation")
        say("offer")
        say(rng.choice(["live", "travel"]))
        if rng.random() < 0.5:
            say("meeting")
    else:
        for _ in range(rng.randint(6, 24)):
            seq.append((rng.choice("AM"), "reply" if rng.random() < 0.35 else "benign"))
        for _ in range(rng.choice([0, 0, 1, 2])):
            seq.insert(rng.randrange(len(seq) + 1), (rng.choice("AM"), "hard"))
    return seq


def conversation(rng, lang, split, cid, kind):
    tpl = T[lang]
    authors = {"A": rng.choice(NAMES) + str(rng.randint(10, 99)), "M": rng.choice(NAMES).lower()}
    if authors["A"] == authors["M"]:
        authors["M"] += "_"
    t = datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 500000))
    rows = []
    for speaker, cat in script(rng, kind):
        pool = tpl[cat] if cat in ("reply", "minor") else variants(tpl[cat], split)
        text = noise(rng, fill(rng, lang, rng.choice(pool)))
        t += timedelta(seconds=rng.randint(5, 600))
        rows.append({"conversation": cid, "author": authors[speaker], "time": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "text": text, "lang": lang, "kind": kind, "risky": kind != "benign",
                     "msg_risky": speaker == "A" and cat in RISK_CATS})
    return rows


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "out"
    os.makedirs(out, exist_ok=True)
    plan = {"train": (1, 160), "dev": (2, 40), "test": (3, 40)}
    for split, (seed, per_lang) in plan.items():
        rng = random.Random(seed)
        with open(os.path.join(out, f"{split}.jsonl"), "w", encoding="utf-8") as f:
            for lang in sorted(T):
                for i in range(per_lang):
                    kind = "benign" if i % 2 == 0 else ["grooming", "sextortion", "recruitment"][(i // 2) % 3]
                    for row in conversation(rng, lang, split, f"{split}-{lang}-{i:04d}", kind):
                        f.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
