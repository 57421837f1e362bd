//! Statistical disclosure control of a release: small-count (primary) suppression, secondary
//! suppression so that no suppressed cell can be recomputed from the margins or from another table
//! of the same release, an audit that tries to recompute every suppressed cell, and rounding.
//!
//! All cubes of a release are put in one linear system: each distinct figure (unit and the
//! categories it fixes) is one variable, whichever cube publishes it, and each total over a
//! single-valued dimension gives an equation `total = Σ parts`. The audit attacks that system as a
//! reader would: single-unknown propagation, zero residuals (counts are never negative, so parts
//! that must add up to 0 are all 0), then full linear algebra (a suppressed figure is determined
//! when the unit vector of its variable lies in the row space of the equations restricted to the
//! suppressed variables; reduced row echelon form modulo the prime 2^61−1).

use crate::StatsError;
use crate::cube::Cube;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The threshold below which nothing is published, unless configured otherwise (CTDC uses 11).
pub const DEFAULT_K: u64 = 11;
/// No configuration may go below this.
pub const MIN_K: u64 = 5;

/// One figure of a release: its unit and the categories it fixes.
pub type VarKey = (String, Vec<(String, String)>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Equation {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// A category of one dimension that is the union of categories of another (minors are the age
/// bands 0–8 and 9–17; "other EU" is a set of nationalities): a reader adds them up, so must we.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouping {
    pub coarse_dim: String,
    pub coarse_label: String,
    pub fine_dim: String,
    pub fine_labels: Vec<String>,
}

/// The linear system of a release.
#[derive(Debug, Clone)]
pub struct Problem {
    pub keys: Vec<VarKey>,
    pub values: Vec<u64>,
    pub equations: Vec<Equation>,
    /// Figures published elsewhere anyway (the number of persons counted): never suppressed.
    pub public: Vec<bool>,
}

impl Problem {
    /// Builds the system of `cubes`. The same figure published by two cubes must have the same
    /// value (it counts the same population); a mismatch is an internal error.
    pub fn of_cubes(cubes: &[Cube], groupings: &[Grouping]) -> Result<Problem, StatsError> {
        let mut index: BTreeMap<VarKey, usize> = BTreeMap::new();
        let mut keys = Vec::new();
        let mut values = Vec::new();
        let mut var = |key: VarKey, value: u64| -> Result<usize, StatsError> {
            if let Some(&i) = index.get(&key) {
                if values[i] != value {
                    return Err(StatsError::invalid(
                        "release",
                        format!(
                            "figure {key:?} differs across tables ({} vs {value})",
                            values[i]
                        ),
                    ));
                }
                return Ok(i);
            }
            let i = keys.len();
            index.insert(key.clone(), i);
            keys.push(key);
            values.push(value);
            Ok(i)
        };
        let mut seen: BTreeSet<(usize, Vec<usize>)> = BTreeSet::new();
        let mut equations = Vec::new();
        for cube in cubes {
            let mut ids: BTreeMap<Vec<Option<usize>>, usize> = BTreeMap::new();
            for coord in cube.all_coords() {
                let id = var((cube.unit.clone(), cube.key_of(&coord)), cube.get(&coord))?;
                ids.insert(coord, id);
            }
            for (coord, &total) in &ids {
                for (axis_i, axis) in cube.axes.iter().enumerate() {
                    if coord[axis_i].is_some() || axis.multi_valued {
                        continue;
                    }
                    let mut parts: Vec<usize> = (0..axis.labels.len())
                        .filter_map(|l| {
                            let mut c = coord.clone();
                            c[axis_i] = Some(l);
                            ids.get(&c).copied()
                        })
                        .collect();
                    parts.sort_unstable();
                    if seen.insert((total, parts.clone())) {
                        equations.push(Equation { total, parts });
                    }
                }
            }
        }
        // Groupings: a figure fixing a coarse category is the sum of the figures fixing each of its
        // fine categories instead (other categories equal), when those are published too.
        for (v, (unit, cats)) in keys.iter().enumerate() {
            for g in groupings {
                let Some(pos) = cats
                    .iter()
                    .position(|(d, l)| *d == g.coarse_dim && *l == g.coarse_label)
                else {
                    continue;
                };
                if cats.iter().any(|(d, _)| *d == g.fine_dim) {
                    continue;
                }
                let mut parts = Vec::with_capacity(g.fine_labels.len());
                for fine in &g.fine_labels {
                    let mut k = cats.clone();
                    k[pos] = (g.fine_dim.clone(), fine.clone());
                    k.sort();
                    match index.get(&(unit.clone(), k)) {
                        Some(&i) => parts.push(i),
                        None => break,
                    }
                }
                if parts.len() == g.fine_labels.len() && !parts.is_empty() {
                    parts.sort_unstable();
                    if seen.insert((v, parts.clone())) {
                        equations.push(Equation { total: v, parts });
                    }
                }
            }
        }
        let public = vec![false; keys.len()];
        Ok(Problem {
            keys,
            values,
            equations,
            public,
        })
    }

    /// Marks a figure as public (published elsewhere); returns whether the release holds it.
    pub fn mark_public(&mut self, key: &VarKey) -> bool {
        match self.keys.iter().position(|k| k == key) {
            Some(i) => {
                self.public[i] = true;
                true
            }
            None => false,
        }
    }

    pub fn describe(&self, var: usize) -> String {
        let (unit, cats) = &self.keys[var];
        if cats.is_empty() {
            return format!("{unit}: total");
        }
        let c: Vec<String> = cats.iter().map(|(d, l)| format!("{d}={l}")).collect();
        format!("{unit}: {}", c.join(", "))
    }
}

/// Checks a requested threshold against the configured minimum.
pub fn check_k(k: u64, minimum: u64) -> Result<(), StatsError> {
    let floor = minimum.max(MIN_K);
    if k < floor {
        return Err(StatsError::Refused(format!(
            "threshold k = {k} is below the configured minimum {floor}"
        )));
    }
    Ok(())
}

/// Which figures are suppressed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub k: u64,
    /// Per variable: None = published, Some(reason).
    pub reasons: Vec<Option<Reason>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Fewer than k persons.
    SmallCount,
    /// Would let a suppressed figure be recomputed.
    Complementary,
}

