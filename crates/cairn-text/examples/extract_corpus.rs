//! Runs the selector finders over a JSON Lines corpus, for profiling and before/after checks.
//!
//! ```text
//! cargo build --release --example extract_corpus -p cairn-text
//! target/release/examples/extract_corpus FILE [--repeat N] [--only phone|price|email|...]
//! target/release/examples/extract_corpus FILE --stages [--repeat N]
//! valgrind --tool=callgrind target/release/examples/extract_corpus FILE
//! ```
//!
//! Reads `{"id","text","region",...}` lines (bad lines are skipped), runs
//! `selectors::extract` (or, with `--only`, one finder) with the record's region on every record
//! N times, and prints the number of findings per kind plus a digest of all findings (kind,
//! value, span, evidence, rule, details), so two builds can be compared.
//!
//! With `--stages`, times each stage of a record's analysis on its own, on one thread (every
//! finder, normalisation, the lexicon, the gazetteer and language detection): where the time of
//! `cairn scan` goes, without a profiler.

use cairn_text::selectors::{
    self, SelectorContext, age, email, handle, iban, phone, price, url, wallet,
};
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::BufRead;
use std::process::ExitCode;

struct Record {
    text: String,
    region: Option<String>,
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: extract_corpus FILE [--repeat N] \
         [--only phone|price|email|url|handle|wallet|iban|age] [--stages]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut file = None;
    let mut repeat = 1usize;
    let mut only: Option<String> = None;
    let mut stages = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--repeat" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => repeat = n,
                None => return usage(),
            },
            "--only" => match args.next() {
                Some(k) => only = Some(k),
                None => return usage(),
            },
            "--stages" => stages = true,
            _ if file.is_none() => file = Some(a),
            _ => return usage(),
        }
    }
    let Some(file) = file else {
        return usage();
    };
    let records = match read(&file) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if stages {
        return time_stages(&records, repeat.max(1));
    }
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut digest = DefaultHasher::new();
    for _ in 0..repeat {
        for r in &records {
            let ctx = SelectorContext {
                region: r.region.as_deref(),
            };
            let t = r.text.as_str();
            let found = match only.as_deref() {
                None => selectors::extract(t, &ctx),
                Some("phone") => phone::find(t, &ctx),
                Some("price") => price::find(t),
                Some("email") => email::find(t),
                Some("url") => url::findings(t, &url::matches(t)),
                Some("handle") => handle::find_with(t, &url::matches(t)),
                Some("wallet") => wallet::find(t),
                Some("iban") => iban::find(t),
                Some("age") => age::find(t),
                Some(_) => return usage(),
            };
            for f in &found {
                *counts.entry(f.kind.as_str()).or_default() += 1;
                (
                    f.kind.as_str(),
                    &f.value,
                    f.start,
                    f.end,
                    &f.evidence,
                    &f.rule,
                )
                    .hash(&mut digest);
                f.detail.to_json().to_string().hash(&mut digest);
            }
        }
    }
    println!("records {}", records.len());
    println!("repeat {repeat}");
    for (k, n) in &counts {
        println!("{k} {n}");
    }
    println!("digest {:016x}", digest.finish());
    ExitCode::SUCCESS
}

