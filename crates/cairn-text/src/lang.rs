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
    WORD_EFFECTS.with_borrow_mut(|memo| {
        for token in head_of(text, MAX_BYTES).split_whitespace() {
            if is_prose(token) {
                scorer.push_token(token, memo);
                scorer.push(' ');
                if early && scorer.decided() {
                    break;
                }
            }
        }
    });
    if scorer.letters() < MIN_LETTERS {
        return None;
    }
    scorer.best()
}

/// Whether a token is prose: not an e-mail address, handle, URL or domain, and without digits,
/// whose (often English) words say nothing of the ad's language.
fn is_prose(token: &str) -> bool {
    let bytes = token.as_bytes();
    let mut ascii = true;
    for (k, &b) in bytes.iter().enumerate() {
        if !b.is_ascii() {
            ascii = false;
            continue;
        }
        if b.is_ascii_digit() || matches!(b, b'@' | b'/' | b'_' | b':' | b'#') {
            return false;
        }
        // A dot between a letter or digit and a letter: `lola.paris`, `site.fr`.
        if b == b'.'
            && k > 0
            && bytes[k - 1].is_ascii_alphanumeric()
            && bytes.get(k + 1).is_some_and(u8::is_ascii_alphabetic)
        {
            return false;
        }
    }
    ascii || !token.chars().any(crate::fastchar::is_numeric)
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

/// Longest word (in bytes) whose effect is remembered; longer ones are scored letter by letter.
const MEMO_MAX_WORD_BYTES: usize = 24;

/// Slots of the per-thread word memo (a power of two; 64 bytes each, 1 MB per thread). The
/// 20,000-ad corpus has some 6,600 distinct prose words: with 4,096 slots about one word in
/// seven missed (a collision in this direct-mapped table) and was scored again through the
/// n-gram table, which was a large part of the detector's time; 16,384 slots miss a third as
/// often and still fit in a core's L2 cache.
const MEMO_SLOTS: usize = 16384;

thread_local! {
    /// What recently seen words add to a [`Scorer`]. A word's trigrams are scored apart from its
    /// neighbours', so its effect depends on the word alone; ads repeat their words, and one
    /// probe of this small table replaces a probe of the 3 MB n-gram table per trigram (a cache
    /// miss each), which was most of the detector's time.
    static WORD_EFFECTS: std::cell::RefCell<WordMemo> = std::cell::RefCell::new(WordMemo::new());
}

/// A word zero-padded to [`MEMO_MAX_WORD_BYTES`]: letters are never the byte 0, so the padding
/// is unambiguous, and the all-zero key (no word) marks an empty slot.
type WordKey = [u8; MEMO_MAX_WORD_BYTES];

/// One slot of the memo: a word and its effect in one cache line.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(64))]
struct MemoSlot {
    key: WordKey,
    effect: WordEffect,
}

const _: () = assert!(std::mem::size_of::<MemoSlot>() == 64);

/// A direct-mapped cache of word effects: a word goes to one slot, replacing what was there.
/// Bounded, allocated once per thread, keys stored inline (no pointer to follow), one cache line
/// per word.
struct WordMemo {
    slots: Box<[MemoSlot]>,
}

impl WordMemo {
    fn new() -> Self {
        Self {
            slots: vec![MemoSlot::default(); MEMO_SLOTS].into_boxed_slice(),
        }
    }

    /// The effect of `word` (at most [`MEMO_MAX_WORD_BYTES`] bytes, not empty), remembered.
    fn effect(&mut self, word: &str) -> WordEffect {
        let mut key = [0; MEMO_MAX_WORD_BYTES];
        let Some(head) = key.get_mut(..word.len()) else {
            return WordEffect::of(word);
        };
        head.copy_from_slice(word.as_bytes());
        let lane = |k: usize| {
            let mut b = [0; 8];
            b.copy_from_slice(&key[8 * k..8 * k + 8]);
            u64::from_le_bytes(b)
        };
        let h = (lane(0) ^ lane(1).rotate_left(21) ^ lane(2).rotate_left(42))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let index = (h >> 32) as usize & (MEMO_SLOTS - 1);
        let Some(slot) = self.slots.get_mut(index) else {
            return WordEffect::of(word);
        };
        if slot.key != key {
            *slot = MemoSlot {
                key,
                effect: WordEffect::of(word),
            };
        }
        slot.effect
    }
}

/// The languages owning the [`exclusive_letter`]s, in [`WordEffect::exclusive`]'s order.
const EXCLUSIVE_OWNERS: [usize; 3] = [6, 3, 5];

/// What the letters of one word (a maximal run of letters) add to a [`Scorer`] that starts it
/// with an empty window, the closing bigram or unigram of a short word included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct WordEffect {
    scores: [i32; 8],
    /// How many of the word's letters are exclusive to each of [`EXCLUSIVE_OWNERS`]: each
    /// counts against every other language.
    exclusive: [u8; 3],
    cyrillic: u8,
    latin: u8,
    trigrams: u8,
}

