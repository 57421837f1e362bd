//! One cluster drawn without script: its graph (records and the selectors they share) and its
//! timeline as SVG, and the timeline and moves as data, computed by the same functions as
//! `cairn link` (main place per record, moves when it changes). For the web application, which
//! serves pages under a CSP without inline script or style: only SVG presentation attributes.

use crate::config::LinkConfig;
use crate::export::{ExportGraph, build_graph, xml_escape};
use crate::input::{LinkInput, Place, SelectorKind};
use crate::timeline::{self, Move, TimelineEntry};
use cairn_core::IndicatorCategory;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::str::FromStr;

/// Adds one stored finding of record `r` as linking reads it (see [`crate::source::load`]):
/// places with their details, indicator categories, selectors of the kinds linking knows.
pub fn add_finding(
    input: &mut LinkInput,
    r: u32,
    kind: &str,
    value: &str,
    category: Option<&str>,
    detail: &str,
) {
    match kind {
        "indicator" => {
            if let Some(c) = category.and_then(|c| IndicatorCategory::from_str(c).ok()) {
                input.add_category(r, c);
            }
        }
        "place" => {
            let detail: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(detail).unwrap_or_default();
            let text = |k: &str| {
                detail
                    .get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_owned()
            };
            let name = text("name");
            input.add_place(
                r,
                Place {
                    name: if name.is_empty() {
                        value.to_owned()
                    } else {
                        name
                    },
                    country: text("country"),
                    lat: detail.get("lat").and_then(serde_json::Value::as_f64),
                    lon: detail.get("lon").and_then(serde_json::Value::as_f64),
                    id: value.to_owned(),
                },
            );
        }
        other => {
            if let Some(k) = SelectorKind::parse(other) {
                input.add_selector(r, k, value);
            }
        }
    }
}

/// What the cluster page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterDrawing {
    pub graph: ExportGraph,
    pub timeline: Vec<TimelineEntry>,
    pub moves: Vec<Move>,
}

/// The graph, timeline and moves of one cluster whose records (and only those) are in `input`.
pub fn cluster_drawing(input: &LinkInput, cluster_id: &str, config: &LinkConfig) -> ClusterDrawing {
    let membership: HashMap<String, String> = input
        .records
        .iter()
        .map(|r| (r.id.clone(), cluster_id.to_owned()))
        .collect();
    let graph = build_graph(input, &membership, &HashSet::new(), config, None);
    let primary = crate::cluster::primary_places(input);
    let mut ordered: Vec<u32> = (0..input.records.len() as u32).collect();
    timeline::order_by_time(input, &mut ordered);
    ClusterDrawing {
        graph,
        timeline: timeline::timeline(input, &ordered, &primary),
        moves: timeline::moves(input, &ordered, &primary),
    }
}

/// Nodes drawn at most (a larger graph is cut, and says so).
pub const MAX_DRAWN_NODES: usize = 300;

fn colour(kind: &str) -> &'static str {
    match kind {
        "record" => "#23324a",
        "phone" => "#b35900",
        "email" => "#1864ab",
        "handle" => "#2b8a3e",
        "wallet" | "iban" => "#a61e4d",
        "place" => "#7a6400",
        _ => "#5f3dc4",
    }
}

fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The graph as an SVG element: records on an outer circle, the selectors they share on an
/// inner one, an edge per record–selector pair. Deterministic (node order), every text escaped;
/// `title` is its accessible name.
pub fn graph_svg(graph: &ExportGraph, title: &str) -> String {
    let records: Vec<usize> = (0..graph.nodes.len())
        .filter(|&i| graph.nodes[i].kind == "record")
        .take(MAX_DRAWN_NODES / 2)
        .collect();
    let selectors: Vec<usize> = (0..graph.nodes.len())
        .filter(|&i| graph.nodes[i].kind != "record")
        .take(MAX_DRAWN_NODES / 2)
        .collect();
    let (w, h) = (720.0_f64, 520.0_f64);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let mut pos: HashMap<String, (f64, f64)> = HashMap::new();
    let place = |ring: &[usize], radius: f64, pos: &mut HashMap<String, (f64, f64)>| {
        let n = ring.len().max(1) as f64;
        for (k, &i) in ring.iter().enumerate() {
            let a = std::f64::consts::TAU * (k as f64) / n - std::f64::consts::FRAC_PI_2;
            let (x, y) = if ring.len() == 1 {
                (cx, cy)
            } else {
                (cx + radius * a.cos(), cy + radius * a.sin())
            };
            pos.insert(graph.nodes[i].id.clone(), (x, y));
        }
    };
    place(&records, 210.0, &mut pos);
    place(&selectors, 110.0, &mut pos);
    if records.len() == 1 && !selectors.is_empty() {
        // One record alone: keep it off the centre, where the selectors' ring would cover it.
        pos.insert(graph.nodes[records[0]].id.clone(), (cx, cy - 210.0));
    }
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" class="graph" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-labelledby="graph-title"><title id="graph-title">{}</title>"#,
        xml_escape(title)
    );
    for e in &graph.edges {
        if let (Some(a), Some(b)) = (pos.get(e.source.as_str()), pos.get(e.target.as_str())) {
            let _ = write!(
                s,
                r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#9aa5b5" stroke-width="1.2"/>"##,
                a.0, a.1, b.0, b.1
            );
        }
    }
    for &i in records.iter().chain(&selectors) {
        let n = &graph.nodes[i];
        let Some(&(x, y)) = pos.get(n.id.as_str()) else {
            continue;
        };
        let is_record = n.kind == "record";
        let label = if is_record {
            short(&n.label, 24)
        } else {
            format!("{}: {}", n.kind, short(&n.label, 28))
        };
        if is_record {
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="12" height="12" fill="{}"><title>{}</title></rect>"##,
                x - 6.0,
                y - 6.0,
                colour(&n.kind),
                xml_escape(&n.label)
            );
        } else {
            let _ = write!(
                s,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="{}"><title>{}</title></circle>"##,
                6.0 + (n.records.min(10) as f64),
                colour(&n.kind),
                xml_escape(&format!("{} {} ({} records)", n.kind, n.label, n.records))
            );
        }
        let anchor = if x < cx - 1.0 {
            "end"
        } else if x > cx + 1.0 {
            "start"
        } else {
            "middle"
        };
        let dx = match anchor {
            "end" => -10.0,
            "start" => 10.0,
            _ => 0.0,
        };
        // A node on the vertical axis has its label above it (below, in the lower half).
        let dy = match anchor {
            "middle" if y <= cy => -12.0,
            "middle" => 20.0,
            _ => 4.0,
        };
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}" font-size="11" fill="#1d2430">{}</text>"##,
            x + dx,
            y + dy,
            xml_escape(&label)
        );
    }
    let cut = graph.nodes.len() - records.len() - selectors.len();
    if cut > 0 {
        let _ = write!(
            s,
            r##"<text x="8" y="{:.1}" font-size="11" fill="#5b6575">+{cut}</text>"##,
            h - 8.0
        );
    }
    s.push_str("</svg>");
    s
}

