//! `cairn scan`: inputs to records, selectors and indicators, with evidence.

use crate::budget::{ByteBudget, CloseOnDrop};
use crate::exit;
use crate::output::{Format, Output};
use crate::report::{Report, ReportMedia};
use anyhow::Context;
use cairn_core::{Finding, MediaItem, Record};
use cairn_ingest::{Ingest, IngestError, IngestOptions, Item, JsonLine, Progress, WarcEntry};
use cairn_store::{DataDir, MediaRecord, RunStats, ScannedRecord, Store};
use cairn_text::analyzer::{Analysis, Analyzer};
use rayon::prelude::*;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Read captured content (WARC, HTML, text, JSON Lines) and report selectors and indicators.
///
/// Every finding points back to its record (source file and locator, URL, capture time, SHA-256
/// of the captured bytes) and to the exact bytes of the extracted text it was read from. Unless
/// --no-store, records, findings and the captured payloads go into the data directory, where
/// `cairn search` finds them again.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files or directories to read (recursively); `-` reads JSON Lines from standard input.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    /// Output format: a table for people, JSON Lines for machines, or a self-contained HTML report.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Write the output to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Default region (ISO 3166 alpha-2, e.g. FR) for national phone numbers, when a record has
    /// no `region` of its own; otherwise the country TLD of its URL is used.
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,

    /// Do not write to the data directory.
    #[arg(long)]
    pub no_store: bool,

    /// Largest record accepted, in bytes; larger ones are rejected with an error line.
    #[arg(long, value_name = "BYTES", default_value_t = 20 * 1024 * 1024)]
    pub max_record_bytes: u64,

    /// Worker threads for analysis (default: all cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Hide the progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Records are analysed in parallel by chunks and written in input order.
const CHUNK: usize = 512;
/// Images are hashed in parallel too, in smaller batches (each is decoded in full).
const MEDIA_CHUNK: usize = 64;
/// Input bytes (records, JSON Lines lines, undecoded WARC records, images: see
/// [`Batch::weight`]) that make a chunk full before [`CHUNK`] records. A chunk holds its inputs,
/// then its findings and their JSON Lines, until it is written, and what it holds grows with its
/// input: about ten times its bytes, on ads as on pages of 40,000 phones each (at 64 MiB, such
/// an archive peaked at 2.5 GB). Chunks of small records reach [`CHUNK`] records first.
const CHUNK_BYTES: usize = 8 * 1024 * 1024;
/// Chunks handed to the analysis threads and not yet written. While this thread writes the
/// oldest and gathers the next, the others keep the analysis threads busy: with one chunk
/// queued, a perf trace showed both analysis threads idle at once while this thread and the
/// reader, on the same two cores, wrote and gathered. (On 20,000 ads the gain is within the
/// noise of a shared 2-core machine.)
const CHUNKS_IN_FLIGHT: usize = 3;
/// A third chunk goes in flight only while the chunks in flight weigh no more than this
/// together; two always may, so that chunks of one large record each still keep two analysis
/// threads busy.
const IN_FLIGHT_BYTES: usize = 3 * CHUNK_BYTES;
/// Input bytes the reader may read ahead of the chunk being gathered. Its channel holds up to
/// `2 * CHUNK` items, and while the analysis is behind, 1,024 pages of 3 MB each would be 3 GB.
const READ_AHEAD_BYTES: usize = 4 * CHUNK_BYTES;
/// Analysis threads per block of a chunk: a chunk is analysed in one block per two threads of
/// the pool, each block stage by stage on one thread ([`Analyzer::analyze_many`]) and rendered
/// as JSON Lines into one buffer. Each stage's tables stay in the core's cache over the whole
/// block, and the larger the block the less often they are evicted: on the 20,000 ads of
/// `gen_corpus.py` (2026-12-06, 2 threads, medians of 11 alternated runs), blocks of 128, 256
/// and 512 ads (a whole chunk) took 14 %, 17 % and 17 % less CPU time than analysing record by
/// record, with the wall time 12 %, 15 % and 19 % shorter; chunks and blocks of 1,024 gained no
/// more. With up to
/// [`CHUNKS_IN_FLIGHT`] chunks in flight, a block per two threads still leaves a block for
/// every thread; on pages, where a block holds a few of them, so did the earlier pieces of 32
/// records (smaller blocks of one page each took 5 % longer on 3.6 MB pages).
const THREADS_PER_BLOCK: usize = 2;

