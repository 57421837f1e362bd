//! Criterion benches: PDQ of a reference photo (decode included) and PDQ search in a synthetic
//! list of 1M hashes (half in families of near-duplicates) at radius 31.

#![allow(clippy::unwrap_used)]

use cairn_media::{HashOptions, IndexBuilder, ListEntry, ListSink, PdqHash, hash_image_bytes};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

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

fn near(h: &PdqHash, bits: u32, s: &mut u64) -> PdqHash {
    let mut o = *h;
    for _ in 0..bits {
        let k = (rng(s) % 256) as usize;
        o.0[k / 8] ^= 1 << (k % 8);
    }
    o
}

fn hashing(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/pdq/images/bridge-1-original.jpg");
    let bytes = std::fs::read(&path).expect("reference image missing (../shared/reference/pdq)");
    let opts = HashOptions {
        dihedral: true,
        ..Default::default()
    };
    c.bench_function("hash_image_bytes 1600x1004 jpeg dihedral", |b| {
        b.iter(|| hash_image_bytes(black_box(&bytes), &opts).unwrap())
    });
}

fn matching(c: &mut Criterion) {
    let mut s = 42u64;
    let n = 1_000_000;
    let mut hashes = Vec::with_capacity(n);
    while hashes.len() < n / 2 {
        let base = random(&mut s);
        hashes.push(base);
        for k in 0..5 {
            hashes.push(near(&base, 3 + 5 * k, &mut s));
        }
    }
    while hashes.len() < n {
        hashes.push(random(&mut s));
    }
    let mut b = IndexBuilder::new();
    for (i, h) in hashes.iter().enumerate() {
        b.entry(
            ListEntry {
                id: i.to_string(),
                pdq: Some(*h),
                ..Default::default()
            },
            "",
        );
    }
    let (index, _) = b.build().unwrap();
    let queries: Vec<PdqHash> = (0..1000)
        .map(|i| {
            if i % 2 == 0 {
                near(&hashes[(rng(&mut s) % n as u64) as usize], 10, &mut s)
            } else {
                random(&mut s)
            }
        })
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    c.bench_function("search_pdq 1M radius 31", |bch| {
        bch.iter(|| {
            out.clear();
            index.search_pdq(black_box(&queries[i % queries.len()]), 31, &mut out);
            i += 1;
            out.len()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(5));
    targets = hashing, matching
}
criterion_main!(benches);
