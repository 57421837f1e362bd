//! Stated ages: a number of years followed by its word (`19 ans`, `18yo`, `18 y.o.`, `19 jaar`,
//! `19 Jahre`, `19 anni`, `19 años`, `19 ani`, `19 години`) or after an age label (`age: 19`,
//! `âge 19`, `Alter: 19`, `leeftijd 19`, `età 19`, `edad: 19`, `vârsta 19`, `възраст 19`).
//! Only 10 to 99. Value: the number; detail `years`.

use super::chars::{
    inline_space_len, is_inline_space, lowercase_is, next_ascii_digit, window_start,
};
use cairn_core::{Finding, FindingKind};

/// Rule id and version recorded on every age finding.
pub const RULE: &str = "age@1";

/// Words after the number (lowercase), longest first where one is a prefix of another.
const AFTER: &[&str] = &[
    "years old",
    "year old",
    "yrs old",
    "y.o.",
    "y.o",
    "y/o",
    "yo",
    "yrs",
    "years",
    "ans",
    "jaar",
    "jahren",
    "jahre",
    "jähriger",
    "jährige",
    "j.",
    "anni",
    "años",
    "anos",
    "ani",
    "години",
    "годишна",
    "годишен",
    "god.",
    "let",
];

/// Labels before the number (lowercase).
const BEFORE: &[&str] = &[
    "age",
    "âge",
    "aged",
    "alter",
    "leeftijd",
    "età",
    "eta",
    "edad",
    "vârsta",
    "varsta",
    "vîrsta",
    "възраст",
    "years",
    "i'm",
    "im",
];

/// First bytes of the words of [`AFTER`] (lowercase).
static AFTER_FIRST: [bool; 256] = byte_table(AFTER, false);
/// Last bytes of the labels of [`BEFORE`] (lowercase).
static BEFORE_LAST: [bool; 256] = byte_table(BEFORE, true);

const fn byte_table(words: &[&str], last: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut k = 0;
    while k < words.len() {
        let b = words[k].as_bytes();
        t[(if last { b[b.len() - 1] } else { b[0] }) as usize] = true;
        k += 1;
    }
    t
}

/// Finds the stated ages of `text`.
pub fn find(text: &str) -> Vec<Finding> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        // Every age starts with its digits.
        i = next_ascii_digit(b, i);
        if i >= b.len() {
            break;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let glued_left = s > 0
            && (b[s - 1].is_ascii_alphanumeric()
                || matches!(b[s - 1], b'.' | b',' | b'/' | b'-' | b'+'));
        if glued_left || i - s != 2 {
            continue;
        }
        let years: u32 = text[s..i].parse().unwrap_or(0);
        if !(10..=99).contains(&years) {
            continue;
        }
        let span = word_after(text, i)
            .map(|e| (s, e))
            .or_else(|| label_before(text, s).map(|st| (st, i)));
        // A decimal or a longer number right after (`19.5`, `19 000`) is no age.
        if let Some((st, e)) = span
            && let Some(f) =
                Finding::from_span(FindingKind::Age, years.to_string(), text, st, e, RULE)
        {
            out.push(f.with("years", years));
            i = e.max(i);
        }
    }
    out
}

fn word_after(text: &str, i: usize) -> Option<usize> {
    let k = i + inline_space_len(text, i);
    let rest = &text[k..];
    // The words are lowercase: after an ASCII byte only those starting with its lower case can
    // match (most numbers are rejected here without comparing).
    let first = rest.as_bytes().first().copied();
    if first.is_some_and(|a| a.is_ascii() && !AFTER_FIRST[usize::from(a.to_ascii_lowercase())]) {
        return None;
    }
    for w in AFTER {
        if let Some(a) = first
            && a.is_ascii()
            && a.to_ascii_lowercase() != w.as_bytes()[0]
        {
            continue;
        }
        let n = w.len();
        let Some(head) = rest.get(..n) else { continue };
        let matches = if w.is_ascii() {
            head.eq_ignore_ascii_case(w)
        } else {
            !head.is_ascii() && lowercase_is(head, w)
        };
        if matches
            && (w.ends_with('.')
                || rest[n..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric()))
        {
            return Some(k + n);
        }
    }
    None
}

fn label_before(text: &str, s: usize) -> Option<usize> {
    let base = window_start(text, s, 32);
    let head =
        text[base..s].trim_end_matches(|c| is_inline_space(c) || matches!(c, ':' | '=' | '-'));
    // A label ends in a letter (ASCII or not).
    let ends_in_letter = head
        .as_bytes()
        .last()
        .is_some_and(|&c| c.is_ascii_alphabetic() || c >= 0x80);
    if head.len() == s - base || text[base + head.len()..s].chars().count() > 4 || !ends_in_letter {
        return None;
    }
    // An ASCII last byte lowercases to itself in lower case: no label ends with most of them.
    if head
        .as_bytes()
        .last()
        .is_some_and(|&a| a.is_ascii() && !BEFORE_LAST[usize::from(a.to_ascii_lowercase())])
    {
        return None;
    }
    let lower = head.to_lowercase();
    if lower.len() != head.len() {
        return None;
    }
    for w in BEFORE {
        if lower.ends_with(w) {
            let st = head.len() - w.len();
            let prev_ok = head
                .get(..st)?
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            if prev_ok {
                return Some(base + st);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &str) -> Vec<String> {
        find(t).into_iter().map(|f| f.value).collect()
    }

    #[test]
    fn ages_in_eight_languages() {
        for t in [
            "19 ans",
            "19ans",
            "19 yo",
            "19yo",
            "19 y.o.",
            "19 years old",
            "19 jaar",
            "19 Jahre",
            "19 anni",
            "19 años",
            "19 ani",
            "19 години",
            "age: 19",
            "Âge : 19",
            "Alter 19",
            "leeftijd: 19",
            "età 19",
            "edad: 19",
            "vârsta: 19",
            "възраст: 19",
            // French typography's narrow no-break space, and other Unicode spaces.
            "19\u{202F}ans",
            "19\u{A0}Jahre",
            "19\u{2009}ans",
            "Âge\u{202F}:\u{202F}19",
        ] {
            assert_eq!(values(t), vec!["19"], "{t}");
        }
        let f = find("Salut, Lola 19 ans, dispo");
        assert_eq!(f[0].evidence, "19 ans");
    }

    #[test]
    fn not_ages() {
        for t in [
            "150 ans",
            "5 ans",
            "06 12 34 56 78",
            "19h",
            "19 euros",
            "page 19",
            "2019 ans",
        ] {
            assert!(values(t).is_empty(), "{t}");
        }
    }
}
