//! The whole analysis of one record: selectors, places, indicators and language, with the default
//! region for national phone numbers resolved the same way everywhere.

use crate::gazetteer::Gazetteer;
use crate::lexicon::Lexicon;
use crate::normalize::Normalized;
use crate::selectors::{self, SelectorContext};
use cairn_core::{Finding, FindingKind, Record};

/// Version of the analysis pipeline itself (how findings are combined and filtered).
pub const PIPELINE_VERSION: &str = "1";

#[derive(Debug, thiserror::Error)]
pub enum AnalyzerError {
    #[error("indicator lexicon: {0}")]
    Lexicon(String),
    #[error("gazetteer: {0}")]
    Gazetteer(String),
}

/// What analysis says about one record.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// ISO 639-1, or `und`.
    pub lang: &'static str,
    /// The region used for national phone numbers, and where it came from.
    pub region: Option<(String, RegionSource)>,
    /// Sorted by start, then kind.
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionSource {
    /// The input's own `region` field.
    Record,
    /// `--region` on the command line.
    Option,
    /// The country-code top-level domain of the record's URL.
    UrlTld,
}

/// Regions whose phone patterns are loaded at start-up: the field study's countries and those of
/// the phone golden test, compiled at build time.
pub const WARM_PHONE_REGIONS: &[&str] = selectors::phone::PREBUILT_REGIONS;

/// Starts building the embedded rule sets on threads of their own: the gazetteer on one, the
/// lexicon and the main regions' phone patterns on another. A command calls this as early as it
/// can (before parsing its command line), so that the building overlaps with everything it does
/// before its first record; [`Analyzer::embedded`] calls it too and waits only for the lexicon.
/// Only the first call starts anything. The rule sets live in statics that every later lookup
/// waits for; if a thread cannot be started, the first lookup builds its rule set instead.
pub fn prepare_in_background() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // Detached: their results are the statics, not the threads.
        let _ = std::thread::Builder::new()
            .name("cairn-gazetteer".into())
            .spawn(|| {
                let _ = Gazetteer::embedded();
            });
        let _ = std::thread::Builder::new()
            .name("cairn-lexicon".into())
            .spawn(|| {
                let _ = Lexicon::embedded();
                selectors::phone::warm_up(WARM_PHONE_REGIONS);
            });
    });
}

/// Runs every extractor; built once, shared by threads.
#[derive(Debug)]
pub struct Analyzer {
    lexicon: &'static Lexicon,
}

/// A record analysed but for its places ([`Analyzer::start`]); [`Analyzer::finish`] adds them.
#[derive(Debug)]
pub struct Unplaced {
    lang: &'static str,
    region: Option<(String, RegionSource)>,
    findings: Vec<Finding>,
    normalized: Normalized,
}

impl Unplaced {
    /// Nothing yet: what [`Analyzer::start_many`] fills in, stage by stage.
    fn empty() -> Self {
        Self {
            lang: "und",
            region: None,
            findings: Vec::new(),
            normalized: Normalized::default(),
        }
    }
}

impl Analyzer {
    /// The analyzer with the embedded lexicon and gazetteer. (The phone metadata needs no
    /// loading: it is compiled in, the patterns of [`WARM_PHONE_REGIONS`] as DFAs built at
    /// build time and loaded here, the others compiled on first use.)
    ///
    /// The gazetteer takes most of the start-up time: it is built on a thread of its own (see
    /// [`prepare_in_background`]), and this returns without waiting for it, so that a caller may
    /// analyse records with [`Analyzer::start`] meanwhile. Its first place lookup waits for it;
    /// [`Analyzer::wait_for_places`] reports whether it could be built.
    pub fn embedded() -> Result<Self, AnalyzerError> {
        prepare_in_background();
        // Waits for the lexicon if its thread is building it (or builds it here).
        let lexicon = Lexicon::embedded().map_err(|e| AnalyzerError::Lexicon(e.to_string()))?;
        selectors::phone::warm_up(WARM_PHONE_REGIONS);
        Ok(Self { lexicon })
    }

