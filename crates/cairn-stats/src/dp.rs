//! Differential privacy with exact sampling: the discrete Laplace distribution of Canonne, Kamath
//! and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020), Algorithms 1 and 2.
//! Every probability is a ratio of integers and every draw an integer from a ChaCha20 stream, so
//! there is no floating point anywhere in the noise (no Mironov-style attack on its low bits) and a
//! release is reproducible from its seed.

use crate::cube::{Coord, Cube};
use chacha20::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use std::collections::BTreeMap;

/// Epsilon is counted in millionths so that budgets add up exactly.
pub const MICRO: u64 = 1_000_000;

/// A seeded cryptographic random stream.
pub struct Noise {
    rng: ChaCha20Rng,
}

impl Noise {
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            rng: ChaCha20Rng::from_seed(seed),
        }
    }

    /// Uniform in [0, n), by rejection (no modulo bias). `n` > 0.
    pub fn below(&mut self, n: u128) -> u128 {
        let n = n.max(1);
        let zone = u128::MAX - (u128::MAX % n) - 1;
        loop {
            let x = (u128::from(self.rng.next_u64()) << 64) | u128::from(self.rng.next_u64());
            if x <= zone {
                return x % n;
            }
        }
    }

    /// Bernoulli(num/den), 0 ≤ num ≤ den, den > 0.
    pub fn bernoulli(&mut self, num: u128, den: u128) -> bool {
        self.below(den) < num
    }

    /// Bernoulli(exp(−num/den)), num ≥ 0, den > 0 (CKS Algorithm 1).
    pub fn bernoulli_exp(&mut self, num: u128, den: u128) -> bool {
        let mut num = num;
        // exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ − ⌊γ⌋)).
        while num > den {
            if !self.bernoulli_exp_le1(1, 1) {
                return false;
            }
            num -= den;
        }
        self.bernoulli_exp_le1(num, den)
    }

    /// Bernoulli(exp(−γ)) for γ = num/den in [0, 1]: K is the first k with A_k = 0, where
    /// A_k ~ Bernoulli(γ/k); P(K odd) = exp(−γ).
    fn bernoulli_exp_le1(&mut self, num: u128, den: u128) -> bool {
        let mut k: u128 = 1;
        loop {
            if !self.bernoulli(num, den.saturating_mul(k)) {
                return k % 2 == 1;
            }
            k += 1;
        }
    }

    /// Discrete Laplace with scale t/s: P(x) ∝ exp(−|x|·s/t), s, t > 0 (CKS Algorithm 2).
    pub fn discrete_laplace(&mut self, s: u128, t: u128) -> i64 {
        loop {
            let u = self.below(t);
            if !self.bernoulli_exp(u, t) {
                continue;
            }
            let mut v: u128 = 0;
            while self.bernoulli_exp(1, 1) {
                v += 1;
            }
            let x = u + t * v;
            let y = x / s;
            let negative = self.bernoulli(1, 2);
            if negative && y == 0 {
                continue;
            }
            let y = i64::try_from(y).unwrap_or(i64::MAX);
            return if negative { -y } else { y };
        }
    }
}

/// A fresh secret seed from the operating system.
pub fn fresh_seed() -> Result<[u8; 32], crate::StatsError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| crate::StatsError::invalid("random seed", e.to_string()))?;
    Ok(seed)
}

/// Parses an epsilon written as a decimal ("0.5", "1", "0.125") into millionths.
pub fn parse_epsilon(text: &str) -> Result<u64, crate::StatsError> {
    let bad = || {
        crate::StatsError::invalid(
            format!("epsilon {text:?}"),
            "a positive decimal with at most 6 decimals, e.g. 0.5",
        )
    };
    let t = text.trim();
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() && frac.is_empty()
        || frac.len() > 6
        || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let int: u64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| bad())?
    };
    let frac: u64 = format!("{frac:0<6}").parse().map_err(|_| bad())?;
    let micro = int
        .checked_mul(MICRO)
        .and_then(|i| i.checked_add(frac))
        .ok_or_else(bad)?;
    if micro == 0 {
        return Err(bad());
    }
    Ok(micro)
}

pub fn format_epsilon(micro: u64) -> String {
    let s = format!("{}.{:06}", micro / MICRO, micro % MICRO);
    let s = s.trim_end_matches('0');
    s.trim_end_matches('.').to_owned()
}

