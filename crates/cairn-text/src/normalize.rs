//! Text normalisation for matching, with a map back to original byte offsets.
//!
//! [`Normalized::new`] turns a text into its *matching form* and remembers, for every character
//! of that form, which bytes of the original produced it, so a match found in the matching form
//! can be reported as a span (and evidence) of the original text.
//!
//! The matching form, step by step (each original character is handled on its own first, then
//! each word, then the whole text):
//!
//! 1. **Ignorables removed**: Unicode Default_Ignorable_Code_Point (zero-width space, ZWJ, ZWNJ,
//!    word joiner, soft hyphen, bidi controls, emoji variation selectors FE00–FE0F and
//!    E0100–E01EF, tag characters) and emoji skin-tone modifiers (U+1F3FB–1F3FF).
//! 2. **Compatibility decomposition** (NFKD: fullwidth, ligatures, circled and mathematical
//!    letters, superscripts), then **case folding** (lowercase, plus ß → ss and final ς → σ),
//!    then **diacritic folding**: every combining mark is dropped (é → e, ș → s, ü → u, й → и,
//!    the keycap mark of 1️⃣), and letters without a decomposition are spelled out
//!    (æ → ae, œ → oe, ø → o, ł → l, đ/ð → d, þ → th, ħ → h, ı → i); typographic apostrophes
//!    become `'` and Unicode dashes `-`. For the scripts Cairn serves
//!    this equals NFKC followed by case and diacritic folding.
//! 3. **Confusables** (per word, a *word* being a maximal run of letters, digits and leetspeak
//!    symbols): the word's script is the majority script of its letters (Latin wins ties). In a
//!    Latin word, every Cyrillic or Greek letter whose Unicode confusable prototype
//!    (confusables.txt, through the `unicode-security` crate's table) is one ASCII lowercase letter
//!    becomes that letter (`раypal` with Cyrillic р, а → `paypal`). In a Cyrillic word, Latin
//!    letters that are the prototype of a Cyrillic letter become that letter, so Bulgarian words
//!    typed with a few Latin look-alikes still match Bulgarian patterns.
//! 4. **Leetspeak** (Latin words only), from `data/leet.tsv` (a published table, see that file):
//!    a run of leet symbols is replaced only when it has a letter directly on both sides
//!    (`n3w` → `new`, `t33n` → `teen`, `b4by` → `baby`), so `18yo`, `24h`, `h24`, `100$`, `@name`
//!    and plain numbers stay as written.
//! 5. **Repeated letters**: a run of **three or more** identical letters becomes **one** letter
//!    (`newwww` → `new`, `sooo` → `so`); doubled letters stay (`cool`, `Anna`, `belle`), so real
//!    words are kept. A word written with a tripled letter on purpose (`coool`) matches the
//!    pattern only when the pattern is written the same way, since patterns are normalised too.
//! 6. **Whitespace**: every run of whitespace and control characters becomes one space; leading
//!    and trailing whitespace is dropped.
//!
//! Steps 3 to 5 are repeated on a word until it no longer changes (collapsing a run or reading
//! a leet digit can change the word's majority script), so that the result is a fixed point.
//!
//! Normalising is idempotent (`normalize(normalize(s)) == normalize(s)`), every character of the
//! matching form maps to a non-empty range of whole original characters, and ranges never go
//! backwards. Texts longer than 4 GiB are cut at the last character boundary below 4 GiB (offsets
//! are stored as `u32`).
//!
//! All six steps are done in one pass over the original ([`Builder`]): an ASCII word that is
//! already a fixed point (most words of any ad) is lowercased straight into the matching form and
//! its map entry is a run shared with the ASCII around it; other words go character by character.
//! Tests hold the pass to the steps written one after the other (`Reference`).

use std::ops::Range;
use std::sync::OnceLock;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// The leetspeak table (symbol, letter), from `data/leet.tsv`.
const LEET_TSV: &str = include_str!("../data/leet.tsv");

/// One character of the matching form and the original bytes it comes from.
#[derive(Debug, Clone, Copy)]
struct Unit {
    c: char,
    start: u32,
    end: u32,
}

/// One entry of the map back to the original text. Either one character of the matching form,
/// written at byte `out` from the original bytes `start..end` (`width == 0`), or a run of
/// characters each written from one original character of the same length, `width` bytes
/// (bytes `out..out + (end - start)` of the matching form come from `start..end`, character for
/// character). Most of an ad is such a run (ASCII, or a Cyrillic word lowercased), so the map
/// holds a few entries per line instead of one per character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MapEntry {
    out: u32,
    start: u32,
    end: u32,
    width: u8,
}

impl MapEntry {
    /// Original range of the matching-form character at byte `pos` (at or after `out`; a
    /// position past a run is its last character).
    fn original_of(&self, pos: u32) -> (u32, u32) {
        if self.width == 0 {
            return (self.start, self.end);
        }
        let w = u32::from(self.width);
        let last = ((self.end - self.start) / w).saturating_sub(1);
        let k = (pos.saturating_sub(self.out) / w).min(last) * w;
        (self.start + k, self.start + k + w)
    }
}

/// A text in matching form with a map back to the original byte offsets.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    map: Vec<MapEntry>,
    original_len: usize,
    /// Byte offsets in `text` where a word starts (a word character after none), found while
    /// the text is written: every phrase matcher of a record walks from them.
    word_starts: Vec<u32>,
    /// Where each of those words ends (the offset after its last word character), in the same
    /// order: `word_ends[k]` ends the word starting at `word_starts[k]`.
    word_ends: Vec<u32>,
}

impl Normalized {
    /// Normalises `original` (see the module documentation for the steps).
    pub fn new(original: &str) -> Self {
        let original = cap_len(original);
        let b = Builder::<true>::with_capacity(original.len()).run(original);
        Self {
            text: b.text,
            map: b.map,
            original_len: original.len(),
            word_starts: b.word_starts,
            word_ends: b.word_ends,
        }
    }

