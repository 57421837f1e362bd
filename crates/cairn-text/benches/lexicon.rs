//! Indicator lexicon (normalisation + matching) and gazetteer throughput, MB/s of original text.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "lexicon_corpus/mod.rs"]
mod corpus;

fn bench(c: &mut Criterion) {
    let recs = corpus::records(500);
    let bytes: usize = recs.iter().map(String::len).sum();
    let lex = match cairn_text::lexicon::Lexicon::embedded() {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    let mut g = c.benchmark_group("lexicon");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("normalize_and_find", |b| {
        b.iter(|| {
            for r in &recs {
                black_box(lex.find(black_box(r)));
            }
        })
    });
    g.bench_function("normalize_find_and_score", |b| {
        b.iter(|| {
            for r in &recs {
                black_box(cairn_text::lexicon::score(&lex.find(black_box(r))));
            }
        })
    });
    #[cfg(feature = "places")]
    {
        let gaz = match cairn_text::gazetteer::Gazetteer::embedded() {
            Ok(g) => g,
            Err(e) => panic!("{e}"),
        };
        g.bench_function("gazetteer_find", |b| {
            b.iter(|| {
                for r in &recs {
                    black_box(gaz.find(black_box(r)));
                }
            })
        });
        g.bench_function("shared_normalization_lexicon_and_gazetteer", |b| {
            b.iter(|| {
                for r in &recs {
                    let n = cairn_text::normalize::Normalized::new(r);
                    black_box(lex.find_in(r, &n, None));
                    black_box(gaz.find_in(r, &n));
                }
            })
        });
    }
    g.finish();
    // Building the matchers once per process.
    c.bench_function("lexicon_parse_embedded_toml", |b| {
        b.iter(|| {
            black_box(cairn_text::lexicon::Lexicon::parse(
                include_str!("../data/indicators.toml"),
                "bench",
            ))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
