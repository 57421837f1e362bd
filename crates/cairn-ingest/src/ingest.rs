//! The input walker: paths (files, directories, `-`) to a stream of [`Item`]s, one file at a
//! time, one record at a time.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

use crate::content::{self, Capture, WarcEntry};
use crate::jsonl::JsonlReader;
use crate::revisit::RevisitIndex;
use crate::sniff::{self, Kind};
use crate::source::CountingReader;
use crate::warc::{WarcReader, WarcReaderOptions};
use crate::{FileId, IngestError, IngestOptions, Item, Progress};

/// One input file (or standard input) to read.
enum Input {
    Stdin,
    File { path: PathBuf, size: u64 },
    Error(IngestError),
}

type DynRead = Box<dyn Read + Send>;

enum Current {
    Warc {
        source: Arc<str>,
        reader: Box<WarcReader<DynRead>>,
    },
    Jsonl(JsonlReader<Box<dyn BufRead + Send>>),
}

/// Reads every input, in order, as a stream of items. Directories are walked recursively in
/// sorted (byte-wise) order; symbolic links to directories are not followed (no loops).
pub struct Ingest {
    opts: IngestOptions,
    inputs: VecDeque<Input>,
    current: Option<Current>,
    /// Bytes read from the current file (shared with its counting reader).
    current_bytes: Arc<AtomicU64>,
    current_size: u64,
    done_bytes: u64,
    total_bytes: u64,
    files_done: u64,
    files_total: u64,
    /// Where earlier captures lie, so that revisit records can be read as versions.
    revisits: RevisitIndex,
}

impl Ingest {
    /// Plans the reading of `inputs` (`-` is JSON Lines on standard input). Paths that cannot
    /// be read become error items in their place; nothing is read until iteration.
    pub fn new(inputs: &[PathBuf], opts: IngestOptions) -> Self {
        let mut planned = VecDeque::new();
        for p in inputs {
            if p.as_os_str() == "-" {
                planned.push_back(Input::Stdin);
            } else {
                expand(p, opts.skip_file, true, &mut planned);
            }
        }
        let mut total_bytes = 0;
        let mut files_total = 0;
        for i in &planned {
            match i {
                Input::File { size, .. } => {
                    total_bytes += size;
                    files_total += 1;
                }
                Input::Stdin => files_total += 1,
                Input::Error(_) => {}
            }
        }
        Ingest {
            opts,
            inputs: planned,
            current: None,
            current_bytes: Arc::new(AtomicU64::new(0)),
            current_size: 0,
            done_bytes: 0,
            total_bytes,
            files_done: 0,
            files_total,
            revisits: RevisitIndex::default(),
        }
    }

    /// How far reading has gone (bytes are compressed bytes for gzip files).
    pub fn progress(&self) -> Progress {
        let current = self
            .current_bytes
            .load(Ordering::Relaxed)
            .min(self.current_size);
        Progress {
            bytes_done: self.done_bytes + if self.current.is_some() { current } else { 0 },
            bytes_total: self.total_bytes,
            files_done: self.files_done,
            files_total: self.files_total,
        }
    }

    fn finish_file(&mut self) {
        self.current = None;
        self.done_bytes += self.current_size;
        self.current_size = 0;
        self.files_done += 1;
    }

