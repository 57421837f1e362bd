//! Streaming WARC 1.0/1.1 reader: plain, gzip with one member per record, or whole-file gzip
//! (detected from the magic bytes). Records come out one by one; memory holds one record block
//! (bounded by [`WarcReaderOptions::max_block_bytes`]) plus one read buffer.
//!
//! Broken input never stops the reader early when it can go on: a bad header, a truncated block
//! or a Content-Length that does not match the record gives a [`WarcError`] for that record, then
//! the reader resynchronises on the next line starting with `WARC/1.` (re-scanning the failed
//! record's block, so a record swallowed by a too-long Content-Length is still found). A read
//! error (such as a truncated gzip member) ends the stream after one last error.

use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use memchr::memmem;

pub use crate::source::Position;
use crate::source::Source;

/// Header block limit: a WARC header longer than this is treated as broken.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
const RECORD_MAGIC: &[u8] = b"WARC/1.";

/// Reader settings.
#[derive(Debug, Clone, Copy)]
pub struct WarcReaderOptions {
    /// Records whose block is larger than this are skipped with an error (when wanted) or
    /// silently (when filtered out).
    pub max_block_bytes: u64,
}

impl Default for WarcReaderOptions {
    fn default() -> Self {
        WarcReaderOptions {
            max_block_bytes: 20 * 1024 * 1024,
        }
    }
}

/// One WARC record: its position, named header fields and its block (for `response` records,
/// the HTTP status line, headers and entity body as captured).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcRecord {
    /// Where the record starts (see [`Position`] for the locator form).
    pub position: Position,
    /// `WARC/1.0` or `WARC/1.1` (as found).
    pub version: String,
    /// Header fields in file order, names as written.
    pub headers: Vec<(String, String)>,
    pub block: Vec<u8>,
}

impl WarcRecord {
    /// First value of a header field (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `WARC-Type`, lowercase (`response`, `resource`, ...).
    pub fn record_type(&self) -> Option<String> {
        self.header("WARC-Type")
            .map(|t| t.trim().to_ascii_lowercase())
    }

    /// `WARC-Target-URI`, without the angle brackets some WARC 1.0 writers put around it.
    pub fn target_uri(&self) -> Option<&str> {
        self.header("WARC-Target-URI")
            .map(|u| {
                u.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .trim()
            })
            .filter(|u| !u.is_empty())
    }

    /// `WARC-Date` as written.
    pub fn date(&self) -> Option<&str> {
        self.header("WARC-Date").map(str::trim)
    }

    /// `WARC-Record-ID` as written (usually `<urn:uuid:...>`).
    pub fn record_id(&self) -> Option<&str> {
        self.header("WARC-Record-ID").map(str::trim)
    }

    /// The record's `Content-Type` (of the block).
    pub fn content_type(&self) -> Option<&str> {
        self.header("Content-Type").map(str::trim)
    }
}

/// A broken record or stream, with where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcError {
    /// Start of the broken record, or of the broken gzip member (`None` if unknown).
    pub position: Option<Position>,
    pub message: String,
}

impl WarcError {
    /// The provenance locator (`offset:N`, see [`Position`]), or `file` when unknown.
    pub fn locator(&self) -> String {
        self.position
            .map_or_else(|| "file".to_owned(), |p| p.to_string())
    }
}

impl fmt::Display for WarcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.locator(), self.message)
    }
}

impl std::error::Error for WarcError {}

type TypeFilter = Box<dyn FnMut(&str) -> bool + Send>;

/// Iterator over the records of a WARC stream.
pub struct WarcReader<R: Read> {
    src: Source<R>,
    opts: WarcReaderOptions,
    filter: Option<TypeFilter>,
    resync: bool,
    done: bool,
}

enum Outcome {
    Record(WarcRecord),
    Skipped,
    /// A broken record; `resync` says whether the stream position is unknown.
    Broken {
        message: String,
        resync: bool,
    },
}

impl<R: Read> WarcReader<R> {
    pub fn new(reader: R, opts: WarcReaderOptions) -> Self {
        Self::with_progress(reader, opts, None)
    }

    /// Like [`WarcReader::new`], adding every byte read from `reader` to `progress`.
    pub fn with_progress(
        reader: R,
        opts: WarcReaderOptions,
        progress: Option<Arc<AtomicU64>>,
    ) -> Self {
        WarcReader {
            src: Source::new(reader, progress),
            opts,
            filter: None,
            resync: false,
            done: false,
        }
    }

