//! `cairn dedup`: groups of near-duplicate images.

use super::common::{self, OutFormat};
use crate::exit;
use cairn_media::{HashOptions, IndexBuilder, ListEntry, ListSink};
use rayon::prelude::*;
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Find groups of near-duplicate images: identical files (same SHA-256) and images whose PDQ
/// hashes are within --max-distance of each other (transitively: A~B and B~C put A, B and C in
/// one group).
#[derive(Debug, clap::Args)]
pub struct DedupArgs {
    /// Image files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    /// Largest PDQ Hamming distance between two images of a group.
    #[arg(long, value_name = "D", default_value_t = 31, value_parser = clap::value_parser!(u32).range(0..=256))]
    pub max_distance: u32,

    /// Images whose PDQ quality is below this are grouped by SHA-256 only (flat or tiny
    /// images have unreliable PDQ hashes).
    #[arg(long, value_name = "Q", default_value_t = 50)]
    pub min_quality: u32,

    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Output: a table (default on a terminal) or JSON Lines (default otherwise).
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The earlier input becomes the root, so groups are named by their first image.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi] = lo;
    }
}

pub fn run(_data: &Path, args: DedupArgs) -> anyhow::Result<u8> {
    let format = common::resolve_format(args.format);
    let pool = common::pool(args.jobs)?;
    let (files, mut errors) = common::collect_files(&args.paths);
    let opts = HashOptions::default();
    let hashed: Vec<common::FileHashes> = pool.install(|| {
        files
            .par_iter()
            .map(|p| common::hash_file(p, &opts))
            .collect()
    });
    let mut images = Vec::new();
    for h in hashed {
        match h.media {
            Ok(m) => images.push((h.path, m)),
            Err(msg) => errors.push((h.path, msg)),
        }
    }

    let mut parent: Vec<usize> = (0..images.len()).collect();
    let mut by_sha: HashMap<&str, usize> = HashMap::new();
    for (i, (_, m)) in images.iter().enumerate() {
        if let Some(&j) = by_sha.get(m.crypto.sha256.as_str()) {
            union(&mut parent, i, j);
        } else {
            by_sha.insert(&m.crypto.sha256, i);
        }
    }
    let mut builder = IndexBuilder::new();
    for (i, (_, m)) in images.iter().enumerate() {
        // Every image gets an entry (entry number = image number); low quality ones no PDQ.
        let pdq = (m.quality >= args.min_quality).then_some(m.pdq);
        builder.entry(
            ListEntry {
                id: i.to_string(),
                pdq,
                ..Default::default()
            },
            "",
        );
    }
    let (index, _) = builder.build()?;
    let neighbours: Vec<Vec<u32>> = pool.install(|| {
        (0..images.len())
            .into_par_iter()
            .map(|i| {
                let m = &images[i].1;
                if m.quality < args.min_quality {
                    return Vec::new();
                }
                let mut found = Vec::new();
                index.search_pdq(&m.pdq, args.max_distance, &mut found);
                found
                    .into_iter()
                    .map(|f| f.entry)
                    .filter(|&e| e as usize != i)
                    .collect()
            })
            .collect()
    });
    for (i, ns) in neighbours.iter().enumerate() {
        for &j in ns {
            union(&mut parent, i, j as usize);
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for i in 0..images.len() {
        let r = find(&mut parent, i);
        let g = *slot.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    groups.retain(|g| g.len() > 1);

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if format == OutFormat::Jsonl {
        for (path, msg) in &errors {
            common::json_line(&mut out, &common::error_json(path, msg))?;
        }
    }
    let mut rows = Vec::new();
    for (n, g) in groups.iter().enumerate() {
        let first = &images[g[0]].1;
        let members: Vec<serde_json::Value> = g
            .iter()
            .map(|&i| {
                let (path, m) = &images[i];
                json!({
                    "path": path,
                    "sha256": m.crypto.sha256,
                    "pdq": m.pdq.to_hex(),
                    "quality": m.quality,
                    "distance": m.pdq.distance(&first.pdq),
                })
            })
            .collect();
        if format == OutFormat::Jsonl {
            common::json_line(
                &mut out,
                &json!({"type": "group", "group": n + 1, "size": g.len(), "members": members}),
            )?;
        } else {
            for (k, v) in members.iter().enumerate() {
                let same = if images[g[k]].1.crypto.sha256 == first.crypto.sha256 {
                    " (identical)"
                } else {
                    ""
                };
                rows.push(vec![
                    if k == 0 {
                        (n + 1).to_string()
                    } else {
                        String::new()
                    },
                    v["path"].as_str().unwrap_or("").to_string(),
                    format!("{}{same}", v["distance"]),
                    v["quality"].to_string(),
                ]);
            }
        }
    }
    if format == OutFormat::Table {
        common::print_table(
            &mut out,
            &["GROUP", "PATH", "DISTANCE TO FIRST", "QUALITY"],
            &rows,
        )?;
        writeln!(
            out,
            "{} group(s) among {} image(s)",
            groups.len(),
            images.len()
        )?;
        out.flush()?;
        common::print_errors_human(&errors);
    }
    out.flush()?;
    Ok(if errors.is_empty() {
        exit::OK
    } else {
        exit::REJECTED
    })
}
