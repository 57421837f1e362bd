//! The match index: multi-index hashing for PDQ ([`mih`]), sorted tables for MD5, SHA-1 and
//! SHA-256, and entry metadata, all in one byte layout ([`format`]) that is either built in
//! memory (a list used ad hoc) or memory-mapped from a file (an imported list), so opening a
//! 10-million-entry list costs validation only.

pub mod format;
pub mod mih;

use crate::error::MediaError;
use crate::list::{ListEntry, ListIssue, ListSink};
use crate::pdq::{PdqHash, hamming};
use format::{Counts, Kind, Section};
use mih::Plan;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::path::Path;

/// Counts and problems met while building an index.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BuildReport {
    /// Entries kept (after duplicates and deletions).
    pub entries: u64,
    pub pdq: u64,
    pub md5: u64,
    pub sha1: u64,
    pub sha256: u64,
    /// PhotoDNA hashes read (not matchable: PhotoDNA is proprietary).
    pub photodna: u64,
    pub duplicate_ids: u64,
    pub deletions_applied: u64,
    pub deletions_unmatched: u64,
    pub issues: Vec<ListIssue>,
}

/// Collects list entries compactly (entry metadata encoded at once, hashes in flat arrays).
#[derive(Default)]
pub struct IndexBuilder {
    source: String,
    blob: Vec<u8>,
    offsets: Vec<u64>,
    ids: HashMap<u128, u32>,
    deleted: Vec<bool>,
    pdq: Vec<(PdqHash, u32)>,
    md5: Vec<([u8; 16], u32)>,
    sha1: Vec<([u8; 20], u32)>,
    sha256: Vec<([u8; 32], u32)>,
    photodna: Vec<u32>,
    report: BuildReport,
}