    /// Only records whose lowercase `WARC-Type` passes `keep` are returned; the blocks of the
    /// others are skipped without being kept in memory (and without a size-limit error).
    pub fn with_type_filter(mut self, keep: impl FnMut(&str) -> bool + Send + 'static) -> Self {
        self.filter = Some(Box::new(keep));
        self
    }

    /// True when the stream is gzip-compressed.
    pub fn is_gzip(&self) -> bool {
        self.src.is_gzip()
    }

    fn stream_error(&mut self) -> Option<WarcError> {
        self.src
            .take_error()
            .map(|(message, position)| WarcError { position, message })
    }

    /// Skips CR, LF, spaces and tabs between records.
    fn skip_blank(&mut self) {
        loop {
            if self.src.ensure(1) == 0 {
                return;
            }
            let avail = self.src.available();
            let n = avail
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
                .count();
            let all = n == avail.len();
            self.src.consume(n);
            if !all {
                return;
            }
        }
    }

    /// Moves to the next line that starts with `WARC/1.`; false at the end of the stream.
    fn resync_scan(&mut self) -> bool {
        let finder = memmem::Finder::new(RECORD_MAGIC);
        let keep = RECORD_MAGIC.len() - 1;
        loop {
            if self.src.ensure(RECORD_MAGIC.len()) < RECORD_MAGIC.len() {
                let n = self.src.available().len();
                self.src.consume(n);
                return false;
            }
            let avail = self.src.available();
            let mut found = None;
            for i in finder.find_iter(avail) {
                let line_start = if i == 0 {
                    matches!(self.src.prev_byte(), None | Some(b'\n'))
                } else {
                    avail[i - 1] == b'\n'
                };
                if line_start || self.src.position_ahead(i).is_member_start() {
                    found = Some(i);
                    break;
                }
            }
            if let Some(i) = found {
                self.src.consume(i);
                return true;
            }
            let n = avail.len() - keep;
            self.src.consume(n);
            if self.src.fill_more() == 0 && self.src.available().len() < RECORD_MAGIC.len() {
                let n = self.src.available().len();
                self.src.consume(n);
                return false;
            }
        }
    }

    /// Reads the header block (up to and including the blank line). `Err` on a broken header.
    fn read_header(&mut self) -> Result<Vec<u8>, String> {
        let mut scanned = 0usize;
        loop {
            let avail = self.src.available();
            if let Some(end) = header_end(avail, scanned) {
                let head = avail[..end].to_vec();
                self.src.consume(end);
                return Ok(head);
            }
            if avail.len() > MAX_HEADER_BYTES {
                // Consume the first line so that resynchronisation makes progress.
                let line = memchr::memchr(b'\n', avail).map_or(avail.len(), |i| i + 1);
                self.src.consume(line);
                return Err(format!("WARC header longer than {MAX_HEADER_BYTES} bytes"));
            }
            scanned = avail.len().saturating_sub(3);
            if self.src.fill_more() == 0 {
                let n = self.src.available().len();
                self.src.consume(n);
                return Err("truncated WARC header (end of data before the blank line)".into());
            }
        }
    }