impl WordEffect {
    /// Scores `word` letter by letter. `word` has at most [`MEMO_MAX_WORD_BYTES`] bytes, so every
    /// sum fits: at most 24 n-grams of at least -20,000 each, and at most 24 letters.
    fn of(word: &str) -> Self {
        let mut s = Scorer::default();
        let mut exclusive = [0u8; 3];
        for ch in word.chars() {
            if let Some(owner) = exclusive_letter(ch)
                && let Some(k) = EXCLUSIVE_OWNERS.iter().position(|&o| o == owner)
                && let Some(n) = exclusive.get_mut(k)
            {
                *n = n.saturating_add(1);
            }
            s.push(ch);
        }
        s.close_word();
        let small = |n: usize| u8::try_from(n).unwrap_or(u8::MAX);
        Self {
            scores: s.scores.map(|x| i32::try_from(x).unwrap_or(i32::MIN)),
            exclusive,
            cyrillic: small(s.cyrillic),
            latin: small(s.latin),
            trigrams: small(s.trigrams),
        }
    }

    /// The word's penalties for letters other languages write (as [`Scorer::push`] adds them).
    fn foreign(&self) -> [i64; 8] {
        let total: i64 = self.exclusive.iter().map(|&n| i64::from(n)).sum();
        let mut out = [total * i64::from(EXCLUSIVE_PENALTY); 8];
        for (&owner, &n) in EXCLUSIVE_OWNERS.iter().zip(&self.exclusive) {
            if let Some(f) = out.get_mut(owner) {
                *f -= i64::from(n) * i64::from(EXCLUSIVE_PENALTY);
            }
        }
        out
    }
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

    /// Pushes every character of a token, and a space after it is up to the caller. Each run of
    /// letters is added as a whole, from `memo` when seen before: the same sums as pushing its
    /// letters one by one.
    fn push_token(&mut self, token: &str, memo: &mut WordMemo) {
        if token.is_ascii() {
            // Most tokens: runs of letters found byte by byte, without decoding characters.
            let bytes = token.as_bytes();
            let mut i = 0;
            while let Some(&b) = bytes.get(i) {
                if !b.is_ascii_alphabetic() {
                    self.push(char::from(b));
                    i += 1;
                    continue;
                }
                let end = bytes[i..]
                    .iter()
                    .position(|c| !c.is_ascii_alphabetic())
                    .map_or(bytes.len(), |n| i + n);
                self.push_word(&token[i..end], memo);
                i = end;
            }
            return;
        }
        let mut rest = token;
        while let Some(first) = rest.chars().next() {
            if !is_letter(first) {
                self.push(first);
                rest = &rest[first.len_utf8()..];
                continue;
            }
            let end = rest
                .char_indices()
                .find(|&(_, c)| !is_letter(c))
                .map_or(rest.len(), |(i, _)| i);
            let (word, tail) = rest.split_at(end);
            self.push_word(word, memo);
            rest = tail;
        }
    }

