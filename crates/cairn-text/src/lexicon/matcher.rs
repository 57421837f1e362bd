//! A set of literal phrases matched on the matching form of a text (see [`crate::normalize`]),
//! with word boundaries, reporting spans of the original text.
//!
//! This layer knows nothing of indicator categories: the ads lexicon ([`super::Lexicon`]), the
//! gazetteer and the conversation guard each build their own [`Matcher`] over their phrases.
//!
//! Pattern syntax: a phrase, normalised like the text (so `Nouvelle en ville` and
//! `nouvelle en ville` are the same pattern). A pattern whose first (last) character is a letter
//! or digit only matches where the text has no letter or digit just before (after) it, so `teen`
//! does not match inside `canteen` nor `teenager`. A trailing `*` drops the end boundary
//! (`fugueu*` matches `fugueuse` and `fugueuses`, and the match covers the whole word). Patterns made of emoji or punctuation match
//! anywhere.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Pattern sets up to this many bytes (all matching forms together) are compiled to a DFA.
const DFA_MAX_PATTERN_BYTES: usize = 40_000;

use crate::normalize::{Normalized, is_word_char};

/// Why a pattern set could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MatcherError {
    #[error("pattern {index} (`{pattern}`) is empty once normalised")]
    EmptyPattern { index: usize, pattern: String },
    #[error("cannot build the matcher: {0}")]
    Build(#[from] aho_corasick::BuildError),
}

/// One match of one pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternMatch {
    /// Index of the pattern in the order given to [`Matcher::new`].
    pub pattern: usize,
    /// Byte span in the original text.
    pub start: usize,
    pub end: usize,
    /// Byte span in the matching form.
    pub normalized: Range<usize>,
}

#[derive(Debug, Clone)]
struct Prepared {
    normalized: String,
    boundary_start: bool,
    boundary_end: bool,
    /// A trailing `*`: the match extends to the end of the word.
    prefix: bool,
}

/// A compiled set of phrases (Aho-Corasick over their matching forms).
#[derive(Debug, Clone)]
pub struct Matcher {
    ac: AhoCorasick,
    patterns: Vec<Prepared>,
    /// For each distinct matching form (the automaton's pattern ids), the patterns that have it.
    by_form: Vec<Vec<usize>>,
}

impl Matcher {
    /// Builds a matcher over `patterns` (see the module documentation for the syntax).
    pub fn new<I, S>(patterns: I) -> Result<Self, MatcherError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut prepared = Vec::new();
        let mut forms: Vec<String> = Vec::new();
        let mut form_index: HashMap<String, usize> = HashMap::new();
        let mut by_form: Vec<Vec<usize>> = Vec::new();
        for (index, raw) in patterns.into_iter().enumerate() {
            let raw = raw.as_ref();
            let (body, prefix) = match raw.trim_end().strip_suffix('*') {
                Some(b) => (b, true),
                None => (raw, false),
            };
            let normalized = crate::normalize::normalize(body);
            let (Some(first), Some(last)) = (normalized.chars().next(), normalized.chars().last())
            else {
                return Err(MatcherError::EmptyPattern {
                    index,
                    pattern: raw.to_owned(),
                });
            };
            let form = *form_index.entry(normalized.clone()).or_insert_with(|| {
                forms.push(normalized.clone());
                by_form.push(Vec::new());
                forms.len() - 1
            });
            by_form[form].push(index);
            prepared.push(Prepared {
                boundary_start: is_word_char(first),
                boundary_end: is_word_char(last) && !prefix,
                prefix: prefix && is_word_char(last),
                normalized,
            });
        }
        // A DFA is several times faster than the NFA on overlapping searches; its memory grows
        // with the total pattern length, so large sets (the gazetteer) keep the automatic choice.
        let total: usize = forms.iter().map(String::len).sum();
        let kind = (total <= DFA_MAX_PATTERN_BYTES).then_some(AhoCorasickKind::DFA);
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(&forms)?;
        Ok(Self {
            ac,
            patterns: prepared,
            by_form,
        })
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The matching form of pattern `i`.
    pub fn pattern(&self, i: usize) -> Option<&str> {
        self.patterns.get(i).map(|p| p.normalized.as_str())
    }

    /// All matches in `text` (normalised here), ordered by start then end.
    pub fn find(&self, text: &str) -> Vec<PatternMatch> {
        self.find_in(&Normalized::new(text))
    }

    /// All matches in an already normalised text, so that several matchers share one
    /// normalisation. Matches may overlap (a pattern inside a longer one is reported too).
    pub fn find_in(&self, n: &Normalized) -> Vec<PatternMatch> {
        let hay = n.text();
        let mut out = Vec::new();
        for m in self.ac.find_overlapping_iter(hay) {
            let (s, e) = (m.start(), m.end());
            let before_is_word = hay[..s].chars().next_back().is_some_and(is_word_char);
            let after_is_word = hay[e..].chars().next().is_some_and(is_word_char);
            let Some(indices) = self.by_form.get(m.pattern().as_usize()) else {
                continue;
            };
            for &i in indices {
                let p = &self.patterns[i];
                if (p.boundary_start && before_is_word) || (p.boundary_end && after_is_word) {
                    continue;
                }
                let e = if p.prefix {
                    let rest = &hay[e..];
                    e + rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len())
                } else {
                    e
                };
                let r = n.original_range(s, e);
                out.push(PatternMatch {
                    pattern: i,
                    start: r.start,
                    end: r.end,
                    normalized: s..e,
                });
            }
        }
        out.sort_by_key(|m| (m.start, m.end, m.pattern));
        out
    }
}

/// Keeps, among matches of the same group (as given by `group`), only those not contained in
/// another match of that group: `new in town` wins over `new` when both come from one entry.
pub fn drop_contained<F>(mut matches: Vec<PatternMatch>, group: F) -> Vec<PatternMatch>
where
    F: Fn(usize) -> usize,
{
    // Sorted by group, then start, longest first: a match is contained in another of its group
    // exactly when an earlier one in this order reaches as far.
    matches.sort_by(|a, b| {
        (
            group(a.pattern),
            a.normalized.start,
            std::cmp::Reverse(a.normalized.end),
            a.pattern,
        )
            .cmp(&(
                group(b.pattern),
                b.normalized.start,
                std::cmp::Reverse(b.normalized.end),
                b.pattern,
            ))
    });
    let mut out = Vec::with_capacity(matches.len());
    let mut current: Option<(usize, usize)> = None; // (group, furthest end)
    for m in matches {
        let g = group(m.pattern);
        match current {
            Some((cg, reach)) if cg == g && m.normalized.end <= reach => continue,
            Some((cg, reach)) if cg == g => current = Some((g, reach.max(m.normalized.end))),
            _ => current = Some((g, m.normalized.end)),
        }
        out.push(m);
    }
    out.sort_by_key(|m| (m.start, m.end, m.pattern));
    out
}
