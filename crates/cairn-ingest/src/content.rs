//! From captured bytes (a WARC record, a file, a JSON Lines value) to an [`Item`]: a text
//! [`Record`], a [`MediaItem`] for images, or nothing for content we do not read.

use std::sync::Arc;

use cairn_core::{MediaItem, Provenance, Record, derive_record_id, sha256_hex};

use crate::html::{html_to_text_with_hint, primary_language};
use crate::sniff::{self, Kind};
use crate::warc::WarcRecord;
use crate::{IngestError, Item, charset, http, time};

/// What to do with a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Html,
    Text,
    Image(&'static str),
    /// Not read (scripts, style sheets, fonts, video, unknown binary): skipped silently.
    Skip,
}

/// Media type essence, lowercase (`text/html; charset=x` → `text/html`).
pub(crate) fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Decides from the declared media type, checked against the bytes themselves: image bytes are
/// never read as text whatever the label says, and unlabelled content is sniffed.
pub(crate) fn classify(content_type: Option<&str>, bytes: &[u8]) -> Class {
    let head = &bytes[..bytes.len().min(sniff::SNIFF_BYTES)];
    if let Some(t) = sniff::image_type(head) {
        return Class::Image(t);
    }
    let mime = content_type.map(essence).unwrap_or_default();
    if let Some(sub) = mime.strip_prefix("image/") {
        // Labelled image: media even if the bytes are unknown to us (the hasher decides).
        return Class::Image(if sub.is_empty() {
            "image/unknown"
        } else {
            image_label(&mime)
        });
    }
    let sniffed = sniff::sniff(head);
    let text_like = !matches!(sniffed, Kind::Binary(_) | Kind::Gzip);
    match mime.as_str() {
        "text/html" | "application/xhtml+xml" | "text/x-server-parsed-html" if text_like => {
            Class::Html
        }
        "text/css"
        | "text/javascript"
        | "application/javascript"
        | "application/x-javascript"
        | "text/ecmascript"
        | "application/ecmascript"
        | "text/vtt" => Class::Skip,
        "application/json"
        | "application/ld+json"
        | "application/xml"
        | "application/rss+xml"
        | "application/atom+xml"
        | "application/x-ndjson"
        | "application/jsonl"
            if text_like =>
        {
            Class::Text
        }
        m if m.starts_with("text/") && text_like => Class::Text,
        ""
        | "application/octet-stream"
        | "binary/octet-stream"
        | "unknown/unknown"
        | "application/unknown"
        | "application/x-unknown-content-type" => match sniffed {
            Kind::Html => Class::Html,
            Kind::Text | Kind::JsonLines | Kind::JsonDocument => Class::Text,
            _ => Class::Skip,
        },
        _ => Class::Skip,
    }
}

/// The known image types as static strings (MediaItem wants an owned label anyway).
fn image_label(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" | "image/jpg" | "image/pjpeg" => "image/jpeg",
        "image/png" => "image/png",
        "image/gif" => "image/gif",
        "image/webp" => "image/webp",
        "image/avif" => "image/avif",
        "image/svg+xml" => "image/svg+xml",
        "image/bmp" => "image/bmp",
        "image/tiff" => "image/tiff",
        "image/x-icon" | "image/vnd.microsoft.icon" => "image/x-icon",
        "image/heic" => "image/heic",
        _ => "image/unknown",
    }
}

/// Country-code top-level domain of a URL (`https://x.example.fr/a` → `fr`), for charset hints.
pub(crate) fn url_tld(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?.trim_end_matches('.');
    let tld = host.rsplit('.').next()?;
    (tld.len() == 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()) && host.contains('.'))
        .then_some(tld)
}

/// The parts of a capture that every item carries.
pub(crate) struct Capture {
    pub source: String,
    pub locator: String,
    pub url: Option<String>,
    pub captured_at: Option<String>,
    pub warc_record_id: Option<String>,
}

impl Capture {
    /// The provenance of the item made from this capture, whose payload hashes to `sha256`:
    /// the capture's strings move into it (copying them was a third of the reader's allocations
    /// per JSON Lines record).
    fn into_provenance(self, sha256: String) -> Provenance {
        Provenance {
            source: self.source,
            locator: self.locator,
            url: self.url,
            captured_at: self.captured_at,
            warc_record_id: self.warc_record_id,
            sha256,
        }
    }

    pub fn error(&self, message: impl Into<String>) -> Item {
        Item::Error(IngestError {
            source: self.source.clone(),
            locator: self.locator.clone(),
            message: message.into(),
        })
    }
}

/// Extra fields a text item may carry.
#[derive(Default)]
pub(crate) struct TextMeta {
    pub id: Option<String>,
    pub region: Option<String>,
    pub declared_lang: Option<String>,
    /// Transport charset label (HTTP Content-Type).
    pub charset: Option<String>,
    pub content_type: Option<String>,
}

