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

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::trie::{Trie, TrieError};

/// A matching form: computed at run time, or borrowed from the binary where build.rs computed
/// it (the embedded gazetteer's 16,000).
pub type Form = std::borrow::Cow<'static, str>;
pub use super::word_keys::WordKey;
use super::word_keys::{self, CONTINUES, FILTER_WORDS, filter_bit, key_hash, tag, word_keys};

/// Sets with no word-start pattern, up to this many bytes (all matching forms together), are
/// compiled to a DFA.
const DFA_MAX_PATTERN_BYTES: usize = 40_000;

use crate::normalize::{Normalized, is_word_char};

/// Why a pattern set could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MatcherError {
    #[error("pattern {index} (`{pattern}`) is empty once normalised")]
    EmptyPattern { index: usize, pattern: String },
    #[error("pattern {index}: no matching form {form}")]
    BadForm { index: usize, form: u32 },
    #[error("cannot build the matcher: {0}")]
    Build(#[from] aho_corasick::BuildError),
    #[error("cannot build the matcher's trie: {0}")]
    Trie(#[from] TrieError),
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

/// The matching form of one pattern, computed beforehand (see [`Matcher::from_prebuilt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternForm {
    /// Index of the form among the matcher's forms.
    pub form: u32,
    /// The pattern ended with `*`: the match runs to the end of the word.
    pub prefix: bool,
}

#[derive(Debug, Clone)]
struct Prepared {
    /// Index of the pattern's matching form in [`Matcher::forms`].
    form: u32,
    boundary_start: bool,
    boundary_end: bool,
    /// A trailing `*`: the match extends to the end of the word.
    prefix: bool,
}

/// How the matching forms are searched.
#[derive(Debug, Clone)]
enum Engine {
    /// Every position of the text: sets where no pattern must start a word (emoji, symbols).
    Everywhere(AhoCorasick),
    /// Patterns that must start a word (nearly all lexicon entries and names) only where a word
    /// starts: those made of whole words looked up word by word, the rest by walking a trie of
    /// their matching forms from there. The same matches as an unanchored automaton, without
    /// its failure transitions at every byte (nor building them). The few patterns that do not
    /// start a word (`'s-Hertogenbosch`) everywhere.
    WordStarts {
        /// Forms that end with a word character and whose patterns all need a word boundary
        /// there (nearly all): looked up by whole words.
        words: WordForms,
        /// The other forms that start a word (`fugueu*`, `st.`). Values: the index of each
        /// matching form in `forms`.
        trie: Option<Trie>,
        others: Option<(AhoCorasick, Vec<usize>)>,
    },
}

/// Forms made of whole words, found from a word start by looking up the text up to each
/// following word end: one hash probe per word where a trie takes one dependent step (often a
/// cache miss in the gazetteer's 16,000 names) per byte.
///
/// A key is a prefix of a form (its first `len` bytes), read from the matcher's forms: no key is
/// allocated on its own, which was most of the gazetteer's table building.
///
/// The table is [`word_keys::table`]: built here, or borrowed from the binary where build.rs laid
/// it out (the embedded gazetteer's 20,000 keys, whose hashing and 400 KB were a good part of its
/// start-up).
#[derive(Debug, Clone, Default)]
struct WordForms {
    /// Every form, and every run of leading whole words of a form (`frankfurt`, `frankfurt am`
    /// for `frankfurt am main`): the tags and slots of [`word_keys::Table`].
    tags: Cow<'static, [u16]>,
    slots: Cow<'static, [word_keys::Slot]>,
    /// Number of slots less one (a power of two less one).
    mask: usize,
    /// Longest form in bytes: no lookup past it.
    max_len: usize,
    /// The table's filter (see [`word_keys::Table::filter`]): a word that is no key (nearly
    /// every word) was a cache miss on its tag.
    filter: Cow<'static, [u64]>,
}

/// One slot of the table, read.
#[derive(Debug, Clone, Copy)]
struct Slot {
    form: u32,
    /// The key's length, with [`CONTINUES`] set if longer forms go on from it.
    len: u32,
    /// The form the key is, `u32::MAX` if none.
    hit: u32,
}

impl Slot {
    fn new(&[form, len, hit]: &word_keys::Slot) -> Self {
        Self { form, len, hit }
    }

    fn bytes<'f>(&self, forms: &'f [Form]) -> &'f [u8] {
        forms
            .get(self.form as usize)
            .and_then(|f| f.as_bytes().get(..(self.len & !CONTINUES) as usize))
            .unwrap_or_default()
    }

    fn hit(&self) -> Option<u32> {
        Some(self.hit).filter(|&h| h != u32::MAX)
    }

    fn continues(&self) -> bool {
        self.len & CONTINUES != 0
    }
}

