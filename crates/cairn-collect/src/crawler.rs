//! The crawl: one scheduler task owns the frontier, the WARC writer and the crawl log; fetches
//! run as tasks and send their results back. Politeness per host (delay, concurrency, robots.txt),
//! scope, depth, spider-trap limits and retries are decided here.
//!
//! Order of durability: WARC records are written and synced, then the frontier commits the batch
//! (finished URLs, new links, committed file lengths), then the crawl log gets the batch's
//! lines. A crawl killed at any point resumes with the same command: WARC files are cut back to
//! the committed lengths and the uncommitted URLs are fetched again, once.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::Instant;
use url::Url;

use crate::fetch::{self, FailureKind, FetchOptions, FetchResult, Response};
use crate::frontier::{
    Capture, Commit, Frontier, FrontierError, LinkLimits, LinkOutcome, NewLink, QueueEntry,
    RobotsRecord, UrlState,
};
use crate::links::extract_links;
use crate::render::{self, RenderOptions, Rendered};
use crate::robots::Robots;
use crate::scope::Scope;
use crate::time::warc_date;
use crate::warc::{
    NewRecord, PROFILE_IDENTICAL_PAYLOAD, RecordType, WarcWriter, WarcWriterOptions, new_record_id,
    sha256_digest,
};

/// File name of the crawl log (JSON Lines) in the output directory.
pub const CRAWL_LOG: &str = "crawl-log.jsonl";
/// Sub-directory of the output directory that holds the WARC files (and nothing else, so that
/// `cairn scan OUT/warc` reads only captures).
pub const WARC_DIR: &str = "warc";

/// Scheduled re-captures of the seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revisit {
    pub every: Duration,
    /// Rounds after the first capture; 0 = until the process is stopped.
    pub rounds: u32,
}

/// Crawl settings. [`CrawlConfig::new`] gives polite defaults.
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    pub out: PathBuf,
    pub seeds: Vec<Url>,
    /// Without a `host=` rule, the seeds' hosts (added by [`crawl`]).
    pub scope: Scope,
    pub max_depth: u32,
    /// Fetches in flight, all hosts together.
    pub concurrency: usize,
    /// Fetches in flight per host.
    pub per_host_concurrency: usize,
    /// Pause between two fetches from one host (robots.txt `crawl-delay` lengthens it).
    pub delay: Duration,
    pub fetch: FetchOptions,
    /// `Some(text)`: robots.txt is not obeyed, and this legal basis is recorded in every
    /// warcinfo record and in the crawl log.
    pub ignore_robots_legal_basis: Option<String>,
    pub max_redirects: u32,
    pub max_retries: u32,
    /// First retry delay; doubled at each attempt.
    pub retry_base: Duration,
    pub max_urls_per_host: u64,
    pub max_query_variants: u64,
    pub max_file_bytes: u64,
    pub revisit: Option<Revisit>,
    /// Who runs the crawl (warcinfo `operator`).
    pub operator: Option<String>,
    /// `Some`: every HTML page (2xx) is also loaded in headless Chromium; the rendered DOM and
    /// a screenshot are stored as `resource` records beside the response. The crawl's proxy and
    /// user agent are used by the browser too.
    pub render: Option<RenderOptions>,
}

impl CrawlConfig {
    pub fn new(out: PathBuf, seeds: Vec<Url>) -> Self {
        CrawlConfig {
            out,
            seeds,
            scope: Scope::default(),
            max_depth: 3,
            concurrency: 8,
            per_host_concurrency: 1,
            delay: Duration::from_millis(500),
            fetch: FetchOptions {
                user_agent: format!(
                    "cairn-collect/{} (+evidence capture)",
                    env!("CARGO_PKG_VERSION")
                ),
                timeout: Duration::from_secs(30),
                connect_timeout: Duration::from_secs(10),
                max_body_bytes: 20 * 1024 * 1024,
                proxy: None,
            },
            ignore_robots_legal_basis: None,
            max_redirects: 10,
            max_retries: 2,
            retry_base: Duration::from_secs(2),
            max_urls_per_host: 100_000,
            max_query_variants: 50,
            max_file_bytes: 1024 * 1024 * 1024,
            revisit: None,
            operator: None,
            render: None,
        }
    }
}

/// Live counters, for progress bars.
#[derive(Debug, Default)]
pub struct CrawlStats {
    /// Responses stored (pages, redirects, errors pages).
    pub fetched: AtomicU64,
    /// URLs given up (network, TLS, timeouts after retries).
    pub failed: AtomicU64,
    /// URLs refused by robots.txt or a spider-trap limit.
    pub skipped: AtomicU64,
    /// Re-visits whose payload had not changed.
    pub unchanged: AtomicU64,
    pub bytes: AtomicU64,
    /// URLs waiting (as of the last commit).
    pub queued: AtomicU64,
}

