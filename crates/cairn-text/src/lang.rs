//! Language identification restricted to the languages Cairn serves: fr, en, nl, de, it, es,
//! ro, bg (ISO 639-1), or none (`und`) when the text is too short or the detectors are unsure.
//!
//! Choice (measured on `data/lang_testset.tsv`, 120 sentences, 65 of them short ad-like lines of
//! at most 8 words; `cargo bench -p cairn-text --bench lang` repeats the measurement):
//!
//! | detector (8 languages only)  | accuracy | short lines | µs / sentence (a) | (b)   |
//! |------------------------------|----------|-------------|-------------------|-------|
//! | whatlang 0.18                | 93.3 %   | 87.7 %      | 21–46             | 46    |
//! | lingua 1.8, low accuracy     | 98.3 %   | 96.9 %      | 160–200           | 544   |
//! | lingua 1.8, high accuracy    | 100 %    | 100 %       | 250–420           | 889   |
//! | **whatlang, else lingua low**| 98.3 %   | 96.9 %      | 70–90             | 114   |
//!
//! (a) a standalone release program on a loaded 2-core machine; (b) the criterion bench
//! `lang`, machine load average 8–13 on 2 cores, so only the ratios matter.

//! Costs: whatlang adds 0.8 MB to a release binary and compiles in seconds; lingua with the 8
//! models adds about 41 MB and 2.5 minutes of compile time on 2 cores, about 40 MB of resident
//! memory. whatlang alone misses one short ad in eight (Spanish read as Italian, English as
//! French), and ads are short, so lingua is needed; but lingua is ten times slower, so it only
//! runs when whatlang itself says its answer is not reliable (whatlang is reliable on nearly all
//! longer texts). The high-accuracy mode was 2 % better on this small set for twice the time of
//! the low mode and larger models: not worth it for a scan of millions of records. The feature
//! `lang` is off in cairn-guard (WASM), so the binary size only weighs on the `cairn` binary.
//!
//! Only the first [`MAX_BYTES`] bytes of a text are looked at, which bounds the time per record.

use std::sync::OnceLock;

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};

/// The languages Cairn serves, ISO 639-1.
pub const LANGUAGES: [&str; 8] = ["fr", "en", "nl", "de", "it", "es", "ro", "bg"];

/// Bytes of a text given to the detectors (cut at a character boundary).
pub const MAX_BYTES: usize = 2048;

/// Bytes given to lingua when whatlang is unsure: lingua's time grows with the text, and
/// 512 bytes are plenty to tell our 8 languages apart.
pub const LINGUA_MAX_BYTES: usize = 512;

/// Fewer letters than this: too short to tell (`und`).
pub const MIN_LETTERS: usize = 8;

/// The detectors compared in the module documentation, for measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The one [`detect`] uses: whatlang, else lingua low accuracy.
    Cascade,
    Whatlang,
    LinguaLow,
    LinguaHigh,
}

const LINGUA_LANGUAGES: [Language; 8] = [
    Language::French,
    Language::English,
    Language::Dutch,
    Language::German,
    Language::Italian,
    Language::Spanish,
    Language::Romanian,
    Language::Bulgarian,
];

/// Language of `text` as ISO 639-1, or `None` (`und`) when too short or unsure.
pub fn detect(text: &str) -> Option<&'static str> {
    detect_with(text, Method::Cascade)
}

/// Like [`detect`], with `und` for `None` (the `lang` field of the scan output).
pub fn detect_or_und(text: &str) -> &'static str {
    detect(text).unwrap_or("und")
}

/// Language of `text` with a given detector.
pub fn detect_with(text: &str, method: Method) -> Option<&'static str> {
    let text = head(text);
    if text
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(MIN_LETTERS)
        .count()
        < MIN_LETTERS
    {
        return None;
    }
    match method {
        Method::Whatlang => whatlang_detect(text).map(|(l, _)| l),
        Method::LinguaLow => lingua_low().detect_language_of(text).map(code),
        Method::LinguaHigh => lingua_high().detect_language_of(text).map(code),
        Method::Cascade => match whatlang_detect(text) {
            Some((l, true)) => Some(l),
            _ => lingua_low()
                .detect_language_of(head_of(text, LINGUA_MAX_BYTES))
                .map(code),
        },
    }
}

fn head(text: &str) -> &str {
    head_of(text, MAX_BYTES)
}

fn head_of(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

/// whatlang restricted to our languages: (language, reliable).
fn whatlang_detect(text: &str) -> Option<(&'static str, bool)> {
    use whatlang::Lang;
    static DETECTOR: OnceLock<whatlang::Detector> = OnceLock::new();
    let det = DETECTOR.get_or_init(|| {
        whatlang::Detector::with_allowlist(vec![
            Lang::Fra,
            Lang::Eng,
            Lang::Nld,
            Lang::Deu,
            Lang::Ita,
            Lang::Spa,
            Lang::Ron,
            Lang::Bul,
        ])
    });
    let info = det.detect(text)?;
    let l = match info.lang() {
        Lang::Fra => "fr",
        Lang::Eng => "en",
        Lang::Nld => "nl",
        Lang::Deu => "de",
        Lang::Ita => "it",
        Lang::Spa => "es",
        Lang::Ron => "ro",
        Lang::Bul => "bg",
        _ => return None,
    };
    Some((l, info.is_reliable()))
}

fn lingua_low() -> &'static LanguageDetector {
    static DETECTOR: OnceLock<LanguageDetector> = OnceLock::new();
    DETECTOR.get_or_init(|| {
        LanguageDetectorBuilder::from_languages(&LINGUA_LANGUAGES)
            .with_low_accuracy_mode()
            .build()
    })
}

fn lingua_high() -> &'static LanguageDetector {
    static DETECTOR: OnceLock<LanguageDetector> = OnceLock::new();
    DETECTOR.get_or_init(|| LanguageDetectorBuilder::from_languages(&LINGUA_LANGUAGES).build())
}

fn code(l: Language) -> &'static str {
    match l {
        Language::French => "fr",
        Language::English => "en",
        Language::Dutch => "nl",
        Language::German => "de",
        Language::Italian => "it",
        Language::Spanish => "es",
        Language::Romanian => "ro",
        Language::Bulgarian => "bg",
    }
}
