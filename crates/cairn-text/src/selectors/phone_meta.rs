//! libphonenumber's metadata as static tables generated at build time (see `build.rs`), with each
//! pattern compiled on first use.
//!
//! The `phonenumber` crate builds its whole `Database` on first use, checking the syntax of every
//! pattern of every region: most of a scan's start-up. A scan meets a handful of regions; these
//! tables cost nothing to load and compile only the patterns a number is checked against. The
//! patterns of the main regions ([`PREBUILT_REGIONS`]) are compiled by `build.rs` already: their
//! DFAs are read in place from the binary (checked by `DFA::from_bytes`, no copy).

use super::phone_dfa;
use regex::{Regex, RegexBuilder};
use regex_automata::dfa::{Automaton, dense};
use regex_automata::util::wire::AlignAs;
use regex_automata::{Anchored, Input};
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

/// A compiled pattern: a fully built DFA (one table lookup per digit, nothing shared between
/// threads at match time), built here or at build time, else, for a pattern whose DFA would be
/// too large, a regex.
enum Compiled {
    Dfa(Box<dense::DFA<Vec<u32>>>),
    Prebuilt(Box<dense::DFA<&'static [u32]>>),
    Regex(Regex),
}

/// Each pattern anchored at both ends, compiled on first use.
static FULL: [OnceLock<Option<Compiled>>; N_PATTERNS] = [const { OnceLock::new() }; N_PATTERNS];
/// Each pattern anchored at the start only (leading digits), compiled on first use.
static PREFIX: [OnceLock<Option<Compiled>>; N_PATTERNS] = [const { OnceLock::new() }; N_PATTERNS];

/// `PATTERNS[i]` anchored at both ends (`full`) or at its start only, compiled on first use;
/// `None` for an index out of range or a pattern that compiles neither way.
fn compiled(i: usize, full: bool) -> Option<&'static Compiled> {
    let cache = if full { &FULL } else { &PREFIX };
    let pattern = PATTERNS.get(i)?;
    cache
        .get(i)?
        .get_or_init(|| prebuilt(i, full).or_else(|| compile(pattern, full)))
        .as_ref()
}

/// The DFA `build.rs` compiled for `PATTERNS[i]`, if it did. `None` also when the bytes do not
/// deserialise (a big-endian target, or a `regex-automata` whose format differs between the
/// build script and the library): the pattern is then compiled here.
fn prebuilt(i: usize, full: bool) -> Option<Compiled> {
    let spans = if full {
        &PREBUILT_FULL
    } else {
        &PREBUILT_PREFIX
    };
    let (start, end) = (*spans.get(i)?)?;
    let bytes = PREBUILT_DFAS.bytes.get(start as usize..end as usize)?;
    let (dfa, _) = dense::DFA::from_bytes(bytes).ok()?;
    Some(Compiled::Prebuilt(Box::new(dfa)))
}

/// `PATTERNS[i]` matches `value` from its start (and to its end when `full`).
fn pattern_match(i: usize, value: &str, full: bool) -> bool {
    match compiled(i, full) {
        Some(Compiled::Dfa(dfa)) => {
            let input = Input::new(value).anchored(Anchored::Yes);
            matches!(dfa.try_search_fwd(&input), Ok(Some(_)))
        }
        Some(Compiled::Prebuilt(dfa)) => {
            let input = Input::new(value).anchored(Anchored::Yes);
            matches!(dfa.try_search_fwd(&input), Ok(Some(_)))
        }
        Some(Compiled::Regex(re)) => re.is_match(value),
        None => false,
    }
}

