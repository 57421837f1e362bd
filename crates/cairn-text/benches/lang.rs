//! Language identification per record, for each detector compared in src/lang.rs; prints each
//! detector's accuracy on data/lang_testset.tsv first.

use cairn_text::lang::{Method, detect_with};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "lexicon_corpus/mod.rs"]
mod corpus;

const METHODS: [Method; 4] = [
    Method::Cascade,
    Method::Whatlang,
    Method::LinguaLow,
    Method::LinguaHigh,
];

fn accuracy() {
    let set: Vec<(&str, &str)> = include_str!("../data/lang_testset.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .collect();
    let short = |s: &str| s.split_whitespace().count() <= 8;
    for m in METHODS {
        let ok = set
            .iter()
            .filter(|(l, s)| detect_with(s, m) == Some(*l))
            .count();
        let n_short = set.iter().filter(|(_, s)| short(s)).count();
        let ok_short = set
            .iter()
            .filter(|(l, s)| short(s) && detect_with(s, m) == Some(*l))
            .count();
        println!(
            "accuracy {m:?}: {ok}/{} ({:.1} %), short lines {ok_short}/{n_short} ({:.1} %)",
            set.len(),
            100.0 * ok as f64 / set.len() as f64,
            100.0 * ok_short as f64 / n_short as f64
        );
    }
}

fn bench(c: &mut Criterion) {
    accuracy();
    let sentences: Vec<&str> = include_str!("../data/lang_testset.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t').map(|(_, s)| s))
        .collect();
    let records = corpus::records(50);
    for m in METHODS {
        c.bench_function(&format!("lang_{m:?}_per_sentence"), |b| {
            b.iter(|| {
                for s in &sentences {
                    black_box(detect_with(black_box(s), m));
                }
            })
        });
        c.bench_function(&format!("lang_{m:?}_per_1kb_record"), |b| {
            b.iter(|| {
                for r in &records {
                    black_box(detect_with(black_box(r), m));
                }
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
