//! MD5, SHA-1 and SHA-256 of file bytes, computed in one streamed pass.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::io::Read;

/// The three cryptographic digests of some bytes, as lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CryptoHashes {
    pub md5: String,
    pub sha1: String,
    pub sha256: String,
}

/// Incremental hasher feeding the three digests at once.
#[derive(Default, Clone)]
pub struct CryptoHasher {
    md5: Md5,
    sha1: Sha1,
    sha256: Sha256,
}

impl CryptoHasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.md5.update(bytes);
        self.sha1.update(bytes);
        self.sha256.update(bytes);
    }

    pub fn finish(self) -> CryptoHashes {
        CryptoHashes {
            md5: hex::encode(self.md5.finalize()),
            sha1: hex::encode(self.sha1.finalize()),
            sha256: hex::encode(self.sha256.finalize()),
        }
    }
}

/// Digests of bytes already in memory.
pub fn crypto_hashes(bytes: &[u8]) -> CryptoHashes {
    let mut h = CryptoHasher::new();
    h.update(bytes);
    h.finish()
}

/// Digests of a stream, read in 64 KiB blocks.
pub fn crypto_hashes_reader(mut r: impl Read) -> std::io::Result<CryptoHashes> {
    let mut h = CryptoHasher::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
    }
    Ok(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests_of_abc() {
        let h = crypto_hashes(b"abc");
        assert_eq!(h.md5, "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(h.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            h.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn streamed_equals_in_memory() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        assert_eq!(
            crypto_hashes_reader(&data[..]).unwrap(),
            crypto_hashes(&data)
        );
    }
}
