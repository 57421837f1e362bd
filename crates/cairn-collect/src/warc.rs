//! WARC 1.1 writer: one gzip member per record, files rotated by size, a `warcinfo` record
//! first in every file, SHA-256 block and payload digests (base32, as WARC 1.1 §5.8 suggests and
//! warcio verifies), `WARC-Record-ID` as `<urn:uuid:…>`, `WARC-Date` with microseconds.
//!
//! A file being written is named `….warc.gz.open` and renamed when it is closed, so a file without
//! that suffix is complete. After a crash, [`WarcWriter::recover`] cuts an `.open` file back to
//! the last record the caller had committed (see the crawler's frontier) and closes it, so a
//! resumed crawl neither loses accepted records nor keeps half-written ones.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use crate::time::warc_date;

/// Suffix of a WARC file still being written.
pub const OPEN_SUFFIX: &str = ".open";

/// Writer settings.
#[derive(Debug, Clone)]
pub struct WarcWriterOptions {
    /// Output directory (created if missing).
    pub dir: PathBuf,
    /// File name prefix (`cairn` gives `cairn-20261201135904-00000.warc.gz`).
    pub prefix: String,
    /// A new file is started before a record once the current one has reached this size.
    pub max_file_bytes: u64,
    /// Fields of the `warcinfo` record written first in every file (`software`, `operator`,
    /// `legal-basis`, …), in order.
    pub warcinfo: Vec<(String, String)>,
}

impl Default for WarcWriterOptions {
    fn default() -> Self {
        WarcWriterOptions {
            dir: PathBuf::from("."),
            prefix: "cairn".to_owned(),
            max_file_bytes: 1024 * 1024 * 1024,
            warcinfo: vec![(
                "software".to_owned(),
                format!("cairn-collect/{}", env!("CARGO_PKG_VERSION")),
            )],
        }
    }
}

/// WARC record types written by Cairn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    Warcinfo,
    Request,
    Response,
    Metadata,
    Resource,
    Revisit,
}

impl RecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Warcinfo => "warcinfo",
            RecordType::Request => "request",
            RecordType::Response => "response",
            RecordType::Metadata => "metadata",
            RecordType::Resource => "resource",
            RecordType::Revisit => "revisit",
        }
    }
}

/// The WARC 1.1 revisit profile for an unchanged payload.
pub const PROFILE_IDENTICAL_PAYLOAD: &str =
    "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";

/// A record to write. The writer adds `WARC-Record-ID` (unless given), `Content-Length` and
/// `WARC-Block-Digest`; `WARC-Payload-Digest` is added when `payload_offset` says where the
/// payload starts in the block (after the HTTP header of a response or request).
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub record_type: RecordType,
    pub target_uri: Option<String>,
    pub date: SystemTime,
    /// Fixed id (so that request and response can name each other); fresh when `None`.
    pub record_id: Option<String>,
    pub content_type: Option<String>,
    pub block: Vec<u8>,
    /// Start of the payload in `block`; `None` when the record has no payload digest.
    pub payload_offset: Option<usize>,
    /// Payload digest given by the caller (revisit records, whose payload is not in the block).
    pub payload_digest: Option<String>,
    /// Further header fields (`WARC-Concurrent-To`, `WARC-Refers-To`, `WARC-Profile`, …).
    pub headers: Vec<(String, String)>,
}

impl NewRecord {
    pub fn new(record_type: RecordType, date: SystemTime, block: Vec<u8>) -> Self {
        NewRecord {
            record_type,
            target_uri: None,
            date,
            record_id: None,
            content_type: None,
            block,
            payload_offset: None,
            payload_digest: None,
            headers: Vec::new(),
        }
    }
}

/// Where a record landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenRecord {
    pub record_id: String,
    /// Final file name (without `.open`), relative to the output directory.
    pub file: String,
    /// Byte offset of the record's gzip member in the file.
    pub offset: u64,
    /// Compressed length of the member.
    pub length: u64,
    /// `sha256:…` digest of the payload, when the record has one.
    pub payload_digest: Option<String>,
}