    /// Byte offsets of the matching form where a word starts: a character for which
    /// [`is_word_char`] holds, at the start or after one for which it does not.
    pub fn word_starts(&self) -> impl Iterator<Item = usize> + '_ {
        self.word_starts.iter().map(|&s| s as usize)
    }

    /// The words of the matching form as byte ranges: each starts at a [`Normalized::word_starts`]
    /// offset and ends before the first character after it that is not a word character.
    pub fn words(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.word_starts
            .iter()
            .zip(&self.word_ends)
            .map(|(&s, &e)| s as usize..e as usize)
    }

    /// The word ends of the words from the `k`-th on (see [`Normalized::words`]).
    pub(crate) fn word_ends_from(&self, k: usize) -> &[u32] {
        self.word_ends.get(k..).unwrap_or_default()
    }

    /// The matching form.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Length in bytes of the original text that was normalised.
    pub fn original_len(&self) -> usize {
        self.original_len
    }

    /// The byte range of the original text that produced `text()[start..end]`.
    ///
    /// The result always lies on character boundaries of the original. Offsets inside a
    /// character of the matching form are widened to the whole character; an empty or
    /// out-of-range request gives an empty range at the nearest mapped position.
    pub fn original_range(&self, start: usize, end: usize) -> Range<usize> {
        let Some(last_entry) = self.map.last() else {
            return 0..0;
        };
        if start >= self.text.len() {
            let at = last_entry.end as usize;
            return at..at;
        }
        let start = clamp_u32(start);
        let (s, _) = self.map[self.entry_index(start)].original_of(start);
        if end <= start as usize {
            return s as usize..s as usize;
        }
        let last = clamp_u32(end - 1);
        let (_, e) = self.map[self.entry_index(last)].original_of(last);
        s as usize..e.max(s) as usize
    }

    /// Index of the map entry holding the matching-form character that contains byte `pos`
    /// (clamped to the last character).
    fn entry_index(&self, pos: u32) -> usize {
        self.map.partition_point(|e| e.out <= pos).saturating_sub(1)
    }

    /// The map with one `(out, start, end)` per character of the matching form, as the
    /// reference writes it.
    #[cfg(test)]
    fn per_char_map(&self) -> Vec<(u32, u32, u32)> {
        self.text
            .char_indices()
            .map(|(i, _)| {
                let out = i as u32;
                let (s, e) = self.map[self.entry_index(out)].original_of(out);
                (out, s, e)
            })
            .collect()
    }
}

fn clamp_u32(pos: usize) -> u32 {
    pos.min(u32::MAX as usize) as u32
}

/// The matching form and its map, written in one pass over the original (steps 1 to 6).
///
/// ASCII words that are already a fixed point of steps 3 to 5 (most words of any ad) are
/// lowercased straight into the text, byte for byte, and extend the current map run; words of
/// plain Cyrillic letters likewise, two bytes for two. Any other word (another non-ASCII
/// character in it, leet symbols next to letters, a run of three) is gathered as [`Unit`]s and
/// goes through [`fold_to_fixed_point`]. `MAPPED == false` writes the
/// text only ([`normalize`]: patterns and names at start-up).
struct Builder<const MAPPED: bool> {
    /// Whole characters only, pushed as such: no UTF-8 check of the result is needed.
    text: String,
    map: Vec<MapEntry>,
    word_starts: Vec<u32>,
    word_ends: Vec<u32>,
    prev_is_word: bool,
    /// A run of spaces read and not written yet (its original range): step 6 writes it as one
    /// space, and only between two written characters.
    pending_space: Option<(u32, u32)>,
    written: bool,
    /// The word being read, when it goes through units.
    word: Vec<Unit>,
}

impl<const MAPPED: bool> Builder<MAPPED> {
    fn with_capacity(n: usize) -> Self {
        Self {
            text: String::with_capacity(n),
            // A few runs per line of ASCII; one entry per character elsewhere (grown then).
            map: if MAPPED {
                Vec::with_capacity(16)
            } else {
                Vec::new()
            },
            // About one word in five characters of ads; sized once.
            word_starts: if MAPPED {
                Vec::with_capacity(n / 4 + 1)
            } else {
                Vec::new()
            },
            word_ends: if MAPPED {
                Vec::with_capacity(n / 4 + 1)
            } else {
                Vec::new()
            },
            prev_is_word: false,
            pending_space: None,
            written: false,
            word: Vec::new(),
        }
    }

