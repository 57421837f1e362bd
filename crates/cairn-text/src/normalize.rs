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
//! are stored as `u32` to keep the map at 12 bytes per character).

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

/// One character of the finished matching form: its byte offset there and its original range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MapEntry {
    out: u32,
    start: u32,
    end: u32,
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
        let mut units = folded_units(original);
        process_words(&mut units);
        Self::from_units(units, original.len())
    }

    /// The matching form, its map and its words, written from the units with step 6
    /// (whitespace, [`spaces_collapsed`]) applied on the way: one pass instead of compacting the
    /// units first.
    fn from_units(units: Vec<Unit>, original_len: usize) -> Self {
        let n = units.len();
        // Bytes, not a `String`: most characters are ASCII and are pushed as one byte; the rest
        // are encoded in place. Valid UTF-8 by construction, checked once at the end.
        let mut text: Vec<u8> = Vec::with_capacity(n);
        // About one word in five characters of ads; sized once.
        let mut word_starts = Vec::with_capacity(n / 4 + 1);
        let mut word_ends = Vec::with_capacity(n / 4 + 1);
        let mut map: Vec<MapEntry> = Vec::with_capacity(n);
        let mut prev_is_word = false;
        for Unit { c, start, end } in spaces_collapsed(&units) {
            let out = text.len() as u32;
            let is_word = if c.is_ascii() {
                text.push(c as u8);
                c.is_ascii_alphanumeric()
            } else {
                let mut buf = [0u8; 4];
                text.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                is_word_char(c)
            };
            if is_word != prev_is_word {
                if is_word {
                    word_starts.push(out);
                } else {
                    word_ends.push(out);
                }
            }
            prev_is_word = is_word;
            map.push(MapEntry { out, start, end });
        }
        if prev_is_word {
            word_ends.push(text.len() as u32);
        }
        let text = String::from_utf8(text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Self {
            text,
            map,
            original_len,
            word_starts,
            word_ends,
        }
    }

    /// The composition of the steps one after the other, as first written: the reference the
    /// fused passes are tested against.
    #[cfg(test)]
    fn new_by_steps(original: &str) -> Self {
        let original = cap_len(original);
        let mut units = folded_units_by_char(original);
        process_words_by_steps(&mut units);
        collapse_spaces(&mut units);
        let mut text = String::with_capacity(units.len());
        let mut word_starts = Vec::new();
        let mut word_ends = Vec::new();
        let mut prev_is_word = false;
        let map: Vec<MapEntry> = units
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
                MapEntry {
                    out,
                    start: u.start,
                    end: u.end,
                }
            })
            .collect();
        if prev_is_word {
            word_ends.push(text.len() as u32);
        }
        Self {
            text,
            map,
            original_len: original.len(),
            word_starts,
            word_ends,
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
        if self.map.is_empty() {
            return 0..0;
        }
        if start >= self.text.len() {
            let at = self.map.last().map_or(0, |e| e.end as usize);
            return at..at;
        }
        let first = self.entry_index(start);
        if end <= start {
            let at = self.map[first].start as usize;
            return at..at;
        }
        let last = self.entry_index(end.saturating_sub(1));
        let s = self.map[first].start as usize;
        let e = self.map[last].end as usize;
        s..e.max(s)
    }

    /// Index of the map entry of the matching-form character that contains byte `pos`
    /// (clamped to the last character).
    fn entry_index(&self, pos: usize) -> usize {
        let pos = pos.min(u32::MAX as usize) as u32;
        match self.map.binary_search_by(|e| e.out.cmp(&pos)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

/// Steps 1 and 2: each original character folded into units of the matching form.
///
/// ASCII bytes (most of any ad, whatever its language) are folded without decoding nor the
/// Unicode tables: the same units as [`fold_char`] gives them, which a test checks against
/// `folded_units_by_char`.
fn folded_units(original: &str) -> Vec<Unit> {
    let bytes = original.as_bytes();
    let mut units = Vec::with_capacity(original.len());
    let mut i = 0;
    while let Some(rest) = bytes.get(i..) {
        // cap_len guarantees every offset fits in u32.
        let start = i as u32;
        // A run of ASCII bytes in one `extend` (sized once, no capacity check per unit).
        let run = rest.iter().position(|&b| b >= 0x80).unwrap_or(rest.len());
        if run > 0 {
            units.extend(rest[..run].iter().zip(start..).map(|(&b, s)| Unit {
                c: fold_ascii(b),
                start: s,
                end: s + 1,
            }));
            i += run;
            continue;
        }
        let Some(c) = rest.first().and_then(|_| original.get(i..)?.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        let end = i as u32;
        fold_char(c, &mut |f| units.push(Unit { c: f, start, end }));
    }
    units
}

/// [`folded_units`] one decoded character at a time, through [`fold_char`] only: the reference
/// the fast path is tested against.
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
    let mut units = folded_units(cap_len(s));
    process_words(&mut units);
    let mut text = String::with_capacity(units.len());
    text.extend(spaces_collapsed(&units).map(|u| u.c));
    text
}

/// Step 6 while the units are read: a run of spaces becomes one space spanning the run; leading
/// and trailing spaces go. (Shared by [`Normalized::new`] and [`normalize`]; `collapse_spaces`
/// is the in-place form the tests hold it to.)
fn spaces_collapsed(units: &[Unit]) -> impl Iterator<Item = Unit> + '_ {
    let mut rest = units;
    let mut emitted = false;
    std::iter::from_fn(move || {
        loop {
            let (&u, tail) = rest.split_first()?;
            rest = tail;
            if u.c != ' ' {
                emitted = true;
                return Some(u);
            }
            let run = rest.iter().take_while(|v| v.c == ' ').count();
            let end = rest[..run].last().map_or(u.end, |last| last.end);
            rest = &rest[run..];
            if emitted && !rest.is_empty() {
                return Some(Unit {
                    c: ' ',
                    start: u.start,
                    end,
                });
            }
        }
    })
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
    // The Bulgarian alphabet but й/Й (и with a breve): no decomposition, one lower-case letter.
    if matches!(c, '\u{410}'..='\u{44F}') && c != '\u{419}' && c != '\u{439}' {
        emit(crate::fastchar::simple_lower(c).unwrap_or(c));
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

/// First code point past [`folded_table`]: Latin, Greek, Cyrillic, punctuation, currency and
/// the common symbols and dingbats of ads are below it.
const FOLDED_TABLE_END: u32 = 0x3000;

/// [`fold_char_tables`] of a character of the table: at most three characters.
#[derive(Clone, Copy)]
struct Folded {
    out: [char; 3],
    /// Number of characters in `out`; [`Folded::UNCACHED`] when the fold is longer.
    len: u8,
}

impl Folded {
    const UNCACHED: u8 = u8::MAX;
}

/// The fold of every character from U+0080 to [`FOLDED_TABLE_END`], computed once: decomposing,
/// lower-casing and classifying a non-ASCII character through the Unicode tables took a few
/// hundred instructions, and about one character in ten of an ad is one (accents, Cyrillic,
/// dashes, currency, keycaps).
fn folded_table() -> &'static [Folded] {
    static TABLE: OnceLock<Box<[Folded]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0x80..FOLDED_TABLE_END)
            .map(|cp| {
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
            .collect()
    })
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

/// Steps 3 to 5, word by word, compacting `units` in place (the write index never passes the
/// read index, since words only shrink).
///
/// Most words are already a fixed point, which the scan that finds the word's end checks (no
/// run of three letters, and: no letter at all, or ASCII letters only, or Cyrillic letters with
/// no Latin one); [`fold_word`] and [`collapse_runs`] run on the others only.
fn process_words(units: &mut Vec<Unit>) {
    let ascii_token = ascii_token_table();
    let token = |c: char| match ascii_token.get(c as usize) {
        Some(&t) => t,
        None => is_token_char(c),
    };
    let n = units.len();
    let mut w = 0;
    let mut i = 0;
    while i < n {
        if !token(units[i].c) {
            units[w] = units[i];
            w += 1;
            i += 1;
            continue;
        }
        let mut j = i;
        // Letters by kind, other ASCII token characters, a run of three, anything else.
        let (mut latin, mut cyrillic, mut others) = (0usize, 0usize, 0usize);
        let (mut triple, mut unusual) = (false, false);
        let (mut prev, mut repeats) = ('\0', 0u32);
        while j < n {
            let c = units[j].c;
            if !token(c) {
                break;
            }
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
            if letter && c == prev {
                repeats += 1;
                triple |= repeats >= 3;
            } else {
                (prev, repeats) = (if letter { c } else { '\0' }, 1);
            }
            j += 1;
        }
        // No Latin letter: either no letter at all (no script, so no look-alike nor leet to
        // read) or Cyrillic ones (only Latin letters would change). ASCII letters alone: nothing
        // to fold.
        let fixed_point = !unusual && !triple && (latin == 0 || (cyrillic == 0 && others == 0));
        let len = if fixed_point {
            j - i
        } else {
            fold_to_fixed_point(&mut units[i..j])
        };
        // Nothing has shrunk yet in most texts: then the word is already in place.
        if w != i {
            units.copy_within(i..i + len, w);
        }
        w += len;
        i = j;
    }
    units.truncate(w);
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

/// [`process_words`] without its shortcut: every word folded and collapsed.
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
/// spaces go. (Done by [`Normalized::from_units`] while writing; this is its reference.)
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
    use proptest::strategy::Strategy;

    #[test]
    fn leet_table_parses_completely() {
        let (t, bad) = parse_leet(LEET_TSV);
        assert!(bad.is_empty(), "unreadable lines in data/leet.tsv: {bad:?}");
        assert_eq!(t[b'4' as usize], Some('a'));
        assert_eq!(t[b'$' as usize], Some('s'));
        assert_eq!(t[b'1' as usize], Some('i'));
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

    proptest::proptest! {
        #[test]
        fn fast_units_equal_the_per_character_units_on_any_text(s in proptest::prelude::any::<String>()) {
            let key = |u: &Unit| (u.c, u.start, u.end);
            let fast: Vec<_> = folded_units(&s).iter().map(key).collect();
            let slow: Vec<_> = folded_units_by_char(&s).iter().map(key).collect();
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn fast_units_equal_the_per_character_units() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        for s in [
            every_ascii.as_str(),
            "Nouvelle en ville, t33n b4by NEWWWW `quoted` \t\r\n 06 12 34",
            "",
            "Ａｂ  ﬁ\u{200B}ne   ß Σοφία ΣΟΦΙΑΣ раypal 1\u{fe0f}\u{20e3} Zürich Ørsted ǅ",
            "\u{1F339}\u{1F3FD} é\u{301} \u{2019} \u{2014} x",
        ] {
            let fast: Vec<(char, u32, u32)> = folded_units(s)
                .iter()
                .map(|u| (u.c, u.start, u.end))
                .collect();
            let slow: Vec<(char, u32, u32)> = folded_units_by_char(s)
                .iter()
                .map(|u| (u.c, u.start, u.end))
                .collect();
            assert_eq!(fast, slow, "{s:?}");
        }
    }

    fn same_normalized(a: &Normalized, b: &Normalized) -> bool {
        a.text == b.text
            && a.map == b.map
            && a.word_starts == b.word_starts
            && a.word_ends == b.word_ends
            && a.original_len == b.original_len
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
            proptest::prop_assert!(same_normalized(&Normalized::new(&s), &Normalized::new_by_steps(&s)));
        }

        #[test]
        fn text_only_normalisation_equals_the_mapped_one(s in proptest::prop_oneof![tricky_text(), proptest::prelude::any::<String>()]) {
            proptest::prop_assert_eq!(normalize(&s), Normalized::new(&s).text);
        }

        #[test]
        fn fused_passes_equal_the_steps_on_tricky_text(s in tricky_text()) {
            let (fast, slow) = (Normalized::new(&s), Normalized::new_by_steps(&s));
            proptest::prop_assert!(same_normalized(&fast, &slow), "{:?}: {:?} vs {:?}", s, fast.text, slow.text);
        }
    }

    #[test]
    fn map_entries_are_monotonic() {
        let n = Normalized::new("Ａｂ  ﬁ\u{200B}ne   ß");
        assert_eq!(n.text(), "ab fine ss");
        for w in n.map.windows(2) {
            assert!(w[0].out < w[1].out && w[0].start <= w[1].start && w[0].end <= w[1].end);
        }
    }
}
