#!/usr/bin/env python3
"""Generate an evaluation corpus for `cairn scan`: ads and posts in 8 languages with plain and
obfuscated phones, e-mails and IBANs, among many numbers that are NOT phones.

    python3 scripts/gen_corpus.py --n 5000 --seed 7 --out /tmp/corpus [--warc]

Writes DIR/corpus.jsonl ({"id","text","url","captured_at","region","lang"}), DIR/truth.jsonl
(per record: selectors [{kind, value, obfuscated, technique, text}] and distractors [{type, text}]),
DIR/meta.json, and with --warc also DIR/corpus.warc.gz (the same records as HTML pages with mixed
charsets, compressed and chunked payloads; hosts on country TLDs so the region follows from the URL),
DIR/bad/truncated.warc.gz (last member cut) and DIR/bad/not-an-archive.warc.gz.

Standard library only. If the `phonenumbers` package is importable, every planted number is checked
valid (the run fails otherwise); without it the script still runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import importlib.util
import json
import random
import sys
import zlib
from pathlib import Path

sys.dont_write_bytecode = True  # keep scripts/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_lib import distractors as D, ids, lang as L, phones as P  # noqa: E402
from corpus_lib.compose import Doc  # noqa: E402
from corpus_lib.warc import WarcWriter, chunked, gz, make_writer  # noqa: E402

VERSION = 1
REGION_TLD = {"FR": "fr", "BE": "be", "NL": "nl", "DE": "de", "AT": "at", "IT": "it", "ES": "es", "RO": "ro",
              "BG": "bg", "GB": "uk", "LU": "lu", "CH": "ch"}
ALL_REGIONS = list(P.COUNTRIES)
SEPARATORS = [". ", ".\n", "\n", " | ", " · ", " — ", ". "]


def weighted(rng: random.Random, table: dict[int, float]) -> int:
    x, acc = rng.random(), 0.0
    for k, w in table.items():
        acc += w
        if x < acc:
            return k
    return list(table)[-1]


def body(rng: random.Random, doc: Doc, kind: str, contact: str) -> str:
    t = L.T[doc.lang]
    city = rng.choice(L.cities_of(doc.region) or L.cities_of("FR"))
    cname = L.city_name(city, doc.lang)
    if kind == "ad":
        cats = list(L.IND[doc.lang])
        c1, c2 = rng.sample(cats, 2)
        ind, ind2 = doc.indicator(rng, c1, cname), doc.indicator(rng, c2, cname)
        emoji = doc.emoji(rng)
        age = doc.age(18 if "18" in ind + ind2 else rng.randint(18, 25))
        price = doc.price(rng, rng.choice([60, 80, 100, 120, 150, 200, 250]))
        title = rng.choice(t["esc_title"]).format(name=rng.choice(L.NAMES[doc.lang]), age=age, ind=ind, emoji=emoji,
                                                  city=cname)
        return title + "\n" + rng.choice(t["esc_body"]).format(
            name=rng.choice(L.NAMES[doc.lang]), age=age, ind=ind, ind2=ind2[:1].upper() + ind2[1:], emoji=emoji,
            city=cname, price=price, contact=contact)
    if kind == "job":
        return rng.choice(t["job"]).format(city=cname, contact=contact)
    if kind == "social":
        return rng.choice(t["social"]).format(city=cname, emoji=rng.choice(L.EMOJI_CODES), contact=contact)
    dk = rng.choice(list(t["decoy"]))
    if rng.random() < 0.3:
        price_plain = D.make(rng, doc.lang, doc.region, "price")[0]
    else:
        price_plain = f"{rng.choice([40, 90, 150, 700])} €"
    doc.extras.append({"kind": "price", "text": price_plain})
    return rng.choice(t["decoy"][dk]).format(city=cname, price_plain=price_plain, contact=contact)


def make_record(rng: random.Random, i: int, obf_rate: float) -> tuple[dict, dict, list[P.Phone]]:
    lang = rng.choice(L.LANGS)
    region = rng.choice(L.LANG_REGIONS[lang]) if rng.random() < 0.9 else rng.choice(ALL_REGIONS)
    doc = Doc(lang=lang, region=region)
    kind = rng.choice(["ad", "ad", "ad", "job", "social", "decoy", "decoy"])
    used: set[str] = set()
    phones: list[P.Phone] = []
    contacts: list[str] = []

    for _ in range(weighted(rng, {0: 0.12, 1: 0.5, 2: 0.26, 3: 0.12})):
        for _try in range(10):
            preg = region if rng.random() < 0.65 else rng.choice(ALL_REGIONS)
            p = P.make_phone(rng, preg, "mobile" if rng.random() < 0.85 else "fixed")
            if p.e164 not in used:
                break
        else:
            continue
        used.add(p.e164)
        phones.append(p)
        text = doc.phone(rng, p, obf_rate)
        contacts.append(rng.choice(L.T[lang]["contact"]).format(c=text))
    for _ in range(weighted(rng, {0: 0.5, 1: 0.4, 2: 0.1})):
        local = (rng.choice(L.NAMES["en"] + L.NAMES["fr"][:3] + L.NAMES["de"][:3]).lower().replace("é", "e").replace("ö", "o")
                 + rng.choice([".", "_", "", "-"]) + rng.choice(["vip", "home", "info", "x", "deals", "job", str(rng.randint(1, 99))]))
        addr = f"{local}@{rng.choice(ids.EMAIL_DOMAINS)}"
        if addr in used:
            continue
        used.add(addr)
        contacts.append(rng.choice(L.T[lang]["email"]).format(c=doc.email(rng, addr, obf_rate)))
    if rng.random() < 0.25:
        iban = ids.make_iban(rng, rng.choice(list(ids.IBAN_LENGTH)))
        contacts.append(rng.choice(L.T[lang]["iban"]).format(c=doc.iban(rng, iban)))

    distractors = []
    segs = []
    for _ in range(rng.randint(2, 6)):
        text, typ = D.make(rng, lang, region)
        distractors.append({"type": typ, "text": text})
        segs.append(text)
    first = contacts[0] if contacts else rng.choice(L.T[lang]["filler"])
    segs = [body(rng, doc, kind, first)] + contacts[1:] + segs
    if rng.random() < 0.5:
        segs.append(rng.choice(L.T[lang]["filler"]))
    head, rest = segs[0], segs[1:]
    rng.shuffle(rest)
    text = head
    for s in rest:
        text += rng.choice(SEPARATORS) + s
    rid = f"c-{i:06d}"
    host = f"{kind}s.example.{REGION_TLD[region]}"
    t = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=rng.randrange(300 * 24 * 60))
    rec = {"id": rid, "text": text, "url": f"https://{host}/{lang}/{rid}",
           "captured_at": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": region, "lang": lang}
    truth = {"id": rid, "region": region, "lang": lang, "kind": kind,
             "selectors": [{k: s[k] for k in ("kind", "value", "obfuscated", "technique", "text") if k in s}
                           for s in doc.selectors],
             "distractors": distractors + [{"type": "price" if e["kind"] == "price" else "age", "text": e["text"]}
                                           for e in doc.extras]}
    return rec, truth, phones


VARIANTS = {  # (charset, where declared, transfer) per language
    "ro": [("iso-8859-2", "meta", "plain"), ("windows-1250", "header", "gzip"), ("utf-8", "header", "chunked"),
           ("iso-8859-2", "none", "plain")],
    "bg": [("windows-1251", "header", "chunked"), ("windows-1251", "none", "plain"), ("utf-8", "meta", "gzip")],
}
LATIN_VARIANTS = [("utf-8", "header", "plain"), ("windows-1252", "http-equiv", "plain"), ("utf-8", "none", "gzip+chunked"),
                  ("utf-8-sig", "none", "plain"), ("utf-8", "meta", "deflate"), ("utf-8", "header", "chunked"),
                  ("windows-1252", "none", "gzip")]


def write_warc(out: Path, rng: random.Random, records: list[dict], writer: str) -> None:
    path = out / "corpus.warc.gz"
    with path.open("wb") as fh:
        w = make_writer(writer, fh, rng, path.name)
        w.warcinfo("2026-01-01T00:00:00Z", {"software": "cairn scripts/gen_corpus.py", "format": "WARC File Format 1.1"})
        for rec in records:
            lang = rec["lang"]
            charset, where, transfer = rng.choice(VARIANTS.get(lang, LATIN_VARIANTS))
            decl = charset.replace("-sig", "")
            meta = ""
            if where == "meta":
                meta = f'<meta charset="{decl}">\n'
            elif where == "http-equiv":
                meta = f'<meta http-equiv="Content-Type" content="text/html; charset={decl}">\n'
            paras = "".join(f"<p>{html.escape(x)}</p>\n" for x in rec["text"].split("\n"))
            page = (f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head>\n{meta}<title>{rec['id']}</title>\n"
                    "<script>var s = \"0612000099\";</script><style>p{margin:0}</style>\n"
                    f"</head><body>\n{paras}</body></html>\n")
            if charset.startswith("utf-8"):
                data = page.encode(charset)
            else:
                if charset in ("iso-8859-2", "windows-1250"):
                    page = page.translate(str.maketrans("șțȘȚ", "şţŞŢ"))
                data = page.encode(charset, errors="xmlcharrefreplace")
            headers = [("Content-Type", f"text/html; charset={decl}" if where == "header" else "text/html")]
            if transfer in ("gzip", "gzip+chunked"):
                data = gz(data)
                headers.append(("Content-Encoding", "gzip"))
            elif transfer == "deflate":
                data = zlib.compress(data, 9)
                headers.append(("Content-Encoding", "deflate"))
            if "chunked" in transfer:
                data = chunked(data, rng)
                headers.append(("Transfer-Encoding", "chunked"))
            else:
                headers.append(("Content-Length", str(len(data))))
            host = rec["url"].split("/")[2]
            path_ = "/" + rec["url"].split("/", 3)[3]
            rid = w.new_id()
            w.request(rec["url"], rec["captured_at"], host, path_, rid)
            w.response(rec["url"], rec["captured_at"], "200 OK", headers, data, record_id=rid)
    bad = out / "bad"
    bad.mkdir(exist_ok=True)
    # The first 20 records again, the last gzip member cut in half.
    small = bad / "truncated.warc.gz"
    with small.open("wb") as fh:
        w = WarcWriter(fh, random.Random(1), small.name)
        for rec in records[:20]:
            body_ = rec["text"].encode("utf-8")
            w.response(rec["url"], rec["captured_at"], "200 OK",
                       [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body_)))], body_)
        last = w.offsets[-1][0]
    data = small.read_bytes()
    small.write_bytes(data[: last + (len(data) - last) // 2])
    (bad / "not-an-archive.warc.gz").write_bytes(bytes(random.Random(2).getrandbits(8) for _ in range(4096)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="number of records (default 2000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--obf-rate", type=float, default=0.35, help="share of obfuscated phones and e-mails")
    ap.add_argument("--warc", action="store_true", help="also write corpus.warc.gz and bad/ inputs")
    ap.add_argument("--warc-writer", choices=["builtin", "warcio"], default="builtin",
                    help="write corpus.warc.gz with the standard library (default) or with the warcio package")
    args = ap.parse_args()
    if args.warc and args.warc_writer == "warcio" and importlib.util.find_spec("warcio") is None:
        sys.exit("gen_corpus: --warc-writer warcio needs the warcio package (pip install warcio)")
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    records, truths, phones = [], [], []
    for i in range(1, args.n + 1):
        rec, truth, ph = make_record(rng, i, args.obf_rate)
        records.append(rec)
        truths.append(truth)
        phones += ph
    with (args.out / "corpus.jsonl").open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with (args.out / "truth.jsonl").open("w", encoding="utf-8") as f:
        for t in truths:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    if args.warc:
        write_warc(args.out, random.Random(args.seed + 1), records, args.warc_writer)
    bad = P.check_valid(phones)
    counts: dict[str, int] = {}
    for t in truths:
        for s in t["selectors"]:
            key = s["kind"] + (":obfuscated" if s.get("obfuscated") else ":plain")
            counts[key] = counts.get(key, 0) + 1
    ndis = sum(len(t["distractors"]) for t in truths)
    meta = {"generator": "scripts/gen_corpus.py", "version": VERSION, "seed": args.seed, "n": args.n,
            "obf_rate": args.obf_rate, "selectors": dict(sorted(counts.items())), "distractors": ndis,
            "text_bytes": sum(len(r["text"].encode("utf-8")) for r in records),
            "phonenumbers_check": "skipped (package not importable)" if bad is None else f"{len(bad)} invalid"}
    (args.out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(meta))
    if bad:
        print("invalid numbers: " + ", ".join(bad[:20]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