/// Writer of rotated, gzip-per-record WARC files.
pub struct WarcWriter {
    opts: WarcWriterOptions,
    current: Option<OpenFile>,
    next_seq: u32,
    closed: Vec<PathBuf>,
}

struct OpenFile {
    name: String,
    out: BufWriter<File>,
    size: u64,
}

impl WarcWriter {
    /// Opens the writer; the first file is created with the first record. Sequence numbers go
    /// on after the files already in the directory, so a resumed crawl never overwrites one.
    pub fn new(opts: WarcWriterOptions) -> io::Result<Self> {
        fs::create_dir_all(&opts.dir)?;
        let mut next_seq = 0;
        for entry in fs::read_dir(&opts.dir)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if let Some(seq) = file_seq(&opts.prefix, &name) {
                next_seq = next_seq.max(seq + 1);
            }
        }
        Ok(WarcWriter {
            opts,
            current: None,
            next_seq,
            closed: Vec::new(),
        })
    }

    /// Cuts every `.open` file of `dir` back to the length given by `committed(file)` (the end of
    /// the last record the caller recorded as done; 0 or `None` removes the file) and closes it.
    /// Returns the files kept.
    pub fn recover(
        dir: &Path,
        committed: impl Fn(&str) -> Option<u64>,
    ) -> io::Result<Vec<PathBuf>> {
        let mut kept = Vec::new();
        if !dir.exists() {
            return Ok(kept);
        }
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            let Some(final_name) = name.strip_suffix(OPEN_SUFFIX) else {
                continue;
            };
            match committed(final_name) {
                Some(len) if len > 0 => {
                    let f = OpenOptions::new().write(true).open(&path)?;
                    f.set_len(len)?;
                    f.sync_all()?;
                    let target = dir.join(final_name);
                    fs::rename(&path, &target)?;
                    kept.push(target);
                }
                _ => fs::remove_file(&path)?,
            }
        }
        Ok(kept)
    }

    /// Writes one record (starting a new file first when the current one is full) and flushes
    /// it to the operating system.
    pub fn write(&mut self, rec: &NewRecord) -> io::Result<WrittenRecord> {
        let enc = encode_record(rec)?;
        self.write_encoded(&enc, rec.date)
    }

    /// Writes a record encoded beforehand by [`encode_record`] (so that compression and digests
    /// can run on other threads); `date` names a new file if one is started.
    pub fn write_encoded(
        &mut self,
        enc: &EncodedRecord,
        date: SystemTime,
    ) -> io::Result<WrittenRecord> {
        let full = self
            .current
            .as_ref()
            .is_some_and(|f| f.size >= self.opts.max_file_bytes);
        if full {
            self.close_current()?;
        }
        if self.current.is_none() {
            self.open_next(date)?;
        }
        let Some(file) = self.current.as_mut() else {
            return Err(io::Error::other("no open WARC file"));
        };
        let offset = file.size;
        file.out.write_all(&enc.member)?;
        file.out.flush()?;
        file.size += enc.member.len() as u64;
        Ok(WrittenRecord {
            record_id: enc.record_id.clone(),
            file: file.name.clone(),
            offset,
            length: enc.member.len() as u64,
            payload_digest: enc.payload_digest.clone(),
        })
    }

    /// Forces the current file's data to disk (before committing its offsets elsewhere).
    pub fn sync(&mut self) -> io::Result<()> {
        if let Some(f) = self.current.as_mut() {
            f.out.flush()?;
            f.out.get_ref().sync_data()?;
        }
        Ok(())
    }

    /// Closes the current file (renaming it to its final name) and returns every file closed by
    /// this writer.
    pub fn finish(mut self) -> io::Result<Vec<PathBuf>> {
        self.close_current()?;
        Ok(std::mem::take(&mut self.closed))
    }

    fn open_next(&mut self, date: SystemTime) -> io::Result<()> {
        let stamp: String = warc_date(date)
            .chars()
            .filter(char::is_ascii_digit)
            .take(14)
            .collect();
        let name = format!(
            "{}-{}-{:05}.warc.gz",
            self.opts.prefix, stamp, self.next_seq
        );
        self.next_seq += 1;
        let path = self.opts.dir.join(format!("{name}{OPEN_SUFFIX}"));
        let f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        self.current = Some(OpenFile {
            name: name.clone(),
            out: BufWriter::new(f),
            size: 0,
        });
        let mut info = String::new();
        for (k, v) in &self.opts.warcinfo {
            info.push_str(&format!("{k}: {}\r\n", one_line(v)));
        }
        let mut rec = NewRecord::new(RecordType::Warcinfo, date, info.into_bytes());
        rec.content_type = Some("application/warc-fields".to_owned());
        rec.headers.push(("WARC-Filename".to_owned(), name));
        self.write(&rec)?;
        Ok(())
    }

    fn close_current(&mut self) -> io::Result<()> {
        if let Some(mut f) = self.current.take() {
            f.out.flush()?;
            f.out.get_ref().sync_all()?;
            let open = self.opts.dir.join(format!("{}{OPEN_SUFFIX}", f.name));
            let done = self.opts.dir.join(&f.name);
            fs::rename(open, &done)?;
            self.closed.push(done);
        }
        Ok(())
    }
}

