//! PDQ, ported from Meta's reference (facebook/ThreatExchange `pdq/cpp`, BSD licence) so as to
//! give the same bits: every floating-point step keeps the reference's precision (f32) and
//! operation order; only loops over independent rows or columns are reordered, which changes no
//! result.
//!
//! Pipeline: luminance → two passes of a Jarosz (box-of-box, i.e. tent) filter → 64×64
//! decimation → quality metric → 16×16 corner of the 2D DCT → bit = coefficient > median.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

/// Images narrower or shorter than this hash to zero with quality 0, as in the reference.
pub const MIN_HASHABLE_DIM: usize = 5;
const JAROSZ_PASSES: usize = 2;

/// A 256-bit PDQ hash. Bytes are in the order of ThreatExchange's hex text (most significant
/// 16-bit word first), so bit `k` of the reference's `Hash256` (`w[k >> 4] >> (k & 15)`) is bit
/// `k % 8` of byte `31 - k / 8`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct PdqHash(pub [u8; 32]);

impl PdqHash {
    fn set_bit(&mut self, k: usize) {
        self.0[31 - k / 8] |= 1 << (k % 8);
    }

    /// The reference's bit `k` (0 = the DCT coefficient at row 0, column 0).
    pub fn bit(&self, k: usize) -> bool {
        k < 256 && (self.0[31 - k / 8] >> (k % 8)) & 1 == 1
    }

    /// Hamming distance.
    pub fn distance(&self, other: &PdqHash) -> u32 {
        hamming(&self.0, &other.0)
    }

    /// 64 lowercase hex digits, ThreatExchange's format.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// Hamming distance of two 256-bit strings.
#[inline]
pub fn hamming(a: &[u8; 32], b: &[u8; 32]) -> u32 {
    let mut d = 0;
    for i in 0..4 {
        let x = u64::from_le_bytes(word(a, i)) ^ u64::from_le_bytes(word(b, i));
        d += x.count_ones();
    }
    d
}

#[inline]
fn word(a: &[u8; 32], i: usize) -> [u8; 8] {
    let mut w = [0u8; 8];
    w.copy_from_slice(&a[i * 8..i * 8 + 8]);
    w
}

impl fmt::Debug for PdqHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PdqHash({})", self.to_hex())
    }
}

impl fmt::Display for PdqHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Why a PDQ hex string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdqParseError {
    #[error("a PDQ hash has 64 hex digits, found {0} characters")]
    Length(usize),
    #[error("not a hex digit in PDQ hash")]
    Hex,
}

impl FromStr for PdqHash {
    type Err = PdqParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 64 {
            return Err(PdqParseError::Length(s.chars().count()));
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|_| PdqParseError::Hex)?;
        Ok(PdqHash(out))
    }
}

/// The 8 dihedral transforms, in the order of the reference (and of `pdq_dihedral`).
pub const DIHEDRAL_NAMES: [&str; 8] = [
    "original",
    "rotate90",
    "rotate180",
    "rotate270",
    "flipx",
    "flipy",
    "flip_plus1",
    "flip_minus1",
];

/// The result of hashing one image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdqOutput {
    pub hash: PdqHash,
    /// 0..=100; the reference advises against trusting hashes under 50.
    pub quality: u32,
    /// The 8 dihedral hashes, in the order of [`DIHEDRAL_NAMES`], when asked for.
    pub dihedral: Option<[PdqHash; 8]>,
}

/// Luminance as the `pdqhash` bindings (which produced the reference hashes) compute it:
/// `R*0.299 + G*0.587 + B*0.114` in double precision, then rounded to f32.
pub fn luma_from_rgb(rgb: &[u8]) -> Vec<f32> {
    rgb.chunks_exact(3)
        .map(|p| {
            (f64::from(p[0]) * 0.299 + f64::from(p[1]) * 0.587 + f64::from(p[2]) * 0.114) as f32
        })
        .collect()
}