fn id_key(id: &str) -> u128 {
    // Two independent 64-bit SipHashes: a collision between distinct ids (which would report a
    // false duplicate) has probability about n² / 2^129.
    let mut a = DefaultHasher::new();
    id.hash(&mut a);
    let mut b = DefaultHasher::new();
    (0x9e37_79b9_u32, id).hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

fn put_str(blob: &mut Vec<u8>, s: &str) {
    blob.extend_from_slice(&(s.len() as u32).to_le_bytes());
    blob.extend_from_slice(s.as_bytes());
}

impl IndexBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the file being read (used in duplicate-id issues).
    pub fn set_source(&mut self, name: &str) {
        self.source = name.to_string();
    }

    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    /// Builds the index in memory.
    pub fn build(self) -> Result<(MatchIndex, BuildReport), MediaError> {
        let (words, len, report) = self.serialize()?;
        let index = MatchIndex::from_storage(Storage::Owned { words, len }, "(in memory)")?;
        Ok((index, report))
    }

    /// Builds the index and writes it to `path` (through a temporary file renamed into place,
    /// so that a mapped index is never modified).
    pub fn write(self, path: &Path) -> Result<BuildReport, MediaError> {
        let (words, len, report) = self.serialize()?;
        let bytes = &bytemuck::cast_slice::<u64, u8>(&words)[..len];
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, bytes).map_err(|e| MediaError::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| MediaError::io(path, e))?;
        Ok(report)
    }

    fn serialize(mut self) -> Result<(Vec<u64>, usize, BuildReport), MediaError> {
        if cfg!(target_endian = "big") {
            return Err(MediaError::Other(
                "the index format is little-endian; this host is not".into(),
            ));
        }
        let n_entries = self.offsets.len();
        if n_entries >= u32::MAX as usize {
            return Err(MediaError::Other(format!(
                "too many entries ({n_entries}) for one index"
            )));
        }
        self.offsets.push(self.blob.len() as u64);
        let deleted = std::mem::take(&mut self.deleted);
        let live = |e: &u32| !deleted.get(*e as usize).copied().unwrap_or(true);
        self.pdq.retain(|(_, e)| live(e));
        self.md5.retain(|(_, e)| live(e));
        self.sha1.retain(|(_, e)| live(e));
        self.sha256.retain(|(_, e)| live(e));
        self.md5.sort_unstable();
        self.sha1.sort_unstable();
        self.sha256.sort_unstable();
        let mut report = std::mem::take(&mut self.report);
        report.entries = deleted.iter().filter(|d| !**d).count() as u64;
        report.pdq = self.pdq.len() as u64;
        report.md5 = self.md5.len() as u64;
        report.sha1 = self.sha1.len() as u64;
        report.sha256 = self.sha256.len() as u64;
        report.photodna = self.photodna.iter().filter(|e| live(e)).count() as u64;
        let counts = Counts {
            entries: n_entries as u64,
            pdq: report.pdq,
            md5: report.md5,
            sha1: report.sha1,
            sha256: report.sha256,
            photodna: report.photodna,
        };
        drop(std::mem::take(&mut self.ids));

        let n_pdq = self.pdq.len();
        let plan = if n_pdq > 0 {
            Plan::for_size(n_pdq)
        } else {
            Plan { widths: Vec::new() }
        };
        let mut layout: Vec<(Kind, u32, usize)> = vec![
            (Kind::EntryOffsets, 0, self.offsets.len() * 8),
            (Kind::EntryBlob, 0, self.blob.len()),
            (Kind::PdqHashes, 0, n_pdq * 32),
            (Kind::PdqEntry, 0, n_pdq * 4),
        ];
        for (i, &w) in plan.widths.iter().enumerate() {
            layout.push((Kind::MihBuckets, i as u32, ((1usize << w) + 1) * 4));
            layout.push((Kind::MihIds, i as u32, n_pdq * 4));
        }
        layout.extend([
            (Kind::Md5Keys, 0, self.md5.len() * 16),
            (Kind::Md5Entry, 0, self.md5.len() * 4),
            (Kind::Sha1Keys, 0, self.sha1.len() * 20),
            (Kind::Sha1Entry, 0, self.sha1.len() * 4),
            (Kind::Sha256Keys, 0, self.sha256.len() * 32),
            (Kind::Sha256Entry, 0, self.sha256.len() * 4),
        ]);
        let header_len = format::HEADER_FIXED + format::SECTION_ENTRY * layout.len();
        let mut at = format::align_up(header_len);
        let mut sections = Vec::with_capacity(layout.len());
        for &(kind, part, len) in &layout {
            sections.push(Section {
                kind,
                part,
                offset: at as u64,
                len: len as u64,
                crc: 0,
            });
            at = format::align_up(at + len);
        }
        let total = at;
        let mut words = vec![0u64; total / 8];
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut words);
        let range = |s: &Section| s.offset as usize..(s.offset + s.len) as usize;

        for s in &sections {
            let r = range(s);
            match (s.kind, s.part) {
                (Kind::EntryOffsets, _) => {
                    bytemuck::cast_slice_mut::<u8, u64>(&mut bytes[r])
                        .copy_from_slice(&self.offsets);
                }
                (Kind::EntryBlob, _) => bytes[r].copy_from_slice(&self.blob),
                (Kind::PdqHashes, _) => {
                    for (dst, (h, _)) in bytes[r].chunks_exact_mut(32).zip(&self.pdq) {
                        dst.copy_from_slice(&h.0);
                    }
                }
                (Kind::PdqEntry, _) => {
                    let dst = bytemuck::cast_slice_mut::<u8, u32>(&mut bytes[r]);
                    dst.iter_mut()
                        .zip(&self.pdq)
                        .for_each(|(d, (_, e))| *d = *e);
                }
                (Kind::MihBuckets, part) => {
                    // Filled together with the ids below.
                    let _ = part;
                }
                (Kind::MihIds, part) => {
                    let p = part as usize;
                    let starts = plan.starts();
                    let (start, width) = (starts[p], u32::from(plan.widths[p]));
                    let keys: Vec<u32> = self
                        .pdq
                        .iter()
                        .map(|(h, _)| mih::extract(&mih::words(&h.0), start, width))
                        .collect();
                    let mut buckets = vec![0u32; (1usize << width) + 1];
                    for &k in &keys {
                        buckets[k as usize + 1] += 1;
                    }
                    for i in 1..buckets.len() {
                        buckets[i] += buckets[i - 1];
                    }
                    let mut cursor = buckets.clone();
                    {
                        let ids = bytemuck::cast_slice_mut::<u8, u32>(&mut bytes[r]);
                        for (pos, &k) in keys.iter().enumerate() {
                            let c = &mut cursor[k as usize];
                            ids[*c as usize] = pos as u32;
                            *c += 1;
                        }
                    }
                    let bs = sections
                        .iter()
                        .find(|b| b.kind == Kind::MihBuckets && b.part == part)
                        .map(range);
                    if let Some(br) = bs {
                        bytemuck::cast_slice_mut::<u8, u32>(&mut bytes[br])
                            .copy_from_slice(&buckets);
                    }
                }
                (Kind::Md5Keys, _) => fill_keys(&mut bytes[r], &self.md5),
                (Kind::Md5Entry, _) => fill_entries(&mut bytes[r], &self.md5),
                (Kind::Sha1Keys, _) => fill_keys(&mut bytes[r], &self.sha1),
                (Kind::Sha1Entry, _) => fill_entries(&mut bytes[r], &self.sha1),
                (Kind::Sha256Keys, _) => fill_keys(&mut bytes[r], &self.sha256),
                (Kind::Sha256Entry, _) => fill_entries(&mut bytes[r], &self.sha256),
            }
        }
        for s in sections.iter_mut() {
            s.crc = crc32fast::hash(&bytes[range(s)]);
        }
        let header = format::encode_header(&counts, &plan.widths, &sections);
        bytes[..header.len()].copy_from_slice(&header);
        Ok((words, total, report))
    }
}

