//! `cairn hash`: PDQ, MD5, SHA-1 and SHA-256 of image files.

use super::common::{self, OutFormat};
use crate::exit;
use cairn_core::MediaItem;
use cairn_ingest::{Ingest, IngestOptions, Item};
use cairn_media::{DIHEDRAL_NAMES, HashOptions};
use rayon::prelude::*;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Hash images: PDQ (Meta's perceptual hash, with its quality), MD5, SHA-1 and SHA-256.
///
/// Files are recognised by their content (JPEG, PNG, WebP, GIF first frame, BMP, TIFF), not by
/// their name; directories are read recursively. In WARC files (`.warc`, `.warc.gz`) every
/// image record (an image/* response or resource) is hashed, with its offset, URL and
/// WARC-Record-ID. A file that is not a readable image gets an
/// error line and the command ends with exit code 3. PhotoDNA is proprietary and not computed.
#[derive(Debug, clap::Args)]
pub struct HashArgs {
    /// Image files or directories.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    /// Also compute the 8 dihedral PDQ hashes (original, rotate90, rotate180, rotate270, flipx,
    /// flipy, flip_plus1, flip_minus1), which match rotated and mirrored copies.
    #[arg(long)]
    pub dihedral: bool,

    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Output: a table (default on a terminal) or JSON Lines (default otherwise).
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,

    /// Largest image accepted, in pixels (width × height); larger ones are refused before
    /// decoding.
    #[arg(long, value_name = "PIXELS", default_value_t = 100_000_000)]
    pub max_pixels: u64,
}

pub fn run(_data: &Path, args: HashArgs) -> anyhow::Result<u8> {
    let format = common::resolve_format(args.format);
    let mut opts = HashOptions {
        dihedral: args.dihedral,
        ..Default::default()
    };
    opts.limits.max_pixels = args.max_pixels;
    let (all_files, mut errors) = common::collect_files(&args.paths);
    let (warcs, files): (Vec<PathBuf>, Vec<PathBuf>) = all_files.into_iter().partition(|p| {
        // WARC files have their images hashed record by record, not as one image.
        cairn_ingest::sniff::named_as_warc(p)
    });
    let pool = common::pool(args.jobs)?;
    let mut results: Vec<(common::FileHashes, Option<WarcPlace>)> = pool.install(|| {
        files
            .par_iter()
            .map(|p| (common::hash_file(p, &opts), None))
            .collect()
    });
    for warc in &warcs {
        hash_warc(warc, &opts, &pool, &mut results, &mut errors);
    }

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut rows = Vec::new();
    for (path, msg) in &errors {
        if format == OutFormat::Jsonl {
            common::json_line(&mut out, &common::error_json(path, msg))?;
        }
    }
    for (r, place) in results {
        match r.media {
            Ok(m) => {
                if format == OutFormat::Jsonl {
                    let mut v = json!({
                        "type": "media",
                        "path": r.path,
                        "width": m.width,
                        "height": m.height,
                        "format": m.format,
                        "sha256": m.crypto.sha256,
                        "md5": m.crypto.md5,
                        "sha1": m.crypto.sha1,
                        "pdq": m.pdq.to_hex(),
                        "quality": m.quality,
                    });
                    if let Some(d) = &m.pdq_dihedral {
                        v["pdq_dihedral"] = json!(d.iter().map(|h| h.to_hex()).collect::<Vec<_>>());
                    }
                    if let Some(p) = &place {
                        v["locator"] = json!(p.locator);
                        v["url"] = json!(p.url);
                        v["warc_record_id"] = json!(p.warc_record_id);
                    }
                    common::json_line(&mut out, &v)?;
                } else {
                    rows.push(vec![
                        match &place {
                            Some(p) => format!("{}#{}", r.path, p.locator),
                            None => r.path.clone(),
                        },
                        format!("{}x{}", m.width, m.height),
                        m.quality.to_string(),
                        m.pdq.to_hex(),
                        m.crypto.sha256.clone(),
                    ]);
                    if let Some(d) = &m.pdq_dihedral {
                        for (name, h) in DIHEDRAL_NAMES.iter().zip(d).skip(1) {
                            rows.push(vec![
                                format!("  {name}"),
                                String::new(),
                                String::new(),
                                h.to_hex(),
                                String::new(),
                            ]);
                        }
                    }
                }
            }
            Err(msg) => {
                let msg = match &place {
                    Some(p) => format!("{}: {msg}", p.locator),
                    None => msg,
                };
                if format == OutFormat::Jsonl {
                    common::json_line(&mut out, &common::error_json(&r.path, &msg))?;
                }
                errors.push((r.path, msg));
            }
        }
    }
    if format == OutFormat::Table {
        common::print_table(
            &mut out,
            &["PATH", "SIZE", "QUALITY", "PDQ", "SHA-256"],
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

/// Where in a WARC file an image was found.
struct WarcPlace {
    locator: String,
    url: Option<String>,
    warc_record_id: Option<String>,
}

/// Images hashed per batch: bounds the memory held for one WARC file (records are read one by
/// one, hashed in parallel a batch at a time).
const WARC_BATCH: usize = 64;

/// Hashes every image record of one WARC file; unreadable records become errors.
fn hash_warc(
    path: &Path,
    opts: &HashOptions,
    pool: &rayon::ThreadPool,
    results: &mut Vec<(common::FileHashes, Option<WarcPlace>)>,
    errors: &mut Vec<(String, String)>,
) {
    let name = path.display().to_string();
    let inputs = [path.to_path_buf()];
    let mut batch: Vec<MediaItem> = Vec::with_capacity(WARC_BATCH);
    let flush = |batch: &mut Vec<MediaItem>,
                 results: &mut Vec<(common::FileHashes, Option<WarcPlace>)>| {
        let hashed: Vec<_> = pool.install(|| {
            batch
                .par_iter()
                .map(|m| {
                    let place = WarcPlace {
                        locator: m.provenance.locator.clone(),
                        url: m.provenance.url.clone(),
                        warc_record_id: m.provenance.warc_record_id.clone(),
                    };
                    (
                        common::hash_bytes(name.clone(), &m.bytes, opts),
                        Some(place),
                    )
                })
                .collect()
        });
        results.extend(hashed);
        batch.clear();
    };
    for item in Ingest::new(&inputs, IngestOptions::default()) {
        match item {
            Item::Media(m) => {
                batch.push(m);
                if batch.len() >= WARC_BATCH {
                    flush(&mut batch, results);
                }
            }
            Item::Error(e) => errors.push((name.clone(), format!("{}: {}", e.locator, e.message))),
            // Text: nothing to hash (lines and undecoded WARC records come only when asked for).
            Item::Record(_) | Item::Line(_) | Item::Warc(_) => {}
        }
    }
    flush(&mut batch, results);
}