impl Drop for WarcWriter {
    fn drop(&mut self) {
        // Best effort: a writer dropped without `finish` still leaves a complete file.
        let _ = self.close_current();
    }
}

/// `prefix-STAMP-SEQ.warc.gz[.open]` → SEQ.
fn file_seq(prefix: &str, name: &str) -> Option<u32> {
    let rest = name.strip_prefix(prefix)?.strip_prefix('-')?;
    let rest = rest.strip_suffix(OPEN_SUFFIX).unwrap_or(rest);
    let rest = rest.strip_suffix(".warc.gz")?;
    let (_, seq) = rest.rsplit_once('-')?;
    seq.parse().ok()
}

/// Header values must stay on one line.
fn one_line(v: &str) -> String {
    v.replace(['\r', '\n'], " ")
}

/// A record compressed and digested, ready for [`WarcWriter::write_encoded`].
#[derive(Debug, Clone)]
pub struct EncodedRecord {
    pub record_id: String,
    pub payload_digest: Option<String>,
    /// The record as one complete gzip member.
    pub member: Vec<u8>,
}

/// One record as a complete gzip member, with its digests in the header.
pub fn encode_record(rec: &NewRecord) -> io::Result<EncodedRecord> {
    let record_id = rec.record_id.clone().unwrap_or_else(new_record_id);
    let mut head = String::with_capacity(512);
    head.push_str("WARC/1.1\r\n");
    head.push_str(&format!("WARC-Type: {}\r\n", rec.record_type.as_str()));
    head.push_str(&format!("WARC-Record-ID: {record_id}\r\n"));
    head.push_str(&format!("WARC-Date: {}\r\n", warc_date(rec.date)));
    if let Some(uri) = &rec.target_uri {
        head.push_str(&format!("WARC-Target-URI: {}\r\n", one_line(uri)));
    }
    for (k, v) in &rec.headers {
        head.push_str(&format!("{k}: {}\r\n", one_line(v)));
    }
    if let Some(ct) = &rec.content_type {
        head.push_str(&format!("Content-Type: {}\r\n", one_line(ct)));
    }
    head.push_str(&format!(
        "WARC-Block-Digest: {}\r\n",
        sha256_digest(&rec.block)
    ));
    let payload_digest = match (&rec.payload_digest, rec.payload_offset) {
        (Some(d), _) => Some(d.clone()),
        (None, Some(off)) => Some(sha256_digest(rec.block.get(off..).unwrap_or_default())),
        (None, None) => None,
    };
    if let Some(d) = &payload_digest {
        head.push_str(&format!("WARC-Payload-Digest: {d}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", rec.block.len()));

    let mut gz = GzEncoder::new(
        Vec::with_capacity(rec.block.len() / 3 + 256),
        Compression::new(6),
    );
    gz.write_all(head.as_bytes())?;
    gz.write_all(&rec.block)?;
    gz.write_all(b"\r\n\r\n")?;
    let member = gz.finish()?;
    Ok(EncodedRecord {
        record_id,
        payload_digest,
        member,
    })
}

/// `sha256:` followed by the RFC 4648 base32 digest (the WARC convention).
pub fn sha256_digest(data: &[u8]) -> String {
    format!("sha256:{}", base32(&Sha256::digest(data)))
}

/// RFC 4648 base32, upper case, padded with `=` (warcio compares against padded values).
pub fn base32(data: &[u8]) -> String {
    base32::encode(base32::Alphabet::Rfc4648 { padding: true }, data)
}

/// A fresh `<urn:uuid:…>` (random, version 4).
pub fn new_record_id() -> String {
    let mut b = [0u8; 16];
    // The operating system's generator does not fail on supported platforms; should it, the
    // time-based fallback still gives distinct ids within this process.
    if getrandom::fill(&mut b).is_err() {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let count = u128::from(FALLBACK.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        b = (nanos ^ (count << 64)).to_le_bytes();
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

static FALLBACK: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc4648_vectors() {
        // RFC 4648 §10 test vectors.
        let cases = [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ];
        for (input, want) in cases {
            assert_eq!(base32(input.as_bytes()), want, "{input}");
        }
    }

    #[test]
    fn record_ids_are_uuid_v4_urns() {
        let a = new_record_id();
        let b = new_record_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), "<urn:uuid:>".len() + 36);
        assert_eq!(&a[24..25], "4");
    }

    fn record(n: usize) -> NewRecord {
        let mut r = NewRecord::new(
            RecordType::Resource,
            SystemTime::now(),
            format!("fictional block {n}").into_bytes(),
        );
        r.target_uri = Some(format!("http://site.test/{n}"));
        r
    }

    fn count_records(path: &Path) -> usize {
        let f = File::open(path).unwrap();
        cairn_ingest::warc::WarcReader::new(f, Default::default())
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
            .len()
    }

    #[test]
    fn killed_writer_is_cut_back_to_the_committed_length() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WarcWriter::new(WarcWriterOptions {
            dir: dir.path().to_owned(),
            ..WarcWriterOptions::default()
        })
        .unwrap();
        let a = w.write(&record(1)).unwrap();
        let committed = a.offset + a.length;
        w.write(&record(2)).unwrap();
        w.sync().unwrap();
        // As if the process were killed: no close, no rename.
        std::mem::forget(w);
        let open = dir.path().join(format!("{}{OPEN_SUFFIX}", a.file));
        assert!(open.exists());
        let kept =
            WarcWriter::recover(dir.path(), |name| (name == a.file).then_some(committed)).unwrap();
        assert_eq!(kept, vec![dir.path().join(&a.file)]);
        assert!(!open.exists());
        // warcinfo + record 1.
        assert_eq!(count_records(&kept[0]), 2);
        // A new writer goes on with the next sequence number.
        let mut w = WarcWriter::new(WarcWriterOptions {
            dir: dir.path().to_owned(),
            ..WarcWriterOptions::default()
        })
        .unwrap();
        let b = w.write(&record(3)).unwrap();
        assert_ne!(b.file, a.file);
        assert_eq!(file_seq("cairn", &b.file), Some(1));
        w.finish().unwrap();
    }

    #[test]
    fn rotation_starts_each_file_with_warcinfo() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WarcWriter::new(WarcWriterOptions {
            dir: dir.path().to_owned(),
            max_file_bytes: 1,
            ..WarcWriterOptions::default()
        })
        .unwrap();
        for n in 0..3 {
            w.write(&record(n)).unwrap();
        }
        let files = w.finish().unwrap();
        assert_eq!(files.len(), 3);
        for f in files {
            let first =
                cairn_ingest::warc::WarcReader::new(File::open(&f).unwrap(), Default::default())
                    .next()
                    .unwrap()
                    .unwrap();
            assert_eq!(first.record_type().as_deref(), Some("warcinfo"));
            assert_eq!(count_records(&f), 2);
        }
    }

    #[test]
    fn file_seq_reads_names_with_and_without_open_suffix() {
        assert_eq!(
            file_seq("cairn", "cairn-20261201135904-00007.warc.gz"),
            Some(7)
        );
        assert_eq!(
            file_seq("cairn", "cairn-20261201135904-00012.warc.gz.open"),
            Some(12)
        );
        assert_eq!(
            file_seq("cairn", "other-20261201135904-00012.warc.gz"),
            None
        );
    }
}
