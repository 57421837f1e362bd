//! Clusters: components of records through strong, non-common selectors, split by community
//! detection when very large, with stable ids and a summary that lists their evidence.

use crate::LinkError;
use crate::community;
use crate::config::LinkConfig;
use crate::hubs::{self, CommonSelector};
use crate::ids;
use crate::input::{Csr, LinkInput, SelectorKind};
use crate::timeline::{self, Move, TimelineEntry, Touring};
use crate::unionfind::UnionFind;
use cairn_core::IndicatorCategory;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A selector as listed in a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectorCount {
    pub kind: SelectorKind,
    pub value: String,
    /// Records of this cluster that carry it.
    pub records: usize,
    /// Common (hub): listed, never linking.
    pub common: bool,
    /// Records of the whole store that carry it.
    pub total_records: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceCount {
    pub id: String,
    pub name: String,
    pub country: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub records: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub value: String,
    pub records: usize,
}

/// How a very large component was split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunitySplit {
    pub component_records: usize,
    pub communities: usize,
    pub modularity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub id: String,
    pub size: usize,
    /// Record ids in capture-time order (unknown times last).
    pub records: Vec<String>,
    pub selectors: Vec<SelectorCount>,
    /// Place names, in order of first appearance in time.
    pub places: Vec<String>,
    pub place_details: Vec<PlaceCount>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub moves: Vec<Move>,
    pub touring: Vec<Touring>,
    pub languages: Vec<Count>,
    pub categories: Vec<Count>,
    pub timeline: Vec<TimelineEntry>,
    /// Why these records are together, in words, each backed by the fields above.
    pub evidence: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub community: Option<CommunitySplit>,
}

/// A common selector, by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommonReport {
    pub kind: SelectorKind,
    pub value: String,
    pub records: usize,
    pub contexts: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    /// Largest first, then by id.
    pub clusters: Vec<Cluster>,
    pub common: Vec<CommonReport>,
    pub components: usize,
    pub components_split: usize,
}

/// Links the records of `input`. `previous` maps record ids to the cluster ids of the last run.
pub fn link(
    input: &LinkInput,
    config: &LinkConfig,
    previous: &HashMap<String, String>,
) -> Result<Linked, LinkError> {
    let p = partition(input, config, previous)?;
    let mut clusters: Vec<Cluster> = (0..p.len()).map(|i| p.summarise(i)).collect();
    clusters.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.id.cmp(&b.id)));
    Ok(Linked {
        clusters,
        common: p.common_found,
        components: p.components,
        components_split: p.components_split,
    })
}

/// Which records go together, before any summary: cheap to hold for millions of records, and
/// each cluster's summary is made on demand ([`Partition::summarise`]).
pub struct Partition<'a> {
    input: &'a LinkInput,
    config: &'a LinkConfig,
    rec_sels: Csr,
    sel_records: Csr,
    common: Vec<bool>,
    linking: Vec<bool>,
    primary: Vec<Option<u32>>,
    categories: Csr,
    /// Record indices of each cluster, and how it was split if it was.
    pub groups: Vec<(Vec<u32>, Option<CommunitySplit>)>,
    /// Stable id of each group.
    pub ids: Vec<String>,
    pub common_found: Vec<CommonReport>,
    pub components: usize,
    pub components_split: usize,
}

