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

    /// Stores `bytes` under their SHA-256 and returns it. Writing is atomic (temporary file then
    /// rename), so a blob is either whole or absent; an existing blob is left untouched.
    pub fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&sha)?;
        if path.is_file() {
            return Ok(sha);
        }
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let tmp = dir.join(format!(".{sha}.{}.tmp", std::process::id()));
        write_file(&tmp, bytes)?;
        std::fs::rename(&tmp, &path).map_err(|e| StoreError::io(&path, e))?;
        Ok(sha)
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
    f.write_all(bytes).map_err(|e| StoreError::io(path, e))?;
    f.sync_data().map_err(|e| StoreError::io(path, e))
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
}
