//! Chain of custody: `manifest.json` lists the SHA-256 and size of every WARC file and of the
//! crawl log; `manifest.json.sig` is the Ed25519 signature of the manifest's exact bytes, by the
//! data directory's collection key (`<data>/keys/collect-ed25519`, made on first use, mode 0600).
//! The manifest names the public key, and `verify` checks files, hashes and signature; to prove
//! who signed, compare the key with the one published for the data directory
//! ([`public_key_hex`]).

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const MANIFEST_FILE: &str = "manifest.json";
pub const SIGNATURE_FILE: &str = "manifest.json.sig";
/// Key file, relative to the data directory.
pub const KEY_FILE: &str = "keys/collect-ed25519";

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: {reason}")]
    Invalid { path: PathBuf, reason: String },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ManifestError + '_ {
    move |source| ManifestError::Io {
        path: path.to_owned(),
        source,
    }
}

/// One file of the collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Name relative to the output directory.
    pub name: String,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// The manifest as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub created: String,
    pub software: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
    pub files: Vec<FileEntry>,
}

/// Loads the signing key of a data directory, creating it (0600) when missing.
pub fn load_or_create_key(data_dir: &Path) -> Result<SigningKey, ManifestError> {
    let path = data_dir.join(KEY_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => {
            let bytes = hex::decode(text.trim()).map_err(|e| ManifestError::Invalid {
                path: path.clone(),
                reason: format!("not a hex key: {e}"),
            })?;
            let seed: [u8; 32] = bytes.try_into().map_err(|_| ManifestError::Invalid {
                path: path.clone(),
                reason: "key must be 32 bytes".to_owned(),
            })?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| ManifestError::Invalid {
                path: path.clone(),
                reason: format!("no randomness for a new key: {e}"),
            })?;
            if let Some(parent) = path.parent()
                && !parent.exists()
            {
                fs::create_dir_all(parent).map_err(io_err(parent))?;
                // keys/ is private to the owner (docs/cli.md).
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    fs::set_permissions(parent, fs::Permissions::from_mode(0o700))
                        .map_err(io_err(parent))?;
                }
            }
            write_private(&path, hex::encode(seed).as_bytes()).map_err(io_err(&path))?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(e) => Err(ManifestError::Io { path, source: e }),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, data: &[u8]) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, data: &[u8]) -> io::Result<()> {
    fs::write(path, data)
}

/// Hex of the public key.
pub fn public_key_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().to_bytes())
}

/// SHA-256 (hex) and size of a file, streamed.
pub fn hash_file(path: &Path) -> Result<(String, u64), ManifestError> {
    let mut f = fs::File::open(path).map_err(io_err(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(h.finalize()), size))
}

/// The files a manifest covers, relative to the collection directory and sorted: the crawl
/// log and `warc/*.warc.gz`.
pub fn collection_files(dir: &Path) -> Result<Vec<String>, ManifestError> {
    let mut names = Vec::new();
    if dir.join(crate::crawler::CRAWL_LOG).is_file() {
        names.push(crate::crawler::CRAWL_LOG.to_owned());
    }
    let warc = dir.join(crate::crawler::WARC_DIR);
    if warc.is_dir() {
        for entry in fs::read_dir(&warc).map_err(io_err(&warc))? {
            let name = entry
                .map_err(io_err(&warc))?
                .file_name()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(".warc.gz") {
                names.push(format!("{}/{name}", crate::crawler::WARC_DIR));
            }
        }
    }
    names.sort();
    Ok(names)
}

/// Names a manifest may list: the crawl log, or one file directly under `warc/`.
fn acceptable_name(name: &str) -> bool {
    if name == crate::crawler::CRAWL_LOG {
        return true;
    }
    name.strip_prefix(crate::crawler::WARC_DIR)
        .and_then(|r| r.strip_prefix('/'))
        .is_some_and(|f| !f.is_empty() && !f.starts_with('.') && !f.contains(['/', '\\']))
}

/// Writes and signs the manifest of `dir`.
pub fn write_manifest(dir: &Path, key: &SigningKey) -> Result<Manifest, ManifestError> {
    let mut files = Vec::new();
    for name in collection_files(dir)? {
        let (sha256, size) = hash_file(&dir.join(&name))?;
        files.push(FileEntry { name, size, sha256 });
    }
    let manifest = Manifest {
        format: "cairn-collect-manifest/1".to_owned(),
        created: crate::time::warc_date(std::time::SystemTime::now()),
        software: format!("cairn-collect/{}", env!("CARGO_PKG_VERSION")),
        public_key: public_key_hex(key),
        files,
    };
    let path = dir.join(MANIFEST_FILE);
    let mut bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| ManifestError::Invalid {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    bytes.push(b'\n');
    let sig = key.sign(&bytes);
    fs::write(&path, &bytes).map_err(io_err(&path))?;
    let sig_path = dir.join(SIGNATURE_FILE);
    fs::write(&sig_path, format!("{}\n", hex::encode(sig.to_bytes())))
        .map_err(io_err(&sig_path))?;
    Ok(manifest)
}

/// One finding of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    pub problem: String,
}

