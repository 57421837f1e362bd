//! HTTP responses as captured in WARC `response` records: status line and headers (tolerant of
//! bad lines), then the entity body, decoded from `Transfer-Encoding: chunked` and from
//! `Content-Encoding` gzip, deflate (zlib or raw) and br.

use std::borrow::Cow;
use std::io::Read;

use thiserror::Error;

/// A parsed HTTP response; `body` is the entity body exactly as stored (still chunked and/or
/// compressed when the headers say so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse<'a> {
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
}

impl HttpResponse<'_> {
    /// First value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All values of a header joined with commas (for list headers such as Content-Encoding).
    pub fn header_list(&self, name: &str) -> String {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Entity body with transfer and content codings removed, at most `limit` bytes.
    pub fn decoded_body(&self, limit: u64) -> Result<Cow<'_, [u8]>, DecodeError> {
        decode_body(
            self.body,
            &self.header_list("Transfer-Encoding"),
            &self.header_list("Content-Encoding"),
            limit,
        )
    }
}

/// Parses an HTTP response block (`HTTP/1.x 200 OK\r\n...\r\n\r\nbody`). `None` if the block
/// does not start with `HTTP/`. Header lines without a colon are skipped; a missing blank line
/// means there is no body.
pub fn parse_response(block: &[u8]) -> Option<HttpResponse<'_>> {
    if !block.starts_with(b"HTTP/") {
        return None;
    }
    let (head, body) = match head_end(block) {
        Some(end) => (&block[..end], &block[end..]),
        None => (block, &block[block.len()..]),
    };
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_ascii_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok());
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = headers.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim();
            if !name.is_empty() && !name.contains(char::is_whitespace) {
                headers.push((name.to_owned(), value.trim().to_owned()));
            }
        }
    }
    Some(HttpResponse {
        status,
        headers,
        body,
    })
}

/// End of the header block: just past the first blank line (CRLF CRLF or LF LF).
fn head_end(block: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(j) = memchr::memchr(b'\n', &block[i..]) {
        let nl = i + j;
        match block.get(nl + 1) {
            Some(b'\n') => return Some(nl + 2),
            Some(b'\r') if block.get(nl + 2) == Some(&b'\n') => return Some(nl + 3),
            _ => i = nl + 1,
        }
    }
    None
}

/// Why an entity body could not be decoded.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DecodeError {
    #[error("decoded body exceeds the limit of {limit} bytes (content coding {coding})")]
    TooLarge { coding: String, limit: u64 },
    #[error("unsupported content coding '{0}'")]
    Unsupported(String),
    #[error("corrupt {coding} data: {reason}")]
    Corrupt { coding: String, reason: String },
}

/// Removes `Transfer-Encoding: chunked` (when listed) then every `Content-Encoding` (applied in
/// reverse order). A body that does not parse as chunked is kept as is (many archives store
/// bodies already de-chunked but keep the header). A compressed body that stops early keeps what
/// was decoded; a body labelled compressed that is not (no valid header) is kept as is.
pub fn decode_body<'a>(
    body: &'a [u8],
    transfer_encoding: &str,
    content_encoding: &str,
    limit: u64,
) -> Result<Cow<'a, [u8]>, DecodeError> {
    let mut data: Cow<'a, [u8]> = Cow::Borrowed(body);
    if transfer_encoding.to_ascii_lowercase().contains("chunked")
        && let Some(dechunked) = dechunk(body)
    {
        data = Cow::Owned(dechunked);
    }
    let codings: Vec<String> = content_encoding
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity" && c != "none")
        .collect();
    for coding in codings.iter().rev() {
        data = Cow::Owned(decode_one(&data, coding, limit)?);
    }
    if data.len() as u64 > limit {
        return Err(DecodeError::TooLarge {
            coding: "identity".into(),
            limit,
        });
    }
    Ok(data)
}

