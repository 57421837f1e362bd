//! Indicator lexicons: versioned data files matched on normalised text.
//!
//! A lexicon is a TOML file with an `id`, a `version` and `[[entry]]` tables (id, category,
//! languages, patterns, weight, source); the format is described in `crates/cairn-text/LEXICON.md`.
//! The default lexicon of signs of sexual exploitation of minors and trafficking in ads and posts
//! is embedded ([`Lexicon::embedded`]); another can be loaded from a file ([`Lexicon::load`]).
//!
//! Matching is the generic [`matcher::Matcher`] over the matching form of the text, so the
//! reported spans are byte spans of the original text. Each match becomes a
//! [`cairn_core::Finding`] of kind `indicator`, with `value` the entry id, `rule`
//! `"<entry id>@<lexicon version>"`, `category` set and details `weight` and `lexicon`.

pub mod matcher;
pub mod score;
mod trie;
pub mod word_keys;

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use cairn_core::{Finding, FindingKind, IndicatorCategory};
use serde::Deserialize;

use crate::normalize::Normalized;
use matcher::{Matcher, MatcherError, drop_contained};
pub use score::{CategoryScore, IndicatorScore, score};

/// The embedded default lexicon.
const EMBEDDED: &str = include_str!("../../data/indicators.toml");
/// Name used for the embedded lexicon in error messages.
const EMBEDDED_NAME: &str = "<embedded>/data/indicators.toml";

/// Language codes an entry may name: the 8 languages Cairn serves, and `any` for
/// language-independent patterns (emoji, brand names).
pub const LANGUAGES: [&str; 9] = ["fr", "en", "nl", "de", "it", "es", "ro", "bg", "any"];

/// Largest weight an entry may carry.
pub const MAX_WEIGHT: f32 = 5.0;

/// Why a lexicon could not be loaded. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax errors and unknown or missing fields, including an unknown category; the
    /// message gives line and column.
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: entry {entry}: {problem}")]
    Entry {
        file: String,
        entry: String,
        problem: String,
    },
    #[error("{file}: {problem}")]
    Header { file: String, problem: String },
    #[error("{file}: {source}")]
    Matcher {
        file: String,
        #[source]
        source: MatcherError,
    },
}

/// One indicator: a named set of phrases with a category, languages, weight and source.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub category: IndicatorCategory,
    pub languages: Vec<String>,
    pub patterns: Vec<String>,
    pub weight: f32,
    pub source: String,
    /// Free text for reviewers (why the entry exists, known false positives).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    id: String,
    version: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(rename = "entry")]
    entries: Vec<Entry>,
}

/// A loaded, validated and compiled indicator lexicon.
#[derive(Debug, Clone)]
pub struct Lexicon {
    id: String,
    version: String,
    description: Option<String>,
    entries: Vec<Entry>,
    matcher: Matcher,
    /// Entry index of each matcher pattern.
    pattern_entry: Vec<usize>,
    /// `"<entry id>@<version>"` of each entry, built once.
    rules: Vec<String>,
}

impl Lexicon {
    /// The default lexicon shipped in the crate (parsed once).
    pub fn embedded() -> Result<&'static Lexicon, &'static LexiconError> {
        static LEXICON: OnceLock<Result<Lexicon, LexiconError>> = OnceLock::new();
        LEXICON
            .get_or_init(|| Lexicon::parse(EMBEDDED, EMBEDDED_NAME))
            .as_ref()
    }

