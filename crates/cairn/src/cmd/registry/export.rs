//! `cairn export htcds`: consent enforced.

use super::{DbArgs, LoginArgs};
use crate::exit;
use anyhow::Context;
use cairn_registry::app::{self, ExportOptions};
use cairn_registry::consent::LegalBasis;
use cairn_registry::model::{DataCategory, LegalBasisKind, Purpose};
use std::path::{Path, PathBuf};

/// Export from the registry.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub command: ExportCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// HTCDS JSON Lines of every person whose consent covers the purpose and categories (or under
    /// a legal basis, for roles allowed to invoke one, with a reason). Each decision is audited.
    Htcds {
        /// care, referral, police, research or statistics.
        #[arg(long)]
        purpose: Purpose,
        /// Receiving organisation (by name); required for a referral.
        #[arg(long)]
        to: Option<String>,
        /// Data categories, comma-separated: identity, contact, case, exploitation, health, statement.
        #[arg(long, value_delimiter = ',', default_value = "case,exploitation")]
        categories: Vec<DataCategory>,
        /// child_protection_duty or court_order: share without consent (case workers, coordinators).
        #[arg(long, requires = "reason")]
        legal_basis: Option<LegalBasisKind>,
        /// Why the legal basis applies (recorded in the audit log's decision).
        #[arg(long)]
        reason: Option<String>,
        /// Output file (created 0600); standard output without it.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        login: LoginArgs,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn run(data: &Path, args: ExportArgs) -> anyhow::Result<u8> {
    let ExportCommand::Htcds {
        purpose,
        to,
        categories,
        legal_basis,
        reason,
        output,
        login,
        db,
    } = args.command;
    let opts = ExportOptions {
        purpose,
        recipient_organisation: to,
        categories,
        legal_basis: legal_basis.map(|kind| LegalBasis {
            kind,
            reason: reason.unwrap_or_default(),
        }),
    };
    let login = login.login()?;
    let target = db.target(data);
    let report = match &output {
        Some(path) => {
            let mut f = std::io::BufWriter::new(cairn_registry::htcds::private_file(path)?);
            let r = app::export_htcds(&target, &login, &opts, &mut f)?;
            std::io::Write::flush(&mut f).with_context(|| path.display().to_string())?;
            r
        }
        None => app::export_htcds(&target, &login, &opts, &mut std::io::stdout().lock())?,
    };
    eprintln!(
        "{} persons: {} exported, {} refused (no consent or legal basis; each refusal audited)",
        report.persons, report.exported, report.refused
    );
    Ok(exit::OK)
}