/// Builds the item for a payload. `payload` is stored as is (and hashed), `decoded` is what is
/// read (the payload with transfer and content codings removed).
pub(crate) fn make_item(
    cap: Capture,
    payload: Vec<u8>,
    decoded: &[u8],
    class: Class,
    mut meta: TextMeta,
) -> Item {
    let tld = cap.url.as_deref().and_then(url_tld);
    let (text, lang, content_type) = match class {
        Class::Image(t) => {
            let content_type = meta
                .content_type
                .as_deref()
                .map(essence)
                .filter(|m| m.starts_with("image/"))
                .unwrap_or_else(|| t.to_owned());
            return Item::Media(MediaItem {
                provenance: cap.into_provenance(sha256_hex(&payload)),
                content_type: Some(content_type),
                bytes: decoded.to_vec(),
            });
        }
        Class::Skip => return cap.error("content is not text, HTML or an image"),
        Class::Html => {
            let h = html_to_text_with_hint(decoded, meta.charset.as_deref(), tld);
            if !h.complete {
                tracing::warn!(locator = %cap.locator, "HTML parsing stopped early; text is partial");
            }
            let ct = meta
                .content_type
                .take()
                .unwrap_or_else(|| "text/html".to_owned());
            (h.text, h.lang, ct)
        }
        Class::Text => {
            let d = charset::decode(decoded, meta.charset.as_deref(), false, tld);
            let ct = meta
                .content_type
                .take()
                .unwrap_or_else(|| "text/plain".to_owned());
            (d.text, None, ct)
        }
    };
    let prov = cap.into_provenance(sha256_hex(&payload));
    record_item(prov, payload, text, lang, content_type, meta)
}

/// A text that is already UTF-8 without a byte-order mark (a JSON Lines `text` value): decoding
/// it would give it back unchanged, so it is its own payload, and is not validated again. The
/// same record as [`make_item`] with [`Class::Text`] and charset `utf-8`, but for the payload
/// itself when `keep_payload` is false (nothing will store it: the record keeps only its hash).
pub(crate) fn make_utf8_text_item(
    cap: Capture,
    text: String,
    mut meta: TextMeta,
    keep_payload: bool,
) -> Item {
    debug_assert!(!text.starts_with('\u{FEFF}'));
    let prov = cap.into_provenance(sha256_hex(text.as_bytes()));
    let payload = if keep_payload {
        text.as_bytes().to_vec()
    } else {
        Vec::new()
    };
    let content_type = meta
        .content_type
        .take()
        .unwrap_or_else(|| "text/plain".to_owned());
    record_item(prov, payload, text, None, content_type, meta)
}

fn record_item(
    prov: Provenance,
    payload: Vec<u8>,
    text: String,
    lang: Option<String>,
    content_type: String,
    meta: TextMeta,
) -> Item {
    let id = meta.id.unwrap_or_else(|| {
        derive_record_id(
            &prov.sha256,
            prov.url.as_deref(),
            prov.captured_at.as_deref(),
        )
    });
    Item::Record(Record {
        id,
        provenance: prov,
        text,
        content_type: Some(content_type),
        region: meta.region,
        declared_lang: meta.declared_lang.or(lang),
        payload,
    })
}

/// A WARC record read and not decoded yet ([`crate::IngestOptions::defer_warc_records`]):
/// [`WarcEntry::decode`] makes its item on whichever thread calls it. Decoding (HTTP transfer and
/// content encodings, charset, HTML to text) is most of the cost of reading a WARC; done by the
/// reading thread, it made that thread the bottleneck of a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcEntry {
    source: Arc<str>,
    record: WarcRecord,
    max_record_bytes: u64,
    keep_payload: bool,
}

impl WarcEntry {
    pub(crate) fn new(
        source: Arc<str>,
        record: WarcRecord,
        max_record_bytes: u64,
        keep_payload: bool,
    ) -> Self {
        Self {
            source,
            record,
            max_record_bytes,
            keep_payload,
        }
    }

    /// The item the reader would have given without deferring, or `None` when the record has
    /// nothing to read (see [`crate::warc_record_item`]).
    pub fn decode(self) -> Option<Item> {
        let mut item = warc_item(&self.source, self.record, self.max_record_bytes)?;
        if !self.keep_payload
            && let Item::Record(r) = &mut item
        {
            r.payload = Vec::new();
        }
        Some(item)
    }

    /// Bytes of the record's block: what the entry holds in memory.
    pub fn block_len(&self) -> usize {
        self.record.block.len()
    }
}