pub fn run(data: &Path, args: ScanArgs) -> anyhow::Result<u8> {
    if let Some(r) = &args.region
        && (r.len() != 2 || !r.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        eprintln!("cairn scan: --region must be a two-letter country code such as FR, not `{r}`");
        return Ok(exit::USAGE);
    }
    crate::pool::build_global(args.jobs);
    // Opened before the inputs are planned, so that a directory holding it does not read it
    // (nor, while it is emptied on its own thread, what an earlier scan left in it).
    let mut out = Output::open(args.out.as_deref(), args.format)?;
    let opts = IngestOptions {
        max_record_bytes: args.max_record_bytes,
        // Only the store keeps payloads (as evidence blobs).
        keep_payload: !args.no_store,
        // Parsed and decoded by the analysis threads (see `Input`).
        defer_json_lines: true,
        defer_warc_records: true,
        skip_file: out.file(),
    };
    // Reading and parsing the inputs runs on its own thread, ahead of the analysis (and of the
    // building of its automata), so that it overlaps with it instead of leaving the analysis
    // threads idle between chunks.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(Option<Item>, Progress)>(2 * CHUNK);
    // The channel's bound is in items: the bytes bound it too (see [`READ_AHEAD_BYTES`]).
    let read_ahead = Arc::new(ByteBudget::new(READ_AHEAD_BYTES));
    // Written records come back to the reader, which allocated them, to be freed: a block freed
    // by another thread goes through the allocator's slower cross-thread path.
    let (recycle, recycled) = std::sync::mpsc::channel::<Vec<Record>>();
    let input_paths = args.inputs.clone();
    let reader = std::thread::Builder::new()
        .name("cairn-ingest".into())
        .spawn({
            let read_ahead = Arc::clone(&read_ahead);
            move || {
                let mut ingest = Ingest::new(&input_paths, opts);
                loop {
                    while let Ok(written) = recycled.try_recv() {
                        drop(written);
                    }
                    let item = ingest.next();
                    let done = item.is_none();
                    if !read_ahead.take(item_weight(item.as_ref()))
                        || tx.send((item, ingest.progress())).is_err()
                        || done
                    {
                        break;
                    }
                }
            }
        })
        .context("starting the input reader")?;
    // Should this thread stop on an error, the reader must not wait for it.
    let _read_ahead_guard = CloseOnDrop(&read_ahead);
    let analyzer = Analyzer::embedded().context("loading the embedded rule sets")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let inputs: Vec<String> = args
        .inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();

    let store = if args.no_store {
        None
    } else {
        let versions = analyzer
            .versions()
            .context("loading the embedded rule sets")?;
        let dir = DataDir::open_or_create(data)
            .with_context(|| format!("opening the data directory {}", data.display()))?;
        let store = runtime
            .block_on(Store::open(&dir))
            .context("opening the store")?;
        let run_id = runtime.block_on(store.begin_run(&inputs, &versions))?;
        Some((store, run_id))
    };

    let mut report = if args.format == Format::Jsonl {
        None
    } else {
        let versions = analyzer
            .versions()
            .context("loading the embedded rule sets")?;
        Some(Report::new(&inputs, &versions))
    };
    let progress = crate::progress::bytes_bar(args.quiet);
    let mut stats = RunStats::default();
    let mut records: u64 = 0;
    let jsonl = args.format == Format::Jsonl;
    // Once rendered as JSON Lines, records and findings are needed again only by the store.
    let keep = !jsonl || store.is_some();
    let region = args.region.as_deref();
    let analyzer = &analyzer;
    let mut sink = Sink {
        out: &mut out,
        report: report.as_mut(),
        store: store.as_ref(),
        runtime: &runtime,
        stats: &mut stats,
        records: &mut records,
        jsonl,
        recycle,
    };

    // Chunks are analysed on the pool while this thread writes the oldest one and gathers the
    // next (see [`CHUNKS_IN_FLIGHT`]): the writing, the store and the report are serial, and the
    // analysis threads must not wait for them.
    rayon::in_place_scope(|scope| -> anyhow::Result<()> {
        let mut gathering = Batch::default();
        // Each chunk with its weight (see `Batch::weight`).
        let mut in_flight: VecDeque<(std::sync::mpsc::Receiver<anyhow::Result<Analysed>>, usize)> =
            VecDeque::new();
        let mut places_checked = false;
        let mut write_when_done =
            |batch: std::sync::mpsc::Receiver<anyhow::Result<Analysed>>| -> anyhow::Result<()> {
                if !places_checked {
                    // Nothing is written unless the gazetteer, built on its own thread, could be.
                    analyzer
                        .wait_for_places()
                        .context("loading the embedded rule sets")?;
                    places_checked = true;
                }
                let analysed = batch
                    .recv()
                    .context("an analysis thread stopped unexpectedly")?;
                write_batch(analysed?, &mut sink)
            };
        loop {
            let Ok((item, p)) = rx.recv() else {
                anyhow::bail!("the input reader stopped unexpectedly");
            };
            let done = item.is_none();
            let weight = item_weight(item.as_ref());
            read_ahead.give_back(weight);
            if let Some(item) = item {
                gathering.push(item, weight);
            }
            if gathering.is_full() || (done && !gathering.is_empty()) {
                let batch = std::mem::take(&mut gathering);
                let weight = batch.weight();
                let (tx, rx_done) = std::sync::mpsc::sync_channel(1);
                scope.spawn(move |_| {
                    // The receiver only goes away when the scan is already failing.
                    let _ = tx.send(batch.analyse(analyzer, region, jsonl, keep));
                });
                in_flight.push_back((rx_done, weight));
                while too_much_in_flight(in_flight.iter().map(|(_, w)| *w)) {
                    let Some((oldest, _)) = in_flight.pop_front() else {
                        break;
                    };
                    write_when_done(oldest)?;
                }
            }
            progress.set_length(p.bytes_total.max(p.bytes_done));
            progress.set_position(p.bytes_done);
            if done {
                break;
            }
        }
        while let Some((next, _)) = in_flight.pop_front() {
            write_when_done(next)?;
        }
        Ok(())
    })?;
    if reader.join().is_err() {
        anyhow::bail!("the input reader failed");
    }
    progress.finish_and_clear();

    if let Some((store, run_id)) = store {
        runtime.block_on(store.finish_run(run_id, stats))?;
        runtime.block_on(store.close());
    }
    if let Some(rep) = report {
        out.finish_report(rep, &stats, !args.no_store)?;
    }
    out.flush()?;
    if !args.quiet && args.format != Format::Table {
        let stored = if args.no_store {
            "not stored".to_owned()
        } else {
            format!("{} new in the store", stats.records_new)
        };
        eprintln!(
            "cairn scan: {records} records ({stored}), {} images, {} rejected inputs",
            stats.media, stats.errors
        );
    }
    Ok(if stats.errors > 0 {
        exit::REJECTED
    } else {
        exit::OK
    })
}

