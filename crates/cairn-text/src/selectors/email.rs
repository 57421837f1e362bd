//! E-mail addresses, plain and obfuscated: `(at)`, `[at]`, `{at}`, ` at `, `@` with spaces, and
//! the name of `@` in our languages (`arobase`, `arroba`, `chiocciola`, `Klammeraffe`,
//! `apenstaartje`, `a rond` or `arond`, `маймунка`); `(dot)`, `[.]`, `[dot]`, ` dot `,
//! ` point `, ` punkt `, ` punt `, ` punto `, ` punct `, ` точка `...; either word between two
//! equal symbols (`-at-`, `_dot_`, `/at/`, `*dot*`, `#at#`, `~at~`, `=dot=`, `|at|`).
//! A dot spaced on one side or both after a plain `@` (`lola@gmail .com`, `lola@gmail. com`),
//! or a comma, middle dot or bullet glued to both labels (`lola@gmail,com`, `lola@gmail•com`),
//! ends the domain before a known TLD.
//! A whole address written one character at a time, one space apart, ends with a known TLD too
//! (`k a t e @ g m a i l . c o m`).
//! `(a)` is an at-sign glued to both parts (`julie(a)example.org`), and spaced only before a mail
//! provider or an obfuscated domain (`julie (a) gmail.com`): spaced, it also numbers list items.
//! Value: `local@domain`, lowercase.
//!
//! A plain `local@domain.tld` needs an alphabetic TLD of 2 to 24 letters. As soon as the address
//! is written with words or spaces (` at `, ` dot `, `marie @ gmail . com`), its TLD must be one of
//! a list of common TLDs, so that "see you at home. Then" never reads as an address.

use super::chars::{inline_space_len, is_wide_space, line_break_len};
use cairn_core::{Finding, FindingKind};

/// Rule id and version recorded on every e-mail finding.
pub const RULE: &str = "email@1";

const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;
const MAX_LABELS: usize = 8;
/// Parts of a local part written with dot markers (`julie (dot) martin`).
const MAX_LOCAL_PARTS: usize = 6;

/// Common TLDs: required when the address is written with words or spaces.
const KNOWN_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "io", "co", "me", "eu", "fr", "be", "nl", "de", "it", "es",
    "ro", "bg", "uk", "gb", "pl", "pt", "at", "ch", "lu", "ie", "dk", "se", "no", "fi", "cz", "sk",
    "hu", "gr", "hr", "si", "rs", "ru", "ua", "md", "mk", "al", "ba", "lt", "lv", "ee", "is", "tr",
    "cy", "mt", "li", "mc", "sm", "ad", "us", "ca", "au", "nz", "in", "br", "mx", "ar", "xyz",
    "online", "site", "top", "club", "app", "dev", "live", "email", "shop", "store", "pro", "tv",
    "cc", "ws", "fm", "gg", "ly", "to", "ai", "su", "by", "kz", "ma", "tn", "dz", "ng", "gov",
    "edu", "mail", "yahoo",
    // Reserved for documentation and tests (RFC 2606): synthetic ads and training data use them.
    "example", "test",
];

/// Mail providers whose name makes ` at gmail.com` an address even with a plain dot.
const MAIL_PROVIDERS: &[&str] = &[
    "gmail",
    "googlemail",
    "yahoo",
    "ymail",
    "hotmail",
    "outlook",
    "live",
    "msn",
    "icloud",
    "me",
    "aol",
    "gmx",
    "web",
    "mail",
    "protonmail",
    "proton",
    "pm",
    "yandex",
    "orange",
    "free",
    "sfr",
    "wanadoo",
    "laposte",
    "neuf",
    "bbox",
    "skynet",
    "telenet",
    "ziggo",
    "kpn",
    "planet",
    "t-online",
    "freenet",
    "libero",
    "virgilio",
    "tiscali",
    "alice",
    "tin",
    "telefonica",
    "terra",
    "abv",
    "dir",
    "mail.bg",
    "yopmail",
    "tutanota",
    "seznam",
    "wp",
    "o2",
    "onet",
    "interia",
    "sapo",
];

/// Finds the e-mail addresses of `text`.
pub fn find(text: &str) -> Vec<Finding> {
    if !has_wide_space(text) {
        return find_in(text);
    }
    // `julie\u{A0}(at)\u{A0}example.org`: a no-break or other Unicode space reads as one space;
    // the spans found are mapped back to `text`, and the evidence taken from it.
    let mut spaced = String::with_capacity(text.len());
    // After each such space: its end in `spaced`, and the bytes dropped up to there.
    let mut shifts: Vec<(usize, usize)> = Vec::new();
    let mut dropped = 0;
    for c in text.chars() {
        if is_wide_space(c) {
            spaced.push(' ');
            dropped += c.len_utf8() - 1;
            shifts.push((spaced.len(), dropped));
        } else {
            spaced.push(c);
        }
    }
    let to_text = |p: usize| {
        let before = shifts.partition_point(|&(end, _)| end <= p);
        p + before.checked_sub(1).map_or(0, |k| shifts[k].1)
    };
    let mut out = find_in(&spaced);
    out.retain_mut(|f| {
        let (start, end) = (to_text(f.start), to_text(f.end));
        match text.get(start..end) {
            Some(evidence) => {
                (f.start, f.end) = (start, end);
                f.evidence = evidence.to_owned();
                true
            }
            None => false,
        }
    });
    out
}

/// Whether `text` holds a space that is not ASCII. Their UTF-8 starts with 0xC2 (U+00A0), 0xE2
/// (U+2000 to U+205F) or 0xE3 (U+3000), or 0xE1 (U+1680, seldom written): the text's characters
/// are decoded only where those bytes are (a `€` or `’` is one, most accented letters are not),
/// since this runs on every text.
fn has_wide_space(text: &str) -> bool {
    let b = text.as_bytes();
    // At a lead byte, only a wide space is an inline space.
    let wide_at = |i: usize| inline_space_len(text, i) > 0;
    memchr::memchr3_iter(0xC2, 0xE2, 0xE3, b).any(wide_at)
        || memchr::memchr_iter(0xE1, b).any(wide_at)
}

fn find_in(text: &str) -> Vec<Finding> {
    let mut out = find_written(text);
    let spelled = find_letter_spaced(text);
    if !spelled.is_empty() {
        // `k a t e @ g m a i l . c o m`: the plain reading, if any, is a fragment of it.
        out.retain(|f| !spelled.iter().any(|s| f.start < s.end && s.start < f.end));
        out.extend(spelled);
        out.sort_by_key(|f| f.start);
    }
    out
}

/// Addresses written one character at a time, each followed by one space: `k a t e @ g m a i l
/// . c o m`. The whole address must be so written, `@` included, and end with a known TLD.
fn find_letter_spaced(text: &str) -> Vec<Finding> {
    let b = text.as_bytes();
    let mut out: Vec<Finding> = Vec::new();
    for at in memchr::memchr_iter(b'@', b) {
        if out.last().is_some_and(|f| at < f.end) {
            continue;
        }
        let Some((start, end)) = letter_spaced_run(b, at) else {
            continue;
        };
        let written: String = text[start..end].split(' ').collect();
        let Some(plain) = find_written(&written).into_iter().next() else {
            continue;
        };
        let tld = plain.value.rsplit('.').next().unwrap_or_default();
        if plain.start != 0 || plain.end != written.len() || !is_known_tld(tld) {
            continue;
        }
        if let Some(f) = Finding::from_span(FindingKind::Email, plain.value, text, start, end, RULE)
        {
            out.push(f);
        }
    }
    out
}

/// The span of the single characters, one space apart, around the spaced `@` at `at`: at least
/// two before it and four after it, the last not a dot, hyphen or underscore (a full stop ends
/// the sentence, not the address).
fn letter_spaced_run(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let single = |i: usize| {
        let c = b[i];
        (c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
            && (i == 0 || !is_run_char(b[i - 1]))
            && b.get(i + 1).is_none_or(|&n| !is_run_char(n))
    };
    // Before: `c ` pairs, leftwards from the space before `@`.
    let mut start = at;
    let mut before = 0;
    while start >= 2 && b[start - 1] == b' ' && single(start - 2) {
        start -= 2;
        before += 1;
    }
    // After: ` c` pairs, rightwards from the space after `@`.
    let mut end = at + 1;
    let mut after = 0;
    while b.get(end) == Some(&b' ') && end + 1 < b.len() && single(end + 1) {
        end += 2;
        after += 1;
    }
    while after > 0 && matches!(b[end - 1], b'.' | b'-' | b'_') {
        end -= 2;
        after -= 1;
    }
    (before >= 2 && after >= 4).then_some((start, end))
}

/// A character that makes the one beside it part of a longer word, not a spelled letter.
fn is_run_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'@') || c >= 0x80
}

