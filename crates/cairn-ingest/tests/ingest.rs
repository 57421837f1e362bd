//! End-to-end reading of files and directories through the public `Ingest` API: every kind of
//! input, every kind of bad input, provenance and progress.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use cairn_core::sha256_hex;
use cairn_ingest::{Ingest, IngestOptions, Item};
use flate2::Compression;
use flate2::write::GzEncoder;

fn warc_record(rtype: &str, uri: &str, date: &str, block: &[u8]) -> Vec<u8> {
    let mut v = format!(
        "WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n\
         WARC-Record-ID: <urn:uuid:{}>\r\nContent-Type: application/http; msgtype=response\r\n\
         Content-Length: {}\r\n\r\n",
        sha256_hex(block).get(..32).unwrap(),
        block.len()
    )
    .into_bytes();
    v.extend_from_slice(block);
    v.extend_from_slice(b"\r\n\r\n");
    v
}

fn http(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut v = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
    v.extend_from_slice(body);
    v
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, data).unwrap();
    p
}

fn read(inputs: &[PathBuf]) -> Vec<Item> {
    Ingest::new(inputs, IngestOptions::default()).collect()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

fn sample_warc() -> (Vec<Vec<u8>>, Vec<u8>) {
    let page = "<html lang=de><body><p>Neu in der Stadt &ndash; ruf an</p>\
                <a href='https://wa.me/4915112345678'>WhatsApp</a><script>x()</script></body></html>";
    // Content coding first, transfer coding last (as on the wire).
    let mut chunked = Vec::new();
    for part in gz(page.as_bytes()).chunks(20) {
        chunked.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        chunked.extend_from_slice(part);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let body2 = chunked;
    let records = vec![
        warc_record(
            "warcinfo",
            "",
            "2024-05-01T10:00:00Z",
            b"software: test\r\n",
        ),
        warc_record(
            "request",
            "https://ads.example.de/1",
            "2024-05-01T10:00:00Z",
            b"GET /1 HTTP/1.1\r\n\r\n",
        ),
        warc_record(
            "response",
            "https://ads.example.de/1",
            "2024-05-01T10:00:00Z",
            &http(
                "Content-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
                &body2,
            ),
        ),
        warc_record(
            "response",
            "https://ads.example.de/p.png",
            "2024-05-01T10:00:01+01:00",
            &http("Content-Type: image/png\r\n", PNG),
        ),
        warc_record(
            "response",
            "https://ads.example.de/app.js",
            "2024-05-01T10:00:02Z",
            &http(
                "Content-Type: application/javascript\r\n",
                b"var phone = '0151';",
            ),
        ),
        warc_record(
            "response",
            "https://ads.example.fr/2",
            "2024-05-01T10:00:03Z",
            &http(
                "Content-Type: text/html\r\n",
                b"<p>Nouvelle \xe0 Paris, t\xe9l\xe9phone</p>",
            ),
        ),
    ];
    (records, body2)
}

#[test]
fn warc_gz_records_media_and_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let (records, body2) = sample_warc();
    let members: Vec<Vec<u8>> = records.iter().map(|r| gz(r)).collect();
    let path = write(dir.path(), "crawl.bin", &members.concat()); // no .warc extension on purpose
    let items = read(std::slice::from_ref(&path));
    assert_eq!(items.len(), 3, "{items:?}");
    let source = path.to_string_lossy().into_owned();

    let Item::Record(r) = &items[0] else {
        panic!("{:?}", items[0])
    };
    let off: usize = members[..2].iter().map(Vec::len).sum();
    assert_eq!(r.provenance.source, source);
    assert_eq!(r.provenance.locator, format!("offset:{off}"));
    assert_eq!(
        r.provenance.url.as_deref(),
        Some("https://ads.example.de/1")
    );
    assert_eq!(
        r.provenance.captured_at.as_deref(),
        Some("2024-05-01T10:00:00Z")
    );
    assert!(
        r.provenance
            .warc_record_id
            .as_deref()
            .unwrap()
            .starts_with("<urn:uuid:")
    );
    assert_eq!(r.payload, body2, "payload is the entity body as stored");
    assert_eq!(r.provenance.sha256, sha256_hex(&body2));
    assert_eq!(
        r.id,
        cairn_core::derive_record_id(
            &r.provenance.sha256,
            r.provenance.url.as_deref(),
            r.provenance.captured_at.as_deref()
        )
    );
    assert_eq!(
        r.text,
        "Neu in der Stadt – ruf an\nWhatsApp https://wa.me/4915112345678"
    );
    assert_eq!(r.declared_lang.as_deref(), Some("de"));
    assert_eq!(r.content_type.as_deref(), Some("text/html"));

    let Item::Media(m) = &items[1] else {
        panic!("{:?}", items[1])
    };
    assert_eq!(m.bytes, PNG);
    assert_eq!(m.content_type.as_deref(), Some("image/png"));
    assert_eq!(
        m.provenance.captured_at.as_deref(),
        Some("2024-05-01T09:00:01Z")
    );

    let Item::Record(r) = &items[2] else {
        panic!("{:?}", items[2])
    };
    assert_eq!(r.text, "Nouvelle à Paris, téléphone");
}

#[test]
fn plain_and_whole_file_gzip_give_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let (records, _) = sample_warc();
    let plain = write(dir.path(), "a.warc", &records.concat());
    let whole = write(dir.path(), "b.warc.gz", &gz(&records.concat()));
    let texts = |items: &[Item]| -> Vec<(String, String)> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Record(r) => Some((r.text.clone(), r.provenance.sha256.clone())),
                _ => None,
            })
            .collect()
    };
    let a = read(&[plain]);
    let b = read(&[whole]);
    assert_eq!(texts(&a), texts(&b));
    assert_eq!(texts(&a).len(), 2);
    let off: usize = records[..2].iter().map(Vec::len).sum();
    let Item::Record(r) = &b[0] else { panic!() };
    assert_eq!(r.provenance.locator, format!("offset:0+{off}"));
    let Item::Record(r) = &a[0] else { panic!() };
    assert_eq!(r.provenance.locator, format!("offset:{off}"));
}

