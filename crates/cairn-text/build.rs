//! With the `lang` feature: turns Lingua's published n-gram models (Apache-2.0, crates
//! `lingua-*-language-model`) for Cairn's eight languages into one open-addressing table of
//! unigram, bigram and trigram log-probabilities, embedded in the library. Lingua itself is not a
//! dependency: its detector builds per-language FST lookups at run time, which cost more than the
//! rest of a record's analysis; the same numbers in one flat table are read with one hash probe.
//!
//! Table layout (little-endian): `u32` slot count (a power of two), then per slot a `u64`
//! fingerprint (FNV-1a 64 of the n-gram's UTF-8, never 0; 0 marks an empty slot) and eight `i16`
//! log-probabilities ×1000 in the order of `lang::LANGUAGES`, `i16::MIN` where the language's
//! model lacks the n-gram.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/selectors/phone_dfa.rs");
    #[cfg(feature = "lang")]
    lang_table::write();
    #[cfg(feature = "selectors")]
    phone_table::write();
    #[cfg(feature = "places")]
    gazetteer_blob::write();
    lexicon_blob::write();
    folded_table::write();
}

/// The fold of every character of the library's fold table (`normalize::folded_table`), as Rust
/// source computed by the library's own `normalize` (`folded_table.rs`), and the `cfg` that makes
/// the library read it instead of computing it on first use. A test holds the two equal.
mod folded_table {
    pub fn write() {
        println!("cargo::rustc-check-cfg=cfg(cairn_folded_table)");
        println!("cargo::rustc-cfg=cairn_folded_table");
        let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR set by cargo"))
            .join("folded_table.rs");
        std::fs::write(&path, super::normalize::folded_table_source())
            .expect("write the fold table");
    }
}

/// The library's character classes, matching form and gazetteer lines, the same files (used here
/// only by `gazetteer_blob` and `lexicon_blob`; the rest of them is the library's).
#[allow(dead_code)]
#[path = "src/fastchar.rs"]
mod fastchar;
#[cfg(feature = "places")]
#[allow(dead_code)]
#[path = "src/gazetteer_tsv.rs"]
mod gazetteer_tsv;
// The library's `cairn_folded_table` (set below, for the library) is unknown here: this copy
// computes the fold table.
#[allow(dead_code, unexpected_cfgs)]
#[path = "src/normalize.rs"]
mod normalize;
#[cfg(feature = "places")]
#[allow(dead_code)]
#[path = "src/lexicon/word_keys.rs"]
mod word_keys;

/// The library's pattern syntax (a trailing `*`), the same file.
#[path = "src/lexicon/pattern.rs"]
mod pattern;

/// Writing the layouts that the library's `blob::Reader` reads: little-endian numbers and blocks
/// of strings (a `u32` count, a `u32` byte length, the strings in UTF-8 one after the other,
/// then the `u32` end offset of each).
mod blob_write {
    pub fn put(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(&u32::try_from(n).expect("fits in u32").to_le_bytes());
    }

    /// A block of strings.
    pub fn put_strings<'s>(out: &mut Vec<u8>, strings: impl IntoIterator<Item = &'s str>) {
        let (mut text, mut ends) = (String::new(), Vec::new());
        for s in strings {
            text.push_str(s);
            ends.push(text.len());
        }
        put(out, ends.len());
        put(out, text.len());
        out.extend_from_slice(text.as_bytes());
        for e in ends {
            put(out, e);
        }
    }
}