/// A record to analyse, as the reader gave it.
enum Input {
    /// Built by the reader (WARC, HTML and text files).
    Record(Record),
    /// A JSON Lines line, parsed by the analysis thread that analyses its record: the record is
    /// then built, analysed, rendered and (for JSON Lines output without the store) freed on
    /// one thread, in that core's cache. Built by the reader, it was cold by the time it was
    /// analysed, and the reader's allocations were most of its time.
    Line(JsonLine),
    /// A WARC record, decoded (HTTP encodings, charset, HTML to text) by the analysis thread
    /// that analyses it: on the reader's thread, decoding was most of a WARC scan's time and
    /// left the analysis threads waiting for records.
    Warc(WarcEntry),
}

impl Input {
    /// The record, and whether the reader built it (it then goes back to the reader to be
    /// freed); an image of a WARC record, hashed; a line or WARC record that is no record gives
    /// its error; a WARC record with nothing to read gives nothing.
    fn decode(self) -> Step<()> {
        match self {
            Input::Record(r) => Step::Record(r, (), true),
            Input::Line(l) => match l.parse_record() {
                Ok(r) => Step::Record(r, (), false),
                Err(e) => Step::Rejected(e),
            },
            Input::Warc(w) => match w.decode() {
                Some(Item::Record(r)) => Step::Record(r, (), false),
                Some(Item::Media(m)) => Step::Media(hash_media(&m)),
                Some(Item::Error(e)) => Step::Rejected(e),
                // Decoding gives neither of these.
                Some(Item::Line(_) | Item::Warc(_)) | None => Step::Nothing,
            },
        }
    }
}

/// An input on its way through the analysis: a record with what is known of it so far (and
/// whether the reader built it), an image hashed, an input rejected, or nothing to read.
enum Step<T> {
    Record(Record, T, bool),
    Media(MediaRecord),
    Rejected(IngestError),
    Nothing,
}

impl<T> Step<T> {
    /// The next step of a record; the other inputs as they are.
    fn then<U>(self, f: impl FnOnce(&Record, T) -> U) -> Step<U> {
        match self {
            Step::Record(r, t, from_reader) => {
                let u = f(&r, t);
                Step::Record(r, u, from_reader)
            }
            Step::Media(m) => Step::Media(m),
            Step::Rejected(e) => Step::Rejected(e),
            Step::Nothing => Step::Nothing,
        }
    }
}

/// What the reader produced since the last batch was sent for analysis, in input order.
#[derive(Default)]
struct Batch {
    inputs: Vec<Input>,
    media: Vec<MediaItem>,
    errors: Vec<IngestError>,
    /// What `inputs` and `media` weigh (see [`Batch::weight`]), kept as they are pushed.
    bytes: usize,
}

/// Whether the oldest of the chunks in flight (their weights, see [`Batch::weight`]) must be
/// written before another is analysed: more than [`CHUNKS_IN_FLIGHT`], or heavy chunks (large
/// records, images) more than two at a time, as the memory bound of the scan assumes.
fn too_much_in_flight(weights: impl Iterator<Item = usize>) -> bool {
    let (chunks, bytes) = weights.fold((0, 0usize), |(n, sum), w| (n + 1, sum + w));
    chunks > CHUNKS_IN_FLIGHT || (chunks > 2 && bytes > IN_FLIGHT_BYTES)
}

/// The bytes an item from the reader holds: a record's text and payload, a line, an undecoded
/// WARC record, an image. A rejected input's message is small, and counted as nothing.
fn item_weight(item: Option<&Item>) -> usize {
    match item {
        Some(Item::Record(r)) => r.text.len() + r.payload.len(),
        Some(Item::Line(l)) => l.byte_len(),
        Some(Item::Warc(w)) => w.block_len(),
        Some(Item::Media(m)) => m.bytes.len(),
        Some(Item::Error(_)) | None => 0,
    }
}

/// A batch once analysed: its records (see [`Rendered`]), the images hashed, and the reader's
/// errors.
struct Analysed {
    done: Rendered,
    media: Vec<MediaRecord>,
    errors: Vec<IngestError>,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.inputs.is_empty() && self.media.is_empty() && self.errors.is_empty()
    }

    /// Adds `item`, which weighs `weight` (its [`item_weight`]).
    fn push(&mut self, item: Item, weight: usize) {
        self.bytes += weight;
        match item {
            Item::Record(r) => self.inputs.push(Input::Record(r)),
            Item::Line(l) => self.inputs.push(Input::Line(l)),
            Item::Warc(w) => self.inputs.push(Input::Warc(w)),
            Item::Media(m) => self.media.push(m),
            Item::Error(e) => self.errors.push(e),
        }
    }

    /// Whether the batch should go for analysis now. Rejected inputs count too: a file of
    /// nothing but bad lines must not pile them up.
    fn is_full(&self) -> bool {
        self.inputs.len() >= CHUNK
            || self.weight() >= CHUNK_BYTES
            || self.media.len() >= MEDIA_CHUNK
            || self.errors.len() >= CHUNK
    }

    /// The input bytes the batch holds until it is written: records, lines, undecoded WARC
    /// records and images.
    fn weight(&self) -> usize {
        self.bytes
    }

    fn analyse(
        self,
        analyzer: &Analyzer,
        region: Option<&str>,
        jsonl: bool,
        keep: bool,
    ) -> anyhow::Result<Analysed> {
        let Batch {
            inputs,
            media,
            errors,
            bytes: _,
        } = self;
        let (analysed, media) = rayon::join(
            || {
                let count = rayon::current_num_threads().div_ceil(THREADS_PER_BLOCK);
                let blocks = blocks(inputs, count);
                if analyzer.places_ready() {
                    let analysed = blocks.into_par_iter().map(|block| {
                        staged(block, |records| analyzer.analyze_many(records, region))
                    });
                    render(analysed, jsonl, keep)
                } else {
                    // The first batches, while the gazetteer is still being built on its own
                    // thread: everything else first, so that the other cores are not idle.
                    let unplaced: Vec<_> = blocks
                        .into_par_iter()
                        .map(|block| staged(block, |records| analyzer.start_many(records, region)))
                        .collect();
                    let analysed = unplaced.into_par_iter().map(|block| {
                        block
                            .into_iter()
                            .map(|started| started.then(|r, u| analyzer.finish(r, u)))
                            .collect()
                    });
                    render(analysed, jsonl, keep)
                }
            },
            || media.par_iter().map(hash_media).collect::<Vec<_>>(),
        );
        let mut done = analysed?;
        // The images of WARC records decoded by the analysis threads, after the reader's.
        let mut media = media;
        media.append(&mut done.media);
        Ok(Analysed {
            done,
            media,
            errors,
        })
    }
}

