//! `cairn lists`: known-hash lists imported into the data directory.

use super::common::{self, OutFormat};
use crate::exit;
use cairn_media::{ListFormat, ListProvenance, ListStore};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Import and show known-hash lists (Project VIC VICS JSON, NCMEC XML, CSV, text).
///
/// An imported list lives in <data>/lists/NAME/: a memory-mapped match index and a provenance
/// record (source path and SHA-256, format, counts, deletions applied, import time). Without a
/// subcommand, lists the imported lists.
#[derive(Debug, clap::Args)]
pub struct ListsArgs {
    #[command(subcommand)]
    pub command: Option<ListsCommand>,

    /// Output: a table (default on a terminal) or JSON Lines (default otherwise).
    #[arg(long, value_enum, global = true)]
    pub format: Option<OutFormat>,
}

#[derive(Debug, clap::Subcommand)]
pub enum ListsCommand {
    /// Import FILE as list NAME (replacing a list of that name). Rejected entries are listed
    /// and the rest imported (exit code 3).
    Add {
        /// Name to use with `cairn match --list NAME` (letters, digits, '.', '_', '-').
        name: String,
        /// The list file.
        file: PathBuf,
        /// vics, ncmec, csv or text (default: from the extension and content).
        #[arg(long, value_name = "FORMAT")]
        list_format: Option<ListFormat>,
    },
    /// Show the imported lists, or one of them.
    Show {
        /// A list name (default: every list).
        name: Option<String>,
    },
    /// Delete an imported list.
    Remove { name: String },
}

fn row(p: &ListProvenance) -> Vec<String> {
    vec![
        p.name.clone(),
        p.format.name().to_string(),
        p.entries.to_string(),
        p.pdq.to_string(),
        p.md5.to_string(),
        p.sha1.to_string(),
        p.sha256.to_string(),
        p.photodna.to_string(),
        p.imported_at.clone(),
        p.source_path.clone(),
    ]
}

const HEADER: [&str; 10] = [
    "NAME",
    "FORMAT",
    "ENTRIES",
    "PDQ",
    "MD5",
    "SHA1",
    "SHA256",
    "PHOTODNA*",
    "IMPORTED",
    "SOURCE",
];

fn show(out: &mut impl Write, format: OutFormat, lists: &[ListProvenance]) -> anyhow::Result<()> {
    match format {
        OutFormat::Jsonl => {
            for p in lists {
                let mut v = serde_json::to_value(p)?;
                v["type"] = "list".into();
                common::json_line(out, &v)?;
            }
        }
        OutFormat::Table => {
            let rows: Vec<Vec<String>> = lists.iter().map(row).collect();
            common::print_table(out, &HEADER, &rows)?;
            if lists.iter().any(|p| p.photodna > 0) {
                writeln!(
                    out,
                    "* PhotoDNA hashes are counted but not matched: Cairn cannot compute PhotoDNA."
                )?;
            }
        }
    }
    Ok(())
}

pub fn run(data: &Path, args: ListsArgs) -> anyhow::Result<u8> {
    let format = common::resolve_format(args.format);
    let store = ListStore::new(data);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.command {
        None | Some(ListsCommand::Show { name: None }) => show(&mut out, format, &store.list()?)?,
        Some(ListsCommand::Show { name: Some(n) }) => {
            if !store.contains(&n) {
                eprintln!(
                    "cairn lists: no list named {n:?} in {}",
                    data.join("lists").display()
                );
                return Ok(exit::FAILURE);
            }
            show(&mut out, format, &[store.provenance(&n)?])?;
        }
        Some(ListsCommand::Remove { name }) => {
            if !store.contains(&name) {
                eprintln!("cairn lists: no list named {name:?}");
                return Ok(exit::FAILURE);
            }
            std::fs::remove_dir_all(store.dir(&name))?;
        }
        Some(ListsCommand::Add {
            name,
            file,
            list_format,
        }) => {
            if !cairn_media::store::valid_list_name(&name) {
                eprintln!(
                    "cairn lists add: invalid list name {name:?}: use letters, digits, '.', '_' and '-'"
                );
                return Ok(exit::USAGE);
            }
            let (prov, issues) = store.add(&name, &file, list_format)?;
            if format == OutFormat::Jsonl {
                for i in &issues {
                    common::json_line(
                        &mut out,
                        &common::error_json(&i.file, &format!("{}: {}", i.location, i.message)),
                    )?;
                }
            }
            show(&mut out, format, std::slice::from_ref(&prov))?;
            out.flush()?;
            if format == OutFormat::Table {
                for i in &issues {
                    eprintln!("cairn: rejected {i}");
                }
            }
            if !issues.is_empty() {
                return Ok(exit::REJECTED);
            }
        }
    }
    out.flush()?;
    Ok(exit::OK)
}