impl Suppression {
    pub fn is_suppressed(&self, var: usize) -> bool {
        self.reasons[var].is_some()
    }
    pub fn count(&self, reason: Reason) -> usize {
        self.reasons.iter().filter(|r| **r == Some(reason)).count()
    }
}

/// Primary then secondary suppression, iterated to a fixed point where the audit recovers nothing.
pub fn suppress(problem: &Problem, k: u64) -> Suppression {
    let n = problem.values.len();
    let mut reasons: Vec<Option<Reason>> = problem
        .values
        .iter()
        .zip(&problem.public)
        .map(|(&v, &public)| (!public && v > 0 && v < k).then_some(Reason::SmallCount))
        .collect();
    let mut by_var: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, eq) in problem.equations.iter().enumerate() {
        by_var[eq.total].push(e);
        for &p in &eq.parts {
            by_var[p].push(e);
        }
    }
    loop {
        // Every equation with exactly one suppressed figure gets a second one: the smallest
        // published part (a non-zero one first: it protects more), else the total.
        let mut changed = true;
        while changed {
            changed = false;
            for eq in &problem.equations {
                let hidden = std::iter::once(eq.total)
                    .chain(eq.parts.iter().copied())
                    .filter(|&v| reasons[v].is_some())
                    .count();
                if hidden == 1
                    && let Some(v) = partner(problem, eq, &reasons)
                {
                    reasons[v] = Some(Reason::Complementary);
                    changed = true;
                }
            }
        }
        let sup = Suppression {
            k,
            reasons: reasons.clone(),
        };
        let report = audit(problem, &sup);
        let disclosed = report.disclosed();
        if disclosed.is_empty() {
            return sup;
        }
        // Combinations of equations still determine some figures: hide one more figure in an
        // equation of each of them, nearest first.
        let mut added = false;
        for r in &disclosed {
            let choice = by_var[r.var]
                .iter()
                .find_map(|&e| partner(problem, &problem.equations[e], &reasons))
                .or_else(|| {
                    by_var[r.var].iter().find_map(|&e| {
                        let eq = &problem.equations[e];
                        std::iter::once(eq.total)
                            .chain(eq.parts.iter().copied())
                            .flat_map(|v| by_var[v].iter())
                            .find_map(|&e2| partner(problem, &problem.equations[e2], &reasons))
                    })
                });
            if let Some(v) = choice {
                reasons[v] = Some(Reason::Complementary);
                added = true;
            }
        }
        if !added {
            // Nothing left to hide near the recovered figures: hide them all (the release is then
            // checked again by the caller, who refuses it if anything stays recoverable).
            for r in &disclosed {
                for &e in &by_var[r.var] {
                    let eq = &problem.equations[e];
                    for v in std::iter::once(eq.total).chain(eq.parts.iter().copied()) {
                        if !problem.public[v] {
                            reasons[v].get_or_insert(Reason::Complementary);
                        }
                    }
                }
            }
            let sup = Suppression { k, reasons };
            return sup;
        }
    }
}

