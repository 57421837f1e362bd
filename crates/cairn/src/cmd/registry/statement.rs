//! `cairn case statement …` (the one statement of a case, its access list) and `cairn case note …`.

use crate::exit;
use cairn_registry::app::{self, Login, Target};
use cairn_registry::statement::MediaKind;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum StatementCommand {
    /// Record the case's one statement: a recording and/or a transcript (both sealed).
    Record {
        case: String,
        /// audio, video or text.
        #[arg(long)]
        kind: MediaKind,
        /// The recording file (at most 256 MiB).
        #[arg(long)]
        file: Option<PathBuf>,
        /// The transcript, as a UTF-8 text file.
        #[arg(long)]
        transcript: Option<PathBuf>,
    },
    /// Whether the case has a statement and whether you may view it (audited).
    Exists { case: String },
    /// View a statement you have access to: prints the transcript, writes the recording to --out.
    Show {
        statement: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Ask for access to a statement, with a professional reason (no personal data).
    Request {
        statement: String,
        #[arg(long)]
        reason: String,
    },
    /// Pending requests on statements you have access to (JSON Lines).
    Requests,
    /// Grant (or with --refuse, refuse) an access request.
    Decide {
        request: String,
        #[arg(long)]
        refuse: bool,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum NoteCommand {
    /// Add a note to a case (sealed); the text from --text or standard input.
    Add {
        case: String,
        #[arg(long)]
        text: Option<String>,
    },
    /// The notes of a case (JSON; audited).
    List { case: String },
}

fn read(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

pub fn run_statement(
    target: &Target,
    login: &Login,
    command: StatementCommand,
) -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    match command {
        StatementCommand::Record {
            case,
            kind,
            file,
            transcript,
        } => {
            if file.is_none() && transcript.is_none() {
                eprintln!("cairn case statement record: give --file, --transcript or both");
                return Ok(exit::USAGE);
            }
            let recording = file.as_ref().map(read).transpose()?;
            let text = match &transcript {
                Some(p) => Some(String::from_utf8(read(p)?).map_err(|_| {
                    anyhow::anyhow!("{}: the transcript is not UTF-8 text", p.display())
                })?),
                None => None,
            };
            let id = app::run_as(target, login, async |reg, actor| {
                reg.record_statement(actor, &case, kind, text.as_deref(), recording.as_deref())
                    .await
            })?;
            writeln!(out, "{id}")?;
        }
        StatementCommand::Exists { case } => {
            let info = app::run_as(target, login, async |reg, actor| {
                reg.statement_of_case(actor, &case).await
            })?;
            writeln!(out, "{}", serde_json::to_string_pretty(&info)?)?;
        }
        StatementCommand::Show {
            statement,
            out: path,
        } => {
            let view = app::run_as(target, login, async |reg, actor| {
                reg.view_statement(actor, &statement).await
            })?;
            writeln!(out, "{}", serde_json::to_string_pretty(&view)?)?;
            match (&view.attachment, path) {
                (Some(bytes), Some(p)) => {
                    std::fs::write(&p, bytes)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
                    eprintln!(
                        "recording written to {} (handle it as sensitive data)",
                        p.display()
                    );
                }
                (Some(_), None) => {
                    eprintln!("the statement has a recording: give --out FILE to write it")
                }
                _ => {}
            }
        }
        StatementCommand::Request { statement, reason } => {
            let id = app::run_as(target, login, async |reg, actor| {
                reg.request_statement_access(actor, &statement, &reason)
                    .await
            })?;
            writeln!(out, "{id}")?;
        }
        StatementCommand::Requests => {
            for r in app::run_as(target, login, async |reg, actor| {
                reg.pending_access_requests(actor).await
            })? {
                writeln!(out, "{}", serde_json::to_string(&r)?)?;
            }
        }
        StatementCommand::Decide { request, refuse } => {
            app::run_as(target, login, async |reg, actor| {
                reg.decide_access_request(actor, &request, !refuse).await
            })?;
        }
    }
    Ok(exit::OK)
}

pub fn run_note(target: &Target, login: &Login, command: NoteCommand) -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    match command {
        NoteCommand::Add { case, text } => {
            let text = match text {
                Some(t) => t,
                None => std::io::read_to_string(std::io::stdin())?,
            };
            let id = app::run_as(target, login, async |reg, actor| {
                reg.add_note(actor, &case, &text).await
            })?;
            writeln!(out, "{id}")?;
        }
        NoteCommand::List { case } => {
            let notes = app::run_as(target, login, async |reg, actor| {
                reg.notes_of(actor, &case).await
            })?;
            writeln!(out, "{}", serde_json::to_string_pretty(&notes)?)?;
        }
    }
    Ok(exit::OK)
}