    /// Opens the next input: returns an item for single-item inputs, or sets `current`.
    fn open(&mut self, input: Input) -> Option<Item> {
        self.current_bytes.store(0, Ordering::Relaxed);
        match input {
            Input::Error(e) => Some(Item::Error(e)),
            Input::Stdin => {
                self.current_size = 0;
                let reader: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(
                    64 * 1024,
                    CountingReader::new(io::stdin(), Some(Arc::clone(&self.current_bytes))),
                ));
                self.current = Some(Current::Jsonl(JsonlReader::new(reader, "-", self.opts)));
                None
            }
            Input::File { path, size } => {
                self.current_size = size;
                let source = path.to_string_lossy().into_owned();
                match self.open_file(&path, &source, size) {
                    Ok(None) => None,
                    Ok(Some(item)) => {
                        self.finish_file();
                        Some(item)
                    }
                    Err(e) => {
                        self.finish_file();
                        Some(Item::Error(IngestError {
                            source,
                            locator: "file".into(),
                            message: format!("cannot read: {e}"),
                        }))
                    }
                }
            }
        }
    }

    fn counted(&self, file: File) -> CountingReader<File> {
        CountingReader::new(file, Some(Arc::clone(&self.current_bytes)))
    }

    fn open_file(&mut self, path: &Path, source: &str, size: u64) -> io::Result<Option<Item>> {
        let head = read_head(File::open(path)?)?;
        let mut kind = sniff::sniff(&head);
        let mut gzip = false;
        if kind == Kind::Gzip {
            gzip = true;
            kind = match read_head_lenient(MultiGzDecoder::new(File::open(path)?)) {
                Ok(inner) => sniff::sniff(&inner),
                Err(e) => return Ok(Some(file_error(source, format!("corrupt gzip file: {e}")))),
            };
            if kind == Kind::Empty {
                return Ok(Some(file_error(
                    source,
                    "empty file (gzip with no content)",
                )));
            }
        }
        // A file named as a WARC archive that holds something else is a broken capture (a
        // partial download, an error page saved under the archive's name): read as a document,
        // it would pass for a page of the crawl.
        if sniff::named_as_warc(path)
            && let Some(holds) = document_kind(kind)
        {
            return Ok(Some(file_error(
                source,
                format!(
                    "named as a WARC archive but it is not one: it holds {holds}{} (no WARC/1.0 \
                     or WARC/1.1 header); rename it to read it as such",
                    if gzip { ", gzip-compressed" } else { "" }
                ),
            )));
        }
        let cap = Capture {
            source: source.to_owned(),
            locator: "file".into(),
            url: None,
            captured_at: None,
            warc_record_id: None,
        };
        match kind {
            Kind::Warc => {
                // The WARC reader finds gzip members itself (for member offsets).
                let reader: DynRead = Box::new(File::open(path)?);
                let opts = WarcReaderOptions {
                    max_block_bytes: self.opts.max_record_bytes,
                };
                let reader =
                    WarcReader::with_progress(reader, opts, Some(Arc::clone(&self.current_bytes)))
                        .with_type_filter(|t| {
                            matches!(t, "response" | "resource" | "conversion" | "revisit")
                        });
                self.current = Some(Current::Warc {
                    source: Arc::from(source),
                    reader: Box::new(reader),
                });
                Ok(None)
            }
            Kind::JsonLines => {
                let file = self.counted(File::open(path)?);
                let reader: Box<dyn BufRead + Send> = if gzip {
                    Box::new(BufReader::with_capacity(
                        64 * 1024,
                        MultiGzDecoder::new(file),
                    ))
                } else {
                    Box::new(BufReader::with_capacity(64 * 1024, file))
                };
                self.current = Some(Current::Jsonl(JsonlReader::new(reader, source, self.opts)));
                Ok(None)
            }
            Kind::JsonDocument => Ok(Some(file_error(
                source,
                "a JSON document, not JSON Lines (one whole JSON object per line, such as \
                 {\"id\": …, \"text\": …}); not read",
            ))),
            Kind::Empty => Ok(Some(file_error(source, "empty file"))),
            Kind::Binary(what) => Ok(Some(file_error(
                source,
                format!("not a readable input: {what}"),
            ))),
            Kind::Gzip => Ok(Some(file_error(source, "gzip inside gzip is not read"))),
            Kind::Html | Kind::Text | Kind::Image(_) => {
                let limit = self.opts.max_record_bytes;
                if !gzip && size > limit {
                    return Ok(Some(too_large(source, size, limit)));
                }
                let file = self.counted(File::open(path)?);
                let mut bytes = Vec::new();
                let mut reader: DynRead = if gzip {
                    Box::new(MultiGzDecoder::new(file))
                } else {
                    Box::new(file)
                };
                let read = reader
                    .by_ref()
                    .take(limit.saturating_add(1))
                    .read_to_end(&mut bytes);
                if let Err(e) = read {
                    return Ok(Some(file_error(source, format!("read error: {e}"))));
                }
                if bytes.len() as u64 > limit {
                    return Ok(Some(too_large(source, bytes.len() as u64, limit)));
                }
                Ok(Some(content::file_item(cap, bytes, kind)))
            }
        }
    }
}

/// What a file of a kind read as one document holds, for error messages; `None` for the other
/// kinds (archives, and what is rejected anyway).
fn document_kind(kind: Kind) -> Option<String> {
    Some(match kind {
        Kind::Html => "HTML".into(),
        Kind::Text => "plain text".into(),
        Kind::JsonLines => "JSON Lines".into(),
        Kind::JsonDocument => "a JSON document".into(),
        Kind::Image(t) => format!("an image ({t})"),
        Kind::Empty | Kind::Gzip | Kind::Warc | Kind::Binary(_) => return None,
    })
}

