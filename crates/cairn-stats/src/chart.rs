//! Charts of a published release as self-contained SVG, rendered on the server: no script, no
//! external file, nothing but the published figures (a suppressed cell is drawn as "x", never as
//! a bar), so a chart discloses exactly what its table does. [`html_report`] puts every chart and
//! table of a release in one offline HTML page (`cairn stats report --format html`).

use crate::release::{PublishedTable, Release, TOTAL};
use serde::Serialize;
use std::fmt::Write;

/// One chart of a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chart {
    pub table_id: String,
    pub title: String,
    pub svg: String,
}

const WIDTH: u32 = 720;
const LABEL_WIDTH: u32 = 220;
const BAR_WIDTH: u32 = 400;
const BAR_HEIGHT: u32 = 14;
const ROW_GAP: u32 = 8;
const TOP: u32 = 36;
/// Okabe–Ito's colour-blind-safe palette, then four of Tol's muted colours: twelve distinct
/// series (the most a default table has is ten age bands).
const PALETTE: [&str; 12] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#882255", "#44AA99", "#999933", "#AA4499",
];

/// Escapes text for XML and HTML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart of a published table: one group of bars per category of its first
/// axis, one bar per category of its second axis (one bar when it has a single axis); further
/// axes at their total. Margins are not drawn (they are in the table).
pub fn bar_chart(table: &PublishedTable) -> String {
    let Some(rows_axis) = table.axes.first() else {
        return String::new();
    };
    let series_axis = table.axes.get(1);
    let series: Vec<Option<&str>> = match series_axis {
        Some(a) => a.labels.iter().map(|l| Some(l.as_str())).collect(),
        None => vec![None],
    };
    let value = |row: &str, s: Option<&str>| {
        let mut cats = vec![(rows_axis.name.as_str(), row)];
        if let (Some(a), Some(l)) = (series_axis, s) {
            cats.push((a.name.as_str(), l));
        }
        table.cell(&cats).map(|c| (c.value, c.flag))
    };
    let max = rows_axis
        .labels
        .iter()
        .flat_map(|r| series.iter().map(move |s| (r, s)))
        .filter_map(|(r, s)| value(r, *s).and_then(|v| v.0))
        .max()
        .unwrap_or(0)
        .max(1);
    let noisy = table.cells.iter().any(|c| c.flag == Some("noisy"));
    let group = series.len() as u32 * BAR_HEIGHT + ROW_GAP;
    let legend = if series_axis.is_some() {
        18 * series.len().div_ceil(4) as u32
    } else {
        0
    };
    let height = TOP + legend + group * rows_axis.labels.len() as u32 + 24;
    let id = escape(&table.id);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="chart-{id}" font-family="sans-serif" font-size="11">"#
    );
    let _ = write!(
        svg,
        r#"<title id="chart-{id}">{}</title><text x="0" y="16" font-size="14" font-weight="bold">{}</text>"#,
        escape(&table.title),
        escape(&table.title)
    );
    if let Some(a) = series_axis {
        for (i, l) in a.labels.iter().enumerate() {
            let x = (i % 4) as u32 * 170;
            let y = TOP + (i / 4) as u32 * 18 - 8;
            let _ = write!(
                svg,
                r#"<rect x="{x}" y="{y}" width="10" height="10" fill="{}"/><text x="{}" y="{}">{}</text>"#,
                PALETTE[i % PALETTE.len()],
                x + 14,
                y + 9,
                escape(l)
            );
        }
    }
    for (r, row) in rows_axis.labels.iter().enumerate() {
        let y0 = TOP + legend + r as u32 * group;
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            LABEL_WIDTH - 8,
            y0 + group / 2 + 2,
            escape(row)
        );
        for (i, s) in series.iter().enumerate() {
            let y = y0 + i as u32 * BAR_HEIGHT;
            let (shown, width) = match value(row, *s) {
                Some((Some(v), _)) => (
                    v.to_string(),
                    u32::try_from(u128::from(v) * u128::from(BAR_WIDTH) / u128::from(max))
                        .unwrap_or(BAR_WIDTH),
                ),
                Some((None, _)) => ("x".to_owned(), 0),
                None => continue,
            };
            if width > 0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{}" fill="{}"><title>{}{}: {shown}</title></rect>"#,
                    BAR_HEIGHT - 2,
                    PALETTE[i % PALETTE.len()],
                    escape(row),
                    s.map(|l| format!(", {}", escape(l))).unwrap_or_default(),
                );
            }
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}">{}</text>"#,
                LABEL_WIDTH + width + 4,
                y + BAR_HEIGHT - 3,
                escape(&shown)
            );
        }
    }
    let foot = if noisy {
        "Figures with noise (differential privacy)."
    } else {
        "x: suppressed (fewer than k, or would reveal one)."
    };
    let _ = write!(
        svg,
        r#"<text x="0" y="{}" fill="dimgray">{foot}</text></svg>"#,
        height - 6
    );
    svg
}

/// A chart for every table of a release.
pub fn charts(release: &Release) -> Vec<Chart> {
    release
        .tables
        .iter()
        .map(|t| Chart {
            table_id: t.id.clone(),
            title: t.title.clone(),
            svg: bar_chart(t),
        })
        .collect()
}

