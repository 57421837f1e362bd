//! `cairn collect` end to end against the local test site: crawl, verify the signed manifest,
//! then `cairn scan` of the WARC files finds the site's selectors with their capture times.
#![allow(clippy::unwrap_used)]

#[path = "../../cairn-collect/tests/common/site.rs"]
mod site;

use std::process::Command;
use std::time::Duration;

fn cairn() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collect_verify_and_scan() {
    let s = site::start(site::SiteOptions {
        pages: 5,
        latency: Duration::ZERO,
        traps: false,
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("capture");
    let seed = s.url("/");
    let changing = s.url("/ad/changing");
    let changing_url = changing.clone();
    let fixed = s.url("/ad/static");
    let fixed_url = fixed.clone();
    let status = tokio::task::spawn_blocking({
        let data = data.path().to_owned();
        let out_dir = out_dir.clone();
        move || {
            cairn()
                .arg("--data")
                .arg(&data)
                .args([
                    "collect",
                    &seed,
                    &changing,
                    &fixed,
                    "--delay",
                    "0",
                    "--per-host",
                    "4",
                    "--quiet",
                ])
                .args(["--revisit", "200ms", "--revisit-rounds", "1"])
                .arg("--out")
                .arg(&out_dir)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert_eq!(
        status.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );

    let verify = cairn()
        .arg("--data")
        .arg(data.path())
        .args(["collect", "verify"])
        .arg(&out_dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(verify.status.code(), Some(0), "{text}");
    assert!(text.contains("signature: valid"));

    // Tampering is detected.
    let log = out_dir.join("crawl-log.jsonl");
    let mut bytes = std::fs::read(&log).unwrap();
    bytes.extend_from_slice(b"{}\n");
    std::fs::write(&log, bytes).unwrap();
    let verify = cairn()
        .arg("--data")
        .arg(data.path())
        .args(["collect", "verify"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(1));

    let scan = cairn()
        .arg("--data")
        .arg(data.path())
        .args(["scan", "--format", "jsonl", "--no-store", "--quiet"])
        .arg(out_dir.join("warc"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&scan.stdout);
    assert!(
        scan.status.success(),
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );
    for i in 1..=5 {
        assert!(
            text.contains(&format!("ad{i}.fictional@example.org")),
            "scan finds ad {i}"
        );
    }
    // The changing ad: every version is a record with its own capture time, and each has the
    // ad's e-mail as a finding.
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let versions: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|v| v["type"] == "record" && v["url"].as_str() == Some(changing_url.as_str()))
        .collect();
    let times: std::collections::HashSet<&str> = versions
        .iter()
        .filter_map(|v| v["captured_at"].as_str())
        .collect();
    assert_eq!(
        times.len(),
        2,
        "first capture and one changed re-visit: {versions:?}"
    );
    for v in &versions {
        assert!(
            lines.iter().any(|f| f["type"] == "finding"
                && f["record"] == v["id"]
                && f.to_string().contains("changing.ad@example.org")),
            "finding for {v}"
        );
    }
    // The ad that did not change: its re-visit is a revisit record in the WARC, and still a
    // version for `cairn scan`, at its own time, with the first capture's text.
    let fixed_versions: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|v| v["type"] == "record" && v["url"].as_str() == Some(fixed_url.as_str()))
        .collect();
    let fixed_times: std::collections::HashSet<&str> = fixed_versions
        .iter()
        .filter_map(|v| v["captured_at"].as_str())
        .collect();
    assert_eq!(
        (fixed_versions.len(), fixed_times.len()),
        (2, 2),
        "first capture and one unchanged re-visit: {fixed_versions:?}"
    );
    for v in &fixed_versions {
        assert!(
            lines.iter().any(|f| f["type"] == "finding"
                && f["record"] == v["id"]
                && f.to_string().contains("static.ad@example.org")),
            "finding for {v}"
        );
    }
    let log = std::fs::read_to_string(out_dir.join("crawl-log.jsonl")).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("\"revisit-unchanged\"") && l.contains(&fixed_url)),
        "the unchanged ad was stored as a revisit record"
    );
}

/// SHA-1 of the fictional file b"fictional file content".
const FILE_SHA1: &str = "e0f987dc415ac9fa7500e0ea381d84d9cc582098";

#[test]
fn torrent_files_and_list_match() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    // A v1 single-file torrent: the file fits in one piece, so the piece hash is its SHA-1.
    let piece: Vec<u8> = (0..20)
        .map(|i| u8::from_str_radix(&FILE_SHA1[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let mut info = b"d6:lengthi22e4:name9:notes.txt12:piece lengthi16384e6:pieces20:".to_vec();
    info.extend_from_slice(&piece);
    info.push(b'e');
    let mut t = b"d8:announce31:http://tracker.invalid/announce4:info".to_vec();
    t.extend_from_slice(&info);
    t.push(b'e');
    let file = dir.path().join("fictional.torrent");
    std::fs::write(&file, &t).unwrap();
    let list = dir.path().join("known.csv");
    std::fs::write(&list, format!("id,sha1\nfictional-1,{FILE_SHA1}\n")).unwrap();
    let add = cairn()
        .arg("--data")
        .arg(data.path())
        .args(["lists", "add", "fict"])
        .arg(&list)
        .output()
        .unwrap();
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let out = cairn()
        .arg("--data")
        .arg(data.path())
        .args(["collect", "torrent", "--format", "jsonl"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["type"], "torrent");
    assert_eq!(lines[0]["version"], "v1");
    assert_eq!(lines[0]["files"][0]["path"], "notes.txt");
    assert_eq!(lines[0]["files"][0]["length"], 22);
    assert_eq!(lines[0]["infohash_v1"].as_str().unwrap().len(), 40);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["type"], "match");
    assert_eq!(lines[1]["entry_id"], "fictional-1");
    assert_eq!(lines[1]["list"], "fict");

    let magnet = cairn()
        .arg("--data")
        .arg(data.path())
        .args(["collect", "torrent", "--format", "jsonl"])
        .arg(format!(
            "magnet:?xt=urn:btih:{}&dn=Fictional",
            "ab".repeat(20)
        ))
        .output()
        .unwrap();
    assert!(magnet.status.success());
    assert!(String::from_utf8_lossy(&magnet.stdout).contains("\"name\":\"Fictional\""));

    std::fs::write(&file, b"d4:infoi1ee").unwrap();
    let bad = cairn()
        .arg("--data")
        .arg(data.path())
        .args(["collect", "torrent"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("fictional.torrent"));
}

/// Responses per target URI in the WARC files of a collection.
fn responses(out: &std::path::Path) -> std::collections::HashMap<String, usize> {
    let mut m = std::collections::HashMap::new();
    for e in std::fs::read_dir(out.join("warc")).unwrap() {
        let p = e.unwrap().path();
        assert!(p.to_string_lossy().ends_with(".warc.gz"), "{}", p.display());
        let reader = cairn_ingest::warc::WarcReader::new(
            std::fs::File::open(&p).unwrap(),
            Default::default(),
        );
        for r in reader {
            let r = r.unwrap();
            if r.record_type().as_deref() == Some("response") {
                *m.entry(r.target_uri().unwrap().to_owned()).or_insert(0) += 1;
            }
        }
    }
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_then_resume_keeps_every_page_once() {
    let pages = 40;
    let s = site::start(site::SiteOptions {
        pages,
        latency: Duration::from_millis(20),
        traps: false,
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("capture");
    let args = |c: &mut Command| {
        c.arg("--data")
            .arg(data.path())
            .args(["collect", &s.url("/"), "--delay", "0", "--quiet"])
            .arg("--out")
            .arg(&out_dir);
    };
    let mut first = cairn();
    args(&mut first);
    let mut child = first.spawn().unwrap();
    // Kill (SIGKILL) once some captures are committed.
    let log = out_dir.join("crawl-log.jsonl");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let fetched = std::fs::read_to_string(&log)
            .map(|t| t.matches("\"fetched\"").count())
            .unwrap_or(0);
        if fetched >= 10 || std::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        std::fs::read_dir(out_dir.join("warc")).unwrap().any(|e| e
            .unwrap()
            .path()
            .to_string_lossy()
            .ends_with(".open")),
        "killed while writing"
    );

    let mut again = cairn();
    args(&mut again);
    let status = tokio::task::spawn_blocking(move || again.output().unwrap())
        .await
        .unwrap();
    assert_eq!(status.status.code(), Some(0));
    let seen = responses(&out_dir);
    // index, robots.txt, every page and image: each exactly once.
    assert_eq!(seen.len(), 2 + 2 * pages as usize, "{seen:?}");
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn render_then_scan_finds_text_built_by_javascript() {
    let s = site::start(site::SiteOptions {
        pages: 1,
        latency: Duration::ZERO,
        traps: false,
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("capture");
    let page = s.url("/ad/scripted");
    // The browser of the test machine (`scripts/test` installs Debian's chromium first).
    let chromium = std::env::var("CAIRN_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let run = {
        let data = data.path().to_owned();
        let out_dir = out_dir.clone();
        let page = page.clone();
        move |browser: String| {
            cairn()
                .arg("--data")
                .arg(&data)
                .args(["collect", &page, "--depth", "0", "--delay", "0", "--quiet"])
                .args([
                    "--render",
                    "--chromium",
                    &browser,
                    "--window-size",
                    "640x480",
                ])
                .arg("--out")
                .arg(&out_dir)
                .output()
                .unwrap()
        }
    };
    let missing = tokio::task::spawn_blocking({
        let run = run.clone();
        move || run("/nonexistent/cairn-test/chromium".into())
    })
    .await
    .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(err.contains("/nonexistent/cairn-test/chromium"), "{err}");
    assert!(
        !out_dir.exists(),
        "nothing written before the browser is found"
    );

    let done = tokio::task::spawn_blocking(move || run(chromium))
        .await
        .unwrap();
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let scan = cairn()
        .arg("--data")
        .arg(data.path())
        .args(["scan", "--format", "jsonl", "--no-store", "--quiet"])
        .arg(out_dir.join("warc"))
        .output()
        .unwrap();
    assert!(scan.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&scan.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let dom = lines
        .iter()
        .find(|v| v["type"] == "record" && v["url"] == format!("urn:dom:{page}"))
        .expect("the rendered DOM is a record");
    assert!(
        lines.iter().any(|f| f["type"] == "finding"
            && f["record"] == dom["id"]
            && f.to_string().contains("scripted.ad@example.org")),
        "the e-mail inserted by the script is found in the rendered DOM"
    );
}
