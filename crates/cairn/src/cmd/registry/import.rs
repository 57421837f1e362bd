//! `cairn import htcds FILE`.

use super::{DbArgs, LoginArgs};
use crate::exit;
use cairn_registry::app;
use std::path::{Path, PathBuf};

/// Import records into the registry.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub command: ImportCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// HTCDS persons and cases from CSV or JSON Lines (field names as in docs/htcds.md). Bad rows
    /// are named by line and field and written to the reject file; good rows are imported; exit 3
    /// if any row was rejected. Re-running the same file adds nothing.
    Htcds {
        file: PathBuf,
        /// Where rejected rows go (default: FILE.rejects.jsonl), readable by you only.
        #[arg(long)]
        rejects: Option<PathBuf>,
        #[command(flatten)]
        login: LoginArgs,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn run(data: &Path, args: ImportArgs) -> anyhow::Result<u8> {
    let ImportCommand::Htcds {
        file,
        rejects,
        login,
        db,
    } = args.command;
    let rejects = rejects.unwrap_or_else(|| {
        let mut name = file.clone().into_os_string();
        name.push(".rejects.jsonl");
        PathBuf::from(name)
    });
    let login = login.login()?;
    let report = app::import_htcds(&db.target(data), &login, &file, &rejects)?;
    for r in &report.rejections {
        eprintln!("{}:{}: {}: {}", file.display(), r.line, r.field, r.message);
    }
    println!(
        "{} rows: {} imported, {} already present, {} rejected",
        report.rows, report.imported, report.already_present, report.rejected_rows
    );
    if report.rejected_rows > 0 {
        println!("rejected rows written to {}", rejects.display());
        return Ok(exit::REJECTED);
    }
    Ok(exit::OK)
}
