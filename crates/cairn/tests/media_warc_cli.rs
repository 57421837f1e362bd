//! Images inside WARC records: `cairn hash FILE.warc` hashes each one like the image file
//! itself, and `cairn scan` stores their hashes linked to the WARC record that carried them.
//! The WARC is built here from the benign reference images of `../shared/reference/pdq/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn cairn(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .expect("run cairn");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn reference(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/pdq")
        .join(name);
    assert!(p.is_file(), "reference image missing: {}", p.display());
    p
}

fn warc_record(kind: &str, uri: &str, id: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-03-01T10:00:00Z\r\nWARC-Record-ID: {id}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http_response(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const ID_PNG: &str = "<urn:uuid:00000000-0000-4000-8000-000000000001>";
const ID_JPEG: &str = "<urn:uuid:00000000-0000-4000-8000-000000000002>";

#[test]
fn images_in_warc_records_are_hashed_and_linked_to_their_records() {
    let tmp = tempfile::tempdir().unwrap();
    let png = reference("exact/q0003.png");
    let jpeg = reference("images/aaa-orig.jpg");
    let mut warc = Vec::new();
    warc.extend(warc_record(
        "resource",
        "https://ads.example/img/q0003.png",
        ID_PNG,
        "image/png",
        &std::fs::read(&png).unwrap(),
    ));
    warc.extend(warc_record(
        "response",
        "https://ads.example/",
        "<urn:uuid:00000000-0000-4000-8000-000000000003>",
        "application/http; msgtype=response",
        &http_response(
            "text/html",
            b"<html><body><p>Fictional ad, Lyon</p><img src=\"img/photo.jpg\"></body></html>",
        ),
    ));
    warc.extend(warc_record(
        "response",
        "https://ads.example/img/photo.jpg",
        ID_JPEG,
        "application/http; msgtype=response",
        &http_response("image/jpeg", &std::fs::read(&jpeg).unwrap()),
    ));
    let warc_path = tmp.path().join("crawl.warc");
    std::fs::write(&warc_path, &warc).unwrap();
    let data = tmp.path().join("data");

    // Each image of the WARC gets the hashes of the image file itself.
    let direct = |p: &Path| -> Value {
        let (code, out, err) = cairn(&data, &["hash", "--format", "jsonl", p.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        lines(&out).remove(0)
    };
    let (png_direct, jpeg_direct) = (direct(&png), direct(&jpeg));
    let (code, out, err) = cairn(
        &data,
        &["hash", "--format", "jsonl", warc_path.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    let got = lines(&out);
    assert_eq!(got.len(), 2, "{out}");
    for (line, want, id, url) in [
        (
            &got[0],
            &png_direct,
            ID_PNG,
            "https://ads.example/img/q0003.png",
        ),
        (
            &got[1],
            &jpeg_direct,
            ID_JPEG,
            "https://ads.example/img/photo.jpg",
        ),
    ] {
        assert_eq!(line["type"], "media");
        assert_eq!(line["path"], warc_path.to_str().unwrap());
        for field in ["sha256", "md5", "sha1", "pdq", "quality", "width", "height"] {
            assert_eq!(line[field], want[field], "{field}");
        }
        assert_eq!(line["warc_record_id"], id);
        assert_eq!(line["url"], url);
        assert!(line["locator"].as_str().unwrap().starts_with("offset:"));
    }

    // Scanning stores the hashes with the record that carried each image.
    let (code, _, err) = cairn(
        &data,
        &[
            "scan",
            "--quiet",
            "--format",
            "jsonl",
            warc_path.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let rows = runtime.block_on(async {
        let dir = cairn_store::DataDir::open_or_create(&data).unwrap();
        let store = cairn_store::Store::open(&dir).await.unwrap();
        store.media_occurrences().await.unwrap()
    });
    assert_eq!(rows.len(), 2, "{rows:?}");
    for (row, line) in rows.iter().zip(&got) {
        assert_eq!(Some(row.sha256.as_str()), line["sha256"].as_str());
        assert_eq!(row.pdq.as_deref(), line["pdq"].as_str());
        assert_eq!(row.quality, line["quality"].as_i64());
        assert_eq!(
            row.warc_record_id.as_deref(),
            line["warc_record_id"].as_str()
        );
        assert_eq!(row.url.as_deref(), line["url"].as_str());
        assert_eq!(Some(row.locator.as_str()), line["locator"].as_str());
    }
}
