//! What the media verbs share: output format, path walking, per-file hashing, thread pools.

use cairn_media::{
    CryptoHashes, HashOptions, MediaHashes, crypto_hashes, crypto_hashes_reader, hash_image_bytes,
};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    Table,
    Jsonl,
}

/// Table on a terminal, JSON Lines otherwise, unless asked.
pub fn resolve_format(f: Option<OutFormat>) -> OutFormat {
    f.unwrap_or(if std::io::stdout().is_terminal() {
        OutFormat::Table
    } else {
        OutFormat::Jsonl
    })
}

/// Images larger than this are not read into memory (the decoder limits would refuse them).
const MAX_IMAGE_FILE: u64 = 512 * 1024 * 1024;

/// Every file under `paths` (directories recursively, in name order), and the paths that could
/// not be read.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
                match entry {
                    Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                    Ok(_) => {}
                    Err(e) => {
                        let path = e
                            .path()
                            .map(|x| x.display().to_string())
                            .unwrap_or_else(|| p.display().to_string());
                        errors.push((path, e.to_string()));
                    }
                }
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            errors.push((
                p.display().to_string(),
                "no such file or directory".to_string(),
            ));
        }
    }
    (files, errors)
}

/// A thread pool of `jobs` threads (default: every core).
pub fn pool(jobs: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = jobs {
        b = b.num_threads(n.max(1));
    }
    Ok(b.build()?)
}

/// What hashing one file gave: the cryptographic digests whenever the file could be read, the
/// image hashes when it is an image.
pub struct FileHashes {
    pub path: String,
    pub crypto: Option<CryptoHashes>,
    pub media: Result<MediaHashes, String>,
}

pub fn hash_file(path: &Path, opts: &HashOptions) -> FileHashes {
    let name = path.display().to_string();
    let fail = |crypto, msg: String| FileHashes {
        path: name.clone(),
        crypto,
        media: Err(msg),
    };
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return fail(None, format!("cannot read: {e}")),
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > MAX_IMAGE_FILE {
        // Too large to be an image we would decode: digests only, streamed.
        let crypto = crypto_hashes_reader(std::io::BufReader::new(file)).ok();
        return fail(
            crypto,
            format!("file of {len} bytes is over the {MAX_IMAGE_FILE}-byte limit for images"),
        );
    }
    let mut bytes = Vec::with_capacity(len as usize);
    if let Err(e) = file.read_to_end(&mut bytes) {
        return fail(None, format!("cannot read: {e}"));
    }
    hash_bytes(name, &bytes, opts)
}

/// Hashes of bytes already read (a file, or an image inside a WARC record).
pub fn hash_bytes(name: String, bytes: &[u8], opts: &HashOptions) -> FileHashes {
    if bytes.is_empty() {
        return FileHashes {
            path: name,
            crypto: Some(crypto_hashes(bytes)),
            media: Err("empty file".into()),
        };
    }
    match hash_image_bytes(bytes, opts) {
        Ok(m) => FileHashes {
            path: name,
            crypto: Some(m.crypto.clone()),
            media: Ok(m),
        },
        Err(e) => FileHashes {
            path: name,
            crypto: Some(crypto_hashes(bytes)),
            media: Err(e.to_string()),
        },
    }
}

pub fn error_json(path: &str, message: &str) -> serde_json::Value {
    serde_json::json!({"type": "error", "path": path, "message": message})
}

/// Writes one JSON line.
pub fn json_line(out: &mut impl Write, v: &serde_json::Value) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, v)?;
    out.write_all(b"\n")
}

/// Rows as aligned columns.
pub fn print_table(
    out: &mut impl Write,
    header: &[&str],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: Vec<&str>| -> std::io::Result<()> {
        let n = cells.len();
        for (i, (c, w)) in cells.into_iter().zip(&widths).enumerate() {
            if i + 1 == n {
                writeln!(out, "{c}")?;
            } else {
                write!(out, "{c:<w$}  ")?;
            }
        }
        Ok(())
    };
    line(out, header.to_vec())?;
    for r in rows {
        line(out, r.iter().map(String::as_str).collect())?;
    }
    Ok(())
}

/// Errors as a table for people, on standard error, so the table on standard output stays clean.
pub fn print_errors_human(errors: &[(String, String)]) {
    for (path, msg) in errors {
        eprintln!("cairn: rejected {path}: {msg}");
    }
}