/// A record analysed (with whether the reader built it), an image, an input that did not
/// parse or decode, or nothing.
type Outcome = Step<Analysis>;

/// The inputs of a chunk in `count` blocks (fewer when there are fewer inputs) of as many
/// inputs each as can be, in order.
fn blocks(inputs: Vec<Input>, count: usize) -> Vec<Vec<Input>> {
    let size = inputs.len().div_ceil(count.max(1)).max(1);
    let mut blocks = Vec::with_capacity(count);
    let mut inputs = inputs.into_iter().peekable();
    while inputs.peek().is_some() {
        blocks.push(inputs.by_ref().take(size).collect());
    }
    blocks
}

/// Decodes a block of inputs, then gives its records to `analyse` all at once (a stage-by-stage
/// analysis, which returns one result per record, in order): the block's steps, in order.
fn staged<T>(block: Vec<Input>, analyse: impl FnOnce(&[&Record]) -> Vec<T>) -> Vec<Step<T>> {
    let steps: Vec<Step<()>> = block.into_iter().map(Input::decode).collect();
    let records: Vec<&Record> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Record(r, (), _) => Some(r),
            _ => None,
        })
        .collect();
    let results = analyse(&records);
    debug_assert_eq!(results.len(), records.len(), "one result per record");
    let mut results = results.into_iter();
    steps
        .into_iter()
        .filter_map(|step| match step {
            Step::Record(r, (), from_reader) => results
                .next()
                .map(|result| Step::Record(r, result, from_reader)),
            Step::Media(m) => Some(Step::Media(m)),
            Step::Rejected(e) => Some(Step::Rejected(e)),
            Step::Nothing => Some(Step::Nothing),
        })
        .collect()
}

/// What [`render`] gives back, in input order. When the output is JSON Lines, the analysis
/// threads render it (`lines`), and keep the records only if the store needs them.
#[derive(Default)]
struct Rendered {
    /// Kept records and their analyses.
    records: Vec<Record>,
    analyses: Vec<Analysis>,
    /// JSON Lines, by pieces.
    lines: Vec<Vec<u8>>,
    /// The lines and WARC records that did not parse or decode.
    rejected: Vec<IngestError>,
    /// The images of WARC records decoded here, hashed.
    media: Vec<MediaRecord>,
    /// Records analysed, kept or not.
    analysed: u64,
    /// Records the reader built that nothing needs any more: it frees them.
    spent: Vec<Record>,
}

/// Renders analysed records as JSON Lines (when the output is JSON Lines) by blocks (see
/// [`blocks`]), each block into one buffer, and keeps the records and their analyses when
/// `keep`; otherwise they are freed here, on the analysis thread, but for the reader's own
/// records, which go back to it.
fn render(
    analysed: impl IndexedParallelIterator<Item = Vec<Outcome>>,
    jsonl: bool,
    keep: bool,
) -> serde_json::Result<Rendered> {
    let pieces = analysed
        .map(|piece| {
            let mut done = Rendered::default();
            if jsonl {
                // A record line and its finding lines take a few hundred bytes each: the buffer
                // is sized once, not grown by copying.
                let size = piece
                    .iter()
                    .map(|step| match step {
                        Step::Record(_, a, _) => 384 * (a.findings.len() + 1),
                        _ => 0,
                    })
                    .sum();
                done.lines.push(Vec::with_capacity(size));
            }
            for outcome in piece {
                let (r, a, from_reader) = match outcome {
                    Step::Record(r, a, from_reader) => (r, a, from_reader),
                    Step::Rejected(e) => {
                        done.rejected.push(e);
                        continue;
                    }
                    Step::Media(m) => {
                        done.media.push(m);
                        continue;
                    }
                    Step::Nothing => continue,
                };
                done.analysed += 1;
                if let Some(lines) = done.lines.first_mut() {
                    crate::output::jsonl_lines(lines, &r, &a)?;
                }
                if keep {
                    done.records.push(r);
                    done.analyses.push(a);
                } else if from_reader {
                    done.spent.push(r);
                }
            }
            Ok(done)
        })
        .collect::<serde_json::Result<Vec<_>>>()?;
    let mut all = Rendered {
        records: Vec::with_capacity(pieces.iter().map(|p| p.records.len()).sum()),
        analyses: Vec::with_capacity(pieces.iter().map(|p| p.analyses.len()).sum()),
        lines: Vec::with_capacity(pieces.len()),
        ..Rendered::default()
    };
    for p in pieces {
        all.records.extend(p.records);
        all.analyses.extend(p.analyses);
        all.lines.extend(p.lines);
        all.rejected.extend(p.rejected);
        all.media.extend(p.media);
        all.analysed += p.analysed;
        all.spent.extend(p.spent);
    }
    Ok(all)
}