fn fill_keys<const N: usize>(dst: &mut [u8], src: &[([u8; N], u32)]) {
    for (d, (k, _)) in dst.chunks_exact_mut(N).zip(src) {
        d.copy_from_slice(k);
    }
}

fn fill_entries<const N: usize>(dst: &mut [u8], src: &[([u8; N], u32)]) {
    let dst = bytemuck::cast_slice_mut::<u8, u32>(dst);
    dst.iter_mut().zip(src).for_each(|(d, (_, e))| *d = *e);
}

impl ListSink for IndexBuilder {
    fn entry(&mut self, entry: ListEntry, location: &str) {
        let key = id_key(&entry.id);
        if self.ids.contains_key(&key) {
            self.report.duplicate_ids += 1;
            self.report.issues.push(ListIssue {
                file: self.source.clone(),
                location: location.to_string(),
                message: format!(
                    "duplicate id {:?}: the first entry with this id is kept",
                    entry.id
                ),
            });
            return;
        }
        let idx = self.offsets.len() as u32;
        self.ids.insert(key, idx);
        self.offsets.push(self.blob.len() as u64);
        put_str(&mut self.blob, &entry.id);
        match &entry.category {
            Some(c) => put_str(&mut self.blob, c),
            None => self.blob.extend_from_slice(&u32::MAX.to_le_bytes()),
        }
        self.blob
            .extend_from_slice(&(entry.labels.len() as u32).to_le_bytes());
        for (k, v) in &entry.labels {
            put_str(&mut self.blob, k);
            put_str(&mut self.blob, v);
        }
        self.deleted.push(false);
        if let Some(h) = entry.pdq {
            self.pdq.push((h, idx));
        }
        if let Some(h) = entry.md5 {
            self.md5.push((h, idx));
        }
        if let Some(h) = entry.sha1 {
            self.sha1.push((h, idx));
        }
        if let Some(h) = entry.sha256 {
            self.sha256.push((h, idx));
        }
        if entry.photodna {
            self.photodna.push(idx);
        }
    }

