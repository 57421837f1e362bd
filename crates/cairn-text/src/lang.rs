//! Language identification restricted to the languages Cairn serves: fr, en, nl, de, it, es,
//! ro, bg (ISO 639-1), or none (`und`) when the text is too short.
//!
//! The detector is naive Bayes over each word's lowercase trigrams with Lingua's published
//! probabilities (its n-gram models for our eight languages, Apache-2.0, turned into one flat
//! table by `build.rs`), backing off per language to the bigram and unigram prefix as Lingua does;
//! letters that only one of our languages writes (Romanian ă ș ț, German ß, Spanish ñ) count
//! against the others, and Cyrillic text is Bulgarian, the only Cyrillic language here. Tokens
//! that are not prose (addresses, handles, URLs, anything with digits) are left out: their
//! English-looking words (`instagram`, `deals`) misled it on ads full of contacts.
//!
//! Choice (measured 2026-12-01 with release builds on a loaded 2-core machine, so only ratios
//! matter; `data/lang_testset.tsv` is 120 labelled sentences, 65 of them short ad-like lines; the
//! corpus is `scripts/gen_corpus.py --n 20000 --seed 7`, 20,000 ads and posts in 8 languages):
//!
//! | detector (8 languages only)    | test set | 20k corpus | µs / record (20k corpus) |
//! |--------------------------------|----------|------------|--------------------------|
//! | **this table (Lingua's model)**| 98.3 %   | 99.9 %     | 8–14                     |
//! | whatlang, else lingua low      | 98.3 %   | 99.70 %    | 107–194                  |
//! | lingua 1.8, low accuracy       | 98.3 %   | 98.84 %    | 869                      |
//! | lingua 1.8, high accuracy      | 100 %    | 99.59 %    | 868                      |
//!
//! The earlier cascade (whatlang, else lingua) took half of a record's analysis time; Lingua's
//! own lookups go through one FST per language and n-gram. The same numbers in one open-addressing
//! table cost one probe per trigram, no start-up, and 41 MB less in the binary.
//!
//! Only the first [`MAX_BYTES`] bytes of a text are looked at, which bounds the time per record,
//! and scoring stops once one language leads by far ([`EARLY_MARGIN`]).

use crate::fastchar::{is_alphabetic as is_letter, simple_lower};

/// The languages Cairn serves, ISO 639-1, in the order of the table's columns.
pub const LANGUAGES: [&str; 8] = ["fr", "en", "nl", "de", "it", "es", "ro", "bg"];

/// Bytes of a text given to the detector (cut at a character boundary).
pub const MAX_BYTES: usize = 2048;

/// Fewer letters than this: too short to tell (`und`).
pub const MIN_LETTERS: usize = 8;

/// Trigrams scored before the detector may stop early (see [`EARLY_MARGIN`]).
pub const EARLY_MIN_TRIGRAMS: usize = 24;

/// Lead of the best language over the second, in thousandths of a nat (40 nats), that ends the
/// scoring once [`EARLY_MIN_TRIGRAMS`] trigrams are in: the rest of an ad will not overturn it,
/// and scoring that rest was a third of the detector's time. Measured 2026-12-02 on the 20,000
/// ads of `gen_corpus.py --seed 7`: the same answer as scoring everything on every record, in
/// 49 ms instead of 78 ms; 16 trigrams and 30 nats changed 2 answers. The labelled set is checked
/// the same way by a test.
pub const EARLY_MARGIN: i64 = 40_000;

/// Language of `text` as ISO 639-1, or `None` (`und`) when too short to tell.
pub fn detect(text: &str) -> Option<&'static str> {
    detect_with(text, true)
}

/// [`detect`] scoring every trigram of the head of the text (no early stop): the reference the
/// early stop is checked against.
pub fn detect_exhaustive(text: &str) -> Option<&'static str> {
    detect_with(text, false)
}

