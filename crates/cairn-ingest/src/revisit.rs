//! WARC `revisit` records read as versions of a page: a re-capture whose payload had not
//! changed is stored as a revisit record (profile identical-payload-digest) that holds only the
//! new HTTP header, so the page's text is that of the earlier record with the same payload
//! digest. Such a revisit becomes an item of its own, with its own time, record id and place in
//! the file, and the content of the earlier record (read again from its file).
//!
//! Earlier records are found by payload digest through a bounded index of where each
//! `response` record lies (hash of the digest → file and position, [`MAX_ENTRIES`] entries,
//! oldest forgotten first), so memory stays bounded however many records are read. A revisit
//! whose earlier record was not read (another file not given, or forgotten) is skipped with a
//! warning; a revisit without a payload digest (profile server-not-modified) is not read. A
//! record found at the remembered place that no longer has the digest is an error item.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{Seek, SeekFrom};

use crate::warc::{Position, WarcReader, WarcReaderOptions, WarcRecord};
use crate::{IngestError, Item, content};

/// Captures remembered (about 60 bytes each).
pub(crate) const MAX_ENTRIES: usize = 1_000_000;

/// Where earlier `response` records lie, by payload digest.
#[derive(Default)]
pub(crate) struct RevisitIndex {
    sources: Vec<String>,
    by_digest: HashMap<u64, (u32, Position)>,
    order: VecDeque<u64>,
}

fn key(digest: &str) -> u64 {
    let mut h = DefaultHasher::new();
    digest.trim().hash(&mut h);
    h.finish()
}

impl RevisitIndex {
    /// Remembers a `response` record of `source` (a file path) that has a payload digest.
    pub fn note(&mut self, source: &str, rec: &WarcRecord) {
        let Some(digest) = rec.header("WARC-Payload-Digest") else {
            return;
        };
        let file = match self.sources.last() {
            Some(last) if last == source => self.sources.len() - 1,
            _ => {
                self.sources.push(source.to_owned());
                self.sources.len() - 1
            }
        };
        let Ok(file) = u32::try_from(file) else {
            return;
        };
        let k = key(digest);
        // The latest capture with this payload is kept: the nearest in time and in the file.
        if self.by_digest.insert(k, (file, rec.position)).is_none() {
            self.order.push_back(k);
        }
        while self.order.len() > MAX_ENTRIES {
            if let Some(old) = self.order.pop_front() {
                self.by_digest.remove(&old);
            }
        }
    }

    /// The item for a revisit record read from `source`; `None` when the record is not one we
    /// read (no payload digest) or the earlier content has nothing to read.
    pub fn item(&self, source: &str, rev: WarcRecord, max_bytes: u64) -> Option<Item> {
        let digest = rev.header("WARC-Payload-Digest")?.trim().to_owned();
        let error = |message: String| {
            Some(Item::Error(IngestError {
                source: source.to_owned(),
                locator: rev.position.to_string(),
                message,
            }))
        };
        let refers = rev
            .header("WARC-Refers-To")
            .or_else(|| rev.header("WARC-Refers-To-Target-URI"))
            .unwrap_or("an earlier record")
            .trim()
            .to_owned();
        let Some(&(file, position)) = self.by_digest.get(&key(&digest)) else {
            // Not an input error: the first capture is in a file not given (one file of a
            // rotated crawl, a deduplicating crawler's older archive). Skipped, as before
            // revisits were read, with a warning that says where.
            tracing::warn!(
                source,
                locator = %rev.position,
                "revisit record skipped: no earlier response with its payload digest in the \
                 inputs read so far (give the WARC files of the first capture too)"
            );
            return None;
        };
        let Some(path) = self.sources.get(file as usize) else {
            return error(format!("revisit of {refers}: index out of date"));
        };
        let original = match read_at(path, position, max_bytes) {
            Ok(r) => r,
            Err(e) => return error(format!("revisit of {refers}: {path} ({position}): {e}")),
        };
        if original.header("WARC-Payload-Digest").map(str::trim) != Some(digest.as_str()) {
            return error(format!(
                "revisit of {refers}: the record at {path} ({position}) no longer has payload \
                 digest {digest}"
            ));
        }
        // The earlier record's type, block and media type; this capture's time, id and URI.
        let mut headers = vec![(
            "WARC-Type".to_owned(),
            original.record_type().unwrap_or_default(),
        )];
        for name in ["WARC-Record-ID", "WARC-Date", "WARC-Target-URI"] {
            if let Some(v) = rev.header(name).or_else(|| original.header(name)) {
                headers.push((name.to_owned(), v.to_owned()));
            }
        }
        if let Some(ct) = original.content_type() {
            headers.push(("Content-Type".to_owned(), ct.to_owned()));
        }
        let merged = WarcRecord {
            position: rev.position,
            version: rev.version,
            headers,
            block: original.block,
        };
        content::warc_item(source, merged, max_bytes)
    }
}

/// Reads the record that starts at `position` in the WARC file `path`.
fn read_at(path: &str, position: Position, max_bytes: u64) -> Result<WarcRecord, String> {
    let mut f = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let (start, inner) = match position {
        Position::Plain(o) => (o, None),
        Position::Gzip { member, inner } => (member, Some(inner)),
    };
    f.seek(SeekFrom::Start(start))
        .map_err(|e| format!("cannot seek: {e}"))?;
    let reader = WarcReader::new(
        f,
        WarcReaderOptions {
            max_block_bytes: max_bytes,
        },
    );
    for rec in reader {
        // Positions count from the seek: the record is the first one, or (several records in
        // one gzip member) the one at the same offset inside the first member.
        let rec = rec.map_err(|e| e.message)?;
        let here = match (rec.position, inner) {
            (Position::Plain(0), None) => true,
            (
                Position::Gzip {
                    member: 0,
                    inner: i,
                },
                Some(want),
            ) => i == want,
            _ => false,
        };
        if here {
            return Ok(rec);
        }
        if !matches!(rec.position, Position::Gzip { member: 0, .. }) {
            break;
        }
    }
    Err("no record there".to_owned())
}
