//! The cluster view: a self-contained page (graph drawn by the vendored Cytoscape.js, timeline).

use askama::Template;
use cairn_link::Cluster;
use cairn_link::export::ExportGraph;

const CYTOSCAPE_JS: &str = include_str!("../../../assets/cytoscape-3.35.0.min.js");

#[derive(Template)]
#[template(path = "cluster.html")]
struct ClusterPage<'a> {
    c: &'a Cluster,
    first_seen: &'a str,
    last_seen: &'a str,
    graph_json: String,
    cytoscape_js: &'static str,
    cytoscape_version: &'static str,
}

/// Cytoscape elements as JSON, safe inside a `<script>` element (`<` escaped).
fn elements(graph: &ExportGraph) -> String {
    let mut els = Vec::with_capacity(graph.nodes.len() + graph.edges.len());
    for n in &graph.nodes {
        els.push(serde_json::json!({"data": {"id": n.id, "label": n.label, "kind": n.kind, "common": n.common}}));
    }
    for (i, e) in graph.edges.iter().enumerate() {
        els.push(serde_json::json!({"data": {"id": format!("e{i}"), "source": e.source, "target": e.target}}));
    }
    serde_json::Value::Array(els)
        .to_string()
        .replace('<', "\\u003c")
}

pub fn render(c: &Cluster, graph: &ExportGraph) -> anyhow::Result<String> {
    Ok(ClusterPage {
        c,
        first_seen: c.first_seen.as_deref().unwrap_or("unknown"),
        last_seen: c.last_seen.as_deref().unwrap_or("unknown"),
        graph_json: elements(graph),
        cytoscape_js: CYTOSCAPE_JS,
        cytoscape_version: "3.35.0",
    }
    .render()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_link::export::Node;

    #[test]
    fn script_data_cannot_close_its_element() {
        let graph = ExportGraph {
            nodes: vec![Node {
                id: "r:</script><b>".into(),
                label: "</script>".into(),
                kind: "record".into(),
                cluster: None,
                common: false,
                records: 1,
                captured_at: None,
                url: None,
                lang: None,
                sha256: None,
                lat: None,
                lon: None,
            }],
            edges: vec![],
        };
        let j = elements(&graph);
        assert!(!j.contains('<'));
        let v: serde_json::Value = serde_json::from_str(&j).unwrap_or_default();
        assert_eq!(v[0]["data"]["label"], "</script>");
    }
}
