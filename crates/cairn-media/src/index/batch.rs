//! Batched PDQ search: many queries at once, their memory reads done in address order.
//!
//! One search at 10M hashes reads about 2,900 slots and 3,000 candidate hashes at random
//! addresses in 1.5 GB: nearly every read is a cache miss and a TLB miss, and they dominate
//! the time. A batch reads exactly the same slots and hashes (so the pigeonhole argument of
//! [`super::mih`] holds unchanged: the results are those of [`MatchIndex::search_pdq`]), but
//! in another order:
//!
//! 1. for each part, the probes of every query of the batch are grouped by region of the slot
//!    table (a counting sort on the high bits of the slot index; a region is 2^11 th of the
//!    table, 16 KiB at 10M), then the table is read region by region: each region is brought
//!    into cache with independent loads, then its probes are resolved from the cache. The
//!    masks of a Hamming ball that agree in their high bits land in the same region, so a
//!    query sorts one item per distinct high part (67 for a 23-bit part at radius 2, instead of
//!    277 probes) and expands it inside the region;
//! 2. the candidates (hash position, query) found in every part are grouped by region of the
//!    hash array in the same way, and distances are computed region by region.
//!
//! The price is writing and reading the item and candidate lists (sequential, cheap), and
//! their memory: about 16 bytes per candidate, so the queries are taken [`BATCH`] at a time.

use super::{MatchIndex, PdqMatch, format, mih, part_masks};
use crate::pdq::PdqHash;

/// Queries handled together. At 10M hashes a query has about 3,400 candidates: 4,096 queries
/// keep the candidate lists near 220 MB, and visit most cache lines of each slot table.
pub const BATCH: usize = 4096;
// Items and candidates hold the query number in 24 bits.
const _: () = assert!(BATCH < 1 << 24);
/// log2 of the number of regions of a counting sort: 2,048 write heads stay in cache and in
/// the TLB, and a region of the 10M hash array (about 5,000 hashes, 160 KiB) fits in L2.
const REGION_BITS: u32 = 11;

/// The masks of one part's Hamming ball, grouped by their bits above a region's.
struct MaskGroups {
    /// Bits of a slot index inside its region.
    shift: u32,
    /// Per group: the high bits shared by its masks, and its range in `lows`.
    groups: Vec<(u32, u32, u32)>,
    /// Low bits of every mask, group after group.
    lows: Vec<u32>,
}

impl MaskGroups {
    fn new(masks: &[u32], width: u32) -> MaskGroups {
        let shift = width.saturating_sub(REGION_BITS);
        let low = (1u32 << shift) - 1;
        let mut sorted: Vec<u32> = masks.to_vec();
        sorted.sort_unstable_by_key(|&m| (m >> shift, m & low));
        let mut groups: Vec<(u32, u32, u32)> = Vec::new();
        for (i, &m) in sorted.iter().enumerate() {
            match groups.last_mut() {
                Some(g) if g.0 == m >> shift => g.2 = i as u32 + 1,
                _ => groups.push((m >> shift, i as u32, i as u32 + 1)),
            }
        }
        MaskGroups {
            shift,
            groups,
            lows: sorted.iter().map(|&m| m & low).collect(),
        }
    }

    fn lows(&self, g: usize) -> &[u32] {
        self.groups
            .get(g)
            .and_then(|&(_, a, b)| self.lows.get(a as usize..b as usize))
            .unwrap_or(&[])
    }
}

/// Buffers reused from one batch to the next.
#[derive(Default)]
struct Scratch {
    keys: Vec<u32>,
    starts: Vec<u32>,
    items: Vec<u64>,
    candidates: Vec<u64>,
    sorted: Vec<u64>,
    hits: Vec<(u32, u32, u32)>,
}

/// Turns per-region counts into region starts (`starts[r]`, `starts[regions]` = total).
fn prefix_sums(starts: &mut [u32]) {
    let mut total = 0u32;
    for s in starts.iter_mut() {
        let n = *s;
        *s = total;
        total += n;
    }
}

/// One cache line of items waiting to be written to their region.
#[derive(Clone, Copy, Default)]
#[repr(align(64))]
struct Line([u64; 8]);

