//! `cairn chat-check`: conversation safety signals (grooming, sextortion, recruitment) in chat
//! exports, explained. See docs/chat-check.md.

use crate::exit;
use anyhow::Context;
use cairn_guard::readers::{self, ReadError};
use cairn_guard::{Assessment, Guard, Level};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Largest input file read (bytes); larger ones are rejected with an error line.
const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Jsonl,
}

/// Check chat exports for grooming, sextortion and recruitment signals, with explanations.
///
/// Inputs are detected by content: WhatsApp .txt (Android or iOS), Telegram Desktop JSON,
/// Instagram message JSON, DiscordChatExporter JSON, or JSON Lines with one message a line
/// (`{"conversation","author","time","text"}`). Flags for human review; decides nothing.
#[derive(Debug, clap::Args)]
pub struct ChatCheckArgs {
    /// Files or directories (read recursively); `-` reads standard input.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    /// Output: a table for people, or JSON Lines (one line a conversation, plus error lines).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,

    /// Language of the explanations (en or fr).
    #[arg(long, default_value = "en", value_parser = ["en", "fr"])]
    pub lang: String,

    /// Evaluate instead: inputs are labelled JSON Lines (`risky` per message line, see
    /// docs/chat-check.md); prints precision, recall, F0.5, false-positive rate and the median
    /// messages before the alert, overall and per language.
    #[arg(long)]
    pub eval: bool,
}

pub fn run(_data: &Path, args: ChatCheckArgs) -> anyhow::Result<u8> {
    let guard = Guard::embedded().map_err(|e| anyhow::anyhow!("embedded guard data: {e}"))?;
    let mut files = Vec::new();
    let mut errors: Vec<ReadError> = Vec::new();
    for input in &args.inputs {
        collect(input, &mut files, &mut errors);
    }
    if args.eval {
        return eval(guard, &files, errors);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.format == Format::Table {
        writeln!(
            out,
            "{:<28} {:>8} {:>5} {:<7} {:>8}  signals",
            "conversation", "messages", "risk", "level", "alert_at"
        )?;
    }
    let mut conversations = Vec::new();
    for (source, bytes) in files {
        let read = readers::read(&source, &bytes);
        errors.extend(read.errors);
        conversations.extend(read.conversations);
    }
    // Instagram splits long threads over message_1.json, message_2.json...: assess them whole.
    for conv in readers::merge_split_threads(conversations) {
        let a = guard.assess(&conv.messages);
        match args.format {
            Format::Jsonl => {
                serde_json::to_writer(
                    &mut out,
                    &conversation_line(guard, &conv.id, &conv.source, &a, &args.lang),
                )?;
                writeln!(out)?;
            }
            Format::Table => table_rows(&mut out, guard, &conv.id, &a, &args.lang)?,
        }
    }
    write_errors(&mut out, &errors, args.format)?;
    out.flush()?;
    Ok(if errors.is_empty() {
        exit::OK
    } else {
        exit::REJECTED
    })
}

/// Expands directories (sorted, recursive) and reads files; unreadable ones become errors.
fn collect(path: &Path, files: &mut Vec<(String, Vec<u8>)>, errors: &mut Vec<ReadError>) {
    let name = path.display().to_string();
    if name == "-" {
        let mut buf = Vec::new();
        match std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf)
        {
            Ok(_) if buf.len() as u64 > MAX_INPUT_BYTES => errors.push(too_big(&name)),
            Ok(_) => files.push((name, buf)),
            Err(e) => errors.push(io_error(&name, &e)),
        }
        return;
    }
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                errors.push(io_error(&name, &e));
                return;
            }
        };
        entries.sort();
        for p in entries {
            collect(&p, files, errors);
        }
        return;
    }
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_INPUT_BYTES => errors.push(too_big(&name)),
        Ok(_) => match std::fs::read(path) {
            Ok(b) => files.push((name, b)),
            Err(e) => errors.push(io_error(&name, &e)),
        },
        Err(e) => errors.push(io_error(&name, &e)),
    }
}

fn io_error(source: &str, e: &std::io::Error) -> ReadError {
    ReadError {
        source: source.to_owned(),
        locator: "file".into(),
        message: format!("cannot read: {e}"),
    }
}

fn too_big(source: &str) -> ReadError {
    ReadError {
        source: source.to_owned(),
        locator: "file".into(),
        message: format!("larger than the {MAX_INPUT_BYTES}-byte input limit"),
    }
}

/// One output line per conversation (the JSON Lines contract; fields in contract order).
#[derive(serde::Serialize)]
struct ConversationLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    messages: usize,
    risk: f64,
    level: &'static str,
    alert_at: Option<usize>,
    signals: &'a [cairn_guard::Signal],
    source: &'a str,
    author: Option<&'a str>,
    contributions: Vec<ContributionLine<'a>>,
}

#[derive(serde::Serialize)]
struct ContributionLine<'a> {
    source: &'a str,
    value: f64,
    messages: &'a [usize],
    explanation: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct ErrorLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    source: &'a str,
    locator: &'a str,
    message: &'a str,
}