fn detect_with(text: &str, early: bool) -> Option<&'static str> {
    // Letters are counted in the prose only: a text of addresses and handles has no language.
    // Prose tokens go straight to the scorer, each followed by a space (no copy of the text).
    let mut scorer = Scorer::default();
    for token in head_of(text, MAX_BYTES).split_whitespace() {
        if is_prose(token) {
            for ch in token.chars() {
                scorer.push(ch);
            }
            scorer.push(' ');
            if early && scorer.decided() {
                break;
            }
        }
    }
    if scorer.letters() < MIN_LETTERS {
        return None;
    }
    scorer.best()
}

/// Whether a token is prose: not an e-mail address, handle, URL or domain, and without digits,
/// whose (often English) words say nothing of the ad's language.
fn is_prose(token: &str) -> bool {
    let bytes = token.as_bytes();
    let dotted_word = bytes
        .windows(3)
        .any(|w| w[0].is_ascii_alphanumeric() && w[1] == b'.' && w[2].is_ascii_alphabetic());
    if dotted_word {
        return false;
    }
    !token.chars().any(|c| {
        if c.is_ascii() {
            c.is_ascii_digit() || matches!(c, '@' | '/' | '_' | ':' | '#')
        } else {
            c.is_numeric()
        }
    })
}

/// Like [`detect`], with `und` for `None` (the `lang` field of the scan output).
pub fn detect_or_und(text: &str) -> &'static str {
    detect(text).unwrap_or("und")
}

fn head_of(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

/// Lingua's unigram, bigram and trigram log-probabilities for our eight languages, written by
/// `build.rs` (layout there).
static NGRAMS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lang_ngrams.bin"));

/// Log-probability added when a language's model has none of a trigram's back-off n-grams: below
/// any unigram of the models, so a letter foreign to a language counts against it.
const UNSEEN: i32 = -20_000;

/// Score taken from every other language for a letter that only one of ours writes.
const EXCLUSIVE_PENALTY: i32 = -10_000;

/// The index in [`LANGUAGES`] of the one language among ours that writes `ch`, if only one does:
/// Romanian ă ș ț (and their cedilla look-alikes), German ß, Spanish ñ ¿ ¡.
fn exclusive_letter(ch: char) -> Option<usize> {
    // None of these letters is ASCII, and most characters are.
    if ch.is_ascii() {
        return None;
    }
    match lower(ch) {
        'ă' | 'ș' | 'ş' | 'ț' | 'ţ' => Some(6),
        'ß' => Some(3),
        'ñ' | '¿' | '¡' => Some(5),
        _ => None,
    }
}

/// FNV-1a, 64 bits; must stay identical to `build.rs`.
fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h | 1
}

/// The eight quantised log-probabilities of an n-gram, if any model has it.
fn lookup(ngram: &[u8]) -> Option<[i16; 8]> {
    let slots = u32::from_le_bytes(NGRAMS.get(..4)?.try_into().ok()?) as usize;
    let mask = slots.checked_sub(1)?;
    let fp = fingerprint(ngram);
    let mut i = (fp as usize) & mask;
    loop {
        let at = 4 + i * 24;
        let slot = NGRAMS.get(at..at + 24)?;
        let stored = u64::from_le_bytes(slot[..8].try_into().ok()?);
        if stored == 0 {
            return None;
        }
        if stored == fp {
            let mut v = [0i16; 8];
            for (k, q) in v.iter_mut().enumerate() {
                *q = i16::from_le_bytes([slot[8 + 2 * k], slot[9 + 2 * k]]);
            }
            return Some(v);
        }
        i = (i + 1) & mask;
    }
}

/// Lower case of a letter (the first character of it, as Lingua's models are keyed).
fn lower(ch: char) -> char {
    simple_lower(ch).unwrap_or_else(|| ch.to_lowercase().next().unwrap_or(ch))
}