/// PDQ of a luminance plane (`rows × cols`, row-major). `luma` is used as scratch space.
/// Returns hash 0 and quality 0 for planes under 5 pixels on a side or of inconsistent size.
pub fn pdq_from_luma(luma: &mut [f32], rows: usize, cols: usize, dihedral: bool) -> PdqOutput {
    let zero = PdqOutput {
        hash: PdqHash::default(),
        quality: 0,
        dihedral: dihedral.then_some([PdqHash::default(); 8]),
    };
    if rows < MIN_HASHABLE_DIM
        || cols < MIN_HASHABLE_DIM
        || rows.checked_mul(cols) != Some(luma.len())
    {
        return zero;
    }
    // A 64×64 plane skips the filter in the reference's single-hash path but not in its
    // dihedral path (a box of width 1 is not an exact identity in floating point), so both are
    // computed here when they differ.
    let plain64 = if rows == 64 && cols == 64 {
        let mut b = [[0f32; 64]; 64];
        for (i, row) in b.iter_mut().enumerate() {
            row.copy_from_slice(&luma[i * 64..i * 64 + 64]);
        }
        Some(b)
    } else {
        None
    };
    let mut scratch = vec![0f32; luma.len()];
    let wr = jarosz_window(cols, 64);
    let wc = jarosz_window(rows, 64);
    for _ in 0..JAROSZ_PASSES {
        box_along_rows(luma, &mut scratch, cols, wr);
        box_along_cols(&scratch, luma, rows, cols, wc);
    }
    let filtered = decimate64(luma, rows, cols);

    let dct = dct64_to_16(&filtered);
    let dihedral = dihedral.then(|| dihedral_hashes(&dct));
    // The hash and quality reported are those of the single-hash path.
    let (hash, quality) = match &plain64 {
        Some(b) => (bits(&dct64_to_16(b)), quality_metric(b)),
        None => (bits(&dct), quality_metric(&filtered)),
    };
    PdqOutput {
        hash,
        quality,
        dihedral,
    }
}

/// Window of each box pass: half of the input pixels that fall in one output pixel, rounded up.
pub fn jarosz_window(old_dim: usize, new_dim: usize) -> usize {
    old_dim.div_ceil(2 * new_dim)
}

/// Phase lengths of the reference's running box sum: accumulate, write with a growing window,
/// write with add and subtract, write with a shrinking window.
fn phases(len: usize, window: usize) -> [usize; 4] {
    let half = (window + 2) / 2;
    [
        half - 1,
        window + 1 - half,
        len.saturating_sub(window),
        half - 1,
    ]
}

fn box_along_rows(input: &[f32], output: &mut [f32], cols: usize, window: usize) {
    // Eight rows at a time: each row's running sum is a serial dependency chain, so
    // interleaving independent rows lets the CPU overlap them. Per row, the operations and
    // their order are those of the reference.
    const K: usize = 8;
    let mut inp_blocks = input.chunks_exact(cols * K);
    let mut out_blocks = output.chunks_exact_mut(cols * K);
    for (inp, out) in (&mut inp_blocks).zip(&mut out_blocks) {
        box_rows_interleaved::<K>(inp, out, cols, window);
    }
    let (inp, out) = (inp_blocks.remainder(), out_blocks.into_remainder());
    for (i, o) in inp.chunks_exact(cols).zip(out.chunks_exact_mut(cols)) {
        box_1d(i, o, window);
    }
}

fn box_rows_interleaved<const K: usize>(inp: &[f32], out: &mut [f32], cols: usize, window: usize) {
    let [p1, p2, p3, p4] = phases(cols, window);
    let (mut li, mut ri, mut oi) = (0usize, 0usize, 0usize);
    let mut sum = [0f32; K];
    let mut n = 0u32;
    for _ in 0..p1 {
        for k in 0..K {
            sum[k] += inp[k * cols + ri];
        }
        n += 1;
        ri += 1;
    }
    for _ in 0..p2 {
        n += 1;
        let d = n as f32;
        for k in 0..K {
            sum[k] += inp[k * cols + ri];
            out[k * cols + oi] = sum[k] / d;
        }
        ri += 1;
        oi += 1;
    }
    let d = n as f32;
    for _ in 0..p3 {
        for k in 0..K {
            let s = sum[k] + inp[k * cols + ri];
            let s = s - inp[k * cols + li];
            sum[k] = s;
            out[k * cols + oi] = s / d;
        }
        li += 1;
        ri += 1;
        oi += 1;
    }
    for _ in 0..p4 {
        n -= 1;
        let d = n as f32;
        for k in 0..K {
            sum[k] -= inp[k * cols + li];
            out[k * cols + oi] = sum[k] / d;
        }
        li += 1;
        oi += 1;
    }
}

fn box_1d(inp: &[f32], out: &mut [f32], window: usize) {
    let [p1, p2, p3, p4] = phases(inp.len(), window);
    let (mut li, mut ri, mut oi) = (0usize, 0usize, 0usize);
    let mut sum = 0f32;
    let mut n = 0u32;
    for _ in 0..p1 {
        sum += inp[ri];
        n += 1;
        ri += 1;
    }
    for _ in 0..p2 {
        sum += inp[ri];
        n += 1;
        out[oi] = sum / n as f32;
        ri += 1;
        oi += 1;
    }
    for _ in 0..p3 {
        sum += inp[ri];
        sum -= inp[li];
        out[oi] = sum / n as f32;
        li += 1;
        ri += 1;
        oi += 1;
    }
    for _ in 0..p4 {
        sum -= inp[li];
        n -= 1;
        out[oi] = sum / n as f32;
        li += 1;
        oi += 1;
    }
}

