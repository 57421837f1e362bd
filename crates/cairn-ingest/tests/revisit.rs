//! Revisit records (unchanged payload) read as versions of the page at their own time, with
//! the content of the earlier capture they refer to, from the same file or an earlier one.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use cairn_ingest::{Ingest, IngestOptions, Item};
use flate2::Compression;
use flate2::write::GzEncoder;

const URL: &str = "http://ads.example/ad/7";
const DIGEST: &str = "sha1:FICTIONALDIGESTAAAAAAAAAAAAAAAAA";
const BODY: &str = "<p>Fictional ad seven, seven.ad@example.org</p>";

fn record(rtype: &str, id: &str, date: &str, extra: &str, block: &[u8]) -> Vec<u8> {
    let mut v = format!(
        "WARC/1.1\r\nWARC-Type: {rtype}\r\nWARC-Target-URI: {URL}\r\nWARC-Date: {date}\r\n\
         WARC-Record-ID: <urn:uuid:{id}>\r\nContent-Type: application/http; msgtype=response\r\n\
         {extra}Content-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    v.extend_from_slice(block);
    v.extend_from_slice(b"\r\n\r\n");
    v
}

fn response(id: &str, date: &str) -> Vec<u8> {
    let block = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>{BODY}</body></html>"
    );
    record(
        "response",
        id,
        date,
        &format!("WARC-Payload-Digest: {DIGEST}\r\n"),
        block.as_bytes(),
    )
}

fn revisit(id: &str, date: &str, digest: Option<&str>) -> Vec<u8> {
    let mut extra =
        "WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest\r\n\
                     WARC-Refers-To: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n\
                     WARC-Refers-To-Date: 2026-12-01T10:00:00Z\r\n"
            .to_owned();
    if let Some(d) = digest {
        extra.push_str(&format!("WARC-Payload-Digest: {d}\r\n"));
    }
    record(
        "revisit",
        id,
        date,
        &extra,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n",
    )
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

fn read(inputs: &[PathBuf]) -> Vec<Item> {
    Ingest::new(inputs, IngestOptions::default()).collect()
}

/// (captured_at, WARC record id, text) of every record item.
fn versions(items: &[Item]) -> Vec<(String, String, String)> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Record(r) => Some((
                r.provenance.captured_at.clone().unwrap_or_default(),
                r.provenance.warc_record_id.clone().unwrap_or_default(),
                r.text.clone(),
            )),
            _ => None,
        })
        .collect()
}

fn check_three_versions(items: &[Item]) {
    let errors: Vec<_> = items
        .iter()
        .filter(|i| matches!(i, Item::Error(_)))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let v = versions(items);
    let times: Vec<&str> = v.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        times,
        [
            "2026-12-01T10:00:00Z",
            "2026-12-01T11:00:00Z",
            "2026-12-01T12:00:00Z"
        ]
    );
    let ids: Vec<&str> = v.iter().map(|x| x.1.as_str()).collect();
    assert_eq!(
        ids,
        [
            "<urn:uuid:00000000-0000-4000-8000-000000000001>",
            "<urn:uuid:00000000-0000-4000-8000-000000000002>",
            "<urn:uuid:00000000-0000-4000-8000-000000000003>"
        ]
    );
    for (_, _, text) in &v {
        assert!(text.contains("seven.ad@example.org"), "{text}");
    }
    // Distinct records (the id binds the capture time), same payload hash.
    let records: Vec<_> = items
        .iter()
        .filter_map(|i| match i {
            Item::Record(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_ne!(records[0].id, records[1].id);
    assert_ne!(records[1].id, records[2].id);
    assert_eq!(records[0].provenance.sha256, records[2].provenance.sha256);
    assert_eq!(records[2].provenance.url.as_deref(), Some(URL));
}

fn three() -> [Vec<u8>; 3] {
    [
        response(
            "00000000-0000-4000-8000-000000000001",
            "2026-12-01T10:00:00Z",
        ),
        revisit(
            "00000000-0000-4000-8000-000000000002",
            "2026-12-01T11:00:00Z",
            Some(DIGEST),
        ),
        revisit(
            "00000000-0000-4000-8000-000000000003",
            "2026-12-01T12:00:00Z",
            Some(DIGEST),
        ),
    ]
}

#[test]
fn revisits_in_a_later_gzip_file_read_the_first_capture() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b, c] = three();
    write(dir.path(), "crawl-00000.warc.gz", &gz(&a));
    let mut later = gz(&b);
    later.extend_from_slice(&gz(&c));
    write(dir.path(), "crawl-00001.warc.gz", &later);
    let items = read(&[dir.path().to_owned()]);
    check_three_versions(&items);
    // The revisit keeps its own place in its own file.
    let Item::Record(r) = &items[2] else {
        panic!("{:?}", items[2])
    };
    assert!(r.provenance.source.ends_with("crawl-00001.warc.gz"));
    assert_eq!(r.provenance.locator, format!("offset:{}", gz(&b).len()));
}

#[test]
fn revisits_in_plain_and_whole_file_gzip_warc() {
    let dir = tempfile::tempdir().unwrap();
    let all = three().concat();
    let plain = write(dir.path(), "plain.warc", &all);
    check_three_versions(&read(&[plain]));
    let whole = write(dir.path(), "whole.warc.gz", &gz(&all));
    check_three_versions(&read(&[whole]));
}

#[test]
fn revisit_without_its_first_capture_is_skipped() {
    // One file of a rotated crawl: the first capture is elsewhere, nothing to read here.
    let dir = tempfile::tempdir().unwrap();
    let [_, b, _] = three();
    let p = write(dir.path(), "later.warc.gz", &gz(&b));
    assert_eq!(read(&[p]), Vec::<Item>::new());
}

#[test]
fn revisit_without_a_payload_digest_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let [a, _, _] = three();
    let mut data = gz(&a);
    data.extend_from_slice(&gz(&revisit(
        "00000000-0000-4000-8000-000000000009",
        "2026-12-01T13:00:00Z",
        None,
    )));
    let p = write(dir.path(), "x.warc.gz", &data);
    let items = read(&[p]);
    assert_eq!(versions(&items).len(), 1, "{items:?}");
    assert!(!items.iter().any(|i| matches!(i, Item::Error(_))));
}
