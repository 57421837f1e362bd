//! `cairn admin service add|list` (the directory) and `cairn case services match|plan|plans|status`.

use super::{DbArgs, LoginArgs};
use crate::exit;
use cairn_registry::app::{self, Target};
use cairn_registry::services::{Needs, PlanStatus, Service, ServiceKind};
use std::io::Write;

#[derive(Debug, clap::Subcommand)]
pub enum ServiceCommand {
    /// Add a service to the directory (admin or coordinator).
    Add {
        /// The service's public name.
        #[arg(long)]
        name: String,
        /// psychotrauma, shelter, legal_aid, health, education or family_support.
        #[arg(long)]
        kind: ServiceKind,
        /// ISO 3166-1 alpha-2 country.
        #[arg(long)]
        country: String,
        /// Region or city served (default: the whole country).
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        min_age: Option<u32>,
        #[arg(long)]
        max_age: Option<u32>,
        /// Languages spoken, ISO 639-1, comma-separated.
        #[arg(long, value_delimiter = ',')]
        languages: Vec<String>,
        /// Number of places (default: not limited).
        #[arg(long)]
        capacity: Option<u32>,
        #[command(flatten)]
        login: LoginArgs,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List the directory with places taken (JSON Lines).
    List {
        #[command(flatten)]
        login: LoginArgs,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn run_admin(data: &std::path::Path, command: ServiceCommand) -> anyhow::Result<u8> {
    match command {
        ServiceCommand::Add {
            name,
            kind,
            country,
            area,
            min_age,
            max_age,
            languages,
            capacity,
            login,
            db,
        } => {
            let service = Service {
                id: String::new(),
                organisation_id: None,
                name,
                kind,
                country,
                area,
                min_age,
                max_age,
                languages,
                capacity,
            };
            let id = app::run_as(&db.target(data), &login.login()?, async |reg, actor| {
                reg.add_service(actor, &service).await
            })?;
            writeln!(std::io::stdout(), "{id}")?;
        }
        ServiceCommand::List { login, db } => {
            let all = app::run_as(&db.target(data), &login.login()?, async |reg, _| {
                reg.services().await
            })?;
            let mut out = std::io::stdout().lock();
            for (service, active_plans) in all {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(
                        &serde_json::json!({"service": service, "active_plans": active_plans})
                    )?
                )?;
            }
        }
    }
    Ok(exit::OK)
}

#[derive(Debug, clap::Subcommand)]
pub enum CaseServicesCommand {
    /// Services that fit a case's needs: full ones last, same area first (JSON Lines).
    Match {
        /// Kinds needed, comma-separated: psychotrauma, shelter, legal_aid, health, education,
        /// family_support.
        #[arg(long, value_delimiter = ',', required = true)]
        need: Vec<ServiceKind>,
        #[arg(long)]
        country: String,
        #[arg(long)]
        area: Option<String>,
        /// The child's age.
        #[arg(long)]
        age: Option<u32>,
        /// Languages the child speaks (ISO 639-1, comma-separated).
        #[arg(long, value_delimiter = ',')]
        lang: Vec<String>,
    },
    /// Put a service in a case's plan (refused when the service is full).
    Plan { case: String, service: String },
    /// A case's service plans (JSON; the read is audited).
    Plans { case: String },
    /// Move a plan on: started, completed or cancelled.
    Status { plan: String, status: PlanStatus },
}

pub fn run_case(
    target: &Target,
    login: &app::Login,
    command: CaseServicesCommand,
) -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    match command {
        CaseServicesCommand::Match {
            need,
            country,
            area,
            age,
            lang,
        } => {
            let needs = Needs {
                kinds: need,
                country,
                area,
                age,
                languages: lang,
            };
            for m in app::run_as(target, login, async |reg, _| {
                reg.match_services(&needs).await
            })? {
                writeln!(out, "{}", serde_json::to_string(&m)?)?;
            }
        }
        CaseServicesCommand::Plan { case, service } => {
            let id = app::run_as(target, login, async |reg, actor| {
                reg.plan_service(actor, &case, &service).await
            })?;
            writeln!(out, "{id}")?;
        }
        CaseServicesCommand::Plans { case } => {
            let plans = app::run_as(target, login, async |reg, actor| {
                reg.service_plans(actor, &case).await
            })?;
            writeln!(out, "{}", serde_json::to_string_pretty(&plans)?)?;
        }
        CaseServicesCommand::Status { plan, status } => {
            app::run_as(target, login, async |reg, actor| {
                reg.set_plan_status(actor, &plan, status).await
            })?;
        }
    }
    Ok(exit::OK)
}
