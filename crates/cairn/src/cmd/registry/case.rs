//! `cairn case`: a small interface for scripting.

use super::{DbArgs, LoginArgs};
use crate::exit;
use cairn_registry::app;
use cairn_registry::blind::IndexField;
use cairn_registry::model::CaseStatus;
use std::path::Path;

/// Persons and cases, for scripts (JSON on standard output; every read audited).
#[derive(Debug, clap::Args)]
pub struct CaseArgs {
    #[command(subcommand)]
    pub command: CaseCommand,
    #[command(flatten)]
    pub login: LoginArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum CaseCommand {
    /// A person (by pseudonymous id) and their cases.
    Show { person: String },
    /// Person ids matching exactly a name, a birth date or a phone (blind index).
    Find {
        #[arg(long, group = "by")]
        name: Option<String>,
        #[arg(long, group = "by")]
        birthdate: Option<String>,
        #[arg(long, group = "by")]
        phone: Option<String>,
    },
    /// Set a case's status: Active, FollowUp, Closed, ClosedReferred.
    Status {
        case: String,
        status: CaseStatus,
        #[arg(long)]
        reason: Option<String>,
    },
}

pub fn run(data: &Path, args: CaseArgs) -> anyhow::Result<u8> {
    let target = args.db.target(data);
    let login = args.login.login()?;
    match args.command {
        CaseCommand::Show { person } => {
            println!(
                "{}",
                serde_json::to_string_pretty(&app::case_show(&target, &login, &person)?)?
            );
        }
        CaseCommand::Find {
            name,
            birthdate,
            phone,
        } => {
            let (field, value) = match (name, birthdate, phone) {
                (Some(v), _, _) => (IndexField::Name, v),
                (_, Some(v), _) => (IndexField::Birthdate, v),
                (_, _, Some(v)) => (IndexField::Phone, v),
                _ => {
                    eprintln!("cairn case find: give --name, --birthdate or --phone");
                    return Ok(exit::USAGE);
                }
            };
            for id in app::case_find(&target, &login, field, &value)? {
                println!("{id}");
            }
        }
        CaseCommand::Status {
            case,
            status,
            reason,
        } => {
            app::case_status(&target, &login, &case, status, reason.as_deref())?;
        }
    }
    Ok(exit::OK)
}
