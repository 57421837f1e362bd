//! Media hashing (PDQ, MD5, SHA-1, SHA-256), hash lists and the match index.
//!
//! - [`hash_image_bytes`]: every hash of one image (decoding under limits).
//! - [`pdq`]: an exact port of Meta's PDQ reference.
//! - [`list`]: readers for known-hash lists (Project VIC VICS JSON, NCMEC XML, CSV, text).
//! - [`index`]: the multi-index-hashing match index, in memory or memory-mapped from disk.
//!
//! PhotoDNA is proprietary: lists may carry PhotoDNA hashes, which are read and counted, but
//! Cairn cannot compute them.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod crypto;
pub mod decode;
pub mod error;
pub mod index;
pub mod list;
pub mod media;
pub mod pdq;
pub mod store;

pub use crypto::{CryptoHasher, CryptoHashes, crypto_hashes, crypto_hashes_reader};
pub use decode::{DecodeLimits, RgbImage, decode_rgb};
pub use error::MediaError;
pub use index::{BuildReport, EntryMeta, IndexBuilder, MatchIndex, PdqMatch};
pub use list::{ListEntry, ListFormat, ListIssue, ListSink, read_list};
pub use media::{HashOptions, MediaHashes, hash_image_bytes, hash_image_file};
pub use pdq::{DIHEDRAL_NAMES, PdqHash, PdqOutput, pdq_from_luma};
pub use store::{ListProvenance, ListStore, read_into_builder};
