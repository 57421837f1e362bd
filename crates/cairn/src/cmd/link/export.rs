//! `cairn export --format graphml|gexf|csv|geojson|case-uco`: the link graph for other tools.
//! `cairn export htcds …` (the registry) stays a subcommand; the two cannot be mixed.

use crate::cmd::registry::export::{ExportArgs as RegistryExportArgs, ExportCommand};
use crate::exit;
use anyhow::Context;
use cairn_link::export::{self, case_uco, csv, geojson, graphml};
use cairn_link::{LinkConfig, source};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// GraphML (Gephi, Cytoscape, networkx, yEd).
    Graphml,
    /// GEXF 1.2 (Gephi).
    Gexf,
    /// Two CSV tables: FILE.nodes.csv and FILE.edges.csv.
    Csv,
    /// GeoJSON of places and moves (QGIS).
    Geojson,
    /// CASE/UCO JSON-LD with provenance and the SHA-256 of the evidence.
    CaseUco,
}

/// Export the link graph (records, selectors, places, clusters of the last `cairn link`), or
/// registry data with the `htcds` subcommand.
///
/// Graph exports: `cairn export --format graphml|gexf|csv|geojson|case-uco [--cluster ID] --out FILE`.
/// The files hold selectors (phones, e-mails...): they are created readable by their owner only.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub registry: Option<ExportCommand>,

    /// Graph format (required without a subcommand).
    #[arg(long, value_enum)]
    pub format: Option<GraphFormat>,

    /// Only this cluster (default: every record; geojson and case-uco: every cluster of 2+ records).
    #[arg(long, value_name = "ID")]
    pub cluster: Option<String>,

    /// Output file (for csv, FILE.nodes.csv and FILE.edges.csv are written).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn private_file(path: &Path) -> anyhow::Result<BufWriter<File>> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let f = opts
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    Ok(BufWriter::new(f))
}

/// `x.csv` → `x.nodes.csv`, `x.edges.csv`.
fn csv_paths(out: &Path) -> (PathBuf, PathBuf) {
    let base = if out.extension().is_some_and(|e| e == "csv") {
        out.with_extension("")
    } else {
        out.to_path_buf()
    };
    let with = |suffix: &str| {
        let mut s = base.clone().into_os_string();
        s.push(suffix);
        PathBuf::from(s)
    };
    (with(".nodes.csv"), with(".edges.csv"))
}

pub fn run(data: &Path, args: ExportArgs) -> anyhow::Result<u8> {
    if let Some(command) = args.registry {
        return crate::cmd::registry::export::run(data, RegistryExportArgs { command });
    }
    let (Some(format), Some(out)) = (args.format, args.out) else {
        eprintln!(
            "cairn export: give --format graphml|gexf|csv|geojson|case-uco and --out FILE, or a subcommand (htcds); see cairn export --help"
        );
        return Ok(exit::USAGE);
    };
    let (runtime, store) = super::open_store(data)?;
    super::require_link_run(&runtime, &store)?;
    let config: LinkConfig = LinkConfig::default();
    let loaded = runtime.block_on(source::load(&store, &config))?;
    let membership: HashMap<String, String> =
        runtime.block_on(source::previous_membership(&store))?;
    let common: HashSet<(cairn_link::SelectorKind, String)> = runtime
        .block_on(source::stored_common(&store))?
        .into_iter()
        .map(|c| (c.kind, c.value))
        .collect();
    let clusters = runtime.block_on(source::stored_clusters(&store, 1))?;
    runtime.block_on(store.close());
    let only = args.cluster.as_deref();
    if let Some(id) = only
        && !clusters.iter().any(|c| c.id == id)
    {
        eprintln!("cairn export: no cluster {id} (list them with `cairn clusters`)");
        return Ok(exit::FAILURE);
    }
    let graph = export::build_graph(&loaded.input, &membership, &common, &config, only);
    let selected = export::selected_clusters(&clusters, only);
    match format {
        GraphFormat::Graphml | GraphFormat::Gexf => {
            let mut w = private_file(&out)?;
            if format == GraphFormat::Graphml {
                graphml::write_graphml(&graph, &mut w)?;
            } else {
                graphml::write_gexf(&graph, &mut w)?;
            }
            w.flush()?;
            eprintln!(
                "cairn export: {} nodes, {} edges written to {}",
                graph.nodes.len(),
                graph.edges.len(),
                out.display()
            );
        }
        GraphFormat::Csv => {
            let (nodes, edges) = csv_paths(&out);
            let mut w = private_file(&nodes)?;
            csv::write_nodes(&graph, &mut w)?;
            w.flush()?;
            let mut w = private_file(&edges)?;
            csv::write_edges(&graph, &mut w)?;
            w.flush()?;
            eprintln!(
                "cairn export: {} nodes written to {}, {} edges to {}",
                graph.nodes.len(),
                nodes.display(),
                graph.edges.len(),
                edges.display()
            );
        }
        GraphFormat::Geojson | GraphFormat::CaseUco => {
            let doc = if format == GraphFormat::Geojson {
                geojson::geojson(&selected)
            } else {
                let now = cairn_store::now_rfc3339();
                case_uco::case_uco(
                    &loaded.input,
                    &graph,
                    &selected,
                    env!("CARGO_PKG_VERSION"),
                    &now,
                )
            };
            let mut w = private_file(&out)?;
            serde_json::to_writer_pretty(&mut w, &doc)?;
            w.write_all(b"\n")?;
            w.flush()?;
            eprintln!(
                "cairn export: {} cluster(s) written to {}",
                selected.len(),
                out.display()
            );
        }
    }
    Ok(exit::OK)
}