/// The timeline as an SVG element: one row per main place (in order of first appearance), a dot
/// per record at its capture time. Records without a time are left out (the table lists them).
pub fn timeline_svg(entries: &[TimelineEntry], title: &str) -> String {
    let times: Vec<(i64, &TimelineEntry)> = entries
        .iter()
        .filter_map(|e| {
            e.time
                .as_deref()
                .and_then(crate::time::parse_unix)
                .map(|t| (t, e))
        })
        .collect();
    let mut rows: Vec<String> = Vec::new();
    for (_, e) in &times {
        let p = e.place.clone().unwrap_or_else(|| "—".into());
        if !rows.contains(&p) {
            rows.push(p);
        }
    }
    let (left, w, row_h) = (170.0_f64, 720.0_f64, 28.0_f64);
    let h = 40.0 + row_h * rows.len().max(1) as f64;
    let (t0, t1) = times.iter().fold((i64::MAX, i64::MIN), |(a, b), (t, _)| {
        (a.min(*t), b.max(*t))
    });
    let span = (t1 - t0).max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" class="timeline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-labelledby="timeline-title"><title id="timeline-title">{}</title>"#,
        xml_escape(title)
    );
    for (k, p) in rows.iter().enumerate() {
        let y = 20.0 + row_h * k as f64 + row_h / 2.0;
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11" fill="#1d2430">{}</text><line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#d8dde5"/>"##,
            left - 8.0,
            y + 4.0,
            xml_escape(&short(p, 24)),
            w - 10.0
        );
    }
    for (t, e) in &times {
        let p = e.place.clone().unwrap_or_else(|| "—".into());
        let k = rows.iter().position(|r| *r == p).unwrap_or(0);
        let x = if times.len() == 1 {
            left + (w - 10.0 - left) / 2.0
        } else {
            left + (w - 10.0 - left) * ((*t - t0) as f64 / span)
        };
        let y = 20.0 + row_h * k as f64 + row_h / 2.0;
        let _ = write!(
            s,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="#c92a2a"><title>{}</title></circle>"##,
            xml_escape(&format!(
                "{} {} {}",
                e.time.as_deref().unwrap_or(""),
                p,
                e.record
            ))
        );
    }
    if let (Some((_, a)), Some((_, b))) = (times.first(), times.last()) {
        let _ = write!(
            s,
            r##"<text x="{left}" y="{:.1}" font-size="11" fill="#5b6575">{}</text><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11" fill="#5b6575">{}</text>"##,
            h - 4.0,
            xml_escape(a.time.as_deref().unwrap_or("")),
            w - 10.0,
            h - 4.0,
            xml_escape(b.time.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::input::RecordMeta;
    use proptest::prelude::*;

    fn input() -> LinkInput {
        let mut input = LinkInput::new();
        let rows = [
            ("r1", "2026-01-01T10:00:00Z", "Lille"),
            ("r2", "2026-01-03T10:00:00Z", "Lille"),
            ("r3", "2026-01-05T10:00:00Z", "Bruxelles"),
        ];
        for (id, at, city) in rows {
            let r = input.add_record(RecordMeta {
                id: id.into(),
                captured_at: Some(at.into()),
                lang: "en".into(),
                ..RecordMeta::default()
            });
            add_finding(&mut input, r, "phone", "+33600000001", None, "{}");
            add_finding(
                &mut input,
                r,
                "place",
                &format!("geo:{city}"),
                None,
                &format!(r#"{{"name":"{city}","country":"FR"}}"#),
            );
            add_finding(&mut input, r, "indicator", "runaway", Some("runaway"), "{}");
        }
        input
    }

    #[test]
    fn a_cluster_has_its_timeline_moves_and_graph() {
        let d = cluster_drawing(&input(), "c-1", &LinkConfig::default());
        assert_eq!(d.timeline.len(), 3);
        assert_eq!(d.timeline[0].place.as_deref(), Some("Lille"));
        assert_eq!(d.moves.len(), 1);
        assert_eq!(
            (d.moves[0].from.as_str(), d.moves[0].to.as_str()),
            ("Lille", "Bruxelles")
        );
        assert_eq!(d.moves[0].record, "r3");
        // Three records, one phone, two places; one edge per record and selector.
        assert_eq!(d.graph.nodes.len(), 6);
        assert_eq!(d.graph.edges.len(), 6);
        let svg = graph_svg(&d.graph, "graph");
        assert_eq!(svg.matches("<rect").count(), 3);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert_eq!(svg.matches("<line").count(), 6);
        let t = timeline_svg(&d.timeline, "timeline");
        assert_eq!(t.matches("<circle").count(), 3);
        assert!(t.contains(">Bruxelles<"));
    }

    proptest! {
        /// Whatever the labels, the drawing carries no markup of theirs and no script.
        #[test]
        fn labels_cannot_inject_markup(label in "\\PC{0,40}") {
            let mut input = LinkInput::new();
            let r = input.add_record(RecordMeta { id: label.clone(), captured_at: Some("2026-01-01T00:00:00Z".into()), lang: "en".into(), ..RecordMeta::default() });
            add_finding(&mut input, r, "handle", &label, None, "{}");
            add_finding(&mut input, r, "place", &label, None, "{\"name\":\"<script>\"}");
            let d = cluster_drawing(&input, "c", &LinkConfig::default());
            for svg in [graph_svg(&d.graph, &label), timeline_svg(&d.timeline, &label)] {
                prop_assert!(!svg.contains("<script"));
                let opened = svg.matches('<').count();
                let tags = ["<svg", "<title", "</title", "<line", "<rect", "</rect", "<circle", "</circle", "<text", "</text", "</svg"]
                    .iter().map(|t| svg.matches(t).count()).sum::<usize>();
                prop_assert_eq!(opened, tags);
            }
        }
    }
}