/// How one cube is noised: which coordinates get their own noise and the L1 sensitivity of that
/// vector when one person's record is replaced by another (bounded DP: the number of persons is
/// published, so neighbouring registries differ by one substituted person).
pub fn noised_coords(cube: &Cube) -> (Vec<Coord>, u64) {
    let mut coords = Vec::new();
    let mut per_person: u64 = 0;
    for c in cube.all_coords() {
        // A coordinate is derived (a sum of noised cells) when every axis it totals is single-valued.
        let derived = c
            .iter()
            .zip(&cube.axes)
            .any(|(x, a)| x.is_none() && !a.multi_valued);
        if derived {
            continue;
        }
        // How many of these coordinates one person can fall in.
        let reach: u64 = c
            .iter()
            .zip(&cube.axes)
            .map(|(x, a)| match (x, a.multi_valued) {
                (Some(_), true) => a.labels.len() as u64,
                _ => 1,
            })
            .product();
        // Count each pattern of totals once (all coordinates with that pattern share a reach).
        if c.iter().all(|x| x.is_none() || *x == Some(0)) {
            per_person += reach;
        }
        coords.push(c);
    }
    (coords, 2 * per_person.max(1) * cube.per_person.max(1))
}

/// A cube with noise: each independent coordinate gets discrete Laplace noise of scale
/// sensitivity/epsilon, negatives are clamped to zero, and margins over single-valued axes are the
/// sums of the noised cells (post-processing: the release stays consistent inside each table).
///
/// With `public_total` (the number of persons, published exactly with every release), the noisy
/// cells under the grand total are rescaled to add up to it (largest remainders): post-processing
/// with public information, so the release stays as private, and every table of the release then
/// shows the same total.
pub fn noisy_cube(
    cube: &Cube,
    micro_epsilon: u64,
    noise: &mut Noise,
    public_total: Option<u64>,
) -> Cube {
    let (coords, sensitivity) = noised_coords(cube);
    let mut out = cube.clone();
    let mut noised: BTreeMap<Coord, u64> = BTreeMap::new();
    for c in &coords {
        // scale = sensitivity / epsilon = sensitivity·10^6 / micro_epsilon = t/s.
        let z = noise.discrete_laplace(
            u128::from(micro_epsilon),
            u128::from(sensitivity) * u128::from(MICRO),
        );
        let v = i128::from(cube.get(c)) + i128::from(z);
        noised.insert(c.clone(), u64::try_from(v.max(0)).unwrap_or(u64::MAX));
    }
    if let Some(n) = public_total {
        // The noised coordinates the grand total is the sum of: single-valued axes fixed,
        // multi-valued axes at their total.
        let base: Vec<Coord> = noised
            .keys()
            .filter(|c| {
                c.iter()
                    .zip(&cube.axes)
                    .all(|(x, a)| x.is_some() != a.multi_valued)
            })
            .cloned()
            .collect();
        let values: Vec<u64> = base.iter().map(|c| noised[c]).collect();
        for (c, v) in base.iter().zip(scale_to_total(&values, n)) {
            noised.insert(c.clone(), v);
        }
    }
    for c in cube.all_coords() {
        let v = match noised.get(&c) {
            Some(v) => *v,
            None => derived_sum(cube, &noised, &c),
        };
        out.cells.insert(c, v);
    }
    out
}

/// Rescales non-negative integers to add up to `total`: floors of the proportional shares, then one
/// more to the largest remainders (ties to the first). All zeros share the total evenly.
pub fn scale_to_total(values: &[u64], total: u64) -> Vec<u64> {
    if values.is_empty() {
        return Vec::new();
    }
    let sum: u128 = values.iter().map(|&v| u128::from(v)).sum();
    let t = u128::from(total);
    let (mut out, rems): (Vec<u64>, Vec<u128>) = if sum == 0 {
        let n = values.len() as u128;
        (
            vec![u64::try_from(t / n).unwrap_or(0); values.len()],
            vec![0; values.len()],
        )
    } else {
        values
            .iter()
            .map(|&v| {
                let x = u128::from(v) * t;
                (u64::try_from(x / sum).unwrap_or(0), x % sum)
            })
            .unzip()
    };
    let given: u128 = out.iter().map(|&v| u128::from(v)).sum();
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| rems[b].cmp(&rems[a]).then(a.cmp(&b)));
    for &i in order
        .iter()
        .cycle()
        .take(usize::try_from(t - given).unwrap_or(0))
    {
        out[i] += 1;
    }
    out
}

