"""Checks that generated examples say what TRUTH.json says (standard library only)."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import zlib
from pathlib import Path

from . import ids

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check_ok(s: str) -> bool:
    n = 0
    for c in s:
        if c not in _B58:
            return False
        n = n * 58 + _B58.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    raw = b"\0" * (len(s) - len(s.lstrip("1"))) + raw
    return len(raw) > 4 and hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4] == raw[-4:]


def warc_records(path: Path) -> list[tuple[dict[str, str], bytes]]:
    data = gzip.decompress(path.read_bytes())
    out, i = [], 0
    while i < len(data):
        end = data.index(b"\r\n\r\n", i)
        lines = data[i:end].decode("utf-8").split("\r\n")
        assert lines[0] == "WARC/1.1", lines[0]
        h = dict(line.split(": ", 1) for line in lines[1:])
        n = int(h["Content-Length"])
        out.append((h, data[end + 4:end + 4 + n]))
        i = end + 4 + n + 4
    return out


def http_payload(block: bytes) -> tuple[dict[str, str], bytes]:
    end = block.index(b"\r\n\r\n")
    lines = block[:end].decode("latin-1").split("\r\n")
    h = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
    body = block[end + 4:]
    if h.get("transfer-encoding") == "chunked":
        out, i = b"", 0
        while True:
            j = body.index(b"\r\n", i)
            n = int(body[i:j], 16)
            if n == 0:
                break
            out += body[j + 2:j + 2 + n]
            i = j + 2 + n + 2
        body = out
    if h.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    elif h.get("content-encoding") == "deflate":
        body = zlib.decompress(body)
    return h, body


def visible(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def check(out: Path) -> list[str]:
    truth = json.loads((out / "TRUTH.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    texts: dict[str, str] = {}
    for line in (out / "corpus" / "ads.jsonl").read_text(encoding="utf-8").splitlines():
        o = json.loads(line)
        texts["ads.jsonl#" + o["id"]] = o.get("text") or visible(o.get("html", ""))
    for p in sorted((out / "corpus" / "pages").glob("*.html")) + sorted((out / "corpus" / "posts").glob("*.txt")):
        raw = p.read_text(encoding="utf-8")
        texts[str(p.relative_to(out / "corpus"))] = visible(raw) if p.suffix == ".html" else raw
    payloads = 0
    for h, block in warc_records(out / "corpus" / "capture.warc.gz"):
        rid = h.get("WARC-Record-ID", "")
        if h["WARC-Type"] == "response":
            hh, body = http_payload(block)
            if hh.get("content-type", "").startswith("text/html"):
                payloads += 1
                texts["warc#" + rid] = body
        elif h["WARC-Type"] == "resource":
            texts["warc#" + rid] = block
    for r in truth["records"]:
        if r["source"] == "ads.jsonl":
            key = "ads.jsonl#" + r["id"]
        elif r["source"] == "capture.warc.gz":
            key = "warc#" + r["warc_record_id"]
        else:
            key = r["source"]
        t = texts.get(key)
        if t is None:
            problems.append(f"{key}: record not found")
            continue
        if isinstance(t, bytes):
            cs = r.get("charset", "utf-8")
            t = t.decode("utf-8-sig" if cs == "utf-8" else cs)
            t = visible(t) if r["transfer"] != "resource" else t
            if cs in ("iso-8859-2", "windows-1250"):
                t = t.translate(str.maketrans("şţŞŢ", "șțȘȚ"))
        t = " ".join(t.split())
        for s in r["selectors"]:
            if " ".join(s["text"].split()) not in t:
                problems.append(f"{key}: {s['kind']} text {s['text']!r} not in the record")
            if s["kind"] == "iban" and not ids.iban_valid(s["value"]):
                problems.append(f"{key}: IBAN {s['value']} fails mod 97")
            if s["kind"] == "wallet" and s["chain"] in ("btc", "ltc", "trx") and not s["value"].startswith("bc1"):
                if not base58check_ok(s["value"]):
                    problems.append(f"{key}: wallet {s['value']} fails base58check")
        for m in truth["must_not_find"]:
            if m["text"] != "any" and m["text"] in t:
                problems.append(f"{key}: {m['text']} is visible text")
    if payloads == 0:
        problems.append("capture.warc.gz: no HTML response")
    return problems
