//! Prices: an amount with a currency written before or after it (`150€`, `€ 150`, `100 euros`,
//! `200 lei`, `80 лв`, `CHF 300`), the unit it buys when written next to it (`30 min`, `1h`,
//! `1 heure`, `la nuit`, `/h`), and rose-emoji counts (`🌹🌹🌹` = 3 roses, an ad code for money).
//! Value: `<amount> <CUR>`; details `amount`, `currency`, `unit` (`30min`, `1h`, `night`).

use super::chars::{
    case_spellings, inline_space_len, is_inline_space, next_digit_or,
    skip_inline_spaces as skip_spaces, trim_end_inline_spaces, window_start,
};
use crate::fastchar::{is_alphabetic, is_alphanumeric};
use cairn_core::{Finding, FindingKind};
use std::sync::LazyLock;

/// Rule id and version recorded on every price finding.
pub const RULE: &str = "price@1";

/// Currency spellings (lowercase) and their code. Symbols first.
const CURRENCIES: &[(&str, &str)] = &[
    ("€", "EUR"),
    ("£", "GBP"),
    ("$", "USD"),
    ("🌹", "ROSES"),
    ("euros", "EUR"),
    ("euro", "EUR"),
    ("eur", "EUR"),
    ("lei", "RON"),
    ("leu", "RON"),
    ("ron", "RON"),
    ("лева", "BGN"),
    ("лв", "BGN"),
    ("bgn", "BGN"),
    ("chf", "CHF"),
    ("gbp", "GBP"),
    ("usd", "USD"),
    ("zł", "PLN"),
    ("zl", "PLN"),
    ("pln", "PLN"),
    ("czk", "CZK"),
    ("kč", "CZK"),
    ("roses", "ROSES"),
    ("rose", "ROSES"),
];

/// Time units (lowercase) with the unit they denote, per language.
const HOUR_WORDS: &[&str] = &[
    "heures", "heure", "hours", "hour", "hrs", "hr", "uur", "stunden", "stunde", "std", "ore",
    "ora", "horas", "hora", "oră", "часа", "час", "h",
];
const MIN_WORDS: &[&str] = &[
    "minutes", "minute", "minuten", "minuti", "minutos", "minute", "minut", "мин", "mins", "min",
    "mn", "m",
];
const NIGHT_WORDS: &[&str] = &[
    "nuit",
    "night",
    "nacht",
    "notte",
    "noche",
    "noapte",
    "нощувка",
    "нощ",
    "overnight",
];
const HALF_HOUR: &[&str] = &[
    "demi-heure",
    "demi heure",
    "half hour",
    "half-hour",
    "halbe stunde",
    "half uur",
    "mezz'ora",
    "mezzora",
    "media hora",
    "jumătate de oră",
    "jumatate de ora",
    "половин час",
    "1/2h",
    "1/2 h",
];
/// Words between a price and its unit: "100€ la nuit", "80€ pour 30 min", "150 per hour".
const LINKS: &[&str] = &[
    "/", "per", "pour", "la", "le", "les", "l'", "de", "the", "a", "an", "pro", "por", "pe", "за",
    "voor", "per", "for", "=", ":", "-", "(",
];

/// Finds the prices of `text`.
pub fn find(text: &str) -> Vec<Finding> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !is_wordish(b[i - 1])) {
            if let Some((f, end)) = number_price(text, i) {
                out.push(f);
                i = end;
                continue;
            }
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            continue;
        }
        if b[i] == 0xF0 && text.get(i..i + 4) == Some("🌹") {
            let (f, end) = roses(text, i);
            if let Some(f) = f {
                out.push(f);
            }
            i = end;
            continue;
        }
        // A price starts with a digit or a rose: straight to the next one.
        i = next_digit_or(b, i + 1, 0xF0);
    }
    out
}

fn is_wordish(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b',' || c == b'_' || c == b'/' || c == b'-'
}