fn compile(pattern: &str, full: bool) -> Option<Compiled> {
    if let Some(dfa) = phone_dfa::build(pattern, full) {
        return Some(Compiled::Dfa(Box::new(dfa)));
    }
    RegexBuilder::new(&phone_dfa::anchored(pattern, full))
        .ignore_whitespace(true)
        .unicode(false)
        .build()
        .ok()
        .map(Compiled::Regex)
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
    /// Compiles every pattern of the region now (its number types and leading digits), so that
    /// the first numbers of a scan do not wait for them.
    pub(super) fn compile_patterns(&self) {
        for d in std::iter::once(&self.general).chain(self.types) {
            compiled(d.pattern, true);
        }
        if let Some(i) = self.leading_digits {
            compiled(i, false);
        }
    }

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

    /// Warming a region up compiles its patterns and the leading digits of the regions sharing
    /// its country code (only a number's first check compiles those otherwise).
    #[test]
    fn warm_up_compiles_the_regions_of_a_code() {
        crate::selectors::phone::warm_up(&["GB", "XX"]);
        let shared = by_code(44);
        assert!(shared.len() > 1);
        for m in shared {
            for d in std::iter::once(&m.general).chain(m.types) {
                assert!(
                    FULL.get(d.pattern).is_some_and(|s| s.get().is_some()),
                    "{}",
                    m.id
                );
            }
            if let Some(i) = m.leading_digits {
                assert!(PREFIX.get(i).is_some_and(|s| s.get().is_some()), "{}", m.id);
            }
        }
        assert!(shared.iter().any(|m| m.leading_digits.is_some()));
    }

    /// Every pattern of the prebuilt regions (and of those sharing their codes) has a DFA from
    /// `build.rs` that deserialises and answers as the one compiled at run time.
    #[test]
    fn prebuilt_dfas_load_and_agree_with_run_time_ones() {
        let mut checked = 0;
        for id in PREBUILT_REGIONS {
            let main = by_id(id);
            assert!(main.is_some(), "{id}");
            for m in main.map(|m| by_code(m.code)).unwrap_or_default() {
                let described = std::iter::once(&m.general).chain(m.types);
                let wanted = described
                    .map(|d| (d.pattern, true))
                    .chain(m.leading_digits.map(|i| (i, false)));
                for (i, full) in wanted {
                    let Some(Compiled::Prebuilt(pre)) = prebuilt(i, full) else {
                        panic!("{}: pattern {i} (full: {full}) has no prebuilt DFA", m.id);
                    };
                    let Some(Compiled::Dfa(own)) = compile(PATTERNS[i], full) else {
                        panic!("{}: pattern {i} does not compile to a DFA here", m.id);
                    };
                    for len in 1..=13usize {
                        for seed in 0..24u64 {
                            let digits: String = (0..len)
                                .map(|k| {
                                    let d = (seed * 7 + k as u64 * (seed + 3)) % 10;
                                    char::from(b'0' + d as u8)
                                })
                                .collect();
                            let input = Input::new(&digits).anchored(Anchored::Yes);
                            assert_eq!(
                                pre.try_search_fwd(&input).ok(),
                                own.try_search_fwd(&input).ok(),
                                "{}: pattern {i} on {digits}",
                                m.id
                            );
                        }
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "only {checked} prebuilt patterns");
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
            // The DFA and the regex agree (the regex being the reference) on digit strings.
            let Some(Compiled::Dfa(_) | Compiled::Prebuilt(_)) =
                FULL.get(i).and_then(|s| s.get()).and_then(Option::as_ref)
            else {
                continue;
            };
            let anchored = format!("^(?:{pattern})$");
            let re = RegexBuilder::new(&anchored)
                .ignore_whitespace(true)
                .unicode(false)
                .build();
            let Ok(re) = re else {
                panic!("pattern {i}: the regex does not compile");
            };
            for len in 1..=12usize {
                for seed in 0..8u64 {
                    let digits: String = (0..len)
                        .map(|k| char::from(b'0' + ((seed * 7 + k as u64 * (seed + 3)) % 10) as u8))
                        .collect();
                    assert_eq!(
                        pattern_match(i, &digits, true),
                        re.is_match(&digits),
                        "{pattern} on {digits}"
                    );
                }
            }
        }
    }
}
