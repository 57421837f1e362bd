//! Readers for known-hash lists. Each reader streams entries into a [`ListSink`] (the index
//! builder), so a list of millions of entries never exists twice in memory. A bad entry is
//! reported as a [`ListIssue`] naming the file and line or entry, and reading goes on.

mod csv;
mod ncmec;
mod text;
mod vics;

use crate::error::MediaError;
use crate::pdq::PdqHash;
use std::fmt;
use std::path::Path;

/// The list formats Cairn reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListFormat {
    /// Project VIC VICS JSON (OData `value[]` of Media), versions 1.3 and 2.0.
    Vics,
    /// NCMEC hash-sharing XML (`queryResult` with images, videos and deletions).
    Ncmec,
    /// CSV with a header; columns by name.
    Csv,
    /// One hash a line; the length tells the kind.
    Text,
}

impl ListFormat {
    pub fn name(self) -> &'static str {
        match self {
            ListFormat::Vics => "vics",
            ListFormat::Ncmec => "ncmec",
            ListFormat::Csv => "csv",
            ListFormat::Text => "text",
        }
    }
}

impl std::str::FromStr for ListFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "vics" | "json" => Ok(ListFormat::Vics),
            "ncmec" | "xml" => Ok(ListFormat::Ncmec),
            "csv" => Ok(ListFormat::Csv),
            "text" | "txt" => Ok(ListFormat::Text),
            other => Err(format!(
                "unknown list format {other:?} (vics, ncmec, csv, text)"
            )),
        }
    }
}

/// One entry of a list: an id, a category, free labels and the hashes it carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListEntry {
    pub id: String,
    pub category: Option<String>,
    pub labels: Vec<(String, String)>,
    pub pdq: Option<PdqHash>,
    pub md5: Option<[u8; 16]>,
    pub sha1: Option<[u8; 20]>,
    pub sha256: Option<[u8; 32]>,
    /// A PhotoDNA hash was present (read and counted; Cairn cannot compute PhotoDNA).
    pub photodna: bool,
}

impl ListEntry {
    pub fn has_hash(&self) -> bool {
        self.pdq.is_some()
            || self.md5.is_some()
            || self.sha1.is_some()
            || self.sha256.is_some()
            || self.photodna
    }
}

/// A problem with one entry or line; the entry is skipped, the rest of the list is read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListIssue {
    pub file: String,
    /// "line 12", "entry 5 (MediaID 77)", …
    pub location: String,
    pub message: String,
}

impl fmt::Display for ListIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.location, self.message)
    }
}

/// Where readers put what they read.
pub trait ListSink {
    /// A new entry, with where it was found (for duplicate-id reports).
    fn entry(&mut self, entry: ListEntry, location: &str);
    /// The list withdraws the entry with this id (NCMEC deletions).
    fn delete(&mut self, id: &str, location: &str);
    fn issue(&mut self, issue: ListIssue);
}

/// A sink that keeps everything in memory (tests, small lists).
#[derive(Debug, Default)]
pub struct CollectSink {
    pub entries: Vec<ListEntry>,
    pub deletions: Vec<String>,
    pub issues: Vec<ListIssue>,
}

impl ListSink for CollectSink {
    fn entry(&mut self, entry: ListEntry, _location: &str) {
        self.entries.push(entry);
    }
    fn delete(&mut self, id: &str, _location: &str) {
        self.deletions.push(id.to_string());
    }
    fn issue(&mut self, issue: ListIssue) {
        self.issues.push(issue);
    }
}

/// Guesses the format from the extension, then from the first bytes.
pub fn detect_format(path: &Path, head: &[u8]) -> ListFormat {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("json") => return ListFormat::Vics,
        Some("xml") => return ListFormat::Ncmec,
        Some("csv") => return ListFormat::Csv,
        _ => {}
    }
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') {
        ListFormat::Vics
    } else if t.starts_with('<') {
        ListFormat::Ncmec
    } else {
        let first = t.lines().next().unwrap_or("").to_ascii_lowercase();
        let known = ["id", "pdq", "md5", "sha1", "sha256"];
        if first.contains(',') && first.split(',').any(|c| known.contains(&c.trim())) {
            ListFormat::Csv
        } else {
            ListFormat::Text
        }
    }
}

/// Reads a list file into `sink`. Only an unreadable file (or, for JSON and XML, a document
/// that cannot be parsed at all) is an error; bad entries are issues.
pub fn read_list(
    path: &Path,
    format: Option<ListFormat>,
    sink: &mut dyn ListSink,
) -> Result<ListFormat, MediaError> {
    use std::io::Read;
    let open = || std::fs::File::open(path).map_err(|e| MediaError::io(path, e));
    let format = match format {
        Some(f) => f,
        None => {
            let mut head = Vec::with_capacity(4096);
            open()?
                .take(4096)
                .read_to_end(&mut head)
                .map_err(|e| MediaError::io(path, e))?;
            detect_format(path, &head)
        }
    };
    let name = path.display().to_string();
    match format {
        // Line formats are streamed: a list of ten million lines is never held whole.
        ListFormat::Csv => csv::read(
            &name,
            std::io::BufReader::with_capacity(1 << 20, open()?),
            sink,
        )?,
        ListFormat::Text => text::read(
            &name,
            std::io::BufReader::with_capacity(1 << 20, open()?),
            sink,
        )?,
        ListFormat::Vics | ListFormat::Ncmec => {
            let bytes = std::fs::read(path).map_err(|e| MediaError::io(path, e))?;
            read_list_bytes(&name, &bytes, format, sink)?;
        }
    }
    Ok(format)
}