/// The embedded lexicon (`data/indicators.toml`) read here, with the matching forms of its
/// patterns computed by the library's own `normalize` (`lexicon.bin`). At start-up the library
/// parsed the TOML and normalised and indexed its patterns, about 12 M instructions (4 ms) before
/// the first record could be analysed; it now reads them in place. The library checks the
/// entries as it does those of any lexicon file, and a test holds the result equal to parsing the
/// file at run time.
///
/// Layout (little-endian; blocks of strings as in `blob_write`):
/// - a block of strings: id, version, description (empty if none), then `u8` 1 if there is a
///   description;
/// - `u32` entry count, then per entry: `u32` weight (`f32` bits), `u8` 1 if it has a note,
///   `u32` language count, `u32` pattern count;
/// - a block of strings: per entry its id, category, source, note (if any), languages, patterns;
/// - a block of strings: the distinct matching forms, in order of first use;
/// - `u32` pattern count, then per pattern (entry by entry) the `u32` index of its form
///   (`u32::MAX` if empty once normalised) and `u8` 1 if it ends with `*`.
///
/// A file that does not parse writes an empty file: the library then parses it itself and
/// reports the problem with its line.
mod lexicon_blob {
    use super::blob_write::{put, put_strings};
    use std::collections::HashMap;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        id: String,
        version: String,
        #[serde(default)]
        description: Option<String>,
        entry: Vec<Entry>,
    }

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        id: String,
        category: String,
        languages: Vec<String>,
        patterns: Vec<String>,
        weight: f32,
        source: String,
        #[serde(default)]
        note: Option<String>,
    }

    fn blob(toml_text: &str) -> Option<Vec<u8>> {
        let file: File = toml::from_str(toml_text).ok()?;
        let mut out = Vec::new();
        put_strings(
            &mut out,
            [
                file.id.as_str(),
                file.version.as_str(),
                file.description.as_deref().unwrap_or_default(),
            ],
        );
        out.push(u8::from(file.description.is_some()));
        put(&mut out, file.entry.len());
        for e in &file.entry {
            out.extend_from_slice(&e.weight.to_bits().to_le_bytes());
            out.push(u8::from(e.note.is_some()));
            put(&mut out, e.languages.len());
            put(&mut out, e.patterns.len());
        }
        put_strings(
            &mut out,
            file.entry.iter().flat_map(|e| {
                [e.id.as_str(), e.category.as_str(), e.source.as_str()]
                    .into_iter()
                    .chain(e.note.as_deref())
                    .chain(e.languages.iter().map(String::as_str))
                    .chain(e.patterns.iter().map(String::as_str))
            }),
        );
        let mut forms: Vec<String> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut of_pattern = Vec::new();
        for p in file.entry.iter().flat_map(|e| &e.patterns) {
            // As the library's matcher reads a pattern.
            let (body, prefix) = super::pattern::phrase_and_prefix(p);
            let form = super::normalize::normalize(body);
            if form.is_empty() {
                of_pattern.push((u32::MAX, prefix));
                continue;
            }
            let next = u32::try_from(forms.len()).ok()?;
            let f = *index.entry(form.clone()).or_insert_with(|| {
                forms.push(form);
                next
            });
            of_pattern.push((f, prefix));
        }
        put_strings(&mut out, forms.iter().map(String::as_str));
        put(&mut out, of_pattern.len());
        for (f, prefix) in of_pattern {
            out.extend_from_slice(&f.to_le_bytes());
            out.push(u8::from(prefix));
        }
        Some(out)
    }

    pub fn write() {
        for input in [
            "data/indicators.toml",
            "data/leet.tsv",
            "src/normalize.rs",
            "src/fastchar.rs",
            "src/lexicon/pattern.rs",
        ] {
            println!("cargo:rerun-if-changed={input}");
        }
        let text =
            std::fs::read_to_string("data/indicators.toml").expect("read data/indicators.toml");
        let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR set by cargo"))
            .join("lexicon.bin");
        std::fs::write(&path, blob(&text).unwrap_or_default()).expect("write the lexicon");
    }
}

