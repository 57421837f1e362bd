//! `cairn scan`: inputs to records, selectors and indicators, with evidence.

use std::path::{Path, PathBuf};

/// Read captured content (WARC, HTML, text, JSON Lines) and report selectors and indicators.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files or directories to read; `-` reads JSON Lines from standard input.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

pub fn run(_data: &Path, _args: ScanArgs) -> anyhow::Result<u8> {
    anyhow::bail!("scan is being built")
}