fn decode_one(data: &[u8], coding: &str, limit: u64) -> Result<Vec<u8>, DecodeError> {
    match coding {
        "gzip" | "x-gzip" => {
            if !data.starts_with(&[0x1f, 0x8b]) {
                // Labelled gzip but not gzip: stored already decoded.
                return Ok(data.to_vec());
            }
            read_limited(flate2::read::MultiGzDecoder::new(data), coding, limit)
        }
        "deflate" => {
            if looks_like_zlib(data) {
                read_limited(flate2::read::ZlibDecoder::new(data), coding, limit)
            } else {
                // Servers often send raw deflate despite the RFC saying zlib.
                match read_limited(flate2::read::DeflateDecoder::new(data), coding, limit) {
                    Err(DecodeError::Corrupt { .. }) if looks_decoded(data) => Ok(data.to_vec()),
                    other => other,
                }
            }
        }
        "br" => match read_limited(
            brotli_decompressor::Decompressor::new(data, 4096),
            coding,
            limit,
        ) {
            Err(DecodeError::Corrupt { .. }) if looks_decoded(data) => Ok(data.to_vec()),
            other => other,
        },
        other => Err(DecodeError::Unsupported(other.to_owned())),
    }
}

/// zlib header: CM = 8 and the 16-bit header is a multiple of 31.
fn looks_like_zlib(data: &[u8]) -> bool {
    match data {
        [a, b, ..] => a & 0x0f == 8 && (u16::from(*a) << 8 | u16::from(*b)) % 31 == 0,
        _ => false,
    }
}

/// Heuristic for "this is already plain content": starts like markup or text.
fn looks_decoded(data: &[u8]) -> bool {
    let head = &data[..data.len().min(256)];
    !head.is_empty()
        && head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\r' | b'\n' | b'\t') || b >= 0x80)
        && std::str::from_utf8(head).is_ok()
}

/// Reads a decoder to its end, at most `limit` bytes. On a decoding error after some output the
/// output so far is kept (truncated captures are common and still evidence).
fn read_limited(mut r: impl Read, coding: &str, limit: u64) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => {
                if (out.len() + n) as u64 > limit {
                    return Err(DecodeError::TooLarge {
                        coding: coding.to_owned(),
                        limit,
                    });
                }
                out.extend_from_slice(&buf[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                if out.is_empty() {
                    return Err(DecodeError::Corrupt {
                        coding: coding.to_owned(),
                        reason: e.to_string(),
                    });
                }
                tracing::debug!(
                    coding,
                    "content decoding stopped early; keeping the decoded part"
                );
                return Ok(out);
            }
        }
    }
}