/// Addresses written with their characters together, plain or with at and dot markers.
fn find_written(text: &str) -> Vec<Finding> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut last_end = 0;
    while i < b.len() {
        i = next_marker_start(b, i);
        if i >= b.len() {
            break;
        }
        let Some(m) = at_marker(text, i) else {
            i += 1;
            continue;
        };
        if i >= last_end
            && let Some((f, end)) = build(text, last_end, m)
        {
            out.push(f);
            last_end = end;
            i = end;
            continue;
        }
        i = m.end.max(i + 1);
    }
    out
}

/// Whether an at-marker may start at `i`, for [`at_marker`]: only a few bytes can start one
/// ([`MARKER_START`]), and a space (a sixth of an ad's bytes) only when an at-word may follow it:
/// calling `at_marker` on every space was most of this finder's time.
fn may_start_marker(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(|&c| {
        MARKER_START[usize::from(c)] && (!is_space(c) || spaced_at_word_may_follow(b, i))
    })
}

/// The first position from `i` where [`may_start_marker`]; `b.len()` if none. Eight bytes at a
/// time: the bytes of [`MARKER_START`] but the spaces, and the spaces followed by a space or by
/// the first byte of an at-word, are flagged together, and only they are tested. Byte by byte,
/// each space was a branch the processor could not foresee, and this search was most of the
/// finder's time.
fn next_marker_start(b: &[u8], i: usize) -> usize {
    use super::bytes8::{self, equal, with_bits};
    let mut at = i;
    // Each word of eight bytes is read with the eight bytes after its first (the byte after
    // each), so the last word read ends one byte before the text does.
    while let (Some(x), Some(after)) = (bytes8::load(b, at), bytes8::load(b, at + 1)) {
        // Setting 0x20, 0x10 or 0x02 folds two bytes of the set onto one: `[` `{`, `_` DEL,
        // `|` `\`, `~` `^`; `-` `=`; `(` `*`. The test below drops DEL, `\` and `^`.
        let lower = with_bits(x, 0x20);
        let markers = equal(x, b'@')
            | equal(x, 0xEF)
            | equal(x, b'<')
            | equal(x, b'/')
            | equal(x, b'#')
            | equal(lower, b'{')
            | equal(lower, 0x7F)
            | equal(lower, b'|')
            | equal(lower, b'~')
            | equal(with_bits(x, 0x10), b'=')
            | equal(with_bits(x, 0x02), b'*');
        let spaces = equal(x, b' ') | equal(x, b'\t');
        // What `spaced_at_word_may_follow` looks for after a space, or another space.
        let after_lower = with_bits(after, 0x20);
        let word_may_follow = equal(after_lower, b'a')
            | equal(after_lower, b'c')
            | equal(after_lower, b'k')
            | equal(after, 0xD0)
            | equal(after, b' ')
            | equal(after, b'\t');
        let mut candidates = markers | (spaces & word_may_follow);
        while candidates != 0 {
            let k = at + bytes8::first(candidates);
            if may_start_marker(b, k) {
                return k;
            }
            candidates = bytes8::without_first(candidates);
        }
        at += 8;
    }
    next_marker_start_bytewise(b, at)
}

/// [`next_marker_start`] one byte at a time: for the last bytes, and the reference its tests
/// hold it to.
fn next_marker_start_bytewise(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && !may_start_marker(b, i) {
        i += 1;
    }
    i
}

/// The bytes `at_marker` looks at: `@`, the first byte of `＠`, brackets, spaces, wrappers.
static MARKER_START: [bool; 256] = {
    let mut t = [false; 256];
    let starts = [b'@', 0xEF, b'(', b'[', b'{', b'<', b' ', b'\t'];
    let mut k = 0;
    while k < starts.len() {
        t[starts[k] as usize] = true;
        k += 1;
    }
    let mut k = 0;
    while k < WRAPPERS.len() {
        t[WRAPPERS[k] as usize] = true;
        k += 1;
    }
    t
};

#[derive(Clone, Copy, Debug)]
struct Marker {
    start: usize,
    end: usize,
    /// Written with a word or spaces: the TLD must be a known one.
    strict: bool,
    /// A word marker (` at `): the local part is one word, right before it.
    spaced_before: bool,
    /// The plain English word ` at `: "book at booking.com" is no address, so the domain must
    /// also be obfuscated (` dot `) or be a known mail provider.
    weak: bool,
    /// The French word ` chez ` ("at someone's"): "rdv chez orange.fr" is no address either,
    /// and a provider's name proves nothing here, so the domain must be obfuscated.
    dots_only: bool,
}

impl Marker {
    /// An at-word that is also a word of a sentence (` at `, ` chez `, a spaced `(a)`): the
    /// words around it may be the sentence's rather than an address's.
    fn is_also_a_word(&self) -> bool {
        self.weak || self.dots_only
    }
}

/// Whether `hay` holds `word` (written in lower case) at `i`, in any case. A word that starts
/// with an ASCII letter is ASCII throughout (`ascii_words_are_ascii`). Most words are rejected by
/// their first byte (the Cyrillic ones by any ASCII byte).
#[inline]
fn lower_eq(hay: &[u8], i: usize, word: &str) -> bool {
    let (Some(s), Some(&first)) = (hay.get(i..i + word.len()), word.as_bytes().first()) else {
        return false;
    };
    if first.is_ascii() {
        return s[0].to_ascii_lowercase() == first && s.eq_ignore_ascii_case(word.as_bytes());
    }
    // The Cyrillic words: each letter takes two bytes in either case.
    s[0] >= 0x80 && std::str::from_utf8(s).is_ok_and(|s| super::chars::lowercase_is(s, word))
}

/// Whether a spaced at-word may start after the spaces at `i`: every one starts with a, c, k, м
/// or к (either case); `ät` is read in brackets only.
#[inline]
fn spaced_at_word_may_follow(b: &[u8], i: usize) -> bool {
    let j = skip_spaces(b, i, 2);
    match b.get(j).map(u8::to_ascii_lowercase) {
        Some(b'a' | b'c' | b'k') => true,
        Some(0xD0) => matches!(b.get(j + 1), Some(0xBC | 0x9C | 0xBA | 0x9A)),
        _ => false,
    }
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn skip_spaces(b: &[u8], mut i: usize, max: usize) -> usize {
    let mut n = 0;
    while i < b.len() && is_space(b[i]) && n < max {
        i += 1;
        n += 1;
    }
    i
}

/// Marker words (in lower case) and the bytes they may start with in any case: a word is only
/// compared where one of them is (the spaced, wrapped and bracketed words are looked for at
/// every space, `-` and bracket of a text, and every comparison was rejected by its first byte).
struct Words {
    list: &'static [&'static str],
    first: [bool; 256],
}

impl Words {
    const fn new(list: &'static [&'static str]) -> Self {
        let mut first = [false; 256];
        let mut k = 0;
        while k < list.len() {
            let b = list[k].as_bytes()[0];
            if b.is_ascii() {
                first[b as usize] = true;
                first[b.to_ascii_uppercase() as usize] = true;
            } else {
                // Another case of a non-ASCII letter may have another lead byte: any may start it.
                let mut lead = 0xC2;
                while lead <= 0xF4 {
                    first[lead] = true;
                    lead += 1;
                }
            }
            k += 1;
        }
        Self { list, first }
    }

    /// The words without the last (the symbol itself).
    const fn without_last(&self) -> Self {
        match self.list.split_last() {
            Some((_, rest)) => Self::new(rest),
            None => Self::new(self.list),
        }
    }

    /// Whether a word of the list may start at `hay[i]`.
    #[inline]
    fn may_start_at(&self, hay: &[u8], i: usize) -> bool {
        hay.get(i).is_some_and(|&b| self.first[usize::from(b)])
    }
}