#[test]
fn directory_walk_is_sorted_and_handles_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "b/page.html",
        b"<html><body><h1>Title</h1><p>Body text</p></body></html>",
    );
    write(d, "a/notes.txt", "Plain text with caf\u{e9}\n".as_bytes());
    write(
        d,
        "a/z.jsonl",
        b"{\"id\":\"x1\",\"text\":\"one\"}\nbroken\n{\"text\":\"three\"}\n",
    );
    write(d, "c/photo.dat", PNG);
    write(d, "c/empty.txt", b"");
    write(d, "c/junk.bin", b"\x00\x01\x02\x03\x04binary\x00\x00");
    write(d, "c/doc.pdf", b"%PDF-1.4 ...");
    write(d, "d/ads.jsonl.gz", &gz(b"{\"text\":\"gz line\"}\n"));
    let items = read(&[d.to_path_buf()]);
    let summary: Vec<String> = items
        .iter()
        .map(|i| match i {
            Item::Record(r) => format!(
                "R {} {} {}",
                Path::new(&r.provenance.source)
                    .strip_prefix(d)
                    .unwrap()
                    .display(),
                r.provenance.locator,
                r.text
            ),
            Item::Media(m) => format!(
                "M {} {}",
                Path::new(&m.provenance.source)
                    .strip_prefix(d)
                    .unwrap()
                    .display(),
                m.content_type.as_deref().unwrap()
            ),
            Item::Error(e) => format!(
                "E {} {}",
                Path::new(&e.source).strip_prefix(d).unwrap().display(),
                e.locator
            ),
            Item::Line(_) => unreachable!("lines come unparsed only when asked for"),
            Item::Warc(_) => unreachable!("WARC records come undecoded only when asked for"),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "R a/notes.txt file Plain text with café\n",
            "R a/z.jsonl line:1 one",
            "E a/z.jsonl line:2",
            "R a/z.jsonl line:3 three",
            "R b/page.html file Title\nBody text",
            "E c/doc.pdf file",
            "E c/empty.txt file",
            "E c/junk.bin file",
            "M c/photo.dat image/png",
            "R d/ads.jsonl.gz line:1 gz line",
        ]
    );
    let Item::Record(r) = &items[1] else { panic!() };
    assert_eq!(r.id, "x1");
    let Item::Record(r) = &items[4] else { panic!() };
    assert_eq!(
        r.provenance.sha256,
        sha256_hex(&std::fs::read(d.join("b/page.html")).unwrap())
    );
}