/// Decodes a chunked body. `None` if it does not start with a valid chunk size line; a body cut
/// short keeps the chunks read so far.
pub fn dechunk(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0usize;
    let mut first = true;
    loop {
        let Some(nl) = memchr::memchr(b'\n', &body[i..]) else {
            return if first { None } else { Some(out) };
        };
        let line = &body[i..i + nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // Chunk extensions (";name=value") are ignored.
        let size_part = line.split(|&b| b == b';').next().unwrap_or_default();
        let size_text = std::str::from_utf8(size_part).ok().map(str::trim);
        let size = size_text
            .filter(|s| !s.is_empty() && s.len() <= 16)
            .and_then(|s| u64::from_str_radix(s, 16).ok());
        let Some(size) = size else {
            return if first { None } else { Some(out) };
        };
        first = false;
        i += nl + 1;
        if size == 0 {
            return Some(out); // trailers, if any, are ignored
        }
        let avail = (body.len() - i) as u64;
        let take = usize::try_from(size.min(avail)).unwrap_or(usize::MAX);
        out.extend_from_slice(&body[i..i + take]);
        i += take;
        if i >= body.len() {
            return Some(out);
        }
        // CRLF (or LF) after the chunk data.
        if body[i..].starts_with(b"\r\n") {
            i += 2;
        } else if body[i] == b'\n' {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    fn chunk(data: &[u8], sizes: &[usize]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut rest = data;
        let mut k = 0;
        while !rest.is_empty() {
            let n = sizes
                .get(k % sizes.len().max(1))
                .copied()
                .unwrap_or(7)
                .clamp(1, rest.len());
            k += 1;
            out.extend_from_slice(format!("{n:x}\r\n").as_bytes());
            out.extend_from_slice(&rest[..n]);
            out.extend_from_slice(b"\r\n");
            rest = &rest[n..];
        }
        out.extend_from_slice(b"0\r\n\r\n");
        out
    }

    #[test]
    fn parses_status_and_tolerates_bad_lines() {
        let block = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\n\
                      this line is junk\r\nX-Fold: a\r\n  b\r\n\r\n<p>x</p>";
        let r = parse_response(block).unwrap();
        assert_eq!(r.status, Some(404));
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(r.header("X-Fold"), Some("a b"));
        assert_eq!(r.headers.len(), 2);
        assert_eq!(r.body, b"<p>x</p>");
        assert!(parse_response(b"<html>").is_none());
        let bare = parse_response(b"HTTP/1.0 200\nA: b\n\nbody").unwrap();
        assert_eq!(bare.body, b"body");
    }

    #[test]
    fn chunked_then_gzip() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b"hello chunked gzip").unwrap();
        let gz = e.finish().unwrap();
        let body = chunk(&gz, &[5, 3]);
        let out = decode_body(&body, "chunked", "gzip", 1000).unwrap();
        assert_eq!(&*out, b"hello chunked gzip");
    }

    #[test]
    fn deflate_zlib_and_raw_and_br() {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"zlib body").unwrap();
        let z = z.finish().unwrap();
        assert_eq!(&*decode_body(&z, "", "deflate", 100).unwrap(), b"zlib body");
        let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        d.write_all(b"raw body").unwrap();
        let d = d.finish().unwrap();
        assert_eq!(&*decode_body(&d, "", "deflate", 100).unwrap(), b"raw body");
        let mut b = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut b, 4096, 9, 22);
            w.write_all(b"brotli body").unwrap();
        }
        assert_eq!(&*decode_body(&b, "", "br", 100).unwrap(), b"brotli body");
    }

    #[test]
    fn mislabelled_and_unsupported_codings() {
        assert_eq!(
            &*decode_body(b"<html>plain", "", "gzip", 100).unwrap(),
            b"<html>plain"
        );
        assert_eq!(
            &*decode_body(b"<html>plain", "", "br", 100).unwrap(),
            b"<html>plain"
        );
        assert_eq!(
            &*decode_body(b"not chunked", "chunked", "", 100).unwrap(),
            b"not chunked"
        );
        assert!(matches!(
            decode_body(b"x", "", "zstd", 100),
            Err(DecodeError::Unsupported(_))
        ));
        assert!(matches!(
            decode_body(&[0x1f, 0x8b, 0, 0, 0], "", "gzip", 100),
            Err(DecodeError::Corrupt { .. })
        ));
    }

    #[test]
    fn decompression_bomb_is_limited() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![b'a'; 1_000_000]).unwrap();
        let gz = e.finish().unwrap();
        assert!(matches!(
            decode_body(&gz, "", "gzip", 10_000),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn truncated_chunked_keeps_prefix() {
        let body = b"5\r\nhello\r\n10\r\nwor";
        assert_eq!(dechunk(body).unwrap(), b"hellowor");
        assert_eq!(dechunk(b"3;ext=1\r\nabc\r\n0\r\n\r\n").unwrap(), b"abc");
    }

    proptest! {
        #[test]
        fn chunked_round_trip(data in proptest::collection::vec(any::<u8>(), 0..4000),
                              sizes in proptest::collection::vec(1usize..600, 1..8)) {
            let encoded = chunk(&data, &sizes);
            prop_assert_eq!(dechunk(&encoded).unwrap(), data);
        }

        #[test]
        fn decoding_never_panics(data in proptest::collection::vec(any::<u8>(), 0..2000),
                                 te in prop::sample::select(vec!["", "chunked"]),
                                 ce in prop::sample::select(vec!["", "gzip", "deflate", "br", "gzip, br", "x"])) {
            let _ = decode_body(&data, te, ce, 1 << 16);
            let _ = parse_response(&data);
        }
    }
}
