//! Sealing of identifying fields and of data keys (XChaCha20-Poly1305), master key handling.
//!
//! Field blob: `0x01 | key_version (u32 BE) | nonce (24) | ciphertext+tag`. The associated data
//! binds the blob to its place: `"cairn-field-v1" | lp(table) | lp(column) | lp(row id) |
//! key_version`, where `lp` is a u32 BE length then the bytes, so a blob copied to another row or
//! column, or relabelled with another key version, fails to open.

use crate::RegistryError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::collections::BTreeMap;
use std::path::Path;

const FIELD_FORMAT: u8 = 1;
const NONCE_LEN: usize = 24;
const HEADER_LEN: usize = 1 + 4 + NONCE_LEN;

/// 32 secret bytes, wiped on drop.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
    pub fn generate() -> Result<Self, RegistryError> {
        let mut bytes = [0u8; 32];
        fill_random(&mut bytes)?;
        Ok(Self(bytes))
    }
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.0.into())
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        // Best effort: the compiler may elide a plain write, so go through a volatile-like path.
        for b in self.0.iter_mut() {
            *b = 0;
        }
        std::hint::black_box(&self.0);
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), RegistryError> {
    getrandom::fill(buf).map_err(|e| RegistryError::Key {
        what: "random generator".into(),
        message: e.to_string(),
    })
}

/// A random identifier: prefix and 128 random bits in hex (says nothing about what it names).
pub fn random_id(prefix: &str) -> Result<String, RegistryError> {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes)?;
    Ok(format!("{prefix}-{}", hex::encode(bytes)))
}

fn lp(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s);
}

fn field_ad(table: &str, column: &str, row_id: &str, version: u32) -> Vec<u8> {
    let mut ad = b"cairn-field-v1".to_vec();
    lp(&mut ad, table.as_bytes());
    lp(&mut ad, column.as_bytes());
    lp(&mut ad, row_id.as_bytes());
    ad.extend_from_slice(&version.to_be_bytes());
    ad
}

fn seal_with(
    key: &SecretKey,
    plaintext: &[u8],
    ad: &[u8],
    header_version: u32,
) -> Result<Vec<u8>, RegistryError> {
    let mut nonce = [0u8; NONCE_LEN];
    fill_random(&mut nonce)?;
    let ct = key
        .cipher()
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad: ad,
            },
        )
        .map_err(|_| RegistryError::Key {
            what: "encryption".into(),
            message: "XChaCha20-Poly1305 refused the message".into(),
        })?;
    let mut out = Vec::with_capacity(HEADER_LEN + ct.len());
    out.push(FIELD_FORMAT);
    out.extend_from_slice(&header_version.to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(out)
}

fn split_blob(blob: &[u8]) -> Option<(u32, [u8; NONCE_LEN], &[u8])> {
    if blob.len() < HEADER_LEN + 16 || blob[0] != FIELD_FORMAT {
        return None;
    }
    let version = u32::from_be_bytes(blob[1..5].try_into().ok()?);
    let nonce: [u8; NONCE_LEN] = blob[5..HEADER_LEN].try_into().ok()?;
    Some((version, nonce, &blob[HEADER_LEN..]))
}

fn open_with(key: &SecretKey, nonce: [u8; NONCE_LEN], ct: &[u8], ad: &[u8]) -> Option<Vec<u8>> {
    key.cipher()
        .decrypt(&XNonce::from(nonce), Payload { msg: ct, aad: ad })
        .ok()
}

/// The key of keys: seals the data keys stored in `key_ring`.
#[derive(Debug, Clone)]
pub struct MasterKey(SecretKey);

/// Where the master key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MasterKeySource {
    Environment,
    File,
}

pub const MASTER_KEY_ENV: &str = "CAIRN_MASTER_KEY";

impl MasterKey {
    pub fn new(key: SecretKey) -> Self {
        Self(key)
    }