    /// The gazetteer, once built (waits for it), or why it could not be.
    pub fn wait_for_places(&self) -> Result<&'static Gazetteer, AnalyzerError> {
        Gazetteer::embedded().map_err(|e| AnalyzerError::Gazetteer(e.to_string()))
    }

    /// Whether the gazetteer is built: place lookups will not wait.
    pub fn places_ready(&self) -> bool {
        Gazetteer::embedded_if_built().is_some()
    }

    /// Versions of the rule sets, recorded with each scan run (selector rules carry their own
    /// versions in each finding's `rule`). Waits for the gazetteer.
    pub fn versions(&self) -> Result<serde_json::Value, AnalyzerError> {
        let gazetteer = self.wait_for_places()?;
        Ok(serde_json::json!({
            "pipeline": PIPELINE_VERSION,
            "lexicon": format!("{}@{}", self.lexicon.id(), self.lexicon.version()),
            "gazetteer": gazetteer.version(),
        }))
    }

    pub fn analyze(&self, record: &Record, default_region: Option<&str>) -> Analysis {
        let unplaced = self.start(record, default_region);
        self.finish(record, unplaced)
    }

    /// [`Analyzer::analyze`] of several records, stage by stage (see
    /// [`Analyzer::start_many`]): the same analyses, in order.
    pub fn analyze_many(&self, records: &[&Record], default_region: Option<&str>) -> Vec<Analysis> {
        let unplaced = self.start_many(records, default_region);
        records
            .iter()
            .zip(unplaced)
            .map(|(r, u)| self.finish(r, u))
            .collect()
    }

    /// Everything but places: selectors, indicators and language. Never waits for the
    /// gazetteer.
    pub fn start(&self, record: &Record, default_region: Option<&str>) -> Unplaced {
        let mut one = [Unplaced::empty()];
        self.start_into(&[record], default_region, &mut one);
        let [unplaced] = one;
        unplaced
    }

    /// [`Analyzer::start`] of several records, stage by stage: each finder, normalisation, the
    /// lexicon and language detection run over every record before the next stage starts, so
    /// that each stage's tables (phone patterns, word tables, the language memo) stay in the
    /// core's cache. Record by record, the stages evicted each other's tables at every record:
    /// on the 20,000 ads of `gen_corpus.py`, one thread took a quarter longer that way. The same
    /// results as [`Analyzer::start`] of each record, in order (a test checks it).
    pub fn start_many(&self, records: &[&Record], default_region: Option<&str>) -> Vec<Unplaced> {
        let mut all: Vec<Unplaced> = records.iter().map(|_| Unplaced::empty()).collect();
        self.start_into(records, default_region, &mut all);
        all
    }

    /// The stages of [`Analyzer::start`], each over all of `records`, written into `out` (one
    /// per record, in order).
    fn start_into(&self, records: &[&Record], default_region: Option<&str>, out: &mut [Unplaced]) {
        for (r, u) in records.iter().zip(out.iter_mut()) {
            u.region = resolve_region(r, default_region);
        }
        let texts: Vec<(&str, SelectorContext)> = records
            .iter()
            .zip(out.iter())
            .map(|(r, u)| {
                let ctx = SelectorContext {
                    region: u.region.as_ref().map(|(r, _)| r.as_str()),
                };
                (r.text.as_str(), ctx)
            })
            .collect();
        let found = selectors::extract_many(&texts);
        for (u, found) in out.iter_mut().zip(found) {
            u.findings = found;
        }
        // One normalisation shared by the lexicon and the gazetteer.
        for (r, u) in records.iter().zip(out.iter_mut()) {
            u.normalized = Normalized::new(&r.text);
        }
        // Every language's entries: ads mix languages ("new in town" in a French ad).
        for (r, u) in records.iter().zip(out.iter_mut()) {
            u.findings
                .extend(self.lexicon.find_in(&r.text, &u.normalized, None));
        }
        for (r, u) in records.iter().zip(out.iter_mut()) {
            u.lang = record_lang(r);
        }
    }

    /// Adds the places of `record` (analysed by [`Analyzer::start`]) and sorts the findings.
    /// Waits for the gazetteer; without one (it could not be built, see
    /// [`Analyzer::wait_for_places`]) there are no places.
    pub fn finish(&self, record: &Record, unplaced: Unplaced) -> Analysis {
        let Unplaced {
            lang,
            region,
            mut findings,
            normalized,
        } = unplaced;
        let text = record.text.as_str();
        if let Ok(gazetteer) = Gazetteer::embedded() {
            // A city name inside an e-mail, URL or handle is part of that selector, not a place.
            let places: Vec<Finding> = gazetteer
                .find_in(text, &normalized)
                .into_iter()
                .filter(|p| {
                    !findings.iter().any(|s| {
                        matches!(
                            s.kind,
                            FindingKind::Email | FindingKind::Url | FindingKind::Handle
                        ) && s.start <= p.start
                            && p.end <= s.end
                    })
                })
                .collect();
            findings.extend(places);
        }
        // Stable: findings of one span and kind keep the order their finder gave them.
        findings.sort_by_key(|f| (f.start, f.end, f.kind));
        Analysis {
            lang,
            region,
            findings,
        }
    }
}

