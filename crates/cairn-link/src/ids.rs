//! Stable cluster ids across runs.
//!
//! Rule: a new cluster inherits the id of the previous cluster with which it shares the most
//! records (greedy, largest overlap first; ties to the cluster whose smallest record id sorts
//! first, then to the smaller old id); each old id goes to one new cluster at most. A cluster
//! that inherits nothing gets `c-` and the first 16 hex digits of SHA-256 of its smallest record
//! id, so a fresh store gives the same ids as an incremental one whenever clusters have not
//! merged or split.

use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// `c-` + 16 hex digits of SHA-256 of `seed`.
pub fn fresh_id(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    format!("c-{}", &hex::encode(digest)[..16])
}

/// Ids for `groups` (each a list of record ids, sorted), given the previous record → cluster map.
pub fn assign_ids(groups: &[Vec<&str>], previous: &HashMap<String, String>) -> Vec<String> {
    let mut overlaps: Vec<(usize, usize, &str)> = Vec::new();
    for (g, members) in groups.iter().enumerate() {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for m in members {
            if let Some(old) = previous.get(*m) {
                *count.entry(old.as_str()).or_default() += 1;
            }
        }
        overlaps.extend(count.into_iter().map(|(old, n)| (n, g, old)));
    }
    let smallest = |g: usize| groups[g].first().copied().unwrap_or("");
    overlaps.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| smallest(a.1).cmp(smallest(b.1)))
            .then_with(|| a.2.cmp(b.2))
    });
    let mut ids: Vec<Option<String>> = vec![None; groups.len()];
    let mut taken: HashSet<String> = HashSet::new();
    for (_, g, old) in overlaps {
        if ids[g].is_none() && !taken.contains(old) {
            taken.insert(old.to_owned());
            ids[g] = Some(old.to_owned());
        }
    }
    ids.into_iter()
        .enumerate()
        .map(|(g, id)| {
            id.unwrap_or_else(|| {
                let mut id = fresh_id(smallest(g));
                // The smallest record's hash may already be carried by another cluster.
                let mut k = 1;
                while taken.contains(&id) {
                    id = fresh_id(&format!("{}#{k}", smallest(g)));
                    k += 1;
                }
                taken.insert(id.clone());
                id
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn prev(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(r, c)| (r.to_string(), c.to_string()))
            .collect()
    }

    #[test]
    fn a_grown_cluster_keeps_its_id_and_a_split_keeps_it_for_the_larger_part() {
        let p = prev(&[("a", "c-old"), ("b", "c-old"), ("c", "c-old")]);
        let ids = assign_ids(&[vec!["a", "b", "c", "d"]], &p);
        assert_eq!(ids, ["c-old"]);
        let ids = assign_ids(&[vec!["a"], vec!["b", "c"]], &p);
        assert_eq!(ids[1], "c-old");
        assert_eq!(ids[0], fresh_id("a"));
    }

    #[test]
    fn a_merge_keeps_the_id_of_the_larger_part() {
        let p = prev(&[("a", "c-1"), ("b", "c-2"), ("c", "c-2")]);
        let ids = assign_ids(&[vec!["a", "b", "c"]], &p);
        assert_eq!(ids, ["c-2"]);
    }

    proptest! {
        /// Same clusters twice: same ids, all distinct, whatever the groups.
        #[test]
        fn ids_are_stable_and_unique(sizes in proptest::collection::vec(1usize..5, 1..30)) {
            let mut names = Vec::new();
            for (g, n) in sizes.iter().enumerate() {
                names.push((0..*n).map(|i| format!("r{g:03}-{i}")).collect::<Vec<_>>());
            }
            let groups: Vec<Vec<&str>> = names.iter().map(|g| g.iter().map(String::as_str).collect()).collect();
            let first = assign_ids(&groups, &HashMap::new());
            let unique: HashSet<&String> = first.iter().collect();
            prop_assert_eq!(unique.len(), first.len());
            let mut p = HashMap::new();
            for (g, id) in groups.iter().zip(&first) {
                for r in g { p.insert(r.to_string(), id.clone()); }
            }
            let mut reversed = groups.clone();
            reversed.reverse();
            let mut second = assign_ids(&reversed, &p);
            second.reverse();
            prop_assert_eq!(first, second);
        }
    }
}
