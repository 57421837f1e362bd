//! The match index: multi-index hashing for PDQ ([`mih`]), sorted tables for MD5, SHA-1 and
//! SHA-256, and entry metadata, all in one byte layout ([`format`]) that is either built in
//! memory (a list used ad hoc) or memory-mapped from a file (an imported list), so opening a
//! 10-million-entry list costs validation only.

pub mod batch;
pub mod format;
pub mod mih;

use crate::error::MediaError;
use crate::list::{ListEntry, ListIssue, ListSink};
use crate::pdq::{PdqHash, hamming};
use format::{Counts, Kind, Section};
use mih::Plan;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
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
    /// Tests force a plan: small lists get narrow parts, which leave paths of the batched
    /// search (regions of several slots) unexercised.
    #[cfg(test)]
    plan: Option<Plan>,
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
    pub fn build(mut self) -> Result<(MatchIndex, BuildReport), MediaError> {
        let (plan, sections, counts, report) = self.prepare()?;
        let total = sections
            .last()
            .map_or(format::align_up(format::HEADER_FIXED), |s| {
                format::align_up((s.offset + s.len) as usize)
            });
        let mut words = vec![0u64; total / 8];
        let mut sections = sections;
        {
            let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut words);
            let mut cursor = std::io::Cursor::new(&mut bytes[..]);
            cursor.set_position(sections.first().map_or(0, |s| s.offset));
            self.emit(&plan, &mut sections, &mut cursor)
                .map_err(|e| MediaError::Other(format!("building the index in memory: {e}")))?;
            let header = format::encode_header(&counts, &plan.widths, &sections);
            bytes[..header.len()].copy_from_slice(&header);
        }
        let index = MatchIndex::from_storage(Storage::Owned { words, len: total }, "(in memory)")?;
        Ok((index, report))
    }

    /// Builds the index and writes it to `path` (through a temporary file renamed into place,
    /// so that a mapped index is never modified). Sections are streamed to the file one after
    /// the other, so the finished index is never held in memory next to the parsed entries
    /// (a 10M-entry list would need both at once, over 2 GB).
    pub fn write(mut self, path: &Path) -> Result<BuildReport, MediaError> {
        use std::io::{Seek, SeekFrom};
        let (plan, mut sections, counts, report) = self.prepare()?;
        let tmp = path.with_extension("tmp");
        let io = |e| MediaError::io(&tmp, e);
        let file = std::fs::File::create(&tmp).map_err(io)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        let first = sections.first().map_or(0, |s| s.offset);
        // Zeros where the header goes; it is written last, once the checksums are known.
        out.write_all(&vec![0u8; first as usize]).map_err(io)?;
        self.emit(&plan, &mut sections, &mut out).map_err(io)?;
        let end = sections.last().map_or(first, |s| s.offset + s.len);
        let padded = format::align_up(end as usize) as u64;
        out.write_all(&vec![0u8; (padded - end) as usize])
            .map_err(io)?;
        let header = format::encode_header(&counts, &plan.widths, &sections);
        let mut file = out.into_inner().map_err(|e| io(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(&header).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(|e| MediaError::io(path, e))?;
        Ok(report)
    }

    #[cfg(test)]
    fn forced_plan(&self) -> Option<Plan> {
        self.plan.clone()
    }

    #[cfg(not(test))]
    fn forced_plan(&self) -> Option<Plan> {
        None
    }

    /// Applies deletions, sorts the key tables, picks the multi-index plan and lays out the
    /// sections (offsets and lengths; checksums are filled while emitting).
    #[allow(clippy::type_complexity)]
    fn prepare(&mut self) -> Result<(Plan, Vec<Section>, Counts, BuildReport), MediaError> {
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
        // Slots flag overflow buckets with the top bit (see `format`), and overflow offsets
        // (at most 1.5 × the hashes) must stay below EMPTY: 2^30 hashes keep both in range.
        if n_pdq >= 1 << 30 {
            return Err(MediaError::Other(format!(
                "too many PDQ hashes ({n_pdq}) for one index"
            )));
        }
        let plan = if n_pdq > 0 {
            self.forced_plan().unwrap_or_else(|| Plan::for_size(n_pdq))
        } else {
            Plan { widths: Vec::new() }
        };
        let mut layout: Vec<(Kind, u32, usize)> = vec![
            (Kind::EntryOffsets, 0, self.offsets.len() * 8),
            (Kind::EntryBlob, 0, self.blob.len()),
            (Kind::PdqHashes, 0, n_pdq * 32),
            (Kind::PdqEntry, 0, n_pdq * 4),
        ];
        let starts = plan.starts();
        for (i, &w) in plan.widths.iter().enumerate() {
            let overflow = overflow_len(&self.pdq, starts[i], u32::from(w));
            layout.push((Kind::MihSlots, i as u32, (1usize << w) * 4));
            layout.push((Kind::MihOverflow, i as u32, overflow * 4));
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
        Ok((plan, sections, counts, report))
    }

    /// Writes every section in file order to `out` (positioned at the first section), with
    /// the zero padding between them, and fills in their checksums.
    fn emit<W: std::io::Write>(
        &self,
        plan: &Plan,
        sections: &mut [Section],
        out: &mut W,
    ) -> std::io::Result<()> {
        let starts = plan.starts();
        // The overflow of a part is computed with its slots, which come first in the file.
        let mut pending_overflow: Vec<u32> = Vec::new();
        let mut pos = sections.first().map_or(0, |s| s.offset);
        for s in sections.iter_mut() {
            let pad = (s.offset - pos) as usize;
            out.write_all(&[0u8; format::ALIGN][..pad])?;
            let mut sink = CrcWriter {
                inner: &mut *out,
                crc: crc32fast::Hasher::new(),
                written: 0,
            };
            match s.kind {
                Kind::EntryOffsets => sink.write_all(bytemuck::cast_slice(&self.offsets))?,
                Kind::EntryBlob => sink.write_all(&self.blob)?,
                Kind::PdqHashes => {
                    for (h, _) in &self.pdq {
                        sink.write_all(&h.0)?;
                    }
                }
                Kind::PdqEntry => {
                    for (_, e) in &self.pdq {
                        sink.write_all(&e.to_le_bytes())?;
                    }
                }
                Kind::MihSlots => {
                    let p = s.part as usize;
                    let (start, width) = (starts[p], u32::from(plan.widths[p]));
                    let (slots, overflow) = part_table(&self.pdq, start, width);
                    sink.write_all(bytemuck::cast_slice(&slots))?;
                    pending_overflow = overflow;
                }
                Kind::MihOverflow => {
                    sink.write_all(bytemuck::cast_slice(&pending_overflow))?;
                    pending_overflow = Vec::new();
                }
                Kind::Md5Keys => write_keys(&mut sink, &self.md5)?,
                Kind::Md5Entry => write_entries(&mut sink, &self.md5)?,
                Kind::Sha1Keys => write_keys(&mut sink, &self.sha1)?,
                Kind::Sha1Entry => write_entries(&mut sink, &self.sha1)?,
                Kind::Sha256Keys => write_keys(&mut sink, &self.sha256)?,
                Kind::Sha256Entry => write_entries(&mut sink, &self.sha256)?,
            }
            if sink.written != s.len {
                return Err(std::io::Error::other(format!(
                    "section {:?} {}: wrote {} bytes, laid out {}",
                    s.kind, s.part, sink.written, s.len
                )));
            }
            s.crc = sink.crc.finalize();
            pos = s.offset + s.len;
        }
        Ok(())
    }
}

/// Counts and checksums what passes through it.
struct CrcWriter<'a, W: std::io::Write> {
    inner: &'a mut W,
    crc: crc32fast::Hasher,
    written: u64,
}

impl<W: std::io::Write> std::io::Write for CrcWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Number of hashes in each bucket of one part.
fn bucket_sizes(pdq: &[(PdqHash, u32)], start: u32, width: u32) -> (Vec<u32>, Vec<u32>) {
    let keys: Vec<u32> = pdq
        .iter()
        .map(|(h, _)| mih::extract(&mih::words(&h.0), start, width))
        .collect();
    let mut sizes = vec![0u32; 1usize << width];
    for &k in &keys {
        sizes[k as usize] += 1;
    }
    (keys, sizes)
}

/// Length in u32 of one part's overflow section: count and hashes of buckets too big for a slot.
fn overflow_len(pdq: &[(PdqHash, u32)], start: u32, width: u32) -> usize {
    let (_, sizes) = bucket_sizes(pdq, start, width);
    sizes
        .iter()
        .filter(|&&n| n > 1)
        .map(|&n| n as usize + 1)
        .sum()
}

/// One part's table (see `format`): a u32 slot per bucket holding the position of a lone
/// hash, or pointing to the bucket's count and positions in the overflow array.
fn part_table(pdq: &[(PdqHash, u32)], start: u32, width: u32) -> (Vec<u32>, Vec<u32>) {
    let (keys, sizes) = bucket_sizes(pdq, start, width);
    let mut slots = vec![format::SLOT_EMPTY; 1 << width];
    let mut cursor = vec![0u32; sizes.len()];
    let mut total = 0u32;
    for (b, &n) in sizes.iter().enumerate() {
        if n > 1 {
            slots[b] = format::SLOT_OVERFLOW | total;
            cursor[b] = total + 1;
            total += n + 1;
        }
    }
    let mut overflow = vec![0u32; total as usize];
    for (b, &n) in sizes.iter().enumerate() {
        if n > 1 {
            overflow[(slots[b] & !format::SLOT_OVERFLOW) as usize] = n;
        }
    }
    for (pos, &k) in keys.iter().enumerate() {
        let b = k as usize;
        if sizes[b] > 1 {
            overflow[cursor[b] as usize] = pos as u32;
            cursor[b] += 1;
        } else {
            slots[b] = pos as u32;
        }
    }
    (slots, overflow)
}

fn write_keys<const N: usize>(
    out: &mut impl std::io::Write,
    src: &[([u8; N], u32)],
) -> std::io::Result<()> {
    for (k, _) in src {
        out.write_all(k)?;
    }
    Ok(())
}

fn write_entries<const N: usize>(
    out: &mut impl std::io::Write,
    src: &[([u8; N], u32)],
) -> std::io::Result<()> {
    for (_, e) in src {
        out.write_all(&e.to_le_bytes())?;
    }
    Ok(())
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
    slots: Vec<Range<usize>>,
    overflow: Vec<Range<usize>>,
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
    /// Per part, the XOR masks of its Hamming ball at the design radius (empty: not probed).
    masks: Vec<Vec<u32>>,
}

impl std::fmt::Debug for MatchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatchIndex")
            .field("counts", &self.counts)
            .field("plan", &self.plan)
            .finish()
    }
}

