//! libphonenumber's metadata as static tables generated at build time (see `build.rs`), with each
//! pattern compiled on first use.
//!
//! The `phonenumber` crate builds its whole `Database` on first use, checking the syntax of every
//! pattern of every region: most of a scan's start-up. A scan meets a handful of regions; these
//! tables cost nothing to load and compile only the patterns a number is checked against.

use regex::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// One number type of a region: its pattern and its possible lengths.
#[derive(Debug)]
pub(super) struct Desc {
    /// Index in [`PATTERNS`].
    pattern: usize,
    lengths: &'static [u16],
}

/// One region (or non-geographic entity, id `001`) of libphonenumber's metadata.
#[derive(Debug)]
pub(super) struct Meta {
    pub id: &'static str,
    pub code: u16,
    /// `code` in decimal digits.
    pub code_digits: &'static str,
    pub national_prefix: Option<&'static str>,
    /// Index in [`PATTERNS`] of the leading digits that pick this region among those sharing
    /// its country code.
    leading_digits: Option<usize>,
    general: Desc,
    types: &'static [Desc],
}

include!(concat!(env!("OUT_DIR"), "/phone_meta.rs"));

/// Each pattern anchored at both ends, compiled on first use.
static FULL: [OnceLock<Option<Regex>>; N_PATTERNS] = [const { OnceLock::new() }; N_PATTERNS];
/// Each pattern anchored at the start only (leading digits), compiled on first use.
static PREFIX: [OnceLock<Option<Regex>>; N_PATTERNS] = [const { OnceLock::new() }; N_PATTERNS];

/// `PATTERNS[i]` matches `value` from its start (and to its end when `full`).
fn pattern_match(i: usize, value: &str, full: bool) -> bool {
    let (cache, pattern) = match (full, PATTERNS.get(i)) {
        (true, Some(p)) => (&FULL, p),
        (false, Some(p)) => (&PREFIX, p),
        (_, None) => return false,
    };
    let Some(slot) = cache.get(i) else {
        return false;
    };
    let re = slot.get_or_init(|| {
        let anchored = if full {
            format!("^(?:{pattern})$")
        } else {
            format!("^(?:{pattern})")
        };
        // The metadata patterns are written with insignificant whitespace. They are only ever
        // run on ASCII digits: without Unicode, `\d` is `[0-9]` instead of every decimal digit of
        // Unicode, which made compiling the patterns a scan meets cost as much as analysing a
        // few hundred records.
        RegexBuilder::new(&anchored)
            .ignore_whitespace(true)
            .unicode(false)
            .build()
            .ok()
    });
    re.as_ref().is_some_and(|re| re.is_match(value))
}

impl Desc {
    /// The national number has one of the possible lengths and matches the whole pattern.
    fn full_match(&self, nsn: &str) -> bool {
        if !self.lengths.is_empty() && !self.lengths.iter().any(|&l| usize::from(l) == nsn.len()) {
            return false;
        }
        pattern_match(self.pattern, nsn, true)
    }
}

impl Meta {
    /// libphonenumber's validity: the national number matches the general description and one
    /// number type in full.
    pub fn has_type(&self, nsn: &str) -> bool {
        self.general.full_match(nsn) && self.types.iter().any(|t| t.full_match(nsn))
    }

    /// The region's leading digits match the start of `nsn`; `None` when it has none.
    pub fn leading_digits_match(&self, nsn: &str) -> Option<bool> {
        self.leading_digits.map(|i| pattern_match(i, nsn, false))
    }
}

/// The regions of a country calling code, its main country first.
pub(super) fn by_code(code: u16) -> &'static [Meta] {
    let start = REGIONS.partition_point(|m| m.code < code);
    let end = REGIONS.partition_point(|m| m.code <= code);
    REGIONS.get(start..end).unwrap_or_default()
}

/// The region with this ISO 3166 id (upper case); non-geographic entities (`001`) have several
/// country codes and are found by [`by_code`] only.
pub(super) fn by_id(id: &str) -> Option<&'static Meta> {
    if id == "001" {
        return None;
    }
    REGIONS.iter().find(|m| m.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_hold_the_european_regions() {
        let fr = by_id("FR").map(|m| (m.code, m.national_prefix));
        assert_eq!(fr, Some((33, Some("0"))));
        assert_eq!(by_id("IT").map(|m| m.national_prefix), Some(None));
        assert_eq!(by_code(44).first().map(|m| m.id), Some("GB"));
        assert!(by_code(44).len() > 1, "GB shares +44 with GG, IM, JE");
        assert!(by_code(999).is_empty());
        assert!(by_code(800).iter().all(|m| m.id == "001"));
        assert!(!by_code(800).is_empty());
    }

    #[test]
    fn validity_from_the_tables() {
        let fr = by_id("FR");
        assert_eq!(fr.map(|m| m.has_type("612345678")), Some(true));
        assert_eq!(fr.map(|m| m.has_type("012345678")), Some(false));
        assert_eq!(fr.map(|m| m.has_type("61234567")), Some(false));
    }

    #[test]
    fn every_pattern_compiles() {
        for (i, pattern) in PATTERNS.iter().enumerate() {
            pattern_match(i, "0", true);
            let compiled = FULL
                .get(i)
                .is_some_and(|s| s.get().is_some_and(Option::is_some));
            assert!(compiled, "pattern {i} does not compile: {pattern}");
        }
    }
}