/// Hubs, components, community split and stable ids.
pub fn partition<'a>(
    input: &'a LinkInput,
    config: &'a LinkConfig,
    previous: &HashMap<String, String>,
) -> Result<Partition<'a>, LinkError> {
    config.validate()?;
    let nr = input.records.len();
    let ns = input.selectors.len();
    let rec_sels = Csr::build(nr, input.occurrences.iter().copied());
    let sel_records = Csr::build(ns, input.occurrences.iter().map(|&(r, s)| (s, r)));
    let (common, common_found) = hubs::find_common(input, config, &sel_records, &rec_sels);
    let linking: Vec<bool> = input
        .selectors
        .iter()
        .zip(&common)
        .map(|((k, _), c)| config.is_strong(*k) && !c)
        .collect();

    let mut uf = UnionFind::new(nr);
    for s in (0..ns).filter(|&s| linking[s]) {
        let rs = sel_records.get(s);
        for &r in rs.iter().skip(1) {
            uf.union(rs[0], r);
        }
    }
    let (labels, k) = uf.labels();
    drop(uf);
    let mut components: Vec<Vec<u32>> = vec![Vec::new(); k];
    for (r, l) in labels.iter().enumerate() {
        components[*l as usize].push(r as u32);
    }
    drop(labels);

    let mut groups: Vec<(Vec<u32>, Option<CommunitySplit>)> = Vec::with_capacity(k);
    let mut components_split = 0;
    for comp in components {
        if comp.len() >= config.community_min_records
            && let Some((parts, split)) =
                split_component(&comp, &linking, &rec_sels, &sel_records, config)
        {
            components_split += 1;
            groups.extend(parts.into_iter().map(|p| (p, Some(split.clone()))));
            continue;
        }
        groups.push((comp, None));
    }

    let sorted_ids: Vec<Vec<&str>> = groups
        .iter()
        .map(|(g, _)| {
            let mut v: Vec<&str> = g
                .iter()
                .map(|&r| input.records[r as usize].id.as_str())
                .collect();
            v.sort_unstable();
            v
        })
        .collect();
    let ids = ids::assign_ids(&sorted_ids, previous);
    drop(sorted_ids);

    let common_found = common_found
        .into_iter()
        .map(
            |CommonSelector {
                 selector,
                 records,
                 contexts,
             }| {
                let (kind, value) = &input.selectors[selector as usize];
                CommonReport {
                    kind: *kind,
                    value: value.clone(),
                    records,
                    contexts,
                }
            },
        )
        .collect();
    Ok(Partition {
        input,
        config,
        primary: primary_places(input),
        categories: Csr::build(
            nr,
            input
                .categories
                .iter()
                .map(|&(r, c)| (r, category_index(c))),
        ),
        rec_sels,
        sel_records,
        common,
        linking,
        groups,
        ids,
        common_found,
        components: k,
        components_split,
    })
}

fn category_index(c: IndicatorCategory) -> u32 {
    IndicatorCategory::ALL
        .iter()
        .position(|x| *x == c)
        .unwrap_or(0) as u32
}

/// Splits a large component by community detection on its record–selector graph (a selector
/// node sits in one community, so a number shared by two networks no longer glues them). None
/// when the split is not clear enough (one community, or modularity under the threshold).
fn split_component(
    comp: &[u32],
    linking: &[bool],
    rec_sels: &Csr,
    sel_records: &Csr,
    config: &LinkConfig,
) -> Option<(Vec<Vec<u32>>, CommunitySplit)> {
    let mut local: HashMap<u32, u32> = HashMap::new();
    let n_rec = comp.len() as u32;
    let mut edges: Vec<(u32, u32, f64)> = Vec::new();
    for (i, &r) in comp.iter().enumerate() {
        for &s in rec_sels.get(r as usize) {
            if !linking[s as usize] || sel_records.get(s as usize).len() < 2 {
                continue;
            }
            let next = n_rec + local.len() as u32;
            let node = *local.entry(s).or_insert(next);
            edges.push((i as u32, node, 1.0));
        }
    }
    let n = n_rec as usize + local.len();
    let labels = community::communities(n, &edges, config.community_resolution);
    let q = community::modularity(n, &edges, &labels, config.community_resolution);
    let mut parts: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (i, &r) in comp.iter().enumerate() {
        parts.entry(labels[i]).or_default().push(r);
    }
    if parts.len() < 2 || q < config.community_min_modularity {
        return None;
    }
    let split = CommunitySplit {
        component_records: comp.len(),
        communities: parts.len(),
        modularity: (q * 1000.0).round() / 1000.0,
    };
    Some((parts.into_values().collect(), split))
}

/// Each record's main place: the most mentioned, the first mentioned on ties.
pub fn primary_places(input: &LinkInput) -> Vec<Option<u32>> {
    let mut mentions: Vec<(u32, u32, usize)> = input
        .occurrences
        .iter()
        .enumerate()
        .filter(|(_, (_, s))| input.selectors[*s as usize].0 == SelectorKind::Place)
        .map(|(pos, &(r, s))| (r, s, pos))
        .collect();
    mentions.sort_unstable();
    let mut best: Vec<Option<(usize, usize, u32)>> = vec![None; input.records.len()];
    let mut i = 0;
    while i < mentions.len() {
        let (r, s, first) = mentions[i];
        let mut j = i;
        while j < mentions.len() && mentions[j].0 == r && mentions[j].1 == s {
            j += 1;
        }
        let count = j - i;
        let b = &mut best[r as usize];
        if b.is_none_or(|(c, f, _)| count > c || (count == c && first < f)) {
            *b = Some((count, first, s));
        }
        i = j;
    }
    best.into_iter().map(|b| b.map(|(_, _, s)| s)).collect()
}