/// The names of `@` (fr, es, it, de, nl, ro, bg), in lower case; `@` itself last (bracketed only).
const AT_WORDS: Words = Words::new(&[
    "at",
    "arobase",
    "arroba",
    "chiocciola",
    "klammeraffe",
    "apenstaartje",
    "apestaartje",
    "a rond",
    "arond",
    "маймунка",
    "кльомба",
    // Said in French ads (`julie chez gmail point com`); `ät` is bracketed only (`(ät)`).
    "chez",
    "ät",
    "@",
]);
/// The names of the dot, in lower case; `.` itself last (bracketed only).
const DOT_WORDS: Words = Words::new(&[
    "dot",
    "point",
    "punkt",
    "punt",
    "punto",
    "punct",
    "точка",
    ".",
]);
/// The at and dot words without the symbol itself: what is written spaced or wrapped.
const AT_NAMES: Words = AT_WORDS.without_last();
const DOT_NAMES: Words = DOT_WORDS.without_last();

/// Whether `word` (lower case) is a name of `@` (`at`, `arobase`, `chez`...). After a space and
/// before a spelled at-word, such a word is read as the at-word, not as a local part (` at at
/// example dot fr`, ` chez at example dot fr` give no address).
pub fn is_at_name(word: &str) -> bool {
    AT_NAMES.list.contains(&word)
}

/// A bracketed word: `(at)`, `[ at ]`, `{dot}`, `[.]`, `<at>`. Returns its end.
fn bracketed(b: &[u8], i: usize, words: &Words) -> Option<usize> {
    let close = match b.get(i)? {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        _ => return None,
    };
    let j = skip_spaces(b, i + 1, 2);
    if !words.may_start_at(b, j) {
        return None;
    }
    for w in words.list {
        if lower_eq(b, j, w) {
            let k = skip_spaces(b, j + w.len(), 2);
            if b.get(k) == Some(&close) {
                return Some(k + 1);
            }
        }
    }
    None
}

/// Symbols written on both sides of an at or dot word: `-at-`, `_dot_`, `/at/`.
const WRAPPERS: &[u8] = b"-_/*#~=|";

/// A word between two equal [`WRAPPERS`] symbols, without spaces: `-at-`, `_dot_`, `*punkt*`.
/// Returns its end.
fn wrapped(b: &[u8], i: usize, words: &Words) -> Option<usize> {
    let w = *b.get(i)?;
    if !WRAPPERS.contains(&w) || !words.may_start_at(b, i + 1) {
        return None;
    }
    words.list.iter().find_map(|word| {
        let k = i + 1 + word.len();
        (lower_eq(b, i + 1, word) && b.get(k) == Some(&w)).then_some(k + 1)
    })
}

/// A spaced word: ` at `, ` dot `, ` punkt ` (spaces on both sides, case-insensitive).
fn spaced_word(b: &[u8], i: usize, words: &Words) -> Option<usize> {
    if !b.get(i).copied().is_some_and(is_space) {
        return None;
    }
    let j = skip_spaces(b, i, 2);
    if !words.may_start_at(b, j) {
        return None;
    }
    for w in words.list {
        if lower_eq(b, j, w) {
            let k = j + w.len();
            if b.get(k).copied().is_some_and(is_space) {
                return Some(skip_spaces(b, k, 2));
            }
        }
    }
    None
}

fn at_marker(text: &str, i: usize) -> Option<Marker> {
    let b = text.as_bytes();
    match b[i] {
        b'@' => {
            let before = i > 0 && is_space(b[i - 1]);
            let after = b.get(i + 1).copied().is_some_and(is_space);
            Some(Marker {
                start: i,
                end: i + 1,
                strict: before || after,
                spaced_before: false,
                weak: false,
                dots_only: false,
            })
        }
        // `-at-`, `_at_`: words only (`-@-` is no obfuscation anyone writes). `work-at-home.com`
        // is a domain name, so, as with ` at `, the domain must be obfuscated too or a mail
        // provider's.
        w if WRAPPERS.contains(&w) => {
            let end = wrapped(b, i, &AT_NAMES)?;
            Some(Marker {
                start: i,
                end,
                strict: true,
                spaced_before: false,
                weak: true,
                dots_only: false,
            })
        }
        0xEF if text.get(i..i + 3) == Some("＠") => Some(Marker {
            start: i,
            end: i + 3,
            strict: false,
            spaced_before: false,
            weak: false,
            dots_only: false,
        }),
        b'(' | b'[' | b'{' | b'<' => {
            let (end, weak) = match bracketed(b, i, &AT_WORDS) {
                Some(end) => (end, false),
                None => bracketed_a(b, i)?,
            };
            Some(Marker {
                start: i,
                end,
                strict: true,
                spaced_before: false,
                weak,
                dots_only: false,
            })
        }
        b' ' | b'\t' => {
            // ` @ ` and ` (at) ` are found at their own first byte; here ` at `, ` arobase `.
            if !spaced_at_word_may_follow(b, i) {
                return None;
            }
            let end = spaced_word(b, i, &AT_NAMES)?;
            let word = text[i..end].trim();
            Some(Marker {
                start: i,
                end,
                strict: true,
                spaced_before: true,
                weak: word.eq_ignore_ascii_case("at"),
                dots_only: word.eq_ignore_ascii_case("chez"),
            })
        }
        _ => None,
    }
}

/// The short `(a)` or `[a]` at `i`: its end, and whether it is weak. Glued to both parts
/// (`julie(a)example.org`) it is an at-sign; with a space on either side it also numbers the
/// items of a list (`options (a) example.org`), so it is one only as a weak marker
/// (`julie (a) gmail.com`: the domain must be a mail provider's or obfuscated too).
fn bracketed_a(b: &[u8], i: usize) -> Option<(usize, bool)> {
    let s = b.get(i..i + 3)?;
    let close = if s[0] == b'(' { b')' } else { b']' };
    if !(matches!(s[0], b'(' | b'[') && s[1].eq_ignore_ascii_case(&b'a') && s[2] == close) {
        return None;
    }
    let glued = i > 0
        && b[i - 1].is_ascii_alphanumeric()
        && b.get(i + 3).is_some_and(u8::is_ascii_alphanumeric);
    Some((i + 3, !glued))
}

/// A dot marker that ends at `end` (spaces allowed before `end`), written between two parts of a
/// local part: `(dot)`, `[.]`, and with `words_ok` also ` dot `, ` punkt `. Returns where the
/// part before it ends.
fn dot_marker_before(b: &[u8], floor: usize, end: usize, words_ok: bool) -> Option<usize> {
    // Up to two spaces leftwards from `from`.
    let left_spaces = |from: usize| {
        let mut q = from;
        while q > floor && from - q < 2 && is_space(b[q - 1]) {
            q -= 1;
        }
        q
    };
    let p = left_spaces(end);
    let spaced_after = p < end;
    if p > floor && matches!(b[p - 1], b')' | b']' | b'}' | b'>') {
        // The opening bracket is at most `( точка )` away: 14 bytes.
        let lo = p.saturating_sub(14).max(floor);
        let open = (lo..p - 1)
            .rev()
            .find(|&k| matches!(b[k], b'(' | b'[' | b'{' | b'<'))?;
        return (bracketed(b, open, &DOT_WORDS) == Some(p)).then(|| left_spaces(open));
    }
    if !words_ok || !spaced_after {
        return None;
    }
    // ` . ` as in `julie . martin @ example . org`.
    if p > floor + 1 && b[p - 1] == b'.' && is_space(b[p - 2]) {
        return Some(left_spaces(p - 1));
    }
    DOT_NAMES.list.iter().find_map(|w| {
        let s = p.checked_sub(w.len())?;
        (s > floor && is_space(b[s - 1]) && lower_eq(b, s, w)).then(|| left_spaces(s))
    })
}

/// The local part that ends at `end`, leftwards to `floor`, with the sentence's punctuation
/// trimmed from its start. Returns its start.
fn local_run(text: &str, floor: usize, end: usize) -> Option<usize> {
    let mut ls = end;
    for (k, c) in text.get(floor..end)?.char_indices().rev() {
        if !is_local_char(c) {
            break;
        }
        ls = floor + k;
    }
    let run = &text[ls..end];
    Some(ls + run.len() - run.trim_start_matches(['.', '-', '+', '\'', '_']).len())
}

#[inline]
fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

#[inline]
fn is_label_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