    fn read_record(&mut self, position: Position) -> Outcome {
        // The version line first: garbage must not be parsed as a header block.
        self.src.ensure(RECORD_MAGIC.len());
        if !self.src.available().starts_with(b"WARC/") {
            let avail = self.src.available();
            let line = memchr::memchr(b'\n', avail).map_or(avail.len(), |i| i + 1);
            self.src.consume(line.max(1));
            return Outcome::Broken {
                message: "not a WARC record: expected a 'WARC/1.x' version line".into(),
                resync: true,
            };
        }
        let head = match self.read_header() {
            Ok(h) => h,
            Err(message) => {
                return Outcome::Broken {
                    message,
                    resync: true,
                };
            }
        };
        let (version, headers) = parse_header(&head);
        let length = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
            .and_then(|(_, v)| v.trim().parse::<u64>().ok());
        let Some(length) = length else {
            return Outcome::Broken {
                message: "missing or invalid Content-Length in WARC header".into(),
                resync: true,
            };
        };
        let rtype = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("WARC-Type"))
            .map(|(_, v)| v.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let wanted = self.filter.as_mut().is_none_or(|f| f(&rtype));

        if length > self.opts.max_block_bytes {
            // Too large to keep: stream past it, no rewind possible.
            let skipped = self.skip_bytes(length);
            if skipped < length {
                return Outcome::Broken {
                    message: truncated_message(length, skipped, self.src.has_error()),
                    resync: false,
                };
            }
            let trailer_ok = self.check_trailer();
            if wanted {
                return Outcome::Broken {
                    message: format!(
                        "record block of {length} bytes exceeds the limit of {} bytes",
                        self.opts.max_block_bytes
                    ),
                    resync: !trailer_ok,
                };
            }
            if !trailer_ok {
                return Outcome::Broken {
                    message: mismatch_message(length),
                    resync: true,
                };
            }
            return Outcome::Skipped;
        }

        // The limit check above makes this conversion lossless.
        let len = usize::try_from(length).unwrap_or(usize::MAX);
        self.src.set_mark();
        let got = self.src.ensure(len);
        if got < len {
            let message = truncated_message(length, got as u64, self.src.has_error());
            // Re-scan the partial block: a too-long Content-Length may hide later records.
            self.src.reset();
            return Outcome::Broken {
                message,
                resync: true,
            };
        }
        let block = if wanted {
            self.src.available()[..len].to_vec()
        } else {
            Vec::new()
        };
        self.src.consume(len);
        if !self.check_trailer() {
            self.src.reset();
            return Outcome::Broken {
                message: mismatch_message(length),
                resync: true,
            };
        }
        self.src.clear_mark();
        if !wanted {
            return Outcome::Skipped;
        }
        Outcome::Record(WarcRecord {
            position,
            version,
            headers,
            block,
        })
    }

    /// Consumes up to `n` bytes without keeping them; returns how many were there.
    fn skip_bytes(&mut self, n: u64) -> u64 {
        let mut left = n;
        while left > 0 {
            if self.src.available().is_empty() && self.src.fill_more() == 0 {
                break;
            }
            let take = (self.src.available().len() as u64).min(left);
            // `take` is at most the buffer length, so it fits in usize.
            self.src
                .consume(usize::try_from(take).unwrap_or(usize::MAX));
            left -= take;
        }
        n - left
    }

    /// After a block: CRLF CRLF (tolerating bare LFs), then the end of the stream or the next
    /// record. Anything else means the Content-Length was wrong.
    fn check_trailer(&mut self) -> bool {
        self.src.ensure(4);
        let avail = self.src.available();
        let n = avail
            .iter()
            .take(4)
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        if !avail[..n].contains(&b'\n') && !avail.is_empty() {
            return false;
        }
        self.src.consume(n);
        // Peek past any extra blank lines without consuming them.
        const PEEK: usize = 64;
        let have = self.src.ensure(PEEK + RECORD_MAGIC.len());
        let avail = self.src.available();
        let blanks = avail
            .iter()
            .take(PEEK)
            .take_while(|b| matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
            .count();
        let rest = &avail[blanks..];
        if rest.is_empty() && blanks == have {
            return true; // end of stream
        }
        rest.starts_with(b"WARC/") || (rest.len() < 5 && b"WARC/".starts_with(rest))
    }
}

impl<R: Read> Iterator for WarcReader<R> {
    type Item = Result<WarcRecord, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            if self.resync {
                self.resync = false;
                if !self.resync_scan() {
                    self.done = true;
                    return self.stream_error().map(Err);
                }
            }
            self.skip_blank();
            let Some(position) = self.src.position() else {
                self.done = true;
                return self.stream_error().map(Err);
            };
            match self.read_record(position) {
                Outcome::Record(r) => return Some(Ok(r)),
                Outcome::Skipped => continue,
                Outcome::Broken {
                    mut message,
                    resync,
                } => {
                    self.resync = resync;
                    if let Some((stream_msg, _)) = self.src.take_error() {
                        // The stream itself broke under this record: say both, then stop
                        // after what is still buffered.
                        message = format!("{message}; {stream_msg}");
                    }
                    return Some(Err(WarcError {
                        position: Some(position),
                        message,
                    }));
                }
            }
        }
    }
}

