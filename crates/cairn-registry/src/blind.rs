//! Blind index: HMAC-SHA-256 over a normalised value under the index key, so that a name, birth
//! date or phone can be found exactly without storing it in clear.
//!
//! Normalisation (documented in docs/registry.md): names are NFKD-decomposed, stripped of
//! combining marks, case-folded, a few letters without decomposition folded (ø→o, æ→ae, ß→ss,
//! ł→l, đ→d, þ→th, œ→oe, ı→i), and everything but letters and digits dropped, so "Zoë
//! O'Brien-Łukasz" and "zoe obrien lukasz" index alike. Dates become YYYY-MM-DD. Phones keep their
//! digits, with a leading `+` (or `00`) kept as `+`.

use crate::crypto::SecretKey;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Which index a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexField {
    /// The whole name (first and second names together).
    Name,
    /// The second (family) name alone.
    SecondName,
    Birthdate,
    Phone,
}

impl IndexField {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::SecondName => "second_name",
            Self::Birthdate => "birthdate",
            Self::Phone => "phone",
        }
    }
}

/// Name folding; `None` when nothing is left (an empty name is never indexed).
pub fn normalise_name(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    for c in name.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        for lower in c.to_lowercase() {
            match lower {
                'ø' => out.push('o'),
                'æ' => out.push_str("ae"),
                'ß' => out.push_str("ss"),
                'ł' => out.push('l'),
                'đ' | 'ð' => out.push('d'),
                'þ' => out.push_str("th"),
                'œ' => out.push_str("oe"),
                'ı' => out.push('i'),
                // Final sigma is the same letter: `ΑΣ` lowercases to `ας` as a string but to `ασ`
                // character by character, and `ϲ` decomposes to `ς` while `Ϲ` gives `σ`.
                'ς' => out.push('σ'),
                c if c.is_alphanumeric() => out.push(c),
                _ => {}
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A calendar date as YYYY-MM-DD from YYYY-MM-DD, YYYY/MM/DD, DD/MM/YYYY, DD-MM-YYYY or
/// DD.MM.YYYY; `None` if it is not a real date.
pub fn normalise_date(text: &str) -> Option<String> {
    let t = text.trim();
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 {
        (parts[2], parts[1], parts[0])
    } else {
        return None;
    };
    let year: i32 = y.parse().ok()?;
    let month: u8 = m.parse().ok()?;
    let day: u8 = d.parse().ok()?;
    let month = time::Month::try_from(month).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

/// Digits of a phone number, `+` kept for an international prefix (`00` becomes `+`); `None`
/// with fewer than 6 digits.
pub fn normalise_phone(text: &str) -> Option<String> {
    let t = text.trim();
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    let (plus, digits) = if t.starts_with('+') {
        (true, digits.as_str())
    } else if let Some(rest) = digits.strip_prefix("00") {
        (true, rest)
    } else {
        (false, digits.as_str())
    };
    if digits.len() < 6 {
        return None;
    }
    Some(if plus {
        format!("+{digits}")
    } else {
        digits.to_owned()
    })
}

/// Normalises `value` for `field`; `None` if nothing indexable remains.
pub fn normalise(field: IndexField, value: &str) -> Option<String> {
    match field {
        IndexField::Name | IndexField::SecondName => normalise_name(value),
        IndexField::Birthdate => normalise_date(value),
        IndexField::Phone => normalise_phone(value),
    }
}

/// The token stored in `person_index`: HMAC-SHA-256(index key, field name, 0, normalised value).
pub fn token(key: &SecretKey, field: IndexField, value: &str) -> Option<Vec<u8>> {
    let normalised = normalise(field, value)?;
    Some(mac(
        key,
        &[field.as_str().as_bytes(), &[0], normalised.as_bytes()],
    ))
}

/// HMAC-SHA-256 over the concatenated parts.
pub fn mac(key: &SecretKey, parts: &[&[u8]]) -> Vec<u8> {
    // An HMAC key may have any length: new_from_slice cannot fail here.
    let mut m = match <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_fold_case_diacritics_and_spaces() {
        assert_eq!(
            normalise_name("Zoë O'Brien-Łukasz").as_deref(),
            Some("zoeobrienlukasz")
        );
        assert_eq!(
            normalise_name("  ZOE   obrien lukasz"),
            normalise_name("Zoë O'Brien-Łukasz")
        );
        assert_eq!(normalise_name("Søren Ærø").as_deref(), Some("sorenaero"));
        assert_eq!(normalise_name("Straße").as_deref(), Some("strasse"));
        assert_eq!(normalise_name("ｊｏｈｎ").as_deref(), Some("john"));
        assert_eq!(normalise_name(" - ' "), None);
    }

    #[test]
    fn dates_and_phones() {
        assert_eq!(normalise_date("2009-03-07").as_deref(), Some("2009-03-07"));
        assert_eq!(normalise_date("07/03/2009").as_deref(), Some("2009-03-07"));
        assert_eq!(normalise_date("7.3.2009").as_deref(), Some("2009-03-07"));
        assert_eq!(normalise_date("2009-02-30"), None);
        assert_eq!(normalise_date("yesterday"), None);
        assert_eq!(
            normalise_phone("+33 6 12 34 56 78").as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            normalise_phone("0033 6-12-34-56-78").as_deref(),
            Some("+33612345678")
        );
        assert_eq!(
            normalise_phone("06 12 34 56 78").as_deref(),
            Some("0612345678")
        );
        assert_eq!(normalise_phone("12"), None);
    }

    #[test]
    fn tokens_depend_on_field_and_key() {
        let k1 = SecretKey::from_bytes([1; 32]);
        let k2 = SecretKey::from_bytes([2; 32]);
        let a = token(&k1, IndexField::Name, "Ana").unwrap();
        assert_eq!(Some(a.clone()), token(&k1, IndexField::Name, "ÁNA"));
        assert_ne!(Some(a.clone()), token(&k1, IndexField::SecondName, "Ana"));
        assert_ne!(Some(a), token(&k2, IndexField::Name, "Ana"));
    }

    #[test]
    fn final_sigma_folds_like_sigma() {
        assert_eq!(normalise_name("ΟΔΥΣΣΕΑΣ"), normalise_name("Οδυσσέας"));
        assert_eq!(normalise_name("Ϲ"), normalise_name("ϲ"));
        assert_eq!(normalise_name("ΑΣ").as_deref(), Some("ασ"));
    }

    proptest! {
        #[test]
        fn name_normalisation_is_idempotent_and_space_blind(
            s in proptest::prop_oneof!["\\PC{0,40}", "[\\p{Greek}\\p{Cyrillic} ]{0,20}"]
        ) {
            if let Some(n) = normalise_name(&s) {
                prop_assert_eq!(normalise_name(&n), Some(n.clone()));
                let spaced: String = s.chars().flat_map(|c| [c, ' ']).collect();
                prop_assert_eq!(normalise_name(&spaced), Some(n.clone()));
                prop_assert_eq!(normalise_name(&s.to_lowercase()), Some(n.clone()));
            }
        }

        #[test]
        fn date_normalisation_round_trips(y in 1900i32..2100, m in 1u8..=12, d in 1u8..=28) {
            let iso = format!("{y:04}-{m:02}-{d:02}");
            prop_assert_eq!(normalise_date(&iso), Some(iso.clone()));
            prop_assert_eq!(normalise_date(&format!("{d}/{m}/{y}")), Some(iso.clone()));
        }

        #[test]
        fn normalisers_never_panic(s in "\\PC{0,60}") {
            let _ = normalise_name(&s);
            let _ = normalise_date(&s);
            let _ = normalise_phone(&s);
        }
    }
}