    /// Loads a lexicon from a TOML file.
    pub fn load(path: impl AsRef<Path>) -> Result<Lexicon, LexiconError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|source| LexiconError::Io {
            file: file.clone(),
            source,
        })?;
        Lexicon::parse(&src, &file)
    }

    /// Parses and validates a lexicon from TOML text; `file` names it in errors.
    pub fn parse(src: &str, file: &str) -> Result<Lexicon, LexiconError> {
        let parsed: LexiconFile = toml::from_str(src).map_err(|e| LexiconError::Parse {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        let header = |problem: &str| LexiconError::Header {
            file: file.to_owned(),
            problem: problem.to_owned(),
        };
        if parsed.id.trim().is_empty() {
            return Err(header("`id` is empty"));
        }
        if parsed.version.trim().is_empty() || parsed.version.contains(char::is_whitespace) {
            return Err(header("`version` is empty or contains whitespace"));
        }
        if parsed.entries.is_empty() {
            return Err(header("no `[[entry]]`"));
        }
        let mut seen = HashSet::new();
        let mut patterns = Vec::new();
        let mut pattern_entry = Vec::new();
        for (i, e) in parsed.entries.iter().enumerate() {
            let bad = |problem: String| LexiconError::Entry {
                file: file.to_owned(),
                entry: if e.id.is_empty() {
                    format!("#{}", i + 1)
                } else {
                    e.id.clone()
                },
                problem,
            };
            if e.id.trim().is_empty() || e.id.contains(char::is_whitespace) || e.id.contains('@') {
                return Err(bad("`id` is empty or contains whitespace or `@`".into()));
            }
            if !seen.insert(e.id.as_str()) {
                return Err(bad("duplicate `id`".into()));
            }
            if e.languages.is_empty() {
                return Err(bad("`languages` is empty".into()));
            }
            if let Some(l) = e
                .languages
                .iter()
                .find(|l| !LANGUAGES.contains(&l.as_str()))
            {
                return Err(bad(format!(
                    "unknown language `{l}` (allowed: {})",
                    LANGUAGES.join(", ")
                )));
            }
            if e.patterns.is_empty() {
                return Err(bad("`patterns` is empty".into()));
            }
            if !(e.weight.is_finite() && e.weight > 0.0 && e.weight <= MAX_WEIGHT) {
                return Err(bad(format!("`weight` must be in (0, {MAX_WEIGHT}]")));
            }
            if e.source.trim().is_empty() {
                return Err(bad("`source` is empty".into()));
            }
            for p in &e.patterns {
                patterns.push(p.as_str());
                pattern_entry.push(i);
            }
        }
        let matcher = Matcher::new(&patterns).map_err(|source| match source {
            MatcherError::EmptyPattern { index, pattern } => {
                let entry = pattern_entry
                    .get(index)
                    .and_then(|&i| parsed.entries.get(i));
                LexiconError::Entry {
                    file: file.to_owned(),
                    entry: entry.map_or_else(|| format!("#{index}"), |e| e.id.clone()),
                    problem: format!("pattern `{pattern}` is empty once normalised"),
                }
            }
            other => LexiconError::Matcher {
                file: file.to_owned(),
                source: other,
            },
        })?;
        let rules = parsed
            .entries
            .iter()
            .map(|e| format!("{}@{}", e.id, parsed.version))
            .collect();
        Ok(Lexicon {
            id: parsed.id,
            version: parsed.version,
            description: parsed.description,
            entries: parsed.entries,
            matcher,
            pattern_entry,
            rules,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Indicator findings in `text`, ordered by position.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        self.find_in(text, &Normalized::new(text), None)
    }

    /// Indicator findings in `text`, given its normalisation `n` (shared with other matchers).
    /// With `lang` (ISO 639-1), only entries for that language or `any` are used; pass `None`
    /// when the language is unknown (`und`), since ads mix languages.
    pub fn find_in(&self, text: &str, n: &Normalized, lang: Option<&str>) -> Vec<Finding> {
        let matches = self.matcher.find_in(n);
        let entry_of = |p: usize| self.pattern_entry.get(p).copied().unwrap_or(usize::MAX);
        let matches = drop_contained(matches, entry_of);
        let mut out = Vec::with_capacity(matches.len());
        for m in matches {
            let Some(e) = self.entries.get(entry_of(m.pattern)) else {
                continue;
            };
            if let Some(lang) = lang
                && !e.languages.iter().any(|l| l == lang || l == "any")
            {
                continue;
            }
            let rule = &self.rules[entry_of(m.pattern)];
            if let Some(mut f) =
                Finding::from_span(FindingKind::Indicator, &e.id, text, m.start, m.end, rule)
            {
                f.category = Some(e.category);
                // Rounded so that 0.3 prints as 0.3, not as its f32 expansion.
                let weight = (f64::from(e.weight) * 1e4).round() / 1e4;
                out.push(f.with("weight", weight).with("lexicon", self.id.as_str()));
            }
        }
        out
    }
}
