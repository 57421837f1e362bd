//! Chat text normalisation for matching, with a map back to the original byte offsets.
//!
//! Chat text is folded so that one lexicon phrase covers its usual spellings: lowercase, accents
//! and compatibility forms removed (NFKD), apostrophes dropped (`don't` = `dont`), leetspeak
//! undone inside words that start with a letter (`s3cr3t` = `secret`, but `13` stays `13`), runs of
//! three or more equal letters collapsed (`pleeease` = `please`), punctuation turned into spaces and
//! every emoji made a word of its own. The result is a sequence of words separated by one space,
//! with one space before the first and after the last word, so a phrase matched as
//! `" phrase "` always sits on word boundaries.
//!
//! The text first goes through the shared normaliser of cairn-text
//! ([`cairn_text::normalize::Normalized`]: NFKD, case and diacritic folding, Unicode confusables
//! between Latin and Cyrillic, its leetspeak table, letter runs); the chat-specific folding above
//! is applied to that matching form, and offsets are mapped back through both maps. The learned
//! model hashes exactly these words: any change here needs retraining (`FEATURE_VERSION`).

use std::ops::Range;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Normalised text and, for each of its bytes, the original byte range of the character that
/// produced it.
#[derive(Debug, Clone, Default)]
pub struct NormText {
    text: String,
    /// `src[i]` is the original range behind normalised byte `i`.
    src: Vec<(u32, u32)>,
}

/// One character of the input after folding, with where it came from.
#[derive(Clone, Copy)]
struct Folded {
    ch: char,
    start: u32,
    end: u32,
}

impl NormText {
    /// Normalises `input`. Offsets above `u32::MAX` are clamped (messages are far smaller; the
    /// readers cap message size).
    pub fn new(input: &str) -> Self {
        let base = cairn_text::normalize::Normalized::new(input);
        let mut out = Self::fold(base.text());
        // Offsets of the fold point into the shared matching form; take them to the original.
        let mut last: Option<((u32, u32), (u32, u32))> = None;
        for r in &mut out.src {
            if let Some((from, to)) = last
                && from == *r
            {
                *r = to;
                continue;
            }
            let o = base.original_range(r.0 as usize, r.1 as usize);
            let to = (clamp(o.start), clamp(o.end));
            last = Some((*r, to));
            *r = to;
        }
        out
    }

    /// The chat-specific folding of an already normalised text.
    fn fold(input: &str) -> Self {
        let mut out = NormText {
            text: String::with_capacity(input.len() + 2),
            src: Vec::with_capacity(input.len() + 2),
        };
        let mut word: Vec<Folded> = Vec::new();
        out.push(' ', 0, 0);
        for (pos, c) in input.char_indices() {
            let start = clamp(pos);
            let end = clamp(pos + c.len_utf8());
            if is_dropped(c) {
                continue;
            }
            for lc in c.to_lowercase() {
                for d in lc.nfkd() {
                    if is_combining_mark(d) {
                        continue;
                    }
                    match class(d) {
                        Class::Word => word.push(Folded { ch: d, start, end }),
                        Class::Separator => out.flush_word(&mut word),
                        Class::Symbol => {
                            out.flush_word(&mut word);
                            out.push(d, start, end);
                            out.push(' ', end, end);
                        }
                    }
                }
            }
        }
        out.flush_word(&mut word);
        out
    }

    /// The normalised text: words separated by single spaces, with a leading and a trailing space.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The words of the normalised text.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.text.split(' ').filter(|w| !w.is_empty())
    }

    /// Original byte range behind the normalised byte range `r` (clamped to the text).
    pub fn original_range(&self, r: Range<usize>) -> Range<usize> {
        if self.src.is_empty() || r.start >= r.end {
            return 0..0;
        }
        let last = self.src.len() - 1;
        let a = self.src[r.start.min(last)].0 as usize;
        let b = self.src[(r.end - 1).min(last)].1 as usize;
        a..b.max(a)
    }

    fn push(&mut self, c: char, start: u32, end: u32) {
        if c == ' ' && self.text.ends_with(' ') {
            return;
        }
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.src.push((start, end));
        }
    }

    /// Emits a word: leetspeak undone when it starts with a letter, long letter runs collapsed,
    /// leading and trailing `@`/`$` stripped (handles, prices).
    fn flush_word(&mut self, word: &mut Vec<Folded>) {
        let trim_lo = word.iter().take_while(|f| is_leet_symbol(f.ch)).count();
        let trim_hi = word
            .iter()
            .rev()
            .take_while(|f| is_leet_symbol(f.ch))
            .count();
        if trim_lo + trim_hi >= word.len() {
            word.clear();
            self.push(' ', 0, 0);
            return;
        }
        let core = &word[trim_lo..word.len() - trim_hi];
        let leet = core.first().is_some_and(|f| f.ch.is_alphabetic());
        let mut prev: Option<char> = None;
        let mut run = 0usize;
        let mut emitted: Vec<Folded> = Vec::with_capacity(core.len());
        for f in core {
            let ch = if leet { unleet(f.ch) } else { f.ch };
            if !ch.is_alphanumeric() {
                // A `@` or `$` inside a word that does not start with a letter splits it.
                self.emit(&emitted);
                emitted.clear();
                self.push(' ', f.end, f.end);
                prev = None;
                run = 0;
                continue;
            }
            if Some(ch) == prev {
                run += 1;
            } else {
                prev = Some(ch);
                run = 1;
            }
            if ch.is_alphabetic() && run >= 3 {
                // Third and later repeats of a letter: widen the kept letter's source instead.
                if run == 3 {
                    emitted.pop();
                }
                if let Some(last) = emitted.last_mut() {
                    last.end = f.end;
                }
                continue;
            }
            emitted.push(Folded {
                ch,
                start: f.start,
                end: f.end,
            });
        }
        self.emit(&emitted);
        word.clear();
        self.push(' ', 0, 0);
    }

    fn emit(&mut self, letters: &[Folded]) {
        for f in letters {
            self.push(f.ch, f.start, f.end);
        }
    }
}

