//! Character helpers shared by the selector scanners: Unicode decimal digits, diacritic folding.

/// Code points of the digit zero of every Unicode `Nd` block (each block is ten consecutive code
/// points, zero to nine). Generated from the Unicode Character Database (14.0, plus the blocks
/// added in 15.0 and 16.0); `tests::every_block_is_numeric` checks them against Rust's tables.
const ND_ZEROS: [u32; 75] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x10D40, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
    0x11650, 0x116C0, 0x116D0, 0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50, 0x11DA0,
    0x11F50, 0x16130, 0x16A60, 0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE, 0x1D7D8, 0x1D7E2,
    0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E5F1, 0x1E950, 0x1FBF0,
];

/// The value of a decimal digit in any script (Unicode `Nd`: ASCII, fullwidth, Arabic-Indic,
/// mathematical...) and of the circled, superscript and other digit forms people put in ads.
// Called on the first character of every word: ASCII is decided inline, the rest out of line.
#[inline(always)]
pub fn digit_value(c: char) -> Option<u8> {
    let cp = c as u32;
    if (0x30..=0x39).contains(&cp) {
        return Some((cp - 0x30) as u8);
    }
    if cp < 0xB2 {
        return None;
    }
    non_ascii_digit_value(cp)
}

/// [`digit_value`] of a code point from U+00B2 on.
#[inline(never)]
fn non_ascii_digit_value(cp: u32) -> Option<u8> {
    if cp < 0x660 {
        // Superscript one, two and three (Latin-1); their siblings are further on.
        return match cp {
            0xB9 => Some(1),
            0xB2 | 0xB3 => Some((cp - 0xB0) as u8),
            _ => None,
        };
    }
    // Largest zero <= cp.
    let idx = ND_ZEROS.partition_point(|&z| z <= cp);
    if idx > 0 {
        let zero = ND_ZEROS[idx - 1];
        if cp - zero < 10 {
            return Some((cp - zero) as u8);
        }
    }
    digit_form_value(cp)
}

/// The digits written in other forms that ads use to slip past filters: circled, parenthesised,
/// with a full stop, superscript and subscript (`⁰⁶ ¹² ³⁴ ⁵⁶ ⁷⁸`).
fn digit_form_value(cp: u32) -> Option<u8> {
    let v = match cp {
        0x2070 | 0x2080 => 0,
        0x2074..=0x2079 => cp - 0x2070,     // ⁴ .. ⁹
        0x2081..=0x2089 => cp - 0x2080,     // ₁ .. ₉
        0x2474..=0x247C => cp - 0x2474 + 1, // ⑴ .. ⑼
        0x2488..=0x2490 => cp - 0x2488 + 1, // ⒈ .. ⒐
        0x1F10B | 0x1F10C => 0,             // dingbat circled zeros
        0x2460..=0x2468 => cp - 0x2460 + 1, // ① .. ⑨
        0x24EA | 0x24FF | 0x1F100 | 0x1F101 => 0,
        0x24F5..=0x24FD => cp - 0x24F5 + 1,    // ⓵ .. ⓽
        0x2776..=0x277E => cp - 0x2776 + 1,    // ❶ .. ❾
        0x2780..=0x2788 => cp - 0x2780 + 1,    // ➀ .. ➈
        0x278A..=0x2792 => cp - 0x278A + 1,    // ➊ .. ➒
        0x1F102..=0x1F10A => cp - 0x1F102 + 1, // 🄂 .. 🄊 (digit comma)
        _ => return None,
    };
    Some(v as u8)
}

/// The start of the last (at most) `max` bytes of `text[..end]`, on a character boundary: the
/// look-behind window of the finders, so that looking back never costs more than `max` bytes.
pub fn window_start(text: &str, end: usize, max: usize) -> usize {
    let mut k = end.saturating_sub(max);
    while k < end && !text.is_char_boundary(k) {
        k += 1;
    }
    k
}

