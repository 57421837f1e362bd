//! Differential privacy with exact sampling: the discrete Laplace and discrete Gaussian
//! distributions of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy"
//! (NeurIPS 2020), Algorithms 1, 2 and 3.
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

impl Noise {
    /// Discrete Gaussian N_Z(0, σ²) with σ² = num/den, num, den > 0 (CKS Algorithm 3): discrete
    /// Laplace proposals of scale t = ⌊σ⌋ + 1, each kept with probability
    /// exp(−(|Y| − σ²/t)² / (2σ²)), written as one ratio of integers so that the test is exact.
    pub fn discrete_gaussian(&mut self, num: u128, den: u128) -> i64 {
        let (num, den) = (num.max(1), den.max(1));
        let t = (num / den).isqrt() + 1;
        // (|Y| − σ²/t)² / (2σ²) = (|Y|·t·den − num)² / (2·num·t²·den). Saturation only happens
        // for |Y| so far in the tail that the acceptance probability is nil anyway.
        let bottom = 2u128
            .saturating_mul(num)
            .saturating_mul(t)
            .saturating_mul(t)
            .saturating_mul(den);
        loop {
            let y = self.discrete_laplace(1, t);
            let a = u128::from(y.unsigned_abs());
            let diff = a.saturating_mul(t).saturating_mul(den).abs_diff(num);
            if self.bernoulli_exp(diff.saturating_mul(diff), bottom) {
                return y;
            }
        }
    }
}

/// Zero-concentrated DP (ρ-zCDP) → (ε, δ)-DP (Bun and Steinke 2016, Proposition 1.3):
/// ε = ρ + 2·√(ρ·ln(1/δ)). Accounting only: the noise itself never touches floating point.
pub fn zcdp_epsilon(rho: f64, delta: f64) -> f64 {
    rho + 2.0 * (rho * (1.0 / delta).ln()).sqrt()
}

/// The largest ρ, in millionths, whose (ε, δ) guarantee is within `micro_epsilon`:
/// ρ = (√(ln(1/δ) + ε) − √ln(1/δ))², rounded down and checked forward.
pub fn rho_for(micro_epsilon: u64, inverse_delta: u64) -> u64 {
    let eps = micro_epsilon as f64 / MICRO as f64;
    let delta = 1.0 / inverse_delta.max(2) as f64;
    let l = (1.0 / delta).ln();
    let rho = ((l + eps).sqrt() - l.sqrt()).powi(2);
    let mut micro = (rho * MICRO as f64).floor() as u64;
    while micro > 0 && zcdp_epsilon(micro as f64 / MICRO as f64, delta) > eps {
        micro -= 1;
    }
    micro
}

/// Parses a delta ("1e-6", "0.000001") into 1/δ, a whole number ≥ 2 (δ is then exactly 1/N).
pub fn parse_inverse_delta(text: &str) -> Result<u64, crate::StatsError> {
    let bad = || {
        crate::StatsError::invalid(
            format!("delta {text:?}"),
            "a probability below 0.5 whose inverse is a whole number, e.g. 1e-6",
        )
    };
    let d: f64 = text.trim().parse().map_err(|_| bad())?;
    if !(d > 0.0 && d <= 0.5) {
        return Err(bad());
    }
    let inv = (1.0 / d).round();
    if inv > 1e15 || ((1.0 / inv) - d).abs() > d * 1e-9 {
        return Err(bad());
    }
    Ok(inv as u64)
}

