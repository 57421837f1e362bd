//! Selector throughput on one core over realistic multilingual ad text (the synthetic 8-language
//! corpus of `tests/selectors_corpus.rs`: plain and obfuscated phones, e-mails, IBANs, prices,
//! dates, ids...). Writes the same ads to `$TMPDIR/cairn-selectors-bench-ads.jsonl` so that
//! `benches/phonenumbers_matcher.py` times Python's `PhoneNumberMatcher` on identical texts.
//!
//! Run: `cargo bench -p cairn-text --bench selectors`, then
//! `.venv/bin/python crates/cairn-text/benches/phonenumbers_matcher.py`.

use cairn_core::Record;
use cairn_text::analyzer::Analyzer;
use cairn_text::selectors::{
    self, SelectorContext, age, email, handle, iban, phone, price, url, wallet,
};
use criterion::{Criterion, Throughput, criterion_group};
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
    // The whole analysis of a record (what `cairn scan` does per record besides JSON in and out):
    // selectors, places, indicators and language.
    if let Ok(analyzer) = Analyzer::embedded() {
        let records = records(&ads);
        g.bench_function("analyze_record", |b| {
            b.iter(|| {
                records
                    .iter()
                    .map(|r| analyzer.analyze(black_box(r), None).findings.len())
                    .sum::<usize>()
            })
        });
        // As `cairn scan` runs it: stage by stage over blocks of 512 records (a chunk).
        let refs: Vec<&Record> = records.iter().collect();
        g.bench_function("analyze_blocks_of_512", |b| {
            b.iter(|| {
                refs.chunks(512)
                    .flat_map(|block| analyzer.analyze_many(black_box(block), None))
                    .map(|a| a.findings.len())
                    .sum::<usize>()
            })
        });
    }
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

/// The ads as records, each with its region, as JSON Lines input gives them.
fn records(ads: &[corpus::Ad]) -> Vec<Record> {
    ads.iter()
        .map(|ad| Record {
            text: ad.text.clone(),
            region: Some(ad.region.to_owned()),
            ..Record::default()
        })
        .collect()
}

/// CPU time of this thread in seconds (user + system, from /proc; 10 ms resolution): on a shared,
/// overloaded machine wall-clock throughput says more about the neighbours than about the code.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// `CAIRN_BENCH_CPU=1 cargo bench -p cairn-text --bench selectors`: throughput per CPU second.
fn cpu_report() {
    let ads = corpus::corpus(ADS, SEED);
    write_ads(&ads);
    let bytes: usize = ads.iter().map(|a| a.text.len()).sum();
    let rounds = 20;
    type Run = fn(&corpus::Ad) -> usize;
    let runs: [(&str, Run); 9] = [
        ("extract_all_kinds", |ad| {
            selectors::extract(
                &ad.text,
                &SelectorContext {
                    region: Some(ad.region),
                },
            )
            .len()
        }),
        ("phone_find", |ad| {
            phone::find(
                &ad.text,
                &SelectorContext {
                    region: Some(ad.region),
                },
            )
            .len()
        }),
        ("email_find", |ad| email::find(&ad.text).len()),
        ("url_find", |ad| url::find(&ad.text).len()),
        ("handle_find", |ad| handle::find(&ad.text).len()),
        ("wallet_find", |ad| wallet::find(&ad.text).len()),
        ("iban_find", |ad| iban::find(&ad.text).len()),
        ("price_find", |ad| price::find(&ad.text).len()),
        ("age_find", |ad| age::find(&ad.text).len()),
    ];
    if let Ok(analyzer) = Analyzer::embedded() {
        let records = records(&ads);
        let (Some(t0), w0) = (thread_cpu_seconds(), std::time::Instant::now()) else {
            return;
        };
        let mut n = 0;
        for _ in 0..rounds {
            n += records
                .iter()
                .map(|r| analyzer.analyze(black_box(r), None).findings.len())
                .sum::<usize>();
        }
        let (Some(t1), wall) = (thread_cpu_seconds(), w0.elapsed().as_secs_f64()) else {
            return;
        };
        let mb = (bytes * rounds) as f64 / 1e6;
        println!(
            "analyze_record: {:.2} MB/s per CPU second ({:.2} MB/s wall), {} findings per round",
            mb / (t1 - t0).max(0.01),
            mb / wall.max(1e-9),
            n / rounds
        );
        let refs: Vec<&Record> = records.iter().collect();
        let (Some(t0), w0) = (thread_cpu_seconds(), std::time::Instant::now()) else {
            return;
        };
        let mut n = 0;
        for _ in 0..rounds {
            n += refs
                .chunks(512)
                .flat_map(|block| analyzer.analyze_many(black_box(block), None))
                .map(|a| a.findings.len())
                .sum::<usize>();
        }
        let (Some(t1), wall) = (thread_cpu_seconds(), w0.elapsed().as_secs_f64()) else {
            return;
        };
        println!(
            "analyze_blocks_of_512 (as cairn scan): {:.2} MB/s per CPU second ({:.2} MB/s wall), \
             {} findings per round",
            mb / (t1 - t0).max(0.01),
            mb / wall.max(1e-9),
            n / rounds
        );
    }
    for (name, run) in runs {
        let (Some(t0), w0) = (thread_cpu_seconds(), std::time::Instant::now()) else {
            return;
        };
        let mut n = 0;
        for _ in 0..rounds {
            n += ads.iter().map(|ad| run(black_box(ad))).sum::<usize>();
        }
        let (Some(t1), wall) = (thread_cpu_seconds(), w0.elapsed().as_secs_f64()) else {
            return;
        };
        let mb = (bytes * rounds) as f64 / 1e6;
        println!(
            "{name}: {:.2} MB/s per CPU second ({:.2} MB/s wall), {} findings per round",
            mb / (t1 - t0).max(0.01),
            mb / wall.max(1e-9),
            n / rounds
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    if std::env::var_os("CAIRN_BENCH_CPU").is_some() {
        cpu_report();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