/// A dot between labels at `i`: `.`, ` . `, `(dot)`, ` dot `, `[.]`... Returns (end, strict).
/// `spaced_ok`: the at-sign was obfuscated or spaced, so ` . ` is a dot before any label. A dot
/// glued to the label after it (`lola@gmail .com`) is one before a known TLD (strict), and a dot
/// followed by a space (`lola@gmail. com`, and `lola@gmail . com` after a plain `@`) only before
/// a label that [`spaced_tld_follows`] accepts; these only after the first label (`first`), so
/// that a complete address is not extended (`lola@gmail.com .fr`).
fn dot_marker(b: &[u8], i: usize, spaced_ok: bool, first: bool) -> Option<(usize, bool)> {
    match b.get(i)? {
        b'.' => {
            // `gmail. com`, whatever the at-sign: a dot that ends a sentence is written so too.
            if first && b.get(i + 1).copied().is_some_and(is_space) {
                let j = skip_spaces(b, i + 1, 2);
                if spaced_tld_follows(b, j) {
                    return Some((j, true));
                }
            }
            return Some((i + 1, false));
        }
        // `lola@gmail,com`: a comma glued to both labels, before a known TLD (strict).
        b',' => return (first && glued_tld_follows(b, i + 1)).then_some((i + 1, true)),
        // `lola@gmail·com`, `lola@gmail•com`: a middle dot or a bullet likewise.
        0xC2 | 0xE2 => {
            let n = ["·", "•"]
                .iter()
                .find(|d| b.get(i..i + d.len()) == Some(d.as_bytes()))
                .map_or(0, |d| d.len());
            return (n > 0 && first && glued_tld_follows(b, i + n)).then_some((i + n, true));
        }
        b'(' | b'[' | b'{' | b'<' => return bracketed(b, i, &DOT_WORDS).map(|e| (e, true)),
        w if WRAPPERS.contains(w) => return wrapped(b, i, &DOT_NAMES).map(|e| (e, true)),
        // The fullwidth full stop that goes with the fullwidth `＠` (`lola＠example．fr`).
        0xEF if b.get(i..i + 3) == Some("．".as_bytes()) => return Some((i + 3, true)),
        _ => {}
    }
    if is_space(b[i]) {
        // ` (dot) `, ` [.] `, ` . ` (only in spaced addresses), ` dot `.
        let j = skip_spaces(b, i, 2);
        if let Some(e) = bracketed(b, j, &DOT_WORDS).or_else(|| wrapped(b, j, &DOT_NAMES)) {
            return Some((skip_spaces(b, e, 2), true));
        }
        if b.get(j) == Some(&b'.') {
            // `gmail .com`: the dot glued to the label after it, a known TLD (strict).
            if first && b.get(j + 1).is_some_and(u8::is_ascii_alphabetic) {
                return Some((j + 1, true));
            }
            if b.get(j + 1).copied().is_some_and(is_space) {
                let k = skip_spaces(b, j + 1, 2);
                if spaced_ok || (first && spaced_tld_follows(b, k)) {
                    return Some((k, true));
                }
            }
        }
        return spaced_word(b, i, &DOT_NAMES).map(|e| (e, true));
    }
    None
}

/// Known TLDs that are also short words of our languages (`de`, `es`, `it`, `in`, `me`, `no`,
/// `se`, `au`...): after a dot and a space they more likely start the next sentence (`écris à
/// lola@orange. De plus...`) than end an address.
const WORD_LIKE_TLDS: &[&str] = &[
    "ad", "ai", "al", "ar", "at", "au", "ba", "be", "by", "ca", "co", "de", "es", "in", "io", "is",
    "it", "lu", "ma", "me", "no", "se", "si", "su", "to", "us", "eu", "fi", "li", "app", "club",
    "dev", "email", "live", "mail", "online", "pro", "shop", "site", "store", "top", "yahoo",
    "example", "test",
];

/// Whether the label at `i`, after a dot written with a space after it (`lola@gmail. com`),
/// ends the address: a known TLD in lower case that is no short word ([`WORD_LIKE_TLDS`]),
/// followed by no letter or digit.
fn spaced_tld_follows(b: &[u8], i: usize) -> bool {
    tld_label_at(b, i, u8::is_ascii_lowercase)
        .is_some_and(|label| is_known_tld(label) && !WORD_LIKE_TLDS.contains(&label))
}

/// Whether the dot written `dot` (with its spaces) is a spaced word that also makes phrases
/// with a TLD that is a word: ` point `, ` punto `, ` punct `, ` punt ` (`point de vente`,
/// `punto de encuentro`, `punct de vedere`), not ` dot ` nor ` punkt `.
fn spelled_dot(dot: &str) -> bool {
    let word = dot.trim_matches([' ', '\t']);
    word.starts_with(char::is_alphabetic)
        && !word.eq_ignore_ascii_case("punkt")
        && !word.eq_ignore_ascii_case("dot")
}

/// Whether a word follows the label that ends at `i`, on the same line: after an at-word that is
/// also a word of a sentence (` chez `, ` at `, a spaced `(a)`), `marie point de vente` is French
/// ("point of sale"), not an address.
fn sentence_goes_on(b: &[u8], i: usize) -> bool {
    let j = skip_spaces(b, i, 2);
    j > i
        && b.get(j)
            .is_some_and(|&c| c.is_ascii_alphabetic() || c >= 0x80)
}

/// Whether `tld` (any case) is a known TLD that is also a short word ([`WORD_LIKE_TLDS`]).
fn is_word_like_tld(tld: &str) -> bool {
    WORD_LIKE_TLDS.iter().any(|w| w.eq_ignore_ascii_case(tld))
}

/// Whether a known TLD (any case) starts at `i`, followed by no letter or digit.
fn glued_tld_follows(b: &[u8], i: usize) -> bool {
    tld_label_at(b, i, u8::is_ascii_alphabetic).is_some_and(is_known_tld)
}

/// The run of 2 to 8 `letter` bytes at `i`, if no letter or digit (ASCII or not) follows it.
fn tld_label_at(b: &[u8], i: usize, letter: fn(&u8) -> bool) -> Option<&str> {
    let rest = b.get(i..)?;
    let len = rest.iter().take_while(|c| letter(c)).count();
    let ends = !rest
        .get(len)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c >= 0x80);
    if (2..=8).contains(&len) && ends {
        std::str::from_utf8(&rest[..len]).ok()
    } else {
        None
    }
}

/// Platform names written before a spaced `@handle` in ads (`of @star.vip` is OnlyFans and a
/// handle): never read as the local part of a spaced address.
pub const PLATFORM_WORDS: [&str; 22] = [
    "instagram",
    "insta",
    "ig",
    "snapchat",
    "snap",
    "sc",
    "tiktok",
    "tt",
    "telegram",
    "tg",
    "twitter",
    "x",
    "facebook",
    "fb",
    "onlyfans",
    "of",
    "kik",
    "discord",
    "signal",
    "whatsapp",
    "wa",
    "threads",
];

/// Pronouns and forms of "to be" (en, fr) that come before ` at ` or ` chez ` in a sentence:
/// never read as the local part of an address written with those words.
pub const SENTENCE_WORDS: &[&str] = &[
    "i", "me", "you", "he", "him", "she", "her", "we", "us", "they", "them", "it", "is", "are",
    "am", "be", "was", "were", "here", "there", "moi", "toi", "lui", "elle", "nous", "vous", "eux",
    "elles", "est", "suis", "es", "sommes", "sont", "ici",
];

/// Verbs of social posts written before an `@handle` (`follow @star.vip`, `dm @lola.fr`):
/// never read as the local part of an address with a space before its `@`.
const MENTION_WORDS: &[&str] = &["follow", "dm", "add"];

/// French pronouns after ` chez ` ("chez moi", at my place): never the first label of a domain
/// written with an at-word that is also a word. Not [`SENTENCE_WORDS`]: `me.com` is a mail
/// provider's domain.
const PLACE_PRONOUNS: &[&str] = &[
    "moi", "toi", "lui", "elle", "nous", "vous", "eux", "elles", "soi",
];

