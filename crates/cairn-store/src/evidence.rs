//! Content-addressed evidence blobs: `evidence/sha256/ab/cd/<hex>`, written once, never changed.

use crate::StoreError;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct EvidenceStore {
    root: PathBuf,
}

impl EvidenceStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn path_of(&self, sha256: &str) -> Result<PathBuf, StoreError> {
        if sha256.len() != 64
            || !sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(StoreError::Invalid {
                what: "evidence address".into(),
                message: format!("`{sha256}` is not a lowercase hex SHA-256"),
            });
        }
        Ok(self
            .root
            .join("sha256")
            .join(&sha256[..2])
            .join(&sha256[2..4])
            .join(sha256))
    }

    /// Stores `bytes` under their SHA-256 and returns it, on disk when this returns (see
    /// [`Self::put_all`]).
    pub fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let mut shas = self.put_all([bytes])?;
        Ok(shas.pop().unwrap_or_default())
    }

    /// Stores each of `payloads` under its SHA-256 and returns them in order. Writing is atomic
    /// (temporary file then rename), so a blob is either whole or absent; an existing blob is
    /// left untouched. The new blobs, their names included, are on disk when this returns: one
    /// flush of the file system for them all, since a flush per file (`fdatasync`) was most of
    /// the time of a scan into the store (20,000 pages: 20,000 journal commits).
    pub fn put_all<'a>(
        &self,
        payloads: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Vec<String>, StoreError> {
        let mut shas = Vec::new();
        let mut written = Vec::new();
        for bytes in payloads {
            let sha = hex::encode(Sha256::digest(bytes));
            let path = self.path_of(&sha)?;
            if !path.is_file() {
                let dir = path.parent().unwrap_or(&self.root).to_path_buf();
                std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
                let tmp = dir.join(format!(".{sha}.{}.tmp", std::process::id()));
                write_file(&tmp, bytes)?;
                std::fs::rename(&tmp, &path).map_err(|e| StoreError::io(&path, e))?;
                written.push(path);
            }
            shas.push(sha);
        }
        if !written.is_empty() {
            self.flush(&written)?;
        }
        Ok(shas)
    }

    /// Puts the blobs at `written` (and their directory entries) on disk: on Linux one
    /// `syncfs` of the file system that holds the store.
    #[cfg(target_os = "linux")]
    fn flush(&self, _written: &[PathBuf]) -> Result<(), StoreError> {
        let root = std::fs::File::open(&self.root).map_err(|e| StoreError::io(&self.root, e))?;
        rustix::fs::syncfs(&root).map_err(|e| StoreError::io(&self.root, e.into()))
    }

    /// Elsewhere each blob and each directory it was renamed into.
    #[cfg(not(target_os = "linux"))]
    fn flush(&self, written: &[PathBuf]) -> Result<(), StoreError> {
        let mut dirs = std::collections::BTreeSet::new();
        for path in written {
            sync_path(path)?;
            if let Some(dir) = path.parent() {
                dirs.insert(dir.to_path_buf());
            }
        }
        dirs.iter().try_for_each(|d| sync_path(d))
    }

    /// Reads a blob back and checks that it still hashes to its address.
    pub fn get(&self, sha256: &str) -> Result<Vec<u8>, StoreError> {
        let path = self.path_of(sha256)?;
        let bytes = std::fs::read(&path).map_err(|e| StoreError::io(&path, e))?;
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            return Err(StoreError::EvidenceMismatch {
                sha256: sha256.to_owned(),
            });
        }
        Ok(bytes)
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut f = std::fs::File::create(path).map_err(|e| StoreError::io(path, e))?;
    f.write_all(bytes).map_err(|e| StoreError::io(path, e))
}

#[cfg(not(target_os = "linux"))]
fn sync_path(path: &Path) -> Result<(), StoreError> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_round_trip_and_detect_tampering() -> Result<(), StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::io("tmp", e))?;
        let ev = EvidenceStore::new(dir.path());
        let sha = ev.put(b"captured bytes")?;
        assert_eq!(ev.put(b"captured bytes")?, sha);
        assert_eq!(ev.get(&sha)?, b"captured bytes");
        std::fs::write(ev.path_of(&sha)?, b"altered").map_err(|e| StoreError::io("blob", e))?;
        assert!(matches!(
            ev.get(&sha),
            Err(StoreError::EvidenceMismatch { .. })
        ));
        assert!(ev.path_of("../../etc/passwd").is_err());
        Ok(())
    }

    #[test]
    fn a_batch_of_blobs_in_order_with_copies_and_known_ones() -> Result<(), StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::io("tmp", e))?;
        let ev = EvidenceStore::new(dir.path());
        let known = ev.put(b"known")?;
        let payloads: [&[u8]; 4] = [b"first", b"known", b"first", b""];
        let shas = ev.put_all(payloads)?;
        assert_eq!(shas.len(), 4);
        assert_eq!(shas[1], known);
        assert_eq!(shas[0], shas[2]);
        for (sha, bytes) in shas.iter().zip(payloads) {
            assert_eq!(sha, &hex::encode(Sha256::digest(bytes)));
            assert_eq!(ev.get(sha)?, bytes);
        }
        // Only the blobs: no temporary file is left behind.
        let mut stray = Vec::new();
        let mut stack = vec![dir.path().to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).map_err(|e| StoreError::io(&d, e))? {
                let path = entry.map_err(|e| StoreError::io(&d, e))?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|x| x == "tmp") {
                    stray.push(path);
                }
            }
        }
        assert!(stray.is_empty(), "{stray:?}");
        assert!(ev.put_all(std::iter::empty::<&[u8]>())?.is_empty());
        Ok(())
    }
}
