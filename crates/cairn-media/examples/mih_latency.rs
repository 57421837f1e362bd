//! Per-query latency of the PDQ match index, single thread, on a synthetic list (half the
//! entries in families of near-duplicates, 1–30 bits apart) with queries half near an entry
//! (0–35 bits), half random; recall checked against brute force on a sample.
//!
//! `cargo run --release -p cairn-media --example mih_latency -- N QUERIES [INDEX_FILE]`
//! With INDEX_FILE the index is written there and reopened (mapped, as an imported list;
//! `REUSE=1`: the file of an earlier run with the same N; `RECALL=0` skips the brute-force check;
//! `BATCH=1` times `search_pdq_batch` over all the queries instead of one `search_pdq` each).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cairn_media::{IndexBuilder, ListEntry, ListSink, MatchIndex, PdqHash, PdqMatch};
use std::time::Instant;

fn rng(s: &mut u64) -> u64 {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    s.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

fn random(s: &mut u64) -> PdqHash {
    let mut h = [0u8; 32];
    for c in h.chunks_mut(8) {
        c.copy_from_slice(&rng(s).to_le_bytes());
    }
    PdqHash(h)
}

fn near(h: &PdqHash, max_bits: u64, s: &mut u64) -> PdqHash {
    let mut o = *h;
    for _ in 0..rng(s) % (max_bits + 1) {
        let k = (rng(s) % 256) as usize;
        o.0[k / 8] ^= 1 << (k % 8);
    }
    o
}

/// CPU time of this process (user + system), from /proc: the machine is shared, and wall time
/// counts the time other processes had the core.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // Fields 14 and 15 of stat(5), counted from the state field (3): indices 11 and 12.
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).map_or(1_000_000, |a| a.parse().unwrap());
    let nq: usize = args.get(2).map_or(10_000, |a| a.parse().unwrap());
    let file = args.get(3);
    let mut s = 4u64;
    let mut hashes = Vec::with_capacity(n);
    while hashes.len() < n / 2 {
        let base = random(&mut s);
        hashes.push(base);
        for _ in 0..1 + rng(&mut s) % 9 {
            hashes.push(near(&base, 30, &mut s));
        }
    }
    while hashes.len() < n {
        hashes.push(random(&mut s));
    }
    let t = Instant::now();
    let mut b = IndexBuilder::new();
    let reuse = file.is_some() && std::env::var_os("REUSE").is_some();
    for (i, h) in hashes.iter().enumerate().filter(|_| !reuse) {
        b.entry(
            ListEntry {
                id: format!("e{i}"),
                pdq: Some(*h),
                category: Some((i % 3).to_string()),
                ..Default::default()
            },
            "",
        );
    }
    let index = match file {
        Some(f) => {
            let p = std::path::Path::new(f);
            // REUSE=1: the file written by an earlier run with the same N.
            if std::env::var_os("REUSE").is_none() {
                b.write(p).unwrap();
                eprintln!("build+write {:.2} s", t.elapsed().as_secs_f64());
            }
            let t = Instant::now();
            let ix = MatchIndex::open(p).unwrap();
            eprintln!("open {:.3} s", t.elapsed().as_secs_f64());
            ix
        }
        None => {
            let ix = b.build().unwrap().0;
            eprintln!("build {:.2} s", t.elapsed().as_secs_f64());
            ix
        }
    };
    eprintln!("plan {:?}", index.plan().widths);
    let queries: Vec<PdqHash> = (0..nq)
        .map(|q| {
            if q % 2 == 0 {
                near(&hashes[(rng(&mut s) % n as u64) as usize], 35, &mut s)
            } else {
                random(&mut s)
            }
        })
        .collect();
    let mut out: Vec<PdqMatch> = Vec::new();
    let mut results = Vec::with_capacity(nq);
    let mut total = 0usize;
    // Warm-up pass (page tables, caches), then the timed pass.
    for q in queries.iter().take(200) {
        out.clear();
        index.search_pdq(q, 31, &mut out);
    }
    let batched = std::env::var_os("BATCH").is_some_and(|v| v != "0");
    let t = Instant::now();
    let c = cpu_seconds();
    if batched {
        results = index.search_pdq_batch(&queries, 31);
        total = results.iter().map(Vec::len).sum();
    } else {
        for q in &queries {
            out.clear();
            index.search_pdq(q, 31, &mut out);
            total += out.len();
            results.push(out.clone());
        }
    }
    let el = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - c;
    println!(
        "{} n={n} queries={nq} matches={total} per_query_us_wall={:.1} per_query_us_cpu={:.1}",
        if batched { "batch" } else { "one-by-one" },
        el * 1e6 / nq as f64,
        cpu * 1e6 / nq as f64
    );
    // Recall against brute force on a sample of queries (`RECALL=0`: none, to profile the
    // queries alone).
    let sample = if std::env::var_os("RECALL").is_some_and(|v| v == "0") {
        0
    } else {
        nq.min(300)
    };
    let (mut want, mut got) = (0usize, 0usize);
    for (q, res) in queries.iter().zip(&results).take(sample) {
        let mut bf: Vec<(u32, u32)> = Vec::new();
        for i in 0..index.counts().pdq as u32 {
            let d = index.pdq_hash(i).unwrap().distance(q);
            if d <= 31 {
                bf.push((i, d));
            }
        }
        let mine: Vec<(u32, u32)> = res.iter().map(|m| (m.hash_index, m.distance)).collect();
        want += bf.len();
        got += bf.iter().filter(|x| mine.contains(x)).count();
        assert_eq!(mine.len(), bf.len(), "extra or missing results");
    }
    println!("recall on {sample} queries: {got}/{want}");
}