    fn run(mut self, original: &str) -> Self {
        let bytes = original.as_bytes();
        let token = ascii_token_table();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            // cap_len guarantees every offset fits in u32.
            let start = i as u32;
            if b >= 0x80 {
                if self.word.is_empty()
                    && let Some(word) = original.get(i..).and_then(cyrillic_word)
                    && bytes
                        .get(i + word.len())
                        .is_none_or(|&x| x < 0x80 && !token[usize::from(x)])
                {
                    // A whole word of plain Cyrillic letters without a run of three: a fixed
                    // point of steps 3 to 5 once lowercased (Bulgarian prose, mostly).
                    self.write_cyrillic_word(word, start);
                    i += word.len();
                    continue;
                }
                let Some(c) = original.get(i..).and_then(|r| r.chars().next()) else {
                    break;
                };
                i += c.len_utf8();
                let end = i as u32;
                fold_char(c, &mut |f| self.feed(Unit { c: f, start, end }));
                continue;
            }
            let c = fold_ascii(b);
            if !self.word.is_empty() {
                self.feed(Unit {
                    c,
                    start,
                    end: start + 1,
                });
                i += 1;
                continue;
            }
            if !token[usize::from(b)] {
                // Between words: a space, a control or punctuation, never a word character.
                if c == ' ' {
                    self.space(start, start + 1);
                } else {
                    self.before_visible();
                    let out = self.text.len() as u32;
                    self.text.push(c);
                    if MAPPED {
                        self.mark_word(out, false);
                        self.extend_run(out, start, start + 1, 1);
                    }
                }
                i += 1;
                continue;
            }
            // A word starting with an ASCII byte: its ASCII part in one go.
            let scan = AsciiWord::scan(&bytes[i..], token);
            // ASCII bytes only: on character boundaries, so `get` always succeeds.
            let ascii = original.get(i..i + scan.len).unwrap_or_default();
            i += scan.len;
            let continues = bytes.get(i).is_some_and(|&x| x >= 0x80);
            // A non-ASCII character whose fold starts with no token character ends the word as
            // a space would (`80€`, `50–`): the word needs no units either.
            if scan.is_fixed_point()
                && (!continues || original.get(i..).is_some_and(ends_word_before))
            {
                self.write_ascii_word(ascii, start, scan.alphanumeric);
            } else {
                self.reserve_word();
                self.word
                    .extend(ascii.bytes().zip(start..).map(|(x, s)| Unit {
                        c: fold_ascii(x),
                        start: s,
                        end: s + 1,
                    }));
                if !continues {
                    self.flush_word();
                }
            }
        }
        self.flush_word();
        self.finish_words();
        self
    }

    /// One unit of steps 1 and 2: a word character joins the current word, anything else ends
    /// it and is written.
    fn feed(&mut self, u: Unit) {
        if is_token(u.c) {
            self.reserve_word();
            self.word.push(u);
        } else {
            self.flush_word();
            self.emit(u);
        }
    }

    /// The word buffer is allocated on the first word that needs it, once, at a size most words
    /// fit in (instead of growing from four units).
    fn reserve_word(&mut self) {
        if self.word.capacity() == 0 {
            self.word.reserve(32);
        }
    }

    /// Steps 3 to 5 on the current word, then writes it.
    fn flush_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let mut word = std::mem::take(&mut self.word);
        let len = if is_fixed_point(&word) {
            word.len()
        } else {
            fold_to_fixed_point(&mut word)
        };
        for &u in &word[..len] {
            self.emit(u);
        }
        word.clear();
        self.word = word;
    }

    /// Writes a unit, with step 6 for spaces.
    fn emit(&mut self, u: Unit) {
        if u.c == ' ' {
            self.space(u.start, u.end);
            return;
        }
        self.before_visible();
        self.write_char(u.c, u.start, u.end);
    }

    /// A space from original bytes `start..end`: joins the run of spaces being read.
    fn space(&mut self, start: u32, end: u32) {
        match &mut self.pending_space {
            Some((_, e)) => *e = end,
            None => self.pending_space = Some((start, end)),
        }
    }

    /// Before a character other than a space: the spaces read since the last one, if any.
    fn before_visible(&mut self) {
        if let Some((start, end)) = self.pending_space.take()
            && self.written
        {
            self.write_space(start, end);
        }
        self.written = true;
    }

    /// [`Builder::write_char`] of the space of a run of spaces, inline: one before nearly every
    /// word.
    #[inline]
    fn write_space(&mut self, start: u32, end: u32) {
        let out = self.text.len() as u32;
        self.text.push(' ');
        if MAPPED {
            self.map_written(out, false, 1, start, end);
        }
    }

    fn write_char(&mut self, c: char, start: u32, end: u32) {
        let out = self.text.len() as u32;
        self.text.push(c);
        let is_word = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            is_word_char(c)
        };
        if MAPPED {
            self.map_written(out, is_word, c.len_utf8() as u32, start, end);
        }
    }

    /// Maps the character of `width` bytes just written at `out` to the original `start..end`:
    /// it extends the current run when it is a copy of the original, else it takes an entry.
    #[inline]
    fn map_written(&mut self, out: u32, is_word: bool, width: u32, start: u32, end: u32) {
        self.mark_word(out, is_word);
        if end.checked_sub(start) == Some(width) {
            self.extend_run(out, start, end, width as u8);
        } else {
            self.map.push(MapEntry {
                out,
                start,
                end,
                width: 0,
            });
        }
    }

    /// An ASCII word that is a fixed point of steps 3 to 5, from original byte `start` on
    /// (`alphanumeric`: every byte is a word character, so the word is one word of the text).
    fn write_ascii_word(&mut self, word: &str, start: u32, alphanumeric: bool) {
        self.before_visible();
        let out = self.text.len() as u32;
        // Token characters are letters, digits and leet symbols: lowercasing is their fold.
        // Copied whole, then lowercased in place (no character-by-character push).
        self.text.push_str(word);
        if let Some(written) = self.text.get_mut(out as usize..) {
            written.make_ascii_lowercase();
        }
        if MAPPED {
            if alphanumeric {
                self.mark_word(out, true);
            } else {
                for (&b, at) in word.as_bytes().iter().zip(out..) {
                    self.mark_word(at, b.is_ascii_alphanumeric());
                }
            }
            self.extend_run(out, start, start + word.len() as u32, 1);
        }
    }

    /// A word of [`cyrillic_word`] letters from original byte `start` on: each lowercased, two
    /// bytes for two, one word of the text.
    fn write_cyrillic_word(&mut self, word: &str, start: u32) {
        self.before_visible();
        let out = self.text.len() as u32;
        for c in word.chars() {
            self.text.push(plain_cyrillic_fold(c).unwrap_or(c));
        }
        if MAPPED {
            self.mark_word(out, true);
            self.extend_run(out, start, start + word.len() as u32, 2);
        }
    }

    fn mark_word(&mut self, out: u32, is_word: bool) {
        if is_word != self.prev_is_word {
            if is_word {
                self.word_starts.push(out);
            } else {
                self.word_ends.push(out);
            }
            self.prev_is_word = is_word;
        }
    }

    /// Characters of `width` bytes each written from one original character of the same width,
    /// from `start..end`, at `out`: extends the last run when it has their width and ends where
    /// they start.
    fn extend_run(&mut self, out: u32, start: u32, end: u32, width: u8) {
        match self.map.last_mut() {
            Some(last) if last.width == width && last.end == start => last.end = end,
            _ => self.map.push(MapEntry {
                out,
                start,
                end,
                width,
            }),
        }
    }

    fn finish_words(&mut self) {
        if MAPPED && self.prev_is_word {
            self.word_ends.push(self.text.len() as u32);
        }
    }
}