/// Where analysed batches go, one after the other: the output, the HTML report, the store.
struct Sink<'a> {
    out: &'a mut Output,
    report: Option<&'a mut Report>,
    store: Option<&'a (Store, i64)>,
    runtime: &'a tokio::runtime::Runtime,
    stats: &'a mut RunStats,
    /// Records analysed.
    records: &'a mut u64,
    jsonl: bool,
    /// Where written records go to be freed (see `run`).
    recycle: std::sync::mpsc::Sender<Vec<Record>>,
}

/// Writes one analysed batch: its rejected inputs first, then its images and records.
fn write_batch(b: Analysed, sink: &mut Sink<'_>) -> anyhow::Result<()> {
    let done = b.done;
    // The reader's errors, then the lines that did not parse, in input order.
    for e in b.errors.iter().chain(&done.rejected) {
        sink.stats.errors += 1;
        sink.out.error(&e.source, &e.locator, &e.message)?;
        if let Some(rep) = sink.report.as_deref_mut() {
            rep.add_error(&e.source, &e.locator, &e.message);
        }
    }
    sink.stats.media += b.media.len() as u64;
    if let Some(rep) = sink.report.as_deref_mut() {
        for m in &b.media {
            rep.add_media(ReportMedia::from(m));
        }
    }
    sink.out.write_rendered(&done.lines)?;
    for (r, a) in done.records.iter().zip(&done.analyses) {
        if !sink.jsonl {
            sink.out.record(r, a)?;
        }
        if let Some(rep) = sink.report.as_deref_mut() {
            rep.add_record(r, a);
        }
    }
    if let Some((store, run_id)) = sink.store {
        if !done.records.is_empty() {
            let batch: Vec<ScannedRecord> = done
                .records
                .iter()
                .zip(&done.analyses)
                .map(|(r, a)| ScannedRecord {
                    record: r,
                    lang: a.lang,
                    findings: &a.findings,
                })
                .collect();
            let (new, known) = sink.runtime.block_on(store.insert_batch(*run_id, &batch))?;
            sink.stats.records_new += new;
            sink.stats.records_known += known;
        }
        if !b.media.is_empty() {
            sink.runtime
                .block_on(store.insert_media(*run_id, &b.media))?;
        }
    }
    *sink.records += done.analysed;
    // Once the reader has finished, the records come back with the error and are freed here.
    let mut spent = done.spent;
    spent.extend(done.records);
    let _ = sink.recycle.send(spent);
    Ok(())
}

fn hash_media(m: &cairn_core::MediaItem) -> MediaRecord {
    // A decoded image brings its cryptographic hashes with it; one that does not decode still
    // gets them (PDQ needs pixels), so the bytes are hashed once either way.
    let hashed = cairn_media::hash_image_bytes(&m.bytes, &cairn_media::HashOptions::default()).ok();
    let crypto = match &hashed {
        Some(h) => h.crypto.clone(),
        None => cairn_media::crypto_hashes(&m.bytes),
    };
    MediaRecord {
        provenance: m.provenance.clone(),
        sha256: crypto.sha256,
        md5: crypto.md5,
        sha1: crypto.sha1,
        pdq: hashed.as_ref().map(|h| h.pdq.to_hex()),
        quality: hashed.as_ref().map(|h| h.quality),
        width: hashed.as_ref().map(|h| h.width),
        height: hashed.as_ref().map(|h| h.height),
    }
}

/// The `record` line of the JSON Lines contract (extra fields after the contract's).
#[derive(serde::Serialize)]
pub struct RecordLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    source: &'a str,
    locator: &'a str,
    url: Option<&'a str>,
    captured_at: Option<&'a str>,
    sha256: &'a str,
    lang: &'static str,
    warc_record_id: Option<&'a str>,
    region: Option<&'a str>,
    content_type: Option<&'a str>,
    text_bytes: usize,
}

impl<'a> RecordLine<'a> {
    pub fn new(r: &'a Record, a: &'a Analysis) -> Self {
        let p = &r.provenance;
        Self {
            kind: "record",
            id: &r.id,
            source: &p.source,
            locator: &p.locator,
            url: p.url.as_deref(),
            captured_at: p.captured_at.as_deref(),
            sha256: &p.sha256,
            lang: a.lang,
            warc_record_id: p.warc_record_id.as_deref(),
            region: a.region.as_ref().map(|(r, _)| r.as_str()),
            content_type: r.content_type.as_deref(),
            text_bytes: r.text.len(),
        }
    }

