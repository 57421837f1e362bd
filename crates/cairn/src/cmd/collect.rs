//! `cairn collect`: capture web content into evidence-grade WARC, verify a collection, read
//! BitTorrent metadata.

use crate::exit;
use anyhow::Context;
use cairn_collect::render::RenderOptions;
use cairn_collect::{CrawlConfig, CrawlStats, Revisit, crawl, manifest, scope::Scope};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use url::Url;

/// Capture web pages into WARC 1.1 with digests and a signed manifest (chain of custody).
///
/// A polite, resumable crawler: robots.txt obeyed (unless --ignore-robots with a recorded
/// --legal-basis), a pause between two requests to one host, scope by host and path rules, URL
/// normalisation and deduplication, retries with back-off, spider-trap limits. The frontier
/// lives on disk in OUT/frontier.sqlite: run the same command again to resume a crawl that was
/// stopped or killed; nothing is fetched or stored twice. Each capture is a request and a
/// response record (redirects each recorded); failures (timeouts, resets, TLS errors) are
/// metadata records and lines in OUT/crawl-log.jsonl. At the end, OUT/manifest.json lists the
/// SHA-256 of every WARC file, signed with the data directory's key (keys/collect-ed25519).
/// `.onion` sites: --proxy socks5h://127.0.0.1:9050 (Tor).
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct CollectArgs {
    #[command(subcommand)]
    pub command: Option<CollectCommand>,

    /// Seed URLs.
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,

    /// File of seed URLs, one a line (`#` comments).
    #[arg(long, value_name = "FILE")]
    pub seeds: Option<PathBuf>,

    /// Output directory for WARC files, crawl log, frontier and manifest.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: Option<PathBuf>,

    /// Scope rules, or a file of them: `host=example.org`, `host=*.example.org`,
    /// `path=/ads/*`, `!path=/logout*` (comma- or line-separated). Default: the seeds' hosts.
    #[arg(long, value_name = "RULES")]
    pub scope: Option<String>,

    /// Link depth from the seeds (0: the seeds only).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub depth: u32,

    /// Capture the seeds again every DURATION (e.g. 30m, 1h, 1d): unchanged payloads become
    /// revisit records, changed ones full responses.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub revisit: Option<Duration>,

    /// Number of re-visit rounds (0: until stopped).
    #[arg(long, value_name = "N", default_value_t = 0, requires = "revisit")]
    pub revisit_rounds: u32,

    /// Proxy for every request, e.g. socks5h://127.0.0.1:9050 for Tor (names resolved by the
    /// proxy).
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,

    /// Fetches in flight, all hosts together.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,

    /// Fetches in flight per host.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub per_host: usize,

    /// Pause between two requests to one host (robots.txt crawl-delay can lengthen it).
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = parse_duration)]
    pub delay: Duration,

    /// Time limit of one request, body included (a longer body is cut and marked truncated).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,

    /// Largest body kept, in bytes (longer ones are cut and marked truncated).
    #[arg(long, value_name = "BYTES", default_value_t = 20 * 1024 * 1024)]
    pub max_body: u64,

    /// Redirects followed from one URL.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_redirects: u32,

    /// Retries after a timeout, reset or HTTP 429/5xx (back-off doubles from 2 s).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub retries: u32,

    /// Spider-trap limit: URLs queued per host.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_urls_per_host: u64,

    /// Spider-trap limit: query-string variants queued per path (calendars, filters).
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub max_query_variants: u64,

    /// Start a new WARC file after this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024 * 1024)]
    pub warc_size: u64,

    /// Do not obey robots.txt. Needs --legal-basis, recorded in every WARC file and the log.
    #[arg(long, requires = "legal_basis")]
    pub ignore_robots: bool,

    /// The legal basis for ignoring robots.txt (e.g. a warrant reference).
    #[arg(long, value_name = "TEXT", requires = "ignore_robots")]
    pub legal_basis: Option<String>,

    /// Who runs the capture (recorded in warcinfo).
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,

    /// User-Agent header.
    #[arg(long, value_name = "UA")]
    pub user_agent: Option<String>,

    /// Also load every HTML page in headless Chromium and store the DOM built by its scripts
    /// and a PNG screenshot (WARC resource records `urn:dom:URL`, `urn:view:URL`, concurrent to
    /// the response). The browser uses --proxy too.
    #[arg(long)]
    pub render: bool,

    /// The browser for --render (default: Debian's chromium).
    #[arg(
        long,
        value_name = "PATH",
        default_value = "chromium",
        requires = "render"
    )]
    pub chromium: PathBuf,

    /// Browser window and screenshot size for --render, WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1280x1024", value_parser = parse_window,
          requires = "render")]
    pub window_size: (u32, u32),

    /// Time limit of one browser run for --render (it is killed after that).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration,
          requires = "render")]
    pub render_timeout: Duration,

    /// Hide the progress line.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum CollectCommand {
    /// Check a collection: every file's SHA-256 against manifest.json and the manifest's
    /// Ed25519 signature. Exit 0 when all holds, 1 otherwise.
    Verify {
        /// The collection (the --out of `cairn collect`).
        dir: PathBuf,
        /// Expected public key (hex); default: the data directory's key if it exists, else the
        /// key named in the manifest.
        #[arg(long, value_name = "HEX")]
        public_key: Option<String>,
    },
    /// Read a .torrent file or a magnet link: files, sizes, v1 and v2 infohashes, v2 pieces
    /// roots; whole-file hashes found in the metadata are matched against known-hash lists.
    /// Matches are listed for human review (exit 0, as `cairn match`).
    Torrent {
        /// A .torrent file or a `magnet:?` link.
        input: String,
        /// Known-hash list to match (imported with `cairn lists add`); repeatable. Default:
        /// every imported list.
        #[arg(long = "list", value_name = "NAME")]
        lists: Vec<String>,
        /// Output: table (default on a terminal) or JSON Lines.
        #[arg(long, value_enum)]
        format: Option<TorrentFormat>,
    },
}

