"""Golden data for cairn-ingest: writes WARC archives with warcio's WARCWriter, reads them back
with warcio's ArchiveIterator and prints, one JSON object per line, what warcio sees.

Usage: warcio_golden.py OUT_DIR BROTLI_JSON

BROTLI_JSON holds pages already compressed with brotli by the Rust test (warcio has no brotli
encoder and the Python brotli package is not a test dependency): a list of objects
{"name", "html_hex", "br_hex"}.

Archives written (same records in each):
  plain-1.0.warc      WARC/1.0, uncompressed
  plain-1.1.warc      WARC/1.1, uncompressed
  per-record.warc.gz  WARC/1.1, one gzip member per record (warcio's gzip=True)
  whole-file.warc.gz  plain-1.1.warc gzip-compressed as a single member (not read by warcio,
                      which rejects whole-file gzip; compare with plain-1.1.warc)

Output lines:
  {"kind": "page", "uri", "marker", "original_sha256"}     every text page written
  {"kind": "record", "archive", "offset", "type", "uri", "record_id", "payload_digest",
   "digest_ok", "raw_sha256", "content_sha256"}               every record warcio reads
All data is synthetic.
"""

import base64
import gzip
import hashlib
import io
import json
import os
import random
import sys
import zlib

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

random.seed(20240501)

# Fictional, non-explicit ad snippets in several languages and charsets.
PAGES = [
    # name, language, charset, where declared, marker text
    ("fr-1252-http", "fr", "windows-1252", "http", "Nouvelle à Paris, très discrète, appelle-moi"),
    ("fr-1252-meta", "fr", "windows-1252", "meta", "Arrivée à Lyon cette semaine, café offert"),
    ("de-1252-none", "de", "windows-1252", "none", "Neu in der Stadt, Grüße aus München, schöne Tage"),
    ("ro-8859-2-meta", "ro", "iso-8859-2", "meta-http-equiv", "Nouă în oraş, sună acum"),
    ("bg-1251-http", "bg", "windows-1251", "http", "Нова в града, обадете се сега"),
    ("bg-1251-none", "bg", "windows-1251", "none", "Ново момиче в София, само тази седмица, обадете се"),
    ("nl-utf8-none", "nl", "utf-8", "none", "Nieuw in de stad – bel me 🌹 vandaag"),
    ("es-utf8-http", "es", "utf-8", "http", "Nueva en la ciudad, llámame, señorita"),
    ("it-utf8-meta", "it", "utf-8", "meta", "Nuova in città, chiamami però"),
    ("el-8859-7-http", "el", "iso-8859-7", "http", "Νέα στην πόλη, καλέστε τώρα"),
]

# Transfer/content codings applied in turn to the pages above (cycled).
CODINGS = [
    ("identity", False),
    ("gzip", False),
    ("identity", True),
    ("gzip", True),
    ("deflate", False),
    ("deflate-raw", False),
    ("deflate", True),
]

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def html_for(lang, charset, declared, marker):
    head = ""
    if declared == "meta":
        head = '<meta charset="%s">' % charset
    elif declared == "meta-http-equiv":
        head = '<meta http-equiv="Content-Type" content="text/html; charset=%s">' % charset
    body = (
        "<!DOCTYPE html><html lang=\"%s\"><head>%s<title>Annonce</title>"
        "<script>var tracking = 'ignore me';</script></head><body>"
        "<div class=ad><p>%s</p><img src=a.png alt=\"photo\"></div></body></html>"
    ) % (lang, head, marker)
    return body.encode(charset)


def chunk(data):
    out = io.BytesIO()
    pos = 0
    while pos < len(data):
        n = random.randint(1, 97)
        part = data[pos : pos + n]
        out.write(b"%x\r\n" % len(part))
        out.write(part)
        out.write(b"\r\n")
        pos += n
    out.write(b"0\r\n\r\n")
    return out.getvalue()


def encode(data, coding):
    if coding == "gzip":
        return gzip.compress(data, mtime=0)
    if coding == "deflate":
        return zlib.compress(data)
    if coding == "deflate-raw":
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush()
    return data