/// Places `items` at `starts[region(item)]` (advancing it) in `out`: after this, region r
/// spans `old starts[r]..starts[r]`. `out` must have exactly one place per item.
///
/// The 2,048 write heads are in as many pages of a list of up to 100 MB: one store per item
/// there would miss the TLB nearly every time (profiling showed a third of a batch's time on
/// that store). Items are gathered per region in a cache line first (the lines, 128 KiB, stay
/// in L2) and written out eight at a time: one distant store per eight items.
fn scatter(items: &[u64], region: impl Fn(u64) -> usize, starts: &mut [u32], out: &mut [u64]) {
    let mut lines = vec![Line::default(); starts.len()];
    let mut fill = vec![0u8; starts.len()];
    for &it in items {
        let r = region(it);
        let (Some(line), Some(f), Some(head)) =
            (lines.get_mut(r), fill.get_mut(r), starts.get_mut(r))
        else {
            continue;
        };
        if let Some(x) = line.0.get_mut(usize::from(*f)) {
            *x = it;
        }
        *f += 1;
        if usize::from(*f) == line.0.len() {
            let at = *head as usize;
            if let Some(o) = out.get_mut(at..at + line.0.len()) {
                o.copy_from_slice(&line.0);
            }
            *head += line.0.len() as u32;
            *f = 0;
        }
    }
    for ((line, &f), head) in lines.iter().zip(&fill).zip(starts.iter_mut()) {
        let (at, n) = (*head as usize, usize::from(f));
        if let (Some(o), Some(i)) = (out.get_mut(at..at + n), line.0.get(..n)) {
            o.copy_from_slice(i);
        }
        *head += n as u32;
    }
}

/// The distance between a hash and a query (as native words) if it is at most `r`. Most
/// candidates are unrelated hashes about 128 bits away: the first two words, about 64 bits
/// away, already rule them out, at half the work.
#[inline]
fn within(h: &[u8; 32], q: &[u64; 4], r: u32) -> Option<u32> {
    let h: [u64; 4] = bytemuck::cast(*h);
    let half = (h[0] ^ q[0]).count_ones() + (h[1] ^ q[1]).count_ones();
    if half > r {
        return None;
    }
    let d = half + (h[2] ^ q[2]).count_ones() + (h[3] ^ q[3]).count_ones();
    (d <= r).then_some(d)
}

impl MatchIndex {
    /// Every PDQ hash within `max_distance` of each query: element i of the result is what
    /// [`MatchIndex::search_pdq`] gives for `queries[i]` (each hash once, sorted by hash
    /// index). Faster per query than one search at a time when there are hundreds of queries
    /// or more (see the module comment); exact for every radius.
    pub fn search_pdq_batch(&self, queries: &[PdqHash], max_distance: u32) -> Vec<Vec<PdqMatch>> {
        let one_by_one = || {
            queries
                .iter()
                .map(|q| {
                    let mut v = Vec::new();
                    self.search_pdq(q, max_distance, &mut v);
                    v
                })
                .collect()
        };
        if max_distance > 31 || self.plan.widths.is_empty() {
            return one_by_one();
        }
        let computed;
        let masks: &[Vec<u32>] = if max_distance == mih::DESIGN_RADIUS {
            &self.masks
        } else {
            computed = part_masks(&self.plan, max_distance);
            &computed
        };
        let groups: Vec<MaskGroups> = masks
            .iter()
            .zip(&self.plan.widths)
            .map(|(m, &w)| MaskGroups::new(m, u32::from(w)))
            .collect();
        // Items hold the mask group in 16 bits: at most ball(11, 2) = 67 groups for the plans
        // in use (11 parts or more, so per-part thresholds of 2 at most for radius 31).
        if groups.iter().any(|g| g.groups.len() > 0xFFFF) {
            return one_by_one();
        }
        let mut scratch = Scratch::default();
        let mut out = Vec::with_capacity(queries.len());
        for chunk in queries.chunks(BATCH) {
            self.batch(chunk, max_distance, &groups, &mut scratch, &mut out);
        }
        out
    }