fn build(text: &str, floor: usize, m: Marker) -> Option<(Finding, usize)> {
    let b = text.as_bytes();
    // Local part, leftwards.
    let mut ls = m.start;
    if !m.spaced_before {
        // `marie @ gmail`: one space allowed before a spaced `@` or a bracket.
        while ls > floor && ls > m.start.saturating_sub(2) && is_space(b[ls - 1]) {
            ls -= 1;
        }
    }
    let local_end = ls;
    ls = local_run(text, floor, local_end)?;
    let local = &text[ls..local_end];
    if local.is_empty()
        || local.len() > MAX_LOCAL
        || local.ends_with('.')
        || local.contains("..")
        || !local.chars().any(char::is_alphanumeric)
    {
        return None;
    }
    // `instagram @star.vip` is a platform and a handle, not `instagram@star.vip`.
    if local_end < m.start && PLATFORM_WORDS.iter().any(|w| local.eq_ignore_ascii_case(w)) {
        return None;
    }
    // `retrouvez-moi @julie.nl`, `follow me @star.vip`: a pronoun or a verb of social posts
    // (alone or after a hyphen, as French writes `suivez-moi`) before an `@` glued to a name
    // only, as a handle is written (` @ ` is an address's).
    if local_end < m.start
        && &b[m.start..m.end] == b"@"
        && !b.get(m.end).copied().is_some_and(is_space)
        && local.rsplit('-').next().is_some_and(|last| {
            SENTENCE_WORDS.iter().any(|w| last.eq_ignore_ascii_case(w))
                || MENTION_WORDS.iter().any(|w| last.eq_ignore_ascii_case(w))
        })
    {
        return None;
    }
    // `visit us at example dot com`, `elle est chez orange point fr`: before an at-word that is
    // also a word, a pronoun or a verb is the sentence's, and the domain a web site's name.
    if m.is_also_a_word() && SENTENCE_WORDS.iter().any(|w| local.eq_ignore_ascii_case(w)) {
        return None;
    }
    // `dispo 24/7 @ paris point com`: the end of a number, not a local part.
    if ls > 0 && b[ls - 1] == b'/' && local.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // `https://user:pass@example.org`: the user of a URL, not an address. Looked for in the
    // last 128 bytes only, so that a long run of `@` without spaces stays linear.
    let lo = ls.saturating_sub(128).max(floor);
    let token_start = b[lo..ls]
        .iter()
        .rposition(|&c| is_space(c) || c == b'\n')
        .map_or(lo, |k| lo + k + 1);
    let token = &b[token_start..ls];
    if let Some(k) = token.windows(3).rposition(|w| w == b"://")
        && !token[k + 3..]
            .iter()
            .any(|c| matches!(c, b'/' | b'?' | b'#' | b'=' | b'&'))
    {
        return None;
    }
    // `julie (dot) martin (at)`, `julie punkt martin arobase`: the dots of the local part written
    // as the domain's are. A word or spaced dot only before an obfuscated or spaced at-sign, so
    // that "sur ce point julie@example.fr" keeps its plain address.
    let mut parts = vec![local];
    while parts.len() < MAX_LOCAL_PARTS {
        let Some(part_end) = dot_marker_before(b, floor, ls, m.strict) else {
            break;
        };
        let Some(part_start) = local_run(text, floor, part_end) else {
            break;
        };
        let part = &text[part_start..part_end];
        if part.is_empty()
            || part.ends_with('.')
            || part.contains("..")
            || !part.chars().any(char::is_alphanumeric)
        {
            break;
        }
        parts.push(part);
        ls = part_start;
    }
    let local_len = parts.iter().map(|p| p.len()).sum::<usize>() + parts.len() - 1;
    if local_len > MAX_LOCAL {
        return None;
    }

    // `sara2000`, `lucia_diaz`: a local part with a digit or a mark inside is no word of a
    // sentence, so `point de` after it ends an address, not "point of". (Not a hyphen:
    // `rendez-vous chez marie point de vente`.)
    let marked_local = parts.len() > 1
        || local
            .bytes()
            .any(|c| matches!(c, b'.' | b'_' | b'+') || c.is_ascii_digit());

    // Domain, rightwards: labels and dots. An address wrapped after its at-sign (`olivia99@` at
    // the end of a line) goes on on the next line, before a known TLD only.
    let mut i = skip_spaces(b, m.end, if m.strict { 2 } else { 0 });
    let line_wrap = line_break_len(&b[i..], 2);
    if let Some(k) = line_wrap {
        i += k;
    }
    // Start, end, and the dot before: strict, and spelled (see `spelled_dot`).
    let mut labels: Vec<(usize, usize, bool, bool)> = Vec::with_capacity(4);
    let mut strict_dot = false;
    let mut spelled = false;
    loop {
        let s = i;
        for (k, c) in text[s..].char_indices() {
            // A label's hyphen may start `-dot-`, which ends the label.
            if !is_label_char(c) || (c == '-' && wrapped(b, s + k, &DOT_NAMES).is_some()) {
                break;
            }
            i = s + k + c.len_utf8();
        }
        if i == s || i - s > 63 {
            break;
        }
        labels.push((s, i, strict_dot, spelled));
        if labels.len() >= MAX_LABELS {
            break;
        }
        match dot_marker(b, i, m.strict, labels.len() == 1) {
            Some((e, strict)) => {
                strict_dot = strict;
                spelled = spelled_dot(&text[i..e]);
                i = e;
            }
            None => break,
        }
    }
    // `écrivez-moi chez moi point com`: "chez moi" is "at my place", not a domain.
    if m.is_also_a_word()
        && labels.first().is_some_and(|&(s, e, _, _)| {
            PLACE_PRONOUNS
                .iter()
                .any(|w| text[s..e].eq_ignore_ascii_case(w))
        })
    {
        return None;
    }
    // The longest prefix of labels that ends in a valid TLD.
    let mut any_strict = m.strict || line_wrap.is_some();
    let mut best = None;
    let provider = || {
        MAIL_PROVIDERS
            .iter()
            .any(|p| text[labels[0].0..labels[0].1].eq_ignore_ascii_case(p))
    };
    for (k, &(s, e, strict, spelled)) in labels.iter().enumerate() {
        let label = &text[s..e];
        if label.starts_with('-') || label.ends_with('-') {
            break;
        }
        any_strict |= strict;
        if k >= 1
            && tld_ok(label, any_strict)
            && !(m.is_also_a_word()
                && spelled
                && !marked_local
                && sentence_goes_on(b, e)
                && is_word_like_tld(label)
                && !provider())
        {
            best = Some(k);
        }
    }
    let last = best?;
    // A local part written with dot markers is obfuscated on purpose, as a `(dot)` domain is.
    let obfuscated = parts.len() > 1 || labels[1..=last].iter().any(|l| l.2);
    // `lola.vip at example.com`, `anna_77 (a) example.org`, `marie+ads AT example.fr`: a local
    // part that starts with a letter, has three letters or more and a dot, an underscore, a plus
    // or a digit (or two letters and two digits: `jh1987`) is no word of a sentence ("book at
    // booking.com"), no time ("14h30 at …", "h24 at …") and no item of a list ("options (a)
    // example.org").
    // Not so next to a word between symbols: `www.shop.example/at/wien.at` is a URL's path.
    let letters = local.bytes().filter(u8::is_ascii_alphabetic).count();
    let digits = local.bytes().filter(u8::is_ascii_digit).count();
    let address_like_local = parts.len() == 1
        && !WRAPPERS.contains(&b[m.start])
        && local
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic)
        && ((letters >= 3
            && (digits > 0 || local.bytes().any(|c| matches!(c, b'.' | b'_' | b'+'))))
            || (letters == 2 && digits >= 2));
    if !obfuscated && (m.dots_only || (m.weak && !provider() && !address_like_local)) {
        return None;
    }
    let mut value = String::with_capacity(local_len + 32);
    for (k, part) in parts.iter().rev().enumerate() {
        if k > 0 {
            value.push('.');
        }
        value.push_str(&part.to_lowercase());
    }
    let local_value_len = value.len();
    value.push('@');
    for (k, &(s, e, _, _)) in labels[..=last].iter().enumerate() {
        if k > 0 {
            value.push('.');
        }
        value.push_str(&text[s..e].to_lowercase());
    }
    if value.len() - local_value_len - 1 > MAX_DOMAIN {
        return None;
    }
    let end = labels[last].1;
    let f = Finding::from_span(FindingKind::Email, value, text, ls, end, RULE)?;
    Some((f, end))
}

/// Whether `tld` (any case) is one of the common TLDs.
pub(crate) fn is_known_tld(tld: &str) -> bool {
    tld.len() <= 8 && KNOWN_TLDS.iter().any(|k| k.eq_ignore_ascii_case(tld))
}

/// File name extensions that are no TLD: `logo@2x.png` names an image, not an address.
const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "ico", "tif", "tiff", "heic", "avif", "pdf",
    "js", "mjs", "css", "html", "htm", "php", "asp", "aspx", "jsp", "txt", "json", "xml", "csv",
    "mp3", "mp4", "avi", "mkv", "webm", "wav", "ogg", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
    "exe", "dmg", "apk", "iso", "tar", "gz", "rar", "7z",
];

