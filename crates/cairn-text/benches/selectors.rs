//! Selector throughput on one core over realistic multilingual ad text (the synthetic 8-language
//! corpus of `tests/selectors_corpus.rs`: plain and obfuscated phones, e-mails, IBANs, prices,
//! dates, ids...). Writes the same ads to `$TMPDIR/cairn-selectors-bench-ads.jsonl` so that
//! `benches/phonenumbers_matcher.py` times Python's `PhoneNumberMatcher` on identical texts.
//!
//! Run: `cargo bench -p cairn-text --bench selectors`, then
//! `.venv/bin/python crates/cairn-text/benches/phonenumbers_matcher.py`.

use cairn_text::selectors::{
    self, SelectorContext, age, email, handle, iban, phone, price, url, wallet,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

#[path = "../tests/selectors_corpus.rs"]
mod corpus;

/// Same seed and size on every run, so Rust and Python read the same texts.
const ADS: usize = 2000;
const SEED: u64 = 0xbe7c_4a11;

fn write_ads(ads: &[corpus::Ad]) {
    let path = std::env::temp_dir().join("cairn-selectors-bench-ads.jsonl");
    let Ok(mut f) = std::fs::File::create(&path) else {
        eprintln!("cannot write {}", path.display());
        return;
    };
    for ad in ads {
        let line = serde_json::json!({ "text": ad.text, "region": ad.region });
        let _ = writeln!(f, "{line}");
    }
    eprintln!("wrote {} ads to {}", ads.len(), path.display());
}

fn bench(c: &mut Criterion) {
    let ads = corpus::corpus(ADS, SEED);
    write_ads(&ads);
    let bytes: usize = ads.iter().map(|a| a.text.len()).sum();
    let mut g = c.benchmark_group("selectors");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("extract_all_kinds", |b| {
        b.iter(|| {
            let mut n = 0;
            for ad in &ads {
                n += selectors::extract(
                    black_box(&ad.text),
                    &SelectorContext {
                        region: Some(ad.region),
                    },
                )
                .len();
            }
            n
        })
    });
    g.bench_function("phone_find", |b| {
        b.iter(|| {
            let mut n = 0;
            for ad in &ads {
                n += phone::find(
                    black_box(&ad.text),
                    &SelectorContext {
                        region: Some(ad.region),
                    },
                )
                .len();
            }
            n
        })
    });
    type Finder = fn(&str) -> Vec<cairn_core::Finding>;
    let finders: [(&str, Finder); 7] = [
        ("email_find", email::find),
        ("url_find", url::find),
        ("handle_find", handle::find),
        ("wallet_find", wallet::find),
        ("iban_find", iban::find),
        ("price_find", price::find),
        ("age_find", age::find),
    ];
    for (name, find) in finders {
        g.bench_function(name, |b| {
            b.iter(|| {
                ads.iter()
                    .map(|ad| find(black_box(&ad.text)).len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