/// Step 5's trigger, read character by character: whether the letters read so far end in three
/// equal ones. A character that is no letter ends any run; `none` stands for it (no letter equals
/// it).
struct RunOfThree<T> {
    prev: T,
    none: T,
    repeats: u32,
}

impl<T: PartialEq + Copy> RunOfThree<T> {
    fn new(none: T) -> Self {
        Self {
            prev: none,
            none,
            repeats: 0,
        }
    }

    fn push(&mut self, c: T, letter: bool) -> bool {
        if letter && c == self.prev {
            self.repeats += 1;
            self.repeats >= 3
        } else {
            (self.prev, self.repeats) = (if letter { c } else { self.none }, 1);
            false
        }
    }
}

/// Whether the first character of `rest` ends a word before it: its fold (steps 1 and 2) starts
/// with a character that is no token character. (An ignorable one, which folds to nothing, does
/// not: the word goes on after it.)
fn ends_word_before(rest: &str) -> bool {
    let Some(c) = rest.chars().next() else {
        return true;
    };
    let mut first = None;
    fold_char(c, &mut |f| {
        first.get_or_insert(f);
    });
    first.is_some_and(|f| !is_token(f))
}

/// The run of [`plain_cyrillic_fold`] letters at the start of `s`, if it has no three equal
/// letters in a row once folded: each folds to one lower-case letter of the same two bytes, so
/// the run is a fixed point of steps 3 to 5 when a word ends after it.
fn cyrillic_word(s: &str) -> Option<&str> {
    let mut len = 0;
    let mut run = RunOfThree::new('\0');
    for c in s.chars() {
        let Some(lower) = plain_cyrillic_fold(c) else {
            break;
        };
        if run.push(lower, true) {
            return None;
        }
        len += c.len_utf8();
    }
    (len > 0).then(|| &s[..len])
}

/// The ASCII part of a word, read in one pass: its length and what [`is_fixed_point`] needs.
struct AsciiWord {
    len: usize,
    letters: bool,
    others: bool,
    triple: bool,
    /// Runs of letters: one means no leet symbol has a letter on both sides.
    letter_runs: u32,
    /// Every byte is a letter or a digit (no leet symbol).
    alphanumeric: bool,
}

impl AsciiWord {
    /// Reads the run of ASCII token characters at the start of `bytes`.
    fn scan(bytes: &[u8], token: &[bool; 128]) -> Self {
        let mut w = Self {
            len: 0,
            letters: false,
            others: false,
            triple: false,
            letter_runs: 0,
            alphanumeric: true,
        };
        let mut run = RunOfThree::new(0u8);
        let mut prev_letter = false;
        for &b in bytes {
            if b >= 0x80 || !token[usize::from(b)] {
                break;
            }
            w.len += 1;
            let l = b.to_ascii_lowercase();
            let letter = l.is_ascii_lowercase();
            if letter {
                w.letters = true;
                w.letter_runs += u32::from(!prev_letter);
            } else {
                w.others = true;
                w.alphanumeric &= b.is_ascii_digit();
            }
            w.triple |= run.push(l, letter);
            prev_letter = letter;
        }
        w
    }

    /// Whether the word is a fixed point of steps 3 to 5: no run of three letters, and no leet
    /// symbol with a letter on both sides (letters only, none, or one run of them: `12h`,
    /// `2h30`, `fr76`). An ASCII word has no look-alike to fold, and leet symbols are only read
    /// between letters.
    fn is_fixed_point(&self) -> bool {
        !self.triple && (!self.letters || !self.others || self.letter_runs == 1)
    }
}

/// [`Normalized`] written step by step, as first designed: the reference the one-pass
/// [`Builder`] is tested against (text, one map entry per character, word starts and ends).
#[cfg(test)]
struct Reference {
    text: String,
    map: Vec<(u32, u32, u32)>,
    word_starts: Vec<u32>,
    word_ends: Vec<u32>,
}

#[cfg(test)]
impl Reference {
    fn new(original: &str) -> Self {
        let original = cap_len(original);
        let mut units = folded_units_by_char(original);
        process_words_by_steps(&mut units);
        collapse_spaces(&mut units);
        let mut text = String::with_capacity(units.len());
        let mut word_starts = Vec::new();
        let mut word_ends = Vec::new();
        let mut prev_is_word = false;
        let map = units
            .into_iter()
            .map(|u| {
                let out = text.len() as u32;
                let is_word = is_word_char(u.c);
                if is_word && !prev_is_word {
                    word_starts.push(out);
                }
                if !is_word && prev_is_word {
                    word_ends.push(out);
                }
                prev_is_word = is_word;
                text.push(u.c);
                (out, u.start, u.end)
            })
            .collect();
        if prev_is_word {
            word_ends.push(text.len() as u32);
        }
        Self {
            text,
            map,
            word_starts,
            word_ends,
        }
    }
}

/// Steps 1 and 2 one decoded character at a time, through [`fold_char`] only: the reference.
#[cfg(test)]
fn folded_units_by_char(original: &str) -> Vec<Unit> {
    let mut units = Vec::with_capacity(original.len());
    for (i, c) in original.char_indices() {
        let start = i as u32;
        let end = (i + c.len_utf8()) as u32;
        fold_char(c, &mut |f| units.push(Unit { c: f, start, end }));
    }
    units
}

