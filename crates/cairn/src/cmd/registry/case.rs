//! `cairn case`: a small interface for scripting.

use super::{DbArgs, LoginArgs};
use crate::exit;
use cairn_registry::app;
use cairn_registry::blind::IndexField;
use cairn_registry::consent::LegalBasis;
use cairn_registry::model::{Answer, CaseStatus, Lang, LegalBasisKind, ScreeningLevel};
use cairn_registry::screening::Questionnaire;
use cairn_registry::workflow::{self, Grounds, Workflow};
use std::collections::BTreeMap;
use std::io::Write;
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
    /// Print the screening questionnaire (question ids, indicators, sources); needs no password.
    Questionnaire {
        /// en or fr.
        #[arg(long, default_value = "en")]
        lang: Lang,
    },
    /// Screen a case: answers by question id; prints the flagged level, the answers that raised
    /// it and the recommended action. A professional then confirms it (`confirm-screening`).
    Screen {
        case: String,
        /// Question ids answered yes (comma-separated).
        #[arg(long, value_delimiter = ',')]
        yes: Vec<String>,
        /// Question ids answered no.
        #[arg(long, value_delimiter = ',')]
        no: Vec<String>,
        /// Question ids answered "unknown" (asked, not known).
        #[arg(long, value_delimiter = ',')]
        unknown: Vec<String>,
        /// Language of the recommended action printed.
        #[arg(long, default_value = "en")]
        lang: Lang,
    },
    /// Confirm a screening's level, or set another one with --note giving the reason.
    ConfirmScreening {
        screening: String,
        /// no_concern, concern, high_concern or immediate_danger (default: the flagged one).
        #[arg(long)]
        level: Option<ScreeningLevel>,
        #[arg(long)]
        note: Option<String>,
    },
    /// The screenings of a case with their answers (JSON; the read is audited).
    Screenings { case: String },
    /// Refer a case to an organisation under a national workflow; prints its deadlines.
    Refer {
        case: String,
        /// Receiving organisation (name or id).
        #[arg(long)]
        to: String,
        /// Why the case is referred (no personal data: it is stored in clear).
        #[arg(long)]
        reason: String,
        /// National workflow preset: fr, be, nl or uk.
        #[arg(long)]
        workflow: String,
        /// A child's referral to child protection without consent, where the workflow allows it.
        #[arg(long)]
        child: bool,
        /// Without consent: child_protection_duty or court_order (allowed roles only).
        #[arg(long, requires = "legal_reason")]
        legal_basis: Option<LegalBasisKind>,
        #[arg(long)]
        legal_reason: Option<String>,
    },
    /// Record a reasonable- or conclusive-grounds decision on a referral you received.
    Grounds {
        referral: String,
        #[arg(long)]
        workflow: String,
        /// reasonable or conclusive.
        #[arg(long, value_parser = ["reasonable", "conclusive"])]
        decision: String,
        /// The decision is positive (without this flag: negative).
        #[arg(long)]
        positive: bool,
        /// Day of the decision, YYYY-MM-DD (default: today, UTC).
        #[arg(long)]
        on: Option<String>,
    },
    /// Services that fit a case, and its service plans.
    Services {
        #[command(subcommand)]
        command: super::service::CaseServicesCommand,
    },
    /// The case's one statement: record it, see it exists, view it, ask for and grant access.
    Statement {
        #[command(subcommand)]
        command: super::statement::StatementCommand,
    },
    /// Notes on a case (sealed).
    Note {
        #[command(subcommand)]
        command: super::statement::NoteCommand,
    },
    /// Referral decisions past their deadline (JSON Lines).
    Overdue {
        /// The day to check against, YYYY-MM-DD (default: today, UTC).
        #[arg(long)]
        on: Option<String>,
    },
}

fn day(text: Option<&str>) -> anyhow::Result<workflow::Date> {
    Ok(match text {
        Some(t) => workflow::parse_date(t, "--on")?,
        None => workflow::today(),
    })
}

