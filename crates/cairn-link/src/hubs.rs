//! Hub suppression: a selector met in many unrelated records (a platform's support line, a stock
//! photo) is common: it is reported and never links.

use crate::config::LinkConfig;
use crate::input::{Csr, LinkInput};
use crate::unionfind::UnionFind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A selector found common, with the figures that made it so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommonSelector {
    pub selector: u32,
    pub records: usize,
    /// Groups of its records tied together by nothing else (records with no other strong selector
    /// are not counted: they say nothing about context).
    pub contexts: usize,
}

/// Which selectors are common. `sel_records`/`rec_sels` are the deduplicated adjacencies.
pub fn find_common(
    input: &LinkInput,
    config: &LinkConfig,
    sel_records: &Csr,
    rec_sels: &Csr,
) -> (Vec<bool>, Vec<CommonSelector>) {
    let n = input.selectors.len();
    let mut common = vec![false; n];
    let strong: Vec<bool> = input
        .selectors
        .iter()
        .map(|(k, _)| config.is_strong(*k))
        .collect();
    let mut found = Vec::new();
    // Largest first: a hub found early no longer ties contexts of the smaller candidates.
    let mut candidates: Vec<u32> = (0..n as u32)
        .filter(|&s| {
            strong[s as usize] && sel_records.get(s as usize).len() >= config.hub_min_records
        })
        .collect();
    candidates.sort_by_key(|&s| (std::cmp::Reverse(sel_records.get(s as usize).len()), s));
    for s in candidates {
        let records = sel_records.get(s as usize);
        let contexts = count_contexts(s, records, &strong, &common, sel_records, rec_sels);
        let over = records.len() > config.hub_max_records;
        let unrelated = contexts.groups >= config.hub_min_contexts
            && contexts.groups as f64
                >= config.hub_min_context_share * contexts.records_with_other as f64;
        if over || unrelated {
            common[s as usize] = true;
            found.push(CommonSelector {
                selector: s,
                records: records.len(),
                contexts: contexts.groups,
            });
        }
    }
    (common, found)
}

struct Contexts {
    groups: usize,
    records_with_other: usize,
}

/// Groups of the records of `s` tied together by their other strong, non-common selectors.
fn count_contexts(
    s: u32,
    records: &[u32],
    strong: &[bool],
    common: &[bool],
    sel_records: &Csr,
    rec_sels: &Csr,
) -> Contexts {
    let mut uf = UnionFind::new(records.len());
    let mut first_holder: HashMap<u32, u32> = HashMap::new();
    let mut has_other = vec![false; records.len()];
    for (pos, &r) in records.iter().enumerate() {
        for &t in rec_sels.get(r as usize) {
            if t == s || !strong[t as usize] || common[t as usize] {
                continue;
            }
            has_other[pos] = true;
            if sel_records.get(t as usize).len() < 2 {
                continue;
            }
            match first_holder.get(&t) {
                Some(&p) => {
                    uf.union(p, pos as u32);
                }
                None => {
                    first_holder.insert(t, pos as u32);
                }
            }
        }
    }
    let mut roots: Vec<u32> = (0..records.len() as u32)
        .filter(|&p| has_other[p as usize])
        .map(|p| uf.find(p))
        .collect();
    let records_with_other = roots.len();
    roots.sort_unstable();
    roots.dedup();
    Contexts {
        groups: roots.len(),
        records_with_other,
    }
}