    fn delete(&mut self, id: &str, _location: &str) {
        match self.ids.get(&id_key(id)) {
            Some(&i) if !self.deleted.get(i as usize).copied().unwrap_or(true) => {
                if let Some(d) = self.deleted.get_mut(i as usize) {
                    *d = true;
                }
                self.report.deletions_applied += 1;
            }
            _ => self.report.deletions_unmatched += 1,
        }
    }

    fn issue(&mut self, issue: ListIssue) {
        self.report.issues.push(issue);
    }
}

/// Where the index bytes live.
enum Storage {
    /// Built in memory; u64 words keep every section 8-byte aligned.
    Owned {
        words: Vec<u64>,
        len: usize,
    },
    Mapped(memmap2::Mmap),
}

impl Storage {
    fn bytes(&self) -> &[u8] {
        match self {
            Storage::Owned { words, len } => {
                let b: &[u8] = bytemuck::cast_slice(words);
                b.get(..*len).unwrap_or(b)
            }
            Storage::Mapped(m) => m,
        }
    }
}

/// A PDQ hit: the entry, the distance, and which PDQ hash of the index matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PdqMatch {
    pub hash_index: u32,
    pub entry: u32,
    pub distance: u32,
}

/// What a list says about one entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EntryMeta {
    pub id: String,
    pub category: Option<String>,
    pub labels: Vec<(String, String)>,
}

/// Section ranges, validated at open.
#[derive(Debug, Clone, Default)]
struct Layout {
    entry_offsets: Range<usize>,
    entry_blob: Range<usize>,
    pdq_hashes: Range<usize>,
    pdq_entry: Range<usize>,
    buckets: Vec<Range<usize>>,
    ids: Vec<Range<usize>>,
    md5: (Range<usize>, Range<usize>),
    sha1: (Range<usize>, Range<usize>),
    sha256: (Range<usize>, Range<usize>),
}

/// A read-only match index.
pub struct MatchIndex {
    storage: Storage,
    counts: Counts,
    plan: Plan,
    starts: Vec<u32>,
    layout: Layout,
}

impl std::fmt::Debug for MatchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatchIndex")
            .field("counts", &self.counts)
            .field("plan", &self.plan)
            .finish()
    }
}

fn corrupt(name: &str, message: impl Into<String>) -> MediaError {
    MediaError::Index {
        path: name.to_string(),
        message: message.into(),
    }
}

impl MatchIndex {
    /// Maps an index file and validates it: header, section table, sizes and every checksum.
    pub fn open(path: &Path) -> Result<MatchIndex, MediaError> {
        let file = std::fs::File::open(path).map_err(|e| MediaError::io(path, e))?;
        // SAFETY: `Mmap::map` is unsafe because the mapped bytes could change (or vanish, on
        // truncation) if another process modified the file while it is mapped, breaking the
        // immutability of the `&[u8]` we hand out. Cairn never modifies an index file in place:
        // `IndexBuilder::write` writes a temporary file and renames it over the old one, which
        // leaves existing mappings on the old inode untouched. The mapping is read-only, and
        // every read goes through bounds-checked slices validated below.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| MediaError::io(path, e))?;
        Self::from_storage(Storage::Mapped(map), &path.display().to_string())
    }