/// A whole-word table, its tags, slots and filter borrowed from the binary or built.
pub type WordTable = (
    Cow<'static, [u16]>,
    Cow<'static, [word_keys::Slot]>,
    Cow<'static, [u64]>,
);

impl WordForms {
    /// The table of `keys` (each once, as [`word_keys`] gives them) over `forms`.
    fn from_keys(forms: &[Form], keys: &[WordKey]) -> Self {
        let t = word_keys::table(forms, keys);
        Self::from_table(forms, (t.tags.into(), t.slots.into(), t.filter.into()))
    }

    /// The table laid out by [`word_keys::table`] (here or in build.rs) over `forms`. Slots that
    /// do not fit in `forms` find nothing; a table of the wrong size is empty.
    fn from_table(forms: &[Form], (tags, slots, filter): WordTable) -> Self {
        let size = tags.len();
        if !size.is_power_of_two() || slots.len() != size || filter.len() != FILTER_WORDS {
            return Self::default();
        }
        // Keys are prefixes of forms.
        let max_len = forms.iter().map(|f| f.len()).max().unwrap_or(0);
        Self {
            tags,
            slots,
            mask: size - 1,
            max_len,
            filter,
        }
    }

    /// The slot of `key`, if it is in the table.
    #[inline]
    fn find(&self, forms: &[Form], key: &[u8]) -> Option<Slot> {
        let (tags, slots): (&[u16], &[word_keys::Slot]) = (&self.tags, &self.slots);
        let h = key_hash(key);
        let (w, bits) = filter_bit(h);
        if self.filter.get(w).is_none_or(|&f| f & bits != bits) {
            return None;
        }
        let want = tag(h);
        let mut i = (h as usize) & self.mask;
        // At most every slot once (a damaged table may have no free slot).
        for _ in 0..tags.len() {
            let t = *tags.get(i)?;
            if t == 0 {
                return None;
            }
            if t == want {
                let slot = Slot::new(slots.get(i)?);
                if slot.bytes(forms) == key {
                    return Some(slot);
                }
            }
            i = (i + 1) & self.mask;
        }
        None
    }

    /// Every key in the table (for tests).
    #[cfg(test)]
    fn iter(&self) -> impl Iterator<Item = Slot> + '_ {
        self.tags
            .iter()
            .zip(self.slots.iter())
            .filter(|(t, _)| **t != 0)
            .map(|(_, s)| Slot::new(s))
    }

    /// Calls `found(form, end)` for every form that is the text from `start` to one of `ends`
    /// (the ends of the words from the one at `start` on).
    #[inline]
    fn find_from(
        &self,
        forms: &[Form],
        text: &[u8],
        start: usize,
        ends: &[u32],
        mut found: impl FnMut(usize, usize),
    ) {
        for &end in ends {
            let end = end as usize;
            if end - start > self.max_len {
                return;
            }
            let Some(key) = text.get(start..end) else {
                return;
            };
            let Some(entry) = self.find(forms, key) else {
                return;
            };
            if let Some(form) = entry.hit() {
                found(form as usize, end);
            }
            if !entry.continues() {
                return;
            }
        }
    }
}

