//! JSON Lines: one message a line, `{"conversation","author","time","text"}` (`time` optional,
//! extra fields ignored). Messages are grouped by conversation in order of first appearance.

use super::{Conversation, ReadError, ReadOutput, check_text};
use crate::Message;
use std::collections::HashMap;

pub fn read(source: &str, text: &str) -> ReadOutput {
    let mut out = ReadOutput::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let locator = format!("line:{}", i + 1);
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok((conv, msg)) => {
                let k = *index.entry(conv.clone()).or_insert_with(|| {
                    out.conversations.push(Conversation {
                        id: conv,
                        format: super::Format::JsonLines,
                        source: source.to_owned(),
                        messages: Vec::new(),
                    });
                    out.conversations.len() - 1
                });
                out.conversations[k].messages.push(msg);
            }
            Err(m) => out.errors.push(ReadError::new(source, locator, m)),
        }
    }
    out
}

fn parse_line(line: &str) -> Result<(String, Message), String> {
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let o = v.as_object().ok_or("not a JSON object")?;
    let field = |k: &str| -> Result<String, String> {
        match o.get(k) {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            // Numeric ids are common in exports; accept them as text.
            Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
            Some(_) => Err(format!("field `{k}` is not a string")),
            None => Err(format!("missing field `{k}`")),
        }
    };
    let conversation = field("conversation")?;
    let author = field("author")?;
    let text = match o.get("text") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => return Err("field `text` is not a string".into()),
        None => return Err("missing field `text`".into()),
    };
    check_text(&text)?;
    let time = match o.get("time") {
        None | Some(serde_json::Value::Null) => None,
        Some(_) => Some(field("time")?),
    };
    Ok((conversation, Message { author, time, text }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_conversation_and_names_bad_lines() {
        let input = concat!(
            "{\"conversation\":\"c1\",\"author\":\"a\",\"time\":\"2024-01-01T10:00:00Z\",\"text\":\"hi\"}\n",
            "{\"conversation\":\"c2\",\"author\":\"b\",\"text\":\"yo\",\"lang\":\"en\"}\n",
            "not json\n",
            "\n",
            "{\"conversation\":\"c1\",\"author\":\"b\",\"text\":7}\n",
            "{\"conversation\":1,\"author\":\"b\",\"text\":\"ok\"}\n",
        );
        let out = read("in.jsonl", input);
        assert_eq!(out.conversations.len(), 3);
        assert_eq!(
            out.conversations[0].messages[0].time.as_deref(),
            Some("2024-01-01T10:00:00Z")
        );
        assert_eq!(out.conversations[2].id, "1");
        let locs: Vec<_> = out.errors.iter().map(|e| e.locator.as_str()).collect();
        assert_eq!(locs, vec!["line:3", "line:5"]);
        assert!(out.errors[1].message.contains("`text`"));
    }
}