fn clamp(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

enum Class {
    Word,
    Separator,
    Symbol,
}

/// Characters that carry no meaning for matching: apostrophes (so `don't` = `dont`), zero-width
/// joiners and spaces, variation selectors, emoji skin tones, soft hyphens.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' | '\u{00AD}'
            | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}'
    )
}

fn is_leet_symbol(c: char) -> bool {
    c == '@' || c == '$'
}

fn class(c: char) -> Class {
    if c.is_alphanumeric() || is_leet_symbol(c) {
        Class::Word
    } else if c.is_whitespace() || c.is_control() || is_punctuation(c) {
        Class::Separator
    } else {
        Class::Symbol
    }
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '\u{00A1}'..='\u{00BF}' | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}'
            | '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}')
        || c == '\u{00D7}'
        || c == '\u{00F7}'
}

fn unleet(c: char) -> char {
    match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '@' => 'a',
        '$' => 's',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> String {
        NormText::new(s).as_str().to_owned()
    }

    #[test]
    fn folds_case_accents_apostrophes_and_punctuation() {
        assert_eq!(n("Don't tell ANYONE!!"), " dont tell anyone ");
        assert_eq!(n("T'es où ? Ça va"), " tes ou ca va ");
        assert_eq!(n("Ștergi conversația"), " stergi conversatia ");
        assert_eq!(n("Изтрий чата"), " изтрии чата ");
    }

    #[test]
    fn undoes_leetspeak_only_in_words_starting_with_a_letter() {
        assert_eq!(n("s3cr3t n00dz"), " secret noodz ");
        assert_eq!(n("im 13 and 14yo"), " im 13 and 14yo ");
        assert_eq!(n("p@ss $50 @ana"), " pass 50 ana ");
    }

    #[test]
    fn collapses_letter_runs_but_not_digits() {
        assert_eq!(n("pleeease sooo cute"), " please so cute ");
        assert_eq!(n("1000"), " 1000 ");
    }

    #[test]
    fn emoji_are_words_and_modifiers_are_dropped() {
        assert_eq!(n("hi😘😘"), " hi 😘 😘 ");
        assert_eq!(n("👍🏽ok"), " 👍 ok ");
    }

    #[test]
    fn folds_latin_cyrillic_lookalikes_through_cairn_text() {
        // Cyrillic р and а inside a Latin word, as used to dodge filters.
        let src = "pay with \u{0440}\u{0430}ypal";
        let t = NormText::new(src);
        assert_eq!(t.as_str(), " pay with paypal ");
        let i = t.as_str().find("paypal").unwrap_or(0);
        assert_eq!(&src[t.original_range(i..i + 6)], "\u{0440}\u{0430}ypal");
    }

    #[test]
    fn maps_back_to_original_bytes() {
        let src = "Tu es SEULE à la maison?";
        let t = NormText::new(src);
        let i = t.as_str().find("seule a la maison").unwrap_or(0);
        let r = t.original_range(i..i + "seule a la maison".len());
        assert_eq!(&src[r], "SEULE à la maison");
        let src = "sooo s3xy";
        let t = NormText::new(src);
        let i = t.as_str().find("so sexy").unwrap_or(0);
        assert_eq!(&src[t.original_range(i..i + 7)], "sooo s3xy");
    }

    proptest! {
        #[test]
        fn never_panics_and_ranges_are_char_boundaries(s in "\\PC{0,40}", a in 0usize..80, b in 0usize..80) {
            let t = NormText::new(&s);
            prop_assert!(t.as_str().starts_with(' ') && t.as_str().ends_with(' '));
            prop_assert!(!t.as_str().contains("  ") || t.as_str() == " ");
            let r = t.original_range(a.min(b)..a.max(b));
            prop_assert!(s.get(r).is_some());
        }
    }
}