fn tld_ok(label: &str, strict: bool) -> bool {
    if strict {
        return is_known_tld(label);
    }
    if label.len() <= 5
        && FILE_EXTENSIONS
            .iter()
            .any(|x| x.eq_ignore_ascii_case(label))
    {
        return false;
    }
    let n = label.chars().count();
    (2..=24).contains(&n) && label.chars().all(char::is_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &str) -> Vec<String> {
        find(t).into_iter().map(|f| f.value).collect()
    }

    proptest::proptest! {
        /// Eight bytes at a time, the same as one at a time: every byte that may start a
        /// marker, the bytes folded onto them (DEL, `\\`, `^`), the first bytes of at-words in
        /// both cases and their Cyrillic leads, runs of spaces and tabs.
        #[test]
        fn marker_starts_are_found_as_byte_by_byte(
            b in proptest::collection::vec(proptest::sample::select(
                vec![b'@', 0xEF, b'(', b'[', b'{', b'<', b' ', b'\t', b'-', b'_', b'/', b'*',
                     b'#', b'~', b'=', b'|', 0x7F, b'\\', b'^', b'`', b')', b'a', b'A', b'c',
                     b'K', b'k', b'b', b'x', b'.', 0xD0, 0xBC, 0x9C, 0xBA, 0x9A, 0xD1, 0x00,
                     0x80, 0xFF]
            ), 0..40),
            from in 0usize..45,
        ) {
            let from = from.min(b.len());
            proptest::prop_assert_eq!(
                next_marker_start(&b, from),
                next_marker_start_bytewise(&b, from)
            );
        }
    }

    /// Every pair of bytes, followed by a space, a letter that may start an at-word or a dot,
    /// at the start, the middle and the end of the eight-byte words.
    #[test]
    fn marker_starts_on_every_byte_pair() {
        for c in 0..=255u8 {
            for d in 0..=255u8 {
                for third in [b' ', b'k', b'.'] {
                    for at in [0, 6, 7, 15] {
                        let mut b = vec![b'.'; 18];
                        b[at] = c;
                        b[at + 1] = d;
                        b[at + 2] = third;
                        assert_eq!(
                            next_marker_start(&b, 0),
                            next_marker_start_bytewise(&b, 0),
                            "{c:#x} {d:#x} {third:#x} at {at}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn plain_and_obfuscated() {
        for t in [
            "écris à Marie.Dupont@Example.FR.",
            "marie.dupont(at)example.fr",
            "marie.dupont [at] example [dot] fr",
            "marie.dupont{at}example{dot}fr",
            "marie.dupont at example dot fr",
            "marie.dupont arobase example point fr",
            "marie.dupont @ example . fr",
            "marie.dupont@example[.]fr",
            "marie.dupont (at) example (punkt) fr",
            "marie.dupont＠example.fr",
            "marie.dupont＠example．fr",
            "marie.dupont apenstaartje example punt fr",
            "marie.dupont (apenstaartje) example.fr",
            "marie.dupont a rond example punct fr",
            "marie.dupont arond example punct fr",
            "marie.dupont маймунка example точка fr",
            "marie.dupont МАЙМУНКА example ТОЧКА fr",
            "marie.dupont (кльомба) example (точка) fr",
        ] {
            assert_eq!(values(t), vec!["marie.dupont@example.fr"], "{t}");
        }
        assert_eq!(
            values("a@b.example.co.uk, c@d.de"),
            vec!["a@b.example.co.uk", "c@d.de"]
        );
    }

    /// A fullwidth full stop is a dot only before a common TLD, as `(dot)` is.
    #[test]
    fn fullwidth_dot_needs_a_known_tld() {
        assert!(values("marie＠example．zzyzx").is_empty());
        let f = find("écris: marie＠example．fr !");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence, "marie＠example．fr");
    }

    /// A dot spaced on one side or both after a plain `@`, or a comma, middle dot or bullet for
    /// the dot, as ads write them to dodge link detection: before a known TLD only, and after a
    /// dot and a space never before a short word.
    #[test]
    fn dot_spaced_on_one_side_or_a_comma() {
        for (t, evidence) in [
            ("Contact: lola@example .com pour rdv", "lola@example .com"),
            ("Contact: lola@example. com pour rdv", "lola@example. com"),
            ("Contact: lola@ example. com pour rdv", "lola@ example. com"),
            ("email lola@example . com", "lola@example . com"),
            ("Contact: lola @gmail .com", "lola @gmail .com"),
            ("Contact: lola @ gmail .com", "lola @ gmail .com"),
            ("Contact: lola@gmail. com.", "lola@gmail. com"),
            ("mail lola@orange .Fr", "lola@orange .Fr"),
            ("Contact: lola@example,com merci", "lola@example,com"),
            ("LOLA@GMAIL,COM", "LOLA@GMAIL,COM"),
            ("Contact: lola@example·com merci", "lola@example·com"),
            ("Contact: lola@example•com merci", "lola@example•com"),
        ] {
            let f = find(t);
            assert_eq!(f.len(), 1, "{t}: {f:?}");
            assert_eq!(f[0].evidence, evidence, "{t}");
            assert!(f[0].value.starts_with("lola@"), "{t}");
            assert!(
                f[0].value.ends_with(".com") || f[0].value.ends_with(".fr"),
                "{t}"
            );
        }
        for t in [
            // A known TLD that is also a word starts the next sentence.
            "écris à lola@orange. De plus je suis dispo",
            "écris à lola@orange. de plus je suis dispo",
            "scrie-mi lola@yahoo. eu sunt aici",
            "scrivimi lola@libero. it is ok",
            // Upper case after a dot and a space: a sentence.
            "écris à lola@orange. Com",
            // No known TLD, or a word that merely starts like one.
            "lola@example .zzyzx",
            "lola@example. comme toujours",
            "lola@example .commerce",
            "lola@example,commerce",
            "lola@example,zzyzx",
            "lola@example, com",
            "lola@example•commerce",
            "lola@example · com",
        ] {
            assert!(values(t).is_empty(), "{t}: {:?}", values(t));
        }
        // A complete address keeps its TLD: what follows a sentence's dot is not added to it.
        assert_eq!(values("lola@gmail.com. De plus"), ["lola@gmail.com"]);
        assert_eq!(values("lola @ gmail.com. De plus"), ["lola@gmail.com"]);
        assert_eq!(values("lola@gmail.com. com"), ["lola@gmail.com"]);
        assert_eq!(values("lola@gmail.com .fr"), ["lola@gmail.com"]);
        assert_eq!(values("lola@gmail.com•fr 06 12"), ["lola@gmail.com"]);
        assert_eq!(values("lola@gmail.com . fr"), ["lola@gmail.com"]);
        assert_eq!(values("lola@gmail.com,fr"), ["lola@gmail.com"]);
        assert_eq!(
            values("ana@mail.ro,lola@gmail.com"),
            ["ana@mail.ro", "lola@gmail.com"]
        );
    }

    #[test]
    fn evidence_is_the_written_form() {
        let f = find("mail: ana (at) mail (dot) ro !");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence, "ana (at) mail (dot) ro");
        assert_eq!(f[0].value, "ana@mail.ro");
    }

    /// An address wrapped after its at-sign goes on on the next line, before a known TLD.
    #[test]
    fn wrapped_after_the_at_sign() {
        for (t, v) in [
            (
                "Get in touch: olivia99@\npost.example.bg thanks",
                "olivia99@post.example.bg",
            ),
            (
                "Contatto matteo.bianchi71@\r\nexample.it grazie",
                "matteo.bianchi71@example.it",
            ),
            (
                "Anfragen an julia_wagner (at)\nmail (dot) example (dot) de mit",
                "julia_wagner@mail.example.de",
            ),
        ] {
            assert_eq!(values(t), vec![v.to_owned()], "{t}");
        }
        for t in [
            "lola@\nzzyzx.qq",
            "lola@\n\nexample.fr",
            "lola@\nHallo",
            "Insta @\nlola.fr",
            "suivez-moi @\nlola.fr",
        ] {
            assert!(values(t).is_empty(), "{t}: {:?}", values(t));
        }
    }

    /// The TLDs reserved for examples and tests (RFC 2606) are known TLDs: synthetic data write
    /// their obfuscated addresses with them as with any other.
    #[test]
    fn reserved_tlds_of_synthetic_data() {
        for (t, v) in [
            (
                "Contatto elisa+vente @ post-office.example grazie",
                "elisa+vente@post-office.example",
            ),
            (
                "Contact elena.stan {at} pochta.example sau 0747",
                "elena.stan@pochta.example",
            ),
            (
                "Get in touch: sarah.evans+shop@pochta[.]example thanks",
                "sarah.evans+shop@pochta.example",
            ),
            (
                "à jean-fontaine arobase posta-mea.example merci",
                "jean-fontaine@posta-mea.example",
            ),
            ("lola (at) mail (dot) test", "lola@mail.test"),
        ] {
            assert_eq!(values(t), vec![v.to_owned()], "{t}");
        }
        // Still words after a spaced dot (`lola@gmail. example`), as `de` and `it` are.
        assert!(values("lola@gmail. example of").is_empty());
    }

    #[test]
    fn plain_domain_after_at_word_with_an_address_like_local_part() {
        for (t, v) in [
            ("écrire à lola.vip at example.com", "lola.vip@example.com"),
            ("mail: anna_77 (a) example.org", "anna_77@example.org"),
            ("contact lola2 at example.net merci", "lola2@example.net"),
            (
                "Contact marie+annunci AT example.fr ou au 06 61 68 61 35",
                "marie+annunci@example.fr",
            ),
            (
                "Bitte Anfragen an ls68 at example.de mit",
                "ls68@example.de",
            ),
            (
                "Drop me a line at jh1987 at example.co.uk",
                "jh1987@example.co.uk",
            ),
        ] {
            assert_eq!(values(t), vec![v.to_owned()], "{t}");
        }
        // Words of a sentence or a list keep needing an obfuscated or a provider's domain.
        for t in [
            "book at booking.com",
            "options (a) example.org",
            "lola at example.com",
            "check-in at booking.com",
            "watch tv5 at tv5monde.com",
            "18+ at example.com",
            "rdv h24 at example.com",
        ] {
            assert!(values(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn platform_then_spaced_handle_is_no_address() {
        assert!(values("instagram @star.vip.club").is_empty());
        assert!(values("Insta @lola.paris").is_empty());
        assert_eq!(
            values("marie @ gmail.com"),
            vec!["marie@gmail.com".to_owned()]
        );
        // A name before an `@` glued to the domain, or a pronoun before a spaced one: an
        // address (a pronoun or a social verb before a glued one: see `not_addresses`).
        assert_eq!(
            values("marie @gmail.com"),
            vec!["marie@gmail.com".to_owned()]
        );
        assert_eq!(values("moi @ gmail.com"), vec!["moi@gmail.com".to_owned()]);
    }

    #[test]
    fn chez_and_umlaut_at() {
        assert_eq!(
            values("écris à julie chez gmail point com"),
            vec!["julie@gmail.com".to_owned()]
        );
        assert_eq!(
            values("Julie CHEZ orange [.] fr"),
            vec!["julie@orange.fr".to_owned()]
        );
        // "chez moi" is a place; a bracketed at-sign before a pronoun's domain still reads.
        assert_eq!(
            values("julie chez moimeme point fr, lola (at) moi point fr"),
            vec!["julie@moimeme.fr".to_owned(), "lola@moi.fr".to_owned()]
        );
        assert_eq!(
            values("dispo 24/7 lola@gmail.com"),
            vec!["lola@gmail.com".to_owned()]
        );
        assert_eq!(
            values("marie (ät) example.de"),
            vec!["marie@example.de".to_owned()]
        );
        assert_eq!(
            values("marie[ÄT]beispiel.de"),
            vec!["marie@beispiel.de".to_owned()]
        );
    }

    /// The first-byte filter never rejects a word that `lower_eq` would find, in any case.
    #[test]
    fn marker_words_start_with_their_first_bytes() {
        for words in [&AT_WORDS, &DOT_WORDS, &AT_NAMES, &DOT_NAMES] {
            for w in words.list {
                for spelled in crate::selectors::chars::case_spellings(w) {
                    let hay = format!(" {spelled} ");
                    assert!(lower_eq(hay.as_bytes(), 1, w), "{spelled}");
                    assert!(words.may_start_at(hay.as_bytes(), 1), "{spelled}");
                }
            }
        }
        assert!(!AT_NAMES.may_start_at(b" bonjour", 1));
        assert!(!AT_NAMES.may_start_at(b"x", 1));
    }

    #[test]
    fn ascii_words_are_ascii() {
        for w in AT_WORDS.list.iter().chain(DOT_WORDS.list) {
            assert!(w.is_ascii() || !w.as_bytes()[0].is_ascii(), "{w}");
            assert_eq!(w.to_lowercase(), *w);
        }
    }

    /// The dots of the local part written as markers, as the domain's are.
    #[test]
    fn local_part_with_dot_markers() {
        for (t, evidence) in [
            (
                "écris: julie (dot) martin (at) example (dot) org !",
                "julie (dot) martin (at) example (dot) org",
            ),
            (
                "julie[.]martin[at]example[.]org",
                "julie[.]martin[at]example[.]org",
            ),
            (
                "julie(dot)martin(at)example(dot)org",
                "julie(dot)martin(at)example(dot)org",
            ),
            (
                "julie dot martin at example dot org",
                "julie dot martin at example dot org",
            ),
            (
                "Julie point Martin arobase example point org",
                "Julie point Martin arobase example point org",
            ),
            (
                "julie punkt martin (at) example punkt org",
                "julie punkt martin (at) example punkt org",
            ),
            (
                "julie [.] martin@example.org",
                "julie [.] martin@example.org",
            ),
            (
                "julie . martin @ example . org",
                "julie . martin @ example . org",
            ),
            // A word dot before the spaced `at` makes a plain-dot domain an address too.
            (
                "julie dot martin at example.org",
                "julie dot martin at example.org",
            ),
        ] {
            let f = find(t);
            assert_eq!(f.len(), 1, "{t}: {f:?}");
            assert_eq!(f[0].value, "julie.martin@example.org", "{t}");
            assert_eq!(f[0].evidence, evidence, "{t}");
        }
        assert_eq!(
            values("a (dot) b (dot) c (at) example (dot) org"),
            vec!["a.b.c@example.org"]
        );
        // A word dot joins only before an obfuscated at-sign; a bracket dot always does.
        assert_eq!(
            values("sur ce point julie@example.fr"),
            vec!["julie@example.fr"]
        );
        // The part before the marker must be a local part.
        assert_eq!(
            values("voilà: (dot) julie (at) example (dot) org"),
            vec!["julie@example.org"]
        );
        // Nothing reaches back over an address already found.
        assert_eq!(
            values("a@example.org (dot) b (at) example (dot) org"),
            vec!["a@example.org", "b@example.org"]
        );
    }

    /// `-at-`, `_dot_`: the words between two equal symbols, with or without spaces around.
    #[test]
    fn words_between_symbols() {
        for t in [
            "mail: lola.vip-at-example-dot-com pour rdv",
            "mail: lola.vip -at- example -dot- com pour rdv",
            "mail: lola.vip_at_example_dot_com",
            "mail: lola.vip _AT_ example _DOT_ com",
            "mail: lola.vip /at/ example /dot/ com",
            "mail: lola.vip*at*example*dot*com",
            "mail: lola.vip #at# example #dot# com",
            "mail: lola.vip ~arobase~ example ~point~ com",
            "mail: lola.vip =at= example =punkt= com",
            "mail: lola.vip |at| example |dot| com",
            "mail: lola.vip (at) example -dot- com",
            "mail: lola.vip -at- example.example-dot-com",
        ] {
            let want = if t.contains("example.example") {
                "lola.vip@example.example.com"
            } else {
                "lola.vip@example.com"
            };
            assert_eq!(values(t), vec![want], "{t}");
        }
        assert_eq!(values("lola-at-gmail.com"), vec!["lola@gmail.com"]);
        let f = find("écris: lola _at_ example _dot_ fr !");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence, "lola _at_ example _dot_ fr");
        for t in [
            // Domain names, and words that only look like markers.
            "work-at-home.com",
            "stay-at-home mom",
            "www.shop.example/at/wien.at",
            "https://example.org/at/example.org",
            "lola-at-example.zzyzx",
            "lola -at- example -dot- zzyzx",
            "lola-at-example",
            "lola -at example -dot com",
            "lola -at_ example _dot- com",
        ] {
            assert!(values(t).is_empty(), "{t}: {:?}", values(t));
        }
        // A hyphen in a domain label stays a hyphen.
        assert_eq!(values("lola@my-example.com"), vec!["lola@my-example.com"]);
        assert_eq!(values("lola@dot-example.com"), vec!["lola@dot-example.com"]);
    }

    /// After an at-word that is also a word (` chez `, ` at `, a spaced `(a)`), a TLD that is a
    /// word too ends no address when a spelled dot comes before it and a word after it on the
    /// same line (`point de vente`), unless the domain is a mail provider's.
    #[test]
    fn word_like_tld_after_a_spelled_dot() {
        for (t, want) in [
            ("lola at example point de", "lola@example.de"),
            ("lola at example point de.", "lola@example.de"),
            ("lola at example point de\nbisous", "lola@example.de"),
            ("lola at gmx point de bisous", "lola@gmx.de"),
            ("lola (a) gmx point de bisous", "lola@gmx.de"),
            (
                "lola chez example point com point de vente",
                "lola@example.com",
            ),
            ("lola at meinefirma punkt de bis bald", "lola@meinefirma.de"),
            ("lola at example dot de bye", "lola@example.de"),
            ("lola at example (dot) de vente", "lola@example.de"),
            ("lola at example point fr merci", "lola@example.fr"),
            // Unambiguous at-words: any TLD.
            ("lola arobase example point de merci", "lola@example.de"),
            ("lola arroba casa punto es que", "lola@casa.es"),
            // A local part with a digit or a mark inside is no word of the sentence.
            (
                "Info sara2000 at example punto it tel. 392",
                "sara2000@example.it",
            ),
            (
                "Contacto lucia_diaz at example punto es o 692",
                "lucia_diaz@example.es",
            ),
            (
                "naar mulder_sanne69 at example punt be bedankt",
                "mulder_sanne69@example.be",
            ),
            (
                "Контакт maria.dimitrova at example точка es благодаря",
                "maria.dimitrova@example.es",
            ),
            (
                "Contact sophie+ads chez example point de ou",
                "sophie+ads@example.de",
            ),
        ] {
            assert_eq!(values(t), vec![want], "{t}");
        }
    }

    /// `(a)` is an at-sign glued to both parts; spaced, as `(a)` that numbers list items is, only
    /// before a mail provider or an obfuscated domain.
    #[test]
    fn short_a_is_an_at_sign() {
        assert_eq!(
            values("julie.martin(a)example.org"),
            vec!["julie.martin@example.org"]
        );
        assert_eq!(
            values("julie.martin[A]example.org"),
            vec!["julie.martin@example.org"]
        );
        for (t, want) in [
            (
                "ecris-moi: lola.belle (a) gmail.com merci",
                "lola.belle@gmail.com",
            ),
            ("lola.belle [a] gmail [dot] com", "lola.belle@gmail.com"),
            ("lola.belle(a) hotmail.fr", "lola.belle@hotmail.fr"),
            ("lola.belle (A)yahoo.it", "lola.belle@yahoo.it"),
            ("julie (a) example (dot) org", "julie@example.org"),
        ] {
            assert_eq!(values(t), vec![want], "{t}");
        }
        for t in [
            "options (a) example.org",
            "option(a) example.org",
            "see (a)example.org",
            "julie(a)example.zzyzx",
            "julie{a}example.org",
            "options (a) example.org ou (b) gmail",
            "voir (a) gmail.zzyzx",
        ] {
            assert!(values(t).is_empty(), "{t}: {:?}", values(t));
        }
    }

    /// No-break spaces are spaces; the evidence keeps them.
    #[test]
    fn no_break_spaces() {
        let t = "mail\u{A0}: julie.martin\u{A0}(at)\u{A0}example\u{A0}(dot)\u{A0}org\u{A0}!";
        let f = find(t);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].value, "julie.martin@example.org");
        assert_eq!(f[0].evidence, &t[f[0].start..f[0].end]);
        assert_eq!(
            f[0].evidence,
            "julie.martin\u{A0}(at)\u{A0}example\u{A0}(dot)\u{A0}org"
        );
        // Narrow no-break and thin spaces (three bytes each) likewise.
        let t = "écris à julie.martin\u{202F}@\u{202F}example.fr\u{2009}!";
        let f = find(t);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].value, "julie.martin@example.fr");
        assert_eq!(f[0].evidence, "julie.martin\u{202F}@\u{202F}example.fr");
    }

    #[test]
    fn wide_spaces_are_told_from_other_characters() {
        for t in ["plain ascii", "café 150 € l’heure", "Нова в София", ""] {
            assert!(!has_wide_space(t), "{t}");
        }
        for t in [
            "a\u{A0}b",
            "150\u{202F}€",
            "a\u{3000}b",
            "a\u{1680}b",
            "é\u{2009}",
        ] {
            assert!(has_wide_space(t), "{t:?}");
        }
    }

    /// An address in a link's query is one; the user of a URL is not.
    #[test]
    fn address_inside_a_url() {
        assert_eq!(
            values("https://example.org/contact?to=julie@example.org"),
            vec!["julie@example.org"]
        );
        assert!(values("https://julie:secret@example.org/").is_empty());
    }

    /// Written one character at a time: the whole address, then a known TLD.
    #[test]
    fn letter_spaced() {
        let f = find("contact: k a t e @ g m a i l . c o m merci");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].value, "kate@gmail.com");
        assert_eq!(f[0].evidence, "k a t e @ g m a i l . c o m");
        for (t, value) in [
            ("mail: j . d u p o n t @ f r e e . f r.", "j.dupont@free.fr"),
            ("K A T E @ G M A I L . C O M", "kate@gmail.com"),
            ("écris k a t e\u{A0}@ w e b . d e !", "kate@web.de"),
        ] {
            assert_eq!(values(t).first().map(String::as_str), Some(value), "{t}");
        }
        assert_eq!(
            values("a b @ w e b . d e, c d @ g m x . a t"),
            vec!["ab@web.de", "cd@gmx.at"]
        );
        for t in [
            // Not a known TLD, no TLD, too few letters, or words among the letters.
            "k a t e @ g m a i l . z z y z x",
            "k a t e @ g m a i l",
            "e @ g m a i l . c o m",
            "k a t e @ g m . c",
            "mail kate @ g m a i l . c o m",
            "k a t e @ gmail . c o m",
        ] {
            assert!(values(t).is_empty(), "{t}: {:?}", values(t));
        }
    }

    #[test]
    fn not_addresses() {
        for t in [
            "logo@2x.png",
            "fond: bg@3x.JPG !",
            "https://user:pass@example.org/x",
            "voir ftp://anonymous@example.org",
            "see you at home. Then we go",
            "meet at the station dot",
            "insta @marie_x",
            "follow @marie.dupont",
            "follow @sexy.lola.fr on insta",
            "retrouvez moi @julie.nl sur insta",
            "follow me @star.vip",
            "dm @lola.fr",
            "retrouvez-moi @lola.fr",
            "retrouvez moi @lola.fr",
            "price @ 50 euros",
            "dispo 24/7 @ paris point com",
            "ouvert 7/7@gmail point com",
            "écrivez-moi chez moi point com",
            "passe chez Vous point fr",
            "x@y",
            "a@b.c1",
            "@example.com",
            "rdv at 14h at hotel point",
            "book at booking.com tonight",
            "rdv 14h30 at hotel.com",
            "dispo h24 at example.com",
            "options (a) example.org",
            "rdv chez orange.fr ou chez free.fr",
            "massage chez vous point final",
            "dîner chez marie.fr",
            "една маймунка в град. com",
            "ана маймунка example точка zzyzx",
            // A dot word and a TLD that is a word, in a sentence that goes on.
            "rendez-vous chez marie point de vente demain",
            "check-in at hotel point de vue",
            "meet at gare point de depart",
            "Reçoit chez Marie Point De Vente",
            "option (a) marie point de vente",
            "Visit us at booking dot com for deals",
            "contact me at example (dot) com",
            "Elle est chez Orange point fr depuis hier",
            "je suis chez moi point com",
            "ne chez ana punct de vedere",
            // A name of `@` after a space and before a spelled at-word is read as the at-word.
            " at at example dot fr",
            " chez at example dot fr",
        ] {
            assert!(values(t).is_empty(), "{t}: {:?}", values(t));
        }
    }
}
