//! `cairn link`, `cairn clusters`, `cairn cluster` and the graph formats of `cairn export`.

pub mod cluster;
pub mod clusters;
pub mod export;
mod html;
pub mod run;

use anyhow::Context;
use cairn_store::{DataDir, Store};
use std::path::Path;

/// table for people, jsonl for machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Jsonl,
}

/// A current-thread runtime and the store of an existing data directory.
fn open_store(data: &Path) -> anyhow::Result<(tokio::runtime::Runtime, Store)> {
    let dir = DataDir::open_existing(data)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let store = runtime
        .block_on(Store::open(&dir))
        .context("opening the store")?;
    Ok((runtime, store))
}

/// Fails with a clear message when `cairn link` never ran on this store.
fn require_link_run(runtime: &tokio::runtime::Runtime, store: &Store) -> anyhow::Result<()> {
    if runtime.block_on(store.last_link_run())?.is_none() {
        anyhow::bail!("no clusters in this data directory yet: run `cairn link` first");
    }
    Ok(())
}

/// A JSON object with `type` first, then the fields of `value`.
fn typed_line(kind: &str, value: &impl serde::Serialize) -> anyhow::Result<serde_json::Value> {
    let mut line = serde_json::Map::new();
    line.insert("type".into(), kind.into());
    if let serde_json::Value::Object(fields) = serde_json::to_value(value)? {
        line.extend(fields);
    }
    Ok(serde_json::Value::Object(line))
}
