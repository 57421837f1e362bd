#!/usr/bin/env python3
"""Write a large WARC.gz (one gzip member per record) for scan benchmarks: memory bound, progress,
throughput. Standard library only.

    python3 scripts/gen_big_warc.py --corpus /tmp/corpus/corpus.jsonl --size-mb 1024 --out /tmp/big.warc.gz

Records are the corpus texts (scripts/gen_corpus.py) as HTML pages with the usual page furniture
(navigation, inline script and style, footer), cycled with a distinct URL and capture time per
cycle, so every record is a distinct capture (the store keeps them all).
"""
import argparse
import datetime as dt
import html
import json
import uuid
import zlib
from pathlib import Path

FURNITURE_HEAD = (
    "<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>Annonce {n}</title>"
    "<style>" + "body{{font:14px sans-serif}} .nav a{{margin:0 4px}} " * 20 + "</style>"
    "<script>" + "window.dataLayer=window.dataLayer||[];function t(){{dataLayer.push(arguments)}} " * 25
    + "</script></head><body><div class='nav'>"
    + "".join(f"<a href='/c/{i}'>Rubrique {i}</a>" for i in range(30)) + "</div><main><article>"
)
FURNITURE_TAIL = (
    "</article></main><footer>" + "<p>Conditions générales · Vie privée · Contact · Aide</p>" * 8
    + "</footer></body></html>"
)


def member(block: bytes) -> bytes:
    c = zlib.compressobj(1, zlib.DEFLATED, 31)
    return c.compress(block) + c.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    docs = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    target = args.size_mb * 1024 * 1024
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    written = records = 0
    ns = uuid.UUID("6f1c1f2e-0000-4000-8000-00000000cafe")
    with args.out.open("wb") as f:
        cycle = 0
        while written < target:
            for i, d in enumerate(docs):
                if written >= target:
                    break
                body = (FURNITURE_HEAD.format(lang=d.get("lang", "en"), n=i)
                        + "".join(f"<p>{html.escape(x)}</p>" for x in d["text"].split("\n"))
                        + FURNITURE_TAIL).encode("utf-8")
                http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
                url = f"{d.get('url', 'https://ads.example/x')}?cycle={cycle}"
                when = (start + dt.timedelta(minutes=records)).strftime("%Y-%m-%dT%H:%M:%SZ")
                rid = uuid.uuid5(ns, f"{cycle}/{i}")
                head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
                        f"WARC-Date: {when}\r\nWARC-Target-URI: {url}\r\n"
                        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n")
                m = member(head.encode() + http + b"\r\n\r\n")
                f.write(m)
                written += len(m)
                records += 1
            cycle += 1
    print(json.dumps({"records": records, "bytes": written, "cycles": cycle}))


if __name__ == "__main__":
    main()
