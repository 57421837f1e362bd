//! IBANs, compact or printed in groups: country code, check digits, the country's BBAN length
//! (SWIFT IBAN registry) and the ISO 13616 mod-97 check. Value: compact, uppercase.

use super::chars::{inline_space_len, is_wide_space, line_break_len, next_ascii_digit};
use cairn_core::{Finding, FindingKind};

/// Rule id and version recorded on every IBAN finding.
pub const RULE: &str = "iban@1";

/// IBAN length per country (SWIFT IBAN registry).
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// The IBAN length of country `cc` (two capitals), if it has IBANs.
pub(crate) fn length_for(cc: &[u8]) -> Option<usize> {
    LENGTHS
        .iter()
        .find(|(c, _)| c.as_bytes() == cc)
        .map(|&(_, n)| n)
}

/// Finds the IBANs of `text`.
pub fn find(text: &str) -> Vec<Finding> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // No IBAN starts before the end of the last one.
    let mut floor = 0;
    // Each run of digits is looked at from its first digit: an IBAN's check digits follow its
    // country code (`FR76…`), or a space after it (`FR 76…`), at the start of a word.
    let mut d = next_ascii_digit(b, 0);
    while d < b.len() {
        let mut found = None;
        if b.get(d + 1).is_some_and(u8::is_ascii_digit) {
            for gap in [0, 1] {
                let Some(s) = d.checked_sub(2 + gap) else {
                    continue;
                };
                let starts = s >= floor
                    && (gap == 0 || b[d - 1] == b' ')
                    && (s == 0
                        || !is_word_byte(b[s - 1])
                        || text.get(..s).is_some_and(ends_with_wide_space))
                    && b[s].is_ascii_alphabetic()
                    && b[s + 1].is_ascii_alphabetic();
                if starts {
                    found = at(text, s, gap);
                    break;
                }
            }
        }
        if let Some((f, end)) = found {
            // `at` ends an IBAN only before a byte that is no word byte.
            out.push(f);
            floor = end;
            d = next_ascii_digit(b, end);
            continue;
        }
        let mut e = d;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        d = next_ascii_digit(b, e);
    }
    out
}

/// Whether `s` ends with a space that is not ASCII (no-break, narrow, thin...): `IBAN&nbsp;FR76…`.
fn ends_with_wide_space(s: &str) -> bool {
    s.chars().next_back().is_some_and(is_wide_space)
}

fn is_word_byte(b: u8) -> bool {
    WORD_BYTE[usize::from(b)]
}

/// ASCII letters and digits, `_`, and every byte of a non-ASCII character: one look-up per byte.
static WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c >= 0x80 || c == b'_';
        b += 1;
    }
    t
};

fn at(text: &str, i: usize, gap: usize) -> Option<(Finding, usize)> {
    let b = text.as_bytes();
    let cc = [b[i].to_ascii_uppercase(), b[i + 1].to_ascii_uppercase()];
    let len = length_for(&cc)?;
    let mut compact = Vec::with_capacity(len);
    compact.extend_from_slice(&cc);
    compact.extend_from_slice(b.get(i + 2 + gap..i + 4 + gap)?);
    let mut j = i + 4 + gap;
    let mut end = j;
    // Past a line break, letters only in a group that holds a digit (`6087\n1G93`, `X143`) or
    // that ends the number (`9785\nC`): a word on the next line (`RO61693484\nPublicat pe`) is
    // no part of the number, though the letters of some countries' account numbers would let
    // it in.
    let mut wrapped = false;
    let mut group_ok = true;
    while compact.len() < len && j < b.len() {
        let c = b[j];
        if c.is_ascii_alphabetic() && !group_ok {
            group_ok = group_after_break_fits(&b[j..], len - compact.len());
        }
        if c.is_ascii_digit() || (c.is_ascii_alphabetic() && group_ok) {
            compact.push(c.to_ascii_uppercase());
            group_ok = true;
            j += 1;
            end = j;
        } else if c.is_ascii_alphabetic() {
            break;
        } else if let Some(k) = separator_len(b, j) {
            // One separator between groups (`FR76.3000.6000…` too; a full stop after the
            // number is followed by no letter or digit).
            wrapped |= b[j..j + k].contains(&b'\n');
            group_ok = !wrapped;
            j += k;
        } else {
            // A no-break or other wide space between groups.
            let wide = if c >= 0x80 {
                inline_space_len(text, j)
            } else {
                0
            };
            if wide == 0 {
                break;
            }
            j += wide;
            group_ok = !wrapped;
        }
    }
    if compact.len() != len || (end < b.len() && is_word_byte(b[end])) {
        return None;
    }
    if !mod97_ok(&compact) {
        return None;
    }
    let value = String::from_utf8(compact).ok()?;
    if !bban_structure_ok(&value) {
        return None;
    }
    let country = value.get(..2)?.to_owned();
    let f =
        Finding::from_span(FindingKind::Iban, value, text, i, end, RULE)?.with("country", country);
    Some((f, end))
}

