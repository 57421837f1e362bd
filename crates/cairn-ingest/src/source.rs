//! A buffered byte source over a plain or gzip-compressed stream that knows, for every byte it
//! hands out, where that byte came from in the file ([`Position`]), and that can rewind to a mark
//! (so that a record whose Content-Length lies can be re-scanned for the next record start).
//!
//! Gzip is detected from the magic bytes. Each gzip member is decoded on its own, so that the
//! compressed offset of every member is known: per-record gzip files (one member per record, the
//! usual `.warc.gz`) get the standard "offset of the member" locator, and whole-file gzip still
//! streams in constant memory.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::bufread::GzDecoder;

/// Size of one read from the underlying stream (compressed or plain).
const READ_CHUNK: usize = 64 * 1024;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Where a byte lies in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// Byte offset in an uncompressed file.
    Plain(u64),
    /// Inside a gzip file: the compressed offset of the gzip member, and the offset within that
    /// member's decompressed bytes.
    Gzip { member: u64, inner: u64 },
}

impl Position {
    fn advanced(self, n: u64) -> Position {
        match self {
            Position::Plain(o) => Position::Plain(o + n),
            Position::Gzip { member, inner } => Position::Gzip {
                member,
                inner: inner + n,
            },
        }
    }

    /// True at the first byte of a gzip member (a natural record boundary).
    pub fn is_member_start(self) -> bool {
        matches!(self, Position::Gzip { inner: 0, .. })
    }
}

/// The locator form used in provenance: `offset:N` for plain files and for a record that starts
/// a gzip member (N = compressed offset of the member, as in CDX indexes), `offset:M+U` for a
/// record that starts U decompressed bytes into the member at compressed offset M (whole-file
/// gzip, or several records in one member).
impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Plain(o) => write!(f, "offset:{o}"),
            Position::Gzip { member, inner: 0 } => write!(f, "offset:{member}"),
            Position::Gzip { member, inner } => write!(f, "offset:{member}+{inner}"),
        }
    }
}

/// A reader that counts the bytes it reads, into a shared counter too (for progress reports).
pub struct CountingReader<R> {
    inner: R,
    count: u64,
    shared: Option<Arc<AtomicU64>>,
}