/// The published figure of `eq` best hidden next to its suppressed one(s).
fn partner(problem: &Problem, eq: &Equation, reasons: &[Option<Reason>]) -> Option<usize> {
    let open = |v: &&usize| reasons[**v].is_none() && !problem.public[**v];
    let smallest_positive = eq
        .parts
        .iter()
        .filter(open)
        .filter(|v| problem.values[**v] > 0)
        .min_by_key(|v| (problem.values[**v], **v));
    let any_part = eq.parts.iter().filter(open).min_by_key(|v| **v);
    smallest_positive
        .or(any_part)
        .copied()
        .or_else(|| (reasons[eq.total].is_none() && !problem.public[eq.total]).then_some(eq.total))
}

/// A suppressed figure a reader can recompute, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recovered {
    pub var: usize,
    pub figure: String,
    pub value: u64,
    pub how: &'static str,
    /// A figure suppressed for being below k: recomputing it is a disclosure. (A complementary
    /// figure is at least k or zero; recomputing it discloses nothing by itself, and whatever it
    /// leads to is followed by the same audit.)
    pub small_count: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub suppressed: usize,
    pub equations: usize,
    pub recovered: Vec<Recovered>,
}

impl AuditReport {
    /// The small counts a reader can recompute: must be none.
    pub fn disclosed(&self) -> Vec<&Recovered> {
        self.recovered.iter().filter(|r| r.small_count).collect()
    }
}

/// Tries to recompute every suppressed figure from the published ones.
pub fn audit(problem: &Problem, sup: &Suppression) -> AuditReport {
    let n = problem.values.len();
    let mut known: Vec<bool> = (0..n).map(|v| !sup.is_suppressed(v)).collect();
    let mut recovered: Vec<Recovered> = Vec::new();
    let mut found = |v: usize, how: &'static str, known: &mut Vec<bool>| {
        known[v] = true;
        recovered.push(Recovered {
            var: v,
            figure: problem.describe(v),
            value: problem.values[v],
            how,
            small_count: sup.reasons[v] == Some(Reason::SmallCount),
        });
    };
    // Single unknowns and zero residuals, to a fixed point.
    let mut changed = true;
    while changed {
        changed = false;
        for eq in &problem.equations {
            let unknown_parts: Vec<usize> =
                eq.parts.iter().copied().filter(|&p| !known[p]).collect();
            match (known[eq.total], unknown_parts.len()) {
                (false, 0) => {
                    found(eq.total, "sum of its published parts", &mut known);
                    changed = true;
                }
                (true, 1) => {
                    found(
                        unknown_parts[0],
                        "its total minus the other published parts",
                        &mut known,
                    );
                    changed = true;
                }
                (true, _) if !unknown_parts.is_empty() => {
                    let published: u64 = eq
                        .parts
                        .iter()
                        .filter(|&&p| known[p])
                        .map(|&p| problem.values[p])
                        .sum();
                    if problem.values[eq.total] == published {
                        for p in unknown_parts {
                            found(
                                p,
                                "hidden parts of a fully published total (all zero)",
                                &mut known,
                            );
                        }
                        changed = true;
                    }
                }
                _ => {}
            }
        }
    }
    // Linear combinations of equations.
    let unknowns: Vec<usize> = (0..n).filter(|&v| !known[v]).collect();
    if !unknowns.is_empty() {
        for v in determined_by_linear_algebra(problem, &unknowns) {
            found(v, "a linear combination of published totals", &mut known);
        }
    }
    AuditReport {
        suppressed: (0..n).filter(|&v| sup.is_suppressed(v)).count(),
        equations: problem.equations.len(),
        recovered,
    }
}

const P: u64 = (1 << 61) - 1;

fn mul(a: u64, b: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(P)) as u64
}