/// Turns a WARC `response`, `resource` or `conversion` record into an item; `None` for records
/// with nothing to read (empty bodies, scripts, style sheets, fonts, other binary media).
pub(crate) fn warc_item(source: &str, rec: WarcRecord, max_bytes: u64) -> Option<Item> {
    let rtype = rec.record_type().unwrap_or_default();
    let cap = Capture {
        source: source.to_owned(),
        locator: rec.position.to_string(),
        url: rec.target_uri().map(str::to_owned),
        captured_at: rec.date().and_then(time::normalize_datetime),
        warc_record_id: rec.record_id().map(str::to_owned),
    };
    let warc_ct = rec.content_type().map(str::to_owned);
    let is_http = rtype == "response"
        && (warc_ct
            .as_deref()
            .is_some_and(|c| essence(c) == "application/http")
            || rec.block.starts_with(b"HTTP/"));
    if !is_http {
        let class = classify(warc_ct.as_deref(), &rec.block);
        if class == Class::Skip || rec.block.is_empty() {
            return None;
        }
        let meta = TextMeta {
            charset: warc_ct.as_deref().and_then(charset_label),
            content_type: warc_ct.as_deref().map(essence),
            ..TextMeta::default()
        };
        let payload = rec.block;
        let item = make_item(cap, Vec::new(), &payload, class, meta);
        return Some(with_payload(item, payload));
    }
    let Some(resp) = http::parse_response(&rec.block) else {
        return Some(cap.error("response record without an HTTP status line"));
    };
    if resp.body.is_empty() {
        return None;
    }
    let http_ct = resp.header("Content-Type").map(str::to_owned);
    let decoded = match resp.decoded_body(max_bytes) {
        Ok(d) => d,
        Err(e) => return Some(cap.error(format!("HTTP body: {e}"))),
    };
    let class = classify(http_ct.as_deref(), &decoded);
    if class == Class::Skip || decoded.is_empty() {
        return None;
    }
    let content_language = resp
        .header("Content-Language")
        .and_then(|l| l.split(',').next())
        .and_then(primary_language);
    let meta = TextMeta {
        charset: http_ct.as_deref().and_then(charset_label),
        content_type: http_ct.as_deref().map(essence),
        ..TextMeta::default()
    };
    let payload = resp.body.to_vec();
    let mut item = make_item(cap, payload, &decoded, class, meta);
    if let Item::Record(r) = &mut item
        && r.declared_lang.is_none()
    {
        r.declared_lang = content_language;
    }
    Some(item)
}

/// Puts the stored payload into an item built without it (avoids copying large blocks).
fn with_payload(item: Item, payload: Vec<u8>) -> Item {
    match item {
        Item::Record(mut r) => {
            r.provenance.sha256 = sha256_hex(&payload);
            r.id = derive_record_id(
                &r.provenance.sha256,
                r.provenance.url.as_deref(),
                r.provenance.captured_at.as_deref(),
            );
            r.payload = payload;
            Item::Record(r)
        }
        Item::Media(mut m) => {
            m.provenance.sha256 = sha256_hex(&payload);
            m.bytes = payload;
            Item::Media(m)
        }
        other => other,
    }
}

/// The charset parameter of a Content-Type, as a label (validated later).
fn charset_label(content_type: &str) -> Option<String> {
    charset::charset_from_content_type(content_type).map(|e| e.name().to_owned())
}

/// Reads a whole payload that is already in memory and classified by sniffing (files).
pub(crate) fn file_item(cap: Capture, bytes: Vec<u8>, kind: Kind) -> Item {
    let class = match kind {
        Kind::Html => Class::Html,
        Kind::Text | Kind::JsonLines | Kind::JsonDocument | Kind::Warc => Class::Text,
        Kind::Image(t) => Class::Image(t),
        Kind::Empty => return cap.error("empty file"),
        Kind::Binary(what) => return cap.error(format!("not a readable input: {what}")),
        Kind::Gzip => return cap.error("gzip data of an unsupported kind"),
    };
    let item = make_item(cap, Vec::new(), &bytes, class, TextMeta::default());
    with_payload(item, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(
            classify(Some("text/html; charset=utf-8"), b"<p>x"),
            Class::Html
        );
        assert_eq!(
            classify(Some("text/html"), b"\x89PNG\r\n\x1a\nxxxx"),
            Class::Image("image/png")
        );
        assert_eq!(
            classify(Some("image/jpeg"), b"<html>"),
            Class::Image("image/jpeg")
        );
        assert_eq!(
            classify(Some("application/javascript"), b"var x"),
            Class::Skip
        );
        assert_eq!(classify(Some("font/woff2"), b"wOF2"), Class::Skip);
        assert_eq!(classify(None, b"<!doctype html><p>x"), Class::Html);
        assert_eq!(
            classify(Some("application/octet-stream"), b"plain words"),
            Class::Text
        );
        assert_eq!(
            classify(Some("application/octet-stream"), b"\0\0\x01junk"),
            Class::Skip
        );
        assert_eq!(classify(Some("text/plain"), b"\0\0\x01junk"), Class::Skip);
    }

    #[test]
    fn tlds() {
        assert_eq!(url_tld("https://annonces.example.fr/a?b"), Some("fr"));
        assert_eq!(url_tld("http://user@host.example.de:8080/"), Some("de"));
        assert_eq!(url_tld("https://example.com/"), None);
        assert_eq!(url_tld("nonsense"), None);
    }
}