fn print_questionnaire(lang: Lang) -> anyhow::Result<()> {
    let q = Questionnaire::builtin()?;
    // Written, not println!: a closed pipe (`| head`) is an error main() treats as success.
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} (v{}): {}", q.id, q.version, q.title.get(lang))?;
    for x in &q.questions {
        writeln!(
            out,
            "{:<28} [{} / {}] weight {}{}\n    {}\n    source: {}",
            x.id,
            x.domain,
            x.indicator,
            x.weight,
            x.raises
                .map(|r| format!(", raises to {r}"))
                .unwrap_or_default(),
            x.text(lang),
            x.source
        )?;
    }
    Ok(())
}

pub fn run(data: &Path, args: CaseArgs) -> anyhow::Result<u8> {
    if let CaseCommand::Questionnaire { lang } = args.command {
        print_questionnaire(lang)?;
        return Ok(exit::OK);
    }
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
        CaseCommand::Questionnaire { .. } => {}
        CaseCommand::Screen {
            case,
            yes,
            no,
            unknown,
            lang,
        } => {
            let mut answers = BTreeMap::new();
            for (ids, answer) in [
                (yes, Answer::Yes),
                (no, Answer::No),
                (unknown, Answer::Unknown),
            ] {
                for id in ids {
                    if answers.insert(id.trim().to_owned(), answer).is_some() {
                        eprintln!("cairn case screen: question {id:?} is answered twice");
                        return Ok(exit::USAGE);
                    }
                }
            }
            let (id, result) = app::case_screen(&target, &login, &case, &answers)?;
            writeln!(
                std::io::stdout(),
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "screening": id,
                    "level": result.level,
                    "confirmed": false,
                    "recommended_action": result.action.get(lang),
                    "result": result,
                }))?
            )?;
            eprintln!(
                "flagged {}: a professional confirms it with `cairn case confirm-screening {id}`",
                result.level
            );
        }
        CaseCommand::ConfirmScreening {
            screening,
            level,
            note,
        } => {
            let level =
                app::case_confirm_screening(&target, &login, &screening, level, note.as_deref())?;
            writeln!(std::io::stdout(), "{level}")?;
        }
        CaseCommand::Screenings { case } => {
            writeln!(
                std::io::stdout(),
                "{}",
                serde_json::to_string_pretty(&app::case_screenings(&target, &login, &case)?)?
            )?;
        }
        CaseCommand::Refer {
            case,
            to,
            reason,
            workflow,
            child,
            legal_basis,
            legal_reason,
        } => {
            let opts = app::ReferOptions {
                case_id: case,
                to,
                reason,
                workflow: Workflow::preset(&workflow)?,
                child,
                legal_basis: legal_basis.map(|kind| LegalBasis {
                    kind,
                    reason: legal_reason.unwrap_or_default(),
                }),
            };
            let deadlines = app::case_refer(&target, &login, &opts)?;
            writeln!(
                std::io::stdout(),
                "{}",
                serde_json::to_string_pretty(&deadlines)?
            )?;
        }
        CaseCommand::Grounds {
            referral,
            workflow,
            decision,
            positive,
            on,
        } => {
            let grounds = if decision == "conclusive" {
                Grounds::Conclusive
            } else {
                Grounds::Reasonable
            };
            let deadlines = app::case_grounds(
                &target,
                &login,
                &referral,
                &Workflow::preset(&workflow)?,
                grounds,
                positive,
                day(on.as_deref())?,
            )?;
            writeln!(
                std::io::stdout(),
                "{}",
                serde_json::to_string_pretty(&deadlines)?
            )?;
        }
        CaseCommand::Services { command } => {
            return super::service::run_case(&target, &login, command);
        }
        CaseCommand::Statement { command } => {
            return super::statement::run_statement(&target, &login, command);
        }
        CaseCommand::Note { command } => {
            return super::statement::run_note(&target, &login, command);
        }
        CaseCommand::Overdue { on } => {
            for o in app::case_overdue(&target, &login, day(on.as_deref())?)? {
                writeln!(std::io::stdout(), "{}", serde_json::to_string(&o)?)?;
            }
        }
    }
    Ok(exit::OK)
}
