//! Chat exports to conversations: WhatsApp (.txt, Android and iOS), Telegram Desktop (JSON),
//! Instagram data download (message JSON, mojibake repaired), Discord (DiscordChatExporter JSON)
//! and JSON Lines. Readers take bytes and a source name, never paths: no I/O here.
//!
//! The format is detected from the content ([`detect`]). A reader returns the conversations it
//! could read and one [`ReadError`] per rejected part, named by source and locator (`line:N`,
//! `/messages/N`), so one bad line never loses a whole export.

mod json_exports;
mod jsonl;
mod whatsapp;

use crate::Message;

/// Longest message text accepted (bytes); longer messages are rejected, not cut.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// A conversation read from an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: String,
    /// The export format it was read from.
    pub format: Format,
    /// The input it came from, as given.
    pub source: String,
    pub messages: Vec<Message>,
}

/// A rejected input part. (Display and Error by hand: thiserror would take the `source` field
/// for an error cause.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub source: String,
    /// `line:N`, `line:N:column:M`, a JSON pointer such as `/messages/3`, or `file`.
    pub locator: String,
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, {}: {}", self.source, self.locator, self.message)
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    pub(crate) fn new(
        source: &str,
        locator: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            source: source.to_owned(),
            locator: locator.into(),
            message: message.into(),
        }
    }
}

/// What a reader produced: conversations and rejected parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOutput {
    pub conversations: Vec<Conversation>,
    pub errors: Vec<ReadError>,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    WhatsApp,
    Telegram,
    Instagram,
    Discord,
    JsonLines,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WhatsApp => "whatsapp",
            Self::Telegram => "telegram",
            Self::Instagram => "instagram",
            Self::Discord => "discord",
            Self::JsonLines => "jsonl",
        }
    }
}

/// Detects the export format from the content.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let text = std::str::from_utf8(strip_bom(bytes)).ok()?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        if let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(trimmed)
        {
            if o.contains_key("messages")
                && (o.contains_key("participants") || o.contains_key("thread_path"))
            {
                return Some(Format::Instagram);
            }
            if o.contains_key("messages") && o.contains_key("channel") {
                return Some(Format::Discord);
            }
            if o.contains_key("chats") || (o.contains_key("messages") && o.contains_key("type")) {
                return Some(Format::Telegram);
            }
        }
        return Some(Format::JsonLines);
    }
    if trimmed.is_empty() {
        return None;
    }
    whatsapp::looks_like(text).then_some(Format::WhatsApp)
}

/// Reads one export, detecting its format. An undetectable input is one error for the whole file.
pub fn read(source: &str, bytes: &[u8]) -> ReadOutput {
    match detect(bytes) {
        Some(f) => read_as(f, source, bytes),
        None => {
            let why = if std::str::from_utf8(bytes).is_err() {
                "not UTF-8 text"
            } else {
                "not a known chat export (WhatsApp .txt, Telegram, Instagram or Discord JSON, JSON Lines)"
            };
            ReadOutput {
                conversations: Vec::new(),
                errors: vec![ReadError::new(source, "file", why)],
            }
        }
    }
}

