//! Readers that turn captured content into Cairn records: WARC 1.0/1.1 (plain, gzip per record
//! or whole-file gzip), HTML, plain text, JSON Lines, directories of those, and `-` (JSON Lines
//! on standard input). Text content becomes [`cairn_core::Record`]s, images become
//! [`cairn_core::MediaItem`]s, broken input becomes [`IngestError`]s; reading always goes on.
//! Everything streams: memory holds one record (bounded by [`IngestOptions::max_record_bytes`]).
//!
//! ```no_run
//! use cairn_ingest::{Ingest, IngestOptions, Item};
//! let inputs = vec![std::path::PathBuf::from("crawl.warc.gz")];
//! for item in Ingest::new(&inputs, IngestOptions::default()) {
//!     match item {
//!         Item::Record(r) => println!("{} {}", r.provenance.locator, r.text.len()),
//!         Item::Media(m) => println!("image {}", m.provenance.locator),
//!         Item::Error(e) => eprintln!("{e}"),
//!         // Only with `IngestOptions::defer_json_lines`.
//!         Item::Line(line) => drop(line.parse()),
//!         // Only with `IngestOptions::defer_warc_records`.
//!         Item::Warc(entry) => drop(entry.decode()),
//!     }
//! }
//! ```

#![cfg_attr(test, allow(clippy::unwrap_used))]

use std::fmt;

pub mod charset;
mod content;
pub mod html;
pub mod http;
mod ingest;
mod jsonl;
mod revisit;
pub mod sniff;
mod source;
pub mod time;
pub mod warc;

pub use content::WarcEntry;
pub use html::{HtmlText, html_to_text};
pub use ingest::Ingest;
pub use jsonl::JsonLine;

/// Turns one WARC record into an item, as [`Ingest`] does for `response`, `resource` and
/// `conversion` records (`source` names the file in provenance). `None` when there is nothing
/// to read (empty body, scripts, style sheets, fonts, other binary media).
pub fn warc_record_item(
    source: &str,
    record: warc::WarcRecord,
    max_record_bytes: u64,
) -> Option<Item> {
    content::warc_item(source, record, max_record_bytes)
}

/// Default per-record size limit: 20 MB.
pub const DEFAULT_MAX_RECORD_BYTES: u64 = 20 * 1024 * 1024;

/// Reading settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestOptions {
    /// Largest record (WARC block, decoded HTTP body, file, JSON Lines value) read; larger ones
    /// give an error item and reading goes on with the next.
    pub max_record_bytes: u64,
    /// Whether records keep their payload ([`cairn_core::Record::payload`]) for the evidence
    /// store. A scan that stores nothing reads without it: a JSON Lines text is then not copied
    /// a second time, and a page's raw bytes are freed as soon as it is read. The payload's
    /// SHA-256 is in the provenance either way.
    pub keep_payload: bool,
    /// Whether JSON Lines lines come unparsed, as [`Item::Line`], for the caller to parse where
    /// it analyses them: parsing builds the record, and a record built, analysed and freed on
    /// one thread stays in that core's cache, where one built by the reading thread is cold by
    /// the time another thread analyses it (and freeing it there goes through the allocator's
    /// slow cross-thread path). Off by default: every item comes parsed.
    pub defer_json_lines: bool,
    /// Whether WARC records come undecoded, as [`Item::Warc`], for the caller to decode on
    /// another thread (see [`WarcEntry`]). Revisit records are still read by the reader (they
    /// refer to the records before them). Off by default.
    pub defer_warc_records: bool,
    /// A file never read: the output of the command reading (`cairn scan --out out.jsonl .`
    /// would read what it is writing). Skipped where a directory holds it; named as an input,
    /// an error item.
    pub skip_file: Option<FileId>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            keep_payload: true,
            defer_json_lines: false,
            defer_warc_records: false,
            skip_file: None,
        }
    }
}

/// Which file a path or descriptor is (device and inode), whatever the name it is reached by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    /// The file `meta` describes, if a regular file (only Unix says which file it is).
    pub fn of(meta: &std::fs::Metadata) -> Option<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            meta.is_file().then(|| FileId {
                dev: meta.dev(),
                ino: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

/// One thing read from the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Text content with its provenance.
    Record(cairn_core::Record),
    /// An image (never read as text).
    Media(cairn_core::MediaItem),
    /// Input that could not be read; the other inputs and records are still read.
    Error(IngestError),
    /// A JSON Lines line to be parsed by the caller, with [`JsonLine::parse`], into one of the
    /// above. Only given with [`IngestOptions::defer_json_lines`].
    Line(JsonLine),
    /// A WARC record to be decoded by the caller, with [`WarcEntry::decode`], into one of the
    /// first three, or nothing. Only given with [`IngestOptions::defer_warc_records`].
    Warc(WarcEntry),
}

/// A rejected input or record: which file, where in it, and why. Messages never quote content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestError {
    /// The input path as given (or `-`).
    pub source: String,
    /// `offset:N`, `line:N` or `file`.
    pub locator: String,
    pub message: String,
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.source, self.locator, self.message)
    }
}

// Written by hand: thiserror would take the `source` field for the error's cause.
impl std::error::Error for IngestError {}

/// Reading progress, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Bytes read from input files (compressed bytes for gzip files).
    pub bytes_done: u64,
    /// Sum of the input file sizes (standard input counts 0).
    pub bytes_total: u64,
    pub files_done: u64,
    pub files_total: u64,
}
