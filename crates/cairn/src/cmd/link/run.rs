//! `cairn link`: build or update the clusters of linked records in the store.

use crate::exit;
use anyhow::Context;
use cairn_link::{LinkConfig, link, source};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Link the scanned records of the data directory into clusters (networks).
///
/// Records are linked only through strong selectors (phone, e-mail, handle, wallet, IBAN, exact
/// image, near-duplicate image); places, prices and URLs never link. A selector met in many
/// unrelated records (a platform's support line) is marked common: it is reported and links
/// nothing. Very large components are split by community detection. Cluster ids stay stable
/// across runs; the new clusters replace the previous ones in one transaction, so an interrupted
/// run leaves the previous clusters intact. Run it again after new scans to update.
#[derive(Debug, clap::Args)]
pub struct LinkArgs {
    /// Thresholds (TOML if the name ends in .toml, else JSON); see docs/link.md for the fields.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// No progress on standard error.
    #[arg(long)]
    pub quiet: bool,
}

fn spinner(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

pub fn run(data: &Path, args: LinkArgs) -> anyhow::Result<u8> {
    let config = match &args.config {
        Some(path) => match LinkConfig::from_file(path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("cairn link: {e}");
                return Ok(exit::USAGE);
            }
        },
        None => LinkConfig::default(),
    };
    let (runtime, store) = super::open_store(data)?;
    let bar = spinner(args.quiet);
    bar.set_message("reading records and findings");
    let loaded = runtime
        .block_on(source::load(&store, &config))
        .context("reading the store")?;
    let mixed = loaded.versions.mixed();
    if !mixed.is_empty() {
        bar.suspend(|| {
            eprintln!(
                "cairn link: the store mixes rule-set versions ({}); linking proceeds, but findings of different versions may differ",
                mixed.join("; ")
            )
        });
    }
    bar.set_message(format!(
        "linking {} records, {} selectors",
        loaded.input.records.len(),
        loaded.input.selectors.len()
    ));
    let previous = runtime.block_on(source::previous_membership(&store))?;
    let linked = link(&loaded.input, &config, &previous)?;
    bar.set_message(format!("writing {} clusters", linked.clusters.len()));
    runtime
        .block_on(source::save(
            &store,
            &linked,
            &config,
            &loaded.versions,
            loaded.input.records.len(),
        ))
        .context("writing the clusters")?;
    runtime.block_on(store.close());
    bar.finish_and_clear();

    let multi: Vec<&cairn_link::Cluster> = linked.clusters.iter().filter(|c| c.size >= 2).collect();
    let largest = multi.first().map_or(0, |c| c.size);
    let carried = linked
        .clusters
        .iter()
        .filter(|c| c.records.iter().any(|r| previous.get(r) == Some(&c.id)))
        .count();
    println!(
        "linked {} records: {} clusters of 2+ records (largest {}), {} single records, {} common selectors not linking, {} large components split; {} cluster ids carried over from the previous run",
        loaded.input.records.len(),
        multi.len(),
        largest,
        linked.clusters.len() - multi.len(),
        linked.common.len(),
        linked.components_split,
        carried
    );
    Ok(exit::OK)
}
