//! The JSON chat exports: Telegram Desktop, Instagram data download, DiscordChatExporter.

use super::{Conversation, Format, ReadError, ReadOutput, check_text};
use crate::Message;
use serde_json::Value;

fn parse(source: &str, text: &str) -> Result<Value, ReadOutput> {
    serde_json::from_str(text).map_err(|e| ReadOutput {
        conversations: Vec::new(),
        errors: vec![ReadError::new(
            source,
            format!("line:{}:column:{}", e.line(), e.column()),
            format!("invalid JSON: {e}"),
        )],
    })
}

fn id_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Telegram Desktop: one chat (`result.json` of a single chat) or a full export (`chats.list`).
pub fn telegram(source: &str, text: &str) -> ReadOutput {
    let root = match parse(source, text) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let mut out = ReadOutput::default();
    let chats: Vec<(String, &Value)> = match root.pointer("/chats/list").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("/chats/list/{i}"), c))
            .collect(),
        None => vec![(String::new(), &root)],
    };
    for (path, chat) in chats {
        let Some(messages) = chat.get("messages").and_then(Value::as_array) else {
            out.errors.push(ReadError::new(
                source,
                format!("{path}/messages"),
                "missing `messages` array",
            ));
            continue;
        };
        let id = id_text(chat.get("id"))
            .or_else(|| id_text(chat.get("name")))
            .unwrap_or_else(|| source.to_owned());
        let mut conv = Conversation {
            id,
            format: Format::Telegram,
            source: source.to_owned(),
            messages: Vec::new(),
        };
        for (i, m) in messages.iter().enumerate() {
            let loc = format!("{path}/messages/{i}");
            // Service entries (joins, calls, pins) are not messages anyone wrote.
            if m.get("type").and_then(Value::as_str) == Some("service") {
                continue;
            }
            let author = id_text(m.get("from")).or_else(|| id_text(m.get("from_id")));
            let Some(author) = author else {
                out.errors
                    .push(ReadError::new(source, loc, "message without `from`"));
                continue;
            };
            let text = telegram_text(m.get("text"));
            if let Err(e) = check_text(&text) {
                out.errors.push(ReadError::new(source, loc, e));
                continue;
            }
            let time = m.get("date").and_then(Value::as_str).map(str::to_owned);
            conv.messages.push(Message { author, time, text });
        }
        out.conversations.push(conv);
    }
    out
}

/// Telegram writes text as a string or as an array of strings and `{type, text}` entities.
fn telegram_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .map(|p| match p {
                Value::String(s) => s.as_str(),
                other => other.get("text").and_then(Value::as_str).unwrap_or(""),
            })
            .collect(),
        _ => String::new(),
    }
}

/// Instagram's export writes UTF-8 bytes as Latin-1 code points (`\u00c3\u00a9` for `é`). A
/// string made only of code points below 256 that form valid UTF-8 as bytes is decoded; any other
/// string is kept as it is (so correct text is never damaged).
pub fn repair_mojibake(s: &str) -> String {
    if s.is_ascii() || s.chars().any(|c| u32::from(c) > 0xFF) {
        return s.to_owned();
    }
    let bytes: Vec<u8> = s
        .chars()
        .filter_map(|c| u8::try_from(u32::from(c)).ok())
        .collect();
    String::from_utf8(bytes).unwrap_or_else(|_| s.to_owned())
}