    fn from_storage(storage: Storage, name: &str) -> Result<MatchIndex, MediaError> {
        if cfg!(target_endian = "big") {
            return Err(corrupt(
                name,
                "the index format is little-endian; this host is not",
            ));
        }
        let b = storage.bytes();
        if b.len() < format::HEADER_FIXED || &b[..8] != format::MAGIC {
            return Err(corrupt(name, "not a Cairn index file (bad magic)"));
        }
        let version = format::read_u32(b, 8).unwrap_or(0);
        if version != format::VERSION {
            return Err(corrupt(
                name,
                format!(
                    "index format version {version}, this Cairn reads {}",
                    format::VERSION
                ),
            ));
        }
        let header_len = format::read_u32(b, 12).unwrap_or(0) as usize;
        let nsec = format::read_u32(b, 16).unwrap_or(0) as usize;
        if nsec > 4 * format::MAX_PARTS + 16
            || header_len != format::HEADER_FIXED + format::SECTION_ENTRY * nsec
            || header_len > b.len()
        {
            return Err(corrupt(name, "bad header size"));
        }
        let mut header = b[..header_len].to_vec();
        let stored_crc = format::read_u32(&header, 124).unwrap_or(0);
        header[124..128].fill(0);
        if crc32fast::hash(&header) != stored_crc {
            return Err(corrupt(name, "header checksum mismatch"));
        }
        let u64_at = |at| format::read_u64(b, at).unwrap_or(0);
        let counts = Counts {
            entries: u64_at(24),
            pdq: u64_at(32),
            md5: u64_at(40),
            sha1: u64_at(48),
            sha256: u64_at(56),
            photodna: u64_at(64),
        };
        let m = format::read_u32(b, 72).unwrap_or(0) as usize;
        if m > format::MAX_PARTS {
            return Err(corrupt(
                name,
                format!("{m} index parts (at most {})", format::MAX_PARTS),
            ));
        }
        let plan = Plan {
            widths: b[80..80 + m].to_vec(),
        };
        if counts.pdq > 0 && !plan.is_valid() || counts.pdq == 0 && m != 0 {
            return Err(corrupt(name, "invalid multi-index plan"));
        }
        if [
            counts.entries,
            counts.pdq,
            counts.md5,
            counts.sha1,
            counts.sha256,
        ]
        .iter()
        .any(|&c| c >= u64::from(u32::MAX))
        {
            return Err(corrupt(name, "counts out of range"));
        }
        let mut sections = Vec::with_capacity(nsec);
        for i in 0..nsec {
            let at = format::HEADER_FIXED + format::SECTION_ENTRY * i;
            let kind = Kind::from_u32(format::read_u32(b, at).unwrap_or(0))
                .ok_or_else(|| corrupt(name, format!("section {i}: unknown kind")))?;
            let s = Section {
                kind,
                part: format::read_u32(b, at + 4).unwrap_or(u32::MAX),
                offset: u64_at(at + 8),
                len: u64_at(at + 16),
                crc: format::read_u32(b, at + 24).unwrap_or(0),
            };
            let end = s
                .offset
                .checked_add(s.len)
                .ok_or_else(|| corrupt(name, format!("section {i}: overflow")))?;
            if end > b.len() as u64
                || !s.offset.is_multiple_of(format::ALIGN as u64)
                || s.offset < header_len as u64
            {
                return Err(corrupt(
                    name,
                    format!("section {i} ({kind:?}) outside the file or misaligned"),
                ));
            }
            let r = s.offset as usize..end as usize;
            if crc32fast::hash(&b[r]) != s.crc {
                return Err(corrupt(
                    name,
                    format!("section {i} ({kind:?}) checksum mismatch"),
                ));
            }
            sections.push(s);
        }
        // Sections must not overlap, and the padding between them must be zero, so that every
        // byte of the file is covered by a checksum or a fixed value.
        let mut order: Vec<&Section> = sections.iter().collect();
        order.sort_by_key(|s| s.offset);
        let mut pos = header_len;
        for s in order {
            let start = s.offset as usize;
            if start < pos {
                return Err(corrupt(
                    name,
                    format!("section {:?} {} overlaps another", s.kind, s.part),
                ));
            }
            if b[pos..start].iter().any(|&x| x != 0) {
                return Err(corrupt(
                    name,
                    format!("non-zero padding before section {:?} {}", s.kind, s.part),
                ));
            }
            pos = start + s.len as usize;
        }
        if b[pos..].iter().any(|&x| x != 0) {
            return Err(corrupt(name, "non-zero bytes after the last section"));
        }
        let find = |kind: Kind, part: u32, want: u64| -> Result<Range<usize>, MediaError> {
            let mut it = sections.iter().filter(|s| s.kind == kind && s.part == part);
            let s = it
                .next()
                .ok_or_else(|| corrupt(name, format!("missing section {kind:?} {part}")))?;
            if it.next().is_some() {
                return Err(corrupt(
                    name,
                    format!("section {kind:?} {part} given twice"),
                ));
            }
            if want != u64::MAX && s.len != want {
                return Err(corrupt(
                    name,
                    format!("section {kind:?} {part}: {} bytes, expected {want}", s.len),
                ));
            }
            Ok(s.offset as usize..(s.offset + s.len) as usize)
        };
        let mut layout = Layout {
            entry_offsets: find(Kind::EntryOffsets, 0, (counts.entries + 1) * 8)?,
            entry_blob: find(Kind::EntryBlob, 0, u64::MAX)?,
            pdq_hashes: find(Kind::PdqHashes, 0, counts.pdq * 32)?,
            pdq_entry: find(Kind::PdqEntry, 0, counts.pdq * 4)?,
            md5: (
                find(Kind::Md5Keys, 0, counts.md5 * 16)?,
                find(Kind::Md5Entry, 0, counts.md5 * 4)?,
            ),
            sha1: (
                find(Kind::Sha1Keys, 0, counts.sha1 * 20)?,
                find(Kind::Sha1Entry, 0, counts.sha1 * 4)?,
            ),
            sha256: (
                find(Kind::Sha256Keys, 0, counts.sha256 * 32)?,
                find(Kind::Sha256Entry, 0, counts.sha256 * 4)?,
            ),
            ..Layout::default()
        };
        for (i, &w) in plan.widths.iter().enumerate() {
            layout
                .buckets
                .push(find(Kind::MihBuckets, i as u32, ((1u64 << w) + 1) * 4)?);
            layout
                .ids
                .push(find(Kind::MihIds, i as u32, counts.pdq * 4)?);
        }
        let starts = plan.starts();
        Ok(MatchIndex {
            storage,
            counts,
            plan,
            starts,
            layout,
        })
    }

    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Widths of the multi-index parts (empty without PDQ hashes).
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    fn u32s(&self, r: &Range<usize>) -> &[u32] {
        self.storage
            .bytes()
            .get(r.clone())
            .and_then(|b| bytemuck::try_cast_slice(b).ok())
            .unwrap_or(&[])
    }