/// With the `places` feature: the embedded gazetteer (`data/gazetteer.tsv`) read here, with the
/// matching forms of its names computed by the library's own `normalize` (`gazetteer.bin`).
/// At start-up the library parsed the file's 7,000 lines and normalised and indexed its 23,000
/// names, about 15 ms before the first place could be found; it now reads numbers and strings
/// in place. A test holds the result equal to parsing the file at run time.
///
/// Layout (little-endian; blocks of strings as in `blob_write`). The cities are read in place,
/// city by city as places are found, not copied into a vector at start-up:
/// - the version, as a block of one string;
/// - `u32` city count, then per city a row of 37 bytes: `u32` GeoNames id, `f64` latitude and
///   longitude (as bits), `u64` population, `u8` tier code, `u32` index of its first string,
///   `u32` alternate name count;
/// - a block of strings: per city its name, ASCII name, country, then its alternate names;
///   then a `u8` tier code per string (that of an alternate name; 0 for the others);
/// - a block of strings: the distinct matching forms, in order of first use;
/// - `u32` name count, then per name the `u32` index of its form, `u32::MAX` for a name empty once
///   normalised. The names are those the library gives its matcher, in its order: city by city,
///   the name, the ASCII name, then the alternate names;
/// - the matcher's whole-word table (the library's `word_keys::table` of the `word_keys` of the
///   forms that start and end with a word character), which the library probes in place: `u32`
///   slot count, zeros up to a multiple of 16 bytes, the `u16` tag of each slot, zeros up to a
///   multiple of 16 bytes, each slot's three `u32`, zeros up to a multiple of 16 bytes, then the
///   table's filter (`word_keys::FILTER_WORDS` `u64`);
/// - `u32` city count, then per city in increasing order of GeoNames id the `u32` id and the
///   `u32` index of its row.
///
/// A file that does not parse writes an empty file: the library then parses the data file itself
/// and reports the problem with its line.
#[cfg(feature = "places")]
mod gazetteer_blob {
    use super::blob_write::{put, put_strings};
    use super::gazetteer_tsv::{Line, parse_line};
    use std::collections::HashMap;

    fn blob(tsv: &str) -> Option<Vec<u8>> {
        let mut version = "unknown";
        let mut rows = Vec::new();
        for line in tsv.lines() {
            match parse_line(line).ok()? {
                Line::Version(v) => version = v,
                Line::Nothing => {}
                Line::City(row) => rows.push(row),
            }
        }
        let mut out = Vec::new();
        put_strings(&mut out, [version]);
        put(&mut out, rows.len());
        let mut first_string = 0;
        for r in &rows {
            out.extend_from_slice(&r.geonames_id.to_le_bytes());
            out.extend_from_slice(&r.lat.to_bits().to_le_bytes());
            out.extend_from_slice(&r.lon.to_bits().to_le_bytes());
            out.extend_from_slice(&r.population.to_le_bytes());
            out.push(r.tier.code());
            put(&mut out, first_string);
            let alternates = r.alternate_names().count();
            put(&mut out, alternates);
            first_string += 3 + alternates;
        }
        put_strings(
            &mut out,
            rows.iter().flat_map(|r| {
                [r.name, r.ascii_name, r.country]
                    .into_iter()
                    .chain(r.alternate_names().map(|(n, _)| n))
            }),
        );
        for r in &rows {
            out.extend_from_slice(&[0, 0, 0]);
            out.extend(r.alternate_names().map(|(_, t)| t.code()));
        }
        let mut forms: Vec<String> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut of_name = Vec::new();
        let names = rows.iter().flat_map(|r| {
            [r.name, r.ascii_name]
                .into_iter()
                .chain(r.alternate_names().map(|(n, _)| n))
        });
        for name in names {
            let form = super::normalize::normalize(name);
            if form.is_empty() {
                of_name.push(u32::MAX);
                continue;
            }
            let next = u32::try_from(forms.len()).ok()?;
            let f = *index.entry(form.clone()).or_insert_with(|| {
                forms.push(form);
                next
            });
            of_name.push(f);
        }
        put_strings(&mut out, forms.iter().map(String::as_str));
        put(&mut out, of_name.len());
        for f in of_name {
            out.extend_from_slice(&f.to_le_bytes());
        }
        let is_word = |c: Option<char>| c.is_some_and(super::normalize::is_word_char);
        let whole = (0..forms.len())
            .filter(|&f| is_word(forms[f].chars().next()) && is_word(forms[f].chars().last()))
            .map(|f| u32::try_from(f).expect("fits in u32"));
        let keys = super::word_keys::word_keys::<_, std::hash::RandomState>(&forms, whole);
        let table = super::word_keys::table(&forms, &keys);
        put(&mut out, table.tags.len());
        // Padding to a multiple of 16 bytes (the library reads the table in place).
        out.resize(out.len().next_multiple_of(16), 0);
        for tag in table.tags {
            out.extend_from_slice(&tag.to_le_bytes());
        }
        out.resize(out.len().next_multiple_of(16), 0);
        for slot in table.slots {
            for word in slot {
                out.extend_from_slice(&word.to_le_bytes());
            }
        }
        out.resize(out.len().next_multiple_of(16), 0);
        for word in table.filter {
            out.extend_from_slice(&word.to_le_bytes());
        }
        let mut by_id: Vec<(u32, usize)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.geonames_id, i))
            .collect();
        by_id.sort_unstable();
        put(&mut out, by_id.len());
        for (id, i) in by_id {
            out.extend_from_slice(&id.to_le_bytes());
            put(&mut out, i);
        }
        Some(out)
    }

    pub fn write() {
        for input in [
            "data/gazetteer.tsv",
            "data/leet.tsv",
            "src/normalize.rs",
            "src/fastchar.rs",
            "src/gazetteer_tsv.rs",
            "src/lexicon/word_keys.rs",
        ] {
            println!("cargo:rerun-if-changed={input}");
        }
        let tsv = std::fs::read_to_string("data/gazetteer.tsv").expect("read data/gazetteer.tsv");
        let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR set by cargo"))
            .join("gazetteer.bin");
        std::fs::write(&path, blob(&tsv).unwrap_or_default()).expect("write the gazetteer");
    }
}

