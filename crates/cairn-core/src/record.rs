//! Records and their provenance.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Where a record's bytes came from. Enough to find the exact captured bytes again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Provenance {
    /// The input path as given on the command line (or `-` for standard input).
    pub source: String,
    /// Position inside the source: `offset:N` (byte offset of the WARC record, or of its gzip
    /// member), `line:N` (1-based line in JSON Lines) or `file` for a whole file.
    pub locator: String,
    pub url: Option<String>,
    /// Capture time, RFC 3339 in UTC (WARC-Date, or `captured_at` in JSON Lines).
    pub captured_at: Option<String>,
    pub warc_record_id: Option<String>,
    /// Lowercase hex SHA-256 of the payload bytes as stored in the source (for WARC: the HTTP
    /// entity body before any transfer or content decoding).
    pub sha256: String,
}

/// One piece of collected text content (a page, an ad, a post) ready for analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Record {
    /// The input's own id when it has one (JSON Lines `id`), else [`derive_record_id`].
    pub id: String,
    pub provenance: Provenance,
    /// Extracted visible text: the coordinate space of every finding's byte span.
    pub text: String,
    /// Media type of the payload (`text/html`, `text/plain`, ...), when known.
    pub content_type: Option<String>,
    /// Default region for national phone formats (ISO 3166-1 alpha-2, uppercase), when the input
    /// gave one.
    pub region: Option<String>,
    /// Language declared by the input (JSON Lines `lang`, HTML `lang`), ISO 639-1.
    pub declared_lang: Option<String>,
    /// Raw payload bytes as captured: they go to the evidence store and must hash to
    /// `provenance.sha256`.
    #[serde(skip)]
    pub payload: Vec<u8>,
}

/// An image (or other binary media) met while reading inputs, for hashing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaItem {
    pub provenance: Provenance,
    pub content_type: Option<String>,
    /// Decoded bytes (content encoding removed): the file as a browser would save it.
    pub bytes: Vec<u8>,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A stable id for a record whose input gave none: the same capture (payload, URL, time) always
/// gets the same id, wherever the file holding it lies, so scanning twice adds nothing.
pub fn derive_record_id(
    payload_sha256: &str,
    url: Option<&str>,
    captured_at: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    h.update(payload_sha256.as_bytes());
    h.update([0u8]);
    h.update(url.unwrap_or("").as_bytes());
    h.update([0u8]);
    h.update(captured_at.unwrap_or("").as_bytes());
    let digest = h.finalize();
    format!("r-{}", hex::encode(&digest[..10]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_depend_on_every_part() {
        let a = derive_record_id("ab", Some("http://x"), Some("2024-01-01T00:00:00Z"));
        assert_eq!(
            a,
            derive_record_id("ab", Some("http://x"), Some("2024-01-01T00:00:00Z"))
        );
        assert_ne!(
            a,
            derive_record_id("ac", Some("http://x"), Some("2024-01-01T00:00:00Z"))
        );
        assert_ne!(
            a,
            derive_record_id("ab", Some("http://y"), Some("2024-01-01T00:00:00Z"))
        );
        assert_ne!(a, derive_record_id("ab", Some("http://x"), None));
        assert!(a.starts_with("r-") && a.len() == 22);
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
