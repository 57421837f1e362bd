//! Crawls of the local test site: WARC read back by cairn-ingest and by Python warcio (digests
//! checked), every page once, traps bounded, failures recorded, resume without duplicates,
//! re-visits.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use cairn_collect::{CrawlConfig, CrawlStats, Revisit, crawl, manifest};
use cairn_ingest::warc::{WarcReader, WarcReaderOptions, WarcRecord};
use common::site::{self, SiteOptions};
use url::Url;

fn config(out: &Path, seed: &str) -> CrawlConfig {
    let mut cfg = CrawlConfig::new(out.to_owned(), vec![Url::parse(seed).unwrap()]);
    cfg.max_depth = 4;
    cfg.concurrency = 8;
    cfg.per_host_concurrency = 4;
    cfg.delay = Duration::ZERO;
    cfg.fetch.timeout = Duration::from_secs(2);
    cfg.fetch.connect_timeout = Duration::from_secs(1);
    cfg.fetch.max_body_bytes = 256 * 1024;
    cfg.max_retries = 1;
    cfg.retry_base = Duration::from_millis(50);
    cfg.max_redirects = 5;
    cfg.max_query_variants = 5;
    // Small files, so that rotation happens.
    cfg.max_file_bytes = 16 * 1024;
    cfg
}

fn warc_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join(cairn_collect::crawler::WARC_DIR))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".warc.gz"))
        .collect();
    v.sort();
    v
}

fn read_records(dir: &Path) -> Vec<WarcRecord> {
    let mut out = Vec::new();
    for f in warc_files(dir) {
        let reader = WarcReader::new(
            std::fs::File::open(&f).unwrap(),
            WarcReaderOptions::default(),
        );
        for r in reader {
            out.push(r.unwrap_or_else(|e| panic!("{}: {e}", f.display())));
        }
    }
    out
}

/// Target URI → number of records of `kind`.
fn count_by_uri(records: &[WarcRecord], kind: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for r in records {
        if r.record_type().as_deref() == Some(kind) {
            *m.entry(r.target_uri().unwrap_or("").to_owned())
                .or_insert(0) += 1;
        }
    }
    m
}