/// The record's own region, else the command line's, else the URL's country TLD.
pub fn resolve_region(
    record: &Record,
    default_region: Option<&str>,
) -> Option<(String, RegionSource)> {
    let clean = |r: &str| {
        let r = r.trim().to_ascii_uppercase();
        (r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic())).then_some(r)
    };
    if let Some(r) = record.region.as_deref().and_then(clean) {
        return Some((r, RegionSource::Record));
    }
    if let Some(r) = default_region.and_then(clean) {
        return Some((r, RegionSource::Option));
    }
    record
        .provenance
        .url
        .as_deref()
        .and_then(region_of_url)
        .map(|r| (r, RegionSource::UrlTld))
}

/// The region of a URL's country-code TLD (`.uk` is GB; `.eu` and generic TLDs have none).
pub fn region_of_url(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?.trim_end_matches('.');
    let tld = host.rsplit('.').next()?;
    if tld.len() != 2 || !tld.bytes().all(|b| b.is_ascii_alphabetic()) || host == tld {
        return None;
    }
    match tld.to_ascii_lowercase().as_str() {
        "uk" => Some("GB".into()),
        "eu" | "su" | "tv" | "io" | "me" | "co" | "cc" | "ws" | "fm" | "ai" | "ly" | "gg"
        | "to" => None,
        t => Some(t.to_ascii_uppercase()),
    }
}

/// The detected language of a record, else its declared one when that is one of ours, else `und`.
fn record_lang(record: &Record) -> &'static str {
    crate::lang::detect(&record.text)
        .or_else(|| record.declared_lang.as_deref().and_then(known_lang))
        .unwrap_or("und")
}