/// Result of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub public_key: String,
    pub signature_valid: bool,
    pub files_checked: usize,
    /// Hash or size mismatches, missing files, and collection files the manifest does not list.
    pub problems: Vec<Problem>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.signature_valid && self.problems.is_empty()
    }
}

/// Checks the signature of `dir`'s manifest (against `expected_key` when given, else the key the
/// manifest names) and every file's size and SHA-256.
pub fn verify(dir: &Path, expected_key: Option<&str>) -> Result<Verification, ManifestError> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = fs::read(&path).map_err(io_err(&path))?;
    let manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|e| ManifestError::Invalid {
            path: path.clone(),
            reason: e.to_string(),
        })?;
    let sig_path = dir.join(SIGNATURE_FILE);
    let sig_text = fs::read_to_string(&sig_path).map_err(io_err(&sig_path))?;
    let key_hex = expected_key
        .unwrap_or(&manifest.public_key)
        .trim()
        .to_owned();
    let signature_valid = check_signature(&key_hex, sig_text.trim(), &bytes);
    let mut problems = Vec::new();
    if !key_hex.eq_ignore_ascii_case(&manifest.public_key) {
        problems.push(Problem {
            file: MANIFEST_FILE.to_owned(),
            problem: "manifest names another public key than the one expected".to_owned(),
        });
    }
    for f in &manifest.files {
        let p = dir.join(&f.name);
        if !acceptable_name(&f.name) {
            problems.push(Problem {
                file: f.name.clone(),
                problem: "file name outside the directory".to_owned(),
            });
            continue;
        }
        match hash_file(&p) {
            Err(_) => problems.push(Problem {
                file: f.name.clone(),
                problem: "missing or unreadable".to_owned(),
            }),
            Ok((sha, size)) => {
                if size != f.size || !sha.eq_ignore_ascii_case(&f.sha256) {
                    problems.push(Problem {
                        file: f.name.clone(),
                        problem: format!("SHA-256 {sha} ({size} bytes) differs from the manifest"),
                    });
                }
            }
        }
    }
    for name in collection_files(dir)? {
        if !manifest.files.iter().any(|f| f.name == name) {
            problems.push(Problem {
                file: name,
                problem: "not listed in the manifest".to_owned(),
            });
        }
    }
    Ok(Verification {
        public_key: key_hex,
        signature_valid,
        files_checked: manifest.files.len(),
        problems,
    })
}

fn check_signature(key_hex: &str, sig_hex: &str, msg: &[u8]) -> bool {
    let Ok(key) = hex::decode(key_hex) else {
        return false;
    };
    let Ok(key) = <[u8; 32]>::try_from(key) else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_bytes(&key) else {
        return false;
    };
    let Ok(sig) = hex::decode(sig_hex) else {
        return false;
    };
    let Ok(sig) = <[u8; 64]>::try_from(sig) else {
        return false;
    };
    key.verify_strict(msg, &Signature::from_bytes(&sig)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_detect_tampering() {
        let data = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let key = load_or_create_key(data.path()).unwrap();
        let again = load_or_create_key(data.path()).unwrap();
        assert_eq!(public_key_hex(&key), public_key_hex(&again));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(data.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let w = out.path().join(crate::crawler::WARC_DIR);
        fs::create_dir_all(&w).unwrap();
        fs::write(w.join("a-1-00000.warc.gz"), b"one").unwrap();
        fs::write(out.path().join(crate::crawler::CRAWL_LOG), b"{}\n").unwrap();
        let m = write_manifest(out.path(), &key).unwrap();
        assert_eq!(m.files.len(), 2);
        let v = verify(out.path(), Some(&public_key_hex(&key))).unwrap();
        assert!(v.ok(), "{v:?}");

        fs::write(w.join("a-1-00000.warc.gz"), b"two").unwrap();
        let v = verify(out.path(), None).unwrap();
        assert!(v.signature_valid);
        assert_eq!(v.problems.len(), 1);
        assert_eq!(v.problems[0].file, "warc/a-1-00000.warc.gz");

        fs::write(w.join("a-1-00000.warc.gz"), b"one").unwrap();
        fs::write(w.join("b-1-00000.warc.gz"), b"new").unwrap();
        assert!(!verify(out.path(), None).unwrap().ok());
        fs::remove_file(w.join("b-1-00000.warc.gz")).unwrap();
        assert!(verify(out.path(), None).unwrap().ok());
        assert!(acceptable_name("warc/x.warc.gz"));
        assert!(!acceptable_name("warc/../x"));
        assert!(!acceptable_name("../x"));
        assert!(!acceptable_name("/etc/passwd"));

        let other = SigningKey::from_bytes(&[7u8; 32]);
        let v = verify(out.path(), Some(&public_key_hex(&other))).unwrap();
        assert!(!v.signature_valid);

        let mut text = fs::read_to_string(out.path().join(MANIFEST_FILE)).unwrap();
        text = text.replace("\"size\": 3", "\"size\": 4");
        fs::write(out.path().join(MANIFEST_FILE), text).unwrap();
        assert!(!verify(out.path(), None).unwrap().signature_valid);
    }
}