/// The matching form of `s` (see [`Normalized`]), without the map back to `s` (patterns and
/// names are normalised by the tens of thousands at start-up).
pub fn normalize(s: &str) -> String {
    let s = cap_len(s);
    Builder::<false>::with_capacity(s.len()).run(s).text
}

/// Whether `c` is a word character for word-boundary checks on the matching form.
pub fn is_word_char(c: char) -> bool {
    crate::fastchar::is_alphanumeric(c)
}

fn cap_len(s: &str) -> &str {
    const MAX: usize = u32::MAX as usize;
    if s.len() <= MAX {
        return s;
    }
    let mut cut = MAX;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}

/// Unicode Default_Ignorable_Code_Point (DerivedCoreProperties.txt) plus emoji skin-tone
/// modifiers: characters that change nothing a reader sees in a word and are used to split
/// words so that filters miss them.
fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}'
        | '\u{1F3FB}'..='\u{1F3FF}')
}

/// Step 1 and 2 for one original character: emits 0..n characters of the matching form.
fn fold_char(c: char, emit: &mut impl FnMut(char)) {
    if let Some(lower) = plain_cyrillic_fold(c) {
        emit(lower);
        return;
    }
    if let Some(folded) = folded_table().get((c as usize).wrapping_sub(0x80))
        && let Some(out) = folded.out.get(..usize::from(folded.len))
    {
        out.iter().for_each(|&f| emit(f));
        return;
    }
    // Pictographs (🌹, 👑, 💋...): no decomposition, no case, not ignorable (the skin tones
    // are, and the enclosed alphanumerics before U+1F300 decompose).
    if matches!(c, '\u{1F300}'..='\u{1F3FA}' | '\u{1F400}'..='\u{1FAFF}') {
        emit(c);
        return;
    }
    fold_char_tables(c, emit);
}

/// The fold of a letter of the Bulgarian alphabet but й and Й (и with a breve, which
/// decompose): no decomposition, one lower-case letter of the same two bytes.
fn plain_cyrillic_fold(c: char) -> Option<char> {
    if matches!(c, '\u{410}'..='\u{44F}') && c != '\u{419}' && c != '\u{439}' {
        Some(crate::fastchar::simple_lower(c).unwrap_or(c))
    } else {
        None
    }
}

/// First code point past [`folded_table`]: Latin, Greek, Cyrillic, punctuation, currency and
/// the common symbols and dingbats of ads are below it.
const FOLDED_TABLE_END: u32 = 0x3000;

/// [`fold_char_tables`] of a character of the table: at most three characters.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Folded {
    out: [char; 3],
    /// Number of characters in `out`; [`Folded::UNCACHED`] when the fold is longer.
    len: u8,
}

impl Folded {
    /// A `len` past `out` (read as "not in the table").
    #[cfg(any(test, not(cairn_folded_table)))]
    const UNCACHED: u8 = u8::MAX;
}

/// The fold of every character from U+0080 to [`FOLDED_TABLE_END`], computed when the crate is
/// built (`folded_table` in build.rs, with this function): decomposing, lower-casing and
/// classifying a non-ASCII character through the Unicode tables took a few hundred instructions,
/// and about one character in ten of an ad is one (accents, Cyrillic, dashes, currency,
/// keycaps). Computing the 12,000 folds at start-up took about 3.5 M instructions (1 ms) before
/// the first record could be normalised.
#[cfg(cairn_folded_table)]
fn folded_table() -> &'static [Folded] {
    static TABLE: [Folded; (FOLDED_TABLE_END - 0x80) as usize] =
        include!(concat!(env!("OUT_DIR"), "/folded_table.rs"));
    &TABLE
}

/// The same folds computed on first use: in build.rs, which computes the table.
#[cfg(not(cairn_folded_table))]
fn folded_table() -> &'static [Folded] {
    static TABLE: OnceLock<Box<[Folded]>> = OnceLock::new();
    TABLE.get_or_init(|| compute_folded_table().collect())
}

/// The fold of each character of [`folded_table`], in order.
#[cfg(any(test, not(cairn_folded_table)))]
fn compute_folded_table() -> impl Iterator<Item = Folded> {
    (0x80..FOLDED_TABLE_END).map(|cp| {
        let mut f = Folded {
            out: ['\0'; 3],
            len: 0,
        };
        let Some(c) = char::from_u32(cp) else {
            f.len = Folded::UNCACHED;
            return f;
        };
        fold_char_tables(c, &mut |x| match f.out.get_mut(usize::from(f.len)) {
            Some(slot) if f.len != Folded::UNCACHED => {
                *slot = x;
                f.len += 1;
            }
            _ => f.len = Folded::UNCACHED,
        });
        f
    })
}

/// build.rs's table as Rust source: an array of [`Folded`].
#[cfg(not(cairn_folded_table))]
pub fn folded_table_source() -> String {
    use std::fmt::Write;
    let mut out = String::from("[\n");
    for f in compute_folded_table() {
        let [a, b, c] = f.out.map(|x| x as u32);
        let _ = writeln!(
            out,
            "Folded {{ out: ['\\u{{{a:x}}}', '\\u{{{b:x}}}', '\\u{{{c:x}}}'], len: {} }},",
            f.len
        );
    }
    out.push(']');
    out
}

/// Steps 1 and 2 for an ASCII character: controls are spaces, the backtick an apostrophe.
#[inline]
fn fold_ascii(b: u8) -> char {
    if b.is_ascii_control() {
        ' '
    } else if b == b'`' {
        '\''
    } else {
        char::from(b.to_ascii_lowercase())
    }
}

