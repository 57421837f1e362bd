//! Imported lists in the data directory: `<data>/lists/NAME/index.cidx` (the match index) and
//! `<data>/lists/NAME/provenance.json` (where the list came from and what it held).

use crate::crypto::crypto_hashes_reader;
use crate::error::MediaError;
use crate::index::{BuildReport, IndexBuilder, MatchIndex};
use crate::list::{ListFormat, ListIssue, read_list};
use std::path::{Path, PathBuf};

pub const INDEX_FILE: &str = "index.cidx";
pub const PROVENANCE_FILE: &str = "provenance.json";

/// Where an imported list came from and what it held.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListProvenance {
    pub name: String,
    pub source_path: String,
    pub source_sha256: String,
    pub source_bytes: u64,
    pub format: ListFormat,
    pub entries: u64,
    pub pdq: u64,
    pub md5: u64,
    pub sha1: u64,
    pub sha256: u64,
    /// PhotoDNA hashes in the source: kept out of the index, Cairn cannot compute PhotoDNA.
    pub photodna: u64,
    pub duplicate_ids: u64,
    pub deletions_applied: u64,
    pub deletions_unmatched: u64,
    /// Entries or lines rejected (each listed by the import).
    pub rejected: u64,
    /// UTC, RFC 3339.
    pub imported_at: String,
    pub index_format_version: u32,
    pub cairn_version: String,
}

/// Lists imported under a data directory.
#[derive(Debug, Clone)]
pub struct ListStore {
    root: PathBuf,
}

/// A list name is a directory name: letters, digits, `.`, `_`, `-`; not starting with `.`.
pub fn valid_list_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

impl ListStore {
    pub fn new(data_dir: &Path) -> Self {
        ListStore {
            root: data_dir.join("lists"),
        }
    }

    pub fn dir(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Whether `name` is an imported list.
    pub fn contains(&self, name: &str) -> bool {
        valid_list_name(name) && self.dir(name).join(INDEX_FILE).is_file()
    }

    /// Imports (or re-imports) a list file under `name`. Rejected entries are returned with the
    /// provenance; the rest is imported.
    pub fn add(
        &self,
        name: &str,
        file: &Path,
        format: Option<ListFormat>,
    ) -> Result<(ListProvenance, Vec<ListIssue>), MediaError> {
        if !valid_list_name(name) {
            return Err(MediaError::Other(format!(
                "invalid list name {name:?}: use letters, digits, '.', '_' and '-' (at most 64, not starting with '.')"
            )));
        }
        let source = std::fs::File::open(file).map_err(|e| MediaError::io(file, e))?;
        let source_bytes = source.metadata().map(|m| m.len()).unwrap_or(0);
        let digest = crypto_hashes_reader(std::io::BufReader::new(source))
            .map_err(|e| MediaError::io(file, e))?;
        let (builder, format) = read_into_builder(file, format)?;
        let dir = self.dir(name);
        std::fs::create_dir_all(&dir).map_err(|e| MediaError::io(&dir, e))?;
        let report = builder.write(&dir.join(INDEX_FILE))?;
        let prov = provenance(name, file, &digest.sha256, source_bytes, format, &report);
        let json =
            serde_json::to_vec_pretty(&prov).map_err(|e| MediaError::Other(e.to_string()))?;
        let tmp = dir.join("provenance.json.tmp");
        std::fs::write(&tmp, json).map_err(|e| MediaError::io(&tmp, e))?;
        let dst = dir.join(PROVENANCE_FILE);
        std::fs::rename(&tmp, &dst).map_err(|e| MediaError::io(&dst, e))?;
        Ok((prov, report.issues))
    }

    /// Provenance of every imported list, by name.
    pub fn list(&self) -> Result<Vec<ListProvenance>, MediaError> {
        let mut out = Vec::new();
        let rd = match std::fs::read_dir(&self.root) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(MediaError::io(&self.root, e)),
        };
        for entry in rd {
            let entry = entry.map_err(|e| MediaError::io(&self.root, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if self.contains(&name) {
                out.push(self.provenance(&name)?);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    pub fn provenance(&self, name: &str) -> Result<ListProvenance, MediaError> {
        let path = self.dir(name).join(PROVENANCE_FILE);
        let bytes = std::fs::read(&path).map_err(|e| MediaError::io(&path, e))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| MediaError::Other(format!("{}: line {}: {e}", path.display(), e.line())))
    }

    /// Maps the index of an imported list.
    pub fn open(&self, name: &str) -> Result<MatchIndex, MediaError> {
        if !valid_list_name(name) {
            return Err(MediaError::Other(format!("invalid list name {name:?}")));
        }
        MatchIndex::open(&self.dir(name).join(INDEX_FILE))
    }
}

/// Reads a list file into a fresh builder (for an ad hoc `--list FILE`, or an import).
pub fn read_into_builder(
    file: &Path,
    format: Option<ListFormat>,
) -> Result<(IndexBuilder, ListFormat), MediaError> {
    let mut builder = IndexBuilder::new();
    builder.set_source(&file.display().to_string());
    let format = read_list(file, format, &mut builder)?;
    Ok((builder, format))
}

fn provenance(
    name: &str,
    file: &Path,
    sha256: &str,
    source_bytes: u64,
    format: ListFormat,
    r: &BuildReport,
) -> ListProvenance {
    let source_path = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    ListProvenance {
        name: name.to_string(),
        source_path: source_path.display().to_string(),
        source_sha256: sha256.to_string(),
        source_bytes,
        format,
        entries: r.entries,
        pdq: r.pdq,
        md5: r.md5,
        sha1: r.sha1,
        sha256: r.sha256,
        photodna: r.photodna,
        duplicate_ids: r.duplicate_ids,
        deletions_applied: r.deletions_applied,
        deletions_unmatched: r.deletions_unmatched,
        rejected: (r.issues.len() as u64).saturating_sub(r.duplicate_ids),
        imported_at: now_rfc3339(),
        index_format_version: crate::index::format::VERSION,
        cairn_version: env!("CARGO_PKG_VERSION").to_string(),
    }
}

/// Current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, proleptic Gregorian).
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(valid_list_name("vic-2024.1"));
        assert!(!valid_list_name("../x"));
        assert!(!valid_list_name(".hidden"));
        assert!(!valid_list_name(""));
    }

    #[test]
    fn add_list_and_open() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("l.csv");
        std::fs::write(
            &src,
            format!(
                "id,md5,pdq\na,{},\nb,,{}\nb,{},\nc,xx,\n",
                "1".repeat(32),
                "2".repeat(64),
                "3".repeat(32)
            ),
        )
        .unwrap();
        let store = ListStore::new(&dir.path().join("data"));
        let (prov, issues) = store.add("test", &src, None).unwrap();
        assert_eq!(
            (
                prov.entries,
                prov.md5,
                prov.pdq,
                prov.duplicate_ids,
                prov.rejected
            ),
            (2, 1, 1, 1, 1)
        );
        assert_eq!(issues.len(), 2);
        assert_eq!(prov.format, ListFormat::Csv);
        assert_eq!(prov.source_sha256.len(), 64);
        assert!(store.contains("test"));
        assert_eq!(store.list().unwrap(), vec![prov]);
        let idx = store.open("test").unwrap();
        assert_eq!(idx.lookup_md5(&[0x11; 16]).len(), 1);
    }

    #[test]
    fn rfc3339_shape() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 20);
        assert!(t.starts_with("20") && t.ends_with('Z'));
    }
}