#[cfg(feature = "lang")]
mod lang_table {
    use fst::{IntoStreamer, Streamer};
    use std::collections::HashMap;

    /// FNV-1a, 64 bits; must stay identical to `lang::fingerprint`.
    fn fingerprint(bytes: &[u8]) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h | 1
    }

    pub fn write() {
        // Same order as `lang::LANGUAGES`: fr, en, nl, de, it, es, ro, bg.
        let models: [&include_dir::Dir<'static>; 8] = [
            &lingua_french_language_model::FRENCH_MODELS_DIRECTORY,
            &lingua_english_language_model::ENGLISH_MODELS_DIRECTORY,
            &lingua_dutch_language_model::DUTCH_MODELS_DIRECTORY,
            &lingua_german_language_model::GERMAN_MODELS_DIRECTORY,
            &lingua_italian_language_model::ITALIAN_MODELS_DIRECTORY,
            &lingua_spanish_language_model::SPANISH_MODELS_DIRECTORY,
            &lingua_romanian_language_model::ROMANIAN_MODELS_DIRECTORY,
            &lingua_bulgarian_language_model::BULGARIAN_MODELS_DIRECTORY,
        ];
        let mut table: HashMap<Vec<u8>, [i16; 8]> = HashMap::new();
        for (li, dir) in models.iter().enumerate() {
            let file = dir
                .get_file("ngrams.fst")
                .unwrap_or_else(|| panic!("lingua model {li} has no ngrams.fst"));
            let map = fst::Map::new(file.contents()).expect("lingua model is a valid FST map");
            let mut stream = map.into_stream();
            while let Some((key, value)) = stream.next() {
                let Ok(s) = std::str::from_utf8(key) else {
                    continue;
                };
                if s.chars().count() > 3 {
                    continue;
                }
                let ln_p = f64::from_bits(value);
                let q = (ln_p * 1000.0).round().clamp(-32767.0, 0.0) as i16;
                table.entry(key.to_vec()).or_insert([i16::MIN; 8])[li] = q;
            }
        }
        // Lingua backs off, per language, from a trigram to its bigram and unigram prefixes; doing
        // it here once leaves one probe per trigram at run time.
        let snapshot = table.clone();
        for (key, v) in table.iter_mut() {
            let Ok(s) = std::str::from_utf8(key) else {
                continue;
            };
            let chars: Vec<char> = s.chars().collect();
            for n in (1..chars.len()).rev() {
                let prefix: String = chars[..n].iter().collect();
                if let Some(p) = snapshot.get(prefix.as_bytes()) {
                    for (q, pq) in v.iter_mut().zip(p) {
                        if *q == i16::MIN {
                            *q = *pq;
                        }
                    }
                }
            }
        }
        let slots = (table.len() * 2).next_power_of_two();
        let mask = slots - 1;
        let mut fps = vec![0u64; slots];
        let mut vals = vec![[i16::MIN; 8]; slots];
        let mut keys: Vec<_> = table.into_iter().collect();
        keys.sort();
        for (key, v) in keys {
            let fp = fingerprint(&key);
            let mut i = (fp as usize) & mask;
            while fps[i] != 0 {
                assert_ne!(fps[i], fp, "fingerprint collision in the language table");
                i = (i + 1) & mask;
            }
            fps[i] = fp;
            vals[i] = v;
        }
        let mut out = Vec::with_capacity(4 + slots * 24);
        out.extend_from_slice(&(slots as u32).to_le_bytes());
        for (fp, v) in fps.iter().zip(&vals) {
            out.extend_from_slice(&fp.to_le_bytes());
            for q in v {
                out.extend_from_slice(&q.to_le_bytes());
            }
        }
        let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR set by cargo"))
            .join("lang_ngrams.bin");
        std::fs::write(&path, out).expect("write the language table");
    }
}

