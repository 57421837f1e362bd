//! `cairn search`: where else does a selector appear.

use crate::exit;
use crate::output::{Format, Output, truncate};
use anyhow::Context;
use cairn_core::FindingKind;
use cairn_store::{DataDir, SearchHit, Store};
use cairn_text::selectors::{self, SelectorContext};
use std::path::Path;

/// Where else does this phone, e-mail, handle, wallet or IBAN appear?
///
/// The value is normalised as the scanner does (a phone in any format becomes E.164 with
/// --region for national formats; e-mails are lowercased; `snap: name` becomes
/// `snapchat:name`), then every stored record holding it is listed with where it was read, oldest
/// capture first, with first and last seen.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The value to look for, as written in an ad or as normalised (e.g. +33612345678).
    pub value: String,

    /// Only this kind of selector (phone, email, url, handle, wallet, iban, place...).
    #[arg(long)]
    pub kind: Option<FindingKind>,

    /// Region for a phone number written in national format (ISO 3166 alpha-2).
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,

    /// table for people, jsonl for machines.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The (kind, value) pairs a query may stand for, most specific first.
fn interpretations(
    query: &str,
    kind: Option<FindingKind>,
    region: Option<&str>,
) -> Vec<(Option<FindingKind>, String)> {
    let q = query.trim();
    let mut out = Vec::new();
    let found = selectors::extract(q, &SelectorContext { region });
    // A selector that spans (nearly) the whole query is what the analyst meant.
    for f in found
        .iter()
        .filter(|f| f.end - f.start + 2 >= q.len() && kind.is_none_or(|k| k == f.kind))
    {
        out.push((Some(f.kind), f.value.clone()));
    }
    out.push((kind, q.to_owned()));
    out.push((kind, q.to_lowercase()));
    out.dedup();
    out
}

pub fn run(data: &Path, args: SearchArgs) -> anyhow::Result<u8> {
    if args.format == Format::Html {
        eprintln!("cairn search: --format must be table or jsonl");
        return Ok(exit::USAGE);
    }
    let dir = DataDir::open_existing(data)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let store = runtime
        .block_on(Store::open(&dir))
        .context("opening the store")?;
    let mut hits: Vec<SearchHit> = Vec::new();
    for (kind, value) in interpretations(&args.value, args.kind, args.region.as_deref()) {
        hits = runtime.block_on(store.search(kind, &value))?;
        if !hits.is_empty() {
            break;
        }
    }
    runtime.block_on(store.close());

    let mut out = Output::open(None, args.format)?;
    match args.format {
        Format::Jsonl => {
            for h in &hits {
                let mut v = serde_json::to_value(h)?;
                if let Some(o) = v.as_object_mut() {
                    o.insert("type".into(), "hit".into());
                }
                out.json_line(&v)?;
            }
            if let Some(s) = summary(&hits) {
                out.json_line(&s)?;
            }
        }
        _ => print_table(&hits),
    }
    out.flush()?;
    Ok(exit::OK)
}

/// First and last seen, records and sources of the hits.
fn summary(hits: &[SearchHit]) -> Option<serde_json::Value> {
    let first = hits.first()?;
    let times: Vec<&str> = hits
        .iter()
        .filter_map(|h| h.captured_at.as_deref())
        .collect();
    let mut sources: Vec<&str> = hits
        .iter()
        .flat_map(|h| h.occurrences.iter().map(|o| o.source.as_str()))
        .collect();
    sources.sort_unstable();
    sources.dedup();
    Some(serde_json::json!({
        "type": "summary",
        "kind": first.kind,
        "value": first.value,
        "records": hits.len(),
        "sources": sources,
        "first_seen": times.iter().min(),
        "last_seen": times.iter().max(),
    }))
}

fn print_table(hits: &[SearchHit]) {
    let Some(s) = summary(hits) else {
        println!("not found in the store");
        return;
    };
    println!(
        "{} {} — {} records, first seen {}, last seen {}",
        s["kind"].as_str().unwrap_or(""),
        s["value"].as_str().unwrap_or(""),
        hits.len(),
        s["first_seen"].as_str().unwrap_or("unknown"),
        s["last_seen"].as_str().unwrap_or("unknown"),
    );
    for h in hits {
        println!(
            "  {}  {:<20}  {}  {:?}",
            h.record,
            h.captured_at.as_deref().unwrap_or("-"),
            h.url.as_deref().unwrap_or("-"),
            truncate(&h.evidence, 40)
        );
        for o in &h.occurrences {
            println!("      {} [{}]", o.source, o.locator);
        }
    }
}
