//! Character classes and lower case for the scripts most of our texts are written in, without
//! the Unicode table lookups (`char::is_alphanumeric` and `char::to_lowercase` search tables for
//! every character outside ASCII: a tenth of a scan's time on Bulgarian and accented text).
//! Every other character asks the standard library, so the results are always Unicode's (a test
//! compares them on every character these fast paths cover).

/// Latin-1 letters, Latin Extended-A and B, and the letters of the Cyrillic blocks.
#[inline]
fn common_letter(c: char) -> bool {
    matches!(c, '\u{C0}'..='\u{24F}' | '\u{400}'..='\u{481}' | '\u{48A}'..='\u{52F}')
        && c != '\u{D7}'
        && c != '\u{F7}'
}

/// Blocks of ads' punctuation and symbols with no letter nor digit: general punctuation (dashes,
/// quotes, bullets, invisible marks), currency signs and symbol marks (the keycap), arrows,
/// technical and geometric symbols, dingbats before their circled digits, variation selectors and
/// the pictographs.
#[inline]
fn common_symbol(c: char) -> bool {
    matches!(c,
        '\u{2000}'..='\u{206F}'
        | '\u{20A0}'..='\u{20FF}'
        | '\u{2190}'..='\u{23FF}'
        | '\u{2500}'..='\u{2775}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{1F300}'..='\u{1FAFF}')
}

/// `c.is_alphabetic()`.
#[inline]
pub fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        common_letter(c) || (!common_symbol(c) && c.is_alphabetic())
    }
}

/// `c.is_alphanumeric()`.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        common_letter(c) || (!common_symbol(c) && c.is_alphanumeric())
    }
}

/// `c.is_numeric()`: neither the letters nor the symbol blocks above hold a numeric character.
#[cfg(feature = "lang")]
#[inline]
pub fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        !common_letter(c) && !common_symbol(c) && c.is_numeric()
    }
}

/// The lower case of `c` when it is one character and `c` is ASCII, Latin-1 or in the Bulgarian
/// (basic Cyrillic) alphabet; `None` otherwise (then use `char::to_lowercase`).
#[inline]
pub fn simple_lower(c: char) -> Option<char> {
    let shifted = |by: u32| char::from_u32(u32::from(c) + by);
    match c {
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        '\0'..='\u{7F}' => Some(c),
        // À..Þ (but ×) → à..þ; ß..ÿ are lower case already.
        '\u{C0}'..='\u{DE}' if c != '\u{D7}' => shifted(0x20),
        '\u{DF}'..='\u{FF}' => Some(c),
        // А..Я → а..я, Ѐ..Џ → ѐ..џ; а..я and ѐ..џ are lower case already.
        '\u{410}'..='\u{42F}' => shifted(0x20),
        '\u{400}'..='\u{40F}' => shifted(0x50),
        '\u{430}'..='\u{45F}' => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_paths_agree_with_unicode() {
        let ranges = [
            '\0'..='\u{2FFF}',
            '\u{FE00}'..='\u{FE0F}',
            '\u{1F000}'..='\u{1FBFF}',
        ];
        let more = ['\u{FF10}', '\u{1D7CE}'];
        for c in ranges.into_iter().flatten().chain(more) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
            #[cfg(feature = "lang")]
            assert_eq!(is_numeric(c), c.is_numeric(), "{c:?}");
            if let Some(l) = simple_lower(c) {
                let mut std = c.to_lowercase();
                assert_eq!((std.next(), std.next()), (Some(l), None), "{c:?}");
            }
        }
    }
}