/// Prints the time of each stage over every record, `repeat` times, with its share of the total.
fn time_stages(records: &[Record], repeat: usize) -> ExitCode {
    use cairn_text::{gazetteer::Gazetteer, lang, lexicon::Lexicon, normalize::Normalized};
    let (Ok(lexicon), Ok(gazetteer)) = (Lexicon::embedded(), Gazetteer::embedded()) else {
        eprintln!("the embedded lexicon or gazetteer could not be built");
        return ExitCode::FAILURE;
    };
    phone::warm_up(cairn_text::analyzer::WARM_PHONE_REGIONS);
    let normalized: Vec<Normalized> = records.iter().map(|r| Normalized::new(&r.text)).collect();
    let bytes: usize = records.iter().map(|r| r.text.len()).sum();
    fn ctx(r: &Record) -> SelectorContext<'_> {
        SelectorContext {
            region: r.region.as_deref(),
        }
    }
    type Stage<'a> = Box<dyn Fn(&Record, &Normalized) -> usize + 'a>;
    let stages: Vec<(&str, Stage)> = vec![
        (
            "phone",
            Box::new(|r, _| phone::find(&r.text, &ctx(r)).len()),
        ),
        ("price", Box::new(|r, _| price::find(&r.text).len())),
        ("email", Box::new(|r, _| email::find(&r.text).len())),
        (
            "url",
            Box::new(|r, _| url::findings(&r.text, &url::matches(&r.text)).len()),
        ),
        (
            "handle",
            Box::new(|r, _| handle::find_with(&r.text, &url::matches(&r.text)).len()),
        ),
        ("wallet", Box::new(|r, _| wallet::find(&r.text).len())),
        ("iban", Box::new(|r, _| iban::find(&r.text).len())),
        ("age", Box::new(|r, _| age::find(&r.text).len())),
        (
            "normalize",
            Box::new(|r, _| Normalized::new(&r.text).text().len()),
        ),
        (
            "lexicon",
            Box::new(|r, n| lexicon.find_in(&r.text, n, None).len()),
        ),
        (
            "gazetteer",
            Box::new(|r, n| gazetteer.find_in(&r.text, n).len()),
        ),
        (
            "lang",
            Box::new(|r, _| usize::from(lang::detect(&r.text).is_some())),
        ),
        (
            "all selectors",
            Box::new(|r, _| selectors::extract(&r.text, &ctx(r)).len()),
        ),
    ];
    let mut times = Vec::new();
    for (name, stage) in &stages {
        let start = std::time::Instant::now();
        let mut found = 0;
        for _ in 0..repeat {
            for (r, n) in records.iter().zip(&normalized) {
                found += stage(r, n);
            }
        }
        times.push((
            *name,
            start.elapsed().as_secs_f64() / repeat as f64,
            found / repeat,
        ));
    }
    // The total counts each finder once, not `all selectors` again.
    let total: f64 = times
        .iter()
        .filter(|t| t.0 != "all selectors")
        .map(|t| t.1)
        .sum();
    println!(
        "records {}  text bytes {bytes}  repeat {repeat}",
        records.len()
    );
    for (name, secs, found) in &times {
        println!(
            "{name:>14} {:8.2} ms {:7.1} MB/s {:5.1} %  ({found} found)",
            secs * 1e3,
            bytes as f64 / secs / 1e6,
            100.0 * secs / total
        );
    }
    println!("{:>14} {:8.2} ms", "total", total * 1e3);
    // The whole analysis record by record, then stage by stage over blocks of records
    // (`Analyzer::analyze_many`), which must give the same analyses.
    let Ok(analyzer) = cairn_text::analyzer::Analyzer::embedded() else {
        eprintln!("the embedded analyzer could not be built");
        return ExitCode::FAILURE;
    };
    let full: Vec<cairn_core::Record> = records
        .iter()
        .map(|r| cairn_core::Record {
            text: r.text.clone(),
            region: r.region.clone(),
            ..cairn_core::Record::default()
        })
        .collect();
    let start = std::time::Instant::now();
    let mut by_record = Vec::new();
    for _ in 0..repeat {
        by_record = full.iter().map(|r| analyzer.analyze(r, None)).collect();
    }
    let secs = start.elapsed().as_secs_f64() / repeat as f64;
    println!("{:>16} {:8.2} ms", "record by record", secs * 1e3);
    let refs: Vec<&cairn_core::Record> = full.iter().collect();
    for block in [8, 32, 64, 128, 256, 1024] {
        let start = std::time::Instant::now();
        let mut staged = Vec::new();
        for _ in 0..repeat {
            staged = refs
                .chunks(block)
                .flat_map(|b| analyzer.analyze_many(b, None))
                .collect::<Vec<_>>();
        }
        let secs = start.elapsed().as_secs_f64() / repeat as f64;
        let same = if staged == by_record {
            "same"
        } else {
            "DIFFERENT"
        };
        println!(
            "{:>16} {:8.2} ms  {same}",
            format!("blocks of {block}"),
            secs * 1e3
        );
    }
    ExitCode::SUCCESS
}

fn read(path: &str) -> std::io::Result<Vec<Record>> {
    let f = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut out = Vec::new();
    for line in f.lines() {
        let line = line?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let Some(text) = v.get("text").and_then(|t| t.as_str()) else {
            continue;
        };
        out.push(Record {
            text: text.to_owned(),
            region: v.get("region").and_then(|r| r.as_str()).map(str::to_owned),
        });
    }
    Ok(out)
}
