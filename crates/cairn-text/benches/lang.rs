//! Language identification per record; prints the accuracy on data/lang_testset.tsv first.

use cairn_text::lang::detect;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "lexicon_corpus/mod.rs"]
mod corpus;

fn accuracy() {
    let set: Vec<(&str, &str)> = include_str!("../data/lang_testset.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .collect();
    let short = |s: &str| s.split_whitespace().count() <= 8;
    let ok = set.iter().filter(|(l, s)| detect(s) == Some(*l)).count();
    let n_short = set.iter().filter(|(_, s)| short(s)).count();
    let ok_short = set
        .iter()
        .filter(|(l, s)| short(s) && detect(s) == Some(*l))
        .count();
    println!(
        "accuracy: {ok}/{} ({:.1} %), short lines {ok_short}/{n_short} ({:.1} %)",
        set.len(),
        100.0 * ok as f64 / set.len() as f64,
        100.0 * ok_short as f64 / n_short as f64
    );
}

fn bench(c: &mut Criterion) {
    accuracy();
    let sentences: Vec<&str> = include_str!("../data/lang_testset.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t').map(|(_, s)| s))
        .collect();
    let records = corpus::records(50);
    c.bench_function("lang_per_sentence", |b| {
        b.iter(|| {
            for s in &sentences {
                black_box(detect(black_box(s)));
            }
        })
    });
    c.bench_function("lang_per_1kb_record", |b| {
        b.iter(|| {
            for r in &records {
                black_box(detect(black_box(r)));
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