/// Joins the parts of Instagram threads that the export split over several files
/// (`message_1.json`, `message_2.json`, ...: same thread path), in time order; every other
/// conversation is returned as it is, in input order.
pub fn merge_split_threads(conversations: Vec<Conversation>) -> Vec<Conversation> {
    let mut out: Vec<Conversation> = Vec::with_capacity(conversations.len());
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut merged: Vec<bool> = Vec::new();
    for c in conversations {
        if c.format != Format::Instagram {
            out.push(c);
            merged.push(false);
            continue;
        }
        match index.get(&c.id) {
            Some(&k) => {
                out[k].messages.extend(c.messages);
                merged[k] = true;
            }
            None => {
                index.insert(c.id.clone(), out.len());
                out.push(c);
                merged.push(false);
            }
        }
    }
    for (c, m) in out.iter_mut().zip(merged) {
        if m {
            // Instagram times are all `YYYY-MM-DDTHH:MM:SS.mmmZ`: text order is time order.
            c.messages.sort_by(|a, b| match (&a.time, &b.time) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
        }
    }
    out
}

/// Reads one export in a given format.
pub fn read_as(format: Format, source: &str, bytes: &[u8]) -> ReadOutput {
    let text = match std::str::from_utf8(strip_bom(bytes)) {
        Ok(t) => t,
        Err(e) => {
            let msg = format!("not UTF-8 text (byte {})", e.valid_up_to());
            return ReadOutput {
                conversations: Vec::new(),
                errors: vec![ReadError::new(source, "file", msg)],
            };
        }
    };
    match format {
        Format::WhatsApp => whatsapp::read(source, text),
        Format::JsonLines => jsonl::read(source, text),
        Format::Telegram => json_exports::telegram(source, text),
        Format::Instagram => json_exports::instagram(source, text),
        Format::Discord => json_exports::discord(source, text),
    }
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

/// Checks a message text against the size limit.
pub(crate) fn check_text(text: &str) -> Result<(), String> {
    if text.len() > MAX_TEXT_BYTES {
        Err(format!(
            "message text of {} bytes is over the {MAX_TEXT_BYTES}-byte limit",
            text.len()
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_by_content() {
        assert_eq!(
            detect(b"12/31/20, 10:15 PM - Ann: hi\n"),
            Some(Format::WhatsApp)
        );
        assert_eq!(
            detect("[31.12.20, 22:15:07] Ann: hi\n".as_bytes()),
            Some(Format::WhatsApp)
        );
        assert_eq!(
            detect(br#"{"participants":[],"messages":[]}"#),
            Some(Format::Instagram)
        );
        assert_eq!(
            detect(br#"{"guild":{},"channel":{},"messages":[]}"#),
            Some(Format::Discord)
        );
        assert_eq!(
            detect(br#"{"name":"x","type":"personal_chat","id":1,"messages":[]}"#),
            Some(Format::Telegram)
        );
        assert_eq!(
            detect(b"{\"conversation\":\"c\",\"author\":\"a\",\"text\":\"t\"}\n{}"),
            Some(Format::JsonLines)
        );
        assert_eq!(detect(b"hello world\n"), None);
        assert_eq!(detect(b"\xff\xfe"), None);
    }

    proptest::proptest! {
        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = read("x", &bytes);
        }

        #[test]
        fn json_readers_never_panic(s in "[{}\\[\\]\":,a-z0-9 ]{0,120}") {
            for f in [Format::Telegram, Format::Instagram, Format::Discord, Format::JsonLines] {
                let _ = read_as(f, "x", s.as_bytes());
            }
            let wrapped = format!("{{\"messages\":[{s}],\"participants\":[]}}");
            let _ = read("x", wrapped.as_bytes());
        }
    }

    #[test]
    fn instagram_parts_are_merged_in_time_order() {
        let part = |ts: [i64; 2], text: [&str; 2]| {
            format!(
                r#"{{"participants":[],"thread_path":"inbox/x_1","messages":[{{"sender_name":"a","timestamp_ms":{},"content":"{}"}},{{"sender_name":"a","timestamp_ms":{},"content":"{}"}}]}}"#,
                ts[0], text[0], ts[1], text[1]
            )
        };
        let newer = read("message_1.json", part([4000, 3000], ["d", "c"]).as_bytes());
        let older = read("message_2.json", part([2000, 1000], ["b", "a"]).as_bytes());
        let other = read(
            "c.jsonl",
            b"{\"conversation\":\"inbox/x_1\",\"author\":\"z\",\"text\":\"t\"}",
        );
        let all: Vec<Conversation> = newer
            .conversations
            .into_iter()
            .chain(other.conversations)
            .chain(older.conversations)
            .collect();
        let merged = merge_split_threads(all);
        assert_eq!(merged.len(), 2);
        let texts: Vec<&str> = merged[0].messages.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, vec!["a", "b", "c", "d"]);
        assert_eq!(merged[1].format, Format::JsonLines);
    }

    #[test]
    fn unknown_input_is_one_file_error() {
        let out = read("x.bin", b"\x00\x01binary");
        assert_eq!(out.conversations.len(), 0);
        assert_eq!(out.errors[0].locator, "file");
    }
}
