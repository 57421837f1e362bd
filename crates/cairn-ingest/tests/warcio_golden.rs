//! Golden test against Python warcio: `warcio_golden.py` writes archives with warcio's WARCWriter
//! (plain 1.0 and 1.1, gzip per record, whole-file gzip; chunked, gzip, deflate and br payloads;
//! several charsets declared in HTTP, in `<meta>` or not at all) and prints what warcio's
//! ArchiveIterator reads. cairn-ingest must read the same records, URLs, record ids, offsets and
//! payload digests, decode the same content, and find each page's text.
//!
//! The interpreter is `$CAIRN_PYTHON`, else `<workspace>/.venv/bin/python` (made by
//! `scripts/test`). Without one the test fails: it never skips.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use cairn_core::sha256_hex;
use cairn_ingest::warc::{Position, WarcReader, WarcReaderOptions, WarcRecord};
use cairn_ingest::{Ingest, IngestOptions, Item, http};
use serde_json::Value;

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("CAIRN_PYTHON") {
        return PathBuf::from(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venv = root.join(".venv/bin/python");
    assert!(
        venv.exists(),
        "no Python for the warcio golden test: set CAIRN_PYTHON or run scripts/test \
         (it creates {} with warcio)",
        venv.display()
    );
    venv
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Pages compressed with brotli here (the Python side has no brotli encoder).
fn brotli_pages() -> Value {
    let pages = [
        ("nl-br", "nl", "Nieuw hier in Utrecht, stuur een bericht"),
        ("ro-br", "ro", "Nouă aici în Cluj, scrie-mi acum"),
    ];
    let list: Vec<Value> = pages
        .iter()
        .map(|(name, lang, marker)| {
            let html = format!(
                "<html lang={lang}><head><style>.x{{}}</style></head><body><h1>{marker}</h1>\
                 <a href=\"https://t.me/example_{lang}\">Telegram</a></body></html>"
            );
            let mut br = Vec::new();
            {
                let mut w = brotli::CompressorWriter::new(&mut br, 4096, 9, 22);
                w.write_all(html.as_bytes()).unwrap();
            }
            serde_json::json!({"name": name, "marker": marker, "html_hex": hex(html.as_bytes()), "br_hex": hex(&br)})
        })
        .collect();
    Value::Array(list)
}

struct Golden {
    dir: tempfile::TempDir,
    pages: Vec<Value>,
    records: Vec<Value>,
}

fn run_python() -> Golden {
    let dir = tempfile::tempdir().unwrap();
    let br_json = dir.path().join("br.json");
    std::fs::write(&br_json, serde_json::to_vec(&brotli_pages()).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/warcio_golden.py");
    let out = Command::new(python())
        .arg(&script)
        .arg(dir.path())
        .arg(&br_json)
        .output()
        .expect("cannot run the Python interpreter");
    assert!(
        out.status.success(),
        "warcio_golden.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages = Vec::new();
    let mut records = Vec::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        match v["kind"].as_str() {
            Some("page") => pages.push(v),
            Some("record") => records.push(v),
            other => panic!("unexpected line kind {other:?}"),
        }
    }
    assert!(
        pages.len() >= 14 && records.len() >= 60,
        "too little golden data"
    );
    Golden {
        dir,
        pages,
        records,
    }
}

fn s(v: &Value) -> Option<&str> {
    v.as_str()
}

/// The payload as warcio defines it: the block after the HTTP header for HTTP records (entity
/// body as stored: still chunked and content-encoded), else the whole block.
fn payload(rec: &WarcRecord) -> &[u8] {
    let is_http = rec
        .content_type()
        .is_some_and(|c| c.starts_with("application/http"));
    if !is_http {
        return &rec.block;
    }
    if let Some(resp) = http::parse_response(&rec.block) {
        return resp.body;
    }
    // Requests: split at the blank line.
    let end = rec
        .block
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(rec.block.len(), |i| i + 4);
    &rec.block[end..]
}

fn read_warc(path: &Path) -> Vec<WarcRecord> {
    let file = std::fs::File::open(path).unwrap();
    WarcReader::new(file, WarcReaderOptions::default())
        .map(|r| r.unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect()
}

/// Compares our raw reading of one archive with warcio's lines for `reference`.
fn compare_records(
    ours: &[WarcRecord],
    warcio: &[&Value],
    original: &HashMap<String, String>,
    whole_file: bool,
) {
    assert_eq!(ours.len(), warcio.len(), "record count");
    for (r, w) in ours.iter().zip(warcio) {
        let what = format!("{:?} {:?}", w["type"], w["uri"]);
        assert_eq!(r.record_type().as_deref(), s(&w["type"]), "type of {what}");
        assert_eq!(r.target_uri(), s(&w["uri"]), "uri of {what}");
        assert_eq!(r.record_id(), s(&w["record_id"]), "record id of {what}");
        let offset = w["offset"].as_u64().unwrap();
        match r.position {
            Position::Plain(o) => assert_eq!(o, offset, "offset of {what}"),
            Position::Gzip { member, inner } if whole_file => {
                assert_eq!((member, inner), (0, offset), "whole-file offset of {what}")
            }
            Position::Gzip { member, inner } => {
                assert_eq!((member, inner), (offset, 0), "member offset of {what}")
            }
        }
        if let Some(ok) = w["digest_ok"].as_bool() {
            assert!(ok, "warcio's payload digest check failed for {what}");
            assert_eq!(r.header("WARC-Payload-Digest"), s(&w["payload_digest"]));
        }
        let body = payload(r);
        assert_eq!(
            sha256_hex(body),
            s(&w["raw_sha256"]).unwrap(),
            "payload digest of {what}"
        );
        if r.record_type().as_deref() == Some("response") {
            let resp = http::parse_response(&r.block).unwrap();
            let decoded = resp.decoded_body(1 << 30).unwrap();
            let decoded_sha = sha256_hex(&decoded);
            if let Some(c) = s(&w["content_sha256"]) {
                assert_eq!(decoded_sha, c, "decoded content of {what}");
            }
            if let Some(orig) = s(&w["uri"]).and_then(|u| original.get(u)) {
                assert_eq!(
                    &decoded_sha, orig,
                    "decoded content of {what} vs the page written"
                );
            }
        }
    }
}

#[test]
fn warcio_golden() {
    let g = run_python();
    let original: HashMap<String, String> = g
        .pages
        .iter()
        .map(|p| {
            (
                s(&p["uri"]).unwrap().to_owned(),
                s(&p["original_sha256"]).unwrap().to_owned(),
            )
        })
        .collect();
    let archives = [
        "plain-1.0.warc",
        "plain-1.1.warc",
        "per-record.warc.gz",
        "whole-file.warc.gz",
    ];
    for name in archives {
        // warcio cannot read whole-file gzip; that file is plain-1.1.warc compressed.
        let reference = if name == "whole-file.warc.gz" {
            "plain-1.1.warc"
        } else {
            name
        };
        let warcio: Vec<&Value> = g
            .records
            .iter()
            .filter(|r| s(&r["archive"]) == Some(reference))
            .collect();
        let path = g.dir.path().join(name);
        let ours = read_warc(&path);
        compare_records(&ours, &warcio, &original, name == "whole-file.warc.gz");

        // Through the public API: one record per page, one media item, no errors.
        let items: Vec<Item> =
            Ingest::new(std::slice::from_ref(&path), IngestOptions::default()).collect();
        let mut by_url: HashMap<String, &cairn_core::Record> = HashMap::new();
        let mut media = 0;
        for item in &items {
            match item {
                Item::Record(r) => {
                    by_url.insert(r.provenance.url.clone().unwrap(), r);
                }
                Item::Media(m) => {
                    media += 1;
                    assert_eq!(m.content_type.as_deref(), Some("image/png"));
                    assert!(m.bytes.starts_with(b"\x89PNG"));
                }
                Item::Error(e) => panic!("{name}: unexpected error {e}"),
                Item::Line(_) => panic!("{name}: a WARC record given as a JSON Lines line"),
                Item::Warc(_) => panic!("{name}: a WARC record given undecoded unasked"),
            }
        }
        assert_eq!(media, 1, "{name}: media items");
        assert_eq!(by_url.len(), g.pages.len(), "{name}: one record per page");
        for page in &g.pages {
            let uri = s(&page["uri"]).unwrap();
            let marker = s(&page["marker"]).unwrap();
            let r = by_url
                .get(uri)
                .unwrap_or_else(|| panic!("{name}: no record for {uri}"));
            assert!(
                r.text.contains(marker),
                "{name}: {uri}: text {:?} lacks {marker:?}",
                r.text
            );
            assert!(
                !r.text.contains("tracking"),
                "{name}: {uri}: script text leaked"
            );
            let w = warcio
                .iter()
                .find(|w| {
                    s(&w["uri"]) == Some(uri)
                        && s(&w["type"]) != Some("request")
                        && s(&w["type"]) != Some("revisit")
                })
                .unwrap();
            assert_eq!(
                Some(r.provenance.sha256.as_str()),
                s(&w["raw_sha256"]),
                "{name}: {uri}: sha256"
            );
            assert_eq!(sha256_hex(&r.payload), r.provenance.sha256);
            assert_eq!(r.provenance.warc_record_id.as_deref(), s(&w["record_id"]));
            assert!(
                r.provenance
                    .captured_at
                    .as_deref()
                    .unwrap()
                    .starts_with("2024-05-01T10:")
            );
            if r.content_type.as_deref() == Some("text/html") {
                assert!(r.declared_lang.is_some(), "{name}: {uri}: html lang");
            }
        }
    }
}