    /// Adds the run of letters `word`; the window is empty before and after.
    fn push_word(&mut self, word: &str, memo: &mut WordMemo) {
        debug_assert_eq!(self.filled, 0, "a word starts after a non-letter");
        if word.len() > MEMO_MAX_WORD_BYTES {
            for ch in word.chars() {
                self.push(ch);
            }
            self.close_word();
            return;
        }
        let effect = memo.effect(word);
        for (s, d) in self.scores.iter_mut().zip(effect.scores) {
            *s += i64::from(d);
        }
        if effect.exclusive != [0; 3] {
            for (s, d) in self.foreign.iter_mut().zip(effect.foreign()) {
                *s += d;
            }
        }
        self.cyrillic += usize::from(effect.cyrillic);
        self.latin += usize::from(effect.latin);
        self.trigrams += usize::from(effect.trigrams);
    }

    /// Ends the current word: a word shorter than three letters counts through its bigram or
    /// unigram.
    fn close_word(&mut self) {
        if (1..3).contains(&self.filled) {
            self.add(self.filled);
        }
        self.filled = 0;
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
            self.close_word();
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
        self.close_word();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The scorer's whole state after `text`, pushed character by character (the reference) or
    /// token by token through the word memo.
    fn state(s: &Scorer) -> ([i64; 8], [i64; 8], usize, usize, usize, usize) {
        (
            s.scores, s.foreign, s.cyrillic, s.latin, s.trigrams, s.filled,
        )
    }

    fn by_chars(text: &str) -> Scorer {
        let mut s = Scorer::default();
        for token in text.split_whitespace() {
            for ch in token.chars() {
                s.push(ch);
            }
            s.push(' ');
        }
        s
    }

    fn by_words(text: &str, memo: &mut WordMemo) -> Scorer {
        let mut s = Scorer::default();
        for token in text.split_whitespace() {
            s.push_token(token, memo);
            s.push(' ');
        }
        s
    }

    proptest::proptest! {
        /// Same sums with the memo cold, then warm, then fresh again, on any text, on texts of
        /// our alphabets with exclusive letters, apostrophes and hyphens, and on words too long
        /// to be remembered.
        #[test]
        fn memoised_words_score_as_letters(
            text in proptest::prop_oneof![
                "\\PC{0,200}",
                "([a-zA-ZășțşţĂŞßñÑéèüöÄЖжщ'\\-¿¡.]{1,12} ?){0,30}",
                "[a-zé]{40,60}( [a-z]{1,3}){0,5}",
                "([a-zA-Z0-9'\\-.,!?()]{1,12} ?){0,30}",
            ]
        ) {
            let want = state(&by_chars(&text));
            let mut memo = WordMemo::new();
            proptest::prop_assert_eq!(state(&by_words(&text, &mut memo)), want);
            proptest::prop_assert_eq!(state(&by_words(&text, &mut memo)), want);
            proptest::prop_assert_eq!(state(&by_words(&text, &mut WordMemo::new())), want);
        }
    }

    /// The definition [`is_prose`] implements in one pass over the bytes.
    fn is_prose_reference(token: &str) -> bool {
        let dotted_word = token
            .as_bytes()
            .windows(3)
            .any(|w| w[0].is_ascii_alphanumeric() && w[1] == b'.' && w[2].is_ascii_alphabetic());
        !dotted_word
            && !token.chars().any(|c| {
                if c.is_ascii() {
                    c.is_ascii_digit() || matches!(c, '@' | '/' | '_' | ':' | '#')
                } else {
                    c.is_numeric()
                }
            })
    }

    proptest::proptest! {
        #[test]
        fn is_prose_is_its_definition(token in proptest::prop_oneof![
            "\\PC{0,12}",
            "[a-zé.@/_:#0-9٣½Ⅻ]{0,12}",
        ]) {
            proptest::prop_assert_eq!(is_prose(&token), is_prose_reference(&token));
        }
    }

    /// More words than slots: words evict each other and are scored again, the same.
    #[test]
    fn evicted_words_score_the_same() {
        let mut memo = WordMemo::new();
        let text: String = (0..2 * MEMO_SLOTS)
            .map(|i| {
                let tail: String = (0..5)
                    .map(|k| char::from(b'a' + ((i >> (3 * k)) % 8) as u8))
                    .collect();
                format!("mot{tail} ")
            })
            .collect();
        let want = state(&by_chars(&text));
        assert_eq!(state(&by_words(&text, &mut memo)), want);
        assert_eq!(state(&by_words(&text, &mut memo)), want);
    }
}