impl Partition<'_> {
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The summary of group `i`.
    pub fn summarise(&self, i: usize) -> Cluster {
        let (mut members, split) = self.groups[i].clone();
        let id = self.ids[i].clone();
        let input = self.input;
        timeline::order_by_time(input, &mut members);
        let mut sel_members: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        let mut place_members: Vec<(u32, usize)> = Vec::new();
        let mut langs: BTreeMap<&str, usize> = BTreeMap::new();
        let mut cats: BTreeMap<u32, usize> = BTreeMap::new();
        for &r in &members {
            for &s in self.rec_sels.get(r as usize) {
                let kind = input.selectors[s as usize].0;
                if self.config.is_strong(kind) {
                    sel_members.entry(s).or_default().push(r);
                } else if kind == SelectorKind::Place {
                    match place_members.iter_mut().find(|(p, _)| *p == s) {
                        Some((_, n)) => *n += 1,
                        None => place_members.push((s, 1)),
                    }
                }
            }
            *langs
                .entry(input.records[r as usize].lang.as_str())
                .or_default() += 1;
            for &c in self.categories.get(r as usize) {
                *cats.entry(c).or_default() += 1;
            }
        }
        let mut selectors: Vec<SelectorCount> = sel_members
            .iter()
            .map(|(&s, rs)| {
                let (kind, value) = &input.selectors[s as usize];
                SelectorCount {
                    kind: *kind,
                    value: value.clone(),
                    records: rs.len(),
                    common: self.common[s as usize],
                    total_records: self.sel_records.get(s as usize).len(),
                }
            })
            .collect();
        selectors.sort_by(|a, b| {
            a.common
                .cmp(&b.common)
                .then(b.records.cmp(&a.records))
                .then(a.kind.cmp(&b.kind))
                .then_with(|| a.value.cmp(&b.value))
        });
        let place_details: Vec<PlaceCount> = place_members
            .iter()
            .map(|&(s, n)| {
                let pid = &input.selectors[s as usize].1;
                let p = input.places.get(pid);
                PlaceCount {
                    id: pid.clone(),
                    name: input.place_name(pid).to_owned(),
                    country: p.map(|p| p.country.clone()).unwrap_or_default(),
                    lat: p.and_then(|p| p.lat),
                    lon: p.and_then(|p| p.lon),
                    records: n,
                }
            })
            .collect();
        let mut places: Vec<String> = Vec::new();
        for p in &place_details {
            if !places.contains(&p.name) {
                places.push(p.name.clone());
            }
        }
        let times: Vec<&String> = members
            .iter()
            .filter(|&&r| input.times[r as usize].is_some())
            .filter_map(|&r| input.records[r as usize].captured_at.as_ref())
            .collect();
        let touring_candidates: Vec<(u32, Vec<u32>)> = sel_members
            .iter()
            .filter(|(s, rs)| {
                self.linking[**s as usize] && rs.len() >= self.config.touring_min_cities
            })
            .map(|(s, rs)| (*s, rs.clone()))
            .collect();
        let touring = timeline::touring(
            input,
            &touring_candidates,
            &self.primary,
            self.config.touring_min_cities,
            self.config.touring_window_days,
        );
        let moves = timeline::moves(input, &members, &self.primary);
        let languages = counts(langs.into_iter().map(|(l, n)| (l.to_owned(), n)));
        let categories = counts(
            cats.into_iter()
                .map(|(c, n)| (IndicatorCategory::ALL[c as usize].as_str().to_owned(), n)),
        );
        let mut cluster = Cluster {
            size: members.len(),
            records: members
                .iter()
                .map(|&r| input.records[r as usize].id.clone())
                .collect(),
            first_seen: times.first().map(|s| (*s).clone()),
            last_seen: times.last().map(|s| (*s).clone()),
            timeline: timeline::timeline(input, &members, &self.primary),
            evidence: Vec::new(),
            id,
            selectors,
            places,
            place_details,
            moves,
            touring,
            languages,
            categories,
            community: split,
        };
        cluster.evidence = evidence(&cluster);
        cluster
    }
}