/// The library's recipe for a phone pattern's DFA, the same file.
#[cfg(feature = "selectors")]
#[path = "src/selectors/phone_dfa.rs"]
mod phone_dfa;

/// With the `selectors` feature: libphonenumber's metadata, as the `phonenumber` crate loads it,
/// written out as static Rust tables (`phone_meta.rs`). At run time the crate's `Database` parses
/// the syntax of every pattern of every region on first use (about 0.8 G instructions, most of a
/// scan's start-up); the tables cost nothing to load and each pattern is compiled only when a
/// number meets it. Same crate, same version, same data: the golden test checks the verdicts.
/// The patterns of the main regions are also compiled here into DFAs (`phone_dfas.bin`), which
/// the library reads in place instead of compiling them at start-up.
#[cfg(feature = "selectors")]
mod phone_table {
    use super::phone_dfa;
    use phonenumber::metadata::{DATABASE, Descriptor, Descriptors, Metadata};
    use std::collections::HashMap;
    use std::fmt::Write;

    #[derive(Default)]
    struct Patterns {
        index: HashMap<String, usize>,
        list: Vec<String>,
    }

    impl Patterns {
        fn id(&mut self, p: &str) -> usize {
            if let Some(&i) = self.index.get(p) {
                return i;
            }
            self.list.push(p.to_owned());
            self.index.insert(p.to_owned(), self.list.len() - 1);
            self.list.len() - 1
        }
    }

    fn desc(d: &Descriptor, pats: &mut Patterns) -> String {
        format!(
            "Desc {{ pattern: {}, lengths: &{:?} }}",
            pats.id(d.national_number().as_str()),
            d.possible_length()
        )
    }

    /// The number types `has_type` accepts, in libphonenumber's order of checking.
    fn number_types(d: &Descriptors) -> impl Iterator<Item = &Descriptor> {
        [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
            d.fixed_line(),
            d.mobile(),
        ]
        .into_iter()
        .flatten()
    }

    fn meta(m: &Metadata, pats: &mut Patterns) -> String {
        let d = m.descriptors();
        let types: Vec<String> = number_types(d).map(|t| desc(t, pats)).collect();
        format!(
            "    Meta {{ id: {:?}, code: {}, code_digits: \"{}\", national_prefix: {:?}, leading_digits: {:?}, \
             general: {}, types: &[{}] }},\n",
            m.id(),
            m.country_code(),
            m.country_code(),
            m.national_prefix(),
            m.leading_digits().map(|l| pats.id(l.as_str())),
            desc(d.general(), pats),
            types.join(", ")
        )
    }

    /// Regions whose patterns (and those of the regions sharing their country codes) are
    /// compiled here into DFAs: the field study's countries and those of the phone golden test.
    /// Compiling them at run time was a quarter of a scan's start-up.
    const PREBUILT_REGIONS: &[&str] = &[
        "FR", "BE", "NL", "DE", "AT", "CH", "LU", "IT", "ES", "PT", "RO", "BG", "GB", "IE", "PL",
    ];
    /// `pattern` as the library's DFA (`phone_dfa::build`, the same file), serialised
    /// little-endian; `None` where the run time uses a regex.
    fn dfa_bytes(pattern: &str, full: bool) -> Option<Vec<u8>> {
        let (bytes, pad) = phone_dfa::build(pattern, full)?.to_bytes_little_endian();
        Some(bytes[pad..].to_vec())
    }

