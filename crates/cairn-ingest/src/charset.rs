//! Character set of a text payload and its decoding to UTF-8.
//!
//! Order: a byte order mark (certain, so it wins, as in the WHATWG encoding standard), then the
//! charset the transport declared (HTTP `Content-Type`), then for HTML a `<meta charset>` or
//! `<meta http-equiv="Content-Type">` in the first [`META_SCAN_BYTES`], then: valid UTF-8 is
//! UTF-8, anything else is guessed by chardetng (with the URL's top-level domain as a hint).
//! A declared UTF-8 that is not valid UTF-8 is treated as undeclared (a frequent mislabel).
//! Invalid bytes become U+FFFD; decoding never fails.

use encoding_rs::{Encoding, UTF_8};

/// How far into a document `<meta>` charset declarations are looked for. The HTML standard says
/// 1024 bytes; real pages often put the tag later (long comments, inline scripts), and a wrong
/// charset costs more than a longer scan.
pub const META_SCAN_BYTES: usize = 4096;

/// How much of an undeclared document the charset detector looks at.
pub const DETECT_BYTES: usize = 32 * 1024;

/// Where the charset came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    Bom,
    Declared,
    Meta,
    Utf8Valid,
    Detected,
}

/// Decoded text and how its encoding was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG encoding name (`UTF-8`, `windows-1252`, ...).
    pub encoding: &'static str,
    pub source: CharsetSource,
    /// True if invalid byte sequences were replaced.
    pub had_errors: bool,
}

/// The `charset` parameter of a `Content-Type` value, resolved to an encoding.
pub fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let v = v.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        Encoding::for_label(v.as_bytes())
    })
}

/// A charset declared by a `<meta>` tag in the head of an HTML document. UTF-16 declarations
/// mean UTF-8, as the HTML standard says (a document readable as ASCII cannot be UTF-16).
pub fn sniff_meta_charset(html: &[u8]) -> Option<&'static Encoding> {
    let head = &html[..html.len().min(META_SCAN_BYTES)];
    let mut i = 0;
    while i < head.len() {
        let rest = &head[i..];
        if rest.starts_with(b"<!--") {
            i += memchr::memmem::find(&rest[4..], b"-->").map_or(head.len(), |j| 4 + j + 3);
            continue;
        }
        if rest.len() > 5
            && rest[..5].eq_ignore_ascii_case(b"<meta")
            && matches!(rest[5], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/')
        {
            let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
            if let Some(enc) = meta_tag_charset(&rest[5..end]) {
                return Some(
                    if enc == encoding_rs::UTF_16BE || enc == encoding_rs::UTF_16LE {
                        UTF_8
                    } else if enc == encoding_rs::X_USER_DEFINED {
                        encoding_rs::WINDOWS_1252
                    } else {
                        enc
                    },
                );
            }
            i += end.max(1);
            continue;
        }
        i += 1;
    }
    None
}

/// Charset from the attributes of one `<meta ...>` tag (the bytes after `<meta`).
fn meta_tag_charset(attrs: &[u8]) -> Option<&'static Encoding> {
    let mut charset = None;
    let mut http_equiv_ct = false;
    let mut content = None;
    for (name, value) in parse_attrs(attrs) {
        match name.as_str() {
            "charset" => charset = Encoding::for_label(value.trim().as_bytes()),
            "http-equiv" => http_equiv_ct = value.trim().eq_ignore_ascii_case("content-type"),
            "content" => content = Some(value),
            _ => {}
        }
    }
    if charset.is_some() {
        return charset;
    }
    if http_equiv_ct {
        return content.and_then(|c| charset_in_content(&c));
    }
    None
}

/// `charset=` inside a meta `content` attribute (`text/html; charset=iso-8859-1`).
fn charset_in_content(content: &str) -> Option<&'static Encoding> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = lower[at + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest.find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace());
    Encoding::for_label(&rest.as_bytes()[..end.unwrap_or(rest.len())])
}

/// Attribute name/value pairs of a tag body, lowercase names; tolerant of any bytes.
fn parse_attrs(s: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/');
    while i < s.len() {
        while i < s.len() && is_space(s[i]) {
            i += 1;
        }
        let start = i;
        while i < s.len() && !is_space(s[i]) && s[i] != b'=' {
            i += 1;
        }
        if i == start {
            i += 1;
            continue;
        }
        let name = String::from_utf8_lossy(&s[start..i]).to_ascii_lowercase();
        while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
            i += 1;
        }
        let mut value = String::new();
        if i < s.len() && s[i] == b'=' {
            i += 1;
            while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
                i += 1;
            }
            if i < s.len() && (s[i] == b'"' || s[i] == b'\'') {
                let q = s[i];
                i += 1;
                let vs = i;
                while i < s.len() && s[i] != q {
                    i += 1;
                }
                value = String::from_utf8_lossy(&s[vs..i]).into_owned();
                i += 1;
            } else {
                let vs = i;
                while i < s.len() && !matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
                    i += 1;
                }
                value = String::from_utf8_lossy(&s[vs..i]).into_owned();
            }
        }
        out.push((name, value));
    }
    out
}

