//! The scan report: a table summary for the terminal, or one self-contained HTML page (no
//! external asset: styles and the chart are inline), for people to review findings.

use askama::Template;
use cairn_core::{Finding, FindingKind, IndicatorCategory, Record};
use cairn_store::{MediaRecord, RunStats};
use cairn_text::analyzer::Analysis;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// Records shown in full in the HTML report; the rest are counted (all are in the store and in
/// the JSON Lines output), so a huge scan still gives a report a browser can open.
const MAX_RECORDS_SHOWN: usize = 500;
const MAX_TEXT_BYTES: usize = 4000;
const TOP_SELECTORS: usize = 50;
const MAX_ERRORS_SHOWN: usize = 200;
const MAX_MEDIA_SHOWN: usize = 200;

pub struct Report {
    inputs: Vec<String>,
    versions: String,
    records: u64,
    records_with_findings: u64,
    langs: BTreeMap<&'static str, u64>,
    kinds: BTreeMap<FindingKind, u64>,
    categories: BTreeMap<IndicatorCategory, u64>,
    /// (kind, value) -> record ids, for selectors that can tie records together.
    selectors: HashMap<(FindingKind, String), Vec<String>>,
    shown: Vec<RecordView>,
    errors: Vec<ErrorView>,
    errors_total: u64,
    media: Vec<ReportMedia>,
    media_total: u64,
}

pub struct RecordView {
    id: String,
    url: String,
    source: String,
    locator: String,
    captured_at: String,
    lang: &'static str,
    sha256: String,
    segments: Vec<Segment>,
    truncated: bool,
    findings: Vec<FindingView>,
    indicators: Vec<FindingView>,
}

pub struct Segment {
    text: String,
    class: &'static str,
    title: String,
}

pub struct FindingView {
    kind: &'static str,
    value: String,
    evidence: String,
    rule: String,
    category: String,
    span: String,
}

pub struct ErrorView {
    source: String,
    locator: String,
    message: String,
}

pub struct ReportMedia {
    pub url: String,
    pub locator: String,
    pub sha256: String,
    pub pdq: String,
    pub quality: String,
    pub size: String,
}

impl From<&MediaRecord> for ReportMedia {
    fn from(m: &MediaRecord) -> Self {
        Self {
            url: m.provenance.url.clone().unwrap_or_default(),
            locator: format!("{} [{}]", m.provenance.source, m.provenance.locator),
            sha256: m.sha256.clone(),
            pdq: m.pdq.clone().unwrap_or_else(|| "—".into()),
            quality: m
                .quality
                .map(|q| q.to_string())
                .unwrap_or_else(|| "—".into()),
            size: match (m.width, m.height) {
                (Some(w), Some(h)) => format!("{w}×{h}"),
                _ => "—".into(),
            },
        }
    }
}

struct SelectorRow {
    kind: &'static str,
    value: String,
    count: usize,
    records: Vec<String>,
}

struct Bar {
    label: &'static str,
    count: u64,
    width: u32,
    y: u32,
}

