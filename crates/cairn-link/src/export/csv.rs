//! CSV node and edge tables (Gephi's spreadsheet import, any spreadsheet).

use super::ExportGraph;
use std::io::Write;

/// One CSV field, quoted when it must be (RFC 4180).
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(field).unwrap_or_default()
}

pub fn write_nodes(g: &ExportGraph, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        w,
        "id,label,kind,cluster,common,records,captured_at,url,lang,lat,lon"
    )?;
    for n in &g.nodes {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{}",
            field(&n.id),
            field(&n.label),
            field(&n.kind),
            opt(&n.cluster),
            n.common,
            n.records,
            opt(&n.captured_at),
            opt(&n.url),
            opt(&n.lang),
            n.lat.map(|v| v.to_string()).unwrap_or_default(),
            n.lon.map(|v| v.to_string()).unwrap_or_default(),
        )?;
    }
    Ok(())
}

pub fn write_edges(g: &ExportGraph, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(w, "source,target,kind,time")?;
    for e in &g.edges {
        writeln!(
            w,
            "{},{},{},{}",
            field(&e.source),
            field(&e.target),
            field(&e.kind),
            opt(&e.time)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_quotes_are_quoted() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\"\n"), "\"say \"\"hi\"\"\n\"");
    }
}