/// What a finished crawl did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrawlSummary {
    pub fetched: u64,
    pub failed: u64,
    pub skipped: u64,
    pub unchanged: u64,
    /// WARC files closed by this run.
    pub warc_files: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error(transparent)]
    Frontier(#[from] FrontierError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Client(#[from] fetch::ClientError),
    #[error("{0}")]
    Config(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> CrawlError + '_ {
    move |source| CrawlError::Io {
        path: path.to_owned(),
        source,
    }
}

const BATCH: usize = 1024;
const COMMIT_EVERY: usize = 64;
const COMMIT_INTERVAL: Duration = Duration::from_millis(500);
/// Links recently sent to the frontier: most links of a site repeat on every page.
const RECENT_LINKS: usize = 200_000;

enum Job {
    Page(QueueEntry),
    Robots { host: String, url: Url },
}

struct Done {
    job: Job,
    /// `(url, capture start, result)`; several for robots.txt redirects.
    results: Vec<(Url, SystemTime, FetchResult)>,
    /// For a page: SHA-256 payload digest and, unless it is a re-visit, the encoded records.
    digest: Option<String>,
    prepared: Option<Prepared>,
    /// For an HTML page when rendering is on: the browser's result.
    rendered: Option<Result<Rendered, String>>,
}

enum RobotsState {
    Unknown,
    Pending,
    Ready(Arc<Robots>),
}

struct HostState {
    robots: RobotsState,
    next_at: Instant,
    active: usize,
}

/// Runs (or resumes) a crawl into `cfg.out`.
pub async fn crawl(
    mut cfg: CrawlConfig,
    stats: Arc<CrawlStats>,
) -> Result<CrawlSummary, CrawlError> {
    cfg.scope = std::mem::take(&mut cfg.scope).with_seed_hosts(&cfg.seeds);
    if cfg.concurrency == 0 || cfg.per_host_concurrency == 0 {
        return Err(CrawlError::Config("concurrency must be at least 1".into()));
    }
    if let Some(basis) = &cfg.ignore_robots_legal_basis
        && basis.trim().is_empty()
    {
        return Err(CrawlError::Config(
            "ignoring robots.txt needs a legal basis".into(),
        ));
    }
    if let Some(r) = cfg.render.as_mut() {
        let Some(path) = render::find_chromium(&r.chromium) else {
            return Err(CrawlError::Config(format!(
                "--render: no browser at `{}` (install the Debian package chromium, or give \
                 --chromium PATH)",
                r.chromium.display()
            )));
        };
        r.chromium = path;
    }
    std::fs::create_dir_all(&cfg.out).map_err(io_err(&cfg.out))?;
    let frontier_path = cfg.out.join(crate::frontier::FRONTIER_FILE);
    let warc_dir = cfg.out.join(WARC_DIR);
    std::fs::create_dir_all(&warc_dir).map_err(io_err(&warc_dir))?;
    let resuming = frontier_path.exists();
    if !resuming && has_warc_files(&warc_dir)? {
        return Err(CrawlError::Config(format!(
            "{} holds WARC files but no frontier: use a new output directory",
            cfg.out.display()
        )));
    }
    let frontier = Frontier::open(&frontier_path).await?;
    let committed = frontier.committed_files().await?;
    recover_files(&warc_dir, &committed)?;

    let log_path = cfg.out.join(CRAWL_LOG);
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(io_err(&log_path))?;

    let mut warcinfo = vec![
        (
            "software".to_owned(),
            format!("cairn-collect/{}", env!("CARGO_PKG_VERSION")),
        ),
        ("format".to_owned(), "WARC File Format 1.1".to_owned()),
        (
            "conformsTo".to_owned(),
            "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
                .to_owned(),
        ),
        (
            "http-header-user-agent".to_owned(),
            cfg.fetch.user_agent.clone(),
        ),
    ];
    match &cfg.ignore_robots_legal_basis {
        Some(basis) => {
            warcinfo.push(("robots".to_owned(), "ignore".to_owned()));
            warcinfo.push(("legal-basis".to_owned(), basis.clone()));
        }
        None => warcinfo.push(("robots".to_owned(), "obey".to_owned())),
    }
    if let Some(op) = &cfg.operator {
        warcinfo.push(("operator".to_owned(), op.clone()));
    }
    if cfg.fetch.proxy.is_some() {
        // The proxy address is operational detail; that one was used is what matters.
        warcinfo.push(("proxy".to_owned(), "yes".to_owned()));
    }
    let mut renderer = None;
    if let Some(r) = cfg.render.as_mut() {
        r.proxy = cfg.fetch.proxy.clone();
        r.user_agent = cfg.fetch.user_agent.clone();
        let version = render::chromium_version(&r.chromium)
            .await
            .unwrap_or_else(|| format!("unknown version ({})", r.chromium.display()));
        warcinfo.push(("render".to_owned(), version.clone()));
        renderer = Some(version);
    }
    let writer = WarcWriter::new(WarcWriterOptions {
        dir: warc_dir.clone(),
        prefix: "cairn".to_owned(),
        max_file_bytes: cfg.max_file_bytes,
        warcinfo,
    })
    .map_err(io_err(&cfg.out))?;

    let seeds: Vec<NewLink> = cfg
        .seeds
        .iter()
        .filter_map(|s| crate::scope::normalize(s.clone()))
        .map(|u| new_link(&u, 0, 0, None))
        .collect();
    frontier.add_seeds(&seeds).await?;

    let client = fetch::client(&cfg.fetch)?;
    let (tx, rx) = mpsc::channel(cfg.concurrency * 2 + 4);
    let mut engine = Engine {
        cfg,
        frontier,
        writer,
        log: BufWriter::new(log),
        log_path,
        client,
        hosts: HashMap::new(),
        buffer: VecDeque::new(),
        cursor: 0,
        pending: Commit::default(),
        pending_items: 0,
        pending_log: Vec::new(),
        link_log: Vec::new(),
        last_commit: Instant::now(),
        in_flight: 0,
        stats,
        recent: HashSet::new(),
        tx,
        rx,
        seeds,
        renderer,
        summary: CrawlSummary {
            fetched: 0,
            failed: 0,
            skipped: 0,
            unchanged: 0,
            warc_files: Vec::new(),
        },
    };
    engine.log_event(json!({
        "event": if resuming { "resume" } else { "start" },
        "seeds": engine.cfg.seeds.iter().map(Url::as_str).collect::<Vec<_>>(),
        "max_depth": engine.cfg.max_depth,
        "robots": if engine.cfg.ignore_robots_legal_basis.is_some() { "ignore" } else { "obey" },
        "legal_basis": engine.cfg.ignore_robots_legal_basis,
        "revisit_every_s": engine.cfg.revisit.map(|r| r.every.as_secs_f64()),
    }));
    engine.run().await?;
    engine.log_event(json!({
        "event": "end",
        "fetched": engine.summary.fetched,
        "failed": engine.summary.failed,
        "skipped": engine.summary.skipped,
        "unchanged": engine.summary.unchanged,
    }));
    engine.flush_log()?;
    let Engine {
        writer,
        frontier,
        mut summary,
        ..
    } = engine;
    summary.warc_files = writer.finish().map_err(io_err(Path::new("WARC file")))?;
    frontier.close().await;
    Ok(summary)
}

fn has_warc_files(dir: &Path) -> Result<bool, CrawlError> {
    for e in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let name = e.map_err(io_err(dir))?.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".warc.gz") || name.ends_with(".warc.gz.open") {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Cuts every WARC file back to its committed length; files with nothing committed are removed.
fn recover_files(dir: &Path, committed: &HashMap<String, u64>) -> Result<(), CrawlError> {
    WarcWriter::recover(dir, |name| committed.get(name).copied()).map_err(io_err(dir))?;
    for e in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let path = e.map_err(io_err(dir))?.path();
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if !name.ends_with(".warc.gz") {
            continue;
        }
        let size = path.metadata().map_err(io_err(&path))?.len();
        match committed.get(&name) {
            Some(&len) if len >= size => {}
            Some(&len) if len > 0 => {
                let f = OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .map_err(io_err(&path))?;
                f.set_len(len).map_err(io_err(&path))?;
            }
            _ => std::fs::remove_file(&path).map_err(io_err(&path))?,
        }
    }
    Ok(())
}

fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

fn new_link(url: &Url, depth: u32, hops: u32, via: Option<&str>) -> NewLink {
    NewLink {
        url: url.as_str().to_owned(),
        host: host_key(url),
        variant_key: url
            .query()
            .map(|_| format!("{}{}", host_key(url), url.path())),
        depth,
        hops,
        via: via.map(str::to_owned),
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

struct Engine {
    cfg: CrawlConfig,
    frontier: Frontier,
    writer: WarcWriter,
    log: BufWriter<File>,
    log_path: PathBuf,
    client: reqwest::Client,
    hosts: HashMap<String, HostState>,
    buffer: VecDeque<QueueEntry>,
    cursor: i64,
    pending: Commit,
    pending_items: usize,
    /// Crawl-log lines of the batch, written once the batch is committed.
    pending_log: Vec<serde_json::Value>,
    /// `(index in pending.links, url)` so that refused links can be logged after the commit.
    link_log: Vec<String>,
    last_commit: Instant,
    in_flight: usize,
    stats: Arc<CrawlStats>,
    recent: HashSet<String>,
    tx: mpsc::Sender<Done>,
    rx: mpsc::Receiver<Done>,
    seeds: Vec<NewLink>,
    /// Browser name and version when rendering is on.
    renderer: Option<String>,
    summary: CrawlSummary,
}

impl Engine {
    async fn run(&mut self) -> Result<(), CrawlError> {
        let mut exhausted = false;
        loop {
            if !exhausted && self.buffer.len() < BATCH / 2 {
                exhausted = self.refill().await?;
            }
            self.dispatch().await?;
            if self.in_flight == 0 && self.buffer.is_empty() {
                self.commit().await?;
                exhausted = self.refill().await?;
                if self.buffer.is_empty() {
                    if self.schedule_revisit().await? {
                        exhausted = false;
                        continue;
                    }
                    return Ok(());
                }
                continue;
            }
            let wake = self.next_wake();
            tokio::select! {
                msg = self.rx.recv() => {
                    if let Some(done) = msg {
                        self.handle(done).await?;
                    }
                }
                _ = tokio::time::sleep_until(wake) => {}
            }
            while let Ok(done) = self.rx.try_recv() {
                self.handle(done).await?;
            }
            if self.pending_items >= COMMIT_EVERY || self.last_commit.elapsed() >= COMMIT_INTERVAL {
                self.commit().await?;
                exhausted = false;
            }
        }
    }

    /// Loads queue entries after the cursor; true when the queue had nothing more.
    async fn refill(&mut self) -> Result<bool, CrawlError> {
        let want = BATCH.saturating_sub(self.buffer.len());
        if want == 0 {
            return Ok(false);
        }
        let batch = self
            .frontier
            .load_batch(self.cursor, u32::try_from(want).unwrap_or(u32::MAX))
            .await?;
        let exhausted = batch.len() < want;
        for e in batch {
            self.cursor = self.cursor.max(e.seq);
            self.buffer.push_back(e);
        }
        Ok(exhausted)
    }

    fn next_wake(&self) -> Instant {
        let now = Instant::now();
        let mut wake = now + Duration::from_millis(200);
        for h in self.hosts.values() {
            if h.next_at > now && h.next_at < wake {
                wake = h.next_at;
            }
        }
        wake
    }

    /// Starts every fetch that politeness and concurrency allow.
    async fn dispatch(&mut self) -> Result<(), CrawlError> {
        let now = Instant::now();
        let unix = unix_now();
        let mut keep = VecDeque::with_capacity(self.buffer.len());
        while let Some(entry) = self.buffer.pop_front() {
            if self.in_flight >= self.cfg.concurrency {
                keep.push_back(entry);
                continue;
            }
            let Ok(url) = Url::parse(&entry.url) else {
                self.finish(&entry, UrlState::Failed);
                self.pending_log.push(json!({
                    "event": "failed", "url": entry.url, "error_kind": "bad-url",
                }));
                continue;
            };
            if entry.not_before > unix {
                keep.push_back(entry);
                continue;
            }
            let key = host_key(&url);
            let obey = self.cfg.ignore_robots_legal_basis.is_none();
            if !self.hosts.contains_key(&key) {
                let robots = if obey {
                    match self.frontier.robots(&key).await? {
                        Some(rec) => RobotsState::Ready(Arc::new(robots_from(&rec, &self.cfg))),
                        None => RobotsState::Unknown,
                    }
                } else {
                    RobotsState::Ready(Arc::new(Robots::allow_all()))
                };
                self.hosts.insert(
                    key.clone(),
                    HostState {
                        robots,
                        next_at: now,
                        active: 0,
                    },
                );
            }
            let Some(host) = self.hosts.get_mut(&key) else {
                keep.push_back(entry);
                continue;
            };
            match &host.robots {
                RobotsState::Unknown => {
                    host.robots = RobotsState::Pending;
                    host.active += 1;
                    let mut robots_url = url.clone();
                    robots_url.set_path("/robots.txt");
                    robots_url.set_query(None);
                    self.spawn(Job::Robots {
                        host: key,
                        url: robots_url,
                    });
                    keep.push_back(entry);
                }
                RobotsState::Pending => keep.push_back(entry),
                RobotsState::Ready(robots) => {
                    let mut target = url.path().to_owned();
                    if let Some(q) = url.query() {
                        target.push('?');
                        target.push_str(q);
                    }
                    if !robots.allowed(&target) {
                        self.finish(&entry, UrlState::Skipped);
                        self.summary.skipped += 1;
                        self.stats.skipped.fetch_add(1, Ordering::Relaxed);
                        self.pending_log.push(json!({
                            "event": "skipped", "url": entry.url, "reason": "robots.txt",
                        }));
                        continue;
                    }
                    if host.active >= self.cfg.per_host_concurrency || now < host.next_at {
                        keep.push_back(entry);
                        continue;
                    }
                    let delay = robots
                        .crawl_delay
                        .map(|d| Duration::from_secs_f64(d.min(60.0)))
                        .unwrap_or_default()
                        .max(self.cfg.delay);
                    host.active += 1;
                    host.next_at = now + delay;
                    self.spawn(Job::Page(entry));
                }
            }
        }
        self.buffer = keep;
        Ok(())
    }

    fn spawn(&mut self, job: Job) {
        self.in_flight += 1;
        let client = self.client.clone();
        let opts = self.cfg.fetch.clone();
        let render_opts = self.cfg.render.clone();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let mut results = Vec::new();
            let mut digest = None;
            let mut prepared = None;
            let mut rendered = None;
            match &job {
                Job::Page(e) => {
                    if let Ok(url) = Url::parse(&e.url) {
                        let started = SystemTime::now();
                        let r = fetch::fetch(&client, &url, &opts).await;
                        if let FetchResult::Response(resp) = &r {
                            let d = sha256_digest(&resp.body);
                            if !e.revisit {
                                prepared =
                                    prepare(&url, started, resp, None, &opts.user_agent, d.clone())
                                        .ok();
                            }
                            digest = Some(d);
                            if let Some(ro) = &render_opts
                                && (200..300).contains(&resp.status)
                                && fetch::is_html(resp)
                            {
                                rendered =
                                    Some(render::render(&url, ro).await.map_err(|e| e.to_string()));
                            }
                        }
                        results.push((url, started, r));
                    }
                }
                Job::Robots { url, .. } => {
                    // RFC 9309: follow at least five redirects; each response is recorded.
                    let mut url = url.clone();
                    for _ in 0..=5 {
                        let started = SystemTime::now();
                        let r = fetch::fetch(&client, &url, &opts).await;
                        let next = match &r {
                            FetchResult::Response(resp) => fetch::redirect_target(resp, &url),
                            FetchResult::Failure { .. } => None,
                        };
                        results.push((url.clone(), started, r));
                        match next {
                            Some(n) => url = n,
                            None => break,
                        }
                    }
                }
            }
            let _ = tx
                .send(Done {
                    job,
                    results,
                    digest,
                    prepared,
                    rendered,
                })
                .await;
        });
    }

    fn finish(&mut self, entry: &QueueEntry, state: UrlState) {
        self.pending
            .finished
            .push((entry.seq, entry.url.clone(), state));
        self.pending_items += 1;
    }

    async fn handle(&mut self, done: Done) -> Result<(), CrawlError> {
        self.in_flight = self.in_flight.saturating_sub(1);
        match done.job {
            Job::Robots { host, .. } => self.handle_robots(host, done.results),
            Job::Page(entry) => {
                let url_key = Url::parse(&entry.url).map(|u| host_key(&u)).ok();
                if let Some(h) = url_key.and_then(|k| self.hosts.get_mut(&k)) {
                    h.active = h.active.saturating_sub(1);
                }
                match done.results.into_iter().next() {
                    Some(fetched) => {
                        self.handle_page(entry, fetched, done.digest, done.prepared, done.rendered)
                            .await
                    }
                    None => Ok(()),
                }
            }
        }
    }

    fn handle_robots(
        &mut self,
        host: String,
        results: Vec<(Url, SystemTime, FetchResult)>,
    ) -> Result<(), CrawlError> {
        let mut record = RobotsRecord::DisallowAll;
        let mut outcome = "unreachable".to_owned();
        let n = results.len();
        for (i, (url, started, result)) in results.into_iter().enumerate() {
            match result {
                FetchResult::Response(resp) => {
                    self.write_response(&url, started, &resp, None, None, None)?;
                    if i + 1 == n {
                        (record, outcome) = match resp.status {
                            200..=299 if resp.truncated.is_none() => {
                                (RobotsRecord::Body(resp.body.clone()), "parsed".to_owned())
                            }
                            // Cut at 20 MB: the rules read so far still apply.
                            200..=299 => (
                                RobotsRecord::Body(resp.body.clone()),
                                "truncated".to_owned(),
                            ),
                            400..=499 if resp.status != 429 => (
                                RobotsRecord::AllowAll,
                                format!("http {}: allow all", resp.status),
                            ),
                            s => (RobotsRecord::DisallowAll, format!("http {s}: disallow all")),
                        };
                    }
                }
                FetchResult::Failure { kind, message } => {
                    self.write_failure(&url, started, kind, &message, 1)?;
                    outcome = format!("{}: disallow all", kind_str(kind));
                }
            }
        }
        let robots = robots_from(&record, &self.cfg);
        if let Some(h) = self.hosts.get_mut(&host) {
            h.robots = RobotsState::Ready(Arc::new(robots));
            h.active = h.active.saturating_sub(1);
            h.next_at = Instant::now() + self.cfg.delay;
        }
        self.pending_log.push(json!({
            "event": "robots", "host": host, "outcome": outcome,
        }));
        self.pending.robots.push((host, record));
        self.pending_items += 1;
        Ok(())
    }

    async fn handle_page(
        &mut self,
        entry: QueueEntry,
        (url, started, result): (Url, SystemTime, FetchResult),
        digest: Option<String>,
        prepared: Option<Prepared>,
        rendered: Option<Result<Rendered, String>>,
    ) -> Result<(), CrawlError> {
        let attempt = entry.attempts + 1;
        let resp = match result {
            FetchResult::Failure { kind, message } => {
                if kind.transient() && entry.attempts < self.cfg.max_retries {
                    self.retry(&entry, kind_str(kind), &message);
                    return Ok(());
                }
                let rec = self.write_failure(&url, started, kind, &message, attempt)?;
                self.finish(&entry, UrlState::Failed);
                self.summary.failed += 1;
                self.stats.failed.fetch_add(1, Ordering::Relaxed);
                self.pending_log.push(json!({
                    "event": "failed", "url": entry.url, "error_kind": kind_str(kind),
                    "message": message, "attempt": attempt, "depth": entry.depth,
                    "warc_file": rec.file, "warc_offset": rec.offset,
                    "record_id": rec.record_id,
                }));
                return Ok(());
            }
            FetchResult::Response(r) => r,
        };
        if (resp.status == 429 || resp.status >= 500) && entry.attempts < self.cfg.max_retries {
            self.retry(&entry, "http", &format!("HTTP {}", resp.status));
            return Ok(());
        }
        let payload_digest = digest.unwrap_or_else(|| sha256_digest(&resp.body));
        let previous = if entry.revisit && resp.truncated.is_none() {
            self.frontier.last_capture(&entry.url).await?
        } else {
            None
        };
        let unchanged = previous
            .as_ref()
            .filter(|p| p.payload_digest == payload_digest && (200..300).contains(&resp.status));
        let (written, kind) = match unchanged {
            Some(prev) => {
                let w = self.write_response(
                    &url,
                    started,
                    &resp,
                    Some(prev),
                    entry.via.as_deref(),
                    None,
                )?;
                self.summary.unchanged += 1;
                self.stats.unchanged.fetch_add(1, Ordering::Relaxed);
                (w, "revisit-unchanged")
            }
            None => {
                let w = self.write_response(
                    &url,
                    started,
                    &resp,
                    None,
                    entry.via.as_deref(),
                    prepared,
                )?;
                if (200..300).contains(&resp.status) && resp.truncated.is_none() {
                    self.pending.captures.push((
                        entry.url.clone(),
                        Capture {
                            record_id: w.record_id.clone(),
                            date: warc_date(started),
                            payload_digest: payload_digest.clone(),
                        },
                    ));
                }
                (
                    w,
                    if entry.revisit {
                        "revisit-changed"
                    } else {
                        "fetched"
                    },
                )
            }
        };
        self.summary.fetched += 1;
        self.stats.fetched.fetch_add(1, Ordering::Relaxed);
        self.stats
            .bytes
            .fetch_add(resp.body.len() as u64, Ordering::Relaxed);
        let render_log = match rendered {
            Some(r) => Some(self.write_render(&url, &written.record_id, r)?),
            None => None,
        };

        let mut redirect = None;
        if let Some(target) = fetch::redirect_target(&resp, &url).and_then(crate::scope::normalize)
        {
            if entry.hops >= self.cfg.max_redirects {
                self.pending_log.push(json!({
                    "event": "skipped", "url": target.as_str(), "via": entry.url,
                    "reason": "redirect limit",
                }));
            } else if self.cfg.scope.allows(&target) {
                redirect = Some(target.as_str().to_owned());
                let link = new_link(&target, entry.depth, entry.hops + 1, Some(&entry.url));
                self.add_link(link);
            } else {
                self.pending_log.push(json!({
                    "event": "skipped", "url": target.as_str(), "via": entry.url,
                    "reason": "out of scope",
                }));
            }
        }
        let mut outlinks = 0usize;
        if (200..300).contains(&resp.status)
            && entry.depth < self.cfg.max_depth
            && fetch::is_html(&resp)
            && let Some(body) = fetch::decoded_body(&resp, self.cfg.fetch.max_body_bytes)
        {
            for link in extract_links(&body, &url) {
                if self.cfg.scope.allows(&link) {
                    outlinks += 1;
                    let l = new_link(&link, entry.depth + 1, 0, Some(&entry.url));
                    self.add_link(l);
                }
            }
        }
        self.finish(&entry, UrlState::Done);
        self.pending_log.push(json!({
            "event": kind, "url": entry.url, "status": resp.status,
            "bytes": resp.body.len(), "depth": entry.depth, "hops": entry.hops,
            "attempt": attempt, "via": entry.via, "truncated": resp.truncated,
            "redirect": redirect, "outlinks": outlinks,
            "payload_digest": payload_digest, "warc_file": written.file,
            "warc_offset": written.offset, "record_id": written.record_id,
            "ip": resp.remote.map(|a| a.ip().to_string()),
            "render": render_log,
        }));
        Ok(())
    }

    /// Stores a render beside the response `response_id`: the DOM (`urn:dom:URL`) and the
    /// screenshot (`urn:view:URL`) as `resource` records, and a `metadata` record saying how they
    /// were made (or why the render failed). The `urn:` target URIs keep replay tools from taking
    /// them for captures of the page itself. Returns the crawl-log summary.
    fn write_render(
        &mut self,
        url: &Url,
        response_id: &str,
        rendered: Result<Rendered, String>,
    ) -> Result<serde_json::Value, CrawlError> {
        let renderer = self.renderer.clone().unwrap_or_default();
        let mut fields = format!("renderer: {renderer}\r\n");
        let (date, log) = match rendered {
            Ok(r) => {
                let mut dom = NewRecord::new(RecordType::Resource, r.started, r.dom);
                dom.target_uri = Some(format!("urn:dom:{url}"));
                dom.content_type = Some("text/html; charset=utf-8".into());
                dom.headers
                    .push(("WARC-Concurrent-To".into(), response_id.to_owned()));
                let dom_bytes = dom.block.len();
                let dom_rec = self.write(&dom)?;
                let window = self
                    .cfg
                    .render
                    .as_ref()
                    .map(|o| (o.window, o.script_budget));
                fields.push_str(&format!(
                    "render-started: {}\r\nrender-seconds: {:.3}\r\ndom-record: {}\r\n",
                    warc_date(r.started),
                    r.elapsed.as_secs_f64(),
                    dom_rec.record_id
                ));
                if let Some(((w, h), budget)) = window {
                    fields.push_str(&format!(
                        "window-size: {w}x{h}\r\nscript-budget-ms: {}\r\n",
                        budget.as_millis()
                    ));
                }
                let mut shot_id = None;
                if let Some(png) = r.screenshot {
                    let mut shot = NewRecord::new(RecordType::Resource, r.started, png);
                    shot.target_uri = Some(format!("urn:view:{url}"));
                    shot.content_type = Some("image/png".into());
                    shot.headers
                        .push(("WARC-Concurrent-To".into(), response_id.to_owned()));
                    let w = self.write(&shot)?;
                    fields.push_str(&format!("screenshot-record: {}\r\n", w.record_id));
                    shot_id = Some(w.record_id);
                }
                fields.push_str(
                    "note: sub-resources loaded by the browser are not recorded; the DOM is \
                     serialised after the scripts ran\r\n",
                );
                (
                    r.started,
                    json!({
                        "dom_bytes": dom_bytes, "dom_record": dom_rec.record_id,
                        "screenshot_record": shot_id,
                        "seconds": r.elapsed.as_secs_f64(),
                    }),
                )
            }
            Err(message) => {
                fields.push_str(&format!(
                    "render-error: {}\r\n",
                    message.replace(['\r', '\n'], " ")
                ));
                (SystemTime::now(), json!({ "error": message }))
            }
        };
        let mut meta = NewRecord::new(RecordType::Metadata, date, fields.into_bytes());
        meta.target_uri = Some(url.as_str().to_owned());
        meta.content_type = Some("application/warc-fields".into());
        meta.headers
            .push(("WARC-Concurrent-To".into(), response_id.to_owned()));
        self.write(&meta)?;
        Ok(log)
    }

    fn retry(&mut self, entry: &QueueEntry, kind: &str, message: &str) {
        let backoff = self
            .cfg
            .retry_base
            .saturating_mul(1u32 << entry.attempts.min(16));
        let not_before = unix_now() + backoff.as_secs_f64();
        self.pending
            .retries
            .push((entry.seq, entry.attempts + 1, not_before));
        self.pending_items += 1;
        self.pending_log.push(json!({
            "event": "retry", "url": entry.url, "error_kind": kind, "message": message,
            "attempt": entry.attempts + 1, "backoff_s": backoff.as_secs_f64(),
        }));
    }

    fn add_link(&mut self, link: NewLink) {
        // Redirect targets always go to the frontier (their hop count matters); plain links
        // already sent recently are dropped here to spare the database.
        if link.hops == 0 && !self.recent.insert(link.url.clone()) {
            return;
        }
        if self.recent.len() >= RECENT_LINKS {
            self.recent.clear();
        }
        self.link_log.push(link.url.clone());
        self.pending.links.push(link);
    }

    /// Writes request and response records (a revisit record when `unchanged` names the
    /// earlier capture) and a metadata record linking them. `prepared`: the response and
    /// request already encoded by the fetch task (full captures only).
    fn write_response(
        &mut self,
        url: &Url,
        started: SystemTime,
        resp: &Response,
        unchanged: Option<&Capture>,
        via: Option<&str>,
        prepared: Option<Prepared>,
    ) -> Result<crate::warc::WrittenRecord, CrawlError> {
        let prepared = match (prepared, unchanged) {
            (Some(p), None) => p,
            _ => {
                let digest = sha256_digest(&resp.body);
                prepare(
                    url,
                    started,
                    resp,
                    unchanged,
                    &self.cfg.fetch.user_agent,
                    digest,
                )
                .map_err(io_err(&self.cfg.out))?
            }
        };
        let response_id = prepared.response.record_id.clone();
        let written = self
            .writer
            .write_encoded(&prepared.response, started)
            .map_err(io_err(&self.cfg.out))?;
        self.note_written(&written);
        let w = self
            .writer
            .write_encoded(&prepared.request, started)
            .map_err(io_err(&self.cfg.out))?;
        self.note_written(&w);

        if let Some(via) = via {
            let fields = format!("via: {via}\r\n");
            let mut meta = NewRecord::new(RecordType::Metadata, started, fields.into_bytes());
            meta.target_uri = Some(url.as_str().to_owned());
            meta.content_type = Some("application/warc-fields".into());
            meta.headers
                .push(("WARC-Concurrent-To".into(), response_id));
            self.write(&meta)?;
        }
        Ok(written)
    }

    fn note_written(&mut self, w: &crate::warc::WrittenRecord) {
        self.pending
            .files
            .insert(w.file.clone(), w.offset + w.length);
    }

    /// A fetch that failed is recorded as a metadata record naming the failure.
    fn write_failure(
        &mut self,
        url: &Url,
        started: SystemTime,
        kind: FailureKind,
        message: &str,
        attempt: u32,
    ) -> Result<crate::warc::WrittenRecord, CrawlError> {
        let fields = format!(
            "fetch-error: {}\r\nmessage: {}\r\nattempts: {attempt}\r\n",
            kind_str(kind),
            message.replace(['\r', '\n'], " ")
        );
        let mut rec = NewRecord::new(RecordType::Metadata, started, fields.into_bytes());
        rec.target_uri = Some(url.as_str().to_owned());
        rec.content_type = Some("application/warc-fields".into());
        self.write(&rec)
    }

    fn write(&mut self, rec: &NewRecord) -> Result<crate::warc::WrittenRecord, CrawlError> {
        let w = self.writer.write(rec).map_err(io_err(&self.cfg.out))?;
        self.pending
            .files
            .insert(w.file.clone(), w.offset + w.length);
        Ok(w)
    }

    async fn commit(&mut self) -> Result<(), CrawlError> {
        self.last_commit = Instant::now();
        if self.pending_items == 0 && self.pending.links.is_empty() && self.pending.meta.is_empty()
        {
            return Ok(());
        }
        self.writer.sync().map_err(io_err(&self.cfg.out))?;
        let limits = LinkLimits {
            max_urls_per_host: self.cfg.max_urls_per_host,
            max_query_variants: self.cfg.max_query_variants,
        };
        let batch = std::mem::take(&mut self.pending);
        self.pending_items = 0;
        let outcomes = self.frontier.commit(&batch, limits).await?;
        let links = std::mem::take(&mut self.link_log);
        for (url, outcome) in links.iter().zip(&outcomes) {
            let reason = match outcome {
                LinkOutcome::HostLimit => "urls-per-host limit",
                LinkOutcome::VariantLimit => "query-variants limit",
                _ => continue,
            };
            self.summary.skipped += 1;
            self.stats.skipped.fetch_add(1, Ordering::Relaxed);
            self.pending_log.push(json!({
                "event": "skipped", "url": url, "reason": reason,
            }));
        }
        let lines = std::mem::take(&mut self.pending_log);
        for mut line in lines {
            if let Some(obj) = line.as_object_mut() {
                obj.insert("time".into(), json!(warc_date(SystemTime::now())));
            }
            let _ = writeln!(self.log, "{line}");
        }
        self.flush_log()?;
        self.stats
            .queued
            .store(self.buffer.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    fn log_event(&mut self, line: serde_json::Value) {
        self.pending_log.push(line);
        let lines = std::mem::take(&mut self.pending_log);
        for mut line in lines {
            if let Some(obj) = line.as_object_mut() {
                obj.insert("time".into(), json!(warc_date(SystemTime::now())));
            }
            let _ = writeln!(self.log, "{line}");
        }
    }

    fn flush_log(&mut self) -> Result<(), CrawlError> {
        self.log.flush().map_err(io_err(&self.log_path))
    }

    /// When re-visits are due, waits for the next round and queues the seeds again. False when
    /// no round is left.
    async fn schedule_revisit(&mut self) -> Result<bool, CrawlError> {
        let Some(rv) = self.cfg.revisit else {
            return Ok(false);
        };
        let done: u32 = self
            .frontier
            .meta("revisit_rounds_done")
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if rv.rounds != 0 && done >= rv.rounds {
            return Ok(false);
        }
        let next: f64 = match self.frontier.meta("revisit_next").await? {
            Some(v) => v.parse().unwrap_or_else(|_| unix_now()),
            None => unix_now() + rv.every.as_secs_f64(),
        };
        let wait = next - unix_now();
        self.log_event(json!({
            "event": "revisit-wait", "round": done + 1, "wait_s": wait.max(0.0),
        }));
        self.flush_log()?;
        if wait > 0.0 {
            tokio::time::sleep(Duration::from_secs_f64(wait)).await;
        }
        self.frontier.add_revisits(&self.seeds).await?;
        self.pending
            .meta
            .push(("revisit_rounds_done".into(), (done + 1).to_string()));
        self.pending.meta.push((
            "revisit_next".into(),
            (next.max(unix_now()) + rv.every.as_secs_f64()).to_string(),
        ));
        self.commit().await?;
        Ok(true)
    }
}

/// WARC extension field on response and revisit records: how the HTTP head was made.
pub const HTTP_HEAD_FIELD: &str = "WARC-Cairn-HTTP-Head";
const HTTP_HEAD_REBUILT: &str = "rebuilt from parsed fields: status code and version as \
     received, standard reason phrase, field names in lower case, values byte for byte, \
     fields grouped by name in order of first appearance";

/// Response (or revisit) and request records of one capture, compressed and digested.
struct Prepared {
    response: crate::warc::EncodedRecord,
    request: crate::warc::EncodedRecord,
}

/// Builds and encodes the records of a capture; runs in the fetch task for full captures, so
/// that gzip and SHA-256 use every core.
fn prepare(
    url: &Url,
    started: SystemTime,
    resp: &Response,
    unchanged: Option<&Capture>,
    user_agent: &str,
    payload_digest: String,
) -> std::io::Result<Prepared> {
    let response_id = new_record_id();
    let mut rec = match unchanged {
        Some(prev) => {
            let mut r = NewRecord::new(RecordType::Revisit, started, resp.head.clone());
            r.payload_digest = Some(prev.payload_digest.clone());
            r.headers
                .push(("WARC-Profile".into(), PROFILE_IDENTICAL_PAYLOAD.into()));
            r.headers
                .push(("WARC-Refers-To".into(), prev.record_id.clone()));
            r.headers
                .push(("WARC-Refers-To-Target-URI".into(), url.as_str().to_owned()));
            r.headers
                .push(("WARC-Refers-To-Date".into(), prev.date.clone()));
            r
        }
        None => {
            let mut block = Vec::with_capacity(resp.head.len() + resp.body.len());
            block.extend_from_slice(&resp.head);
            block.extend_from_slice(&resp.body);
            let mut r = NewRecord::new(RecordType::Response, started, block);
            r.payload_offset = Some(resp.head.len());
            // Computed once, by the caller, over the same bytes.
            r.payload_digest = Some(payload_digest);
            r
        }
    };
    rec.record_id = Some(response_id.clone());
    rec.target_uri = Some(url.as_str().to_owned());
    rec.content_type = Some("application/http; msgtype=response".into());
    // The HTTP head is rebuilt from the client's parsed fields, not the bytes received: say so
    // in the record itself (docs/collect.md gives the details).
    let mut rebuilt = HTTP_HEAD_REBUILT.to_owned();
    if resp
        .headers
        .contains_key(reqwest::header::TRANSFER_ENCODING)
    {
        rebuilt.push_str("; transfer-encoding field removed, body stored de-chunked");
    }
    rec.headers.push((HTTP_HEAD_FIELD.into(), rebuilt));
    if let Some(ip) = resp.remote {
        rec.headers
            .push(("WARC-IP-Address".into(), ip.ip().to_string()));
    }
    if let Some(t) = resp.truncated {
        rec.headers.push(("WARC-Truncated".into(), t.into()));
    }
    let mut req = NewRecord::new(
        RecordType::Request,
        started,
        fetch::request_block(url, user_agent),
    );
    req.target_uri = Some(url.as_str().to_owned());
    req.content_type = Some("application/http; msgtype=request".into());
    req.payload_offset = Some(req.block.len());
    req.headers.push(("WARC-Concurrent-To".into(), response_id));
    Ok(Prepared {
        response: crate::warc::encode_record(&rec)?,
        request: crate::warc::encode_record(&req)?,
    })
}

fn robots_from(rec: &RobotsRecord, cfg: &CrawlConfig) -> Robots {
    match rec {
        RobotsRecord::Body(b) => {
            let token = cfg
                .fetch
                .user_agent
                .split('/')
                .next()
                .unwrap_or("cairn-collect")
                .to_owned();
            Robots::parse(b, &token)
        }
        RobotsRecord::AllowAll => Robots::allow_all(),
        RobotsRecord::DisallowAll => Robots::disallow_all(),
    }
}

fn kind_str(kind: FailureKind) -> &'static str {
    match kind {
        FailureKind::Timeout => "timeout",
        FailureKind::Connect => "connect",
        FailureKind::Tls => "tls",
        FailureKind::Protocol => "protocol",
        FailureKind::Other => "other",
    }
}