/// Per part, the XOR masks of its Hamming ball for radius `r` (empty: the part is not probed).
fn part_masks(plan: &Plan, r: u32) -> Vec<Vec<u32>> {
    if plan.widths.is_empty() {
        return Vec::new();
    }
    plan.thresholds(r)
        .iter()
        .zip(&plan.widths)
        .map(|(&t, &w)| {
            let mut m = Vec::new();
            if t >= 0 {
                mih::ball_masks(u32::from(w), t as u32, &mut m);
            }
            m
        })
        .collect()
}

fn corrupt(name: &str, message: impl Into<String>) -> MediaError {
    MediaError::Index {
        path: name.to_string(),
        message: message.into(),
    }
}

impl MatchIndex {
    /// Maps an index file and validates it: header, section table, sizes and every checksum.
    ///
    /// Mapped rather than read into (huge-page) anonymous memory: that was measured at 10M
    /// entries, and the 10–20% it saves per search does not pay for an open 3 to 10 times
    /// slower (allocating and compacting 1.5 GB of huge pages on a busy machine), and the page
    /// cache is shared between processes.
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
                    "index format version {version}, this Cairn reads version {}: \
                     re-import the list with `cairn lists add` to rebuild its index",
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
                .slots
                .push(find(Kind::MihSlots, i as u32, (1u64 << w) * 4)?);
            let overflow = find(Kind::MihOverflow, i as u32, u64::MAX)?;
            if !overflow.len().is_multiple_of(4) || overflow.len() as u64 > counts.pdq * 8 {
                return Err(corrupt(
                    name,
                    format!("section MihOverflow {i}: bad length {}", overflow.len()),
                ));
            }
            layout.overflow.push(overflow);
        }
        let starts = plan.starts();
        let masks = part_masks(&plan, mih::DESIGN_RADIUS);
        Ok(MatchIndex {
            storage,
            counts,
            plan,
            starts,
            layout,
            masks,
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
        let computed;
        let masks: &[Vec<u32>] = if max_distance == mih::DESIGN_RADIUS {
            &self.masks
        } else {
            computed = part_masks(&self.plan, max_distance);
            &computed
        };
        // Three passes, each a batch of independent memory reads (slots, then the overflow
        // runs of buckets of two hashes or more, then candidate hashes), so the CPU overlaps the
        // cache misses instead of following one slot → hash chain at a time. The first pass has
        // no branch on what it reads: about a third of the probed buckets are empty, and a
        // mispredicted "empty?" branch on a value still on its way from memory would stall
        // every read behind it. A slot holds the id of a one-hash bucket itself, so empty and
        // one-hash buckets (most of them at the planned widths) cost one miss.
        let mut probes: Vec<u32> = Vec::with_capacity(masks.iter().map(Vec::len).sum());
        for (p, part_masks) in masks.iter().enumerate() {
            if part_masks.is_empty() {
                continue;
            }
            let width = u32::from(self.plan.widths[p]);
            let key = mih::extract(&qw, self.starts[p], width);
            let slots = self.u32s(&self.layout.slots[p]);
            probes.extend(part_masks.iter().map(|&mask| {
                slots
                    .get((key ^ mask) as usize)
                    .copied()
                    .unwrap_or(format::SLOT_EMPTY)
            }));
        }
        // Touch the overflow runs first in a short loop, for the same reason as the hashes
        // below.
        let mut touched = 0u32;
        let mut at = 0;
        for (p, part_masks) in masks.iter().enumerate() {
            let overflow = self.u32s(&self.layout.overflow[p]);
            for &slot in probes.get(at..at + part_masks.len()).unwrap_or(&[]) {
                if slot != format::SLOT_EMPTY && slot >= format::SLOT_OVERFLOW {
                    let start = (slot & !format::SLOT_OVERFLOW) as usize;
                    touched = touched.wrapping_add(overflow.get(start).copied().unwrap_or(0));
                }
            }
            at += part_masks.len();
        }
        std::hint::black_box(touched);
        let mut candidates: Vec<u32> = Vec::with_capacity(probes.len() * 2);
        let mut at = 0;
        for (p, part_masks) in masks.iter().enumerate() {
            let overflow = self.u32s(&self.layout.overflow[p]);
            for &slot in probes.get(at..at + part_masks.len()).unwrap_or(&[]) {
                if slot < format::SLOT_OVERFLOW {
                    candidates.push(slot);
                } else if slot != format::SLOT_EMPTY {
                    let start = (slot & !format::SLOT_OVERFLOW) as usize;
                    let n = overflow.get(start).copied().unwrap_or(0) as usize;
                    if let Some(ids) = overflow.get(start + 1..start + 1 + n) {
                        candidates.extend_from_slice(ids);
                    }
                }
            }
            at += part_masks.len();
        }
        // Touch every candidate's hash first in a loop of a few instructions, so that many of
        // these cache misses are in flight at once; the distance loop below, longer per
        // candidate, would otherwise keep only a handful outstanding. (A prefetch instruction
        // would say the same, but needs `unsafe`.)
        let mut touched = 0u8;
        for &i in &candidates {
            if let Some(h) = hashes.get(i as usize) {
                touched = touched.wrapping_add(h[0]);
            }
        }
        std::hint::black_box(touched);
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