    /// Decodes a base64 master key (32 bytes).
    pub fn from_base64(text: &str, what: &str) -> Result<Self, RegistryError> {
        let bytes = B64.decode(text.trim()).map_err(|e| RegistryError::Key {
            what: what.into(),
            message: format!("not base64: {e}"),
        })?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| RegistryError::Key {
            what: what.into(),
            message: "a master key is 32 bytes".into(),
        })?;
        Ok(Self(SecretKey(bytes)))
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.0.as_bytes())
    }

    /// The master key from `CAIRN_MASTER_KEY` (base64) if set, else from `path` (base64 text),
    /// which must not be readable by group or others.
    pub fn load(path: &Path) -> Result<(Self, MasterKeySource), RegistryError> {
        if let Ok(text) = std::env::var(MASTER_KEY_ENV) {
            return Ok((
                Self::from_base64(&text, MASTER_KEY_ENV)?,
                MasterKeySource::Environment,
            ));
        }
        check_private(path)?;
        let text = std::fs::read_to_string(path).map_err(|e| RegistryError::io(path, e))?;
        Ok((
            Self::from_base64(&text, &path.display().to_string())?,
            MasterKeySource::File,
        ))
    }

    /// Reads a master key from `path` only (base64 text, readable by its owner only).
    pub fn load_file(path: &Path) -> Result<Self, RegistryError> {
        check_private(path)?;
        let text = std::fs::read_to_string(path).map_err(|e| RegistryError::io(path, e))?;
        Self::from_base64(&text, &path.display().to_string())
    }

    /// Creates a new random master key in `path` (mode 0600), refusing to overwrite one.
    pub fn create_file(path: &Path) -> Result<Self, RegistryError> {
        let key = Self(SecretKey::generate()?);
        key.write_new_file(path)?;
        Ok(key)
    }

    /// Writes this key to a new file `path` (mode 0600), refusing to overwrite one.
    pub fn write_new_file(&self, path: &Path) -> Result<(), RegistryError> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|e| RegistryError::io(path, e))?;
        use std::io::Write;
        file.write_all(format!("{}\n", self.to_base64()).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| RegistryError::io(path, e))
    }

    /// Whether both are the same key.
    pub fn same_as(&self, other: &MasterKey) -> bool {
        self.0.as_bytes() == other.0.as_bytes()
    }

    fn ad(purpose: &str, version: u32) -> Vec<u8> {
        let mut ad = b"cairn-key-v1".to_vec();
        lp(&mut ad, purpose.as_bytes());
        ad.extend_from_slice(&version.to_be_bytes());
        ad
    }

    /// Seals a data key for storage in `key_ring`.
    pub fn wrap(
        &self,
        purpose: &str,
        version: u32,
        key: &SecretKey,
    ) -> Result<Vec<u8>, RegistryError> {
        seal_with(
            &self.0,
            key.as_bytes(),
            &Self::ad(purpose, version),
            version,
        )
    }

    /// Opens a data key sealed by [`MasterKey::wrap`].
    pub fn unwrap_key(
        &self,
        purpose: &str,
        version: u32,
        wrapped: &[u8],
    ) -> Result<SecretKey, RegistryError> {
        let what = || format!("key_ring {purpose} v{version}");
        let (_, nonce, ct) =
            split_blob(wrapped).ok_or_else(|| RegistryError::Decrypt { what: what() })?;
        let plain = open_with(&self.0, nonce, ct, &Self::ad(purpose, version))
            .ok_or_else(|| RegistryError::Decrypt { what: what() })?;
        let bytes: [u8; 32] = plain
            .try_into()
            .map_err(|_| RegistryError::Decrypt { what: what() })?;
        Ok(SecretKey(bytes))
    }
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), RegistryError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| RegistryError::io(path, e))?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(RegistryError::Key {
            what: path.display().to_string(),
            message: "the master key file must be readable by its owner only (chmod 600)".into(),
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), RegistryError> {
    Ok(())
}

/// The data key version named in a sealed field's header (None for what is not a field blob).
pub fn sealed_version(blob: &[u8]) -> Option<u32> {
    split_blob(blob).map(|(version, _, _)| version)
}

/// The unwrapped data keys: every version of the field key (old ones to read, the active one to
/// write) and of the blind-index key (the active one to write; older ones, until a rotation has
/// re-indexed every person, to look up, and to recognise files imported before a rotation).
#[derive(Debug, Clone)]
pub struct KeyRing {
    data: BTreeMap<u32, SecretKey>,
    active: u32,
    index: BTreeMap<u32, SecretKey>,
    index_active: u32,
    /// Index versions whose rotation finished: no person's tokens are made with them any more.
    index_retired: Vec<u32>,
}

impl KeyRing {
    /// A key ring with one blind-index key (version 1).
    pub fn new(
        data: BTreeMap<u32, SecretKey>,
        active: u32,
        index: SecretKey,
    ) -> Result<Self, RegistryError> {
        Self::with_index_versions(data, active, BTreeMap::from([(1, index)]), 1, Vec::new())
    }

    /// A key ring with every version of both keys; `index_retired` lists the index versions no
    /// longer used for lookups.
    pub fn with_index_versions(
        data: BTreeMap<u32, SecretKey>,
        active: u32,
        index: BTreeMap<u32, SecretKey>,
        index_active: u32,
        index_retired: Vec<u32>,
    ) -> Result<Self, RegistryError> {
        if !data.contains_key(&active) {
            return Err(RegistryError::Key {
                what: "key_ring".into(),
                message: format!("active data key v{active} is missing"),
            });
        }
        if !index.contains_key(&index_active) {
            return Err(RegistryError::Key {
                what: "key_ring".into(),
                message: format!("active index key v{index_active} is missing"),
            });
        }
        Ok(Self {
            data,
            active,
            index,
            index_active,
            index_retired,
        })
    }

    pub fn active_version(&self) -> u32 {
        self.active
    }

    /// The active blind-index key: every new token is made with it.
    pub fn index_key(&self) -> &SecretKey {
        // The constructor checked that the active version is present.
        &self.index[&self.index_active]
    }

    pub fn index_version(&self) -> u32 {
        self.index_active
    }

    /// The index keys a lookup must try: the active one first, then older ones not retired
    /// (persons a rotation has not reached yet still have tokens made with them).
    pub fn lookup_index_keys(&self) -> impl Iterator<Item = (u32, &SecretKey)> {
        let active = std::iter::once((self.index_active, self.index_key()));
        let older = self
            .index
            .iter()
            .rev()
            .filter(|(v, _)| **v != self.index_active && !self.index_retired.contains(v))
            .map(|(v, k)| (*v, k));
        active.chain(older)
    }

    /// Every index key, active first (import fingerprints made before a rotation cannot be
    /// recomputed, the source rows are not kept: a re-import is recognised with the key it had).
    pub fn all_index_keys(&self) -> impl Iterator<Item = (u32, &SecretKey)> {
        let active = std::iter::once((self.index_active, self.index_key()));
        let older = self
            .index
            .iter()
            .rev()
            .filter(|(v, _)| **v != self.index_active)
            .map(|(v, k)| (*v, k));
        active.chain(older)
    }

    /// Seals a field value for `table.column` of row `row_id` with the active data key.
    pub fn seal(
        &self,
        table: &str,
        column: &str,
        row_id: &str,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, RegistryError> {
        let key = self
            .data
            .get(&self.active)
            .ok_or_else(|| RegistryError::Key {
                what: "key_ring".into(),
                message: "no active data key".into(),
            })?;
        seal_with(
            key,
            plaintext,
            &field_ad(table, column, row_id, self.active),
            self.active,
        )
    }

    /// Opens a field sealed by [`KeyRing::seal`] for the same table, column and row.
    pub fn open(
        &self,
        table: &str,
        column: &str,
        row_id: &str,
        blob: &[u8],
    ) -> Result<Vec<u8>, RegistryError> {
        let what = || format!("{table}.{column} of {row_id}");
        let (version, nonce, ct) =
            split_blob(blob).ok_or_else(|| RegistryError::Decrypt { what: what() })?;
        let key = self.data.get(&version).ok_or_else(|| RegistryError::Key {
            what: what(),
            message: format!("sealed with data key v{version}, which this key ring lacks"),
        })?;
        open_with(key, nonce, ct, &field_ad(table, column, row_id, version))
            .ok_or_else(|| RegistryError::Decrypt { what: what() })
    }

    /// Opens a sealed text field.
    pub fn open_text(
        &self,
        table: &str,
        column: &str,
        row_id: &str,
        blob: &[u8],
    ) -> Result<String, RegistryError> {
        let bytes = self.open(table, column, row_id, blob)?;
        String::from_utf8(bytes).map_err(|_| RegistryError::Decrypt {
            what: format!("{table}.{column} of {row_id}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ring() -> KeyRing {
        let mut data = BTreeMap::new();
        data.insert(1, SecretKey::from_bytes([7; 32]));
        data.insert(2, SecretKey::from_bytes([9; 32]));
        KeyRing::new(data, 2, SecretKey::from_bytes([3; 32])).unwrap()
    }

    #[test]
    fn keys_wrap_and_unwrap_only_for_their_purpose_and_version() {
        let master = MasterKey::new(SecretKey::from_bytes([5; 32]));
        let k = SecretKey::from_bytes([11; 32]);
        let w = master.wrap("data", 1, &k).unwrap();
        assert_eq!(
            master.unwrap_key("data", 1, &w).unwrap().as_bytes(),
            k.as_bytes()
        );
        assert!(master.unwrap_key("index", 1, &w).is_err());
        assert!(master.unwrap_key("data", 2, &w).is_err());
        let other = MasterKey::new(SecretKey::from_bytes([6; 32]));
        assert!(other.unwrap_key("data", 1, &w).is_err());
    }

    #[test]
    fn master_key_base64_round_trip() {
        let m = MasterKey::new(SecretKey::generate().unwrap());
        let back = MasterKey::from_base64(&m.to_base64(), "test").unwrap();
        assert_eq!(back.0.as_bytes(), m.0.as_bytes());
        assert!(MasterKey::from_base64("c2hvcnQ=", "test").is_err());
    }

    proptest! {
        #[test]
        fn round_trip(plain in proptest::collection::vec(any::<u8>(), 0..300), row in "[a-z0-9-]{1,40}") {
            let r = ring();
            let blob = r.seal("person", "first_name", &row, &plain).unwrap();
            prop_assert_eq!(r.open("person", "first_name", &row, &blob).unwrap(), plain.clone());
            // Same plaintext, fresh nonce: the ciphertexts differ.
            let again = r.seal("person", "first_name", &row, &plain).unwrap();
            prop_assert_ne!(blob, again);
        }

        #[test]
        fn moved_ciphertext_fails(plain in "\\PC{1,60}", row in "[a-z0-9]{1,20}", other in "[a-z0-9]{1,20}") {
            let r = ring();
            let blob = r.seal("person", "first_name", &row, plain.as_bytes()).unwrap();
            if other != row {
                prop_assert!(r.open("person", "first_name", &other, &blob).is_err());
            }
            prop_assert!(r.open("person", "second_name", &row, &blob).is_err());
            prop_assert!(r.open("note", "first_name", &row, &blob).is_err());
            // Relabelling the key version in the header fails too.
            let mut relabelled = blob.clone();
            relabelled[4] = 1;
            prop_assert!(r.open("person", "first_name", &row, &relabelled).is_err());
        }

        #[test]
        fn any_flipped_bit_fails(plain in "\\PC{1,40}", pos in 0usize..200, bit in 0u8..8) {
            let r = ring();
            let mut blob = r.seal("person", "birthdate", "prs-1", plain.as_bytes()).unwrap();
            let pos = pos % blob.len();
            blob[pos] ^= 1 << bit;
            prop_assert!(r.open("person", "birthdate", "prs-1", &blob).is_err());
        }

        #[test]
        fn open_never_panics(blob in proptest::collection::vec(any::<u8>(), 0..120)) {
            let _ = ring().open("person", "first_name", "x", &blob);
        }
    }
}