    /// Appends the line's JSON to `buf`: the bytes the derived `Serialize` writes (a test holds
    /// them equal), with the fixed keys written as they are instead of escaped one by one.
    pub fn write_json(&self, buf: &mut Vec<u8>) -> serde_json::Result<()> {
        fn opt(buf: &mut Vec<u8>, v: Option<&str>) -> serde_json::Result<()> {
            match v {
                Some(s) => write_json_str(buf, s),
                None => {
                    buf.extend_from_slice(b"null");
                    Ok(())
                }
            }
        }
        buf.extend_from_slice(b"{\"type\":");
        write_json_str(buf, self.kind)?;
        buf.extend_from_slice(b",\"id\":");
        write_json_str(buf, self.id)?;
        buf.extend_from_slice(b",\"source\":");
        write_json_str(buf, self.source)?;
        buf.extend_from_slice(b",\"locator\":");
        write_json_str(buf, self.locator)?;
        buf.extend_from_slice(b",\"url\":");
        opt(buf, self.url)?;
        buf.extend_from_slice(b",\"captured_at\":");
        opt(buf, self.captured_at)?;
        buf.extend_from_slice(b",\"sha256\":");
        write_json_str(buf, self.sha256)?;
        buf.extend_from_slice(b",\"lang\":");
        write_json_str(buf, self.lang)?;
        buf.extend_from_slice(b",\"warc_record_id\":");
        opt(buf, self.warc_record_id)?;
        buf.extend_from_slice(b",\"region\":");
        opt(buf, self.region)?;
        buf.extend_from_slice(b",\"content_type\":");
        opt(buf, self.content_type)?;
        buf.extend_from_slice(b",\"text_bytes\":");
        buf.extend_from_slice(itoa::Buffer::new().format(self.text_bytes).as_bytes());
        buf.push(b'}');
        Ok(())
    }
}

/// Appends `s` as a JSON string, the bytes `serde_json` writes: most strings of a scan (ids,
/// values, evidence, rules) need no escaping and are copied as they are, after a check eight
/// bytes at a time; the others go through `serde_json`.
pub fn write_json_str(buf: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    // serde_json escapes exactly the quote, the backslash and the control characters below
    // U+0020 (a test compares the two on every byte value).
    if needs_json_escape(s.as_bytes()) {
        return serde_json::to_writer(&mut *buf, s);
    }
    buf.reserve(s.len() + 2);
    buf.push(b'"');
    buf.extend_from_slice(s.as_bytes());
    buf.push(b'"');
    Ok(())
}

/// Whether `bytes` hold a quote, a backslash or a control character below U+0020, eight bytes at
/// a time: a byte of a word is below `n` (n <= 128) when `(w - n * 0x01..) & !w & 0x80..` has its
/// top bit, and zero (after XOR with the quote or the backslash) likewise with `n = 1`; a word
/// with none of them gives zero, exactly. The bytes after the last whole word are read as the
/// last eight bytes (again in part), and a string of four to seven bytes as its first four and
/// last four: no loop over the last bytes, whose exit the processor mispredicted at every string
/// (most are a dozen bytes).
fn needs_json_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH;
    let flagged = |w: u64| {
        below(w, 0x20)
            | below(w ^ (ONES * u64::from(b'"')), 1)
            | below(w ^ (ONES * u64::from(b'\\')), 1)
            != 0
    };
    if let Some(last) = bytes.last_chunk::<8>() {
        let mut rest = bytes;
        while let Some((word, after)) = rest.split_first_chunk::<8>()
            && after.len() > 8
        {
            if flagged(u64::from_ne_bytes(*word)) {
                return true;
            }
            rest = after;
        }
        // `rest` is now 8 to 16 bytes long: its first eight, then the last eight.
        return rest
            .first_chunk::<8>()
            .is_some_and(|w| flagged(u64::from_ne_bytes(*w)))
            || flagged(u64::from_ne_bytes(*last));
    }
    if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let (lo, hi) = (u32::from_ne_bytes(*first), u32::from_ne_bytes(*last));
        return flagged(u64::from(lo) | u64::from(hi) << 32);
    }
    bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// A `finding` line: `type` and `record`, then the finding's own fields in [`Finding`]'s order,
/// then its details: the bytes serde's derived `flatten` of a `Finding` writes (a test holds them
/// equal, key order included), written straight to the buffer because this is the hot path of
/// `--format jsonl`.
pub struct FindingLine<'a> {
    /// The record's id as a JSON string, escaped once by the caller for all of its findings.
    record_json: &'a [u8],
    finding: &'a Finding,
}

impl<'a> FindingLine<'a> {
    pub fn new(record_json: &'a [u8], finding: &'a Finding) -> Self {
        Self {
            record_json,
            finding,
        }
    }

