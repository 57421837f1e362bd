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
mod pattern;
pub mod score;
mod trie;
pub mod word_keys;

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use cairn_core::{Finding, FindingKind, IndicatorCategory};
use serde::Deserialize;

use crate::blob::Reader;
use crate::normalize::Normalized;
use matcher::{Form, Matcher, MatcherError, PatternForm, drop_contained};
pub use score::{CategoryScore, IndicatorScore, score};

/// The embedded default lexicon.
const EMBEDDED: &str = include_str!("../../data/indicators.toml");
/// Name used for the embedded lexicon in error messages.
const EMBEDDED_NAME: &str = "<embedded>/data/indicators.toml";
/// The embedded lexicon as read when the crate was built, with the matching forms of its
/// patterns (see `lexicon_blob` in build.rs for why and for the layout).
const EMBEDDED_BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.bin"));

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
            .get_or_init(|| match Prebuilt::read(EMBEDDED_BLOB, Form::Borrowed) {
                Some(p) => Lexicon::assemble(p.file, EMBEDDED_NAME, Some(p.forms)),
                // Not expected (a test reads it): the file is parsed instead, and its problem
                // reported.
                None => Lexicon::parse(EMBEDDED, EMBEDDED_NAME),
            })
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
        Self::assemble(parsed, file, None)
    }

    /// Checks the lexicon `parsed` (from `file`) and compiles its patterns, with their matching
    /// forms if they were computed beforehand (`forms`, one per pattern, entry by entry).
    fn assemble(
        parsed: LexiconFile,
        file: &str,
        forms: Option<PatternForms>,
    ) -> Result<Lexicon, LexiconError> {
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
        // Forms for every pattern (one empty once normalised has none: `Matcher::new` names it).
        let prebuilt = forms.filter(|f| {
            f.of_pattern.len() == patterns.len() && f.of_pattern.iter().all(Option::is_some)
        });
        let built = match prebuilt {
            Some(f) => Matcher::from_prebuilt(f.forms, f.of_pattern, None).map(|(m, _)| m),
            None => Matcher::new(&patterns),
        };
        let matcher = built.map_err(|source| match source {
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

/// The embedded lexicon as build.rs wrote it, and the matching forms of its patterns.
#[derive(Debug)]
struct Prebuilt {
    file: LexiconFile,
    forms: PatternForms,
}

/// The matching forms of a lexicon's patterns, computed by build.rs.
#[derive(Debug)]
struct PatternForms {
    /// The distinct forms.
    forms: Vec<Form>,
    /// The form of each pattern, entry by entry (`None`: empty once normalised).
    of_pattern: Vec<Option<PatternForm>>,
}

impl Prebuilt {
    /// `None` if `bytes` are not in build.rs's layout (or name an unknown category: the file is
    /// then parsed, and the problem reported). `keep` makes the forms: the embedded data borrows
    /// them ([`Form::Borrowed`]), other data (tests) copies them.
    fn read<'a>(bytes: &'a [u8], keep: impl Fn(&'a str) -> Form) -> Option<Prebuilt> {
        let mut r = Reader(bytes);
        let mut header = r.strings()?;
        let (id, version, description) = (header.next()?, header.next()?, header.next()?);
        let [has_description] = r.bytes::<1>()?;
        let entry_count = r.count()?;
        // A damaged count must not size a vector: each entry takes 13 bytes of numbers.
        if entry_count > r.0.len() / 13 {
            return None;
        }
        let mut shapes = Vec::with_capacity(entry_count);
        for _ in 0..entry_count {
            let weight = f32::from_bits(r.u32()?);
            let [has_note] = r.bytes::<1>()?;
            shapes.push((weight, has_note != 0, r.count()?, r.count()?));
        }
        let mut strings = r.strings()?;
        let mut next = || strings.next().map(str::to_owned);
        let mut entries = Vec::with_capacity(entry_count);
        for (weight, has_note, languages, patterns) in shapes {
            let id = next()?;
            let category = next()?;
            let category = IndicatorCategory::ALL
                .into_iter()
                .find(|c| c.as_str() == category)?;
            let source = next()?;
            let note = if has_note { Some(next()?) } else { None };
            let languages = (0..languages).map(|_| next()).collect::<Option<_>>()?;
            let patterns = (0..patterns).map(|_| next()).collect::<Option<_>>()?;
            entries.push(Entry {
                id,
                category,
                languages,
                patterns,
                weight,
                source,
                note,
            });
        }
        let forms: Vec<Form> = r.strings()?.map(keep).collect();
        let pattern_count = r.count()?;
        if pattern_count != entries.iter().map(|e| e.patterns.len()).sum::<usize>() {
            return None;
        }
        let mut of_pattern = Vec::with_capacity(pattern_count);
        for _ in 0..pattern_count {
            let form = r.u32()?;
            let [prefix] = r.bytes::<1>()?;
            of_pattern.push(
                Some(form)
                    .filter(|&f| f != u32::MAX)
                    .map(|form| PatternForm {
                        form,
                        prefix: prefix != 0,
                    }),
            );
        }
        if !r.0.is_empty() {
            return None;
        }
        Some(Prebuilt {
            file: LexiconFile {
                id: id.to_owned(),
                version: version.to_owned(),
                description: (has_description != 0).then(|| description.to_owned()),
                entries,
            },
            forms: PatternForms { forms, of_pattern },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How damaged copies of the data keep their forms.
    fn owned(s: &str) -> Form {
        Form::Owned(s.to_owned())
    }

    /// The embedded lexicon as read when the crate was built is the one parsed and normalised
    /// here: same header, entries, patterns, forms and findings.
    #[test]
    fn prebuilt_lexicon_is_the_parsed_one() -> Result<(), LexiconError> {
        let Some(p) = Prebuilt::read(EMBEDDED_BLOB, Form::Borrowed) else {
            panic!("build.rs wrote no readable lexicon");
        };
        assert!(p.forms.of_pattern.iter().all(Option::is_some));
        let fast = Lexicon::assemble(p.file, EMBEDDED_NAME, Some(p.forms))?;
        let slow = Lexicon::parse(EMBEDDED, EMBEDDED_NAME)?;
        assert_eq!(
            (&fast.id, &fast.version, &fast.description),
            (&slow.id, &slow.version, &slow.description)
        );
        assert_eq!(fast.entries, slow.entries);
        assert_eq!(fast.pattern_entry, slow.pattern_entry);
        assert_eq!(fast.rules, slow.rules);
        assert_eq!(fast.matcher.len(), slow.matcher.len());
        assert!(
            (0..slow.matcher.len()).all(|i| fast.matcher.pattern(i) == slow.matcher.pattern(i))
        );
        // Some patterns end with `*` (they keep their meaning), and every entry's first pattern
        // finds its entry in both.
        assert!(
            slow.entries
                .iter()
                .flat_map(|e| &e.patterns)
                .any(|p| p.ends_with('*'))
        );
        let text: String = slow
            .entries
            .iter()
            .map(|e| {
                format!(
                    "{} ... {}s. ",
                    e.patterns[0].trim_end_matches('*'),
                    e.patterns[0]
                )
            })
            .collect();
        let found = fast.find(&text);
        assert_eq!(found, slow.find(&text));
        let ids: HashSet<&str> = found.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(ids.len(), slow.entries.len());
        assert_eq!(
            Lexicon::embedded().ok().map(|l| l.entries.len()),
            Some(slow.entries.len())
        );
        Ok(())
    }

    /// A lexicon whose forms were computed beforehand is checked like any other.
    #[test]
    fn prebuilt_entries_are_checked() {
        let Some(mut p) = Prebuilt::read(EMBEDDED_BLOB, Form::Borrowed) else {
            panic!("build.rs wrote no readable lexicon");
        };
        p.file.entries[1].id = p.file.entries[0].id.clone();
        let err = Lexicon::assemble(p.file, "x.toml", Some(p.forms)).err();
        assert!(
            err.as_ref()
                .is_some_and(|e| e.to_string().contains("duplicate `id`")),
            "{err:?}"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Truncated data is refused, altered data refused or read, never with a panic.
        #[test]
        fn damaged_prebuilt_lexicon_does_not_panic(
            cut in 0usize..EMBEDDED_BLOB.len() + 1,
            flip in proptest::collection::vec((0usize..8192, proptest::num::u8::ANY), 0..4),
        ) {
            let mut bytes = EMBEDDED_BLOB.get(..cut).unwrap_or_default().to_vec();
            if flip.is_empty() {
                proptest::prop_assert_eq!(
                    Prebuilt::read(&bytes, owned).is_some(),
                    cut == EMBEDDED_BLOB.len()
                );
            }
            for (at, b) in flip {
                if let Some(x) = bytes.get_mut(at) {
                    *x ^= b;
                }
            }
            if let Some(p) = Prebuilt::read(&bytes, owned) {
                let _ = Lexicon::assemble(p.file, "x.toml", Some(p.forms));
            }
        }
    }
}
