//! GraphML and GEXF writers.

use super::{ExportGraph, Node, xml_escape};
use std::io::Write;

const NODE_KEYS: [&str; 11] = [
    "label",
    "kind",
    "cluster",
    "common",
    "records",
    "captured_at",
    "url",
    "lang",
    "sha256",
    "lat",
    "lon",
];

fn node_values(n: &Node) -> [Option<String>; 11] {
    [
        Some(n.label.clone()),
        Some(n.kind.clone()),
        n.cluster.clone(),
        Some(n.common.to_string()),
        Some(n.records.to_string()),
        n.captured_at.clone(),
        n.url.clone(),
        n.lang.clone(),
        n.sha256.clone(),
        n.lat.map(|v| v.to_string()),
        n.lon.map(|v| v.to_string()),
    ]
}

fn key_type(k: &str) -> &'static str {
    match k {
        "common" => "boolean",
        "records" => "long",
        "lat" | "lon" => "double",
        _ => "string",
    }
}

/// GraphML (undirected), every attribute declared with its type.
pub fn write_graphml(g: &ExportGraph, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    for k in NODE_KEYS {
        writeln!(
            w,
            r#"  <key id="n_{k}" for="node" attr.name="{k}" attr.type="{}"/>"#,
            key_type(k)
        )?;
    }
    writeln!(
        w,
        r#"  <key id="e_kind" for="edge" attr.name="kind" attr.type="string"/>"#
    )?;
    writeln!(
        w,
        r#"  <key id="e_time" for="edge" attr.name="time" attr.type="string"/>"#
    )?;
    writeln!(w, r#"  <graph id="cairn" edgedefault="undirected">"#)?;
    for n in &g.nodes {
        writeln!(w, r#"    <node id="{}">"#, xml_escape(&n.id))?;
        for (k, v) in NODE_KEYS.iter().zip(node_values(n)) {
            if let Some(v) = v {
                writeln!(w, r#"      <data key="n_{k}">{}</data>"#, xml_escape(&v))?;
            }
        }
        writeln!(w, "    </node>")?;
    }
    for (i, e) in g.edges.iter().enumerate() {
        writeln!(
            w,
            r#"    <edge id="e{i}" source="{}" target="{}">"#,
            xml_escape(&e.source),
            xml_escape(&e.target)
        )?;
        writeln!(
            w,
            r#"      <data key="e_kind">{}</data>"#,
            xml_escape(&e.kind)
        )?;
        if let Some(t) = &e.time {
            writeln!(w, r#"      <data key="e_time">{}</data>"#, xml_escape(t))?;
        }
        writeln!(w, "    </edge>")?;
    }
    writeln!(w, "  </graph>\n</graphml>")?;
    Ok(())
}

/// GEXF 1.2 (undirected, static), the format Gephi opens natively.
pub fn write_gexf(g: &ExportGraph, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">"#
    )?;
    writeln!(
        w,
        r#"  <meta><creator>cairn link</creator><description>records and the selectors that link them</description></meta>"#
    )?;
    writeln!(w, r#"  <graph mode="static" defaultedgetype="undirected">"#)?;
    writeln!(w, r#"    <attributes class="node" mode="static">"#)?;
    // The label is GEXF's own attribute; the others are declared.
    for (i, k) in NODE_KEYS.iter().enumerate().skip(1) {
        let t = match key_type(k) {
            "long" => "long",
            "double" => "double",
            "boolean" => "boolean",
            _ => "string",
        };
        writeln!(w, r#"      <attribute id="{i}" title="{k}" type="{t}"/>"#)?;
    }
    writeln!(w, "    </attributes>")?;
    writeln!(w, r#"    <attributes class="edge" mode="static">"#)?;
    writeln!(
        w,
        r#"      <attribute id="kind" title="kind" type="string"/>"#
    )?;
    writeln!(
        w,
        r#"      <attribute id="time" title="time" type="string"/>"#
    )?;
    writeln!(w, "    </attributes>")?;
    writeln!(w, "    <nodes>")?;
    for n in &g.nodes {
        writeln!(
            w,
            r#"      <node id="{}" label="{}">"#,
            xml_escape(&n.id),
            xml_escape(&n.label)
        )?;
        writeln!(w, "        <attvalues>")?;
        for (i, v) in node_values(n).into_iter().enumerate().skip(1) {
            if let Some(v) = v {
                writeln!(
                    w,
                    r#"          <attvalue for="{i}" value="{}"/>"#,
                    xml_escape(&v)
                )?;
            }
        }
        writeln!(w, "        </attvalues>\n      </node>")?;
    }
    writeln!(w, "    </nodes>\n    <edges>")?;
    for (i, e) in g.edges.iter().enumerate() {
        writeln!(
            w,
            r#"      <edge id="{i}" source="{}" target="{}">"#,
            xml_escape(&e.source),
            xml_escape(&e.target)
        )?;
        writeln!(
            w,
            r#"        <attvalues><attvalue for="kind" value="{}"/>{}</attvalues>"#,
            xml_escape(&e.kind),
            e.time
                .as_deref()
                .map(|t| format!(r#"<attvalue for="time" value="{}"/>"#, xml_escape(t)))
                .unwrap_or_default()
        )?;
        writeln!(w, "      </edge>")?;
    }
    writeln!(w, "    </edges>\n  </graph>\n</gexf>")?;
    Ok(())
}