    /// Appends the line's JSON to `buf`. The fixed keys, the `type` and the kind and
    /// category names need no escaping and are written as they are (escaping that dozen fixed
    /// strings per line through serde was most of the JSON output's time).
    pub fn write_json(&self, buf: &mut Vec<u8>) -> serde_json::Result<()> {
        let f = self.finding;
        buf.extend_from_slice(b"{\"type\":\"finding\",\"record\":");
        buf.extend_from_slice(self.record_json);
        buf.extend_from_slice(b",\"kind\":\"");
        buf.extend_from_slice(f.kind.as_str().as_bytes());
        buf.extend_from_slice(b"\",\"value\":");
        write_json_str(buf, &f.value)?;
        buf.extend_from_slice(b",\"start\":");
        buf.extend_from_slice(itoa::Buffer::new().format(f.start).as_bytes());
        buf.extend_from_slice(b",\"end\":");
        buf.extend_from_slice(itoa::Buffer::new().format(f.end).as_bytes());
        buf.extend_from_slice(b",\"evidence\":");
        write_json_str(buf, &f.evidence)?;
        buf.extend_from_slice(b",\"rule\":");
        write_json_str(buf, &f.rule)?;
        if let Some(category) = f.category {
            buf.extend_from_slice(b",\"category\":\"");
            buf.extend_from_slice(category.as_str().as_bytes());
            buf.push(b'"');
        }
        for (key, value) in f.detail.iter() {
            buf.push(b',');
            write_json_str(buf, key)?;
            buf.push(b':');
            match value {
                serde_json::Value::String(v) => write_json_str(buf, v)?,
                other => serde_json::to_writer(&mut *buf, other)?,
            }
        }
        buf.push(b'}');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_core::FindingKind;

    /// Adds `item` to `batch` with its weight, as the scan's gather loop does.
    fn push(batch: &mut Batch, item: Item) {
        let weight = item_weight(Some(&item));
        batch.push(item, weight);
    }

    /// The string writer writes what serde_json writes: every character below U+0100 at every
    /// position of the first three eight-byte words, followed by none to 17 bytes (so that it is
    /// in the last eight bytes or before them, in a string of 1 to 41 bytes), and a few others.
    #[test]
    fn json_strings_equal_serde_json() -> anyhow::Result<()> {
        let mut texts: Vec<String> = Vec::new();
        for c in (0u32..0x100).filter_map(char::from_u32) {
            for before in 0..24 {
                for after in [0, 1, 3, 5, 8, 9, 17] {
                    texts.push(format!("{}{c}{}", "a".repeat(before), "z".repeat(after)));
                }
            }
        }
        texts
            .extend(["", "plain", "é \u{2028} 🌹", "tab\there", "a\"b", "c:\\x"].map(String::from));
        for t in &texts {
            let mut direct = Vec::new();
            write_json_str(&mut direct, t)?;
            assert_eq!(direct, serde_json::to_vec(t)?, "{t:?}");
        }
        Ok(())
    }

    /// The direct writer writes exactly what serde's derived `flatten` writes, key order
    /// included, with and without a category and details.
    #[test]
    fn finding_line_equals_the_derived_flattened_form() -> anyhow::Result<()> {
        #[derive(serde::Serialize)]
        struct Derived<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            record: &'a str,
            #[serde(flatten)]
            finding: &'a Finding,
        }
        let text = "Nouvelle en ville, tel 06 12 34 56 78 \"quoted\" é";
        let mut indicator = Finding::from_span(
            FindingKind::Indicator,
            "new_in_town",
            text,
            0,
            17,
            "ads-fr.new@3",
        )
        .ok_or_else(|| anyhow::anyhow!("bad span"))?
        .with("weight", 2.5)
        .with("lang", "fr");
        indicator.category = Some(cairn_core::IndicatorCategory::NewInTown);
        let phone = Finding::from_span(FindingKind::Phone, "+33612345678", text, 23, 37, "phone@1")
            .ok_or_else(|| anyhow::anyhow!("bad span"))?;
        let quoted = Finding::from_span(FindingKind::Url, "x", text, 38, text.len(), "url@1")
            .ok_or_else(|| anyhow::anyhow!("bad span"))?;
        for f in [&indicator, &phone, &quoted] {
            let derived = serde_json::to_string(&Derived {
                kind: "finding",
                record: "ad \"1\"",
                finding: f,
            })?;
            let mut direct = Vec::new();
            FindingLine::new(&serde_json::to_vec("ad \"1\"")?, f).write_json(&mut direct)?;
            assert_eq!(String::from_utf8(direct)?, derived);
        }
        Ok(())
    }

    /// The record line's direct writer writes what the derived `Serialize` writes, with every
    /// optional field given or not, and values that need escaping.
    #[test]
    fn record_line_equals_the_derived_form() -> anyhow::Result<()> {
        let full = RecordLine {
            kind: "record",
            id: "ad \"7\"\n",
            source: "/data/ads\\x.warc.gz",
            locator: "offset:1234",
            url: Some("https://example.org/a?b=\"c\""),
            captured_at: Some("2026-01-02T03:04:05Z"),
            sha256: "00ff",
            lang: "fr",
            warc_record_id: Some("<urn:uuid:1>"),
            region: Some("FR"),
            content_type: Some("text/html; charset=\u{e9}"),
            text_bytes: 4096,
        };
        let bare = RecordLine {
            url: None,
            captured_at: None,
            warc_record_id: None,
            region: None,
            content_type: None,
            text_bytes: 0,
            ..full
        };
        for line in [&full, &bare] {
            let mut direct = Vec::new();
            line.write_json(&mut direct)?;
            assert_eq!(String::from_utf8(direct)?, serde_json::to_string(line)?);
        }
        Ok(())
    }

    /// `write_json` writes kinds and categories unescaped: their names must be what serde
    /// writes, and need no escaping.
    #[test]
    fn kind_and_category_names_are_their_serde_names() -> anyhow::Result<()> {
        for k in cairn_core::FindingKind::ALL {
            assert_eq!(serde_json::to_string(&k)?, format!("\"{}\"", k.as_str()));
        }
        for c in cairn_core::IndicatorCategory::ALL {
            assert_eq!(serde_json::to_string(&c)?, format!("\"{}\"", c.as_str()));
        }
        Ok(())
    }

    /// A batch weighs what it holds until written: the texts and payloads of its records, its
    /// images; the errors weigh nothing.
    #[test]
    fn a_batch_weighs_its_records_and_images() {
        let record = Record {
            text: "x".repeat(10),
            payload: vec![0; 100],
            ..Record::default()
        };
        let image = MediaItem {
            bytes: vec![0; 1000],
            ..MediaItem::default()
        };
        let mut batch = Batch::default();
        push(&mut batch, Item::Record(record.clone()));
        push(&mut batch, Item::Media(image));
        push(&mut batch, Item::Record(record));
        assert_eq!(batch.weight(), 2 * 110 + 1000);
        assert_eq!((batch.inputs.len(), batch.media.len()), (2, 1));
        assert!(!batch.is_full());
        assert_eq!(Batch::default().weight(), 0);
    }