pub fn run(data: &Path, args: CollectArgs) -> anyhow::Result<u8> {
    match args.command {
        Some(CollectCommand::Verify { dir, public_key }) => verify(data, &dir, public_key),
        Some(CollectCommand::Torrent {
            input,
            lists,
            format,
        }) => torrent(data, &input, &lists, format),
        None => run_crawl(data, args),
    }
}

fn verify(data: &Path, dir: &Path, public_key: Option<String>) -> anyhow::Result<u8> {
    let expected = match public_key {
        Some(k) => Some(k),
        None if data.join(manifest::KEY_FILE).exists() => {
            let key = manifest::load_or_create_key(data)?;
            Some(manifest::public_key_hex(&key))
        }
        None => None,
    };
    let v = manifest::verify(dir, expected.as_deref())
        .with_context(|| format!("verifying {}", dir.display()))?;
    println!("public key: {}", v.public_key);
    println!(
        "signature: {}",
        if v.signature_valid {
            "valid"
        } else {
            "INVALID"
        }
    );
    println!("files checked: {}", v.files_checked);
    for p in &v.problems {
        println!("problem: {}: {}", p.file, p.problem);
    }
    Ok(if v.ok() { exit::OK } else { exit::FAILURE })
}

/// Output of `cairn collect torrent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TorrentFormat {
    Table,
    Jsonl,
}