/// Which noise a noisy cube gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoiseMechanism {
    /// Discrete Laplace for ε-DP (ε in millionths) on the L1 sensitivity.
    Laplace { micro_epsilon: u64 },
    /// Discrete Gaussian for ρ-zCDP (ρ in millionths) on the L2 sensitivity.
    Gaussian { micro_rho: u64 },
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
/// sensitivity/epsilon (or discrete Gaussian noise of variance Δ₂²/(2ρ)), negatives are clamped to zero, and margins over single-valued axes are the
/// sums of the noised cells (post-processing: the release stays consistent inside each table).
///
/// With `public_total` (the number of persons, published exactly with every release), the noisy
/// cells under the grand total are rescaled to add up to it (largest remainders): post-processing
/// with public information, so the release stays as private, and every table of the release then
/// shows the same total.
pub fn noisy_cube(
    cube: &Cube,
    mechanism: NoiseMechanism,
    noise: &mut Noise,
    public_total: Option<u64>,
) -> Cube {
    let (coords, sensitivity) = noised_coords(cube);
    // One substitution moves a coordinate by at most per_person, so the squared L2 sensitivity is
    // at most per_person × the L1 sensitivity.
    let l2_squared = u128::from(sensitivity) * u128::from(cube.per_person.max(1));
    let mut out = cube.clone();
    let mut noised: BTreeMap<Coord, u64> = BTreeMap::new();
    for c in &coords {
        let z = match mechanism {
            // scale = sensitivity / epsilon = sensitivity·10^6 / micro_epsilon = t/s.
            NoiseMechanism::Laplace { micro_epsilon } => noise.discrete_laplace(
                u128::from(micro_epsilon),
                u128::from(sensitivity) * u128::from(MICRO),
            ),
            // σ² = Δ₂² / (2ρ) = Δ₂²·10^6 / (2·micro_rho), exactly.
            NoiseMechanism::Gaussian { micro_rho } => noise.discrete_gaussian(
                l2_squared * u128::from(MICRO),
                2 * u128::from(micro_rho.max(1)),
            ),
        };
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

    /// The exact pmf of N_Z(0, σ²) on [−m, m] (the mass beyond is below 1e-30 for m ≥ 12σ + 10).
    fn gaussian_pmf(sigma2: f64) -> (i64, Vec<f64>) {
        let m = (12.0 * sigma2.sqrt()) as i64 + 10;
        let w: Vec<f64> = (-m..=m)
            .map(|x| (-((x * x) as f64) / (2.0 * sigma2)).exp())
            .collect();
        let z: f64 = w.iter().sum();
        (m, w.into_iter().map(|p| p / z).collect())
    }

    /// Pearson's chi-square of `samples` against `pmf` on [−m, m], left to right, each bin grown
    /// until its expected count reaches 5 (the right tail joins the last bin); (statistic, df).
    fn chi_square(samples: &[i64], m: i64, pmf: &[f64]) -> (f64, usize) {
        let n = samples.len() as f64;
        let mut observed = vec![0f64; pmf.len()];
        for &x in samples {
            let i = (x.clamp(-m, m) + m) as usize;
            observed[i] += 1.0;
        }
        let mut bins: Vec<(f64, f64)> = Vec::new();
        let (mut o, mut e) = (0.0, 0.0);
        for (i, p) in pmf.iter().enumerate() {
            o += observed[i];
            e += p * n;
            if e >= 5.0 {
                bins.push((o, e));
                (o, e) = (0.0, 0.0);
            }
        }
        if let Some(last) = bins.last_mut() {
            last.0 += o;
            last.1 += e;
        }
        let stat = bins.iter().map(|(o, e)| (o - e).powi(2) / e).sum();
        (stat, bins.len() - 1)
    }

    #[test]
    fn discrete_gaussian_matches_its_exact_pmf() {
        // σ² = num/den: small, fractional, and a release's (Δ₂² = 12, ρ = 0.05).
        for (seed, num, den) in [
            (11u8, 1u128, 1u128),
            (12, 5, 2),
            (13, 100, 3),
            (14, 12 * u128::from(MICRO), 2 * 50_000),
        ] {
            let mut noise = Noise::from_seed([seed; 32]);
            let n = 40_000;
            let samples: Vec<i64> = (0..n).map(|_| noise.discrete_gaussian(num, den)).collect();
            let sigma2 = num as f64 / den as f64;
            let (m, pmf) = gaussian_pmf(sigma2);
            // Mean 0; the variance of N_Z(0, σ²) is below σ² and, from its pmf, exactly:
            let var_exact: f64 = pmf
                .iter()
                .enumerate()
                .map(|(i, p)| p * ((i as i64 - m) as f64).powi(2))
                .sum();
            assert!(var_exact <= sigma2 + 1e-9);
            let (mean, var) = stats(&samples);
            assert!(
                mean.abs() < 5.0 * (var_exact / n as f64).sqrt(),
                "σ² {sigma2}: mean {mean}"
            );
            // Var of the sample variance ≈ (μ4 − σ⁴)/n with μ4 ≈ 3σ⁴: 6 standard errors.
            let se = (2.0 / n as f64).sqrt() * var_exact;
            assert!(
                (var - var_exact).abs() < 6.0 * se,
                "σ² {sigma2}: variance {var}, exact {var_exact}"
            );
            let (chi2, df) = chi_square(&samples, m, &pmf);
            // Far beyond the 99.99th percentile of χ²(df) (mean df, sd √(2df)).
            let bound = df as f64 + 6.0 * (2.0 * df as f64).sqrt();
            assert!(chi2 < bound, "σ² {sigma2}: χ² {chi2} on {df} df");
        }
    }

    #[test]
    fn a_wrong_pmf_fails_the_chi_square() {
        // The test has power: samples of σ² = 4 against the pmf of σ² = 5 are rejected.
        let mut noise = Noise::from_seed([21; 32]);
        let samples: Vec<i64> = (0..40_000).map(|_| noise.discrete_gaussian(4, 1)).collect();
        let (m, pmf) = gaussian_pmf(5.0);
        let (chi2, df) = chi_square(&samples, m, &pmf);
        assert!(
            chi2 > df as f64 + 6.0 * (2.0 * df as f64).sqrt(),
            "χ² {chi2}"
        );
    }

    #[test]
    fn zcdp_accounting() {
        // ρ for ε = 1, δ = 1e-6, and back: within ε, and not wastefully below it.
        let rho = rho_for(1_000_000, 1_000_000);
        let eps = zcdp_epsilon(rho as f64 / 1e6, 1e-6);
        assert!(eps <= 1.0 && eps > 0.9999, "ε {eps} from ρ {rho}");
        assert_eq!(rho, 17_468);
        // More δ buys more ρ; more ε too.
        assert!(rho_for(1_000_000, 1_000) > rho);
        assert!(rho_for(2_000_000, 1_000_000) > rho);
        assert_eq!(parse_inverse_delta("1e-6").unwrap(), 1_000_000);
        assert_eq!(parse_inverse_delta("0.001").unwrap(), 1_000);
        for bad in ["0", "1", "0.7", "-1e-6", "abc", "3e-7"] {
            assert!(parse_inverse_delta(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn same_seed_same_gaussian_noise() {
        let draw = |seed| {
            let mut n = Noise::from_seed(seed);
            (0..100)
                .map(|_| n.discrete_gaussian(7, 2))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw([3; 32]), draw([3; 32]));
        assert_ne!(draw([3; 32]), draw([4; 32]));
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