fn starts_with_ci(s: &str, p: &str) -> bool {
    // `p` is lowercase: when `s` starts with an ASCII byte, only its lower case can start `p`
    // (every spelling but the first few is rejected here, without comparing).
    if let (Some(&a), Some(&f)) = (s.as_bytes().first(), p.as_bytes().first()) {
        if a.is_ascii() && a.to_ascii_lowercase() != f {
            return false;
        }
        // An ASCII spelling is compared ASCII-case-insensitively: a non-ASCII byte never
        // matches its first letter.
        if !a.is_ascii() && f.is_ascii() && p.is_ascii() {
            return false;
        }
    }
    s.get(..p.len()).is_some_and(|h| eq_ci(h, p))
}

/// Case-insensitive equality without allocating (`p` is lowercase).
fn eq_ci(h: &str, p: &str) -> bool {
    if p.is_ascii() {
        h.eq_ignore_ascii_case(p)
    } else if h.is_ascii() {
        // The lowercase of ASCII text is ASCII: it cannot equal a non-ASCII spelling.
        false
    } else {
        h == p || super::chars::lowercase_is(h, p)
    }
}

/// The word after `s` at `k` must end there (letters only for letter spellings).
fn boundary(s: &str, k: usize) -> bool {
    s[k..].chars().next().is_none_or(|c| !is_alphanumeric(c))
}

/// First and last bytes of every currency spelling (any case): most numbers have neither next
/// to them, and are rejected without comparing spellings. A first byte comes with the spellings
/// that may start with it (bit `k`: `CURRENCIES[k]`), so that a currency is looked for only among
/// them: comparing a non-ASCII character (an emoji after a price) with every non-ASCII spelling
/// lowercased it once per spelling.
struct EdgeBytes {
    first: [u32; 256],
    last: [bool; 256],
}

const _: () = assert!(
    CURRENCIES.len() <= 32,
    "a currency's bit in `EdgeBytes::first`"
);

static EDGE_BYTES: LazyLock<EdgeBytes> = LazyLock::new(|| {
    let mut edges = EdgeBytes {
        first: [0; 256],
        last: [false; 256],
    };
    for (k, (w, _)) in CURRENCIES.iter().enumerate() {
        for v in case_spellings(w) {
            if let (Some(&f), Some(&l)) = (v.as_bytes().first(), v.as_bytes().last()) {
                edges.first[usize::from(f)] |= 1 << k;
                edges.last[usize::from(l)] = true;
            }
        }
    }
    edges
});

/// Whether a currency spelling may start with byte `b`.
fn may_start_currency(b: u8) -> bool {
    EDGE_BYTES.first[usize::from(b)] != 0
}

fn currency_at(s: &str) -> Option<(usize, &'static str)> {
    let mut spellings = s
        .as_bytes()
        .first()
        .map_or(0, |&b| EDGE_BYTES.first[usize::from(b)]);
    // In the order of `CURRENCIES`: the first spelling that matches is the one.
    while spellings != 0 {
        let k = spellings.trailing_zeros() as usize;
        spellings &= spellings - 1;
        let Some(&(w, code)) = CURRENCIES.get(k) else {
            break;
        };
        if starts_with_ci(s, w) {
            let letters = w.chars().next().is_some_and(is_alphabetic);
            if !letters || boundary(s, w.len()) {
                let mut n = w.len();
                // `лв.` and `Fr.`: the dot is part of the abbreviation.
                if w == "лв" && s[n..].starts_with('.') {
                    n += 1;
                }
                // 🌹️ with its variation selector.
                if w == "🌹" && s[n..].starts_with('\u{FE0F}') {
                    n += 3;
                }
                return Some((n, code));
            }
        }
    }
    None
}

