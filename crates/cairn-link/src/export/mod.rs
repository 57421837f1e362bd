//! Exports for other tools: GraphML and GEXF (Gephi, Cytoscape, networkx), CSV node and edge
//! tables, GeoJSON of places and moves (QGIS), CASE/UCO JSON-LD (exchange between agencies).
//!
//! Every string is escaped for its format; nothing is written that the format cannot carry
//! (control characters are dropped from XML).

pub mod case_uco;
pub mod csv;
pub mod geojson;
pub mod graphml;

use crate::cluster::Cluster;
use crate::config::LinkConfig;
use crate::input::{LinkInput, SelectorKind};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// `r:<record id>` or `s:<kind>:<value>`.
    pub id: String,
    pub label: String,
    /// `record` or a selector kind.
    pub kind: String,
    pub cluster: Option<String>,
    pub common: bool,
    /// Records carrying the selector (1 for a record).
    pub records: usize,
    pub captured_at: Option<String>,
    pub url: Option<String>,
    pub lang: Option<String>,
    pub sha256: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub source: String,
    pub target: String,
    /// The selector kind.
    pub kind: String,
    /// Capture time of the record.
    pub time: Option<String>,
}

/// The graph to export: records, their strong and common selectors, their places.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportGraph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

pub fn record_node_id(id: &str) -> String {
    format!("r:{id}")
}

pub fn selector_node_id(kind: SelectorKind, value: &str) -> String {
    format!("s:{}:{value}", kind.as_str())
}

/// Builds the export graph from the input and the stored clusters (record id → cluster id),
/// restricted to one cluster's records when `only` is given. Prices and generic URLs are left
/// out: they never link and would only clutter the drawing.
pub fn build_graph(
    input: &LinkInput,
    membership: &HashMap<String, String>,
    common: &HashSet<(SelectorKind, String)>,
    config: &LinkConfig,
    only: Option<&str>,
) -> ExportGraph {
    let keep_record: Vec<bool> = input
        .records
        .iter()
        .map(|r| only.is_none_or(|c| membership.get(&r.id).is_some_and(|m| m == c)))
        .collect();
    let mut graph = ExportGraph::default();
    for (i, r) in input.records.iter().enumerate() {
        if !keep_record[i] {
            continue;
        }
        graph.nodes.push(Node {
            id: record_node_id(&r.id),
            label: r.id.clone(),
            kind: "record".into(),
            cluster: membership.get(&r.id).cloned(),
            common: false,
            records: 1,
            captured_at: r.captured_at.clone(),
            url: r.url.clone(),
            lang: Some(r.lang.clone()),
            sha256: Some(r.sha256.clone()),
            lat: None,
            lon: None,
        });
    }
    let mut seen_pairs: HashSet<(u32, u32)> = HashSet::new();
    let mut sel_records: HashMap<u32, Vec<u32>> = HashMap::new();
    for &(r, s) in &input.occurrences {
        let (kind, value) = &input.selectors[s as usize];
        let wanted = config.is_strong(*kind)
            || *kind == SelectorKind::Place
            || common.contains(&(*kind, value.clone()));
        if !wanted || !keep_record[r as usize] || !seen_pairs.insert((r, s)) {
            continue;
        }
        sel_records.entry(s).or_default().push(r);
    }
    let mut selectors: Vec<(&u32, &Vec<u32>)> = sel_records.iter().collect();
    selectors.sort_unstable_by_key(|(s, _)| **s);
    for (&s, rs) in selectors {
        let (kind, value) = &input.selectors[s as usize];
        let clusters: HashSet<Option<&String>> = rs
            .iter()
            .map(|&r| membership.get(&input.records[r as usize].id))
            .collect();
        let place = (*kind == SelectorKind::Place)
            .then(|| input.places.get(value))
            .flatten();
        let id = selector_node_id(*kind, value);
        graph.nodes.push(Node {
            label: place.map_or_else(|| value.clone(), |p| p.name.clone()),
            kind: kind.as_str().into(),
            cluster: (clusters.len() == 1)
                .then(|| clusters.into_iter().next().flatten().cloned())
                .flatten(),
            common: common.contains(&(*kind, value.clone())),
            records: rs.len(),
            captured_at: None,
            url: None,
            lang: None,
            sha256: None,
            lat: place.and_then(|p| p.lat),
            lon: place.and_then(|p| p.lon),
            id: id.clone(),
        });
        for &r in rs {
            let rec = &input.records[r as usize];
            graph.edges.push(Edge {
                source: record_node_id(&rec.id),
                target: id.clone(),
                kind: kind.as_str().into(),
                time: rec.captured_at.clone(),
            });
        }
    }
    graph
}

/// Clusters worth a map or an exchange: the one asked for, else every cluster of 2+ records.
pub fn selected_clusters<'a>(clusters: &'a [Cluster], only: Option<&str>) -> Vec<&'a Cluster> {
    clusters
        .iter()
        .filter(|c| only.map_or(c.size >= 2, |id| c.id == id))
        .collect()
}

/// Text safe inside XML 1.0 character data and attribute values: markup escaped, characters
/// XML cannot carry (most C0 controls, U+FFFE, U+FFFF) dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markup_and_controls_are_neutralised() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}\u{FFFF}\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;"
        );
    }

    proptest! {
        #[test]
        fn escaped_text_has_no_markup(s in "\\PC*") {
            let e = xml_escape(&s);
            prop_assert!(!e.contains('<') && !e.contains('>') && !e.contains('"'));
            prop_assert!(!e.chars().any(|c| (c as u32) < 0x20));
        }
    }
}