fn truncated_message(declared: u64, got: u64, stream_broken: bool) -> String {
    let why = if stream_broken { "" } else { " (end of file)" };
    format!("truncated record: Content-Length {declared} but only {got} bytes follow{why}")
}

fn mismatch_message(declared: u64) -> String {
    format!(
        "Content-Length {declared} does not match the record (no record end after the block); \
         resynchronising on the next 'WARC/1.' line"
    )
}

/// Index just past the blank line ending a header block in `buf`, searching from `from`.
fn header_end(buf: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(j) = memchr::memchr(b'\n', &buf[i..]) {
        let nl = i + j;
        // Blank line: "\n\n" or "\n\r\n".
        if buf.get(nl + 1) == Some(&b'\n') {
            return Some(nl + 2);
        }
        if buf.get(nl + 1) == Some(&b'\r') && buf.get(nl + 2) == Some(&b'\n') {
            return Some(nl + 3);
        }
        i = nl + 1;
    }
    None
}

/// Parses the version line and `Name: value` fields. Lines without a colon are ignored;
/// continuation lines (starting with space or tab) extend the previous value.
fn parse_header(head: &[u8]) -> (String, Vec<(String, String)>) {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let version = lines.next().unwrap_or_default().trim().to_owned();
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
            if !name.is_empty() {
                headers.push((name.to_owned(), value.trim().to_owned()));
            }
        }
    }
    (version, headers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn rec(rtype: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut v = format!(
            "WARC/1.1\r\nWARC-Type: {rtype}\r\nWARC-Target-URI: {uri}\r\n\
             WARC-Date: 2024-05-01T10:00:00Z\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        v.extend_from_slice(block);
        v.extend_from_slice(b"\r\n\r\n");
        v
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_all(data: &[u8], max: u64) -> Vec<Result<WarcRecord, WarcError>> {
        WarcReader::new(
            data,
            WarcReaderOptions {
                max_block_bytes: max,
            },
        )
        .collect()
    }

    fn uris(items: &[Result<WarcRecord, WarcError>]) -> Vec<String> {
        items
            .iter()
            .map(|r| match r {
                Ok(r) => r.target_uri().unwrap_or("").to_owned(),
                Err(e) => format!("ERR {}", e.locator()),
            })
            .collect()
    }

    fn three() -> Vec<Vec<u8>> {
        vec![
            rec("warcinfo", "", b"software: test\r\n"),
            rec(
                "response",
                "http://a.example/",
                b"HTTP/1.1 200 OK\r\n\r\nhello",
            ),
            rec("resource", "<http://b.example/>", b"plain body"),
        ]
    }

    #[test]
    fn plain_records_and_offsets() {
        let parts = three();
        let data = parts.concat();
        let items = read_all(&data, 1 << 20);
        assert_eq!(uris(&items), ["", "http://a.example/", "http://b.example/"]);
        let second = items[1].as_ref().unwrap();
        assert_eq!(second.position, Position::Plain(parts[0].len() as u64));
        assert_eq!(second.block, b"HTTP/1.1 200 OK\r\n\r\nhello");
        assert_eq!(second.version, "WARC/1.1");
        assert_eq!(second.record_type().as_deref(), Some("response"));
    }

    #[test]
    fn gzip_per_record_uses_member_offsets() {
        let members: Vec<Vec<u8>> = three().iter().map(|r| gz(r)).collect();
        let data = members.concat();
        let items = read_all(&data, 1 << 20);
        assert_eq!(uris(&items).len(), 3);
        let off1 = members[0].len() as u64;
        let off2 = off1 + members[1].len() as u64;
        assert_eq!(
            items[1].as_ref().unwrap().position.to_string(),
            format!("offset:{off1}")
        );
        assert_eq!(
            items[2].as_ref().unwrap().position.to_string(),
            format!("offset:{off2}")
        );
    }

    #[test]
    fn whole_file_gzip_uses_member_plus_inner_offset() {
        let parts = three();
        let data = gz(&parts.concat());
        let items = read_all(&data, 1 << 20);
        assert_eq!(uris(&items), ["", "http://a.example/", "http://b.example/"]);
        let p = items[1].as_ref().unwrap().position;
        assert_eq!(p.to_string(), format!("offset:0+{}", parts[0].len()));
    }

    #[test]
    fn truncated_last_member_keeps_earlier_records() {
        let members: Vec<Vec<u8>> = three().iter().map(|r| gz(r)).collect();
        let mut data = members.concat();
        data.truncate(data.len() - members[2].len() / 2);
        let items = read_all(&data, 1 << 20);
        assert!(items[0].is_ok() && items[1].is_ok(), "{items:?}");
        assert_eq!(items.len(), 3, "{items:?}");
        let err = items.last().unwrap().as_ref().unwrap_err();
        let off2 = (members[0].len() + members[1].len()) as u64;
        assert_eq!(err.locator(), format!("offset:{off2}"));
        assert!(err.message.contains("gzip"), "{}", err.message);
        assert_eq!(items.len(), 3);
    }

    #[test]
    fn too_long_content_length_resyncs_inside_the_block() {
        let mut parts = three();
        let bad = String::from_utf8(parts[1].clone())
            .unwrap()
            .replace("Content-Length: 24", "Content-Length: 60");
        parts[1] = bad.into_bytes();
        let items = read_all(&parts.concat(), 1 << 20);
        assert_eq!(uris(&items)[2..], ["http://b.example/"]);
        assert!(items[1].is_err());
        assert_eq!(items.len(), 3);
    }

    #[test]
    fn too_short_content_length_is_an_error_then_next_record() {
        let mut parts = three();
        let bad = String::from_utf8(parts[1].clone())
            .unwrap()
            .replace("Content-Length: 24", "Content-Length: 20");
        parts[1] = bad.into_bytes();
        let items = read_all(&parts.concat(), 1 << 20);
        assert!(items[1].is_err());
        assert_eq!(uris(&items)[2], "http://b.example/");
        assert_eq!(items.len(), 3);
    }

    #[test]
    fn broken_header_and_junk_are_skipped() {
        let parts = three();
        let mut data = b"\x00\x01garbage line\r\nmore junk\r\n".to_vec();
        data.extend_from_slice(&parts[1]);
        data.extend_from_slice(
            b"WARC/1.0\r\nWARC-Type: response\r\nno length here\r\n\r\nxx\r\n\r\n",
        );
        data.extend_from_slice(&parts[2]);
        let items = read_all(&data, 1 << 20);
        let u = uris(&items);
        assert_eq!(u[0], "ERR offset:0");
        assert_eq!(u[1], "http://a.example/");
        assert!(u[2].starts_with("ERR"));
        assert_eq!(u[3], "http://b.example/");
        assert_eq!(u.len(), 4);
    }

    #[test]
    fn size_limit_errors_only_for_wanted_records() {
        let parts = [
            rec("request", "http://a.example/", &[b'x'; 100]),
            rec("response", "http://b.example/", &[b'y'; 100]),
            rec("resource", "http://c.example/", b"small"),
        ];
        let data = parts.concat();
        let r = WarcReader::new(
            &data[..],
            WarcReaderOptions {
                max_block_bytes: 50,
            },
        )
        .with_type_filter(|t| t != "request");
        let items: Vec<_> = r.collect();
        assert_eq!(
            uris(&items),
            [
                "ERR offset:".to_owned() + &parts[0].len().to_string(),
                "http://c.example/".into()
            ]
        );
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .message
                .contains("exceeds the limit")
        );
    }

    #[test]
    fn empty_and_non_warc_inputs() {
        assert!(read_all(b"", 100).is_empty());
        let items = read_all(b"hello world, not a warc", 100);
        assert_eq!(items.len(), 1);
        assert!(items[0].is_err());
        let items = read_all(&gz(b""), 100);
        assert!(items.is_empty());
    }

    #[test]
    fn trailing_garbage_after_gzip_member() {
        let mut data = gz(&three()[1]);
        let n = data.len();
        data.extend_from_slice(b"junk");
        let items = read_all(&data, 1 << 20);
        assert!(items[0].is_ok());
        assert_eq!(
            items[1].as_ref().unwrap_err().locator(),
            format!("offset:{n}")
        );
    }

    /// Hands out at most `.1` bytes per read, so buffers end anywhere (inside gzip magics too).
    pub(super) struct Trickle<'a>(pub &'a [u8], pub usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn tiny_reads_give_the_same_records() {
        let members: Vec<Vec<u8>> = three().iter().map(|r| gz(r)).collect();
        for data in [members.concat(), three().concat(), gz(&three().concat())] {
            let expected = read_all(&data, 1 << 20);
            for step in 1..=9 {
                let got: Vec<_> = WarcReader::new(
                    Trickle(&data, step),
                    WarcReaderOptions {
                        max_block_bytes: 1 << 20,
                    },
                )
                .collect();
                assert_eq!(got, expected, "reads of {step} bytes");
                assert!(got.iter().all(Result::is_ok));
            }
        }
    }

    #[test]
    fn records_larger_than_the_read_buffer() {
        let big = vec![b'z'; 300_000];
        let parts = [
            rec("resource", "http://big.example/", &big),
            three()[2].clone(),
        ];
        for data in [
            parts.concat(),
            gz(&parts[0]).into_iter().chain(gz(&parts[1])).collect(),
        ] {
            let items = read_all(&data, 1 << 20);
            assert_eq!(items.len(), 2);
            assert_eq!(items[0].as_ref().unwrap().block.len(), 300_000);
        }
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    fn sample() -> Vec<u8> {
        let mut v = Vec::new();
        for (t, body) in [
            ("response", &b"HTTP/1.1 200 OK\r\n\r\nhello"[..]),
            ("resource", b"x"),
        ] {
            v.extend_from_slice(
                format!(
                    "WARC/1.1\r\nWARC-Type: {t}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            );
            v.extend_from_slice(body);
            v.extend_from_slice(b"\r\n\r\n");
        }
        v
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn drain(data: &[u8]) -> usize {
        let opts = WarcReaderOptions {
            max_block_bytes: 1000,
        };
        WarcReader::new(data, opts).take(10_000).count()
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..3000)) {
            drain(&data);
            let mut with_magic = b"WARC/1.0\r\n".to_vec();
            with_magic.extend_from_slice(&data);
            drain(&with_magic);
        }

        #[test]
        fn mutated_archives_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
            cut in any::<prop::sample::Index>(),
            compress in any::<bool>(),
        ) {
            let mut data = sample();
            if compress {
                data = gz(&data[..40]).into_iter().chain(gz(&data[40..])).collect();
            }
            for (i, b) in edits {
                let at = i.index(data.len());
                data[at] = b;
            }
            let cut = cut.index(data.len() + 1);
            drain(&data[..cut]);
            drain(&data);
        }

        #[test]
        fn intact_records_survive_junk_before_them(junk in "[a-zA-Z0-9 \r\n]{0,200}") {
            let mut data = junk.clone().into_bytes();
            data.extend_from_slice(b"\n");
            data.extend_from_slice(&sample());
            let ok = WarcReader::new(&data[..], WarcReaderOptions::default())
                .filter(Result::is_ok)
                .count();
            prop_assert_eq!(ok, 2);
        }
    }

    proptest! {
        // Large inputs: few cases.
        #![proptest_config(ProptestConfig::with_cases(16))]

        #[test]
        fn big_records_keep_their_offsets_across_read_patterns(
            sizes in proptest::collection::vec(0usize..100_000, 1..4),
            compress in any::<bool>(),
            step in prop::sample::select(vec![4093usize, 65_537, 1 << 20]),
        ) {
            let mut data = Vec::new();
            let mut starts = Vec::new();
            for (k, n) in sizes.iter().enumerate() {
                let body: Vec<u8> = (0..*n).map(|i| (i * 31 + k) as u8).collect();
                let mut rec = format!("WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: {n}\r\n\r\n")
                    .into_bytes();
                rec.extend_from_slice(&body);
                rec.extend_from_slice(b"\r\n\r\n");
                starts.push(data.len() as u64);
                data.extend_from_slice(&if compress { gz(&rec) } else { rec });
            }
            let opts = WarcReaderOptions { max_block_bytes: 1 << 20 };
            let got: Vec<_> = WarcReader::new(super::tests::Trickle(&data, step), opts).collect();
            prop_assert_eq!(got.len(), sizes.len());
            for ((r, n), start) in got.iter().zip(&sizes).zip(&starts) {
                let r = r.as_ref().unwrap();
                prop_assert_eq!(r.block.len(), *n);
                let expected = if compress {
                    Position::Gzip { member: *start, inner: 0 }
                } else {
                    Position::Plain(*start)
                };
                prop_assert_eq!(r.position, expected);
            }
        }
    }
}
