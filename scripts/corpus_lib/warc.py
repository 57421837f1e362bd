"""A small deterministic WARC 1.1 writer (one gzip member per record), standard library only."""

from __future__ import annotations

import base64
import gzip
import hashlib
import random
import struct
import uuid
import zlib
from typing import BinaryIO


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def chunked(body: bytes, rng: random.Random) -> bytes:
    """HTTP/1.1 chunked transfer coding with uneven chunk sizes."""
    out, i = [], 0
    while i < len(body):
        n = rng.randint(40, 400)
        part = body[i:i + n]
        out.append(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        i += n
    out.append(b"0\r\n\r\n")
    return b"".join(out)


def gz(data: bytes) -> bytes:
    # mtime=0 keeps the output byte-for-byte reproducible.
    return gzip.compress(data, compresslevel=9, mtime=0)


def png_gradient(w: int = 32, h: int = 32) -> bytes:
    """A benign RGB gradient image."""
    raw = b"".join(b"\x00" + bytes(v for x in range(w) for v in (x * 255 // (w - 1), y * 255 // (h - 1), 128))
                   for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


class WarcWriter:
    def __init__(self, fh: BinaryIO, rng: random.Random, filename: str):
        self.fh = fh
        self.rng = rng
        self.filename = filename
        self.warcinfo_id: str | None = None
        self.offsets: list[tuple[int, str, str]] = []  # (offset, record id, type)
        self.pos = 0

    def new_id(self) -> str:
        return f"<urn:uuid:{uuid.UUID(int=self.rng.getrandbits(128), version=4)}>"

    def _write(self, rtype: str, date: str, block: bytes, extra: list[tuple[str, str]],
               content_type: str | None, record_id: str | None = None) -> str:
        rid = record_id or self.new_id()
        headers = [("WARC-Type", rtype), ("WARC-Record-ID", rid), ("WARC-Date", date)]
        headers += extra
        if self.warcinfo_id and rtype != "warcinfo":
            headers.append(("WARC-Warcinfo-ID", self.warcinfo_id))
        if content_type:
            headers.append(("Content-Type", content_type))
        headers.append(("WARC-Block-Digest", sha1_b32(block)))
        headers.append(("Content-Length", str(len(block))))
        head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
        data = gz(head.encode("utf-8") + block + b"\r\n\r\n")
        self.offsets.append((self.pos, rid, rtype))
        self.fh.write(data)
        self.pos += len(data)
        return rid

    def warcinfo(self, date: str, fields: dict[str, str]) -> str:
        block = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode("utf-8")
        rid = self._write("warcinfo", date, block, [("WARC-Filename", self.filename)], "application/warc-fields")
        self.warcinfo_id = rid
        return rid

    def request(self, url: str, date: str, host: str, path: str, concurrent_to: str) -> str:
        block = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: cairn-example-crawler/1.0\r\n"
                 f"Accept: text/html,*/*\r\nAccept-Encoding: gzip\r\n\r\n").encode()
        return self._write("request", date, block, [("WARC-Target-URI", url), ("WARC-Concurrent-To", concurrent_to)],
                           "application/http;msgtype=request")

    def response(self, url: str, date: str, status: str, http_headers: list[tuple[str, str]], body: bytes,
                 record_id: str | None = None, ip: str | None = None) -> str:
        """`body` is the payload exactly as transmitted (already chunked / compressed)."""
        head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in http_headers) + "\r\n"
        block = head.encode("latin-1") + body
        extra = [("WARC-Target-URI", url)]
        if ip:
            extra.append(("WARC-IP-Address", ip))
        extra.append(("WARC-Payload-Digest", sha1_b32(body)))
        return self._write("response", date, block, extra, "application/http;msgtype=response", record_id)

    def resource(self, url: str, date: str, content_type: str, body: bytes) -> str:
        return self._write("resource", date, body, [("WARC-Target-URI", url), ("WARC-Payload-Digest", sha1_b32(body))],
                           content_type)

    def metadata(self, url: str, date: str, refers_to: str, fields: dict[str, str]) -> str:
        block = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode("utf-8")
        return self._write("metadata", date, block, [("WARC-Target-URI", url), ("WARC-Refers-To", refers_to)],
                           "application/warc-fields")


class WarcioWriter:
    """The same interface on top of the `warcio` package (optional), for archives written the way
    most crawling tools write them. Record ids and dates stay deterministic."""

    def __init__(self, fh: BinaryIO, rng: random.Random, filename: str):
        import io

        from warcio.statusandheaders import StatusAndHeaders  # type: ignore
        from warcio.warcwriter import WARCWriter  # type: ignore
        self._io, self._sah = io, StatusAndHeaders
        self.w = WARCWriter(fh, gzip=True, warc_version="1.1")
        self.fh = fh
        self.rng = rng
        self.filename = filename
        self.offsets: list[tuple[int, str, str]] = []

    @property
    def pos(self) -> int:
        return self.fh.tell()

    def new_id(self) -> str:
        return f"<urn:uuid:{uuid.UUID(int=self.rng.getrandbits(128), version=4)}>"

    def _put(self, url: str, rtype: str, date: str, payload: bytes, rid: str, http_headers=None,
             content_type: str | None = None, extra: dict[str, str] | None = None) -> str:
        headers = {"WARC-Record-ID": rid, "WARC-Date": date, **(extra or {})}
        rec = self.w.create_warc_record(url, rtype, payload=self._io.BytesIO(payload), length=len(payload),
                                        http_headers=http_headers, warc_content_type=content_type or "",
                                        warc_headers_dict=headers)
        self.offsets.append((self.pos, rid, rtype))
        self.w.write_record(rec)
        return rid

    def warcinfo(self, date: str, fields: dict[str, str]) -> str:
        rec = self.w.create_warcinfo_record(self.filename, fields)
        rec.rec_headers.replace_header("WARC-Record-ID", self.new_id())
        rec.rec_headers.replace_header("WARC-Date", date)
        self.w.write_record(rec)
        return rec.rec_headers.get_header("WARC-Record-ID")

    def request(self, url: str, date: str, host: str, path: str, concurrent_to: str) -> str:
        h = self._sah(f"GET {path} HTTP/1.1", [("Host", host), ("User-Agent", "cairn-example-crawler/1.0")],
                      is_http_request=True)
        return self._put(url, "request", date, b"", self.new_id(), http_headers=h,
                         extra={"WARC-Concurrent-To": concurrent_to})

    def response(self, url: str, date: str, status: str, http_headers: list[tuple[str, str]], body: bytes,
                 record_id: str | None = None, ip: str | None = None) -> str:
        h = self._sah(status, http_headers, protocol="HTTP/1.1")
        return self._put(url, "response", date, body, record_id or self.new_id(), http_headers=h)


def make_writer(kind: str, fh: BinaryIO, rng: random.Random, filename: str):
    """kind: "builtin" (standard library) or "warcio" (needs the package)."""
    return WarcioWriter(fh, rng, filename) if kind == "warcio" else WarcWriter(fh, rng, filename)