/// An amount at `i`: digits, thousands in groups of three (`1 500`, `1.500`, `1,500`,
/// `1 000 000`, with any inline space), optional decimals. Returns (end, value as written
/// normalised).
fn amount(text: &str, i: usize) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let digits_end = |from: usize| {
        from + b
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let mut j = digits_end(i);
    if j - i > 6 {
        return None;
    }
    let mut v = text[i..j].to_owned();
    // A first group of one to three digits (not led by a 0: `0,500` is no thousands), then groups
    // of exactly three, one separator kind throughout. Not after a digit group
    // (`06 12 34 56 78 150 €`: a phone, then 150 €).
    if j - i <= 3 && b[i] != b'0' && !after_digit_group(text, i) {
        let mut kind = None;
        for _ in 0..3 {
            let (sep, n) = match b.get(j) {
                Some(b'.') => (b'.', 1),
                Some(b',') => (b',', 1),
                _ => (b' ', inline_space_len(text, j)),
            };
            if n == 0 || kind.is_some_and(|k| k != sep) {
                break;
            }
            let k = digits_end(j + n);
            if k - (j + n) != 3 {
                break;
            }
            v.push_str(&text[j + n..k]);
            j = k;
            kind = Some(sep);
        }
    }
    if j + 1 < b.len() && matches!(b[j], b'.' | b',') && b[j + 1].is_ascii_digit() {
        let k = digits_end(j + 1);
        if k - j - 1 <= 2 {
            v.push('.');
            v.push_str(&text[j + 1..k]);
            j = k;
        } else if k - j - 1 == 3 && b[j] == b'.' {
            // 1.500 = one thousand five hundred.
            v.push_str(&text[j + 1..k]);
            j = k;
        } else {
            return None;
        }
    }
    Some((j, v))
}

/// Whether the number at `i` follows a group of digits, an inline space between them.
fn after_digit_group(text: &str, i: usize) -> bool {
    trim_end_inline_spaces(&text[..i])
        .as_bytes()
        .last()
        .is_some_and(u8::is_ascii_digit)
}

fn number_price(text: &str, i: usize) -> Option<(Finding, usize)> {
    // Cheap test first: a currency spelling must start right after the amount (digits,
    // decimals, one space) or end right before it.
    let b = text.as_bytes();
    let mut k = i;
    // Thousands after a space (`1 500 €`, at most three groups, as `amount` reads them: a row
    // of digit groups is not walked to its end from each of its groups).
    for _ in 0..4 {
        while k < b.len() && (b[k].is_ascii_digit() || matches!(b[k], b'.' | b',')) {
            k += 1;
        }
        let space = inline_space_len(text, k);
        if space > 0 && b.get(k + space).is_some_and(u8::is_ascii_digit) {
            k += space;
        } else {
            break;
        }
    }
    k += inline_space_len(text, k);
    let after_ok = b.get(k).copied().is_some_and(may_start_currency);
    let before = trim_end_inline_spaces(&text[..i]);
    let before_ok = before
        .as_bytes()
        .last()
        .is_some_and(|&c| EDGE_BYTES.last[usize::from(c)]);
    if !after_ok && !before_ok {
        return None;
    }
    let (aend, value) = amount(text, i)?;
    if text
        .as_bytes()
        .get(aend)
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && currency_at(&text[aend..]).is_none()
    {
        return None;
    }
    // Currency after ("150€", "100 euros") or before ("€ 150", "CHF 300").
    let after = skip_spaces(text, aend, 1);
    let (start, end, code) = if let Some((n, code)) = currency_at(&text[after..]) {
        (i, after + n, code)
    } else {
        let (s, code) = currency_before(text, i)?;
        (s, aend, code)
    };
    let amount_num: f64 = value.parse().ok()?;
    if amount_num <= 0.0 {
        return None;
    }
    let unit = unit_after(text, end).or_else(|| unit_before(text, start));
    let mut f = Finding::from_span(
        FindingKind::Price,
        {
            // `<amount> <CUR>` without `format!` (once per price).
            let mut v = value;
            v.push(' ');
            v.push_str(code);
            v
        },
        text,
        start,
        end,
        RULE,
    )?
    .with("amount", amount_num)
    .with("currency", code);
    if let Some(u) = unit {
        f = f.with("unit", u);
    }
    Some((f, end))
}