#[test]
fn bad_warc_inputs_give_errors_and_keep_good_records() {
    let dir = tempfile::tempdir().unwrap();
    let (records, _) = sample_warc();
    // Truncated last gzip member.
    let members: Vec<Vec<u8>> = records.iter().map(|r| gz(r)).collect();
    let mut trunc = members.concat();
    trunc.truncate(trunc.len() - members.last().unwrap().len() / 2);
    let p1 = write(dir.path(), "trunc.warc.gz", &trunc);
    // Wrong Content-Length on the first response, then good records.
    let mut wrong = records.clone();
    let s = String::from_utf8_lossy(&wrong[2]).into_owned();
    let at = s.find("Content-Length: ").unwrap() + 16;
    let end = at + s[at..].find('\r').unwrap();
    let mut bytes = wrong[2].clone();
    bytes.splice(at..end, b"99999".iter().copied());
    wrong[2] = bytes;
    let p2 = write(dir.path(), "wrong.warc", &wrong.concat());
    // Not an archive at all, and a missing file.
    let p3 = write(
        dir.path(),
        "fake.warc.gz",
        b"this is not gzip \x00\x01\x02\x03",
    );
    let p4 = dir.path().join("missing.warc");
    // Named as archives, holding a saved error page and gzip-compressed text: broken captures,
    // not documents.
    let p5 = write(
        dir.path(),
        "page.WARC",
        b"<html><body>502 Bad Gateway, call 06 12 34 56 78</body></html>",
    );
    let p6 = write(
        dir.path(),
        "notes.warc.gz",
        &gz(b"plain notes, not a WARC\n"),
    );
    // The same text under its own name is a document.
    let p7 = write(dir.path(), "notes.txt", b"plain notes, not a WARC\n");
    let items = read(&[p1, p2, p3, p4, p5, p6, p7]);
    let kinds: Vec<String> = items
        .iter()
        .map(|i| match i {
            Item::Record(r) => format!("R {}", r.provenance.url.as_deref().unwrap_or("")),
            Item::Media(_) => "M".into(),
            Item::Error(e) => format!(
                "E {} {}",
                Path::new(&e.source).file_name().unwrap().to_string_lossy(),
                e.locator
            ),
            Item::Line(_) => unreachable!("lines come unparsed only when asked for"),
            Item::Warc(_) => unreachable!("WARC records come undecoded only when asked for"),
        })
        .collect();
    let last_off: usize = members[..records.len() - 1].iter().map(Vec::len).sum();
    let wrong_off: usize = records[..2].iter().map(Vec::len).sum();
    assert_eq!(
        kinds,
        [
            "R https://ads.example.de/1".to_owned(),
            "M".into(),
            format!("E trunc.warc.gz offset:{last_off}"),
            format!("E wrong.warc offset:{wrong_off}"),
            "M".into(),
            "R https://ads.example.fr/2".into(),
            "E fake.warc.gz file".into(),
            "E missing.warc file".into(),
            "E page.WARC file".into(),
            "E notes.warc.gz file".into(),
            "R ".into(),
        ]
    );
    let messages: Vec<&str> = items
        .iter()
        .filter_map(|i| match i {
            Item::Error(e) if e.message.starts_with("named as a WARC") => Some(e.message.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].contains("it holds HTML (no WARC"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("it holds plain text, gzip-compressed"),
        "{}",
        messages[1]
    );
}

#[test]
fn size_limit_skips_big_records_only() {
    let dir = tempfile::tempdir().unwrap();
    let big = http("Content-Type: text/plain\r\n", &vec![b'a'; 5000]);
    let small = http("Content-Type: text/plain\r\n", b"small one");
    let data = [
        warc_record(
            "response",
            "http://x.example/big",
            "2024-01-01T00:00:00Z",
            &big,
        ),
        warc_record(
            "response",
            "http://x.example/small",
            "2024-01-01T00:00:00Z",
            &small,
        ),
    ]
    .concat();
    let p = write(dir.path(), "a.warc", &data);
    let big_file = write(dir.path(), "big.txt", &vec![b'b'; 5000]);
    let items: Vec<Item> = Ingest::new(
        &[p, big_file],
        IngestOptions {
            max_record_bytes: 1000,
            ..IngestOptions::default()
        },
    )
    .collect();
    assert_eq!(items.len(), 3);
    assert!(
        matches!(&items[0], Item::Error(e) if e.locator == "offset:0" && e.message.contains("limit"))
    );
    assert!(matches!(&items[1], Item::Record(r) if r.text == "small one"));
    assert!(
        matches!(&items[2], Item::Error(e) if e.locator == "file" && e.message.contains("limit"))
    );
}

#[test]
fn progress_counts_files_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (records, _) = sample_warc();
    let a = write(dir.path(), "a.warc", &records.concat());
    let b = write(dir.path(), "b.txt", b"hello");
    let total = std::fs::metadata(&a).unwrap().len() + 5;
    let mut ing = Ingest::new(&[a, b], IngestOptions::default());
    let p0 = ing.progress();
    assert_eq!(
        (p0.bytes_done, p0.bytes_total, p0.files_done, p0.files_total),
        (0, total, 0, 2)
    );
    let mut last = 0;
    while ing.next().is_some() {
        let p = ing.progress();
        assert!(p.bytes_done >= last && p.bytes_done <= total);
        last = p.bytes_done;
    }
    let p = ing.progress();
    assert_eq!((p.bytes_done, p.files_done), (total, 2));
}

/// Lines given unparsed, then parsed, and WARC records given undecoded, then decoded, are the
/// items the reader gives itself: records, the errors of bad lines, in order, through a
/// byte-order mark, carriage returns, blank lines, HTML, an over-long line and a WARC read in
/// the same run; without payloads, the same records but for their payload, whose hash stays.
#[test]
fn deferred_lines_and_warc_records_give_the_same_items() {
    let dir = tempfile::tempdir().unwrap();
    // A value over the limit (the parser rejects it) and a line too long to be read at all.
    let long = format!("{{\"text\":\"{}\"}}\n", "x".repeat(5000));
    let huge = format!("{{\"text\":\"{}\"}}\n", "x".repeat(70_000));
    let lines = [
        "\u{FEFF}{\"id\":\"a\",\"text\":\"Call 06 12 34 56 78\",\"region\":\"fr\",\"lang\":\"fr-FR\"}\r\n",
        "\n",
        "   \r\n",
        "not json\n",
        "{\"html\":\"<p>Hello <b>there</b></p><script>x()</script>\",\"url\":\"https://x.example.de/a\"}\n",
        "{\"text\":42}\n",
        long.as_str(),
        "{\"text\":\"caf\\u00e9 \\\"quoted\\\"\",\"captured_at\":\"2024-05-01T10:00:00+02:00\"}\n",
        "[1, 2]\n",
        huge.as_str(),
        "{\"text\":\"last, no newline\"}",
    ]
    .concat();
    let jsonl = write(dir.path(), "ads.jsonl", lines.as_bytes());
    let (records, _) = sample_warc();
    let warc = write(dir.path(), "b.warc", &records.concat());
    let inputs = [jsonl, warc];
    let opts = |defer: bool, keep_payload: bool| IngestOptions {
        max_record_bytes: 1000,
        keep_payload,
        defer_json_lines: defer,
        defer_warc_records: defer,
        skip_file: None,
    };
    let parsed: Vec<Item> = Ingest::new(&inputs, opts(false, true)).collect();
    let (mut lines_given, mut warc_given) = (0, 0);
    let deferred: Vec<Item> = Ingest::new(&inputs, opts(true, true))
        .filter_map(|item| match item {
            Item::Line(line) => {
                lines_given += 1;
                Some(line.parse())
            }
            Item::Warc(entry) => {
                warc_given += 1;
                entry.decode()
            }
            other => Some(other),
        })
        .collect();
    // Every non-blank line but the one too long to read, which the reader rejects itself.
    assert_eq!(lines_given, 8);
    assert!(warc_given > 0);
    assert!(
        !deferred
            .iter()
            .any(|i| matches!(i, Item::Line(_) | Item::Warc(_)))
    );
    assert_eq!(deferred, parsed);
    for bad in ["line:4", "line:6", "line:7", "line:9", "line:10"] {
        assert!(
            parsed
                .iter()
                .any(|i| matches!(i, Item::Error(e) if e.locator == bad)),
            "{bad}"
        );
    }

    let bare: Vec<Item> = Ingest::new(&inputs, opts(true, false))
        .filter_map(|item| match item {
            Item::Line(line) => Some(line.parse()),
            Item::Warc(entry) => entry.decode(),
            other => Some(other),
        })
        .collect();
    assert_eq!(bare.len(), parsed.len());
    let mut records = 0;
    for (b, p) in bare.iter().zip(&parsed) {
        match (b, p) {
            (Item::Record(b), Item::Record(p)) => {
                records += 1;
                assert!(b.payload.is_empty() && !p.payload.is_empty());
                assert_eq!(b.provenance.sha256, sha256_hex(&p.payload));
                let mut b = b.clone();
                b.payload = p.payload.clone();
                assert_eq!(&b, p);
            }
            (b, p) => assert_eq!(b, p),
        }
    }
    assert!(records >= 5, "{records} records");
}

/// A pretty-printed JSON document (an export, a truth file) is one file-level error, not an
/// error for each of its lines read as JSON Lines.
#[test]
fn json_document_is_one_error_not_one_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let doc = write(
        dir.path(),
        "export.json",
        b"{\n  \"records\": [\n    {\"text\": \"a\"},\n    {\"text\": \"b\"}\n  ]\n}\n",
    );
    let lines = write(dir.path(), "ok.jsonl", b"{\"text\": \"still read\"}\n");
    let items: Vec<Item> = Ingest::new(&[doc, lines], IngestOptions::default()).collect();
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(matches!(&items[0], Item::Error(e)
        if e.source.ends_with("export.json") && e.locator == "file"
            && e.message.contains("JSON document")));
    assert!(matches!(&items[1], Item::Record(r) if r.text == "still read"));
}