/// Naive Bayes over the lowercase trigrams of each word, backing off to the bigram and unigram
/// prefix per language as Lingua does; Cyrillic text is Bulgarian, the one Cyrillic language here.
/// Characters are pushed one at a time; anything not a letter ends a word.
struct Scorer {
    scores: [i64; 8],
    foreign: [i64; 8],
    cyrillic: usize,
    latin: usize,
    window: [char; 3],
    filled: usize,
    trigrams: usize,
}

impl Default for Scorer {
    fn default() -> Self {
        Self {
            scores: [0; 8],
            foreign: [0; 8],
            cyrillic: 0,
            latin: 0,
            window: ['\0'; 3],
            filled: 0,
            trigrams: 0,
        }
    }
}

impl Scorer {
    /// One probe per trigram: build.rs has already backed off, per language, to the bigram and
    /// unigram prefixes; a trigram no model has falls back to its prefixes here.
    fn add(&mut self, n_chars: usize) {
        self.trigrams += 1;
        let w = &self.window[..n_chars];
        let mut buf = [0u8; 12];
        let mut per_lang = [UNSEEN; 8];
        for n in (1..=w.len()).rev() {
            let mut len = 0;
            for c in &w[..n] {
                len += c.encode_utf8(&mut buf[len..]).len();
            }
            if let Some(v) = lookup(&buf[..len]) {
                for (p, q) in per_lang.iter_mut().zip(v) {
                    if q != i16::MIN {
                        *p = i32::from(q);
                    }
                }
                break;
            }
        }
        for (s, p) in self.scores.iter_mut().zip(per_lang) {
            *s += i64::from(p);
        }
    }

    fn push(&mut self, ch: char) {
        if let Some(owner) = exclusive_letter(ch) {
            // Models trained on web text hold stray foreign letters; among our eight languages
            // these letters belong to one only, as Lingua's alphabet rules say.
            for (k, s) in self.foreign.iter_mut().enumerate() {
                if k != owner {
                    *s += i64::from(EXCLUSIVE_PENALTY);
                }
            }
        }
        if is_letter(ch) {
            if ('\u{0400}'..='\u{04FF}').contains(&ch) {
                self.cyrillic += 1;
            } else {
                self.latin += 1;
            }
            let lower = lower(ch);
            if self.filled == 3 {
                self.window = [self.window[1], self.window[2], lower];
            } else {
                self.window[self.filled] = lower;
                self.filled += 1;
            }
            if self.filled == 3 {
                self.add(3);
            }
        } else {
            // A word shorter than three letters still counts, through its bigram or unigram.
            if (1..3).contains(&self.filled) {
                self.add(self.filled);
            }
            self.filled = 0;
        }
    }

    /// Whether the answer is settled (called between words): enough trigrams, and the best
    /// language far ahead of the second (or the text plainly Cyrillic).
    fn decided(&self) -> bool {
        if self.trigrams < EARLY_MIN_TRIGRAMS {
            return false;
        }
        if self.cyrillic > self.latin {
            return self.latin == 0;
        }
        let (mut first, mut second) = (i64::MIN, i64::MIN);
        for (s, f) in self.scores[..7].iter().zip(&self.foreign[..7]) {
            let total = s + f;
            if total > first {
                second = first;
                first = total;
            } else if total > second {
                second = total;
            }
        }
        first.saturating_sub(second) >= EARLY_MARGIN
    }

    fn letters(&self) -> usize {
        self.cyrillic + self.latin
    }

    fn best(mut self) -> Option<&'static str> {
        if (1..3).contains(&self.filled) {
            self.add(self.filled);
        }
        if self.cyrillic > self.latin {
            return Some("bg");
        }
        for (s, f) in self.scores.iter_mut().zip(self.foreign) {
            *s += f;
        }
        // Bulgarian only for Cyrillic text: its model has Latin letters too (foreign words).
        let (best, _) = self.scores[..7]
            .iter()
            .enumerate()
            .max_by_key(|(_, s)| **s)?;
        LANGUAGES.get(best).copied()
    }
}