    fn arrays<const N: usize>(&self, r: &Range<usize>) -> &[[u8; N]] {
        self.storage
            .bytes()
            .get(r.clone())
            .and_then(|b| bytemuck::try_cast_slice(b).ok())
            .unwrap_or(&[])
    }

    /// The i-th PDQ hash of the index.
    pub fn pdq_hash(&self, i: u32) -> Option<PdqHash> {
        self.arrays::<32>(&self.layout.pdq_hashes)
            .get(i as usize)
            .map(|h| PdqHash(*h))
    }

    /// Every PDQ hash within `max_distance` of `query`, each once, appended to `out` sorted by
    /// hash index. Exact for every radius (multi-index hashing up to 31, a scan above).
    pub fn search_pdq(&self, query: &PdqHash, max_distance: u32, out: &mut Vec<PdqMatch>) {
        let hashes = self.arrays::<32>(&self.layout.pdq_hashes);
        let entries = self.u32s(&self.layout.pdq_entry);
        let first = out.len();
        let push = |i: u32, d: u32, out: &mut Vec<PdqMatch>| {
            if let Some(&e) = entries.get(i as usize) {
                out.push(PdqMatch {
                    hash_index: i,
                    entry: e,
                    distance: d,
                });
            }
        };
        if max_distance > 31 || self.plan.widths.is_empty() {
            for (i, h) in hashes.iter().enumerate() {
                let d = hamming(h, &query.0);
                if d <= max_distance {
                    push(i as u32, d, out);
                }
            }
            return;
        }
        let qw = mih::words(&query.0);
        let thresholds = self.plan.thresholds(max_distance);
        let mut masks = Vec::new();
        // Three passes, each a batch of independent memory reads (bucket bounds, then bucket
        // contents, then candidate hashes), so the CPU overlaps the cache misses instead of
        // following one bucket → id → hash chain at a time.
        let mut ranges: Vec<(usize, u32, u32)> = Vec::new();
        for (p, &t) in thresholds.iter().enumerate() {
            if t < 0 {
                continue;
            }
            let width = u32::from(self.plan.widths[p]);
            let key = mih::extract(&qw, self.starts[p], width);
            let buckets = self.u32s(&self.layout.buckets[p]);
            mih::ball_masks(width, t as u32, &mut masks);
            for &mask in &masks {
                let b = (key ^ mask) as usize;
                if let (Some(&lo), Some(&hi)) = (buckets.get(b), buckets.get(b + 1))
                    && lo < hi
                {
                    ranges.push((p, lo, hi));
                }
            }
        }
        let mut candidates: Vec<u32> = Vec::new();
        for &(p, lo, hi) in &ranges {
            if let Some(bucket) = self.u32s(&self.layout.ids[p]).get(lo as usize..hi as usize) {
                candidates.extend_from_slice(bucket);
            }
        }
        for &i in &candidates {
            if let Some(h) = hashes.get(i as usize) {
                let d = hamming(h, &query.0);
                if d <= max_distance {
                    push(i, d, out);
                }
            }
        }
        // A hash near the query sits in several parts' balls: keep it once.
        out[first..].sort_unstable();
        let mut kept = first;
        for i in first..out.len() {
            if kept == first || out[kept - 1].hash_index != out[i].hash_index {
                out[kept] = out[i];
                kept += 1;
            }
        }
        out.truncate(kept);
    }