/// The sum of noised cells under a derived coordinate: its totals over single-valued axes expanded.
fn derived_sum(cube: &Cube, noised: &BTreeMap<Coord, u64>, coord: &Coord) -> u64 {
    let Some(i) = coord
        .iter()
        .zip(&cube.axes)
        .position(|(x, a)| x.is_none() && !a.multi_valued)
    else {
        return noised.get(coord).copied().unwrap_or(0);
    };
    (0..cube.axes[i].labels.len())
        .map(|l| {
            let mut c = coord.clone();
            c[i] = Some(l);
            derived_sum(cube, noised, &c)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(samples: &[i64]) -> (f64, f64) {
        let n = samples.len() as f64;
        let mean = samples.iter().map(|&x| x as f64).sum::<f64>() / n;
        let var = samples
            .iter()
            .map(|&x| (x as f64 - mean).powi(2))
            .sum::<f64>()
            / (n - 1.0);
        (mean, var)
    }

    /// Variance of the discrete Laplace with scale b: 2q/(1−q)², q = exp(−1/b).
    fn dlap_variance(b: f64) -> f64 {
        let q = (-1.0 / b).exp();
        2.0 * q / (1.0 - q).powi(2)
    }

    #[test]
    fn discrete_laplace_mean_and_variance() {
        for (seed, s, t) in [
            (1u8, 1u128, 1u128),
            (2, 2, 1),
            (3, 1, 4),
            (4, 3, 20),
            (5, 500_000, 2_000_000),
        ] {
            let mut noise = Noise::from_seed([seed; 32]);
            let samples: Vec<i64> = (0..40_000).map(|_| noise.discrete_laplace(s, t)).collect();
            let b = t as f64 / s as f64;
            let want = dlap_variance(b);
            let (mean, var) = stats(&samples);
            // Mean within 5 standard errors of 0; variance within 6 %.
            assert!(
                mean.abs() < 5.0 * (want / 40_000.0).sqrt(),
                "scale {b}: mean {mean}"
            );
            assert!(
                (var / want - 1.0).abs() < 0.06,
                "scale {b}: variance {var}, want {want}"
            );
            // Symmetric, and P(0) = (1−q)/(1+q).
            let q = (-1.0 / b).exp();
            let zeros = samples.iter().filter(|&&x| x == 0).count() as f64 / 40_000.0;
            assert!(
                (zeros - (1.0 - q) / (1.0 + q)).abs() < 0.015,
                "scale {b}: P(0) {zeros}"
            );
        }
    }

    #[test]
    fn bernoulli_exp_frequency() {
        let mut noise = Noise::from_seed([9; 32]);
        for (num, den) in [(0u128, 1u128), (1, 2), (1, 1), (5, 2), (7, 3)] {
            let n = 40_000;
            let hits = (0..n).filter(|_| noise.bernoulli_exp(num, den)).count() as f64 / n as f64;
            let want = (-(num as f64) / den as f64).exp();
            assert!(
                (hits - want).abs() < 4.0 * (want * (1.0 - want) / n as f64).sqrt() + 1e-9,
                "exp(-{num}/{den}): {hits} vs {want}"
            );
        }
    }

    #[test]
    fn same_seed_same_noise() {
        let draw = |seed| {
            let mut n = Noise::from_seed(seed);
            (0..100)
                .map(|_| n.discrete_laplace(1, 3))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw([7; 32]), draw([7; 32]));
        assert_ne!(draw([7; 32]), draw([8; 32]));
    }

    #[test]
    fn scaling_to_a_public_total() {
        assert_eq!(scale_to_total(&[10, 20, 30], 60), vec![10, 20, 30]);
        assert_eq!(scale_to_total(&[10, 20, 30], 6), vec![1, 2, 3]);
        assert_eq!(scale_to_total(&[1, 1, 1], 10), vec![4, 3, 3]);
        assert_eq!(scale_to_total(&[0, 0], 5), vec![3, 2]);
        assert_eq!(scale_to_total(&[7, 0, 0], 0), vec![0, 0, 0]);
        for (v, t) in [
            (vec![3u64, 9, 1, 0, 4], 101u64),
            (vec![1000, 1], 3),
            (vec![5], 0),
        ] {
            assert_eq!(scale_to_total(&v, t).iter().sum::<u64>(), t);
        }
    }

    #[test]
    fn epsilon_in_millionths() {
        assert_eq!(parse_epsilon("0.5").unwrap(), 500_000);
        assert_eq!(parse_epsilon("1").unwrap(), 1_000_000);
        assert_eq!(parse_epsilon(".125").unwrap(), 125_000);
        assert_eq!(parse_epsilon("2.000001").unwrap(), 2_000_001);
        for bad in ["0", "-1", "abc", "0.0000001", "", "1e3"] {
            assert!(parse_epsilon(bad).is_err(), "{bad}");
        }
        assert_eq!(format_epsilon(500_000), "0.5");
        assert_eq!(format_epsilon(2_000_000), "2");
    }
}
