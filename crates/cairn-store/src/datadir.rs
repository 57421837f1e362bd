//! The data directory layout: `cairn.db`, `evidence/`, `keys/`, `lists/`.

use crate::StoreError;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// Opens the data directory, creating it (and its sub-directories) on first use.
    pub fn open_or_create(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let dir = Self { root: root.into() };
        for sub in [
            dir.root.clone(),
            dir.evidence_dir(),
            dir.keys_dir(),
            dir.lists_dir(),
        ] {
            std::fs::create_dir_all(&sub).map_err(|e| StoreError::io(&sub, e))?;
        }
        restrict_permissions(&dir.keys_dir())?;
        Ok(dir)
    }

    /// Opens an existing data directory without creating anything.
    pub fn open_existing(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let dir = Self { root: root.into() };
        if !dir.db_path().is_file() {
            return Err(StoreError::Invalid {
                what: dir.root.display().to_string(),
                message: "no Cairn data directory here (no cairn.db); scan something first or give --data".into(),
            });
        }
        Ok(dir)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn db_path(&self) -> PathBuf {
        self.root.join("cairn.db")
    }
    pub fn evidence_dir(&self) -> PathBuf {
        self.root.join("evidence")
    }
    pub fn keys_dir(&self) -> PathBuf {
        self.root.join("keys")
    }
    pub fn lists_dir(&self) -> PathBuf {
        self.root.join("lists")
    }
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| StoreError::io(path, e))
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) -> Result<(), StoreError> {
    Ok(())
}