fn currency_before(text: &str, i: usize) -> Option<(usize, &'static str)> {
    // Up to two spaces back, then a symbol or a code of 2 to 3 letters.
    let base = window_start(text, i, 24);
    let head = &text[base..i];
    let trimmed = trim_end_inline_spaces(head);
    if head[trimmed.len()..].chars().count() > 2
        || !trimmed
            .as_bytes()
            .last()
            .is_some_and(|&b| EDGE_BYTES.last[usize::from(b)])
    {
        return None;
    }
    for &(w, code) in CURRENCIES {
        if code == "ROSES" {
            continue;
        }
        // As in `starts_with_ci`, at the other end: an ASCII last byte must end `w`.
        if let (Some(&a), Some(&l)) = (trimmed.as_bytes().last(), w.as_bytes().last())
            && ((a.is_ascii() && a.to_ascii_lowercase() != l) || (!a.is_ascii() && w.is_ascii()))
        {
            // (An ASCII spelling is compared ASCII-case-insensitively: a non-ASCII byte never
            // ends it.)
            continue;
        }
        if trimmed.len() >= w.len() {
            let s = trimmed.len() - w.len();
            if let Some(cand) = trimmed.get(s..)
                && eq_ci(cand, w)
            {
                let letters = w.chars().next().is_some_and(is_alphabetic);
                let ok_left = !letters
                    || trimmed[..s]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !is_alphanumeric(c));
                if ok_left {
                    return Some((base + s, code));
                }
            }
        }
    }
    None
}

/// A duration or `night` right after the price.
fn unit_after(text: &str, end: usize) -> Option<String> {
    let mut i = skip_spaces(text, end, 2);
    for _ in 0..2 {
        let rest = &text[i..];
        if let Some(u) = unit_at(rest) {
            return Some(u);
        }
        let link = LINKS.iter().find(|l| {
            starts_with_ci(rest, l) && {
                let n = l.len();
                l.ends_with(['\'', '/', '=', ':', '-', '(']) || boundary(rest, n)
            }
        })?;
        i = skip_spaces(text, i + link.len(), 2);
    }
    None
}

/// `30 min : 80€`, `1h = 150€`, `nuit 300€`.
fn unit_before(text: &str, start: usize) -> Option<String> {
    let base = window_start(text, start, 40);
    let head =
        text[base..start].trim_end_matches(|c| is_inline_space(c) || matches!(c, ':' | '=' | '-'));
    // A unit found here ends the head, so an ASCII last byte must end some unit spelling.
    if head
        .as_bytes()
        .last()
        .is_some_and(|&a| a.is_ascii() && !UNIT_LAST[usize::from(a.to_ascii_lowercase())])
    {
        return None;
    }
    let lower = head.to_lowercase();
    let window_start = lower.len().saturating_sub(24);
    let mut k = window_start;
    while k < lower.len() && !lower.is_char_boundary(k) {
        k += 1;
    }
    // Try the suffixes of the window that start one of its last three words (a unit is at most
    // "<number> <word> <word>", as in "30 min" or "half hour").
    let window = &lower[k..];
    let mut starts = [usize::MAX; 3];
    let mut prev_alnum = false;
    for (p, c) in window.char_indices() {
        let alnum = is_alphanumeric(c);
        if alnum && !prev_alnum {
            starts.rotate_left(1);
            starts[2] = p;
        }
        prev_alnum = alnum;
    }
    for p in starts.into_iter().filter(|&p| p != usize::MAX) {
        let cand = &window[p..];
        if let Some((u, n)) = unit_parse(cand)
            && n == cand.len()
        {
            return Some(u);
        }
    }
    None
}

/// Last bytes of every unit spelling (lowercase).
static UNIT_LAST: [bool; 256] = {
    let mut t = [false; 256];
    let lists: [&[&str]; 4] = [HALF_HOUR, NIGHT_WORDS, HOUR_WORDS, MIN_WORDS];
    let mut l = 0;
    while l < lists.len() {
        let mut k = 0;
        while k < lists[l].len() {
            let b = lists[l][k].as_bytes();
            t[b[b.len() - 1] as usize] = true;
            k += 1;
        }
        l += 1;
    }
    t
};