impl<R: Read> CountingReader<R> {
    pub fn new(inner: R, shared: Option<Arc<AtomicU64>>) -> Self {
        CountingReader {
            inner,
            count: 0,
            shared,
        }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if let Some(s) = &self.shared {
            s.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// The first bytes, read ahead to detect gzip, are served again before the rest.
type Prefixed<R> = io::Chain<io::Cursor<Vec<u8>>, R>;
type Buffered<R> = BufReader<CountingReader<Prefixed<R>>>;

// One per open file: variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Inner<R: Read> {
    Plain {
        br: Buffered<R>,
        offset: u64,
    },
    /// Inside a gzip member, which starts at compressed offset `member`.
    Member {
        dec: GzDecoder<Buffered<R>>,
        member: u64,
        inner: u64,
    },
    /// Between members (the decoder was taken back apart).
    Between(Buffered<R>),
    Done,
}

/// A segment start: buffer index `idx` holds the byte at `pos`; following bytes follow on.
#[derive(Debug, Clone, Copy)]
struct Seg {
    idx: usize,
    pos: Position,
}

/// A positioned, rewindable, decompressing byte source.
pub struct Source<R: Read> {
    inner: Inner<R>,
    gzip: bool,
    buf: Vec<u8>,
    /// What each read writes into before it is appended to `buf`: zeroed once. (Growing `buf`
    /// by a zeroed chunk before each read zeroed 64 KiB for every read, and a WARC of one gzip
    /// member per record reads a few times per record: a tenth of the reader's time.)
    scratch: Vec<u8>,
    /// Next unconsumed byte in `buf`.
    start: usize,
    segs: Vec<Seg>,
    mark: Option<usize>,
    /// Last consumed byte (for line-start checks after compaction).
    prev: Option<u8>,
    /// A read error (for example a truncated gzip member) and where it happened, reported once
    /// by the caller.
    error: Option<(String, Option<Position>)>,
}

impl<R: Read> Source<R> {
    /// Wraps `reader`; gzip is detected from the first two bytes.
    pub fn new(mut reader: R, progress: Option<Arc<AtomicU64>>) -> Self {
        // Two bytes decide gzip; a reader may hand them out one at a time.
        let mut head = vec![0u8; GZIP_MAGIC.len()];
        let mut got = 0;
        let mut error = None;
        while got < head.len() {
            match read_retry(&mut reader, &mut head[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) => {
                    error = Some((format!("read error: {e}"), None));
                    break;
                }
            }
        }
        head.truncate(got);
        let gzip = head == GZIP_MAGIC;
        let prefixed = io::Cursor::new(head).chain(reader);
        let br = BufReader::with_capacity(READ_CHUNK, CountingReader::new(prefixed, progress));
        let inner = if error.is_some() {
            Inner::Done
        } else if gzip {
            Inner::Between(br)
        } else {
            Inner::Plain { br, offset: 0 }
        };
        Source {
            inner,
            gzip,
            buf: Vec::new(),
            scratch: Vec::new(),
            start: 0,
            segs: Vec::new(),
            mark: None,
            prev: None,
            error,
        }
    }

    /// True when the stream is gzip-compressed.
    pub fn is_gzip(&self) -> bool {
        self.gzip
    }

    /// Takes the pending read error, if any (reported once).
    pub fn take_error(&mut self) -> Option<(String, Option<Position>)> {
        self.error.take()
    }

    /// True if a read error occurred and has not been taken yet.
    pub fn has_error(&self) -> bool {
        self.error.is_some()
    }

    /// Unconsumed buffered bytes.
    pub fn available(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Reads more data into the buffer. Returns the number of new bytes (0 at end of stream or
    /// after an error, which is kept for [`Source::take_error`]).
    pub fn fill_more(&mut self) -> usize {
        self.compact();
        let old_len = self.buf.len();
        loop {
            let (n, pos) = match self.read_inner() {
                Ok(Some(x)) => x,
                // A member boundary was crossed; read again from the next member.
                Ok(None) => continue,
                Err(e) => {
                    self.error = Some(e);
                    self.inner = Inner::Done;
                    return 0;
                }
            };
            if n > 0 {
                self.buf.extend_from_slice(&self.scratch[..n]);
                let continuous = self
                    .segs
                    .last()
                    .is_some_and(|s| s.pos.advanced((old_len - s.idx) as u64) == pos);
                if !continuous {
                    self.segs.push(Seg { idx: old_len, pos });
                }
            }
            return n;
        }
    }

    /// Reads into `scratch`, returning how many bytes and where they start. `Ok(None)` means
    /// "a member ended, try again".
    fn read_inner(&mut self) -> Result<Option<(usize, Position)>, StreamError> {
        if self.scratch.len() != READ_CHUNK {
            self.scratch = vec![0; READ_CHUNK];
        }
        let out = &mut self.scratch[..];
        match std::mem::replace(&mut self.inner, Inner::Done) {
            Inner::Done => Ok(Some((0, Position::Plain(0)))),
            Inner::Plain { mut br, offset } => {
                let n = read_retry(&mut br, out)
                    .map_err(|e| (format!("read error: {e}"), Some(Position::Plain(offset))))?;
                self.inner = Inner::Plain {
                    br,
                    offset: offset + n as u64,
                };
                Ok(Some((n, Position::Plain(offset))))
            }
            Inner::Member {
                mut dec,
                member,
                inner,
            } => match read_retry(&mut dec, out) {
                Ok(0) => {
                    self.inner = Inner::Between(dec.into_inner());
                    Ok(None)
                }
                Ok(n) => {
                    self.inner = Inner::Member {
                        dec,
                        member,
                        inner: inner + n as u64,
                    };
                    Ok(Some((n, Position::Gzip { member, inner })))
                }
                Err(e) => Err((
                    format!("gzip member at offset {member}: {}", gzip_error_text(&e)),
                    Some(Position::Gzip { member, inner: 0 }),
                )),
            },
            Inner::Between(mut br) => {
                let head = br
                    .fill_buf()
                    .map_err(|e| (format!("read error: {e}"), None))?;
                if head.is_empty() {
                    return Ok(Some((0, Position::Plain(0))));
                }
                // Only the first byte is checked here: the buffer may hold just one byte of
                // the next member; the decoder itself checks the rest of the header.
                let (head_len, gzip_start) = (head.len(), head[0] == GZIP_MAGIC[0]);
                let member = br.get_ref().count - head_len as u64;
                if !gzip_start {
                    return Err((
                        format!("data at offset {member} after a gzip member is not gzip"),
                        Some(Position::Gzip { member, inner: 0 }),
                    ));
                }
                self.inner = Inner::Member {
                    dec: GzDecoder::new(br),
                    member,
                    inner: 0,
                };
                Ok(None)
            }
        }
    }

    /// Drops consumed bytes that no mark needs.
    fn compact(&mut self) {
        let keep_from = self.mark.map_or(self.start, |m| m.min(self.start));
        if keep_from == 0 || keep_from < self.buf.len() / 2 && keep_from < READ_CHUNK {
            return;
        }
        self.buf.drain(..keep_from);
        self.start -= keep_from;
        if let Some(m) = &mut self.mark {
            *m -= keep_from;
        }
        // Keep the segment covering the new index 0 (rebased), and all later ones.
        let first_kept = self
            .segs
            .iter()
            .rposition(|s| s.idx <= keep_from)
            .unwrap_or(0);
        self.segs.drain(..first_kept);
        if let Some(s) = self.segs.first_mut() {
            if s.idx <= keep_from {
                s.pos = s.pos.advanced((keep_from - s.idx) as u64);
                s.idx = 0;
            } else {
                s.idx -= keep_from;
            }
        }
        for s in self.segs.iter_mut().skip(1) {
            s.idx -= keep_from;
        }
    }

    /// Ensures at least `n` unconsumed bytes are buffered, if the stream has them. Returns the
    /// number available (less than `n` only at the end of the stream).
    pub fn ensure(&mut self, n: usize) -> usize {
        while self.buf.len() - self.start < n {
            if self.fill_more() == 0 {
                break;
            }
        }
        self.buf.len() - self.start
    }

    /// Marks bytes as consumed (`n` must not exceed [`Source::available`]).
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.buf.len() - self.start);
        if n > 0 {
            self.prev = Some(self.buf[self.start + n - 1]);
            self.start += n;
        }
    }

    /// The byte before the next one, if any (used to check line starts).
    pub fn prev_byte(&self) -> Option<u8> {
        self.prev
    }

    /// Position of the next byte (filling the buffer first); `None` at the end of the stream.
    pub fn position(&mut self) -> Option<Position> {
        if self.ensure(1) == 0 {
            return None;
        }
        Some(self.pos_of(self.start))
    }

    fn pos_of(&self, idx: usize) -> Position {
        match self.segs.iter().rev().find(|s| s.idx <= idx) {
            Some(s) => s.pos.advanced((idx - s.idx) as u64),
            None => Position::Plain(idx as u64),
        }
    }

    /// Position of the byte `ahead` bytes past the next one (must be buffered).
    pub fn position_ahead(&self, ahead: usize) -> Position {
        self.pos_of(self.start + ahead)
    }

    /// Sets the mark at the next byte; [`Source::reset`] returns to it.
    pub fn set_mark(&mut self) {
        self.mark = Some(self.start);
    }

    /// Forgets the mark, letting buffered bytes before the read position go.
    pub fn clear_mark(&mut self) {
        self.mark = None;
    }

    /// Rewinds to the mark (and clears it). Returns false if no mark was set.
    pub fn reset(&mut self) -> bool {
        match self.mark.take() {
            Some(m) => {
                self.start = m;
                self.prev = if m > 0 { Some(self.buf[m - 1]) } else { None };
                true
            }
            None => false,
        }
    }
}

type StreamError = (String, Option<Position>);

fn read_retry<T: Read>(r: &mut T, out: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(out) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn gzip_error_text(e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        "truncated (unexpected end of file)".to_owned()
    } else {
        format!("corrupt data ({e})")
    }
}
