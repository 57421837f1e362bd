//! The index file format, version 2. Little-endian throughout.
//!
//! ```text
//! offset size  field
//!      0    8  magic "CAIRNIDX"
//!      8    4  format version (2; version 1 files are refused with a request to re-import)
//!     12    4  header size in bytes = 128 + 32 × section count
//!     16    4  section count
//!     20    4  flags (0)
//!     24    8  entries
//!     32    8  PDQ hashes
//!     40    8  MD5 hashes
//!     48    8  SHA-1 hashes
//!     56    8  SHA-256 hashes
//!     64    8  PhotoDNA hashes seen in the source (not indexed: Cairn cannot compute PhotoDNA)
//!     72    4  m, number of multi-index parts
//!     76    4  reserved (0)
//!     80   32  width in bits of each part (m bytes, the rest 0)
//!    112   12  reserved (0)
//!    124    4  CRC-32 of the header and section table, this field counted as 0
//!    128  32×n section table: kind u32, part u32, offset u64, length u64, CRC-32 u32, reserved u32
//! ```
//!
//! Sections start on 64-byte boundaries. Kinds (arrays are dense, indices are u32):
//!
//! | kind | content |
//! |---|---|
//! | 1 | entry offsets: u64 × (entries + 1) into the entry blob |
//! | 2 | entry blob: per entry, `u32 len` + id, `u32 len` (0xFFFFFFFF = none) + category, `u32 n` + n × (key, value) strings |
//! | 3 | PDQ hashes: 32 bytes each, in the byte order of the hex text |
//! | 4 | PDQ entry: u32 per PDQ hash, the entry it belongs to |
//! | 13 | MIH slots of part i: u32 × 2^width, one per value of the part (below) |
//! | 14 | MIH overflow of part i: for each bucket of 2 hashes or more, u32 count then the positions in section 3 |
//! | 7, 9, 11 | MD5, SHA-1, SHA-256 keys (16, 20, 32 bytes), sorted |
//! | 8, 10, 12 | entry of each key: u32 |
//!
//! Kinds 5 and 6 (version 1: bucket starts, then the ids in a separate array) cost two cache
//! misses per probed non-empty bucket; a version 2 slot holds the id of a one-hash bucket
//! itself, so empty and one-hash buckets (most of them at the planned widths) cost one. A slot
//! is EMPTY for an empty bucket, the hash's position (< 2^30) for one hash, and
//! `OVERFLOW | at` for a bucket whose count and positions start at `at` in the overflow
//! section. EMPTY = 0xFFFFFFFF, OVERFLOW = 0x80000000.

pub const MAGIC: &[u8; 8] = b"CAIRNIDX";
pub const VERSION: u32 = 2;
/// Slot value of an empty bucket.
pub const SLOT_EMPTY: u32 = u32::MAX;
/// Flag on a slot: the bucket is in the overflow section.
pub const SLOT_OVERFLOW: u32 = 1 << 31;
pub const HEADER_FIXED: usize = 128;
pub const SECTION_ENTRY: usize = 32;
pub const ALIGN: usize = 64;
pub const MAX_PARTS: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Kind {
    EntryOffsets = 1,
    EntryBlob = 2,
    PdqHashes = 3,
    PdqEntry = 4,
    Md5Keys = 7,
    Md5Entry = 8,
    Sha1Keys = 9,
    Sha1Entry = 10,
    Sha256Keys = 11,
    Sha256Entry = 12,
    MihSlots = 13,
    MihOverflow = 14,
}

impl Kind {
    pub fn from_u32(v: u32) -> Option<Kind> {
        Some(match v {
            1 => Kind::EntryOffsets,
            2 => Kind::EntryBlob,
            3 => Kind::PdqHashes,
            4 => Kind::PdqEntry,
            7 => Kind::Md5Keys,
            8 => Kind::Md5Entry,
            9 => Kind::Sha1Keys,
            10 => Kind::Sha1Entry,
            11 => Kind::Sha256Keys,
            12 => Kind::Sha256Entry,
            13 => Kind::MihSlots,
            14 => Kind::MihOverflow,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub kind: Kind,
    pub part: u32,
    pub offset: u64,
    pub len: u64,
    pub crc: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub entries: u64,
    pub pdq: u64,
    pub md5: u64,
    pub sha1: u64,
    pub sha256: u64,
    pub photodna: u64,
}

pub fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .map(u32::from_le_bytes)
}

pub fn read_u64(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 8)
        .and_then(|s| s.try_into().ok())
        .map(u64::from_le_bytes)
}

pub fn align_up(n: usize) -> usize {
    n.div_ceil(ALIGN) * ALIGN
}

/// Header bytes (fixed part and section table) with the CRC filled in.
pub fn encode_header(counts: &Counts, widths: &[u8], sections: &[Section]) -> Vec<u8> {
    let size = HEADER_FIXED + SECTION_ENTRY * sections.len();
    let mut h = vec![0u8; size];
    h[0..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&VERSION.to_le_bytes());
    h[12..16].copy_from_slice(&(size as u32).to_le_bytes());
    h[16..20].copy_from_slice(&(sections.len() as u32).to_le_bytes());
    let c = [
        counts.entries,
        counts.pdq,
        counts.md5,
        counts.sha1,
        counts.sha256,
        counts.photodna,
    ];
    for (i, v) in c.iter().enumerate() {
        h[24 + 8 * i..32 + 8 * i].copy_from_slice(&v.to_le_bytes());
    }
    h[72..76].copy_from_slice(&(widths.len() as u32).to_le_bytes());
    h[80..80 + widths.len().min(MAX_PARTS)].copy_from_slice(&widths[..widths.len().min(MAX_PARTS)]);
    for (i, s) in sections.iter().enumerate() {
        let at = HEADER_FIXED + SECTION_ENTRY * i;
        h[at..at + 4].copy_from_slice(&(s.kind as u32).to_le_bytes());
        h[at + 4..at + 8].copy_from_slice(&s.part.to_le_bytes());
        h[at + 8..at + 16].copy_from_slice(&s.offset.to_le_bytes());
        h[at + 16..at + 24].copy_from_slice(&s.len.to_le_bytes());
        h[at + 24..at + 28].copy_from_slice(&s.crc.to_le_bytes());
    }
    let crc = crc32fast::hash(&h);
    h[124..128].copy_from_slice(&crc.to_le_bytes());
    h
}