/// The offset of the first byte of `b` from `from` on that is an ASCII digit or `extra`, else
/// `b.len()`. Eight bytes at a time: most bytes of an ad are letters and spaces, and the finders
/// that start at a digit (ages, prices, IBANs) spent most of their time stepping over them.
pub fn next_digit_or(b: &[u8], from: usize, extra: u8) -> usize {
    use super::bytes8;
    if from > b.len() {
        return b.len();
    }
    let mut at = from;
    while let Some(x) = bytes8::load(b, at) {
        let hits = bytes8::between(x, b'0' - 1, b'9' + 1) | bytes8::equal(x, extra);
        if hits != 0 {
            return at + bytes8::first(hits);
        }
        at += 8;
    }
    let tail = b.get(at..).unwrap_or_default();
    at + tail
        .iter()
        .position(|&c| c.is_ascii_digit() || c == extra)
        .unwrap_or(tail.len())
}

/// [`next_digit_or`] for ASCII digits only.
pub fn next_ascii_digit(b: &[u8], from: usize) -> usize {
    next_digit_or(b, from, b'0')
}

/// Whether the lower case of `h`, character by character (`char::to_lowercase`), is `p`: the
/// letters of our alphabets through [`crate::fastchar::simple_lower`], without the general
/// Unicode tables (their search was a few per cent of the price finder's time).
pub fn lowercase_is(h: &str, p: &str) -> bool {
    let mut want = p.chars();
    for c in h.chars() {
        match crate::fastchar::simple_lower(c) {
            Some(l) => {
                if want.next() != Some(l) {
                    return false;
                }
            }
            None => {
                for l in c.to_lowercase() {
                    if want.next() != Some(l) {
                        return false;
                    }
                }
            }
        }
    }
    want.next().is_none()
}

/// A space inside a line: the ASCII space and tab, and every other Unicode space that does not
/// break a line (no-break U+00A0, narrow no-break U+202F, which French writes before `€` and
/// between thousands, thin U+2009, figure U+2007...). One definition for every finder, so that
/// `19\u{202F}ans`, `1\u{A0}500 €` and `julie\u{2009}@\u{2009}example.fr` read as with spaces.
#[inline]
pub fn is_inline_space(c: char) -> bool {
    c == ' '
        || c == '\t'
        || (!c.is_ascii() && c.is_whitespace() && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}'))
}

/// The length in bytes of the inline space ([`is_inline_space`]) at byte `i` of `text`, 0 if
/// none starts there.
#[inline]
pub fn inline_space_len(text: &str, i: usize) -> usize {
    match text.as_bytes().get(i) {
        Some(b' ' | b'\t') => 1,
        Some(&b) if b >= 0xC2 => text
            .get(i..)
            .and_then(|r| r.chars().next())
            .filter(|&c| is_inline_space(c))
            .map_or(0, char::len_utf8),
        _ => 0,
    }
}

/// An inline space that is not ASCII (no-break, narrow no-break, thin...): the ones a finder
/// reading bytes must decode to see.
#[inline]
pub fn is_wide_space(c: char) -> bool {
    !c.is_ascii() && is_inline_space(c)
}

/// The offset after at most `max` inline spaces from byte `i` of `text`.
#[inline]
pub fn skip_inline_spaces(text: &str, mut i: usize, max: usize) -> usize {
    for _ in 0..max {
        let len = inline_space_len(text, i);
        if len == 0 {
            break;
        }
        i += len;
    }
    i
}

/// `s` without its trailing inline spaces.
#[inline]
pub fn trim_end_inline_spaces(s: &str) -> &str {
    s.trim_end_matches(is_inline_space)
}

/// The length of one line break (`\n` or `\r\n`) at the start of `rest`, with up to
/// `max_blanks` spaces or tabs before it and as many after it: an address or an IBAN wrapped onto
/// the next line.
pub fn line_break_len(rest: &[u8], max_blanks: usize) -> Option<usize> {
    let blanks = |from: usize| {
        rest.get(from..)
            .unwrap_or_default()
            .iter()
            .take(max_blanks)
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count()
    };
    let before = blanks(0);
    let k = match &rest[before..] {
        [b'\r', b'\n', ..] => before + 2,
        [b'\n', ..] => before + 1,
        _ => return None,
    };
    Some(k + blanks(k))
}