/// A compiled set of phrases (a whole-word table, a word-start trie and Aho-Corasick over their
/// matching forms).
#[derive(Debug, Clone)]
pub struct Matcher {
    engine: Engine,
    patterns: Vec<Prepared>,
    /// The distinct matching forms (the automata's pattern ids).
    forms: Vec<Form>,
    /// The patterns that have form `f`: `form_patterns[form_starts[f]..form_starts[f + 1]]`,
    /// in increasing order. (One list for all: a `Vec` per form was 20,000 allocations at
    /// start-up for the gazetteer.)
    form_patterns: Vec<u32>,
    form_starts: Vec<u32>,
}

impl Matcher {
    /// Builds a matcher over `patterns` (see the module documentation for the syntax); a pattern
    /// that is empty once normalised is an error.
    pub fn new<I, S>(patterns: I) -> Result<Self, MatcherError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::build(patterns, false).map(|(m, _)| m)
    }

    /// Like [`Matcher::new`], but patterns that are empty once normalised are left out; also
    /// returns, for each pattern of the matcher, the index of the input pattern it is. (Callers
    /// with many names, the gazetteer, would otherwise normalise every name twice to find them.)
    pub fn new_skipping_empty<I, S>(patterns: I) -> Result<(Self, Vec<usize>), MatcherError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::build(patterns, true)
    }

    fn build<I, S>(patterns: I, skip_empty: bool) -> Result<(Self, Vec<usize>), MatcherError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let patterns = patterns.into_iter();
        let expected = patterns.size_hint().0;
        let mut kept = Vec::with_capacity(expected);
        let mut prepared = Vec::with_capacity(expected);
        // Each distinct matching form and its index; turned into `forms` once all are known, so
        // that each form is stored once.
        let mut form_index: HashMap<String, u32, rustc_hash::FxBuildHasher> =
            HashMap::with_capacity_and_hasher(expected, rustc_hash::FxBuildHasher);
        // The previous pattern and its matching form: the gazetteer gives a city's name and its
        // ASCII spelling one after the other, the same in a quarter of its 23,000 names. (It
        // starts as the empty pattern, whose matching form is empty.)
        let (mut previous_body, mut previous_form) = (String::new(), String::new());
        for (input_index, raw) in patterns.enumerate() {
            let raw = raw.as_ref();
            let (body, prefix) = super::pattern::phrase_and_prefix(raw);
            if previous_body != body {
                previous_body.clear();
                previous_body.push_str(body);
                previous_form = crate::normalize::normalize(body);
            }
            let normalized = previous_form.as_str();
            let (Some(first), Some(last)) = (normalized.chars().next(), normalized.chars().last())
            else {
                if skip_empty {
                    continue;
                }
                return Err(MatcherError::EmptyPattern {
                    index: input_index,
                    pattern: raw.to_owned(),
                });
            };
            kept.push(input_index);
            let form = match form_index.get(normalized) {
                Some(&f) => f,
                None => {
                    let f = u32::try_from(form_index.len()).map_err(|_| TrieError::TooLarge)?;
                    form_index.insert(normalized.to_owned(), f);
                    f
                }
            };
            prepared.push(Prepared {
                form,
                boundary_start: is_word_char(first),
                boundary_end: is_word_char(last) && !prefix,
                prefix: prefix && is_word_char(last),
            });
        }
        let mut forms = vec![Form::default(); form_index.len()];
        for (form, f) in form_index {
            forms[f as usize] = Form::Owned(form);
        }
        Ok((Self::assemble(prepared, forms, None)?, kept))
    }

    /// A matcher over patterns whose matching forms are known already (the embedded gazetteer's
    /// and lexicon's, computed when the crate is built): `forms` are the distinct forms, and
    /// `pattern_forms` gives, for each input pattern, its form and whether it ended with `*`, or
    /// `None` for a pattern empty once normalised (left out, as [`Matcher::new_skipping_empty`]
    /// does). Also returns the index of the input pattern of each pattern.
    ///
    /// `word_table`: the whole-word table, if laid out already (the embedded gazetteer's, by
    /// build.rs), else computed here. It must be [`word_keys::table`] of what [`word_keys`]
    /// gives for the forms that start and end with a word character. A wrong table finds wrong
    /// phrases, never panics; a test holds build.rs's table equal to the one computed here.
    pub fn from_prebuilt(
        forms: Vec<Form>,
        pattern_forms: impl IntoIterator<Item = Option<PatternForm>>,
        word_table: Option<WordTable>,
    ) -> Result<(Self, Vec<usize>), MatcherError> {
        let pattern_forms = pattern_forms.into_iter();
        let mut kept = Vec::with_capacity(pattern_forms.size_hint().0);
        let mut prepared = Vec::with_capacity(pattern_forms.size_hint().0);
        for (input_index, form) in pattern_forms.enumerate() {
            let Some(PatternForm { form, prefix }) = form else {
                continue;
            };
            let text = forms.get(form as usize).map_or("", |f| &**f);
            let (Some(first), Some(last)) = (text.chars().next(), text.chars().last()) else {
                return Err(MatcherError::BadForm {
                    index: input_index,
                    form,
                });
            };
            kept.push(input_index);
            // As `build` prepares a pattern from its text.
            prepared.push(Prepared {
                form,
                boundary_start: is_word_char(first),
                boundary_end: is_word_char(last) && !prefix,
                prefix: prefix && is_word_char(last),
            });
        }
        Ok((Self::assemble(prepared, forms, word_table)?, kept))
    }

    /// The search structures over `forms`, for the patterns `prepared`.
    /// `word_table`: the whole-word table, if laid out already (it must be [`word_keys::table`]
    /// of the [`word_keys`] of the whole-word forms).
    fn assemble(
        prepared: Vec<Prepared>,
        forms: Vec<Form>,
        word_table: Option<WordTable>,
    ) -> Result<Self, MatcherError> {
        // The patterns of each form, by a counting sort of the patterns on their forms.
        let mut form_starts = vec![0u32; forms.len() + 1];
        for p in &prepared {
            form_starts[p.form as usize + 1] += 1;
        }
        for f in 1..form_starts.len() {
            form_starts[f] += form_starts[f - 1];
        }
        let mut next = form_starts.clone();
        let mut form_patterns = vec![0u32; prepared.len()];
        for (i, p) in prepared.iter().enumerate() {
            let slot = &mut next[p.form as usize];
            form_patterns[*slot as usize] = u32::try_from(i).map_err(|_| TrieError::TooLarge)?;
            *slot += 1;
        }
        let first_pattern = |f: usize| &prepared[form_patterns[form_starts[f] as usize] as usize];
        let patterns_of = |f: usize| {
            form_patterns[form_starts[f] as usize..form_starts[f + 1] as usize]
                .iter()
                .map(|&p| &prepared[p as usize])
        };
        // Patterns that must start a word (nearly all) are looked for only where a word starts, by
        // walking a trie (see `super::trie` for why not an automaton); the few others (emoji,
        // punctuation) with an unanchored automaton.
        // All patterns of a form have its first character, hence the same start boundary.
        let starts_word = |f: usize| first_pattern(f).boundary_start;
        // Whole-word forms: the last character a word character and every pattern of the form
        // bounded there (no trailing `*`).
        let whole_words = |f: usize| starts_word(f) && patterns_of(f).all(|p| p.boundary_end);
        // (Filtered, not partitioned: the forms that start a word are nearly all, and a list of
        // them was 16,000 numbers for the gazetteer, for nothing.)
        let others: Vec<usize> = (0..forms.len()).filter(|&f| !starts_word(f)).collect();
        let engine = if others.len() < forms.len() {
            let partial: Vec<usize> = (0..forms.len())
                .filter(|&f| starts_word(f) && !whole_words(f))
                .collect();
            // Each form, and their runs of leading words: computed here, or given (the
            // embedded gazetteer's, computed by build.rs from the same forms).
            let words = match word_table {
                Some(table) => WordForms::from_table(&forms, table),
                None => {
                    let whole = (0..forms.len())
                        .filter(|&f| whole_words(f))
                        .map(|f| u32::try_from(f).map_err(|_| TrieError::TooLarge))
                        .collect::<Result<Vec<u32>, TrieError>>()?;
                    WordForms::from_keys(
                        &forms,
                        &word_keys::<_, rustc_hash::FxBuildHasher>(&forms, whole),
                    )
                }
            };
            let keys = partial
                .iter()
                .map(|&f| {
                    Ok((
                        forms[f].as_bytes(),
                        u32::try_from(f).map_err(|_| TrieError::TooLarge)?,
                    ))
                })
                .collect::<Result<Vec<_>, TrieError>>()?;
            let trie = if keys.is_empty() {
                None
            } else {
                Some(Trie::new(keys)?)
            };
            let others = if others.is_empty() {
                None
            } else {
                let ac = AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build(others.iter().map(|&f| forms[f].as_bytes()))?;
                Some((ac, others))
            };
            Engine::WordStarts {
                words,
                trie,
                others,
            }
        } else {
            let total: usize = forms.iter().map(|f| f.len()).sum();
            let kind = (total <= DFA_MAX_PATTERN_BYTES).then_some(AhoCorasickKind::DFA);
            // No prefilter: an overlapping search returns to the start state after nearly every
            // byte of ad text, and each return would run it again.
            Engine::Everywhere(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .kind(kind)
                    .prefilter(false)
                    .build(forms.iter().map(|f| f.as_bytes()))?,
            )
        };
        Ok(Self {
            engine,
            patterns: prepared,
            forms,
            form_patterns,
            form_starts,
        })
    }

    /// The whole-word table (for tests).
    #[cfg(test)]
    pub(crate) fn word_table(&self) -> Option<(&[u16], &[word_keys::Slot], &[u64])> {
        match &self.engine {
            Engine::WordStarts { words, .. } => Some((&words.tags, &words.slots, &words.filter)),
            Engine::Everywhere(_) => None,
        }
    }

    /// The whole-word table's keys as text: (key, the form it is if one, whether longer forms go
    /// on from it), sorted. Two matchers with the same summary look words up alike.
    #[cfg(test)]
    pub(crate) fn word_table_summary(&self) -> Vec<(String, Option<String>, bool)> {
        let Engine::WordStarts { words, .. } = &self.engine else {
            return Vec::new();
        };
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let form = |f: u32| self.forms.get(f as usize).map(|f| f.to_string());
        let mut out: Vec<_> = words
            .iter()
            .map(|k| {
                (
                    text(k.bytes(&self.forms)),
                    k.hit().and_then(form),
                    k.continues(),
                )
            })
            .collect();
        out.sort();
        out
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
        self.patterns
            .get(i)
            .and_then(|p| self.forms.get(p.form as usize))
            .map(|f| &**f)
    }

    /// All matches in `text` (normalised here), ordered by start then end.
    pub fn find(&self, text: &str) -> Vec<PatternMatch> {
        self.find_in(&Normalized::new(text))
    }

    /// All matches in an already normalised text, so that several matchers share one
    /// normalisation. Matches may overlap (a pattern inside a longer one is reported too).
    pub fn find_in(&self, n: &Normalized) -> Vec<PatternMatch> {
        let hay = n.text();
        // A few matches per text: room for them at once, not regrown as they come.
        let mut out = Vec::with_capacity(8);
        match &self.engine {
            Engine::Everywhere(ac) => {
                for m in ac.find_overlapping_iter(hay) {
                    self.push_match(n, m.pattern().as_usize(), m.start(), m.end(), &mut out);
                }
            }
            Engine::WordStarts {
                words,
                trie,
                others,
            } => {
                if let Some((ac, forms)) = others {
                    for m in ac.find_overlapping_iter(hay) {
                        if let Some(&form) = forms.get(m.pattern().as_usize()) {
                            self.push_match(n, form, m.start(), m.end(), &mut out);
                        }
                    }
                }
                let bytes = hay.as_bytes();
                for (k, word) in n.words().enumerate() {
                    let s = word.start;
                    words.find_from(&self.forms, bytes, s, n.word_ends_from(k), |form, e| {
                        self.push_match(n, form, s, e, &mut out);
                    });
                    let (Some(trie), Some(rest)) = (trie, bytes.get(s..)) else {
                        continue;
                    };
                    // A form (whole characters) that matches from a character boundary ends on one.
                    trie.prefixes_of(rest, |form, len| {
                        self.push_match(n, form as usize, s, s + len, &mut out);
                    });
                }
            }
        }
        out.sort_by_key(|m| (m.start, m.end, m.pattern));
        out
    }

    /// Adds the patterns of matching form `form` found at `s..e` of the matching form, where
    /// their word boundaries hold.
    fn push_match(
        &self,
        n: &Normalized,
        form: usize,
        s: usize,
        e: usize,
        out: &mut Vec<PatternMatch>,
    ) {
        let hay = n.text();
        let before_is_word = hay[..s].chars().next_back().is_some_and(is_word_char);
        let after_is_word = hay[e..].chars().next().is_some_and(is_word_char);
        let (Some(&from), Some(&to)) = (self.form_starts.get(form), self.form_starts.get(form + 1))
        else {
            return;
        };
        let indices = self
            .form_patterns
            .get(from as usize..to as usize)
            .unwrap_or_default();
        // Homonyms share a form (a place name in several countries): their common original
        // range is looked up once, not once per pattern.
        let mut plain: Option<Range<usize>> = None;
        for &i in indices {
            let i = i as usize;
            let p = &self.patterns[i];
            if (p.boundary_start && before_is_word) || (p.boundary_end && after_is_word) {
                continue;
            }
            let (e, r) = if p.prefix {
                let rest = &hay[e..];
                let e = e + rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
                (e, n.original_range(s, e))
            } else {
                (
                    e,
                    plain.get_or_insert_with(|| n.original_range(s, e)).clone(),
                )
            };
            out.push(PatternMatch {
                pattern: i,
                start: r.start,
                end: r.end,
                normalized: s..e,
            });
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// City-like names, several per first word, some nested (`san`, `san jose`, `san jose del
    /// monte`), with hyphens, apostrophes and accents, many of them (the gazetteer's case).
    fn names() -> Vec<String> {
        let heads = [
            "san", "saint", "bad", "new", "la", "sankt", "alba", "nova", "bel", "ås",
        ];
        let tails = [
            "jose", "étienne", "homburg", "york", "rochelle", "pölten", "iulia", "gorica",
        ];
        let mut out = Vec::new();
        for h in heads {
            out.push(h.to_owned());
            for t in tails {
                out.push(format!("{h} {t}"));
                out.push(format!("{h}-{t}"));
                out.push(format!("{h} {t} del monte"));
            }
        }
        out.push("'s-hertogenbosch".to_owned());
        out.push("-bad".to_owned());
        // Forms the whole-word table cannot hold: a trailing `*`, a final non-word character,
        // and a form both with and without `*`.
        out.push("nov*".to_owned());
        out.push("st.".to_owned());
        out.push("st. jose".to_owned());
        out.push("bel".to_owned());
        out.push("bel*".to_owned());
        for i in 0..3000 {
            out.push(format!("town{i}ville"));
            out.push(format!("l'aquila{i}"));
        }
        out
    }

    fn everywhere(m: &Matcher, forms: &[String]) -> Matcher {
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(forms)
            .expect("builds");
        Matcher {
            engine: Engine::Everywhere(ac),
            patterns: m.patterns.clone(),
            forms: m.forms.clone(),
            form_patterns: m.form_patterns.clone(),
            form_starts: m.form_starts.clone(),
        }
    }

    fn forms_of(m: &Matcher) -> Vec<String> {
        m.forms.iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn large_word_start_sets_search_from_word_starts() {
        let m = Matcher::new(names()).expect("builds");
        assert!(matches!(
            m.engine,
            Engine::WordStarts {
                others: Some(_),
                ..
            }
        ));
        let found = m
            .find("Vu à San José del Monte, pas à Sanjose ni xsan; BAD-HOMBURG, 's-Hertogenbosch.");
        let got: Vec<&str> = found.iter().filter_map(|x| m.pattern(x.pattern)).collect();
        assert_eq!(
            got,
            [
                "san",
                "san jose",
                "san jose del monte",
                "bad",
                "bad-homburg",
                "'s-hertogenbosch"
            ]
        );
    }

    /// A matcher given its patterns' forms ([`Matcher::from_prebuilt`]) is the one that computes
    /// them.
    #[test]
    fn from_forms_equals_normalising() {
        let names: Vec<String> = names()
            .into_iter()
            .chain(["", " ", "\u{301}"].map(String::from))
            .collect();
        let (m, kept) = Matcher::new_skipping_empty(&names).expect("builds");
        let form_ids: std::collections::HashMap<&str, u32> = (0..m.forms.len())
            .map(|f| (&*m.forms[f], f as u32))
            .collect();
        let pattern_forms: Vec<Option<PatternForm>> = names
            .iter()
            .map(|n| {
                let (body, prefix) = n
                    .strip_suffix('*')
                    .map_or((n.as_str(), false), |b| (b, true));
                form_ids
                    .get(crate::normalize::normalize(body).as_str())
                    .map(|&form| PatternForm { form, prefix })
            })
            .collect();
        let (g, g_kept) =
            Matcher::from_prebuilt(m.forms.clone(), pattern_forms, None).expect("builds");
        assert_eq!(kept, g_kept);
        assert_eq!(kept.len() + 3, names.len());
        assert!((0..m.len()).all(|i| m.pattern(i) == g.pattern(i)));
        let text = "Vu à San José del Monte, pas à Sanjose ni xsan; BAD-HOMBURG, 's-Hertogenbosch, \
                    St. Jose, Bel, Belle, Novara";
        assert_eq!(m.find(text), g.find(text));
        assert!(m.find(text).len() >= 6);
        assert!(matches!(
            Matcher::from_prebuilt(
                vec!["a".into()],
                [0, 1].map(|form| Some(PatternForm {
                    form,
                    prefix: false
                })),
                None
            ),
            Err(MatcherError::BadForm { index: 1, form: 1 })
        ));
    }

    /// The matcher and the same patterns behind the unanchored search, built once.
    static BOTH: std::sync::LazyLock<(Matcher, Matcher)> = std::sync::LazyLock::new(|| {
        let m = Matcher::new(names()).expect("builds");
        let reference = everywhere(&m, &forms_of(&m));
        (m, reference)
    });

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Searching from word starts finds exactly what the unanchored search keeps.
        #[test]
        fn word_starts_equal_the_unanchored_search(
            words in proptest::collection::vec(
                prop_oneof![
                    Just("San".to_owned()), Just("José".to_owned()), Just("del".to_owned()),
                    Just("monte".to_owned()), Just("saint-étienne".to_owned()),
                    Just("L'Aquila12".to_owned()), Just("town7ville".to_owned()),
                    Just("xsan".to_owned()), Just("Bad".to_owned()), Just("ÅS".to_owned()),
                    Just("'s-Hertogenbosch".to_owned()), Just("-bad".to_owned()),
                    Just("Novara".to_owned()), Just("St.".to_owned()), Just("Belle".to_owned()),
                    Just("Bel".to_owned()), Just("SAN JOSE".to_owned()), Just("del monte".to_owned()),
                    "[a-zé' .,-]{0,6}",
                ],
                0..24,
            ),
            seps in proptest::collection::vec("[ ,.'-]{0,2}", 24),
        ) {
            let text: String = words.iter().zip(&seps).map(|(w, s)| format!("{w}{s}")).collect();
            let (m, reference) = &*BOTH;
            let n = Normalized::new(&text);
            prop_assert_eq!(m.find_in(&n), reference.find_in(&n));
        }
    }
}
