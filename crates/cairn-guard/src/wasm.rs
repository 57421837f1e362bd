//! wasm-bindgen exports for browsers and Node (feature `wasm`), used by the offline demo page
//! `web/index.html`. The functions take and return strings and numbers only, so they are plain
//! Rust on other targets too: the host builds and tests them (`--features wasm`), while the
//! JavaScript glue exists only in a `wasm32-unknown-unknown` build:
//!
//! ```text
//! cargo rustc -p cairn-guard --release --target wasm32-unknown-unknown --features wasm \
//!     --crate-type cdylib
//! wasm-bindgen --target web --out-dir crates/cairn-guard/web/pkg \
//!     target/wasm32-unknown-unknown/release/cairn_guard.wasm
//! ```

use crate::readers::{self, Format};
use crate::{Guard, Message, Session};
use wasm_bindgen::prelude::wasm_bindgen;

/// The detector, or the reason the embedded data could not be used (a broken build).
fn guard() -> Result<&'static Guard, String> {
    Guard::embedded().map_err(|e| format!("cairn-guard data: {e}"))
}

/// One conversation assessed message by message (a chat open in the app).
#[wasm_bindgen]
pub struct GuardSession {
    session: Session<'static>,
}

#[wasm_bindgen]
impl GuardSession {
    /// A new conversation. The first one parses the embedded lexicons (about half a second).
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<GuardSession, String> {
        Ok(Self {
            session: guard()?.session(),
        })
    }

    /// Adds the next message; returns the conversation risk after it (0..1).
    pub fn push(&mut self, author: &str, text: &str, time: Option<String>) -> f64 {
        let msg = Message {
            author: author.to_owned(),
            time,
            text: text.to_owned(),
        };
        self.session.push(&msg).risk
    }

    /// Messages pushed so far.
    pub fn messages(&self) -> usize {
        self.session.len()
    }

    /// The assessment so far as JSON, contributions explained in `lang` (`en` or `fr`).
    #[wasm_bindgen(js_name = assessmentJson)]
    pub fn assessment_json(&self, lang: &str) -> String {
        let value = self
            .session
            .guard()
            .explained_json(&self.session.assessment(), lang);
        value.to_string()
    }
}

/// Assesses pasted text: any export `cairn chat-check` reads (WhatsApp, Telegram, Instagram,
/// Discord, JSON Lines) or, failing that, one `Name: message` a line. Returns JSON
/// `{"conversations":[{"id","format",…assessment}],"errors":[{"locator","message"}]}`.
#[wasm_bindgen(js_name = checkText)]
pub fn check_text(text: &str, lang: &str) -> Result<String, String> {
    let guard = guard()?;
    let mut read = readers::read("pasted", text.as_bytes());
    let mut format = read.conversations.first().map(|c| format_name(c.format));
    if read.conversations.is_empty()
        && let Some(messages) = name_colon_lines(text)
    {
        read.conversations.push(readers::Conversation {
            id: "pasted".into(),
            format: Format::JsonLines,
            source: "pasted".into(),
            messages,
        });
        read.errors.clear();
        format = Some("lines");
    }
    let conversations: Vec<serde_json::Value> = read
        .conversations
        .iter()
        .map(|c| {
            let mut v = guard.explained_json(&guard.assess(&c.messages), lang);
            if let Some(obj) = v.as_object_mut() {
                obj.insert("id".into(), c.id.clone().into());
                obj.insert("format".into(), format.unwrap_or("").into());
            }
            v
        })
        .collect();
    let errors: Vec<serde_json::Value> = read
        .errors
        .iter()
        .map(|e| serde_json::json!({"locator": e.locator, "message": e.message}))
        .collect();
    Ok(serde_json::json!({"conversations": conversations, "errors": errors}).to_string())
}

/// `name@version` of the signal table, the lexicons and the model features.
#[wasm_bindgen]
pub fn versions() -> Result<String, String> {
    Ok(guard()?.versions().join(" "))
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::WhatsApp => "whatsapp",
        Format::Telegram => "telegram",
        Format::Instagram => "instagram",
        Format::Discord => "discord",
        Format::JsonLines => "jsonl",
    }
}

/// `Name: message` lines (blank lines skipped; a line without `: ` continues the previous
/// message). `None` when no line has an author.
fn name_colon_lines(text: &str) -> Option<Vec<Message>> {
    let mut messages: Vec<Message> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.split_once(": ") {
            Some((author, said)) if !author.is_empty() && author.chars().count() <= 40 => {
                messages.push(Message::new(author.trim(), said.trim()));
            }
            _ => match messages.last_mut() {
                Some(last) => {
                    last.text.push('\n');
                    last.text.push_str(line);
                }
                None => return None,
            },
        }
    }
    (!messages.is_empty()).then_some(messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROOMING: &str = "max: hey how old are u?\nlea: im 13\nmax: ur so mature for ur age\n\
        max: are u home alone right now?\nmax: dont tell ur parents about us ok\n\
        max: send me a pic of u pls\n";

    #[test]
    fn pasted_lines_are_assessed_with_explanations() {
        let out: serde_json::Value =
            serde_json::from_str(&check_text(GROOMING, "fr").unwrap()).unwrap();
        let c = &out["conversations"][0];
        assert_eq!(c["format"], "lines");
        assert_eq!(c["messages"], 6);
        assert!(matches!(c["level"].as_str(), Some("medium" | "high")));
        assert!(
            c["signals"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["id"] == "secrecy")
        );
        assert!(
            !c["contributions"][0]["explanation"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(out["errors"].as_array().unwrap().is_empty());
    }

    #[test]
    fn whatsapp_export_is_read_and_ordinary_chat_stays_none() {
        let export = "31/12/2025, 10:15 - Sam: did you finish the maths homework?\n\
            31/12/2025, 10:16 - Lea: almost, question 4 is hard\n\
            31/12/2025, 10:17 - Sam: we can do it together at lunch tomorrow\n";
        let out: serde_json::Value =
            serde_json::from_str(&check_text(export, "en").unwrap()).unwrap();
        let c = &out["conversations"][0];
        assert_eq!(c["format"], "whatsapp");
        assert_eq!(c["messages"], 3);
        assert_eq!(c["level"], "none");
    }

    #[test]
    fn text_without_authors_is_an_error_not_a_conversation() {
        let out: serde_json::Value =
            serde_json::from_str(&check_text("just some words\nno authors", "en").unwrap())
                .unwrap();
        assert!(out["conversations"].as_array().unwrap().is_empty());
        assert_eq!(out["errors"][0]["locator"], "file");
    }

    #[test]
    fn session_matches_the_batch_assessment() {
        let mut s = GuardSession::new().unwrap();
        let mut risk = 0.0;
        for m in name_colon_lines(GROOMING).unwrap() {
            risk = s.push(&m.author, &m.text, None);
        }
        assert_eq!(s.messages(), 6);
        let v: serde_json::Value = serde_json::from_str(&s.assessment_json("en")).unwrap();
        // serde_json's default float parsing may differ from the printed value in the last bit.
        assert!((v["risk"].as_f64().unwrap() - risk).abs() < 1e-12);
        assert!(risk >= 0.5);
        assert!(versions().unwrap().contains("guard-model@"));
    }
}
