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
    #[cfg(feature = "lang")]
    lang_table::write();
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