fn counts(it: impl Iterator<Item = (String, usize)>) -> Vec<Count> {
    let mut v: Vec<Count> = it
        .map(|(value, records)| Count { value, records })
        .collect();
    v.sort_by(|a, b| {
        b.records
            .cmp(&a.records)
            .then_with(|| a.value.cmp(&b.value))
    });
    v
}

/// The summary in words: every sentence restates fields of the cluster, nothing more.
fn evidence(c: &Cluster) -> Vec<String> {
    let mut out = Vec::new();
    let shared: Vec<&SelectorCount> = c
        .selectors
        .iter()
        .filter(|s| !s.common && s.records >= 2)
        .collect();
    if c.size > 1 {
        out.push(format!(
            "{} records linked through {} shared selector(s)",
            c.size,
            shared.len()
        ));
    }
    for s in shared.iter().take(10) {
        out.push(format!(
            "{} {} in {} of the {} records",
            s.kind.as_str(),
            s.value,
            s.records,
            c.size
        ));
    }
    for s in c.selectors.iter().filter(|s| s.common) {
        out.push(format!(
            "{} {} not used for linking: common ({} records in the store)",
            s.kind.as_str(),
            s.value,
            s.total_records
        ));
    }
    if !c.categories.is_empty() {
        let cats: Vec<String> = c
            .categories
            .iter()
            .map(|k| format!("{} in {}", k.value, k.records))
            .collect();
        out.push(format!("indicator categories: {}", cats.join(", ")));
    }
    if !c.moves.is_empty() {
        let route: Vec<&str> = std::iter::once(c.moves[0].from.as_str())
            .chain(c.moves.iter().map(|m| m.to.as_str()))
            .collect();
        out.push(format!("moves: {}", route.join(" → ")));
    }
    for t in &c.touring {
        out.push(format!(
            "touring: {} {} in {} cities ({}) from {} to {}",
            t.kind.as_str(),
            t.value,
            t.cities.len(),
            t.cities.join(", "),
            t.from.as_deref().unwrap_or("?"),
            t.to.as_deref().unwrap_or("?")
        ));
    }
    if let Some(s) = &c.community {
        out.push(format!(
            "split by community detection from a component of {} records into {} (modularity {:.3})",
            s.component_records, s.communities, s.modularity
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::input::{Place, RecordMeta};
    use proptest::prelude::*;

    fn rec(input: &mut LinkInput, id: &str) -> u32 {
        input.add_record(RecordMeta {
            id: id.into(),
            captured_at: Some("2026-01-01T00:00:00Z".into()),
            lang: "fr".into(),
            ..Default::default()
        })
    }

    fn sets(linked: &Linked) -> Vec<Vec<String>> {
        let mut v: Vec<Vec<String>> = linked
            .clusters
            .iter()
            .map(|c| {
                let mut r = c.records.clone();
                r.sort();
                r
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn weak_selectors_never_link() {
        let mut input = LinkInput::new();
        for id in ["a", "b"] {
            let r = rec(&mut input, id);
            input.add_selector(r, SelectorKind::Price, "100 EUR");
            input.add_selector(r, SelectorKind::Url, "https://site.example/");
            input.add_place(
                r,
                Place {
                    id: "2988507".into(),
                    name: "Paris".into(),
                    country: "FR".into(),
                    lat: None,
                    lon: None,
                },
            );
        }
        let linked = link(&input, &LinkConfig::default(), &HashMap::new()).unwrap();
        assert_eq!(linked.clusters.len(), 2);
    }

    /// A support line under ads that have their own numbers is common and glues nothing; the
    /// networks' own numbers, shared by many ads, are not common.
    #[test]
    fn hub_is_common_and_networks_stay_apart() {
        let mut input = LinkInput::new();
        for n in 0..3 {
            for i in 0..12 {
                let r = rec(&mut input, &format!("n{n}-{i:02}"));
                input.add_selector(r, SelectorKind::Phone, &format!("+3360000000{n}"));
                if i % 2 == 0 {
                    input.add_selector(r, SelectorKind::Email, &format!("net{n}@example.org"));
                }
                if i < 3 {
                    input.add_selector(r, SelectorKind::Phone, "+3223470000");
                }
            }
        }
        for d in 0..10 {
            let r = rec(&mut input, &format!("d{d}"));
            input.add_selector(r, SelectorKind::Phone, &format!("+3369999990{d}"));
            input.add_selector(r, SelectorKind::Phone, "+3223470000");
        }
        let config = LinkConfig::default();
        let linked = link(&input, &config, &HashMap::new()).unwrap();
        assert_eq!(linked.common.len(), 1);
        assert_eq!(linked.common[0].value, "+3223470000");
        assert_eq!(linked.common[0].records, 19);
        let big: Vec<&Cluster> = linked.clusters.iter().filter(|c| c.size > 1).collect();
        assert_eq!(big.len(), 3);
        assert!(big.iter().all(|c| c.size == 12));
        assert!(
            big[0]
                .selectors
                .iter()
                .any(|s| s.common && s.value == "+3223470000")
        );
        // Without hub suppression (thresholds out of reach) everything would merge.
        let off = LinkConfig {
            hub_max_records: 1000,
            hub_min_records: 1000,
            ..config
        };
        let merged = link(&input, &off, &HashMap::new()).unwrap();
        assert_eq!(merged.clusters[0].size, 36 + 10);
    }

    /// Two dense networks joined by one shared number form one big component; community
    /// detection splits it back.
    #[test]
    fn a_shared_number_does_not_glue_two_large_networks() {
        let mut input = LinkInput::new();
        for n in 0..2 {
            for i in 0..40 {
                let r = rec(&mut input, &format!("n{n}-{i:02}"));
                input.add_selector(r, SelectorKind::Phone, &format!("+33600000{n}{}", i % 4));
                input.add_selector(
                    r,
                    SelectorKind::Email,
                    &format!("n{n}-{}@example.org", i % 5),
                );
                input.add_selector(r, SelectorKind::Handle, &format!("telegram:n{n}_{}", i % 3));
            }
        }
        let a = input.record_index("n0-00").unwrap();
        let b = input.record_index("n1-00").unwrap();
        input.add_selector(a, SelectorKind::Wallet, "bc1qshared");
        input.add_selector(b, SelectorKind::Wallet, "bc1qshared");
        let linked = link(&input, &LinkConfig::default(), &HashMap::new()).unwrap();
        assert_eq!(linked.components, 1);
        assert_eq!(linked.components_split, 1);
        let s = sets(&linked);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s.iter().all(|g| g.len() == 40), "{s:?}");
        assert!(s.iter().all(|g| g.iter().all(|r| r[..2] == g[0][..2])));
        assert!(linked.clusters[0].community.is_some());
    }

    proptest! {
        /// Without large components, clusters are exactly the components of the record graph
        /// through strong selectors (checked by a naive flood fill).
        #[test]
        fn clusters_are_the_strong_selector_components(
            occ in proptest::collection::vec((0u32..40, 0u32..30, 0usize..3), 0..80)
        ) {
            let kinds = [SelectorKind::Phone, SelectorKind::Email, SelectorKind::Price];
            let mut input = LinkInput::new();
            for i in 0..40 {
                rec(&mut input, &format!("r{i:02}"));
            }
            for &(r, s, k) in &occ {
                input.add_selector(r, kinds[k], &format!("v{s}"));
            }
            let config = LinkConfig { hub_max_records: 1000, hub_min_records: 1000, ..LinkConfig::default() };
            let linked = link(&input, &config, &HashMap::new()).unwrap();
            // Naive: repeat merging groups that share a strong selector until stable.
            let mut label: Vec<usize> = (0..40).collect();
            loop {
                let mut changed = false;
                for &(r1, s1, k1) in &occ {
                    for &(r2, s2, k2) in &occ {
                        if k1 < 2 && k1 == k2 && s1 == s2 {
                            let (a, b) = (label[r1 as usize], label[r2 as usize]);
                            let (m, x) = (a.min(b), a.max(b));
                            if m != x {
                                for l in label.iter_mut().filter(|l| **l == x) {
                                    *l = m;
                                }
                                changed = true;
                            }
                        }
                    }
                }
                if !changed { break; }
            }
            let mut groups: HashMap<usize, Vec<String>> = HashMap::new();
            for (i, l) in label.iter().enumerate() {
                groups.entry(*l).or_default().push(format!("r{i:02}"));
            }
            let mut expected: Vec<Vec<String>> = groups.into_values().collect();
            expected.sort();
            prop_assert_eq!(sets(&linked), expected);
        }
    }
}
