//! Throughput: WARC.gz reading (reader alone, and the whole Ingest pipeline down to text) and
//! HTML to text. Synthetic pages only.
//!
//! `cargo bench -p cairn-ingest --bench throughput`

#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::io::Write;

use cairn_ingest::warc::{WarcReader, WarcReaderOptions};
use cairn_ingest::{Ingest, IngestOptions, html_to_text};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const WORDS: &[&str] = &[
    "nouvelle",
    "ville",
    "appelle",
    "disponible",
    "Neu",
    "Stadt",
    "bellen",
    "chiamami",
    "llámame",
    "сега",
    "обадете",
    "hotel",
    "incall",
    "outcall",
    "photos",
    "réelles",
    "30min",
    "1h",
    "€",
    "🌹",
    "+33 6 12 34 56 78",
    "contact@example.org",
    "snap: example_user",
    "ce soir",
];

/// Pseudo-random word from syllables: keeps the pages about as compressible as real ones.
fn word(state: &mut u64) -> String {
    const SYL: &[&str] = &[
        "ma", "ri", "no", "vel", "le", "stad", "nou", "ă", "ci", "tà", "llá", "me", "се", "га",
        "ho", "tel", "in", "call", "ré", "el", "ber", "lin", "pa", "ris", "ro", "ma", "so", "fi",
        "ja",
    ];
    let mut w = String::new();
    for _ in 0..(1 + (*state >> 60) % 3) {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        w.push_str(SYL[(*state >> 33) as usize % SYL.len()]);
    }
    w
}

/// A page of roughly `size` bytes: head with style and scripts, nested blocks of text, links,
/// images, entities, numbers.
fn page(seed: usize, size: usize) -> String {
    let mut s = String::from(
        "<!DOCTYPE html><html lang=fr><head><meta charset=utf-8><title>Annonce</title>\
         <style>body{font:14px sans-serif}.ad{margin:0}</style>\
         <script>window.dataLayer=[];function t(){return 1}</script></head><body><div id=main>",
    );
    let mut st = seed as u64 + 1;
    while s.len() < size {
        s.push_str("<div class=ad><h2>");
        for _ in 0..6 {
            s.push_str(&word(&mut st));
            s.push(' ');
        }
        s.push_str("</h2><p>");
        for k in 0..40 {
            if k % 13 == 0 {
                s.push_str(WORDS[(st >> 40) as usize % WORDS.len()]);
            } else {
                s.push_str(&word(&mut st));
            }
            s.push_str(if k % 9 == 0 { " &amp; " } else { " " });
        }
        s.push_str("</p><a href=\"https://ads.example.fr/annonce/");
        s.push_str(&(st % 1_000_000).to_string());
        s.push_str("\">voir</a><img src=p.jpg alt=\"photo\"></div>\n");
    }
    s.push_str("</div><script>t()</script></body></html>");
    s
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A per-record gzip WARC of `n` responses; returns (compressed file, HTML bytes).
fn warc_gz(n: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut html = 0;
    for k in 0..n {
        let body = page(k, 8_000 + (k % 7) * 3_000);
        html += body.len();
        let gz_body = gz(body.as_bytes());
        let mut block = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n\
             Content-Length: {}\r\n\r\n",
            gz_body.len()
        )
        .into_bytes();
        block.extend_from_slice(&gz_body);
        let mut rec = format!(
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://ads.example.fr/{k}\r\n\
             WARC-Date: 2024-05-01T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{k:032}>\r\n\
             Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        rec.extend_from_slice(&block);
        rec.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(&gz(&rec));
    }
    (out, html)
}

fn bench_warc(c: &mut Criterion) {
    let (file, html) = warc_gz(1_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.warc.gz");
    std::fs::write(&path, &file).unwrap();
    eprintln!(
        "WARC.gz: 1000 records, {:.1} MB file, {:.1} MB of HTML inside",
        file.len() as f64 / 1e6,
        html as f64 / 1e6
    );
    let mut g = c.benchmark_group("warc_gz");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(file.len() as u64));
    g.bench_function("reader_only_file_bytes", |b| {
        b.iter(|| {
            let n = WarcReader::new(&file[..], WarcReaderOptions::default()).count();
            black_box(n)
        })
    });
    g.finish();
    // The whole pipeline, per byte of HTML (the work is in decompression and HTML parsing).
    let mut g = c.benchmark_group("warc_gz_ingest");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(html as u64));
    g.bench_function("ingest_to_text_html_bytes", |b| {
        b.iter(|| {
            let n = Ingest::new(std::slice::from_ref(&path), IngestOptions::default())
                .map(|i| match i {
                    cairn_ingest::Item::Record(r) => r.text.len(),
                    _ => 0,
                })
                .sum::<usize>();
            black_box(n)
        })
    });
    g.finish();
}

fn bench_html(c: &mut Criterion) {
    let html = page(1, 200_000);
    let mut g = c.benchmark_group("html_to_text");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(html.len() as u64));
    g.bench_function("page_200kb", |b| {
        b.iter(|| black_box(html_to_text(html.as_bytes(), Some("utf-8")).text.len()))
    });
    let latin1 = encoding_rs::WINDOWS_1252
        .encode(&html.replace(['🌹', '€'], ""))
        .0
        .into_owned();
    g.bench_function("page_200kb_detected_charset", |b| {
        b.iter(|| black_box(html_to_text(&latin1, None).text.len()))
    });
    g.finish();
}

criterion_group!(benches, bench_warc, bench_html);
criterion_main!(benches);
