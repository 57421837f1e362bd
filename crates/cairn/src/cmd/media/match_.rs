//! `cairn match`: images or hashes against known-hash lists.

use super::common::{self, OutFormat};
use crate::exit;
use cairn_media::list::parse_hash_token;
use cairn_media::store::valid_list_name;
use cairn_media::{
    DIHEDRAL_NAMES, HashOptions, ListFormat, ListStore, MatchIndex, PdqHash, PdqMatch,
    read_into_builder,
};
use rayon::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Match images or hashes against known-hash lists (PDQ by Hamming distance; MD5, SHA-1 and
/// SHA-256 exactly).
///
/// Each --list is the NAME of a list imported with `cairn lists add`, or a list FILE read for this
/// run only (VICS JSON, NCMEC XML, CSV with a header, or one hash a line). PDQ matching is
/// exact: every list hash within --max-distance is reported, with its distance. PhotoDNA hashes
/// in lists are ignored: PhotoDNA is proprietary and Cairn cannot compute it.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["paths", "queries"])))]
pub struct MatchArgs {
    /// Image files or directories to match (their PDQ and cryptographic hashes).
    pub paths: Vec<PathBuf>,

    /// A file of hashes to match, one a line (32 hex digits MD5, 40 SHA-1, 64 PDQ or SHA-256).
    #[arg(long, value_name = "FILE", conflicts_with = "paths")]
    pub queries: Option<PathBuf>,

    /// A list NAME from the data directory, or a list FILE; repeat for several lists.
    #[arg(long = "list", value_name = "LIST", required = true)]
    pub lists: Vec<String>,

    /// Format of list files given as --list FILE (default: from the extension and content).
    #[arg(long, value_name = "FORMAT")]
    pub list_format: Option<ListFormat>,

    /// Largest PDQ Hamming distance reported (0-256; 31 is the usual threshold).
    #[arg(long, value_name = "D", default_value_t = 31, value_parser = clap::value_parser!(u32).range(0..=256))]
    pub max_distance: u32,

    /// Images whose PDQ quality is below this are matched by cryptographic hashes only.
    #[arg(long, value_name = "Q", default_value_t = 50)]
    pub min_quality: u32,

    /// Also match the 8 rotations and mirror images of each image.
    #[arg(long)]
    pub dihedral: bool,

    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Output: a table (default on a terminal) or JSON Lines (default otherwise).
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
}

struct List {
    name: String,
    index: MatchIndex,
}

/// One thing to look up: an image (by path) or a hash (as written).
#[derive(Default)]
struct Query {
    label: String,
    pdq: Vec<(PdqHash, usize)>,
    md5: Option<[u8; 16]>,
    sha1: Option<[u8; 20]>,
    sha256: Option<[u8; 32]>,
}

fn hex_array<const N: usize>(s: &str) -> Option<[u8; N]> {
    cairn_media::list::parse_hex::<N>(s).ok()
}

pub fn run(data: &Path, args: MatchArgs) -> anyhow::Result<u8> {
    let format = common::resolve_format(args.format);
    let pool = common::pool(args.jobs)?;
    let mut errors: Vec<(String, String)> = Vec::new();

    // Lists: a NAME in the data directory first, else a file.
    let store = ListStore::new(data);
    let mut lists = Vec::new();
    for l in &args.lists {
        if valid_list_name(l) && store.contains(l) {
            lists.push(List {
                name: l.clone(),
                index: store.open(l)?,
            });
            continue;
        }
        let path = Path::new(l);
        if !path.is_file() {
            eprintln!(
                "cairn match: --list {l}: neither a list imported in {} nor a file",
                data.join("lists").display()
            );
            return Ok(exit::USAGE);
        }
        let (builder, _) = read_into_builder(path, args.list_format)?;
        let (index, report) = pool.install(|| builder.build())?;
        for i in report.issues {
            errors.push((i.file, format!("{}: {}", i.location, i.message)));
        }
        lists.push(List {
            name: l.clone(),
            index,
        });
    }

    // Queries.
    let mut queries = Vec::new();
    if let Some(qf) = &args.queries {
        let text = std::fs::read(qf).map_err(|e| anyhow::anyhow!("{}: {e}", qf.display()))?;
        for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
            let Ok(line) = std::str::from_utf8(raw) else {
                errors.push((
                    qf.display().to_string(),
                    format!("line {}: not valid UTF-8", i + 1),
                ));
                continue;
            };
            let token = line.trim();
            if token.is_empty() || token.starts_with('#') {
                continue;
            }
            match parse_hash_token(token) {
                Ok(e) => queries.push(Query {
                    label: token.to_string(),
                    pdq: e.pdq.map(|h| vec![(h, 0)]).unwrap_or_default(),
                    md5: e.md5,
                    sha1: e.sha1,
                    sha256: e.sha256,
                }),
                Err(m) => errors.push((qf.display().to_string(), format!("line {}: {m}", i + 1))),
            }
        }
    } else {
        let (files, errs) = common::collect_files(&args.paths);
        errors.extend(errs);
        let opts = HashOptions {
            dihedral: args.dihedral,
            ..Default::default()
        };
        let hashed: Vec<common::FileHashes> = pool.install(|| {
            files
                .par_iter()
                .map(|p| common::hash_file(p, &opts))
                .collect()
        });
        for h in hashed {
            let mut q = Query {
                label: h.path.clone(),
                ..Default::default()
            };
            if let Some(c) = &h.crypto {
                q.md5 = hex_array(&c.md5);
                q.sha1 = hex_array(&c.sha1);
                q.sha256 = hex_array(&c.sha256);
            }
            match &h.media {
                Ok(m) if m.quality >= args.min_quality => {
                    q.pdq = match &m.pdq_dihedral {
                        Some(d) => d.iter().copied().zip(0..).collect(),
                        None => vec![(m.pdq, 0)],
                    };
                }
                Ok(m) => eprintln!(
                    "cairn match: {}: PDQ quality {} is under --min-quality {}: matched by cryptographic hashes only",
                    h.path, m.quality, args.min_quality
                ),
                Err(msg) => errors.push((h.path.clone(), msg.clone())),
            }
            if h.crypto.is_some() {
                queries.push(q);
            }
        }
    }

    // Every PDQ search (each query, each transform) against each list, in batches: a batch
    // reads the index in address order, several times faster per query than one search at a
    // time on a large list. found[list][first[query] + transform number].
    let flat: Vec<PdqHash> = queries
        .iter()
        .flat_map(|q| q.pdq.iter().map(|&(h, _)| h))
        .collect();
    let first: Vec<usize> = queries
        .iter()
        .scan(0, |at, q| {
            let start = *at;
            *at += q.pdq.len();
            Some(start)
        })
        .collect();
    // Chunks of at most one batch, as many as a multiple of the threads so that they all
    // finish together (10,000 queries on 2 threads: 4 of 2,500, not 4,096 + 4,096 + 1,808).
    let threads = pool.current_num_threads().max(1);
    let n_chunks = flat
        .len()
        .div_ceil(cairn_media::index::batch::BATCH)
        .div_ceil(threads)
        .max(1)
        * threads;
    let chunk = flat.len().div_ceil(n_chunks).max(1);
    let found: Vec<Vec<Vec<PdqMatch>>> = pool.install(|| {
        lists
            .iter()
            .map(|l| {
                let per_chunk: Vec<Vec<Vec<PdqMatch>>> = flat
                    .par_chunks(chunk)
                    .map(|c| l.index.search_pdq_batch(c, args.max_distance))
                    .collect();
                per_chunk.into_iter().flatten().collect()
            })
            .collect()
    });
    let results: Vec<Vec<serde_json::Value>> = pool.install(|| {
        queries
            .par_iter()
            .zip(&first)
            .map(|(q, &at)| match_one(q, at, &found, &lists, args.dihedral))
            .collect()
    });

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if format == OutFormat::Jsonl {
        for (path, msg) in &errors {
            common::json_line(&mut out, &common::error_json(path, msg))?;
        }
        for v in results.iter().flatten() {
            common::json_line(&mut out, v)?;
        }
    } else {
        let rows: Vec<Vec<String>> = results
            .iter()
            .flatten()
            .map(|v| {
                let s = |k: &str| {
                    v[k].as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v[k].to_string())
                };
                let mut kind = s("kind");
                if let Some(t) = v.get("transform").and_then(|t| t.as_str()) {
                    kind = format!("{kind} ({t})");
                }
                vec![
                    s("query"),
                    kind,
                    s("list"),
                    s("entry"),
                    s("category"),
                    s("distance"),
                ]
            })
            .collect();
        common::print_table(
            &mut out,
            &["QUERY", "KIND", "LIST", "ENTRY", "CATEGORY", "DISTANCE"],
            &rows,
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

fn match_line(q: &Query, list: &List, kind: &str, entry: u32, distance: u32) -> serde_json::Value {
    let meta = list.index.entry(entry);
    json!({
        "type": "match",
        "query": q.label,
        "kind": kind,
        "list": list.name,
        "entry": meta.as_ref().map(|m| m.id.clone()),
        "category": meta.and_then(|m| m.category),
        "distance": distance,
    })
}

/// The output lines of one query; its PDQ hits in list l are `found[l][at..at + q.pdq.len()]`.
fn match_one(
    q: &Query,
    at: usize,
    found: &[Vec<Vec<PdqMatch>>],
    lists: &[List],
    dihedral: bool,
) -> Vec<serde_json::Value> {
    let mut lines = Vec::new();
    for (list, found) in lists.iter().zip(found) {
        // Best distance per list hash over the query's transforms (first transform on ties).
        let mut best: BTreeMap<u32, (u32, u32, usize)> = BTreeMap::new();
        for (k, &(_, t)) in q.pdq.iter().enumerate() {
            for m in found.get(at + k).map_or(&[][..], Vec::as_slice) {
                let e = best.entry(m.hash_index).or_insert((m.distance, m.entry, t));
                if m.distance < e.0 {
                    *e = (m.distance, m.entry, t);
                }
            }
        }
        let mut hits: Vec<(u32, u32, usize)> = best.into_values().collect();
        hits.sort_unstable();
        for (d, entry, t) in hits {
            let mut v = match_line(q, list, "pdq", entry, d);
            if dihedral {
                v["transform"] = json!(DIHEDRAL_NAMES[t]);
            }
            lines.push(v);
        }
        for (kind, entries) in [
            ("md5", q.md5.map(|k| list.index.lookup_md5(&k))),
            ("sha1", q.sha1.map(|k| list.index.lookup_sha1(&k))),
            ("sha256", q.sha256.map(|k| list.index.lookup_sha256(&k))),
        ] {
            for e in entries.unwrap_or_default() {
                lines.push(match_line(q, list, kind, e, 0));
            }
        }
    }
    lines
}