def build_records(brotli_pages):
    """(record_type, uri, warc_content_type, http_headers or None, payload bytes) in order."""
    records = []
    pages = []
    for i, (name, lang, charset, declared, marker) in enumerate(PAGES):
        coding, chunked = CODINGS[i % len(CODINGS)]
        html = html_for(lang, charset, declared, marker)
        body = encode(html, coding)
        headers = [("Content-Type", "text/html; charset=%s" % charset if declared == "http" else "text/html")]
        if coding != "identity":
            headers.append(("Content-Encoding", "deflate" if coding.startswith("deflate") else coding))
        if chunked:
            headers.append(("Transfer-Encoding", "chunked"))
            body = chunk(body)
        else:
            headers.append(("Content-Length", str(len(body))))
        uri = "https://ads.example.%s/%s" % (lang, name)
        records.append(("request", uri, None, None, b""))
        records.append(("response", uri, None, headers, body))
        pages.append((uri, marker, html))
    for j, page in enumerate(brotli_pages):
        html = bytes.fromhex(page["html_hex"])
        body = bytes.fromhex(page["br_hex"])
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "br")]
        if j % 2:
            headers.append(("Transfer-Encoding", "chunked"))
            body = chunk(body)
        uri = "https://ads.example.eu/%s" % page["name"]
        records.append(("response", uri, None, headers, body))
        pages.append((uri, page["marker"], html))
    # Images are media, never text.
    records.append(("response", "https://ads.example.fr/photo.png", None, [("Content-Type", "image/png")], PNG))
    # A resource record (no HTTP), a conversion, a metadata and a revisit record.
    text = "Annonce texte: nouvelle en ville, écrivez-moi".encode("utf-8")
    records.append(("resource", "https://ads.example.fr/ad.txt", "text/plain; charset=utf-8", None, text))
    pages.append(("https://ads.example.fr/ad.txt", "nouvelle en ville, écrivez-moi", text))
    conv = "Texte converti: disponible ce soir".encode("utf-8")
    records.append(("conversion", "https://ads.example.fr/ad.pdf", "text/plain", None, conv))
    pages.append(("https://ads.example.fr/ad.pdf", "Texte converti: disponible ce soir", conv))
    records.append(("metadata", "https://ads.example.fr/ad.txt", "application/warc-fields", None, b"via: test\r\n"))
    return records, pages


def write_archive(path, records, version, use_gzip):
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=use_gzip, warc_version=version)
        info = writer.create_warcinfo_record(os.path.basename(path), {"software": "cairn golden test"})
        writer.write_record(info)
        for n, (rtype, uri, warc_ct, headers, payload) in enumerate(records):
            warc_headers = {"WARC-Date": "2024-05-01T10:%02d:%02dZ" % (n // 60, n % 60)}
            http_headers = None
            if headers is not None:
                if rtype == "response":
                    http_headers = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            if rtype == "request":
                http_headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "ads.example")], is_http_request=True)
            rec = writer.create_warc_record(
                uri,
                rtype,
                payload=io.BytesIO(payload),
                length=len(payload),
                warc_content_type=warc_ct or "",
                warc_headers_dict=warc_headers,
                http_headers=http_headers,
            )
            writer.write_record(rec)
        # A revisit of the first response (payload digest of the original).
        revisit = writer.create_revisit_record(
            records[1][1], digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            refers_to_uri=records[1][1], refers_to_date="2024-05-01T10:00:01Z",
            warc_headers_dict={"WARC-Date": "2024-05-02T00:00:00Z"},
        )
        writer.write_record(revisit)


def sha1_b32(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def read_archive(path, name, out):
    # Pass 1: raw payloads (entity body as stored) and offsets.
    raws = []
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        for rec in it:
            raw = rec.raw_stream.read()
            digest = rec.rec_headers.get_header("WARC-Payload-Digest")
            raws.append(
                {
                    "kind": "record",
                    "archive": name,
                    "offset": it.get_record_offset(),
                    "type": rec.rec_type,
                    "uri": rec.rec_headers.get_header("WARC-Target-URI"),
                    "record_id": rec.rec_headers.get_header("WARC-Record-ID"),
                    "payload_digest": digest,
                    "digest_ok": (digest == sha1_b32(raw)) if digest and rec.rec_type != "revisit" else None,
                    "raw_sha256": hashlib.sha256(raw).hexdigest(),
                    "content_sha256": None,
                }
            )
    # Pass 2: content as warcio decodes it (de-chunked, decompressed); br is skipped because
    # warcio cannot decode it without the brotli package.
    with open(path, "rb") as fh:
        for i, rec in enumerate(ArchiveIterator(fh)):
            ce = rec.http_headers.get_header("Content-Encoding") if rec.http_headers else None
            if ce == "br":
                continue
            raws[i]["content_sha256"] = hashlib.sha256(rec.content_stream().read()).hexdigest()
    for r in raws:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    out_dir, brotli_json = sys.argv[1], sys.argv[2]
    with open(brotli_json, "r", encoding="utf-8") as fh:
        brotli_pages = json.load(fh)
    records, pages = build_records(brotli_pages)
    out = sys.stdout
    for uri, marker, html in pages:
        out.write(json.dumps({"kind": "page", "uri": uri, "marker": marker,
                              "original_sha256": hashlib.sha256(html).hexdigest()}, ensure_ascii=False) + "\n")
    plain10 = os.path.join(out_dir, "plain-1.0.warc")
    plain11 = os.path.join(out_dir, "plain-1.1.warc")
    per_record = os.path.join(out_dir, "per-record.warc.gz")
    whole = os.path.join(out_dir, "whole-file.warc.gz")
    write_archive(plain10, records, "1.0", False)
    write_archive(plain11, records, "1.1", False)
    write_archive(per_record, records, "1.1", True)
    with open(plain11, "rb") as src, open(whole, "wb") as dst:
        dst.write(gzip.compress(src.read(), mtime=0))
    # warcio refuses whole-file gzip by design ("not a multi-member gzip"): the Rust side compares
    # it with plain-1.1.warc, of which it is the compressed copy.
    for path in (plain10, plain11, per_record):
        read_archive(path, os.path.basename(path), out)


if __name__ == "__main__":
    main()