/// [`fold_char`] through the Unicode tables.
fn fold_char_tables(c: char, emit: &mut impl FnMut(char)) {
    if c.is_ascii() {
        emit(fold_ascii(c as u8));
        return;
    }
    if is_ignorable(c) {
        return;
    }
    if c.is_whitespace() || c.is_control() {
        emit(' ');
        return;
    }
    decompose_compatible(c, |d| {
        if is_combining_mark(d) || is_ignorable(d) {
            return;
        }
        if d.is_whitespace() || d.is_control() {
            emit(' ');
            return;
        }
        for l in d.to_lowercase() {
            if is_combining_mark(l) {
                continue;
            }
            match l {
                'ß' => {
                    emit('s');
                    emit('s');
                }
                'ς' => emit('σ'),
                'æ' => {
                    emit('a');
                    emit('e');
                }
                'œ' => {
                    emit('o');
                    emit('e');
                }
                'ø' => emit('o'),
                'ł' => emit('l'),
                'đ' | 'ð' => emit('d'),
                'þ' => {
                    emit('t');
                    emit('h');
                }
                'ħ' => emit('h'),
                'ı' => emit('i'),
                // Typographic apostrophes and dashes, so `daddy’s` matches `daddy's`.
                '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '\u{2BC}' | '`' => emit('\''),
                '\u{2010}'..='\u{2015}' | '\u{2212}' => emit('-'),
                other => emit(other),
            }
        }
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
    Other,
}

fn script_of(c: char) -> Script {
    match c {
        'a'..='z'
        | 'A'..='Z'
        | '\u{C0}'..='\u{24F}'
        | '\u{250}'..='\u{2AF}'
        | '\u{1E00}'..='\u{1EFF}' => Script::Latin,
        '\u{400}'..='\u{52F}'
        | '\u{1C80}'..='\u{1C8F}'
        | '\u{2DE0}'..='\u{2DFF}'
        | '\u{A640}'..='\u{A69F}' => Script::Cyrillic,
        '\u{370}'..='\u{3FF}' | '\u{1F00}'..='\u{1FFF}' => Script::Greek,
        _ => Script::Other,
    }
}

/// The Latin letter a non-Latin letter is confusable with, if its confusable prototype is one
/// ASCII lowercase letter.
fn latin_lookalike(c: char) -> Option<char> {
    let mut buf = [0u8; 4];
    let mut sk = unicode_security::skeleton(c.encode_utf8(&mut buf));
    let first = sk.next()?;
    if sk.next().is_some() || !first.is_ascii_lowercase() {
        return None;
    }
    Some(first)
}

/// For each ASCII lowercase letter, the Cyrillic lowercase letter whose confusable prototype it
/// is (Bulgarian letters first).
fn cyrillic_lookalikes() -> &'static [Option<char>; 26] {
    static TABLE: OnceLock<[Option<char>; 26]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [None; 26];
        let bulgarian = "абвгдежзийклмнопрстуфхцчшщъьюя";
        let rest = ('\u{450}'..='\u{45F}').chain('\u{460}'..='\u{52F}');
        for c in bulgarian.chars().chain(rest) {
            if c.to_lowercase().next() != Some(c) {
                continue;
            }
            if let Some(l) = latin_lookalike(c) {
                let slot = &mut t[(l as u8 - b'a') as usize];
                if slot.is_none() {
                    *slot = Some(c);
                }
            }
        }
        t
    })
}

/// The leetspeak table as a lookup by ASCII byte.
fn leet_table() -> &'static [Option<char>; 128] {
    static TABLE: OnceLock<[Option<char>; 128]> = OnceLock::new();
    TABLE.get_or_init(|| parse_leet(LEET_TSV).0)
}

/// Parses the leet table; returns the table and the numbers of the lines it could not read
/// (a unit test requires none).
fn parse_leet(src: &str) -> ([Option<char>; 128], Vec<usize>) {
    let mut t = [None; 128];
    let mut bad = Vec::new();
    for (n, line) in src.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split('\t');
        let (Some(sym), Some(letter), None) = (parts.next(), parts.next(), parts.next()) else {
            bad.push(n + 1);
            continue;
        };
        let mut s = sym.chars();
        let mut l = letter.chars();
        match (s.next(), s.next(), l.next(), l.next()) {
            (Some(s), None, Some(l), None)
                if s.is_ascii() && !s.is_ascii_alphabetic() && l.is_ascii_lowercase() =>
            {
                t[s as usize] = Some(l);
            }
            _ => bad.push(n + 1),
        }
    }
    (t, bad)
}

fn leet_of(c: char) -> Option<char> {
    if c.is_ascii() {
        leet_table()[c as usize]
    } else {
        None
    }
}

fn is_token_char(c: char) -> bool {
    crate::fastchar::is_alphanumeric(c) || leet_of(c).is_some()
}

/// Whether each ASCII character is a token character ([`is_token_char`]), computed once.
fn ascii_token_table() -> &'static [bool; 128] {
    static TABLE: OnceLock<[bool; 128]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let leet = leet_table();
        std::array::from_fn(|b| (b as u8).is_ascii_alphanumeric() || leet[b].is_some())
    })
}

/// Whether `c` is a token character ([`is_token_char`]), through the ASCII table when it can.
fn is_token(c: char) -> bool {
    match ascii_token_table().get(c as usize) {
        Some(&t) => t,
        None => is_token_char(c),
    }
}

/// Whether a word (a run of token characters) is already a fixed point of steps 3 to 5, as
/// most words are: no run of three letters, and no letter at all, or ASCII letters only, or
/// Cyrillic letters with no Latin one. [`fold_word`] and [`collapse_runs`] run on the others
/// only.
fn is_fixed_point(word: &[Unit]) -> bool {
    // Letters by kind, other ASCII token characters, a run of three, anything else.
    let (mut latin, mut cyrillic, mut others) = (0usize, 0usize, 0usize);
    let (mut triple, mut unusual) = (false, false);
    let mut run = RunOfThree::new('\0');
    for u in word {
        let c = u.c;
        let letter = if c.is_ascii_alphabetic() {
            latin += 1;
            true
        } else if c.is_ascii() {
            others += 1;
            false
        } else if matches!(c, '\u{400}'..='\u{52F}') {
            // A token character of the Cyrillic block is a letter.
            cyrillic += 1;
            true
        } else {
            unusual = true;
            false
        };
        triple |= run.push(c, letter);
    }
    // No Latin letter: either no letter at all (no script, so no look-alike nor leet to read)
    // or Cyrillic ones (only Latin letters would change). ASCII letters alone: nothing to fold.
    !unusual && !triple && (latin == 0 || (cyrillic == 0 && others == 0))
}

/// Folding a word can change its majority script (a collapsed run counts once, a leet digit
/// becomes a letter), so it is repeated until nothing changes: the word is then a fixed point,
/// which is what makes normalising twice equal to normalising once. Returns the new length.
fn fold_to_fixed_point(word: &mut [Unit]) -> usize {
    let mut len = word.len();
    for _ in 0..MAX_WORD_ROUNDS {
        let changed = fold_word(&mut word[..len]);
        let new_len = collapse_runs(&mut word[..len]);
        let shrunk = new_len < len;
        len = new_len;
        if !changed && !shrunk {
            break;
        }
    }
    len
}

/// Steps 3 to 5 without the shortcut of [`is_fixed_point`]: every word folded and collapsed
/// (the reference).
#[cfg(test)]
fn process_words_by_steps(units: &mut Vec<Unit>) {
    let n = units.len();
    let mut w = 0;
    let mut i = 0;
    while i < n {
        if !is_token_char(units[i].c) {
            units[w] = units[i];
            w += 1;
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && is_token_char(units[j].c) {
            j += 1;
        }
        let len = fold_to_fixed_point(&mut units[i..j]);
        units.copy_within(i..i + len, w);
        w += len;
        i = j;
    }
    units.truncate(w);
}

/// Enough rounds for any word met in testing to reach its fixed point (usually 1 or 2).
const MAX_WORD_ROUNDS: usize = 6;

/// Runs of three or more identical letters become one, spanning the whole run; compacts
/// `word` in place and returns its new length.
fn collapse_runs(word: &mut [Unit]) -> usize {
    let n = word.len();
    let mut w = 0;
    let mut k = 0;
    while k < n {
        let u = word[k];
        let mut r = k + 1;
        while r < n && word[r].c == u.c {
            r += 1;
        }
        if r - k >= 3 && crate::fastchar::is_alphabetic(u.c) {
            word[w] = Unit {
                c: u.c,
                start: u.start,
                end: word[r - 1].end,
            };
            w += 1;
        } else {
            if w != k {
                word.copy_within(k..r, w);
            }
            w += r - k;
        }
        k = r;
    }
    w
}

/// Step 6 in place: a run of spaces becomes one space spanning the run; leading and trailing
/// spaces go. (Done by [`Builder::emit`] while writing; this is its reference.)
#[cfg(test)]
fn collapse_spaces(units: &mut Vec<Unit>) {
    let n = units.len();
    let mut w = 0;
    let mut i = 0;
    while i < n {
        if units[i].c != ' ' {
            units[w] = units[i];
            w += 1;
            i += 1;
            continue;
        }
        let start = units[i].start;
        let mut j = i;
        while j < n && units[j].c == ' ' {
            j += 1;
        }
        if w > 0 && j < n {
            units[w] = Unit {
                c: ' ',
                start,
                end: units[j - 1].end,
            };
            w += 1;
        }
        i = j;
    }
    units.truncate(w);
}

/// Steps 3 and 4 for one word; returns whether a character changed.
fn fold_word(word: &mut [Unit]) -> bool {
    // Fast path: a plain ASCII word of letters has nothing to fold.
    if word.iter().all(|u| u.c.is_ascii_alphabetic()) {
        return false;
    }
    let mut changed = false;
    let (mut latin, mut cyrillic, mut greek) = (0usize, 0usize, 0usize);
    let mut ascii_only = true;
    for u in word.iter() {
        if !u.c.is_ascii() {
            ascii_only = false;
        }
        if crate::fastchar::is_alphabetic(u.c) {
            match script_of(u.c) {
                Script::Latin => latin += 1,
                Script::Cyrillic => cyrillic += 1,
                Script::Greek => greek += 1,
                Script::Other => {}
            }
        }
    }
    if cyrillic > latin && cyrillic >= greek {
        let table = cyrillic_lookalikes();
        for u in word.iter_mut() {
            if u.c.is_ascii_lowercase()
                && let Some(c) = table[(u.c as u8 - b'a') as usize]
            {
                u.c = c;
                changed = true;
            }
        }
        return changed;
    }
    if latin == 0 || latin < greek {
        return false;
    }
    if !ascii_only {
        for u in word.iter_mut() {
            if crate::fastchar::is_alphabetic(u.c)
                && matches!(script_of(u.c), Script::Cyrillic | Script::Greek)
                && let Some(l) = latin_lookalike(u.c)
            {
                u.c = l;
                changed = true;
            }
        }
    }
    // Leetspeak: runs of leet symbols with a letter directly on both sides.
    let mut k = 0;
    while k < word.len() {
        if leet_of(word[k].c).is_none() || crate::fastchar::is_alphabetic(word[k].c) {
            k += 1;
            continue;
        }
        let run_start = k;
        while k < word.len() && leet_of(word[k].c).is_some() {
            k += 1;
        }
        let before = run_start > 0 && crate::fastchar::is_alphabetic(word[run_start - 1].c);
        let after = k < word.len() && crate::fastchar::is_alphabetic(word[k].c);
        if before && after {
            for u in &mut word[run_start..k] {
                if let Some(l) = leet_of(u.c) {
                    u.c = l;
                    changed = true;
                }
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fold table computed by build.rs is the one this module computes.
    #[test]
    fn built_folded_table_is_the_computed_one() {
        let built = folded_table();
        assert_eq!(built.len(), (FOLDED_TABLE_END - 0x80) as usize);
        assert!(built.iter().copied().eq(compute_folded_table()));
        // Some folds: é, Cyrillic Б, the fullwidth digit 1, ß (two characters).
        let fold = |c: char| built[c as usize - 0x80];
        assert_eq!((fold('é').out[0], fold('é').len), ('e', 1));
        assert_eq!((fold('Б').out[0], fold('Б').len), ('б', 1));
        assert_eq!(fold('ß').out[..2], ['s', 's']);
    }
    use proptest::strategy::Strategy;

    #[test]
    fn leet_table_parses_completely() {
        let (t, bad) = parse_leet(LEET_TSV);
        assert!(bad.is_empty(), "unreadable lines in data/leet.tsv: {bad:?}");
        assert_eq!(t[b'4' as usize], Some('a'));
        assert_eq!(t[b'$' as usize], Some('s'));
        assert_eq!(t[b'1' as usize], Some('i'));
        // The one-pass writer lowercases ASCII words: no token character may fold otherwise.
        for (b, &is_token) in (0u8..).zip(ascii_token_table()) {
            if is_token {
                assert_eq!(fold_ascii(b), char::from(b.to_ascii_lowercase()), "{b}");
            }
        }
    }

    #[test]
    fn cyrillic_lookalikes_cover_the_usual_letters() {
        let t = cyrillic_lookalikes();
        for (l, c) in [
            ('a', 'а'),
            ('e', 'е'),
            ('o', 'о'),
            ('p', 'р'),
            ('c', 'с'),
            ('x', 'х'),
        ] {
            assert_eq!(t[(l as u8 - b'a') as usize], Some(c), "{l}");
        }
    }

    #[test]
    fn fold_char_fast_path_equals_the_tables() {
        let ranges = [
            '\u{0}'..='\u{3FFF}',
            '\u{1F000}'..='\u{1FBFF}',
            '\u{E0000}'..='\u{E01FF}',
        ];
        for c in ranges.into_iter().flatten() {
            let (mut fast, mut slow) = (String::new(), String::new());
            fold_char(c, &mut |f| fast.push(f));
            fold_char_tables(c, &mut |f| slow.push(f));
            assert_eq!(fast, slow, "{c:?}");
        }
    }

    /// The one-pass normalisation equals the steps: same text, same original range for every
    /// character, same words.
    fn same_normalized(a: &Normalized, b: &Reference) -> bool {
        a.text == b.text
            && a.per_char_map() == b.map
            && a.word_starts == b.word_starts
            && a.word_ends == b.word_ends
    }

    /// Texts with the characters where the shortcuts matter: leet symbols, repeated letters,
    /// spaces and controls, look-alike letters of other scripts, ignorables.
    fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
        let pieces = proptest::sample::select(vec![
            "a",
            "e",
            "o",
            "n",
            "w",
            "N",
            "E",
            "W",
            "3",
            "4",
            "0",
            "1",
            "$",
            "@",
            "|",
            "!",
            " ",
            "  ",
            "\t",
            "\n",
            "\u{0}",
            "-",
            ".",
            "'",
            "`",
            "ooo",
            "eeee",
            "р",
            "а",
            "о",
            "е",
            "ааа",
            "бг",
            "Ж",
            "ё",
            "ѣ",
            "\u{483}",
            "c",
            "p",
            "Σ",
            "ς",
            "é",
            "ß",
            "Ａ",
            "ﬁ",
            "\u{200B}",
            "\u{FE0F}",
            "\u{301}",
            "1\u{FE0F}\u{20E3}",
            "😀",
            "ı",
            "\u{2019}",
        ]);
        proptest::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn fused_passes_equal_the_steps_on_any_text(s in proptest::prelude::any::<String>()) {
            proptest::prop_assert!(same_normalized(&Normalized::new(&s), &Reference::new(&s)));
        }

        #[test]
        fn text_only_normalisation_equals_the_mapped_one(s in proptest::prop_oneof![tricky_text(), proptest::prelude::any::<String>()]) {
            proptest::prop_assert_eq!(normalize(&s), Normalized::new(&s).text);
        }

        #[test]
        fn fused_passes_equal_the_steps_on_tricky_text(s in tricky_text()) {
            let (fast, slow) = (Normalized::new(&s), Reference::new(&s));
            proptest::prop_assert!(same_normalized(&fast, &slow), "{:?}: {:?} vs {:?}", s, fast.text, slow.text);
        }
    }

    #[test]
    fn map_entries_are_monotonic() {
        let n = Normalized::new("Ａｂ  ﬁ\u{200B}ne   ß");
        assert_eq!(n.text(), "ab fine ss");
        for w in n.per_char_map().windows(2) {
            assert!(w[0].0 < w[1].0 && w[0].1 <= w[1].1 && w[0].2 <= w[1].2);
        }
        // Byte-for-byte ASCII is one run however long.
        let n = Normalized::new("call me at the hotel near the station, 24h");
        assert_eq!(n.map.len(), 1);
        assert_eq!(n.original_range(8, 10), 8..10);
        // A Cyrillic word lowercased two bytes for two is one run too.
        let n = Normalized::new("Нова в града");
        assert_eq!(n.text(), "нова в града");
        assert_eq!(n.map.len(), 5);
        assert_eq!(n.original_range(2, 4), 2..4);
        assert_eq!(n.original_range(0, 8), 0..8);
    }
}