#[derive(Template)]
#[template(path = "report.html")]
struct HtmlReport<'a> {
    r: &'a Report,
    stats: &'a RunStats,
    stored: bool,
    kinds: Vec<(&'static str, u64)>,
    langs: Vec<(&'static str, u64)>,
    selectors: Vec<SelectorRow>,
    bars: Vec<Bar>,
    chart_height: u32,
    more_records: u64,
}

impl Report {
    pub fn new(inputs: &[String], versions: &serde_json::Value) -> Self {
        Self {
            inputs: inputs.to_vec(),
            versions: versions.to_string(),
            records: 0,
            records_with_findings: 0,
            langs: BTreeMap::new(),
            kinds: BTreeMap::new(),
            categories: BTreeMap::new(),
            selectors: HashMap::new(),
            shown: Vec::new(),
            errors: Vec::new(),
            errors_total: 0,
            media: Vec::new(),
            media_total: 0,
        }
    }

    pub fn add_record(&mut self, r: &Record, a: &Analysis) {
        self.records += 1;
        *self.langs.entry(a.lang).or_default() += 1;
        if a.findings.is_empty() {
            return;
        }
        self.records_with_findings += 1;
        let mut seen_categories = Vec::new();
        for f in &a.findings {
            *self.kinds.entry(f.kind).or_default() += 1;
            if let Some(c) = f.category
                && !seen_categories.contains(&c)
            {
                seen_categories.push(c);
                *self.categories.entry(c).or_default() += 1;
            }
            if f.kind != FindingKind::Indicator
                && f.kind != FindingKind::Price
                && f.kind != FindingKind::Age
            {
                let ids = self.selectors.entry((f.kind, f.value.clone())).or_default();
                if ids.last() != Some(&r.id) {
                    ids.push(r.id.clone());
                }
            }
        }
        if self.shown.len() < MAX_RECORDS_SHOWN {
            self.shown.push(record_view(r, a));
        }
    }

    pub fn add_error(&mut self, source: &str, locator: &str, message: &str) {
        self.errors_total += 1;
        if self.errors.len() < MAX_ERRORS_SHOWN {
            self.errors.push(ErrorView {
                source: source.into(),
                locator: locator.into(),
                message: message.into(),
            });
        }
    }

    pub fn add_media(&mut self, m: ReportMedia) {
        self.media_total += 1;
        if self.media.len() < MAX_MEDIA_SHOWN {
            self.media.push(m);
        }
    }

    /// Selectors seen in the most records first (ties: kind, then value), places excluded: a
    /// city shared by ads ties nothing together.
    fn top_selectors(&self) -> Vec<SelectorRow> {
        let mut rows: Vec<SelectorRow> = self
            .selectors
            .iter()
            .filter(|((k, _), _)| *k != FindingKind::Place)
            .map(|((k, v), ids)| SelectorRow {
                kind: k.as_str(),
                value: v.clone(),
                count: ids.len(),
                records: ids.clone(),
            })
            .collect();
        rows.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.kind.cmp(b.kind))
                .then(a.value.cmp(&b.value))
        });
        rows.truncate(TOP_SELECTORS);
        rows
    }

    pub fn render_html(&self, stats: &RunStats, stored: bool) -> anyhow::Result<String> {
        let max = self.categories.values().copied().max().unwrap_or(1).max(1);
        let bars: Vec<Bar> = IndicatorCategory::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let count = self.categories.get(c).copied().unwrap_or(0);
                Bar {
                    label: c.as_str(),
                    count,
                    width: (count * 420 / max) as u32,
                    y: i as u32 * 24,
                }
            })
            .collect();
        let page = HtmlReport {
            r: self,
            stats,
            stored,
            kinds: self.kinds.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
            langs: self.langs.iter().map(|(l, n)| (*l, *n)).collect(),
            selectors: self.top_selectors(),
            chart_height: IndicatorCategory::ALL.len() as u32 * 24,
            bars,
            more_records: self
                .records_with_findings
                .saturating_sub(self.shown.len() as u64),
        };
        Ok(page.render()?)
    }

    pub fn summary_table(&self, stats: &RunStats, stored: bool) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "\n{} records read, {} with findings, {} images hashed, {} inputs rejected",
            self.records, self.records_with_findings, self.media_total, self.errors_total
        );
        if stored {
            let _ = writeln!(
                s,
                "store: {} new records, {} already known",
                stats.records_new, stats.records_known
            );
        }
        let kinds: Vec<String> = self.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let _ = writeln!(
            s,
            "findings: {}",
            if kinds.is_empty() {
                "none".into()
            } else {
                kinds.join(", ")
            }
        );
        let top: Vec<SelectorRow> = self
            .top_selectors()
            .into_iter()
            .filter(|r| r.count > 1)
            .take(10)
            .collect();
        if !top.is_empty() {
            let _ = writeln!(s, "selectors seen in several records:");
            for row in top {
                let _ = writeln!(
                    s,
                    "    {:<7} {:<40} {} records",
                    row.kind, row.value, row.count
                );
            }
        }
        s
    }
}

