//! `cairn cluster ID`: one cluster in detail, with its timeline.

use super::typed_line;
use crate::exit;
use anyhow::Context;
use cairn_link::{LinkConfig, export, source};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClusterFormat {
    Table,
    Jsonl,
    /// A self-contained page: the graph (Cytoscape.js, inlined) and the timeline; works offline.
    Html,
}

/// Show one cluster: evidence, selectors, places, moves, touring and the timeline of its records.
#[derive(Debug, clap::Args)]
pub struct ClusterArgs {
    /// The cluster id, as listed by `cairn clusters` (e.g. c-1a2b3c4d5e6f7a8b).
    pub id: String,

    #[arg(long, value_enum, default_value_t = ClusterFormat::Table)]
    pub format: ClusterFormat,

    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(data: &Path, args: ClusterArgs) -> anyhow::Result<u8> {
    let (runtime, store) = super::open_store(data)?;
    super::require_link_run(&runtime, &store)?;
    let found = runtime.block_on(source::stored_cluster(&store, &args.id))?;
    let Some(c) = found else {
        eprintln!(
            "cairn cluster: no cluster {} (list them with `cairn clusters`)",
            args.id
        );
        return Ok(exit::FAILURE);
    };
    let graph = if args.format == ClusterFormat::Html {
        let config = LinkConfig::default();
        let loaded = runtime.block_on(source::load(&store, &config))?;
        let membership: HashMap<String, String> =
            runtime.block_on(source::previous_membership(&store))?;
        let common: HashSet<(cairn_link::SelectorKind, String)> = runtime
            .block_on(source::stored_common(&store))?
            .into_iter()
            .map(|c| (c.kind, c.value))
            .collect();
        Some(export::build_graph(
            &loaded.input,
            &membership,
            &common,
            &config,
            Some(&c.id),
        ))
    } else {
        None
    };
    runtime.block_on(store.close());
    let mut out: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    if let Some(graph) = graph {
        out.write_all(super::html::render(&c, &graph)?.as_bytes())?;
        out.flush()?;
        if let Some(p) = &args.out {
            eprintln!("cairn cluster: page written to {}", p.display());
        }
        return Ok(exit::OK);
    }
    if args.format == ClusterFormat::Jsonl {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&typed_line("cluster", &c)?)?
        )?;
        out.flush()?;
        return Ok(exit::OK);
    }
    writeln!(
        out,
        "cluster {} — {} records, first seen {}, last seen {}",
        c.id,
        c.size,
        c.first_seen.as_deref().unwrap_or("unknown"),
        c.last_seen.as_deref().unwrap_or("unknown")
    )?;
    writeln!(out, "\nevidence")?;
    for e in &c.evidence {
        writeln!(out, "  - {e}")?;
    }
    writeln!(out, "\nselectors")?;
    for s in &c.selectors {
        writeln!(
            out,
            "  {:<11} {:<40} {} record(s){}",
            s.kind.as_str(),
            s.value,
            s.records,
            if s.common {
                " — common, not linking"
            } else {
                ""
            }
        )?;
    }
    if !c.languages.is_empty() {
        let l: Vec<String> = c
            .languages
            .iter()
            .map(|l| format!("{} {}", l.value, l.records))
            .collect();
        writeln!(out, "\nlanguages: {}", l.join(", "))?;
    }
    if !c.moves.is_empty() {
        writeln!(out, "\nmoves")?;
        for m in &c.moves {
            writeln!(
                out,
                "  {}  {} → {}  ({})",
                m.date.as_deref().unwrap_or("-"),
                m.from,
                m.to,
                m.record
            )?;
        }
    }
    for t in &c.touring {
        writeln!(
            out,
            "\ntouring: {} {} in {} ({} → {})",
            t.kind.as_str(),
            t.value,
            t.cities.join(", "),
            t.from.as_deref().unwrap_or("?"),
            t.to.as_deref().unwrap_or("?")
        )?;
    }
    writeln!(out, "\ntimeline")?;
    for t in &c.timeline {
        writeln!(
            out,
            "  {:<20}  {:<24}  {}",
            t.time.as_deref().unwrap_or("-"),
            t.place.as_deref().unwrap_or("-"),
            t.record
        )?;
    }
    out.flush()?;
    Ok(exit::OK)
}