fn known_lang(tag: &str) -> Option<&'static str> {
    let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
    ["fr", "en", "nl", "de", "it", "es", "ro", "bg"]
        .into_iter()
        .find(|l| *l == primary)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two halves of an analysis (all but places, then places) give what one call gives,
    /// places included, whether or not the gazetteer was built when the first half ran.
    #[test]
    fn started_then_finished_equals_analysed() -> Result<(), AnalyzerError> {
        let analyzer = Analyzer::embedded()?;
        let r = Record {
            text: "Nouvelle à Lyon, 20 ans. Tél 06 12 34 56 78, lola (at) example (dot) fr, \
                   dispo hôtel près de Marseille 🌹 150€ 1h"
                .into(),
            region: Some("FR".into()),
            ..Record::default()
        };
        let unplaced = analyzer.start(&r, None);
        let two_steps = analyzer.finish(&r, unplaced);
        assert_eq!(two_steps, analyzer.analyze(&r, None));
        assert!(analyzer.places_ready());
        let places: Vec<&str> = two_steps
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::Place)
            .map(|f| f.evidence.as_str())
            .collect();
        assert_eq!(places, ["Lyon", "Marseille"]);
        assert!(
            two_steps
                .findings
                .windows(2)
                .all(|w| (w[0].start, w[0].end, w[0].kind) <= (w[1].start, w[1].end, w[1].kind))
        );
        assert_eq!(two_steps.lang, "fr");
        assert!(analyzer.versions()?["gazetteer"].is_string());
        Ok(())
    }

    /// Stage by stage over blocks of records, the analysis is the record-by-record one: on the
    /// 187 example ads of eight languages, in blocks of 1, 2, 7 and 64 records and of all of
    /// them, with records that take their region from the option or the URL, declare a
    /// language, or hold nothing.
    #[test]
    fn analysed_many_at_once_equals_one_by_one() -> Result<(), Box<dyn std::error::Error>> {
        let analyzer = Analyzer::embedded()?;
        let mut records = Vec::new();
        for line in include_str!("../../../examples/corpus/ads.jsonl").lines() {
            let v: serde_json::Value = serde_json::from_str(line)?;
            let mut r = Record {
                text: v["text"].as_str().unwrap_or_default().to_owned(),
                region: v["region"].as_str().map(str::to_owned),
                ..Record::default()
            };
            // Of every three records, one keeps its region, one takes it from its URL and one
            // from the option.
            if records.len() % 3 == 1 {
                r.region = None;
                r.provenance.url = v["url"].as_str().map(str::to_owned);
            } else if records.len() % 3 == 2 {
                r.region = None;
            }
            records.push(r);
        }
        assert!(records.len() > 100, "the example ads");
        records.push(Record::default());
        records.push(Record {
            text: "ok 06 12 34 56 78".into(),
            declared_lang: Some("fr-BE".into()),
            ..Record::default()
        });
        let one_by_one: Vec<Analysis> = records
            .iter()
            .map(|r| analyzer.analyze(r, Some("fr")))
            .collect();
        // Every kind is there to compare (the scan of these ads finds 964 findings).
        for kind in FindingKind::ALL {
            let n = one_by_one
                .iter()
                .flat_map(|a| &a.findings)
                .filter(|f| f.kind == kind)
                .count();
            assert!(n >= 3, "{n} findings of kind {kind}");
        }
        let refs: Vec<&Record> = records.iter().collect();
        for block in [1, 2, 7, 64, refs.len()] {
            let many: Vec<Analysis> = refs
                .chunks(block)
                .flat_map(|b| analyzer.analyze_many(b, Some("fr")))
                .collect();
            assert_eq!(many, one_by_one, "blocks of {block}");
            let started: Vec<Analysis> = refs
                .chunks(block)
                .flat_map(|b| {
                    let unplaced = analyzer.start_many(b, Some("fr"));
                    b.iter()
                        .zip(unplaced)
                        .map(|(r, u)| analyzer.finish(r, u))
                        .collect::<Vec<_>>()
                })
                .collect();
            assert_eq!(started, one_by_one, "started in blocks of {block}");
        }
        assert!(analyzer.analyze_many(&[], None).is_empty());
        Ok(())
    }

    #[test]
    fn region_from_country_tlds_only() {
        assert_eq!(
            region_of_url("https://annonces.example.fr/x?y"),
            Some("FR".into())
        );
        assert_eq!(
            region_of_url("http://user@site.co.uk:8080/"),
            Some("GB".into())
        );
        assert_eq!(region_of_url("https://example.com/a.fr"), None);
        assert_eq!(region_of_url("https://europa.eu/"), None);
        assert_eq!(region_of_url("fr"), None);
    }

    #[test]
    fn record_region_wins_over_option_and_url() {
        let mut r = Record::default();
        r.provenance.url = Some("https://x.example.be/".into());
        assert_eq!(
            resolve_region(&r, None),
            Some(("BE".into(), RegionSource::UrlTld))
        );
        assert_eq!(
            resolve_region(&r, Some("nl")),
            Some(("NL".into(), RegionSource::Option))
        );
        r.region = Some("de".into());
        assert_eq!(
            resolve_region(&r, Some("nl")),
            Some(("DE".into(), RegionSource::Record))
        );
        r.region = Some("germany".into());
        assert_eq!(
            resolve_region(&r, Some("nl")),
            Some(("NL".into(), RegionSource::Option))
        );
    }
}