/// The length of the separator between two groups at `j`: a space, `-`, `.` or `/`, or two
/// spaces (`FR76  3000`, as justified text spaces them), or a `-` or `/` with a space on each
/// side (`FR76 - 3000`), or one line break with the spaces around it (an IBAN wrapped onto a
/// second line; its length and check digits still have to come out right); only before a letter
/// or digit.
fn separator_len(b: &[u8], j: usize) -> Option<usize> {
    let rest = b.get(j..)?;
    let k = match rest {
        [b' ', b'-' | b'/', b' ', ..] => 3,
        [b' ', b' ', ..] => line_break_len(rest, 3).unwrap_or(2),
        [b' ' | b'\r' | b'\n', ..] => {
            line_break_len(rest, 3).unwrap_or(usize::from(rest[0] == b' '))
        }
        [b'-' | b'.' | b'/', ..] => 1,
        _ => return None,
    };
    if k == 0 {
        return None;
    }
    rest.get(k)
        .is_some_and(u8::is_ascii_alphanumeric)
        .then_some(k)
}

/// Whether the group of letters and digits that starts `rest`, past the line break of a wrapped
/// IBAN, may be part of it: it holds a digit, or it is the `needed` characters that end it.
fn group_after_break_fits(rest: &[u8], needed: usize) -> bool {
    let n = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    n == needed || rest[..n].iter().any(u8::is_ascii_digit)
}

/// Whether the BBAN of `iban` (compact, uppercase, length and check digits right) has its
/// country's structure in the SWIFT IBAN registry: letters, digits or either at each position
/// (`RO` is four letters, then sixteen letters or digits). One word read into the number where
/// digits belong (`RO61693484 Publicat pe 11/02`, whose check digits happen to fit) fails it. A
/// country the registry table does not know passes.
fn bban_structure_ok(iban: &str) -> bool {
    match iban.parse::<::iban::Iban>() {
        Ok(_) | Err(::iban::ParseIbanError::UnknownCountry(_)) => true,
        Err(_) => false,
    }
}