/// The reference filters each column with a strided loop; running all columns side by side row
/// after row performs the same operations on each column in the same order, cache-friendly.
fn box_along_cols(input: &[f32], output: &mut [f32], rows: usize, cols: usize, window: usize) {
    let [p1, p2, p3, p4] = phases(rows, window);
    let row = |i: usize| &input[i * cols..(i + 1) * cols];
    let mut sum = vec![0f32; cols];
    let (mut li, mut ri, mut oi) = (0usize, 0usize, 0usize);
    let mut n = 0u32;
    for _ in 0..p1 {
        sum.iter_mut().zip(row(ri)).for_each(|(s, v)| *s += v);
        n += 1;
        ri += 1;
    }
    for _ in 0..p2 {
        sum.iter_mut().zip(row(ri)).for_each(|(s, v)| *s += v);
        n += 1;
        let d = n as f32;
        let out = &mut output[oi * cols..(oi + 1) * cols];
        out.iter_mut().zip(&sum).for_each(|(o, s)| *o = s / d);
        ri += 1;
        oi += 1;
    }
    for _ in 0..p3 {
        let (add, sub) = (row(ri), row(li));
        let d = n as f32;
        let out = &mut output[oi * cols..(oi + 1) * cols];
        for c in 0..cols {
            let s = sum[c] + add[c];
            let s = s - sub[c];
            sum[c] = s;
            out[c] = s / d;
        }
        li += 1;
        ri += 1;
        oi += 1;
    }
    for _ in 0..p4 {
        sum.iter_mut().zip(row(li)).for_each(|(s, v)| *s -= v);
        n -= 1;
        let d = n as f32;
        let out = &mut output[oi * cols..(oi + 1) * cols];
        out.iter_mut().zip(&sum).for_each(|(o, s)| *o = s / d);
        li += 1;
        oi += 1;
    }
}

/// Samples pixel centres: output (i, j) takes input (⌊(i+½)·rows/64⌋, ⌊(j+½)·cols/64⌋).
fn decimate64(input: &[f32], rows: usize, cols: usize) -> [[f32; 64]; 64] {
    let mut out = [[0f32; 64]; 64];
    for (oi, orow) in out.iter_mut().enumerate() {
        let ii = (((oi as f64 + 0.5) * rows as f64) / 64.0) as usize;
        for (oj, o) in orow.iter_mut().enumerate() {
            let ij = (((oj as f64 + 0.5) * cols as f64) / 64.0) as usize;
            *o = input[ii * cols + ij];
        }
    }
    out
}

/// Sum of quantised gradients, scaled: the reference's heuristic for "enough detail to trust".
fn quality_metric(b: &[[f32; 64]; 64]) -> u32 {
    let mut sum: i64 = 0;
    let grad = |u: f32, v: f32| -> i64 { (((u - v) * 100f32) / 255f32) as i32 as i64 };
    for (upper, lower) in b.iter().zip(&b[1..]) {
        for (&u, &v) in upper.iter().zip(lower) {
            sum += grad(u, v).abs();
        }
    }
    for row in b.iter() {
        for j in 0..63 {
            sum += grad(row[j], row[j + 1]).abs();
        }
    }
    (sum / 90).min(100) as u32
}

/// Rows 1..=16 of the 64-point DCT-II matrix, computed as the reference does (double precision
/// products of an f32 scale, rounded to f32).
static DCT_MATRIX: LazyLock<[[f32; 64]; 16]> = LazyLock::new(|| {
    let scale = (2.0f64 / 64.0).sqrt() as f32;
    let mut m = [[0f32; 64]; 16];
    for (i, row) in m.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            let angle = (std::f64::consts::PI / 2.0 / 64.0) * (i + 1) as f64 * (2 * j + 1) as f64;
            *v = (f64::from(scale) * angle.cos()) as f32;
        }
    }
    m
});

/// B = D·A·Dᵀ, restricted to the 16×16 low-frequency corner (excluding the DC row and column).
/// Sums run over k in increasing order, as in the reference.
fn dct64_to_16(a: &[[f32; 64]; 64]) -> [[f32; 16]; 16] {
    let d = &*DCT_MATRIX;
    let mut t = [[0f32; 64]; 16];
    for (i, trow) in t.iter_mut().enumerate() {
        // All 64 columns j advance together through k: the same per-element order.
        for (k, arow) in a.iter().enumerate() {
            let dik = d[i][k];
            for (tj, aj) in trow.iter_mut().zip(arow) {
                *tj += dik * aj;
            }
        }
    }
    let mut b = [[0f32; 16]; 16];
    for (i, brow) in b.iter_mut().enumerate() {
        for (j, bij) in brow.iter_mut().enumerate() {
            let mut s = 0f32;
            for k in 0..64 {
                s += t[i][k] * d[j][k];
            }
            *bij = s;
        }
    }
    b
}

