//! Normalisation throughput (MB/s of original text).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "lexicon_corpus/mod.rs"]
mod corpus;

fn bench(c: &mut Criterion) {
    let recs = corpus::records(500);
    let bytes: usize = recs.iter().map(String::len).sum();
    let mut g = c.benchmark_group("normalize");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("ads_8_languages", |b| {
        b.iter(|| {
            for r in &recs {
                black_box(cairn_text::normalize::Normalized::new(black_box(r)));
            }
        })
    });
    let ascii: Vec<String> = recs
        .iter()
        .map(|r| r.chars().filter(char::is_ascii).collect())
        .collect();
    let ascii_bytes: usize = ascii.iter().map(String::len).sum();
    g.throughput(Throughput::Bytes(ascii_bytes as u64));
    g.bench_function("ascii_only", |b| {
        b.iter(|| {
            for r in &ascii {
                black_box(cairn_text::normalize::Normalized::new(black_box(r)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