/// ISO 13616: move the first four characters to the end, letters to 10..35, mod 97 == 1.
pub fn mod97_ok(iban: &[u8]) -> bool {
    if iban.len() < 5 || !iban[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut r: u32 = 0;
    for &c in iban[4..].iter().chain(&iban[..4]) {
        match c {
            b'0'..=b'9' => r = (r * 10 + (c - b'0') as u32) % 97,
            b'A'..=b'Z' => r = (r * 100 + (c - b'A' + 10) as u32) % 97,
            _ => return false,
        }
    }
    r == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_and_compact() {
        for (t, v) in [
            (
                "IBAN: FR76 3000 6000 0112 3456 7890 189.",
                "FR7630006000011234567890189",
            ),
            ("de89370400440532013000", "DE89370400440532013000"),
            ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
            ("RO49 AAAA 1B31 0075 9384 0000", "RO49AAAA1B31007593840000"),
            ("BG80BNBG96611020345678", "BG80BNBG96611020345678"),
            ("NL91-ABNA-0417-1643-00", "NL91ABNA0417164300"),
            ("IBAN : BE 68 5390 0754 7034", "BE68539007547034"),
            (
                "IBAN FR76.3000.6000.0112.3456.7890.189.",
                "FR7630006000011234567890189",
            ),
            // No-break spaces, as `&nbsp;` in a page leaves them.
            (
                "IBAN\u{A0}FR76\u{A0}3000\u{A0}6000\u{A0}0112\u{A0}3456\u{A0}7890\u{A0}189",
                "FR7630006000011234567890189",
            ),
            (
                "IBAN\u{202F}DE89\u{202F}3704\u{202F}0044\u{202F}0532\u{202F}0130\u{202F}00",
                "DE89370400440532013000",
            ),
            // Two spaces, slashes, a spaced hyphen between the groups.
            (
                "iban FR76  3000  6000  0112  3456  7890  189",
                "FR7630006000011234567890189",
            ),
            (
                "IBAN FR76/3000/6000/0112/3456/7890/189",
                "FR7630006000011234567890189",
            ),
            (
                "DE89 - 3704 - 0044 - 0532 - 0130 - 00",
                "DE89370400440532013000",
            ),
            // Wrapped onto a second line.
            (
                "Bank details PL07 2116 9338 8613\n6829 4013 9678 please",
                "PL07211693388613682940139678",
            ),
            (
                "IBAN FR76 3000 6000 0112 3456 \r\n  7890 189 merci",
                "FR7630006000011234567890189",
            ),
            // Wrapped, with letters past the break in a group that a digit starts.
            (
                "Cont: BG05 UBBS 8002 \n10F2 3456 78 mulțumesc",
                "BG05UBBS800210F2345678",
            ),
            (
                "IBAN RO91 BTRL 0130 \r\n1G93 5872 0XX1",
                "RO91BTRL01301G9358720XX1",
            ),
            (
                "bitte auf CH53 8783 1123\n5453 9785 C mit Verwendungszweck",
                "CH538783112354539785C",
            ),
            (
                "auf CH54 3284 6878 \n9754 X143 2 Versand",
                "CH54328468789754X1432",
            ),
            // Thin spaces, as some editors group digits.
            (
                "IBAN\u{2009}FR76\u{2009}3000\u{2009}6000\u{2009}0112\u{2009}3456\u{2009}7890\u{2009}189",
                "FR7630006000011234567890189",
            ),
        ] {
            let f = find(t);
            assert_eq!(f.len(), 1, "{t}");
            assert_eq!(f[0].value, v);
            assert_eq!(&t[f[0].start..f[0].end], f[0].evidence);
        }
    }

    #[test]
    fn bad_checksum_or_length() {
        assert!(find("FR76 3000 6000 0112 3456 7890 188").is_empty());
        assert!(find("FR76 3000 6000 0112 3456 7890 1899").is_empty());
        assert!(find("XX76 3000 6000").is_empty());
        // A letter before the country code is still a word.
        assert!(find("éFR76 3000 6000 0112 3456 7890 189").is_empty());
        // A full stop followed by a space ends the number: here one digit short, so no IBAN.
        assert!(find("FR76.3000.6000.0112.3456.7890.18. 9").is_empty());
        // One line break only, and the number must still end there.
        assert!(find("FR76 3000 6000 0112\n\n3456 7890 189").is_empty());
        assert!(find("FR76 3000 6000 0112 3456 7890\n1895").is_empty());
        // A word read where the country's BBAN has digits (the check digits happen to fit), on
        // the next line or the same one; and a word past a line break.
        assert!(find("RO61693484\nPublicat pe 11/02").is_empty());
        assert!(find("RO61693484 Publicat pe 11/02").is_empty());
        assert!(find("CH53 8783 1123 5453 9785\nCHF 150").is_empty());
        // Check digits right, structure wrong: digits for the letters of a GB or NL bank code.
        assert!(find("GB25 1234 1234 5698 7654 32").is_empty());
        assert!(find("NL53 1234 0417 1643 00").is_empty());
    }
}
