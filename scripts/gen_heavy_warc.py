#!/usr/bin/env python3
"""Write a WARC.gz of heavy pages, for the memory bound of `cairn scan`. Standard library only.

    python3 scripts/gen_heavy_warc.py --shape phones --out /tmp/phones.warc.gz
    python3 scripts/gen_heavy_warc.py --shape large --out /tmp/large.warc.gz

--shape phones: 150 pages, two in three of them a directory of 40,000 fictional French mobile
numbers (about 2.3 MB of HTML each; 3.6 million phone findings in all). What a scan holds grows
with its findings, not only with its input.
--shape large: 200 pages of 3.6 MB of filler prose and one phone each. What a scan holds grows
with the pages read ahead of the analysis.
Numbers and text are synthetic (fixed seed); nothing is real.
"""
import argparse
import datetime as dt
import random
import uuid
import zlib
from pathlib import Path

WORDS = "le la les un une des chez pour avec dans sur tres bien grand petit maison jardin ville".split()


def member(block: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    return c.compress(block) + c.flush()


def phones_page(i: int, rng: random.Random) -> str:
    if i % 3 == 0:
        return f"<p>Page {i} sans numéro.</p>"
    return "\n".join(
        f"<p>Annonce {k} : appelez le 06 {rng.randint(10, 99)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)} {rng.randint(10, 99)}</p>"
        for k in range(40_000)
    )


def large_page(_: int, rng: random.Random) -> str:
    return "<p>" + " ".join(rng.choice(WORDS) for _ in range(600_000)) + " contact 06 12 34 56 78</p>"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", choices=["phones", "large"], required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pages, body_of = (150, phones_page) if args.shape == "phones" else (200, large_page)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    ns = uuid.UUID("6f1c1f2e-0000-4000-8000-00000000beef")
    with args.out.open("wb") as f:
        for i in range(pages):
            body = ("<html><head><meta charset='utf-8'></head><body>" + body_of(i, rng)
                    + "</body></html>").encode("utf-8")
            http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            when = (start + dt.timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid5(ns, f'{args.shape}/{i}')}>\r\n"
                    f"WARC-Date: {when}\r\nWARC-Target-URI: https://annuaire.example.fr/{args.shape}/{i}\r\n"
                    f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n")
            f.write(member(head.encode() + http + b"\r\n\r\n"))


if __name__ == "__main__":
    main()
