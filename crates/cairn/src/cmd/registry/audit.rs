//! `cairn audit verify|export`.

use super::DbArgs;
use crate::exit;
use anyhow::Context;
use cairn_registry::app;
use std::path::{Path, PathBuf};

/// The tamper-evident audit log.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check the whole hash chain; names the first seq that fails and exits 1.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Write every entry as JSON Lines (standard output or --output).
    Export {
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn run(data: &Path, args: AuditArgs) -> anyhow::Result<u8> {
    match args.command {
        AuditCommand::Verify { db } => {
            let report = app::audit_verify(&db.target(data))?;
            match report.first_break {
                None => {
                    println!(
                        "audit chain intact: {} entries, head at seq {}",
                        report.entries, report.head_seq
                    );
                    Ok(exit::OK)
                }
                Some(b) => {
                    println!("audit chain broken at seq {}: {}", b.seq, b.reason);
                    Ok(exit::FAILURE)
                }
            }
        }
        AuditCommand::Export { output, db } => {
            let target = db.target(data);
            let n = match output {
                Some(path) => {
                    let mut f = std::io::BufWriter::new(
                        std::fs::File::create(&path).with_context(|| path.display().to_string())?,
                    );
                    let n = app::audit_export(&target, &mut f)?;
                    std::io::Write::flush(&mut f).with_context(|| path.display().to_string())?;
                    n
                }
                None => app::audit_export(&target, &mut std::io::stdout().lock())?,
            };
            eprintln!("{n} audit entries exported");
            Ok(exit::OK)
        }
    }
}