/// Instagram data download: `messages/inbox/<thread>/message_N.json`, newest message first.
pub fn instagram(source: &str, text: &str) -> ReadOutput {
    let root = match parse(source, text) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let mut out = ReadOutput::default();
    let Some(messages) = root.get("messages").and_then(Value::as_array) else {
        out.errors.push(ReadError::new(
            source,
            "/messages",
            "missing `messages` array",
        ));
        return out;
    };
    let id = root
        .get("thread_path")
        .or_else(|| root.get("title"))
        .and_then(Value::as_str)
        .map(repair_mojibake)
        .unwrap_or_else(|| source.to_owned());
    let mut rows: Vec<(i64, Message)> = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let loc = format!("/messages/{i}");
        let Some(author) = m.get("sender_name").and_then(Value::as_str) else {
            out.errors
                .push(ReadError::new(source, loc, "message without `sender_name`"));
            continue;
        };
        let ts = m.get("timestamp_ms").and_then(Value::as_i64);
        let mut text = m
            .get("content")
            .and_then(Value::as_str)
            .map(repair_mojibake)
            .unwrap_or_default();
        if text.is_empty() {
            // Keep the turn (it may answer a request for a picture) with a neutral placeholder.
            for (key, label) in [
                ("photos", "[photo]"),
                ("videos", "[video]"),
                ("audio_files", "[audio]"),
                ("share", "[link]"),
            ] {
                if m.get(key).is_some() {
                    text = label.to_owned();
                    break;
                }
            }
        }
        if let Err(e) = check_text(&text) {
            out.errors.push(ReadError::new(source, loc, e));
            continue;
        }
        let time = ts.and_then(rfc3339_from_millis);
        rows.push((
            ts.unwrap_or(i64::MAX),
            Message {
                author: repair_mojibake(author),
                time,
                text,
            },
        ));
    }
    // Newest first in the file; a stable sort keeps the file order for equal times.
    rows.reverse();
    rows.sort_by_key(|r| r.0);
    out.conversations.push(Conversation {
        id,
        format: Format::Instagram,
        source: source.to_owned(),
        messages: rows.into_iter().map(|r| r.1).collect(),
    });
    out
}

/// DiscordChatExporter JSON: `{guild, channel, messages:[{timestamp, content, author{name}}]}`.
pub fn discord(source: &str, text: &str) -> ReadOutput {
    let root = match parse(source, text) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let mut out = ReadOutput::default();
    let Some(messages) = root.get("messages").and_then(Value::as_array) else {
        out.errors.push(ReadError::new(
            source,
            "/messages",
            "missing `messages` array",
        ));
        return out;
    };
    let id = id_text(root.pointer("/channel/id"))
        .or_else(|| id_text(root.pointer("/channel/name")))
        .unwrap_or_else(|| source.to_owned());
    let mut conv = Conversation {
        id,
        format: Format::Discord,
        source: source.to_owned(),
        messages: Vec::new(),
    };
    for (i, m) in messages.iter().enumerate() {
        let loc = format!("/messages/{i}");
        let author = m
            .pointer("/author/name")
            .and_then(Value::as_str)
            .or_else(|| m.pointer("/author/nickname").and_then(Value::as_str));
        let Some(author) = author else {
            out.errors
                .push(ReadError::new(source, loc, "message without `author.name`"));
            continue;
        };
        let mut text = m
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if text.is_empty()
            && m.get("attachments")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
        {
            text = "[attachment]".to_owned();
        }
        if let Err(e) = check_text(&text) {
            out.errors.push(ReadError::new(source, loc, e));
            continue;
        }
        let time = m
            .get("timestamp")
            .and_then(Value::as_str)
            .map(str::to_owned);
        conv.messages.push(Message {
            author: author.to_owned(),
            time,
            text,
        });
    }
    out.conversations.push(conv);
    out
}