    /// Per pattern index, the byte span of its DFA in the blob, if it has one.
    type Spans = Vec<Option<(usize, usize)>>;

    /// Compiles the patterns of [`PREBUILT_REGIONS`] into one blob (each DFA at an offset that
    /// is a multiple of 8, so that it is 4-byte aligned in the aligned static) and returns, per
    /// pattern index, the span of its full-match and of its prefix DFA.
    fn prebuilt(pats: &mut Patterns) -> (Vec<u8>, Spans, Spans) {
        let mut wanted: Vec<(usize, bool)> = Vec::new();
        for id in PREBUILT_REGIONS {
            let main = DATABASE
                .by_id(*id)
                .unwrap_or_else(|| panic!("prebuilt phone region {id} is not in the metadata"));
            for m in DATABASE.by_code(&main.country_code()).unwrap_or_default() {
                let d = m.descriptors();
                for t in std::iter::once(d.general()).chain(number_types(d)) {
                    wanted.push((pats.id(t.national_number().as_str()), true));
                }
                if let Some(l) = m.leading_digits() {
                    wanted.push((pats.id(l.as_str()), false));
                }
            }
        }
        wanted.sort_unstable();
        wanted.dedup();
        let mut blob = Vec::new();
        let mut full = vec![None; pats.list.len()];
        let mut prefix = vec![None; pats.list.len()];
        for (i, is_full) in wanted {
            let Some(bytes) = dfa_bytes(&pats.list[i], is_full) else {
                continue;
            };
            blob.resize(blob.len().next_multiple_of(8), 0);
            let span = (blob.len(), blob.len() + bytes.len());
            blob.extend_from_slice(&bytes);
            if is_full {
                full[i] = Some(span);
            } else {
                prefix[i] = Some(span);
            }
        }
        (blob, full, prefix)
    }

    pub fn write() {
        let mut pats = Patterns::default();
        let mut metas = String::new();
        let mut n = 0usize;
        // By country code, each code's regions in the crate's order (main country first).
        for code in 1..=999u16 {
            for m in DATABASE.by_code(&code).unwrap_or_default() {
                metas.push_str(&meta(m, &mut pats));
                n += 1;
            }
        }
        let (blob, full, prefix) = prebuilt(&mut pats);
        let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR set by cargo");
        let blob_path = std::path::Path::new(&out_dir).join("phone_dfas.bin");
        std::fs::write(&blob_path, &blob).expect("write the prebuilt phone DFAs");
        let mut out = String::new();
        writeln!(
            out,
            "// Generated by build.rs from the `phonenumber` crate's metadata."
        )
        .ok();
        writeln!(
            out,
            "pub(super) const N_PATTERNS: usize = {};",
            pats.list.len()
        )
        .ok();
        writeln!(out, "pub(super) static PATTERNS: [&str; N_PATTERNS] = [").ok();
        for p in &pats.list {
            writeln!(out, "    {p:?},").ok();
        }
        writeln!(out, "];").ok();
        writeln!(out, "pub(super) static REGIONS: [Meta; {n}] = [").ok();
        out.push_str(&metas);
        writeln!(out, "];").ok();
        writeln!(
            out,
            "pub(super) const PREBUILT_REGIONS: &[&str] = &{PREBUILT_REGIONS:?};"
        )
        .ok();
        writeln!(
            out,
            "static PREBUILT_DFAS: &AlignAs<[u8], u32> = &AlignAs {{ _align: [], bytes: *include_bytes!({:?}) }};",
            blob_path.display().to_string()
        )
        .ok();
        for (name, spans) in [("PREBUILT_FULL", &full), ("PREBUILT_PREFIX", &prefix)] {
            writeln!(out, "static {name}: [Option<(u32, u32)>; N_PATTERNS] = [").ok();
            for span in spans.iter() {
                match span {
                    Some((s, e)) => writeln!(out, "    Some(({s}, {e})),").ok(),
                    None => writeln!(out, "    None,").ok(),
                };
            }
            writeln!(out, "];").ok();
        }
        let path = std::path::Path::new(&out_dir).join("phone_meta.rs");
        std::fs::write(&path, out).expect("write the phone metadata table");
    }
}