fn python() -> PathBuf {
    if let Ok(p) = std::env::var("CAIRN_PYTHON") {
        return PathBuf::from(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.join(".venv/bin/python")
}

/// warcio reads every file with digest checking; returns (records, digests passed).
fn warcio_check(dir: &Path) -> (usize, usize) {
    let script = r#"
import sys, json
from warcio.archiveiterator import ArchiveIterator
records = passed = 0
problems = []
for name in sys.argv[1:]:
    with open(name, 'rb') as f:
        it = ArchiveIterator(f, check_digests=True)
        for rec in it:
            rec.content_stream().read()
            records += 1
            if rec.digest_checker.passed is False:
                problems.append([name, rec.rec_headers.get_header('WARC-Record-ID'), rec.digest_checker.problems])
            elif rec.digest_checker.passed:
                passed += 1
print(json.dumps({"records": records, "passed": passed, "problems": problems}))
"#;
    let files = warc_files(dir);
    let py = python();
    let out = Command::new(&py)
        .arg("-c")
        .arg(script)
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (set CAIRN_PYTHON or create .venv)", py.display()));
    assert!(
        out.status.success(),
        "warcio failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["problems"], serde_json::json!([]), "digest problems");
    // `warcio check` itself (the CLI) must agree.
    let check = Command::new(&py)
        .args(["-m", "warcio.cli", "check"])
        .args(&files)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "warcio check: {}",
        String::from_utf8_lossy(&check.stdout)
    );
    (
        v["records"].as_u64().unwrap() as usize,
        v["passed"].as_u64().unwrap() as usize,
    )
}

fn log_lines(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join(cairn_collect::crawler::CRAWL_LOG))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn events_for<'a>(log: &'a [serde_json::Value], url: &str) -> Vec<&'a str> {
    log.iter()
        .filter(|l| l["url"] == url)
        .map(|l| l["event"].as_str().unwrap_or(""))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_crawl_gives_valid_warc_every_page_once_and_bounded_traps() {
    let site = site::start(SiteOptions {
        pages: 20,
        latency: Duration::ZERO,
        traps: true,
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let stats = Arc::new(CrawlStats::default());
    let summary = crawl(config(out.path(), &site.url("/")), stats.clone())
        .await
        .unwrap();
    let log = log_lines(out.path());
    assert!(
        summary.warc_files.len() > 1,
        "files rotate by size: {summary:?} {log:#?}"
    );
    assert_eq!(stats.fetched.load(Ordering::Relaxed), summary.fetched);

    let records = read_records(out.path());
    let responses = count_by_uri(&records, "response");
    for i in 1..=20 {
        let u = site.url(&format!("/page/{i}"));
        assert_eq!(responses.get(&u), Some(&1), "{u} once");
        assert_eq!(responses.get(&site.url(&format!("/img/{i}.png"))), Some(&1));
    }
    assert_eq!(responses.get(&site.url("/")), Some(&1));
    assert_eq!(responses.get(&site.url("/robots.txt")), Some(&1));
    // Every response has its request, and every file starts with warcinfo.
    assert_eq!(
        records
            .iter()
            .filter(|r| r.record_type().as_deref() == Some("request"))
            .count(),
        responses.values().sum::<usize>()
    );
    let mut files_seen = 0;
    for f in warc_files(out.path()) {
        let first = WarcReader::new(std::fs::File::open(&f).unwrap(), Default::default())
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(first.record_type().as_deref(), Some("warcinfo"));
        assert_eq!(first.version, "WARC/1.1");
        files_seen += 1;
    }
    assert_eq!(files_seen, summary.warc_files.len());

    // robots.txt obeyed; session ids stripped; off-scope host never fetched.
    assert!(!responses.contains_key(&site.url("/private/secret")));
    assert!(responses.keys().all(|u| !u.contains("PHPSESSID")));
    assert!(responses.keys().all(|u| !u.contains("outside.invalid")));
    // Redirects: each hop recorded once; the loop ends by deduplication; the endless chain at
    // the redirect limit.
    for p in ["/redirect/a", "/redirect/b", "/loop/1", "/loop/2"] {
        assert_eq!(responses.get(&site.url(p)), Some(&1), "{p}");
    }
    let chain = responses.keys().filter(|u| u.contains("/chain/")).count();
    assert_eq!(chain, 6, "first hop plus 5 redirects");
    // Calendar trap bounded by the query-variant limit.
    let calendar = responses.keys().filter(|u| u.contains("/calendar")).count();
    assert!(calendar <= 5, "calendar pages: {calendar}");
    // Huge and endless bodies cut and marked.
    for p in ["/huge", "/endless", "/reset"] {
        let r = records
            .iter()
            .find(|r| {
                r.record_type().as_deref() == Some("response")
                    && r.target_uri() == Some(&site.url(p))
            })
            .unwrap_or_else(|| panic!("{p} recorded"));
        let t = r
            .header("WARC-Truncated")
            .unwrap_or_else(|| panic!("{p} truncated"));
        assert!(["length", "time", "disconnect"].contains(&t), "{p}: {t}");
        assert!(r.block.len() <= 256 * 1024 + 1024);
    }
    // A windows-1252 page is stored byte for byte (no re-encoding of evidence).
    let latin1 = records
        .iter()
        .find(|r| {
            r.record_type().as_deref() == Some("response")
                && r.target_uri() == Some(&site.url("/latin1"))
        })
        .unwrap();
    assert!(latin1.block.windows(4).any(|w| w == b"tr\xe8s"));
    assert_eq!(
        responses.get(&site.url("/gone")),
        Some(&1),
        "a 410 is recorded too"
    );
    // Failures recorded in the log and as WARC metadata; the crawl went on.
    for p in ["/slow", "/broken", "/badstatus"] {
        let ev = events_for(&log, &site.url(p));
        assert!(ev.contains(&"retry"), "{p}: {ev:?}");
        assert!(ev.contains(&"failed"), "{p}: {ev:?}");
        assert!(
            records
                .iter()
                .any(|r| r.record_type().as_deref() == Some("metadata")
                    && r.target_uri() == Some(&site.url(p))
                    && String::from_utf8_lossy(&r.block).contains("fetch-error")),
            "{p} failure in the WARC"
        );
    }
    assert!(events_for(&log, &site.url("/private/secret")).contains(&"skipped"));
    assert_eq!(log.first().unwrap()["event"], "start");
    assert_eq!(log.last().unwrap()["event"], "end");

    let (n, passed) = warcio_check(out.path());
    assert_eq!(
        n,
        records.len(),
        "warcio and cairn-ingest see the same records"
    );
    assert!(passed >= responses.values().sum::<usize>());

    // Chain of custody.
    let data = tempfile::tempdir().unwrap();
    let key = manifest::load_or_create_key(data.path()).unwrap();
    let m = manifest::write_manifest(out.path(), &key).unwrap();
    assert_eq!(m.files.len(), summary.warc_files.len() + 1);
    assert!(
        manifest::verify(out.path(), Some(&manifest::public_key_hex(&key)))
            .unwrap()
            .ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_crawl_resumes_without_duplicates() {
    let pages = 60;
    let site = site::start(SiteOptions {
        pages,
        latency: Duration::from_millis(15),
        traps: false,
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut cfg = config(out.path(), &site.url("/"));
    cfg.max_file_bytes = 1024 * 1024;
    let stats = Arc::new(CrawlStats::default());
    let task = tokio::spawn(crawl(cfg.clone(), stats.clone()));
    while stats.fetched.load(Ordering::Relaxed) < 25 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    task.abort();
    let _ = task.await;
    let partial = count_by_uri(&read_records(out.path()), "response").len();
    assert!(partial < 2 * pages as usize + 2, "stopped early: {partial}");

    let hits_before = site.hits.load(Ordering::Relaxed);
    crawl(cfg, Arc::new(CrawlStats::default())).await.unwrap();
    let records = read_records(out.path());
    let responses = count_by_uri(&records, "response");
    // index, robots.txt, pages and images: each exactly once.
    assert_eq!(responses.len(), 2 + 2 * pages as usize);
    assert!(responses.values().all(|&n| n == 1), "{responses:?}");
    let fetched_after = site.hits.load(Ordering::Relaxed) - hits_before;
    assert!(
        fetched_after < 2 + 2 * u64::from(pages),
        "resume fetched only what was missing ({fetched_after})"
    );
    warcio_check(out.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revisits_record_unchanged_as_revisit_and_changed_in_full() {
    let site = site::start(SiteOptions {
        pages: 1,
        latency: Duration::ZERO,
        traps: false,
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut cfg = config(out.path(), &site.url("/ad/static"));
    cfg.seeds
        .push(Url::parse(&site.url("/ad/changing")).unwrap());
    cfg.max_depth = 0;
    cfg.revisit = Some(Revisit {
        every: Duration::from_millis(300),
        rounds: 2,
    });
    let summary = crawl(cfg, Arc::new(CrawlStats::default())).await.unwrap();
    assert_eq!(summary.unchanged, 2);
    let records = read_records(out.path());
    let responses = count_by_uri(&records, "response");
    let revisits = count_by_uri(&records, "revisit");
    assert_eq!(responses.get(&site.url("/ad/static")), Some(&1));
    assert_eq!(revisits.get(&site.url("/ad/static")), Some(&2));
    assert_eq!(responses.get(&site.url("/ad/changing")), Some(&3));
    assert_eq!(revisits.get(&site.url("/ad/changing")), None);
    let first = records
        .iter()
        .find(|r| {
            r.record_type().as_deref() == Some("response")
                && r.target_uri() == Some(&site.url("/ad/static"))
        })
        .unwrap();
    for r in records
        .iter()
        .filter(|r| r.record_type().as_deref() == Some("revisit"))
    {
        assert_eq!(r.header("WARC-Refers-To"), first.record_id());
        assert_eq!(
            r.header("WARC-Payload-Digest"),
            first.header("WARC-Payload-Digest")
        );
        assert!(r.date() > first.date());
    }
    warcio_check(out.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_failure_is_recorded_not_accepted() {
    // HTTPS to a plain-HTTP port: the handshake fails, which must be a recorded failure.
    let site = site::start(SiteOptions {
        pages: 1,
        latency: Duration::ZERO,
        traps: false,
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let seed = format!("https://{}/", site.addr);
    let mut cfg = config(out.path(), &seed);
    cfg.ignore_robots_legal_basis = Some("Fictional court order 0000/TEST".into());
    let summary = crawl(cfg, Arc::new(CrawlStats::default())).await.unwrap();
    assert_eq!((summary.fetched, summary.failed), (0, 1));
    let log = log_lines(out.path());
    let failed = log.iter().find(|l| l["event"] == "failed").unwrap();
    assert_eq!(failed["error_kind"], "tls", "{failed}");
    assert_eq!(log[0]["legal_basis"], "Fictional court order 0000/TEST");
    let records = read_records(out.path());
    assert_eq!(records[0].record_type().as_deref(), Some("warcinfo"));
    assert!(
        String::from_utf8_lossy(&records[0].block).contains("legal-basis: Fictional court order")
    );
    assert!(
        records
            .iter()
            .any(|r| r.record_type().as_deref() == Some("metadata")
                && String::from_utf8_lossy(&r.block).contains("fetch-error: tls"))
    );
}

/// A minimal SOCKS5 proxy (no authentication, CONNECT only) that sends every connection to
/// `target`, whatever name the client asked for: stands in for Tor in front of an .onion site.
async fn socks5_proxy(
    target: std::net::SocketAddr,
) -> (std::net::SocketAddr, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let names = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = names.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut c, _)) = listener.accept().await else {
                continue;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = [0u8; 2];
                c.read_exact(&mut head).await?;
                let mut methods = vec![0u8; head[1] as usize];
                c.read_exact(&mut methods).await?;
                c.write_all(&[5, 0]).await?;
                let mut req = [0u8; 4];
                c.read_exact(&mut req).await?;
                let name = match req[3] {
                    3 => {
                        let mut len = [0u8; 1];
                        c.read_exact(&mut len).await?;
                        let mut n = vec![0u8; len[0] as usize];
                        c.read_exact(&mut n).await?;
                        String::from_utf8_lossy(&n).into_owned()
                    }
                    1 => {
                        let mut a = [0u8; 4];
                        c.read_exact(&mut a).await?;
                        std::net::Ipv4Addr::from(a).to_string()
                    }
                    _ => return Ok::<(), std::io::Error>(()),
                };
                let mut port = [0u8; 2];
                c.read_exact(&mut port).await?;
                seen.lock().unwrap().push(name);
                let mut up = tokio::net::TcpStream::connect(target).await?;
                c.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).await?;
                tokio::io::copy_bidirectional(&mut c, &mut up).await?;
                Ok(())
            });
        }
    });
    (addr, names)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onion_site_through_socks5h_proxy() {
    let site = site::start(SiteOptions {
        pages: 3,
        latency: Duration::ZERO,
        traps: false,
    })
    .await;
    let (proxy, names) = socks5_proxy(site.addr).await;
    let out = tempfile::tempdir().unwrap();
    let onion = "http://fictionalexampleadsite.onion/";
    let mut cfg = config(out.path(), onion);
    cfg.fetch.proxy = Some(format!("socks5h://{proxy}"));
    let summary = crawl(cfg, Arc::new(CrawlStats::default())).await.unwrap();
    // index, 3 pages, 3 images (robots.txt is not counted as a page).
    assert_eq!(summary.fetched, 7);
    let responses = count_by_uri(&read_records(out.path()), "response");
    assert_eq!(responses.get(onion), Some(&1));
    assert_eq!(
        responses.get("http://fictionalexampleadsite.onion/page/3"),
        Some(&1)
    );
    // The name went to the proxy unresolved (socks5h), as Tor needs.
    assert!(
        names
            .lock()
            .unwrap()
            .iter()
            .all(|n| n == "fictionalexampleadsite.onion")
    );
    warcio_check(out.path());
}

/// The browser of the test machine: `scripts/test` installs the Debian `chromium` package
/// before `cargo test`; `CAIRN_CHROMIUM` names another one.
fn chromium() -> PathBuf {
    PathBuf::from(std::env::var("CAIRN_CHROMIUM").unwrap_or_else(|_| "chromium".into()))
}

fn render_options() -> cairn_collect::render::RenderOptions {
    let mut o = cairn_collect::render::RenderOptions::new(chromium(), String::new());
    o.window = (800, 600);
    o.script_budget = Duration::from_secs(2);
    o.timeout = Duration::from_secs(60);
    o
}

/// Checks the render records of `page` in `records`: the raw response lacks the scripted
/// text, the rendered DOM holds it, a PNG screenshot and a metadata record name the response.
fn assert_rendered(records: &[WarcRecord], page: &str) {
    let response = records
        .iter()
        .find(|r| r.record_type().as_deref() == Some("response") && r.target_uri() == Some(page))
        .unwrap_or_else(|| panic!("no response for {page}"));
    let wanted = "scripted.ad@example.org";
    assert!(!String::from_utf8_lossy(&response.block).contains(wanted));
    assert!(
        response
            .header(cairn_collect::crawler::HTTP_HEAD_FIELD)
            .is_some_and(|v| v.starts_with("rebuilt from parsed fields")),
        "{:?}",
        response.headers
    );
    let response_id = response.record_id();
    let dom_uri = format!("urn:dom:{page}");
    let dom = records
        .iter()
        .find(|r| {
            r.record_type().as_deref() == Some("resource") && r.target_uri() == Some(&dom_uri)
        })
        .expect("rendered DOM record");
    assert_eq!(dom.header("WARC-Concurrent-To"), response_id);
    assert_eq!(dom.content_type(), Some("text/html; charset=utf-8"));
    let text = String::from_utf8_lossy(&dom.block);
    assert!(
        text.contains(&format!("Fictional scripted ad, {wanted}")),
        "{text}"
    );
    let shot_uri = format!("urn:view:{page}");
    let shot = records
        .iter()
        .find(|r| {
            r.record_type().as_deref() == Some("resource") && r.target_uri() == Some(&shot_uri)
        })
        .expect("screenshot record");
    assert_eq!(shot.header("WARC-Concurrent-To"), response_id);
    assert!(shot.block.starts_with(b"\x89PNG\r\n\x1a\n"));
    let meta = records
        .iter()
        .find(|r| {
            r.record_type().as_deref() == Some("metadata")
                && r.target_uri() == Some(page)
                && String::from_utf8_lossy(&r.block).contains("renderer: ")
        })
        .expect("render metadata record");
    assert_eq!(meta.header("WARC-Concurrent-To"), response_id);
    let fields = String::from_utf8_lossy(&meta.block);
    assert!(fields.contains("renderer: Chromium"), "{fields}");
    assert!(
        fields.contains(&format!("dom-record: {}", dom.record_id().unwrap())),
        "{fields}"
    );
    assert!(fields.contains("window-size: 800x600"), "{fields}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn render_stores_the_dom_built_by_javascript_and_a_screenshot() {
    let site = site::start(SiteOptions {
        pages: 1,
        latency: Duration::ZERO,
        traps: false,
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let page = site.url("/ad/scripted");
    let mut cfg = config(out.path(), &page);
    cfg.max_depth = 0;
    cfg.render = Some(render_options());
    let summary = crawl(cfg, Arc::new(CrawlStats::default())).await.unwrap();
    assert_eq!((summary.fetched, summary.failed), (1, 0));
    let records = read_records(out.path());
    assert_rendered(&records, &page);
    let info = String::from_utf8_lossy(&records[0].block).into_owned();
    assert!(info.contains("render: Chromium"), "{info}");
    // robots.txt (not HTML) is never rendered.
    assert_eq!(
        records
            .iter()
            .filter(|r| r.record_type().as_deref() == Some("resource"))
            .count(),
        2
    );
    let log = log_lines(out.path());
    let fetched = log.iter().find(|l| l["event"] == "fetched").unwrap();
    assert!(
        fetched["render"]["dom_bytes"].as_u64().unwrap() > 0,
        "{fetched}"
    );
    warcio_check(out.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn render_goes_through_the_crawl_proxy() {
    let site = site::start(SiteOptions {
        pages: 1,
        latency: Duration::ZERO,
        traps: false,
    })
    .await;
    let (proxy, names) = socks5_proxy(site.addr).await;
    let out = tempfile::tempdir().unwrap();
    let page = "http://fictionalscriptedads.onion/ad/scripted";
    let mut cfg = config(out.path(), page);
    cfg.max_depth = 0;
    cfg.fetch.proxy = Some(format!("socks5h://{proxy}"));
    cfg.render = Some(render_options());
    let summary = crawl(cfg, Arc::new(CrawlStats::default())).await.unwrap();
    assert_eq!((summary.fetched, summary.failed), (1, 0));
    assert_rendered(&read_records(out.path()), page);
    let names = names.lock().unwrap();
    assert!(
        names.iter().all(|n| n == "fictionalscriptedads.onion"),
        "{names:?}"
    );
    warcio_check(out.path());
}

#[tokio::test]
async fn render_without_a_browser_is_refused_before_the_crawl() {
    let out = tempfile::tempdir().unwrap();
    let mut cfg = config(out.path(), "http://127.0.0.1:9/");
    let mut o = render_options();
    o.chromium = PathBuf::from("/nonexistent/cairn-test/chromium");
    cfg.render = Some(o);
    let err = crawl(cfg, Arc::new(CrawlStats::default()))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent/cairn-test/chromium"), "{err}");
    assert!(err.contains("chromium"), "{err}");
}