/// Milliseconds since the epoch to `YYYY-MM-DDTHH:MM:SS.mmmZ` (proleptic Gregorian, UTC).
fn rfc3339_from_millis(ms: i64) -> Option<String> {
    if !(0..=253_402_300_799_999).contains(&ms) {
        return None;
    }
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms.rem_euclid(1000)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_instagram_mojibake_only_when_it_is_mojibake() {
        assert_eq!(repair_mojibake("\u{00c3}\u{00a9}t\u{00c3}\u{00a9}"), "été");
        assert_eq!(repair_mojibake("\u{00f0}\u{009f}\u{0098}\u{0098}"), "😘");
        assert_eq!(repair_mojibake("déjà"), "déjà");
        assert_eq!(repair_mojibake("ok 😘"), "ok 😘");
    }

    #[test]
    fn millis_to_rfc3339() {
        assert_eq!(
            rfc3339_from_millis(0).as_deref(),
            Some("1970-01-01T00:00:00.000Z")
        );
        assert_eq!(
            rfc3339_from_millis(1_609_452_907_123).as_deref(),
            Some("2020-12-31T22:15:07.123Z")
        );
        assert_eq!(
            rfc3339_from_millis(951_782_400_000).as_deref(),
            Some("2000-02-29T00:00:00.000Z")
        );
        assert_eq!(rfc3339_from_millis(-1), None);
    }

    #[test]
    fn telegram_single_and_full_exports() {
        let single = r#"{"name":"Ann","type":"personal_chat","id":42,"messages":[
            {"id":1,"type":"service","date":"2024-01-01T10:00:00","actor":"Ann","action":"phone_call"},
            {"id":2,"type":"message","date":"2024-01-01T10:01:00","from":"Ann","text":"hi"},
            {"id":3,"type":"message","date":"2024-01-01T10:02:00","from":"Bob","text":["see ",{"type":"link","text":"x.org"}]},
            {"id":4,"type":"message","date":"2024-01-01T10:03:00","text":"no sender"}]}"#;
        let out = telegram("result.json", single);
        assert_eq!(out.conversations[0].id, "42");
        let texts: Vec<_> = out.conversations[0]
            .messages
            .iter()
            .map(|m| m.text.as_str())
            .collect();
        assert_eq!(texts, vec!["hi", "see x.org"]);
        assert_eq!(out.errors[0].locator, "/messages/3");
        let full = r#"{"about":"x","chats":{"list":[{"name":"A","type":"personal_chat","id":1,"messages":[]},{"id":2}]}}"#;
        let out = telegram("result.json", full);
        assert_eq!(out.conversations.len(), 1);
        assert_eq!(out.errors[0].locator, "/chats/list/1/messages");
    }

    #[test]
    fn instagram_is_reordered_and_repaired() {
        let j = r#"{"participants":[{"name":"Ann"},{"name":"Bob"}],"title":"Bob","thread_path":"inbox/bob_1",
          "messages":[
            {"sender_name":"Bob","timestamp_ms":1609452907000,"content":"\u00c3\u00a7a va \u00f0\u009f\u0098\u0098"},
            {"sender_name":"Ann","timestamp_ms":1609452900000,"photos":[{"uri":"x.jpg"}]},
            {"timestamp_ms":1609452800000,"content":"lost"}]}"#;
        let out = instagram("message_1.json", j);
        let c = &out.conversations[0];
        assert_eq!(c.id, "inbox/bob_1");
        assert_eq!(c.messages[0].text, "[photo]");
        assert_eq!(c.messages[1].text, "ça va 😘");
        assert_eq!(
            c.messages[1].time.as_deref(),
            Some("2020-12-31T22:15:07.000Z")
        );
        assert_eq!(out.errors[0].locator, "/messages/2");
    }

    #[test]
    fn discord_chat_exporter() {
        let j = r#"{"guild":{"id":"1","name":"G"},"channel":{"id":"99","name":"general"},"messages":[
            {"id":"1","type":"Default","timestamp":"2024-01-01T10:00:00+00:00","content":"yo","author":{"id":"5","name":"ann"}},
            {"id":"2","type":"Default","timestamp":"2024-01-01T10:01:00+00:00","content":"","attachments":[{"url":"u"}],"author":{"id":"6","name":"bob"}},
            {"id":"3","content":"x"}]}"#;
        let out = discord("chan.json", j);
        assert_eq!(out.conversations[0].id, "99");
        assert_eq!(out.conversations[0].messages[1].text, "[attachment]");
        assert_eq!(out.errors[0].locator, "/messages/2");
        let bad = discord("bad.json", "{\"messages\": [");
        assert!(bad.errors[0].locator.starts_with("line:1:column:"));
    }
}
