//! Conversation safety for minors, on the device.
//!
//! [`Guard`] finds grooming, sextortion and recruitment signals in a conversation and combines
//! them, with a small learned model, into an explained risk. Everything it needs (lexicons in eight
//! languages, the signal table, the model weights) is embedded at build time: the core does no
//! file or network I/O, so it runs in WASM and behind a C ABI (crate `cairn-guard-ffi`). The
//! optional `readers` feature turns chat exports (bytes) into conversations.
//!
//! ```
//! use cairn_guard::{Guard, Message};
//! let guard = Guard::embedded().unwrap();
//! let mut session = guard.session();
//! session.push(&Message::new("x", "how old are you?"));
//! let update = session.push(&Message::new("x", "dont tell anyone about us ok"));
//! assert!(update.signals.iter().any(|s| s.id == "secrecy"));
//! ```

// Tests may unwrap (project rule); library code may not.
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod detect;
pub mod eval;
pub mod lexicon;
mod matcher;
pub mod model;
pub mod norm;
#[cfg(feature = "readers")]
pub mod readers;
pub mod signals;
#[cfg(feature = "wasm")]
pub mod wasm;

pub use detect::{Assessment, Contribution, Level, Message, Session, Signal, Update};
pub use signals::Stage;

use std::sync::OnceLock;

/// The embedded data files: (name, contents). Language lexicons plus the emoji lexicon.
const LEXICONS: [(&str, &str); 9] = [
    ("lexicon/en.txt", include_str!("../data/lexicon/en.txt")),
    ("lexicon/fr.txt", include_str!("../data/lexicon/fr.txt")),
    ("lexicon/nl.txt", include_str!("../data/lexicon/nl.txt")),
    ("lexicon/de.txt", include_str!("../data/lexicon/de.txt")),
    ("lexicon/it.txt", include_str!("../data/lexicon/it.txt")),
    ("lexicon/es.txt", include_str!("../data/lexicon/es.txt")),
    ("lexicon/ro.txt", include_str!("../data/lexicon/ro.txt")),
    ("lexicon/bg.txt", include_str!("../data/lexicon/bg.txt")),
    (
        "lexicon/emoji.txt",
        include_str!("../data/lexicon/emoji.txt"),
    ),
];
const SIGNALS: &str = include_str!("../data/signals.json");
const MODEL: &[u8] = include_bytes!("../data/model.bin");

/// Embedded data that cannot be used (a build with a broken data file; tests catch it).
#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    #[error("signal table data/signals.json: {0}")]
    Signals(String),
    #[error(transparent)]
    Lexicon(#[from] lexicon::LexiconError),
    #[error("phrase automaton: {0}")]
    Matcher(String),
    #[error(transparent)]
    Model(#[from] model::ModelError),
}

/// The detector with its data. Build once ([`Guard::embedded`]), share freely.
#[derive(Debug)]
pub struct Guard {
    table: signals::SignalTable,
    lexicon: lexicon::Lexicon,
    matcher: Box<dyn matcher::PhraseMatcher>,
    model: model::Model,
}

impl Guard {
    /// Parses the embedded data files.
    pub fn new() -> Result<Self, GuardError> {
        let table: signals::SignalTable =
            serde_json::from_str(SIGNALS).map_err(|e| GuardError::Signals(e.to_string()))?;
        table.validate().map_err(GuardError::Signals)?;
        let mut lexicon = lexicon::Lexicon::default();
        for (name, text) in LEXICONS {
            lexicon.add_file(name, text, &|id| table.index(id))?;
        }
        let matcher =
            matcher::build(&lexicon.phrases).map_err(|e| GuardError::Matcher(e.to_string()))?;
        let model = model::Model::from_bytes(MODEL)?;
        Ok(Self {
            table,
            lexicon,
            matcher,
            model,
        })
    }

    /// The process-wide detector over the embedded data, built on first use.
    pub fn embedded() -> Result<&'static Guard, &'static GuardError> {
        static GUARD: OnceLock<Result<Guard, GuardError>> = OnceLock::new();
        GUARD.get_or_init(Guard::new).as_ref()
    }

    /// A new incremental assessment.
    pub fn session(&self) -> Session<'_> {
        Session::new(self)
    }

    /// Assesses a whole conversation (the same as pushing its messages into a session).
    pub fn assess(&self, messages: &[Message]) -> Assessment {
        let mut s = self.session();
        for m in messages {
            s.push(m);
        }
        s.assessment()
    }

    /// The explanation of a signal id, a stage name, or a contribution source (`signal:<id>`,
    /// `progression`, `minor_context`, `model`), in `lang` (`en` or `fr`; English otherwise).
    pub fn explain(&self, what: &str, lang: &str) -> Option<&str> {
        let id = what.strip_prefix("signal:").unwrap_or(what);
        if let Some(s) = self.table.signals.iter().find(|s| s.id == id) {
            return Some(s.text.get(lang));
        }
        if let Some(t) = self.table.other.get(id) {
            return Some(t.get(lang));
        }
        Stage::ALL
            .iter()
            .find(|s| s.as_str() == id)
            .and_then(|s| self.table.stages.get(s))
            .map(|t| t.get(lang))
    }

    /// `assessment` as a JSON object (the fields of [`Assessment`]) with an `explanation` in
    /// `lang` added to every contribution: what apps show (the C library and the WASM module).
    pub fn explained_json(&self, assessment: &Assessment, lang: &str) -> serde_json::Value {
        let mut value = serde_json::to_value(assessment).unwrap_or_default();
        if let Some(list) = value
            .get_mut("contributions")
            .and_then(|c| c.as_array_mut())
        {
            for (json, c) in list.iter_mut().zip(&assessment.contributions) {
                if let Some(obj) = json.as_object_mut() {
                    let why = self.explain(&c.source, lang).unwrap_or("");
                    obj.insert("explanation".into(), why.into());
                }
            }
        }
        value
    }

    /// Signal ids with their stage, in table order.
    pub fn signal_ids(&self) -> impl Iterator<Item = (&str, Stage)> {
        self.table.signals.iter().map(|s| (s.id.as_str(), s.stage))
    }

    /// `id@version` of the signal table and of every lexicon.
    pub fn versions(&self) -> Vec<String> {
        let mut v = vec![format!("{}@{}", self.table.id, self.table.version)];
        v.extend(self.lexicon.versions.iter().cloned());
        v.push(format!("guard-model@features-v{}", model::FEATURE_VERSION));
        v
    }

    /// Learned-model score of one message text (0..1), for evaluation and tooling.
    pub fn model_score(&self, text: &str) -> f32 {
        self.model
            .score(&norm::NormText::new(text), &mut Vec::new())
    }
}