/// Median by Torben Mogensen's method, as the reference computes it (no sorting, so ties and
/// the even-length case resolve exactly as there).
fn torben(m: &[f32]) -> f32 {
    let n = m.len();
    let Some(&first) = m.first() else { return 0.0 };
    let (mut min, mut max) = (first, first);
    for &v in &m[1..] {
        if v < min {
            min = v;
        }
        if v > max {
            max = v;
        }
    }
    let half = n.div_ceil(2);
    loop {
        let guess = (min + max) / 2f32;
        let (mut less, mut greater, mut equal) = (0usize, 0usize, 0usize);
        let (mut maxlt, mut mingt) = (min, max);
        for &v in m {
            if v < guess {
                less += 1;
                if v > maxlt {
                    maxlt = v;
                }
            } else if v > guess {
                greater += 1;
                if v < mingt {
                    mingt = v;
                }
            } else {
                equal += 1;
            }
        }
        if less <= half && greater <= half {
            return if less >= half {
                maxlt
            } else if less + equal >= half {
                guess
            } else {
                mingt
            };
        } else if less > greater {
            max = maxlt;
        } else {
            min = mingt;
        }
    }
}

fn bits(dct: &[[f32; 16]; 16]) -> PdqHash {
    let flat: Vec<f32> = dct.iter().flatten().copied().collect();
    let median = torben(&flat);
    let mut h = PdqHash::default();
    for (k, &v) in flat.iter().enumerate() {
        if v > median {
            h.set_bit(k);
        }
    }
    h
}

/// The 8 dihedral hashes from one DCT: rotating or flipping the image transposes the DCT and/or
/// flips the sign of odd rows or columns.
fn dihedral_hashes(a: &[[f32; 16]; 16]) -> [PdqHash; 8] {
    let build = |transpose: bool, neg: &dyn Fn(usize, usize) -> bool| {
        let mut b = [[0f32; 16]; 16];
        for i in 0..16 {
            for j in 0..16 {
                let v = if neg(i, j) { -a[i][j] } else { a[i][j] };
                if transpose {
                    b[j][i] = v;
                } else {
                    b[i][j] = v;
                }
            }
        }
        bits(&b)
    };
    [
        bits(a),
        build(true, &|_, j| j & 1 == 0),
        build(false, &|i, j| (i + j) & 1 == 1),
        build(true, &|i, _| i & 1 == 0),
        build(false, &|i, _| i & 1 == 0),
        build(false, &|_, j| j & 1 == 0),
        build(true, &|_, _| false),
        build(true, &|i, j| (i + j) & 1 == 1),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_bit_order() {
        let mut h = PdqHash::default();
        h.set_bit(0);
        h.set_bit(255);
        assert_eq!(h.to_hex(), format!("8{}1", "0".repeat(62)));
        assert_eq!(h.to_hex().parse::<PdqHash>().unwrap(), h);
        assert!(h.bit(0) && h.bit(255) && !h.bit(1));
    }

    #[test]
    fn bad_hex_refused() {
        assert_eq!("abc".parse::<PdqHash>(), Err(PdqParseError::Length(3)));
        assert_eq!("g".repeat(64).parse::<PdqHash>(), Err(PdqParseError::Hex));
    }

    #[test]
    fn torben_is_the_lower_median() {
        let v: Vec<f32> = (0..256).map(|i| ((i * 37) % 256) as f32).collect();
        // Reference semantics: for even n it returns the element of rank n/2 - 1 (0-based).
        assert_eq!(torben(&v), 127.0);
        assert_eq!(torben(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(torben(&[5.0; 7]), 5.0);
    }

    #[test]
    fn window_sizes_match_the_reference_formula() {
        assert_eq!(jarosz_window(1024, 64), 8);
        assert_eq!(jarosz_window(1000, 64), 8);
        assert_eq!(jarosz_window(5, 64), 1);
        assert_eq!(jarosz_window(129, 64), 2);
    }

    #[test]
    fn tiny_images_hash_to_zero() {
        let mut l = vec![1.0f32; 16];
        let out = pdq_from_luma(&mut l, 4, 4, true);
        assert_eq!(out.quality, 0);
        assert_eq!(out.hash, PdqHash::default());
    }

    #[test]
    fn distance_counts_bits() {
        let a = PdqHash([0xff; 32]);
        let b = PdqHash::default();
        assert_eq!(a.distance(&b), 256);
        assert_eq!(a.distance(&a), 0);
    }
}
