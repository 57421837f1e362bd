//! `cairn search`: where else does a selector appear.

use std::path::Path;

/// Where else does this phone, e-mail, handle or wallet appear.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The value to look for, as written (it is normalised like the scanner does).
    pub value: String,
}

pub fn run(_data: &Path, _args: SearchArgs) -> anyhow::Result<u8> {
    anyhow::bail!("search is being built")
}