/// The command's own output is never read: skipped in a directory, an error when named.
#[cfg(unix)]
#[test]
fn the_output_file_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let ads = write(
        dir.path(),
        "ads.jsonl",
        b"{\"id\":\"a1\",\"text\":\"ad one\"}\n",
    );
    let out = write(
        dir.path(),
        "out.jsonl",
        b"{\"type\":\"record\",\"id\":\"a1\"}\n",
    );
    let opts = IngestOptions {
        skip_file: cairn_ingest::FileId::of(&std::fs::metadata(&out).unwrap()),
        ..IngestOptions::default()
    };
    assert!(opts.skip_file.is_some());
    let ids = |items: &[Item]| -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Record(r) => r.id.clone(),
                Item::Error(e) => format!("error {}: {}", e.source, e.message),
                other => format!("{other:?}"),
            })
            .collect()
    };
    let walked: Vec<Item> = Ingest::new(&[dir.path().to_path_buf()], opts).collect();
    assert_eq!(ids(&walked), vec!["a1".to_owned()]);
    let named: Vec<Item> = Ingest::new(&[ads, out.clone()], opts).collect();
    assert_eq!(
        ids(&named),
        vec![
            "a1".to_owned(),
            format!(
                "error {}: is the output file of this command: not read",
                out.display()
            )
        ]
    );
    // Without it, the same directory reads both files.
    assert_eq!(read(&[dir.path().to_path_buf()]).len(), 2);
}