    #[test]
    fn a_chunk_is_cut_in_blocks_of_equal_record_counts_in_order() {
        let chunk = |n: usize| -> Vec<Input> {
            (0..n)
                .map(|k| {
                    Input::Record(Record {
                        id: k.to_string(),
                        ..Record::default()
                    })
                })
                .collect()
        };
        let ids = |blocks: Vec<Vec<Input>>| -> Vec<Vec<String>> {
            blocks
                .into_iter()
                .map(|b| {
                    b.into_iter()
                        .map(|i| match i {
                            Input::Record(r) => r.id,
                            _ => String::new(),
                        })
                        .collect()
                })
                .collect()
        };
        let sizes = |n: usize, count: usize| -> Vec<usize> {
            blocks(chunk(n), count).iter().map(Vec::len).collect()
        };
        assert_eq!(sizes(CHUNK, 1), [CHUNK]);
        assert_eq!(sizes(CHUNK, 2), [CHUNK / 2, CHUNK / 2]);
        assert_eq!(sizes(600, 4), [150, 150, 150, 150]);
        assert_eq!(sizes(5, 2), [3, 2]);
        assert_eq!(sizes(2, 4), [1, 1]);
        assert_eq!(sizes(3, 0), [3]);
        assert!(blocks(Vec::new(), 2).is_empty());
        let order: Vec<String> = ids(blocks(chunk(7), 3)).concat();
        assert_eq!(order, (0..7).map(|k| k.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn a_batch_is_full_at_its_record_count_or_its_bytes() {
        let small = || {
            Item::Record(Record {
                text: "x".repeat(100),
                ..Record::default()
            })
        };
        let mut batch = Batch::default();
        for _ in 1..CHUNK {
            push(&mut batch, small());
        }
        assert!(!batch.is_full());
        push(&mut batch, small());
        assert!(batch.is_full());

        // A few large records fill a batch long before CHUNK of them.
        let mut batch = Batch::default();
        let page = || {
            Item::Record(Record {
                text: "x".repeat(3 * 1024 * 1024),
                ..Record::default()
            })
        };
        push(&mut batch, page());
        push(&mut batch, page());
        assert!(!batch.is_full());
        push(&mut batch, page());
        assert!(batch.is_full());
        assert_eq!(batch.inputs.len(), 3);

        let mut batch = Batch::default();
        push(
            &mut batch,
            Item::Media(MediaItem {
                bytes: vec![0; CHUNK_BYTES],
                ..MediaItem::default()
            }),
        );
        assert!(batch.is_full());
    }

    #[test]
    fn heavy_chunks_go_two_at_a_time_light_ones_three() {
        let light = 100_000;
        assert!(!too_much_in_flight([light; 3].into_iter()));
        assert!(too_much_in_flight([light; 4].into_iter()));
        // Two chunks always: each may be a single record larger than the bound.
        assert!(!too_much_in_flight([5 * CHUNK_BYTES; 2].into_iter()));
        assert!(too_much_in_flight(
            [CHUNK_BYTES; 3].into_iter().chain([light])
        ));
        assert!(!too_much_in_flight(
            [CHUNK_BYTES, CHUNK_BYTES, light].into_iter()
        ));
        assert!(too_much_in_flight(
            [CHUNK_BYTES; 3].into_iter().map(|w| w + 1)
        ));
    }

    #[test]
    fn every_item_weighs_what_it_holds() {
        let record = Record {
            text: "abc".into(),
            payload: vec![0; 7],
            ..Record::default()
        };
        assert_eq!(item_weight(Some(&Item::Record(record))), 10);
        let image = MediaItem {
            bytes: vec![0; 42],
            ..MediaItem::default()
        };
        assert_eq!(item_weight(Some(&Item::Media(image))), 42);
        assert_eq!(item_weight(None), 0);
    }

    /// The JSON Lines contract of issue 3: exact field names, extra fields allowed.
    #[test]
    fn record_and_finding_lines_carry_the_contract_fields() -> anyhow::Result<()> {
        let mut r = Record {
            id: "ad-1".into(),
            text: "tel 06 12 34 56 78".into(),
            ..Record::default()
        };
        r.provenance.source = "a.jsonl".into();
        r.provenance.locator = "line:1".into();
        r.provenance.sha256 = "ab".into();
        let f = Finding::from_span(
            FindingKind::Phone,
            "+33612345678",
            &r.text,
            4,
            18,
            "phone@1",
        )
        .ok_or_else(|| anyhow::anyhow!("bad span"))?
        .with("region", "FR");
        let a = Analysis {
            lang: "fr",
            region: None,
            findings: vec![f],
        };
        let rec = serde_json::to_value(RecordLine::new(&r, &a))?;
        for key in [
            "type",
            "id",
            "source",
            "locator",
            "url",
            "captured_at",
            "sha256",
            "lang",
        ] {
            assert!(rec.get(key).is_some(), "record line lacks {key}");
        }
        assert_eq!(rec["type"], "record");
        assert_eq!(rec["locator"], "line:1");
        let mut line = Vec::new();
        FindingLine::new(&serde_json::to_vec(&r.id)?, &a.findings[0]).write_json(&mut line)?;
        let fl: serde_json::Value = serde_json::from_slice(&line)?;
        assert_eq!(fl["type"], "finding");
        assert_eq!(fl["record"], "ad-1");
        assert_eq!(fl["kind"], "phone");
        assert_eq!(fl["value"], "+33612345678");
        assert_eq!(
            (fl["start"].as_u64(), fl["end"].as_u64()),
            (Some(4), Some(18))
        );
        assert_eq!(fl["evidence"], "06 12 34 56 78");
        assert_eq!(fl["rule"], "phone@1");
        assert_eq!(fl["region"], "FR");
        assert!(fl.get("category").is_none());
        Ok(())
    }
}
