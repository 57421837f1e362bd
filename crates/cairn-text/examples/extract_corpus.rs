//! Runs the selector finders over a JSON Lines corpus, for profiling and before/after checks.
//!
//! ```text
//! cargo build --release --example extract_corpus -p cairn-text
//! target/release/examples/extract_corpus FILE [--repeat N] [--only phone|price|email|...]
//! valgrind --tool=callgrind target/release/examples/extract_corpus FILE
//! ```
//!
//! Reads `{"id","text","region",...}` lines (bad lines are skipped), runs
//! `selectors::extract` (or, with `--only`, one finder) with the record's region on every record
//! N times, and prints the number of findings per kind plus a digest of all findings (kind,
//! value, span, evidence, rule, details), so two builds can be compared.

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
         [--only phone|price|email|url|handle|wallet|iban|age]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut file = None;
    let mut repeat = 1usize;
    let mut only: Option<String> = None;
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