    fn batch(
        &self,
        queries: &[PdqHash],
        max_distance: u32,
        groups: &[MaskGroups],
        s: &mut Scratch,
        out: &mut Vec<Vec<PdqMatch>>,
    ) {
        let hashes = self.arrays::<32>(&self.layout.pdq_hashes);
        let entries = self.u32s(&self.layout.pdq_entry);
        let words: Vec<[u64; 4]> = queries.iter().map(|q| mih::words(&q.0)).collect();
        let native: Vec<[u64; 4]> = queries.iter().map(|q| bytemuck::cast(q.0)).collect();
        // Candidates are counted per region of the hash array as they are found.
        let position_bits = usize::BITS - hashes.len().leading_zeros();
        let cshift = position_bits.saturating_sub(REGION_BITS);
        let mut cstarts = vec![0u32; (1usize << position_bits.min(REGION_BITS)) + 1];
        s.candidates.clear();
        for (p, mg) in groups.iter().enumerate() {
            if mg.groups.is_empty() {
                continue;
            }
            let width = u32::from(self.plan.widths[p]);
            let slots = self.u32s(&self.layout.slots[p]);
            let overflow = self.u32s(&self.layout.overflow[p]);
            let shift = mg.shift;
            let low = (1u32 << shift) - 1;
            s.keys.clear();
            s.keys
                .extend(words.iter().map(|w| mih::extract(w, self.starts[p], width)));
            // Item = region << 40 | mask group << 24 | query number.
            s.items.clear();
            for (q, &k) in s.keys.iter().enumerate() {
                for (g, &(high, _, _)) in mg.groups.iter().enumerate() {
                    let region = u64::from((k >> shift) ^ high);
                    s.items.push((region << 40) | ((g as u64) << 24) | q as u64);
                }
            }
            let regions = 1usize << width.min(REGION_BITS);
            s.starts.clear();
            s.starts.resize(regions + 1, 0);
            for &it in &s.items {
                if let Some(c) = s.starts.get_mut((it >> 40) as usize) {
                    *c += 1;
                }
            }
            prefix_sums(&mut s.starts);
            s.sorted.resize(s.items.len(), 0);
            scatter(
                &s.items,
                |it| (it >> 40) as usize,
                &mut s.starts,
                &mut s.sorted,
            );
            let mut from = 0usize;
            for (r, &to) in s.starts.iter().enumerate().take(regions) {
                let items = s.sorted.get(from..to as usize).unwrap_or(&[]);
                from = to as usize;
                if items.is_empty() {
                    continue;
                }
                let base = (r as u32) << shift;
                let region = slots
                    .get(base as usize..(base as usize + (1 << shift)).min(slots.len()))
                    .unwrap_or(&[]);
                let keys = &s.keys;
                // The probes of this region: slot index, query number.
                let probes = items.iter().flat_map(|&it| {
                    let q = (it & 0xFF_FFFF) as u32;
                    let lk = keys.get(q as usize).copied().unwrap_or(0) & low;
                    mg.lows(((it >> 24) & 0xFFFF) as usize)
                        .iter()
                        .map(move |&m| ((base | (lk ^ m)) as usize, q))
                });
                // Bring the region's slots, then the overflow runs they point to, into cache
                // with loads that do not wait for each other (the last loop branches on every
                // slot it reads, which would keep only a few misses in flight). The whole
                // region when the probes cover most of its cache lines (16 slots a line).
                let mut touched = 0u32;
                let n_probes: usize = items
                    .iter()
                    .map(|&it| mg.lows(((it >> 24) & 0xFFFF) as usize).len())
                    .sum();
                if n_probes * 32 >= region.len() {
                    for v in region.iter().step_by(16) {
                        touched = touched.wrapping_add(*v);
                    }
                } else {
                    for (i, _) in probes.clone() {
                        touched = touched.wrapping_add(slots.get(i).copied().unwrap_or(0));
                    }
                }
                // The overflow runs of a region's buckets are contiguous and in slot order:
                // read them sequentially (the prefetcher helps) unless that is more than twice
                // as many cache lines as probes.
                let spilled = |v: u32| v != format::SLOT_EMPTY && v >= format::SLOT_OVERFLOW;
                let run_of = |v: u32| (v & !format::SLOT_OVERFLOW) as usize;
                let first = region.iter().take(64).copied().find(|&v| spilled(v));
                let last = region.iter().rev().take(64).copied().find(|&v| spilled(v));
                let span = match (first, last) {
                    (Some(a), Some(b)) => {
                        let end =
                            run_of(b) + 1 + overflow.get(run_of(b)).copied().unwrap_or(0) as usize;
                        overflow.get(run_of(a)..end)
                    }
                    _ => None,
                };
                match span {
                    Some(span) if span.len() / 16 <= 2 * n_probes => {
                        for v in span.iter().step_by(16) {
                            touched = touched.wrapping_add(*v);
                        }
                    }
                    _ => {
                        for (i, _) in probes.clone() {
                            let slot = slots.get(i).copied().unwrap_or(format::SLOT_EMPTY);
                            // Word 0 for the others: no branch.
                            let at = if spilled(slot) { run_of(slot) } else { 0 };
                            touched = touched.wrapping_add(overflow.get(at).copied().unwrap_or(0));
                        }
                    }
                }
                std::hint::black_box(touched);
                let mut push = |pos: u32, q: u32| {
                    s.candidates.push((u64::from(pos) << 32) | u64::from(q));
                    if let Some(c) = cstarts.get_mut((pos >> cshift) as usize) {
                        *c += 1;
                    }
                };
                for (i, q) in probes {
                    let slot = slots.get(i).copied().unwrap_or(format::SLOT_EMPTY);
                    if slot < format::SLOT_OVERFLOW {
                        push(slot, q);
                    } else if slot != format::SLOT_EMPTY {
                        let start = (slot & !format::SLOT_OVERFLOW) as usize;
                        let n = overflow.get(start).copied().unwrap_or(0) as usize;
                        for &id in overflow.get(start + 1..start + 1 + n).unwrap_or(&[]) {
                            push(id, q);
                        }
                    }
                }
            }
        }
        // Candidate = hash position << 32 | query number, grouped by region of the hash array.
        prefix_sums(&mut cstarts);
        s.sorted.resize(s.candidates.len(), 0);
        scatter(
            &s.candidates,
            |c| (c >> (32 + cshift)) as usize,
            &mut cstarts,
            &mut s.sorted,
        );
        s.hits.clear();
        let region_len = 1usize << cshift;
        let mut from = 0usize;
        for (r, &to) in cstarts.iter().enumerate() {
            let cands = s.sorted.get(from..to as usize).unwrap_or(&[]);
            from = to as usize;
            if cands.is_empty() {
                continue;
            }
            let region = hashes
                .get(r * region_len..((r + 1) * region_len).min(hashes.len()))
                .unwrap_or(&[]);
            // As for the slots: independent loads first (2 hashes a cache line).
            let mut touched = 0u8;
            if cands.len() * 4 >= region.len() {
                for h in region.iter().step_by(2) {
                    touched = touched.wrapping_add(h[0]);
                }
            } else {
                for &c in cands {
                    if let Some(h) = hashes.get((c >> 32) as usize) {
                        touched = touched.wrapping_add(h[0]);
                    }
                }
            }
            std::hint::black_box(touched);
            for &c in cands {
                let (i, q) = ((c >> 32) as u32, c as u32);
                if let (Some(h), Some(query)) = (hashes.get(i as usize), native.get(q as usize))
                    && let Some(d) = within(h, query, max_distance)
                {
                    s.hits.push((q, i, d));
                }
            }
        }
        // A hash near a query sits in several parts' balls: keep it once.
        s.hits.sort_unstable();
        s.hits.dedup_by_key(|h| (h.0, h.1));
        let mut results = vec![Vec::new(); queries.len()];
        for &(q, i, d) in &s.hits {
            if let (Some(r), Some(&e)) = (results.get_mut(q as usize), entries.get(i as usize)) {
                r.push(PdqMatch {
                    hash_index: i,
                    entry: e,
                    distance: d,
                });
            }
        }
        out.extend(results);
    }
}