/// Decodes `bytes` to UTF-8 following the order in the module documentation. `declared` is the
/// transport's charset label (HTTP header), `is_html` enables the `<meta>` scan, `tld` (such as
/// `fr`) helps the detector.
pub fn decode(bytes: &[u8], declared: Option<&str>, is_html: bool, tld: Option<&str>) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return finish(enc, &bytes[bom_len..], CharsetSource::Bom);
    }
    let valid = std::cell::OnceCell::new();
    let utf8_ok = || *valid.get_or_init(|| simdutf8::basic::from_utf8(bytes).is_ok());
    let declared_enc = declared.and_then(|l| Encoding::for_label(l.trim().as_bytes()));
    if let Some(enc) = declared_enc
        && (enc != UTF_8 || utf8_ok())
    {
        return finish(enc, bytes, CharsetSource::Declared);
    }
    if is_html
        && let Some(enc) = sniff_meta_charset(bytes)
        && (enc != UTF_8 || utf8_ok())
    {
        return finish(enc, bytes, CharsetSource::Meta);
    }
    if utf8_ok() {
        return finish(UTF_8, bytes, CharsetSource::Utf8Valid);
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(detection_sample(bytes), true);
    let tld = tld
        .filter(|t| t.is_ascii() && !t.is_empty())
        .map(str::as_bytes);
    let enc = det.guess(tld, chardetng::Utf8Detection::Deny);
    finish(enc, bytes, CharsetSource::Detected)
}

/// Bytes given to the detector: the first [`DETECT_BYTES`] (detection costs far more than
/// decoding and a prefix holds enough evidence), cut after an ASCII byte so that no multi-byte
/// sequence is split.
fn detection_sample(bytes: &[u8]) -> &[u8] {
    if bytes.len() <= DETECT_BYTES {
        return bytes;
    }
    let head = &bytes[..DETECT_BYTES];
    match head.iter().rposition(u8::is_ascii) {
        Some(i) if i > DETECT_BYTES / 2 => &head[..=i],
        _ => head,
    }
}

fn finish(enc: &'static Encoding, bytes: &[u8], source: CharsetSource) -> Decoded {
    if enc == UTF_8 {
        // Skip a second validation pass when the bytes are already known good (the common case).
        if let Ok(s) = simdutf8::basic::from_utf8(bytes) {
            return Decoded {
                text: s.to_owned(),
                encoding: enc.name(),
                source,
                had_errors: false,
            };
        }
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
        source,
        had_errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn content_type_charset() {
        let e = charset_from_content_type("text/html; Charset=\"ISO-8859-1\"").unwrap();
        assert_eq!(e.name(), "windows-1252");
        assert!(charset_from_content_type("text/html").is_none());
        assert!(charset_from_content_type("text/html; charset=bogus").is_none());
    }

    #[test]
    fn meta_forms() {
        let a = b"<html><head><META charset='koi8-r'>";
        assert_eq!(sniff_meta_charset(a).unwrap().name(), "KOI8-R");
        let b = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">";
        assert_eq!(sniff_meta_charset(b).unwrap().name(), "windows-1251");
        let c = b"<!-- <meta charset=koi8-r> --><meta charset=utf-16>";
        assert_eq!(sniff_meta_charset(c).unwrap().name(), "UTF-8");
        assert!(sniff_meta_charset(b"<metadata charset=koi8-r>").is_none());
    }

    #[test]
    fn order_bom_declared_meta_detected() {
        let latin1 = b"<meta charset=iso-8859-2>\xe9t\xe9 \xe0 Paris, caf\xe9";
        let d = decode(latin1, None, true, None);
        assert_eq!(d.source, CharsetSource::Meta);
        assert_eq!(d.encoding, "ISO-8859-2");
        let d = decode(latin1, Some("windows-1252"), true, None);
        assert_eq!(d.source, CharsetSource::Declared);
        assert!(d.text.contains("été à Paris, café"));
        let d = decode(b"\xef\xbb\xbfhello", Some("windows-1252"), false, None);
        assert_eq!((d.source, d.text.as_str()), (CharsetSource::Bom, "hello"));
        let d = decode("Grüße aus München".as_bytes(), None, false, None);
        assert_eq!(d.source, CharsetSource::Utf8Valid);
        let cyr = encoding_rs::WINDOWS_1251
            .encode("Привет, как дела? Новая девушка в городе")
            .0;
        let d = decode(&cyr, None, false, Some("bg"));
        assert_eq!(d.source, CharsetSource::Detected);
        assert_eq!(d.text, "Привет, как дела? Новая девушка в городе");
    }

    #[test]
    fn declared_utf8_that_is_not_falls_back() {
        let d = decode(
            b"caf\xe9 cr\xe8me br\xfbl\xe9e",
            Some("utf-8"),
            false,
            Some("fr"),
        );
        assert_eq!(d.source, CharsetSource::Detected);
        assert_eq!(d.text, "café crème brûlée");
    }

    #[test]
    fn long_documents_are_detected_from_a_prefix() {
        let text = "Новая девушка в городе, звоните. ".repeat(5_000);
        let cyr = encoding_rs::WINDOWS_1251.encode(&text).0;
        assert!(cyr.len() > DETECT_BYTES);
        let d = decode(&cyr, None, false, None);
        assert_eq!(
            (d.source, d.encoding),
            (CharsetSource::Detected, "windows-1251")
        );
        assert_eq!(d.text, text);
    }

    #[test]
    fn utf16_with_bom() {
        let mut b = vec![0xff, 0xfe];
        for u in "hé".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&b, None, true, None).text, "hé");
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..3000), html: bool) {
            let _ = sniff_meta_charset(&data);
            let d = decode(&data, None, html, Some("de"));
            prop_assert!(d.text.len() <= data.len() * 3 + 3);
        }
    }
}