/// Reads a list held in memory; `name` names it in issues.
pub fn read_list_bytes(
    name: &str,
    bytes: &[u8],
    format: ListFormat,
    sink: &mut dyn ListSink,
) -> Result<(), MediaError> {
    match format {
        ListFormat::Csv => csv::read(name, bytes, sink),
        ListFormat::Text => text::read(name, bytes, sink),
        ListFormat::Vics => vics::read(name, bytes, sink),
        ListFormat::Ncmec => ncmec::read(name, bytes, sink),
    }
}

/// Parses one hash as written in a text list or a `--queries` file: 32 hex digits MD5, 40 SHA-1,
/// 64 PDQ and SHA-256 (both set, the length cannot tell), or prefixed by its kind (`pdq:…`).
pub fn parse_hash_token(token: &str) -> Result<ListEntry, String> {
    text::parse_line(token.trim())
}

/// Parses `N` bytes of hex (surrounding spaces ignored, either case).
pub fn parse_hex<const N: usize>(s: &str) -> Result<[u8; N], String> {
    let s = s.trim();
    if s.len() != 2 * N {
        return Err(format!(
            "expected {} hex digits, found {} characters",
            2 * N,
            s.chars().count()
        ));
    }
    let mut out = [0u8; N];
    // A table lookup per digit: lists of millions of hashes spend a noticeable part of their
    // load time here.
    for (o, pair) in out.iter_mut().zip(s.as_bytes().chunks_exact(2)) {
        let (hi, lo) = (
            HEX_VALUE[usize::from(pair[0])],
            HEX_VALUE[usize::from(pair[1])],
        );
        if (hi | lo) & 0xF0 != 0 {
            return Err("not a hex string".to_string());
        }
        *o = (hi << 4) | lo;
    }
    Ok(out)
}

/// Value of each byte as a hex digit (either case), 0xFF if it is not one.
static HEX_VALUE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// The kind a hash column or field name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Pdq,
    Md5,
    Sha1,
    Sha256,
    PhotoDna,
}

impl Field {
    pub(crate) fn from_name(name: &str) -> Option<Field> {
        let n: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match n.as_str() {
            "pdq" => Some(Field::Pdq),
            "md5" => Some(Field::Md5),
            "sha1" => Some(Field::Sha1),
            "sha256" => Some(Field::Sha256),
            "photodna" | "pdna" => Some(Field::PhotoDna),
            _ => None,
        }
    }

    /// Stores `value` in `entry`; an empty value means absent.
    pub(crate) fn set(self, entry: &mut ListEntry, value: &str) -> Result<(), String> {
        let v = value.trim();
        if v.is_empty() {
            return Ok(());
        }
        let name = self.name();
        let wrap = |e: String| format!("{name}: {e}");
        match self {
            Field::Pdq => entry.pdq = Some(PdqHash(parse_hex::<32>(v).map_err(wrap)?)),
            Field::Md5 => entry.md5 = Some(parse_hex::<16>(v).map_err(wrap)?),
            Field::Sha1 => entry.sha1 = Some(parse_hex::<20>(v).map_err(wrap)?),
            Field::Sha256 => entry.sha256 = Some(parse_hex::<32>(v).map_err(wrap)?),
            Field::PhotoDna => entry.photodna = true,
        }
        Ok(())
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Pdq => "pdq",
            Field::Md5 => "md5",
            Field::Sha1 => "sha1",
            Field::Sha256 => "sha256",
            Field::PhotoDna => "photodna",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn parse_hex_agrees_with_the_hex_crate(s in "[0-9a-fA-FgxG \u{e9}]{0,10}") {
            let mut want = [0u8; 4];
            let want = if s.trim().len() == 8 {
                hex::decode_to_slice(s.trim(), &mut want).ok().map(|()| want)
            } else {
                None
            };
            proptest::prop_assert_eq!(parse_hex::<4>(&s).ok(), want);
        }
    }

    #[test]
    fn detects_formats() {
        let p = Path::new("list");
        assert_eq!(detect_format(p, b"{\"value\":[]}"), ListFormat::Vics);
        assert_eq!(
            detect_format(p, b"<?xml version='1.0'?><queryResult/>"),
            ListFormat::Ncmec
        );
        assert_eq!(detect_format(p, b"id,pdq\n1,00"), ListFormat::Csv);
        assert_eq!(detect_format(p, b"00aa\n"), ListFormat::Text);
        assert_eq!(
            detect_format(Path::new("x.CSV"), b"whatever"),
            ListFormat::Csv
        );
    }

    #[test]
    fn hex_lengths_checked() {
        assert!(parse_hex::<16>("00112233445566778899aabbccddeeff").is_ok());
        assert!(parse_hex::<16>("00112233445566778899AABBCCDDEEFF").is_ok());
        assert!(parse_hex::<16>("0011").is_err());
        assert!(parse_hex::<16>("zz112233445566778899aabbccddeeff").is_err());
        // Multi-byte characters must not panic.
        assert!(parse_hex::<2>("éé").is_err());
    }
}