/// Every cell of a table as HTML rows: categories, value ("x" when suppressed), flag.
fn html_table(table: &PublishedTable) -> String {
    let mut out = String::from("<table><thead><tr>");
    for a in &table.axes {
        let _ = write!(out, "<th>{}</th>", escape(&a.name));
    }
    out.push_str("<th>value</th><th>flag</th></tr></thead><tbody>");
    for c in &table.cells {
        out.push_str("<tr>");
        for a in &table.axes {
            let label = c.categories.get(&a.name).map_or(TOTAL, String::as_str);
            let _ = write!(out, "<td>{}</td>", escape(label));
        }
        let _ = write!(
            out,
            "<td class=\"n\">{}</td><td>{}</td></tr>",
            c.value.map_or_else(|| "x".to_owned(), |v| v.to_string()),
            escape(c.flag.unwrap_or(""))
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// One self-contained HTML page: who was counted, every chart and table, the delays, the notes.
pub fn html_report(release: &Release) -> String {
    let p = &release.population;
    let mut out = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cairn statistics</title><style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 2rem}td,th{border:1px solid #ccc;padding:.15rem .5rem}td.n{text-align:right}details{margin-bottom:2rem}</style></head><body>",
    );
    let _ = write!(
        out,
        "<h1>Statistics — dataset {}</h1><p>{} persons registered, {} counted, reporting country {}. Protection: {}.</p><ul>",
        escape(&release.dataset),
        p.registered,
        p.counted,
        escape(&p.reporting_country),
        escape(&release.protection.guarantee())
    );
    for l in &p.left_out {
        let _ = write!(
            out,
            "<li>left out: {} — {}</li>",
            l.persons,
            escape(&l.reason)
        );
    }
    out.push_str("</ul>");
    for t in &release.tables {
        let _ = write!(
            out,
            "<section><h2>{} ({})</h2>{}<details><summary>Table</summary>{}</details></section>",
            escape(&t.title),
            escape(&t.unit),
            bar_chart(t),
            html_table(t)
        );
    }
    if !release.referral_delays.is_empty() {
        out.push_str("<h2>Median days from sending a referral to each decision</h2><table>");
        for d in &release.referral_delays {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                escape(&d.decision),
                d.median_days.map_or("x".to_owned(), |m| m.to_string())
            );
        }
        let _ = write!(
            out,
            "<tr><td>referrals without a decision yet</td><td class=\"n\">{}</td></tr></table>",
            release
                .referrals_without_decision
                .map_or("x".to_owned(), |n| n.to_string())
        );
    }
    out.push_str("<h2>Notes</h2><ul>");
    for n in &release.notes {
        let _ = write!(out, "<li>{}</li>", escape(n));
    }
    out.push_str("</ul></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cube::Axis;
    use crate::release::PublishedCell;
    use std::collections::BTreeMap;

    fn cell(
        cats: &[(&str, &str)],
        value: Option<u64>,
        flag: Option<&'static str>,
    ) -> PublishedCell {
        PublishedCell {
            categories: cats
                .iter()
                .map(|(a, l)| ((*a).to_owned(), (*l).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            value,
            flag,
        }
    }

    fn table() -> PublishedTable {
        let axis = |name: &str, labels: &[&str]| Axis {
            name: name.into(),
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            multi_valued: false,
        };
        PublishedTable {
            id: "sex_by_majority".into(),
            title: "Victims by sex & <majority>".into(),
            unit: "persons".into(),
            axes: vec![
                axis("sex", &["Female", "Male"]),
                axis("majority", &["Minor", "Adult"]),
            ],
            cells: vec![
                cell(&[("sex", "Female"), ("majority", "Minor")], Some(120), None),
                cell(&[("sex", "Female"), ("majority", "Adult")], Some(30), None),
                cell(
                    &[("sex", "Male"), ("majority", "Minor")],
                    None,
                    Some("suppressed_small_count"),
                ),
                cell(&[("sex", "Male"), ("majority", "Adult")], Some(0), None),
                cell(&[("sex", "Female"), ("majority", TOTAL)], Some(150), None),
                cell(
                    &[("sex", "Male"), ("majority", TOTAL)],
                    None,
                    Some("suppressed_complementary"),
                ),
                cell(
                    &[("sex", TOTAL), ("majority", "Minor")],
                    None,
                    Some("suppressed_complementary"),
                ),
                cell(&[("sex", TOTAL), ("majority", "Adult")], Some(30), None),
                cell(&[("sex", TOTAL), ("majority", TOTAL)], Some(155), None),
            ],
        }
    }

    #[test]
    fn bars_show_published_figures_only() {
        let svg = bar_chart(&table());
        // Bars for the two non-zero published cells plus four legend swatches; the suppressed
        // cell and the zero get a label, no bar.
        let bars: Vec<&str> = svg
            .match_indices("<rect x=\"220\"")
            .map(|(i, _)| &svg[i..])
            .collect();
        assert_eq!(bars.len(), 2, "{svg}");
        assert!(bars[0].starts_with(&format!(
            "<rect x=\"220\" y=\"{}\" width=\"{BAR_WIDTH}\"",
            TOP + 18
        )));
        assert!(bars[1].contains(&format!("width=\"{}\"", 30 * BAR_WIDTH / 120)));
        assert_eq!(svg.matches(">x</text>").count(), 1);
        assert!(svg.contains(">0</text>"));
        // The margins (150, 155) are not drawn; the suppressed complement is not either.
        assert!(!svg.contains(">150<") && !svg.contains(">155<"));
        // Titles are escaped; the document is one svg element.
        assert!(svg.contains("Victims by sex &amp; &lt;majority&gt;"));
        assert!(!svg.contains("<majority>"));
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<svg").count(), 1);
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
        assert_eq!(
            svg.matches("<title").count(),
            svg.matches("</title>").count()
        );
    }

    #[test]
    fn a_single_axis_table_has_one_bar_per_category() {
        let mut t = table();
        t.axes.truncate(1);
        t.cells = vec![
            cell(&[("sex", "Female")], Some(40), Some("noisy")),
            cell(&[("sex", "Male")], Some(10), Some("noisy")),
            cell(&[("sex", TOTAL)], Some(50), Some("noisy")),
        ];
        let svg = bar_chart(&t);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("differential privacy"));
    }
}