fn unit_at(s: &str) -> Option<String> {
    unit_parse(s).map(|(u, _)| u)
}

/// Parses `30 min`, `1h`, `2 heures`, `1/2h`, `demi-heure`, `nuit`, `h`.
/// First bytes (any case) of every unit spelling, digits included.
static UNIT_FIRST: LazyLock<[bool; 256]> = LazyLock::new(|| {
    let mut t = [false; 256];
    for w in HALF_HOUR
        .iter()
        .chain(NIGHT_WORDS)
        .chain(HOUR_WORDS)
        .chain(MIN_WORDS)
    {
        for v in [w.to_string(), w.to_uppercase()] {
            if let Some(&b) = v.as_bytes().first() {
                t[usize::from(b)] = true;
            }
        }
    }
    for d in b'0'..=b'9' {
        t[usize::from(d)] = true;
    }
    t
});

fn unit_parse(s: &str) -> Option<(String, usize)> {
    if !s
        .as_bytes()
        .first()
        .is_some_and(|&b| UNIT_FIRST[usize::from(b)])
    {
        return None;
    }
    for w in HALF_HOUR {
        if starts_with_ci(s, w) && boundary(s, w.len()) {
            return Some(("30min".to_owned(), w.len()));
        }
    }
    for w in NIGHT_WORDS {
        if starts_with_ci(s, w) && boundary(s, w.len()) {
            return Some(("night".to_owned(), w.len()));
        }
    }
    let b = s.as_bytes();
    let mut j = 0;
    while j < b.len() && j < 3 && b[j].is_ascii_digit() {
        j += 1;
    }
    let n: u32 = if j == 0 { 1 } else { s[..j].parse().ok()? };
    if n == 0 {
        return None;
    }
    let k = if j > 0 { skip_spaces(s, j, 1) } else { 0 };
    let rest = &s[k..];
    for w in HOUR_WORDS {
        if starts_with_ci(rest, w) && boundary(rest, w.len()) {
            // A bare `h` or `m` needs its number ("1h"), or it is any letter.
            if j == 0 && (*w == "h") && k == 0 && rest.len() > 1 && !boundary(rest, 1) {
                continue;
            }
            return Some((format!("{n}h"), k + w.len()));
        }
    }
    if j > 0 {
        for w in MIN_WORDS {
            if starts_with_ci(rest, w) && boundary(rest, w.len()) {
                return Some((format!("{n}min"), k + w.len()));
            }
        }
    }
    None
}

