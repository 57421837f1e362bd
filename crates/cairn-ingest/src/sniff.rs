//! What a file holds, from its first bytes (never from its name; the reader only uses a name to
//! reject a file called `.warc` or `.warc.gz` that holds no archive).

/// Whether a file's name says WARC (`.warc`, `.warc.gz`, any case).
pub fn named_as_warc(path: &std::path::Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|n| n.ends_with(".warc") || n.ends_with(".warc.gz"))
}

/// Bytes looked at to decide.
pub const SNIFF_BYTES: usize = 8192;

/// Kind of content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Empty,
    Gzip,
    Warc,
    /// An image, with its media type.
    Image(&'static str),
    Html,
    JsonLines,
    /// A JSON document spread over lines (`{` alone on its first line): not JSON Lines, whose
    /// every line is a whole object.
    JsonDocument,
    Text,
    /// Binary content we do not read, with a short description.
    Binary(&'static str),
}

/// Image media type from magic bytes.
pub fn image_type(b: &[u8]) -> Option<&'static str> {
    let t = if b.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        "image/gif"
    } else if b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP" {
        "image/webp"
    } else if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        "image/tiff"
    } else if b.len() >= 26 && b.starts_with(b"BM") && b[6..10] == [0, 0, 0, 0] {
        "image/bmp"
    } else if b.starts_with(&[0, 0, 1, 0]) && b.len() >= 6 && b[4..6] != [0, 0] {
        "image/x-icon"
    } else if b.len() >= 12 && &b[4..8] == b"ftyp" {
        match &b[8..12] {
            b"avif" | b"avis" => "image/avif",
            b"heic" | b"heix" | b"mif1" | b"msf1" | b"heim" | b"heis" => "image/heic",
            _ => return None,
        }
    } else if b.starts_with(&[0xff, 0x0a]) || b.starts_with(b"\0\0\0\x0cJXL \r\n\x87\n") {
        "image/jxl"
    } else {
        return None;
    };
    Some(t)
}

/// Known binary formats that are not images.
fn binary_type(b: &[u8]) -> Option<&'static str> {
    let t = if b.starts_with(b"%PDF-") {
        "PDF document"
    } else if b.starts_with(b"PK\x03\x04") {
        "ZIP archive"
    } else if b.starts_with(b"7z\xbc\xaf\x27\x1c") {
        "7-Zip archive"
    } else if b.starts_with(b"\x28\xb5\x2f\xfd") {
        "Zstandard data"
    } else if b.starts_with(b"BZh") && b.get(3).is_some_and(|c| c.is_ascii_digit()) {
        "bzip2 data"
    } else if b.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        "xz data"
    } else if b.starts_with(b"\x7fELF") {
        "ELF executable"
    } else if b.starts_with(b"MZ") {
        "Windows executable"
    } else if b.starts_with(b"SQLite format 3\0") {
        "SQLite database"
    } else if b.starts_with(b"filedesc://") {
        "ARC archive (not supported, convert to WARC)"
    } else if b.len() >= 12 && &b[4..8] == b"ftyp" {
        "MP4/QuickTime media"
    } else if b.starts_with(b"\x1aE\xdf\xa3") {
        "Matroska/WebM media"
    } else if b.starts_with(b"ID3") || b.starts_with(b"OggS") || b.starts_with(b"fLaC") {
        "audio"
    } else {
        return None;
    };
    Some(t)
}