/// The marks of a keycap digit `6️⃣`: variation selectors and the combining keycap.
#[inline]
pub fn is_keycap_mark(c: char) -> bool {
    matches!(c, '\u{FE0E}' | '\u{FE0F}' | '\u{20E3}')
}

/// Characters that only decorate a digit (keycap marks, zero-width joiners and spaces): skipped
/// between digits.
#[inline]
pub fn is_ignorable(c: char) -> bool {
    is_keycap_mark(c)
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// A lowercase word as ads may write it: as is, in upper case, and with its first letter upper.
pub fn case_spellings(word: &str) -> [String; 3] {
    let mut rest = word.chars();
    let title = rest
        .next()
        .map(|first| first.to_uppercase().chain(rest).collect())
        .unwrap_or_default();
    [word.to_owned(), word.to_uppercase(), title]
}

/// Lowercases `word` and strips the diacritics of the Latin letters used in our eight languages
/// into `out` (cleared first). Cyrillic is only lowercased. Returns false when the word is too
/// long to be a number word or handle label (callers skip it).
pub fn fold_word(word: &str, out: &mut String) -> bool {
    out.clear();
    if word.len() > 48 {
        return false;
    }
    // Most words are ASCII: their fold is their ASCII lower case (only `A`..`Z` change).
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        return true;
    }
    for c in word.chars() {
        match c {
            '\u{300}'..='\u{36F}' => {} // combining diacritics of decomposed text
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'a'..='z' | '0'..='9' => out.push(c),
            _ => match crate::fastchar::simple_lower(c) {
                Some(l) => match fold_latin(l) {
                    Some(s) => out.push_str(s),
                    None => out.push(l),
                },
                None => {
                    for l in c.to_lowercase() {
                        match fold_latin(l) {
                            Some(s) => out.push_str(s),
                            None => out.push(l),
                        }
                    }
                }
            },
        }
    }
    true
}

fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ă' | 'ā' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ñ' | 'ń' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => "u",
        'ý' | 'ÿ' => "y",
        'ș' | 'ş' | 'š' | 'ś' => "s",
        'ț' | 'ţ' | 'ť' => "t",
        'ž' | 'ź' | 'ż' => "z",
        'ł' => "l",
        'ß' => "ss",
        _ => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_block_is_numeric() {
        for z in ND_ZEROS {
            for d in 0..10 {
                let c = char::from_u32(z + d).unwrap();
                assert!(c.is_numeric(), "U+{:04X} is not numeric", z + d);
                assert_eq!(digit_value(c), Some(d as u8), "U+{:04X}", z + d);
            }
        }
        assert!(ND_ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]));
    }

    #[test]
    fn inline_spaces_are_the_spaces_that_do_not_break_a_line() {
        for c in [
            ' ', '\t', '\u{A0}', '\u{202F}', '\u{2009}', '\u{2007}', '\u{3000}',
        ] {
            assert!(is_inline_space(c), "U+{:04X}", c as u32);
        }
        for c in [
            '\n', '\r', '\u{85}', '\u{2028}', '\u{2029}', '\u{200B}', 'a', '-',
        ] {
            assert!(!is_inline_space(c), "U+{:04X}", c as u32);
        }
        let t = "1\u{202F}500\u{A0}€ x";
        assert_eq!(inline_space_len(t, 1), 3);
        assert_eq!(inline_space_len(t, 7), 2);
        assert_eq!(inline_space_len(t, 0), 0);
        assert_eq!(inline_space_len(t, 99), 0);
        assert_eq!(trim_end_inline_spaces("150\u{202F} \u{A0}"), "150");
        assert_eq!(skip_inline_spaces(t, 1, 1), 4);
        assert_eq!(skip_inline_spaces("a \u{A0} b", 1, usize::MAX), 5);
        assert!(is_wide_space('\u{A0}') && !is_wide_space(' '));
    }

    #[test]
    fn digits_of_many_scripts() {
        assert_eq!(digit_value('7'), Some(7));
        assert_eq!(digit_value('７'), Some(7));
        assert_eq!(digit_value('٧'), Some(7));
        assert_eq!(digit_value('𝟕'), Some(7));
        assert_eq!(digit_value('⑦'), Some(7));
        assert_eq!(digit_value('❼'), Some(7));
        assert_eq!(digit_value('a'), None);
        assert_eq!(digit_value('½'), None);
        assert_eq!(digit_value('¼'), None);
        // Superscript, subscript, parenthesised and full-stop digits: each one's value, as
        // compatibility decomposition gives it.
        for (forms, first) in [
            ("⁰¹²³⁴⁵⁶⁷⁸⁹", 0),
            ("₀₁₂₃₄₅₆₇₈₉", 0),
            ("⑴⑵⑶⑷⑸⑹⑺⑻⑼", 1),
            ("⒈⒉⒊⒋⒌⒍⒎⒏⒐", 1),
            ("🄋➀➁➂➃➄➅➆➇➈", 0),
        ] {
            for (k, c) in forms.chars().enumerate() {
                assert_eq!(digit_value(c), Some(first + k as u8), "U+{:04X}", c as u32);
            }
        }
    }

    proptest::proptest! {
        /// The eight-bytes-at-a-time search finds what a byte-by-byte search finds.
        #[test]
        fn next_digit_or_is_a_plain_search(
            b in proptest::collection::vec(proptest::sample::select(
                // The digits' neighbours, and bytes one away from each `extra` (a borrow in
                // the equality test).
                vec![b'0', b'5', b'9', b'/', b':', b'a', b'b', b' ', 0x7F, 0x80, 0xB9, 0xF0,
                     0xF1, 0xEF, 0xFF, 0xFE, 0x00, 0x01, b'1']
            ), 0..40),
            from in 0usize..45,
            extra in proptest::sample::select(vec![0xF0u8, b'0', 0x00, 0xFF, b'a']),
        ) {
            let plain = b
                .iter()
                .enumerate()
                .skip(from)
                .find(|&(_, &c)| c.is_ascii_digit() || c == extra)
                .map_or(b.len(), |(i, _)| i);
            proptest::prop_assert_eq!(next_digit_or(&b, from, extra), plain);
        }
    }

    #[test]
    fn next_digit_on_every_byte() {
        for byte in 0..=255u8 {
            for at in 0..12 {
                let mut b = vec![b'x'; 12];
                b[at] = byte;
                let expected = if byte.is_ascii_digit() || byte == 0xF0 {
                    at
                } else {
                    12
                };
                assert_eq!(
                    next_digit_or(&b, 0, 0xF0),
                    expected,
                    "byte {byte:#x} at {at}"
                );
            }
        }
        assert_eq!(next_ascii_digit(b"ab 12", 0), 3);
        assert_eq!(next_ascii_digit(b"ab 12", 4), 4);
        assert_eq!(next_ascii_digit(b"ab 12", 5), 5);
        assert_eq!(next_ascii_digit(b"ab", 9), 2);
    }

    proptest::proptest! {
        /// The lower case through the fast path is the lower case through the Unicode tables.
        #[test]
        fn lowercase_is_unicode_lowercase(
            h in "[a-zA-ZÀ-ÿА-яЀ-ЏİΣẞǅ€ -]{0,6}",
            p in "[a-zA-ZÀ-ÿА-яЀ-ЏİΣẞǅ€ -]{0,6}",
        ) {
            let lower: String = h.chars().flat_map(char::to_lowercase).collect();
            proptest::prop_assert!(lowercase_is(&h, &lower));
            proptest::prop_assert_eq!(
                lowercase_is(&h, &p),
                h.chars().flat_map(char::to_lowercase).eq(p.chars())
            );
        }
    }

    #[test]
    fn folding() {
        let mut s = String::new();
        assert!(fold_word("ZÉRO", &mut s));
        assert_eq!(s, "zero");
        fold_word("Şase", &mut s);
        assert_eq!(s, "sase");
        fold_word("dreißig", &mut s);
        assert_eq!(s, "dreissig");
        fold_word("НУЛА", &mut s);
        assert_eq!(s, "нула");
        fold_word("ze\u{301}ro", &mut s);
        assert_eq!(s, "zero");
    }
}
