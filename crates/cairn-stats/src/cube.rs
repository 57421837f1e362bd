//! Count tables with every margin: a cube over n dimensions holds a count for each combination of
//! categories, where a dimension may also be "Total" (all its categories). A person counts once in
//! each cell they belong to; on a multi-valued dimension they may belong to several categories,
//! but count once in its total.

use crate::dim::Dim;
use crate::record::StatRecord;
use serde::Serialize;
use std::collections::BTreeMap;

/// A dimension as a cube sees it: a name, its category labels, and whether a person can hold
/// several of them (then its cells do not add up to its total).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Axis {
    pub name: String,
    pub labels: Vec<String>,
    pub multi_valued: bool,
}

/// Coordinates of a cell: one entry per axis, `None` for that axis's total.
pub type Coord = Vec<Option<usize>>;

/// A count table with all its margins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cube {
    pub id: String,
    pub title: String,
    /// What is counted: "persons" or "referrals". Cubes of the same unit in one release count the
    /// same population, so equal cells (same categories) are the same figure.
    pub unit: String,
    pub axes: Vec<Axis>,
    /// Every combination of categories and totals; absent means zero.
    pub cells: BTreeMap<Coord, u64>,
    /// How many members one person can be at most (1 for persons; the cap of referrals counted
    /// per person for the referrals cube): scales the sensitivity of noisy releases.
    pub per_person: u64,
}

impl Cube {
    /// Counts `records` by `dims`.
    pub fn of_persons(id: &str, title: &str, dims: &[Dim], records: &[StatRecord]) -> Cube {
        let axes: Vec<Axis> = dims
            .iter()
            .map(|d| Axis {
                name: d.name().to_owned(),
                labels: d.labels(records),
                multi_valued: d.multi_valued(),
            })
            .collect();
        let mut cube = Cube {
            id: id.to_owned(),
            title: title.to_owned(),
            unit: "persons".to_owned(),
            axes,
            cells: BTreeMap::new(),
            per_person: 1,
        };
        for r in records {
            let per_axis: Vec<Vec<usize>> = dims
                .iter()
                .zip(&cube.axes)
                .map(|(d, a)| {
                    d.values(r)
                        .iter()
                        .filter_map(|v| a.labels.iter().position(|l| l == v))
                        .collect()
                })
                .collect();
            cube.add_member(&per_axis);
        }
        cube.fill_zeros();
        cube
    }

    /// Counts one member that holds categories `per_axis[i]` on axis i.
    pub fn add_member(&mut self, per_axis: &[Vec<usize>]) {
        let mut coord: Coord = Vec::with_capacity(per_axis.len());
        fn walk(
            i: usize,
            per_axis: &[Vec<usize>],
            coord: &mut Coord,
            cells: &mut BTreeMap<Coord, u64>,
        ) {
            if i == per_axis.len() {
                *cells.entry(coord.clone()).or_insert(0) += 1;
                return;
            }
            coord.push(None);
            walk(i + 1, per_axis, coord, cells);
            coord.pop();
            for &v in &per_axis[i] {
                coord.push(Some(v));
                walk(i + 1, per_axis, coord, cells);
                coord.pop();
            }
        }
        walk(0, per_axis, &mut coord, &mut self.cells);
    }

    /// Makes every combination present (zeros explicit), so that published tables keep their shape.
    pub fn fill_zeros(&mut self) {
        for c in self.all_coords() {
            self.cells.entry(c).or_insert(0);
        }
    }

    /// Every coordinate of the cube, margins included, in a fixed order.
    pub fn all_coords(&self) -> Vec<Coord> {
        let mut out: Vec<Coord> = vec![Vec::new()];
        for a in &self.axes {
            let mut next = Vec::with_capacity(out.len() * (a.labels.len() + 1));
            for c in &out {
                let mut t = c.clone();
                t.push(None);
                next.push(t);
                for i in 0..a.labels.len() {
                    let mut t = c.clone();
                    t.push(Some(i));
                    next.push(t);
                }
            }
            out = next;
        }
        out
    }

    pub fn get(&self, coord: &[Option<usize>]) -> u64 {
        self.cells.get(coord).copied().unwrap_or(0)
    }

    /// The grand total.
    pub fn total(&self) -> u64 {
        self.get(&vec![None; self.axes.len()])
    }

    /// The categories a coordinate fixes, as (axis name, label) sorted by axis name: the identity
    /// of the figure across the cubes of a release.
    pub fn key_of(&self, coord: &[Option<usize>]) -> Vec<(String, String)> {
        let mut k: Vec<(String, String)> = self
            .axes
            .iter()
            .zip(coord)
            .filter_map(|(a, c)| c.map(|i| (a.name.clone(), a.labels[i].clone())))
            .collect();
        k.sort();
        k
    }

    /// Human description of a coordinate ("sex=Female, age_band=Total").
    pub fn describe(&self, coord: &[Option<usize>]) -> String {
        self.axes
            .iter()
            .zip(coord)
            .map(|(a, c)| match c {
                Some(i) => format!("{}={}", a.name, a.labels[*i]),
                None => format!("{}=Total", a.name),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_valued_members_count_once_in_totals() {
        let mut cube = Cube {
            id: "t".into(),
            title: "t".into(),
            unit: "persons".into(),
            axes: vec![
                Axis {
                    name: "a".into(),
                    labels: vec!["x".into(), "y".into()],
                    multi_valued: false,
                },
                Axis {
                    name: "m".into(),
                    labels: vec!["p".into(), "q".into()],
                    multi_valued: true,
                },
            ],
            cells: BTreeMap::new(),
            per_person: 1,
        };
        cube.add_member(&[vec![0], vec![0, 1]]);
        cube.add_member(&[vec![1], vec![1]]);
        cube.fill_zeros();
        assert_eq!(cube.total(), 2);
        assert_eq!(cube.get(&[Some(0), None]), 1);
        assert_eq!(cube.get(&[None, Some(1)]), 2);
        assert_eq!(cube.get(&[Some(0), Some(0)]), 1);
        assert_eq!(cube.get(&[Some(1), Some(0)]), 0);
        assert_eq!(cube.cells.len(), 9);
    }
}