/// Classifies content from its first bytes (pass up to [`SNIFF_BYTES`]).
pub fn sniff(head: &[u8]) -> Kind {
    if head.is_empty() {
        return Kind::Empty;
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Kind::Gzip;
    }
    if let Some(t) = image_type(head) {
        return Kind::Image(t);
    }
    if let Some(t) = binary_type(head) {
        return Kind::Binary(t);
    }
    // Before the binary check: WARC files hold binary payloads (images, gzip bodies).
    if is_warc(trim_start(head)) {
        return Kind::Warc;
    }
    let (body, bom) = match encoding_rs::Encoding::for_bom(head) {
        Some((enc, n)) => (&head[n..], Some(enc)),
        None => (head, None),
    };
    let utf16 = bom.is_some_and(|e| e != encoding_rs::UTF_8);
    if !utf16 && looks_binary(body) {
        return Kind::Binary("binary data");
    }
    if utf16 {
        // Markup checks below work on ASCII; decode the head for them.
        let (text, _, _) = bom.unwrap_or(encoding_rs::UTF_8).decode(head);
        return classify_text(text.as_bytes());
    }
    classify_text(body)
}

fn classify_text(body: &[u8]) -> Kind {
    let trimmed = trim_start(body);
    if is_warc(trimmed) {
        return Kind::Warc;
    }
    if trimmed.first() == Some(&b'{') {
        // Read as JSON Lines, a pretty-printed document gave an error for each of its lines.
        let first_line = trimmed.split(|&b| b == b'\n').next().unwrap_or_default();
        if first_line.trim_ascii() == b"{" {
            return Kind::JsonDocument;
        }
        return Kind::JsonLines;
    }
    if trimmed.first() == Some(&b'<') && looks_like_html(trimmed) {
        return Kind::Html;
    }
    Kind::Text
}

fn is_warc(b: &[u8]) -> bool {
    b.starts_with(b"WARC/1.") || b.starts_with(b"WARC/0.")
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// Markup that starts like an HTML document or fragment.
fn looks_like_html(b: &[u8]) -> bool {
    let head = &b[..b.len().min(1024)];
    let lower = head.to_ascii_lowercase();
    const MARKERS: &[&[u8]] = &[
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<meta",
        b"<title",
        b"<div",
        b"<p",
        b"<!--",
        b"<table",
        b"<span",
        b"<a ",
        b"<h1",
        b"<h2",
        b"<br",
        b"<ul",
        b"<script",
        b"<link",
        b"<style",
        b"<article",
        b"<section",
        b"<img",
        b"<form",
        b"<b>",
        b"<i>",
        b"<li",
    ];
    MARKERS
        .iter()
        .any(|m| memchr::memmem::find(&lower, m).is_some())
}

/// NUL bytes, or many control characters, in the head of a file mean binary content. Invalid
/// UTF-8 alone does not (legacy charsets are text).
fn looks_binary(b: &[u8]) -> bool {
    let head = &b[..b.len().min(SNIFF_BYTES)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    controls * 20 > head.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kinds() {
        assert_eq!(sniff(b""), Kind::Empty);
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Kind::Gzip);
        assert_eq!(sniff(b"\r\nWARC/1.1\r\n"), Kind::Warc);
        assert_eq!(
            sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"),
            Kind::Image("image/jpeg")
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Kind::Image("image/png"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Kind::Image("image/webp"));
        assert_eq!(sniff(b"  {\"text\": \"x\"}\n"), Kind::JsonLines);
        assert_eq!(sniff(b"{\r\n  \"text\": \"x\"\n}\n"), Kind::JsonDocument);
        assert_eq!(sniff(b"\n  { \n\"a\": 1}"), Kind::JsonDocument);
        assert_eq!(sniff(b"{\"a\": {\n}}\n"), Kind::JsonLines);
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), Kind::Html);
        assert_eq!(sniff(b"\xef\xbb\xbf<p>hello</p>"), Kind::Html);
        assert_eq!(sniff(b"<not markup> just text"), Kind::Text);
        assert_eq!(sniff(b"Hello, plain text \xe9t\xe9"), Kind::Text);
        assert_eq!(sniff(b"%PDF-1.7"), Kind::Binary("PDF document"));
        assert_eq!(sniff(b"\x00\x01\x02\x03junk"), Kind::Binary("binary data"));
        let mut utf16 = vec![0xff, 0xfe];
        for u in "<html>bonjour</html>".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(sniff(&utf16), Kind::Html);
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = sniff(&data);
        }
    }
}