fn torrent(
    data: &Path,
    input: &str,
    lists: &[String],
    format: Option<TorrentFormat>,
) -> anyhow::Result<u8> {
    use cairn_collect::torrent;
    let info = if input.starts_with("magnet:") {
        torrent::parse_magnet(input).with_context(|| "reading the magnet link".to_string())?
    } else {
        let bytes = std::fs::read(input).with_context(|| format!("reading {input}"))?;
        match torrent::parse_torrent(&bytes) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("cairn collect torrent: {input}: {e}");
                return Ok(exit::FAILURE);
            }
        }
    };
    let store = cairn_media::ListStore::new(data);
    let names: Vec<String> = if lists.is_empty() {
        store
            .list()
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.name)
            .collect()
    } else {
        lists.to_vec()
    };
    let mut indexes = Vec::new();
    for n in names {
        let index = store
            .open(&n)
            .with_context(|| format!("opening known-hash list {n}"))?;
        indexes.push((n, index));
    }
    let matches = torrent::match_lists(&info, &indexes);
    let format = format.unwrap_or(if std::io::stdout().is_terminal() {
        TorrentFormat::Table
    } else {
        TorrentFormat::Jsonl
    });
    match format {
        TorrentFormat::Jsonl => {
            let mut v = serde_json::to_value(&info)?;
            v["type"] = serde_json::json!("torrent");
            println!("{v}");
            for m in &matches {
                let mut v = serde_json::to_value(m)?;
                v["type"] = serde_json::json!("match");
                println!("{v}");
            }
        }
        TorrentFormat::Table => {
            println!("source:       {}", info.source);
            println!("version:      {}", info.version);
            println!("name:         {}", info.name.as_deref().unwrap_or("-"));
            println!(
                "infohash v1:  {}",
                info.infohash_v1.as_deref().unwrap_or("-")
            );
            println!(
                "infohash v2:  {}",
                info.infohash_v2.as_deref().unwrap_or("-")
            );
            if let Some(p) = info.piece_length {
                println!("piece length: {p}");
            }
            if let Some(t) = info.total_length {
                println!("total length: {t}");
            }
            for t in &info.trackers {
                println!("tracker:      {t}");
            }
            for f in &info.files {
                let pad = if f.padding { " (padding)" } else { "" };
                println!("file: {:>12}  {}{pad}", f.length, f.path);
                if let Some(r) = &f.pieces_root {
                    println!("      pieces root {r}");
                }
                for h in &f.file_hashes {
                    println!("      {} {} ({})", h.kind, h.hex, h.from);
                }
            }
            for m in &matches {
                println!(
                    "MATCH {} {} {} on list {} entry {}{} — for human review",
                    m.file,
                    m.kind,
                    m.hash,
                    m.list,
                    m.entry_id,
                    m.category
                        .as_deref()
                        .map(|c| format!(" ({c})"))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(exit::OK)
}

fn run_crawl(data: &Path, args: CollectArgs) -> anyhow::Result<u8> {
    let Some(out) = args.out.clone() else {
        eprintln!("cairn collect: --out DIR is required");
        return Ok(exit::USAGE);
    };
    let mut seeds = Vec::new();
    for u in &args.urls {
        match Url::parse(u) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => seeds.push(url),
            _ => {
                eprintln!("cairn collect: seed `{u}` is not an http(s) URL");
                return Ok(exit::USAGE);
            }
        }
    }
    if let Some(file) = &args.seeds {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading seeds {}", file.display()))?;
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            match Url::parse(line) {
                Ok(url) if matches!(url.scheme(), "http" | "https") => seeds.push(url),
                _ => {
                    eprintln!(
                        "cairn collect: {} line {}: not an http(s) URL",
                        file.display(),
                        i + 1
                    );
                    return Ok(exit::USAGE);
                }
            }
        }
    }
    if seeds.is_empty() && !out.join(cairn_collect::frontier::FRONTIER_FILE).exists() {
        eprintln!("cairn collect: give seed URLs or --seeds FILE");
        return Ok(exit::USAGE);
    }
    let scope = match &args.scope {
        None => Scope::default(),
        Some(rules) => {
            let path = Path::new(rules);
            let text = if path.is_file() {
                std::fs::read_to_string(path)
                    .with_context(|| format!("reading scope rules {}", path.display()))?
            } else {
                rules.clone()
            };
            match Scope::parse(&text) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("cairn collect: --scope: {e}");
                    return Ok(exit::USAGE);
                }
            }
        }
    };
    // Load (or make) the signing key first: a crawl must not end without its manifest.
    let key = manifest::load_or_create_key(data)
        .with_context(|| format!("collection key in {}", data.display()))?;

    let mut cfg = CrawlConfig::new(out.clone(), seeds);
    cfg.scope = scope;
    cfg.max_depth = args.depth;
    cfg.concurrency = args.concurrency.max(1);
    cfg.per_host_concurrency = args.per_host.max(1);
    cfg.delay = args.delay;
    cfg.fetch.timeout = args.timeout;
    cfg.fetch.max_body_bytes = args.max_body;
    cfg.fetch.proxy = args.proxy.clone();
    if let Some(ua) = &args.user_agent {
        cfg.fetch.user_agent = ua.clone();
    }
    cfg.max_redirects = args.max_redirects;
    cfg.max_retries = args.retries;
    cfg.max_urls_per_host = args.max_urls_per_host;
    cfg.max_query_variants = args.max_query_variants;
    cfg.max_file_bytes = args.warc_size;
    cfg.ignore_robots_legal_basis = if args.ignore_robots {
        args.legal_basis.clone()
    } else {
        None
    };
    cfg.operator = args.operator.clone();
    cfg.revisit = args.revisit.map(|every| Revisit {
        every,
        rounds: args.revisit_rounds,
    });
    if args.render {
        // Proxy and user agent are the crawl's (set by the crawler).
        let mut r = RenderOptions::new(args.chromium.clone(), String::new());
        r.window = args.window_size;
        r.timeout = args.render_timeout;
        r.max_dom_bytes = args.max_body;
        cfg.render = Some(r);
    }

    let stats = Arc::new(CrawlStats::default());
    let bar = progress_bar(args.quiet);
    let ticker = {
        let stats = stats.clone();
        let bar = bar.clone();
        std::thread::spawn(move || {
            while !bar.is_finished() {
                bar.set_message(format!(
                    "{} fetched, {} failed, {} skipped, {} unchanged, {} MB",
                    stats.fetched.load(Ordering::Relaxed),
                    stats.failed.load(Ordering::Relaxed),
                    stats.skipped.load(Ordering::Relaxed),
                    stats.unchanged.load(Ordering::Relaxed),
                    stats.bytes.load(Ordering::Relaxed) / 1_000_000
                ));
                bar.tick();
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    };
    // Multi-threaded: fetches, gzip and the frontier share the cores (tokio's multi-thread
    // runtime is enabled through cairn-collect).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(crawl(cfg, stats));
    bar.finish_and_clear();
    let _ = ticker.join();
    let summary = result.context("crawl")?;
    let m = manifest::write_manifest(&out, &key).context("writing the manifest")?;
    println!(
        "fetched {}, failed {}, skipped {}, unchanged re-visits {}",
        summary.fetched, summary.failed, summary.skipped, summary.unchanged
    );
    println!(
        "{} files in {} (manifest signed by {})",
        m.files.len(),
        out.display(),
        m.public_key
    );
    Ok(if summary.failed > 0 {
        exit::REJECTED
    } else {
        exit::OK
    })
}

fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
    let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar
}

/// `1280x1024` → (1280, 1024).
fn parse_window(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{s}`: expected WIDTHxHEIGHT, e.g. 1280x1024");
    let (w, h) = s.trim().split_once(['x', 'X']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if !(100..=10_000).contains(&w) || !(100..=10_000).contains(&h) {
        return Err(format!(
            "`{s}`: width and height must be 100 to 10000 pixels"
        ));
    }
    Ok((w, h))
}

/// `500ms`, `30s`, `15m`, `2h`, `1d` (a bare number is seconds).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}`: expected a number with a unit (ms, s, m, h, d)"))?;
    let secs = match unit.trim() {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86_400.0,
        u => return Err(format!("`{s}`: unknown unit `{u}` (ms, s, m, h, d)")),
    };
    if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
        return Err(format!("`{s}`: out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("3w").is_err());
    }

    #[test]
    fn windows() {
        assert_eq!(parse_window("1280x1024"), Ok((1280, 1024)));
        assert_eq!(parse_window("800X600"), Ok((800, 600)));
        assert!(parse_window("800").is_err());
        assert!(parse_window("0x600").is_err());
    }
}