fn roses(text: &str, i: usize) -> (Option<Finding>, usize) {
    let mut j = i;
    let mut n = 0u32;
    while text.get(j..j + 4) == Some("🌹") {
        j += 4;
        n += 1;
        if text[j..].starts_with('\u{FE0F}') {
            j += 3;
        }
        let k = skip_spaces(text, j, 1);
        if text.get(k..k + 4) == Some("🌹") {
            j = k;
        }
    }
    // `150🌹` is found as a number price; a bare run of roses is a count.
    let f =
        Finding::from_span(FindingKind::Price, format!("{n} ROSES"), text, i, j, RULE).map(|f| {
            let f = f.with("amount", n).with("currency", "ROSES");
            match unit_after(text, j) {
                Some(u) => f.with("unit", u),
                None => f,
            }
        });
    (f, j)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every spelling, in every case, is found by the spellings its first byte selects, as a
    /// search through all of them finds it (the first in `CURRENCIES` that matches).
    #[test]
    fn each_currency_spelling_is_found_in_every_case() {
        let first_of_all = |s: &str| {
            CURRENCIES.iter().find_map(|&(w, code)| {
                (starts_with_ci(s, w)
                    && (!w.chars().next().is_some_and(char::is_alphabetic) || boundary(s, w.len())))
                .then_some(code)
            })
        };
        for (w, code) in CURRENCIES {
            for v in case_spellings(w) {
                for s in [format!("{v} 30 min"), v.clone()] {
                    let found = currency_at(&s).map(|(_, code)| code);
                    assert_eq!(found, first_of_all(&s), "{s}");
                    assert!(found.is_some(), "{s}");
                    if *code != "ROSES" && v.len() > 1 {
                        assert_eq!(found, Some(*code), "{s}");
                    }
                }
            }
        }
        for s in ["💋 30", "é", "x", ""] {
            assert_eq!(currency_at(s), None, "{s}");
        }
    }

    fn one(t: &str) -> (String, Option<String>) {
        let f = find(t);
        assert_eq!(f.len(), 1, "{t}: {f:?}");
        (
            f[0].value.clone(),
            f[0].detail
                .get("unit")
                .and_then(|u| u.as_str())
                .map(str::to_owned),
        )
    }

    #[test]
    fn amounts_currencies_units() {
        assert_eq!(one("150€"), ("150 EUR".into(), None));
        assert_eq!(
            one("€ 150 la nuit"),
            ("150 EUR".into(), Some("night".into()))
        );
        assert_eq!(
            one("100 euros l'heure"),
            ("100 EUR".into(), Some("1h".into()))
        );
        assert_eq!(one("80€ / 30 min"), ("80 EUR".into(), Some("30min".into())));
        assert_eq!(one("30 min : 80€"), ("80 EUR".into(), Some("30min".into())));
        assert_eq!(one("1h = 150 €"), ("150 EUR".into(), Some("1h".into())));
        assert_eq!(one("200 lei ora"), ("200 RON".into(), Some("1h".into())));
        assert_eq!(one("80 лв. за час"), ("80 BGN".into(), Some("1h".into())));
        assert_eq!(one("CHF 300"), ("300 CHF".into(), None));
        assert_eq!(one("99,50 EUR"), ("99.50 EUR".into(), None));
        assert_eq!(one("1.500 €"), ("1500 EUR".into(), None));
        assert_eq!(
            one("100€ la demi-heure"),
            ("100 EUR".into(), Some("30min".into()))
        );
        assert_eq!(one("🌹🌹🌹 1h"), ("3 ROSES".into(), Some("1h".into())));
        assert_eq!(one("150 roses/h"), ("150 ROSES".into(), Some("1h".into())));
    }

    #[test]
    fn thousands_and_unicode_spaces() {
        // French writes thousands apart, often with a (narrow) no-break space.
        assert_eq!(one("1 500 € la semaine").0, "1500 EUR");
        assert_eq!(one("1\u{202F}500\u{A0}€").0, "1500 EUR");
        assert_eq!(one("12\u{A0}500 €").0, "12500 EUR");
        assert_eq!(one("1 000 000 €").0, "1000000 EUR");
        assert_eq!(one("1 500,50 €").0, "1500.50 EUR");
        assert_eq!(one("1.500,50 €").0, "1500.50 EUR");
        assert_eq!(one("£1,500 a week").0, "1500 GBP");
        assert_eq!(one("2 000 lei").0, "2000 RON");
        assert_eq!(one("€\u{202F}150").0, "150 EUR");
        assert_eq!(one("150\u{2009}€").0, "150 EUR");
        let f = find("tarif: 1 500€");
        assert_eq!((f[0].start, f[0].end), (7, 15));
        assert_eq!(f[0].evidence, "1 500€");
        // A phone just before a price keeps its digits: the price is 150, not 78,150.
        let f = find("06 12 34 56 78 150 €");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].value, "150 EUR");
        // Groups of other sizes are no thousands.
        assert_eq!(one("3 filles 150 € chacune").0, "150 EUR");
        assert_eq!(one("10 50 €").0, "50 EUR");
        assert!(find("0,500 €").iter().all(|f| f.value != "500 EUR"));
        assert_eq!(one("EUR  150").0, "150 EUR");
    }

    #[test]
    fn not_prices() {
        assert!(find("06 12 34 56 78").is_empty());
        assert!(find("19 ans, 1m70, 14h30").is_empty());
        assert!(find("eur0pe").is_empty());
    }
}
