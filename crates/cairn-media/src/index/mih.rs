//! Multi-index hashing (Norouzi, Punjani and Fleet, "Fast search in Hamming space with
//! multi-index hashing", CVPR 2012) for 256-bit PDQ hashes.
//!
//! # Why it is exact (the pigeonhole argument)
//!
//! The 256 bits are split into m disjoint substrings (parts) of widths w_1..w_m. For two hashes
//! at Hamming distance d, let d_i be the distance restricted to part i; then d = Σ d_i because
//! the parts are disjoint and cover every bit.
//!
//! Classic form: if d ≤ r then some part has d_i ≤ ⌊r/m⌋ — otherwise every d_i ≥ ⌊r/m⌋ + 1 and
//! d ≥ m(⌊r/m⌋ + 1) > r.
//!
//! Form used here (it generalises the classic one and probes less): pick per-part thresholds
//! t_i ≥ -1 with Σ (t_i + 1) ≥ r + 1. If every part had d_i ≥ t_i + 1 then d ≥ Σ (t_i + 1) > r.
//! So a hash within r of the query agrees with it, in at least one part i, up to t_i bits. A part
//! with t_i = -1 is never probed. Giving each part ⌊(r+1)/m⌋ and (r+1) mod m of them one more
//! meets the bound exactly; with r + 1 = m·(⌊r/m⌋ + 1) this is the classic form.
//!
//! Each part has a table from its w_i-bit value to the hashes holding it. A query enumerates,
//! for each part, every value within t_i bits of its own (the Hamming ball), reads those
//! buckets, and checks the full distance of each candidate. By the argument above every hash
//! within r is a candidate; checking the full distance removes every other one. Nothing is
//! approximate.

/// How the 256 bits are split. Parts are consecutive bit ranges, most significant bit of the
/// hex text first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub widths: Vec<u8>,
}

/// Widest part accepted: a table of 2^24 buckets is 64 MiB.
pub const MAX_PART_BITS: u8 = 24;
/// Radius the plan is tuned for (the PDQ match threshold in common use).
pub const DESIGN_RADIUS: u32 = 31;

impl Plan {
    /// m parts as equal as possible (the first 256 mod m one bit wider).
    pub fn equal(m: usize) -> Plan {
        let m = m.clamp(1, 256);
        let base = 256 / m;
        let extra = 256 % m;
        Plan {
            widths: (0..m)
                .map(|i| (base + usize::from(i < extra)) as u8)
                .collect(),
        }
    }

    /// Picks the number of parts that minimises the expected work (buckets probed plus random
    /// candidates checked) at radius 31 for `n` hashes spread uniformly.
    pub fn for_size(n: usize) -> Plan {
        let mut best = Plan::equal(32);
        let mut best_cost = f64::INFINITY;
        for m in 11..=32 {
            let plan = Plan::equal(m);
            let t = plan.thresholds(DESIGN_RADIUS);
            let cost: f64 = plan
                .widths
                .iter()
                .zip(&t)
                .filter(|(_, t)| **t >= 0)
                .map(|(&w, &t)| {
                    ball_size(u32::from(w), t as u32) * (1.0 + n as f64 / 2f64.powi(i32::from(w)))
                })
                .sum();
            if cost < best_cost {
                best_cost = cost;
                best = plan;
            }
        }
        best
    }

    pub fn is_valid(&self) -> bool {
        !self.widths.is_empty()
            && self.widths.len() <= 256
            && self
                .widths
                .iter()
                .all(|&w| (1..=MAX_PART_BITS).contains(&w))
            && self.widths.iter().map(|&w| u32::from(w)).sum::<u32>() == 256
    }

    /// Per-part thresholds t_i with Σ (t_i + 1) = r + 1 (see the module comment); narrower parts
    /// (cheaper balls) get the larger thresholds. -1 means "do not probe".
    pub fn thresholds(&self, r: u32) -> Vec<i32> {
        let m = self.widths.len();
        let s = r as usize + 1;
        let base = (s / m) as i32;
        let extra = s % m;
        let mut order: Vec<usize> = (0..m).collect();
        order.sort_by_key(|&i| (self.widths[i], i));
        let mut t = vec![base - 1; m];
        for &i in order.iter().take(extra) {
            t[i] = base;
        }
        t
    }

