//! Reads inputs through `Ingest` and reports counts, throughput, CPU time and peak memory; can
//! also write a large synthetic per-record-gzip WARC to try it on.
//!
//! ```text
//! cargo run --release -p cairn-ingest --example ingest_stats -- gen /tmp/big.warc.gz 200
//! cargo run --release -p cairn-ingest --example ingest_stats -- read /tmp/big.warc.gz
//! cargo run --release -p cairn-ingest --example ingest_stats -- html page.html 200
//! ```

#![allow(clippy::unwrap_used)]

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use cairn_ingest::{Ingest, IngestOptions, Item};

/// `VmHWM` (peak resident set) from /proc, in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// User + system CPU seconds of this process (/proc/self/stat, USER_HZ = 100 on Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn generate(out: &str, mb: u64) {
    let mut w = BufWriter::new(std::fs::File::create(out).unwrap());
    let mut written = 0u64;
    let mut k = 0u64;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    const SYL: &[&str] = &[
        "ma", "ri", "no", "vel", "le", "stad", "nou", "ci", "tà", "me", "ho", "tel", "in", "call",
        "ré",
    ];
    while written < mb * 1_000_000 {
        let mut body = String::from(
            "<html lang=fr><head><title>Annonce</title><script>x()</script></head><body>",
        );
        while body.len() < 12_000 {
            body.push_str("<p>");
            for _ in 0..30 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                body.push_str(SYL[(state >> 33) as usize % SYL.len()]);
                body.push_str(if state.is_multiple_of(5) { " " } else { "" });
            }
            body.push_str(&format!(
                " appelle +33 6 {:02} {:02} {:02} {:02}</p>",
                k % 100,
                (k / 7) % 100,
                state % 100,
                (state >> 8) % 100
            ));
        }
        body.push_str("</body></html>");
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(body.as_bytes()).unwrap();
        let gz_body = e.finish().unwrap();
        let mut block = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            gz_body.len()
        )
        .into_bytes();
        block.extend_from_slice(&gz_body);
        let mut rec = format!(
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://ads.example.fr/{k}\r\n\
             WARC-Date: 2024-05-01T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n\
             Content-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        rec.extend_from_slice(&block);
        rec.extend_from_slice(b"\r\n\r\n");
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&rec).unwrap();
        let member = e.finish().unwrap();
        w.write_all(&member).unwrap();
        written += member.len() as u64;
        k += 1;
    }
    w.flush().unwrap();
    println!("wrote {out}: {k} records, {:.1} MB", written as f64 / 1e6);
}

fn read(inputs: Vec<PathBuf>) {
    let start = Instant::now();
    let cpu0 = cpu_seconds().unwrap_or(0.0);
    let mut ingest = Ingest::new(&inputs, IngestOptions::default());
    let (mut records, mut media, mut errors, mut text_bytes, mut payload_bytes) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    for item in ingest.by_ref() {
        // Lines come unparsed and WARC records undecoded only when asked for (not here); parsed
        // and decoded, they are the same items.
        let item = match item {
            Item::Line(line) => line.parse(),
            Item::Warc(entry) => match entry.decode() {
                Some(item) => item,
                None => continue,
            },
            other => other,
        };
        match item {
            Item::Record(r) => {
                records += 1;
                text_bytes += r.text.len() as u64;
                payload_bytes += r.payload.len() as u64;
            }
            Item::Media(_) => media += 1,
            Item::Error(e) => {
                errors += 1;
                if errors <= 5 {
                    eprintln!("{e}");
                }
            }
            Item::Line(_) | Item::Warc(_) => {}
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().unwrap_or(0.0) - cpu0;
    let p = ingest.progress();
    let mb = p.bytes_done as f64 / 1e6;
    println!("files {}/{}, {mb:.1} MB read", p.files_done, p.files_total);
    println!("records {records}, media {media}, errors {errors}");
    println!(
        "payload {:.1} MB, text {:.1} MB",
        payload_bytes as f64 / 1e6,
        text_bytes as f64 / 1e6
    );
    println!(
        "wall {secs:.2} s ({:.1} MB/s of file), cpu {cpu:.2} s ({:.1} MB/s of file per CPU second)",
        mb / secs,
        mb / cpu.max(0.01)
    );
    if let Some(rss) = peak_rss_mib() {
        println!("peak RSS {rss:.1} MiB");
    }
}

/// HTML to text `n` times over one file: throughput per CPU second (the machine may be shared).
fn html(path: &str, n: u32) {
    let bytes = std::fs::read(path).unwrap();
    let cpu0 = cpu_seconds().unwrap_or(0.0);
    let start = Instant::now();
    let mut out = 0;
    for _ in 0..n {
        out += cairn_ingest::html_to_text(&bytes, None).text.len();
    }
    let cpu = (cpu_seconds().unwrap_or(0.0) - cpu0).max(0.01);
    let mb = bytes.len() as f64 * f64::from(n) / 1e6;
    println!(
        "{mb:.1} MB of HTML -> {:.1} MB of text; wall {:.2} s, cpu {cpu:.2} s: {:.1} MB/s per CPU second",
        out as f64 / 1e6,
        start.elapsed().as_secs_f64(),
        mb / cpu
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") if args.len() == 3 => generate(&args[1], args[2].parse().unwrap()),
        Some("read") if args.len() >= 2 => read(args[1..].iter().map(PathBuf::from).collect()),
        Some("html") if args.len() == 3 => html(&args[1], args[2].parse().unwrap()),
        _ => eprintln!("usage: ingest_stats gen OUT.warc.gz MB | read INPUT... | html FILE N"),
    }
}