fn conversation_line<'a>(
    guard: &'a Guard,
    id: &'a str,
    source: &'a str,
    a: &'a Assessment,
    lang: &str,
) -> ConversationLine<'a> {
    ConversationLine {
        kind: "conversation",
        id,
        messages: a.messages,
        risk: round(a.risk),
        level: a.level.as_str(),
        alert_at: a.alert_at,
        signals: &a.signals,
        source,
        author: a.author.as_deref(),
        contributions: a
            .contributions
            .iter()
            .map(|c| ContributionLine {
                source: &c.source,
                value: round(c.value),
                messages: &c.messages,
                explanation: guard.explain(&c.source, lang),
            })
            .collect(),
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn table_rows(
    out: &mut impl Write,
    guard: &Guard,
    id: &str,
    a: &Assessment,
    lang: &str,
) -> std::io::Result<()> {
    let mut ids: Vec<&str> = a.signals.iter().map(|s| s.id.as_str()).collect();
    ids.dedup();
    let alert = a.alert_at.map_or_else(|| "-".to_owned(), |i| i.to_string());
    let short: String = id.chars().take(28).collect();
    writeln!(
        out,
        "{short:<28} {:>8} {:>5.2} {:<7} {alert:>8}  {}",
        a.messages,
        a.risk,
        a.level.as_str(),
        ids.join(",")
    )?;
    if a.level >= Level::Medium {
        for c in &a.contributions {
            let why = guard.explain(&c.source, lang).unwrap_or("");
            writeln!(out, "    {:>5.2}  {:<28} {why}", c.value, c.source)?;
        }
        for s in &a.signals {
            writeln!(
                out,
                "    msg {:<5} {:<24} {:?}",
                s.message, s.id, s.evidence
            )?;
        }
    }
    Ok(())
}

fn write_errors(out: &mut impl Write, errors: &[ReadError], format: Format) -> anyhow::Result<()> {
    for e in errors {
        match format {
            Format::Jsonl => {
                let line = ErrorLine {
                    kind: "error",
                    source: &e.source,
                    locator: &e.locator,
                    message: &e.message,
                };
                serde_json::to_writer(&mut *out, &line)?;
                writeln!(out)?;
            }
            Format::Table => writeln!(out, "error: {e}")?,
        }
    }
    Ok(())
}

fn eval(
    guard: &Guard,
    files: &[(String, Vec<u8>)],
    mut errors: Vec<ReadError>,
) -> anyhow::Result<u8> {
    let mut all = Vec::new();
    for (source, bytes) in files {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                errors.push(ReadError {
                    source: source.clone(),
                    locator: "file".into(),
                    message: "not UTF-8 text".into(),
                });
                continue;
            }
        };
        let (convs, bad) = cairn_guard::eval::parse_labelled(text);
        all.extend(convs);
        errors.extend(bad.into_iter().map(|(line, message)| ReadError {
            source: source.clone(),
            locator: format!("line:{line}"),
            message,
        }));
    }
    let report = cairn_guard::eval::evaluate(guard, &all);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    serde_json::to_writer_pretty(&mut out, &report).context("writing the report")?;
    writeln!(out)?;
    write_errors(&mut out, &errors, Format::Jsonl)?;
    Ok(if errors.is_empty() {
        exit::OK
    } else {
        exit::REJECTED
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversation_lines_follow_the_contract() {
        let guard = Guard::embedded()
            .map_err(|e| e.to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        let msgs = [
            cairn_guard::Message::new("max", "are u home alone?"),
            cairn_guard::Message::new("max", "dont tell anyone, send me a pic"),
        ];
        let a = guard.assess(&msgs);
        let v = serde_json::to_value(conversation_line(guard, "c1", "in.jsonl", &a, "fr"))
            .unwrap_or_default();
        assert_eq!(v["type"], "conversation");
        assert_eq!(v["id"], "c1");
        assert_eq!(v["messages"], 2);
        assert!(v["risk"].as_f64().is_some_and(|r| (0.0..=1.0).contains(&r)));
        assert!(["none", "low", "medium", "high"].contains(&v["level"].as_str().unwrap_or("")));
        assert!(v["alert_at"].is_null() || v["alert_at"].is_u64());
        let s = &v["signals"][0];
        for k in ["id", "stage", "message", "start", "end", "evidence"] {
            assert!(!s[k].is_null(), "signal field {k}");
        }
        assert!(v["contributions"][0]["explanation"].as_str().is_some());
        let text = serde_json::to_string(&conversation_line(guard, "c1", "x", &a, "en"))
            .unwrap_or_default();
        assert!(
            text.starts_with("{\"type\":\"conversation\",\"id\":\"c1\",\"messages\":2,\"risk\":")
        );
    }

    #[test]
    fn error_lines_follow_the_contract() {
        let mut out = Vec::new();
        let e = ReadError {
            source: "a.txt".into(),
            locator: "line:3".into(),
            message: "bad".into(),
        };
        write_errors(&mut out, &[e], Format::Jsonl).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            String::from_utf8_lossy(&out),
            "{\"type\":\"error\",\"source\":\"a.txt\",\"locator\":\"line:3\",\"message\":\"bad\"}\n"
        );
    }
}