    fn lookup<const N: usize>(
        &self,
        keys: &Range<usize>,
        entries: &Range<usize>,
        key: &[u8; N],
    ) -> Vec<u32> {
        let keys = self.arrays::<N>(keys);
        let entries = self.u32s(entries);
        let lo = keys.partition_point(|k| k < key);
        let hi = lo + keys[lo..].partition_point(|k| k == key);
        (lo..hi).filter_map(|i| entries.get(i).copied()).collect()
    }

    /// Entries carrying this MD5.
    pub fn lookup_md5(&self, key: &[u8; 16]) -> Vec<u32> {
        self.lookup(&self.layout.md5.0, &self.layout.md5.1, key)
    }

    pub fn lookup_sha1(&self, key: &[u8; 20]) -> Vec<u32> {
        self.lookup(&self.layout.sha1.0, &self.layout.sha1.1, key)
    }

    pub fn lookup_sha256(&self, key: &[u8; 32]) -> Vec<u32> {
        self.lookup(&self.layout.sha256.0, &self.layout.sha256.1, key)
    }

    /// Id, category and labels of an entry; `None` if out of range or (on a damaged file that
    /// still passed its checksums) undecodable.
    pub fn entry(&self, i: u32) -> Option<EntryMeta> {
        let b = self.storage.bytes();
        let offs = b.get(self.layout.entry_offsets.clone())?;
        let start = format::read_u64(offs, i as usize * 8)? as usize;
        let end = format::read_u64(offs, i as usize * 8 + 8)? as usize;
        let rec = b.get(self.layout.entry_blob.clone())?.get(start..end)?;
        let mut at = 0usize;
        let string = |at: &mut usize| -> Option<Option<String>> {
            let len = format::read_u32(rec, *at)?;
            *at += 4;
            if len == u32::MAX {
                return Some(None);
            }
            let s = rec.get(*at..*at + len as usize)?;
            *at += len as usize;
            Some(Some(String::from_utf8_lossy(s).into_owned()))
        };
        let id = string(&mut at)??;
        let category = string(&mut at)?;
        let n = format::read_u32(rec, at)?;
        at += 4;
        let mut labels = Vec::new();
        for _ in 0..n.min(10_000) {
            let k = string(&mut at)??;
            let v = string(&mut at)??;
            labels.push((k, v));
        }
        Some(EntryMeta {
            id,
            category,
            labels,
        })
    }
}

#[cfg(test)]
mod tests;