    /// First bit of each part.
    pub fn starts(&self) -> Vec<u32> {
        let mut s = 0u32;
        self.widths
            .iter()
            .map(|&w| {
                let start = s;
                s += u32::from(w);
                start
            })
            .collect()
    }
}

/// Number of w-bit values within t bits of a given one.
pub fn ball_size(w: u32, t: u32) -> f64 {
    let mut total = 0f64;
    let mut c = 1f64;
    for k in 0..=t.min(w) {
        if k > 0 {
            c = c * f64::from(w - k + 1) / f64::from(k);
        }
        total += c;
    }
    total
}

/// The hash as four big-endian 64-bit words (bit 0 = most significant bit of the hex text).
#[inline]
pub fn words(h: &[u8; 32]) -> [u64; 4] {
    let mut w = [0u64; 4];
    for (i, wi) in w.iter_mut().enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(&h[i * 8..i * 8 + 8]);
        *wi = u64::from_be_bytes(b);
    }
    w
}

/// Bits [start, start + width) of the hash, width ≤ 32.
#[inline]
pub fn extract(w: &[u64; 4], start: u32, width: u32) -> u32 {
    let word = (start / 64) as usize;
    let off = start % 64;
    let mask = if width >= 32 {
        u32::MAX as u64
    } else {
        (1u64 << width) - 1
    };
    let v = if off + width <= 64 {
        w[word] >> (64 - off - width)
    } else {
        let hi_bits = 64 - off;
        let lo_bits = width - hi_bits;
        let hi = w[word] & ((1u64 << hi_bits) - 1);
        let lo = w.get(word + 1).copied().unwrap_or(0) >> (64 - lo_bits);
        (hi << lo_bits) | lo
    };
    (v & mask) as u32
}

/// Every XOR mask of `w` bits with at most `t` bits set, appended to `out` (0 first).
pub fn ball_masks(w: u32, t: u32, out: &mut Vec<u32>) {
    out.clear();
    out.push(0);
    fn rec(w: u32, from: u32, left: u32, mask: u32, out: &mut Vec<u32>) {
        for b in from..w {
            let m = mask | (1 << b);
            out.push(m);
            if left > 1 {
                rec(w, b + 1, left - 1, m, out);
            }
        }
    }
    if t > 0 {
        rec(w, 0, t.min(w), 0, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_satisfy_the_pigeonhole_bound() {
        for m in 1..=40 {
            let plan = Plan::equal(m);
            assert!(m > 32 || plan.is_valid() || m < 11);
            for r in 0..=64u32 {
                let t = plan.thresholds(r);
                let s: i32 = t.iter().map(|t| t + 1).sum();
                assert_eq!(s as u32, r + 1, "m={m} r={r}");
            }
        }
    }

    #[test]
    fn ball_enumeration_is_complete_and_distinct() {
        let mut v = Vec::new();
        ball_masks(10, 3, &mut v);
        assert_eq!(v.len() as f64, ball_size(10, 3));
        let mut s = v.clone();
        s.sort();
        s.dedup();
        assert_eq!(s.len(), v.len());
        assert!(v.iter().all(|m| m.count_ones() <= 3 && *m < 1024));
    }

    #[test]
    fn extract_reads_bits_across_words() {
        let mut h = [0u8; 32];
        h[7] = 0b0000_0001; // bit 63
        h[8] = 0b1000_0000; // bit 64
        let w = words(&h);
        assert_eq!(extract(&w, 60, 8), 0b0001_1000);
        assert_eq!(extract(&w, 0, 24), 0);
        assert_eq!(extract(&w, 63, 2), 0b11);
        h[31] = 1;
        assert_eq!(extract(&words(&h), 232, 24), 1);
    }

    #[test]
    fn plans_cover_256_bits() {
        for n in [
            0usize,
            10,
            1000,
            100_000,
            1_000_000,
            10_000_000,
            100_000_000,
        ] {
            let p = Plan::for_size(n);
            assert!(p.is_valid(), "{n}: {p:?}");
        }
        assert_eq!(Plan::for_size(10_000_000).widths.len(), 11);
    }
}