fn inv(a: u64) -> u64 {
    // Fermat: a^(p-2).
    let (mut base, mut exp, mut acc) = (a, P - 2, 1u64);
    while exp > 0 {
        if exp & 1 == 1 {
            acc = mul(acc, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    acc
}

/// Unknown variables whose value the equations fix, whatever the other unknowns.
fn determined_by_linear_algebra(problem: &Problem, unknowns: &[usize]) -> Vec<usize> {
    let col: BTreeMap<usize, usize> = unknowns.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let width = unknowns.len();
    let mut rows: Vec<Vec<u64>> = Vec::new();
    for eq in &problem.equations {
        let mut row = vec![0u64; width];
        let mut any = false;
        if let Some(&c) = col.get(&eq.total) {
            row[c] = 1;
            any = true;
        }
        for p in &eq.parts {
            if let Some(&c) = col.get(p) {
                row[c] = (row[c] + P - 1) % P;
                any = true;
            }
        }
        if any {
            rows.push(row);
        }
    }
    // Reduced row echelon form.
    let mut pivot_row = 0;
    for c in 0..width {
        let Some(r) = (pivot_row..rows.len()).find(|&r| rows[r][c] != 0) else {
            continue;
        };
        rows.swap(pivot_row, r);
        let f = inv(rows[pivot_row][c]);
        for x in rows[pivot_row].iter_mut() {
            *x = mul(*x, f);
        }
        let pivot = rows[pivot_row].clone();
        for (i, row) in rows.iter_mut().enumerate() {
            if i != pivot_row && row[c] != 0 {
                let factor = row[c];
                for (x, p) in row.iter_mut().zip(&pivot) {
                    *x = (*x + P - mul(factor, *p)) % P;
                }
            }
        }
        pivot_row += 1;
        if pivot_row == rows.len() {
            break;
        }
    }
    rows.iter()
        .take(pivot_row)
        .filter_map(|row| {
            let mut nz = row.iter().enumerate().filter(|(_, x)| **x != 0);
            match (nz.next(), nz.next()) {
                (Some((c, _)), None) => Some(unknowns[c]),
                _ => None,
            }
        })
        .collect()
}

/// Rounds to the nearest multiple of `base` (halves up). Rounded margins are rounded on their
/// own, so rounded tables need not add up.
pub fn round_to_base(value: u64, base: u64) -> u64 {
    if base <= 1 {
        return value;
    }
    (value + base / 2) / base * base
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cube::{Axis, Cube};
    use proptest::prelude::*;

    fn axis(name: &str, n: usize, multi: bool) -> Axis {
        Axis {
            name: name.into(),
            labels: (0..n).map(|i| format!("{name}{i}")).collect(),
            multi_valued: multi,
        }
    }

    /// Cubes over shared dimensions of the same members: (a×b), (a×c), (b×c) and (c alone).
    fn cubes_of(members: &[(usize, usize, usize)], sizes: (usize, usize, usize)) -> Vec<Cube> {
        let specs: Vec<(&str, Vec<usize>)> = vec![
            ("ab", vec![0, 1]),
            ("ac", vec![0, 2]),
            ("bc", vec![1, 2]),
            ("c", vec![2]),
        ];
        let all = [
            axis("a", sizes.0, false),
            axis("b", sizes.1, false),
            axis("c", sizes.2, false),
        ];
        specs
            .into_iter()
            .map(|(id, dims)| {
                let mut cube = Cube {
                    id: id.into(),
                    title: id.into(),
                    unit: "persons".into(),
                    axes: dims.iter().map(|&d| all[d].clone()).collect(),
                    cells: BTreeMap::new(),
                    per_person: 1,
                };
                for m in members {
                    let vals = [m.0, m.1, m.2];
                    let per: Vec<Vec<usize>> = dims.iter().map(|&d| vec![vals[d]]).collect();
                    cube.add_member(&per);
                }
                cube.fill_zeros();
                cube
            })
            .collect()
    }

    #[test]
    fn a_lone_small_cell_is_protected_by_complements() {
        // 2×2: one cell of 3 persons among cells of 20.
        let mut members = Vec::new();
        for (a, b, n) in [(0, 0, 3), (0, 1, 20), (1, 0, 20), (1, 1, 20)] {
            for _ in 0..n {
                members.push((a, b, 0));
            }
        }
        let cubes: Vec<Cube> = cubes_of(&members, (2, 2, 1)).into_iter().take(1).collect();
        let problem = Problem::of_cubes(&cubes, &[]).unwrap();
        let sup = suppress(&problem, 11);
        // Row a0 (23) and column b0 (23) stay published; the four interior cells hide together.
        assert_eq!(sup.count(Reason::SmallCount), 1);
        assert_eq!(sup.count(Reason::Complementary), 3);
        assert!(audit(&problem, &sup).recovered.is_empty());
    }

    #[test]
    fn audit_finds_what_primary_suppression_alone_leaves_open() {
        let mut members = Vec::new();
        for (a, b, n) in [(0, 0, 3), (0, 1, 20), (1, 0, 20), (1, 1, 20)] {
            for _ in 0..n {
                members.push((a, b, 0));
            }
        }
        let cubes: Vec<Cube> = cubes_of(&members, (2, 2, 1)).into_iter().take(1).collect();
        let problem = Problem::of_cubes(&cubes, &[]).unwrap();
        let primary = Suppression {
            k: 11,
            reasons: problem
                .values
                .iter()
                .map(|&v| (v > 0 && v < 11).then_some(Reason::SmallCount))
                .collect(),
        };
        let report = audit(&problem, &primary);
        assert_eq!(report.recovered.len(), 1);
        assert_eq!(report.recovered[0].value, 3);
    }

    #[test]
    fn linear_algebra_sees_through_a_triangle() {
        // x+y=10, y+z=12, x+z=14 determine x, y, z though no equation has a single unknown.
        let problem = Problem {
            keys: (0..6)
                .map(|i| ("u".to_string(), vec![("v".into(), i.to_string())]))
                .collect(),
            values: vec![6, 4, 8, 10, 12, 14],
            public: vec![false; 6],
            equations: vec![
                Equation {
                    total: 3,
                    parts: vec![0, 1],
                },
                Equation {
                    total: 4,
                    parts: vec![1, 2],
                },
                Equation {
                    total: 5,
                    parts: vec![0, 2],
                },
            ],
        };
        let sup = Suppression {
            k: 11,
            reasons: vec![
                Some(Reason::SmallCount),
                Some(Reason::SmallCount),
                Some(Reason::SmallCount),
                None,
                None,
                None,
            ],
        };
        let mut got: Vec<usize> = audit(&problem, &sup)
            .recovered
            .iter()
            .map(|r| r.var)
            .collect();
        got.sort();
        assert_eq!(got, vec![0, 1, 2]);
    }

    #[test]
    fn k_below_the_minimum_is_refused() {
        assert!(check_k(11, 11).is_ok());
        assert!(matches!(check_k(3, 11), Err(StatsError::Refused(_))));
        assert!(matches!(check_k(4, 1), Err(StatsError::Refused(_))));
    }

    #[test]
    fn rounding_to_base_five() {
        assert_eq!(round_to_base(0, 5), 0);
        assert_eq!(round_to_base(2, 5), 0);
        assert_eq!(round_to_base(3, 5), 5);
        assert_eq!(round_to_base(12, 5), 10);
        assert_eq!(round_to_base(13, 5), 15);
        assert_eq!(round_to_base(7, 1), 7);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Random releases of four linked tables: nothing published below k, and the audit
        /// (propagation, zero residuals, linear algebra) recovers no suppressed figure.
        #[test]
        fn random_releases_are_safe(
            sizes in (1usize..5, 1usize..4, 1usize..4),
            raw in proptest::collection::vec((0usize..5, 0usize..4, 0usize..4, 1usize..30), 1..25),
            k in 5u64..15,
        ) {
            let members: Vec<(usize, usize, usize)> = raw
                .iter()
                .flat_map(|&(a, b, c, n)| std::iter::repeat_n((a % sizes.0, b % sizes.1, c % sizes.2), n))
                .collect();
            let cubes = cubes_of(&members, sizes);
            let problem = Problem::of_cubes(&cubes, &[]).unwrap();
            let sup = suppress(&problem, k);
            for (v, &value) in problem.values.iter().enumerate() {
                if value > 0 && value < k {
                    prop_assert!(sup.is_suppressed(v), "{} = {value} published", problem.describe(v));
                }
            }
            let report = audit(&problem, &sup);
            prop_assert!(report.disclosed().is_empty(), "{:?}", report.recovered);
        }
    }
}
