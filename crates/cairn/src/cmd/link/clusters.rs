//! `cairn clusters`: the clusters of the last `cairn link`.

use super::{ListFormat, typed_line};
use crate::exit;
use crate::output::truncate;
use cairn_link::source;
use std::io::Write;
use std::path::Path;

/// List the clusters of linked records (run `cairn link` first), largest first.
///
/// JSON Lines: first one `common_selector` line per hub (common selectors never link), then one
/// `cluster` line per cluster with its records, selectors (with counts, common ones marked),
/// places, first and last seen, moves, touring, languages, indicator categories and evidence.
#[derive(Debug, clap::Args)]
pub struct ClustersArgs {
    /// Only clusters of at least this many records (1 lists single records too).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..))]
    pub min_size: u64,

    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

pub fn run(data: &Path, args: ClustersArgs) -> anyhow::Result<u8> {
    let (runtime, store) = super::open_store(data)?;
    super::require_link_run(&runtime, &store)?;
    let common = runtime.block_on(source::stored_common(&store))?;
    let clusters = runtime.block_on(source::stored_clusters(&store, args.min_size as usize))?;
    runtime.block_on(store.close());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        ListFormat::Jsonl => {
            for c in &common {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&typed_line("common_selector", c)?)?
                )?;
            }
            for c in &clusters {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&typed_line("cluster", c)?)?
                )?;
            }
        }
        ListFormat::Table => {
            writeln!(
                out,
                "{:<18} {:>5}  {:<20}  {:<20}  {:<30}  shared selectors",
                "cluster", "size", "first seen", "last seen", "places"
            )?;
            for c in &clusters {
                let shared: Vec<String> = c
                    .selectors
                    .iter()
                    .filter(|s| !s.common && s.records >= 2)
                    .take(3)
                    .map(|s| format!("{} {} ({})", s.kind.as_str(), s.value, s.records))
                    .collect();
                writeln!(
                    out,
                    "{:<18} {:>5}  {:<20}  {:<20}  {:<30}  {}",
                    c.id,
                    c.size,
                    c.first_seen.as_deref().unwrap_or("-"),
                    c.last_seen.as_deref().unwrap_or("-"),
                    truncate(&c.places.join(" → "), 30),
                    shared.join(", ")
                )?;
            }
            writeln!(
                out,
                "{} cluster(s) of {}+ records",
                clusters.len(),
                args.min_size
            )?;
            for c in &common {
                writeln!(
                    out,
                    "common (not linking): {} {} in {} records, {} unrelated contexts",
                    c.kind.as_str(),
                    c.value,
                    c.records,
                    c.contexts
                )?;
            }
        }
    }
    out.flush()?;
    Ok(exit::OK)
}