fn file_error(source: &str, message: impl Into<String>) -> Item {
    Item::Error(IngestError {
        source: source.to_owned(),
        locator: "file".into(),
        message: message.into(),
    })
}

fn too_large(source: &str, size: u64, limit: u64) -> Item {
    file_error(
        source,
        format!("file of {size} bytes (or more) exceeds the limit of {limit} bytes"),
    )
}

/// Up to [`sniff::SNIFF_BYTES`] first bytes.
fn read_head(r: impl Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(sniff::SNIFF_BYTES);
    r.take(sniff::SNIFF_BYTES as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Like [`read_head`], but a read error after some bytes returns those bytes: a truncated gzip
/// file still starts with good records, which the reader will deliver before its error.
fn read_head_lenient(mut r: impl Read) -> io::Result<Vec<u8>> {
    let mut head = vec![0u8; sniff::SNIFF_BYTES];
    let mut n = 0;
    while n < head.len() {
        match r.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if n == 0 => return Err(e),
            Err(_) => break,
        }
    }
    head.truncate(n);
    Ok(head)
}

/// Adds a path (file or directory tree) to the plan.
/// Plans `path`: a file, or the files of a directory, recursively. `named` says whether the
/// path was given as an input (not found in a directory).
fn expand(path: &Path, skip: Option<FileId>, named: bool, out: &mut VecDeque<Input>) {
    let source = path.to_string_lossy().into_owned();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            out.push_back(Input::Error(IngestError {
                source,
                locator: "file".into(),
                message: format!("cannot open: {e}"),
            }));
            return;
        }
    };
    if meta.is_file() {
        if skip.is_some() && FileId::of(&meta) == skip {
            if named {
                out.push_back(Input::Error(IngestError {
                    source,
                    locator: "file".into(),
                    message: "is the output file of this command: not read".into(),
                }));
            } else {
                tracing::debug!("not reading the output file found in a directory");
            }
            return;
        }
        out.push_back(Input::File {
            path: path.to_owned(),
            size: meta.len(),
        });
        return;
    }
    if !meta.is_dir() {
        out.push_back(Input::Error(IngestError {
            source,
            locator: "file".into(),
            message: "not a regular file or directory".into(),
        }));
        return;
    }
    let mut entries = match std::fs::read_dir(path) {
        Ok(rd) => rd.filter_map(Result::ok).collect::<Vec<_>>(),
        Err(e) => {
            out.push_back(Input::Error(IngestError {
                source,
                locator: "file".into(),
                message: format!("cannot list directory: {e}"),
            }));
            return;
        }
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let p = entry.path();
        let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
        if is_link && std::fs::metadata(&p).is_ok_and(|m| m.is_dir()) {
            tracing::debug!("not following a symbolic link to a directory");
            continue;
        }
        expand(&p, skip, false, out);
    }
}

impl Iterator for Ingest {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let mut item = self.next_item()?;
        if !self.opts.keep_payload
            && let Item::Record(r) = &mut item
        {
            // Freed here, on the thread that allocated it, not by whoever drops the record.
            r.payload = Vec::new();
        }
        Some(item)
    }
}

impl Ingest {
    fn next_item(&mut self) -> Option<Item> {
        loop {
            match &mut self.current {
                Some(Current::Warc { source, reader }) => match reader.next() {
                    Some(Ok(rec)) => {
                        let opts = self.opts;
                        let max = opts.max_record_bytes;
                        let content = |rec| {
                            if opts.defer_warc_records {
                                Some(Item::Warc(WarcEntry::new(
                                    Arc::clone(source),
                                    rec,
                                    max,
                                    opts.keep_payload,
                                )))
                            } else {
                                content::warc_item(source, rec, max)
                            }
                        };
                        let item = match rec.record_type().as_deref() {
                            Some("revisit") => self.revisits.item(source, rec, max),
                            Some("response") => {
                                self.revisits.note(source, &rec);
                                content(rec)
                            }
                            _ => content(rec),
                        };
                        if let Some(item) = item {
                            return Some(item);
                        }
                    }
                    Some(Err(e)) => {
                        return Some(Item::Error(IngestError {
                            source: source.to_string(),
                            locator: e.locator(),
                            message: e.message,
                        }));
                    }
                    None => self.finish_file(),
                },
                Some(Current::Jsonl(reader)) => match reader.next() {
                    Some(item) => return Some(item),
                    None => self.finish_file(),
                },
                None => {
                    let input = self.inputs.pop_front()?;
                    if let Some(item) = self.open(input) {
                        return Some(item);
                    }
                }
            }
        }
    }
}