fn record_view(r: &Record, a: &Analysis) -> RecordView {
    let p = &r.provenance;
    let cut = floor_char_boundary(&r.text, MAX_TEXT_BYTES);
    let views = |pred: &dyn Fn(&Finding) -> bool| -> Vec<FindingView> {
        a.findings
            .iter()
            .filter(|f| pred(f))
            .map(|f| FindingView {
                kind: f.kind.as_str(),
                value: f.value.clone(),
                evidence: f.evidence.clone(),
                rule: f.rule.clone(),
                category: f
                    .category
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default(),
                span: format!("{}..{}", f.start, f.end),
            })
            .collect()
    };
    RecordView {
        id: r.id.clone(),
        url: p.url.clone().unwrap_or_default(),
        source: p.source.clone(),
        locator: p.locator.clone(),
        captured_at: p.captured_at.clone().unwrap_or_default(),
        lang: a.lang,
        sha256: p.sha256.clone(),
        segments: segments(&r.text[..cut], &a.findings),
        truncated: cut < r.text.len(),
        findings: views(&|f| f.kind != FindingKind::Indicator),
        indicators: views(&|f| f.kind == FindingKind::Indicator),
    }
}

/// Splits `text` at every finding boundary; each piece is marked with the kind of the finding
/// that covers it (selectors over places over indicators when they overlap).
fn segments(text: &str, findings: &[Finding]) -> Vec<Segment> {
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for f in findings {
        if f.end <= text.len() {
            cuts.push(f.start);
            cuts.push(f.end);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len());
    for w in cuts.windows(2) {
        let (s, e) = (w[0], w[1]);
        let Some(piece) = text.get(s..e) else {
            continue;
        };
        let covering: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.start <= s && e <= f.end)
            .collect();
        let best = covering.iter().min_by_key(|f| priority(f.kind));
        let title = covering
            .iter()
            .map(|f| match f.category {
                Some(c) => format!("{} {} ({})", f.kind, f.value, c),
                None => format!("{} {}", f.kind, f.value),
            })
            .collect::<Vec<_>>()
            .join("; ");
        out.push(Segment {
            text: piece.to_owned(),
            class: best.map_or("", |f| css_class(f.kind)),
            title,
        });
    }
    out
}

fn priority(k: FindingKind) -> u8 {
    match k {
        FindingKind::Indicator => 3,
        FindingKind::Place => 2,
        FindingKind::Price | FindingKind::Age => 1,
        _ => 0,
    }
}

fn css_class(k: FindingKind) -> &'static str {
    match k {
        FindingKind::Phone => "k-phone",
        FindingKind::Email => "k-email",
        FindingKind::Url => "k-url",
        FindingKind::Handle => "k-handle",
        FindingKind::Wallet | FindingKind::Iban => "k-money",
        FindingKind::Price | FindingKind::Age => "k-weak",
        FindingKind::Place => "k-place",
        FindingKind::Indicator => "k-ind",
    }
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    (0..=max)
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(kind: FindingKind, text: &str, s: usize, e: usize) -> Finding {
        Finding::from_span(kind, "v", text, s, e, "r@1").unwrap_or_else(|| panic!("bad span"))
    }

    #[test]
    fn segments_cover_the_text_exactly_once() {
        let text = "New in town, call 06 12 34 56 78 now";
        let fs = [
            f(FindingKind::Indicator, text, 0, 11),
            f(FindingKind::Phone, text, 18, 32),
            f(FindingKind::Indicator, text, 18, 36),
        ];
        let segs = segments(text, &fs);
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text);
        let phone = segs
            .iter()
            .find(|s| s.text == "06 12 34 56 78")
            .map(|s| s.class);
        assert_eq!(phone, Some("k-phone"));
        assert_eq!(segs[0].class, "k-ind");
    }

    #[test]
    fn html_escapes_hostile_text() -> anyhow::Result<()> {
        let mut rep = Report::new(&["x".into()], &serde_json::json!({}));
        let text = "<script>alert(1)</script> 06 12 34 56 78";
        let r = Record {
            id: "r1".into(),
            text: text.into(),
            ..Record::default()
        };
        let a = Analysis {
            lang: "fr",
            region: None,
            findings: vec![f(FindingKind::Phone, text, 26, 40)],
        };
        rep.add_record(&r, &a);
        let html = rep.render_html(&RunStats::default(), false)?;
        assert!(!html.contains("<script>alert"));
        // askama escapes `<` as `&lt;` or `&#60;` depending on its version.
        assert!(html.contains("&lt;script") || html.contains("&#60;script"));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "report must not load anything"
        );
        Ok(())
    }
}
