//! Timelines and mobility: where and when a cluster's records were posted, the moves between
//! cities, and touring (one selector advertised in several cities within a short window).

use crate::input::{LinkInput, SelectorKind};
use crate::time::DAY;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub time: Option<String>,
    pub record: String,
    /// The record's main place (most mentioned, first on ties), by name.
    pub place: Option<String>,
    pub place_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Move {
    pub from: String,
    pub to: String,
    /// Capture time of the first record in the new city.
    pub date: Option<String>,
    pub from_id: String,
    pub to_id: String,
    /// That record.
    pub record: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Touring {
    pub kind: SelectorKind,
    pub value: String,
    /// Distinct cities in the window, in time order.
    pub cities: Vec<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub records: usize,
}

/// Record indices ordered by capture time (unknown times last), then id.
pub fn order_by_time(input: &LinkInput, members: &mut [u32]) {
    members.sort_by(|&a, &b| {
        let (ta, tb) = (input.times[a as usize], input.times[b as usize]);
        ta.is_none()
            .cmp(&tb.is_none())
            .then(ta.cmp(&tb))
            .then_with(|| {
                input.records[a as usize]
                    .id
                    .cmp(&input.records[b as usize].id)
            })
    });
}

/// The (time, place) sequence of records already ordered by time.
pub fn timeline(input: &LinkInput, ordered: &[u32], primary: &[Option<u32>]) -> Vec<TimelineEntry> {
    ordered
        .iter()
        .map(|&r| {
            let place_id = primary[r as usize].map(|s| input.selectors[s as usize].1.clone());
            TimelineEntry {
                time: input.records[r as usize].captured_at.clone(),
                record: input.records[r as usize].id.clone(),
                place: place_id.as_deref().map(|p| input.place_name(p).to_owned()),
                place_id,
            }
        })
        .collect()
}

/// Moves between cities along a timeline: one each time the main place changes (records without
/// a time or a place are skipped).
pub fn moves(input: &LinkInput, ordered: &[u32], primary: &[Option<u32>]) -> Vec<Move> {
    let mut out = Vec::new();
    let mut here: Option<u32> = None;
    for &r in ordered {
        let (Some(_), Some(p)) = (input.times[r as usize], primary[r as usize]) else {
            continue;
        };
        if let Some(h) = here
            && h != p
        {
            let (from_id, to_id) = (
                &input.selectors[h as usize].1,
                &input.selectors[p as usize].1,
            );
            out.push(Move {
                from: input.place_name(from_id).to_owned(),
                to: input.place_name(to_id).to_owned(),
                date: input.records[r as usize].captured_at.clone(),
                from_id: from_id.clone(),
                to_id: to_id.clone(),
                record: input.records[r as usize].id.clone(),
            });
        }
        here = Some(p);
    }
    out
}

/// Touring: for each given selector, the first window of `window_days` in which its records name
/// at least `min_cities` distinct main places.
pub fn touring(
    input: &LinkInput,
    selectors: &[(u32, Vec<u32>)],
    primary: &[Option<u32>],
    min_cities: usize,
    window_days: i64,
) -> Vec<Touring> {
    let mut out = Vec::new();
    for (s, records) in selectors {
        let mut points: Vec<(i64, u32, u32)> = records
            .iter()
            .filter_map(|&r| Some((input.times[r as usize]?, primary[r as usize]?, r)))
            .collect();
        points.sort_unstable();
        if let Some((lo, hi)) = widest_window(&points, min_cities, window_days * DAY) {
            let mut cities: Vec<String> = Vec::new();
            for &(_, p, _) in &points[lo..=hi] {
                let name = input.place_name(&input.selectors[p as usize].1).to_owned();
                if !cities.contains(&name) {
                    cities.push(name);
                }
            }
            let (kind, value) = &input.selectors[*s as usize];
            out.push(Touring {
                kind: *kind,
                value: value.clone(),
                cities,
                from: input.records[points[lo].2 as usize].captured_at.clone(),
                to: input.records[points[hi].2 as usize].captured_at.clone(),
                records: hi - lo + 1,
            });
        }
    }
    out
}

/// First window (two pointers over time-sorted points) with the most distinct places, if it
/// reaches `min_places`.
fn widest_window(
    points: &[(i64, u32, u32)],
    min_places: usize,
    span: i64,
) -> Option<(usize, usize)> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    let mut best: Option<(usize, usize, usize)> = None;
    let mut lo = 0;
    for hi in 0..points.len() {
        *counts.entry(points[hi].1).or_default() += 1;
        while points[hi].0 - points[lo].0 > span {
            let p = points[lo].1;
            if let Some(c) = counts.get_mut(&p) {
                *c -= 1;
                if *c == 0 {
                    counts.remove(&p);
                }
            }
            lo += 1;
        }
        if counts.len() >= min_places && best.is_none_or(|b| counts.len() > b.0) {
            best = Some((counts.len(), lo, hi));
        }
    }
    best.map(|(_, lo, hi)| (lo, hi))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::input::{Place, RecordMeta};
    use proptest::prelude::*;

    fn input_with(ads: &[(&str, &str, &str)]) -> (LinkInput, Vec<Option<u32>>) {
        let mut input = LinkInput::new();
        let mut primary = Vec::new();
        for (id, time, city) in ads {
            let r = input.add_record(RecordMeta {
                id: id.to_string(),
                captured_at: Some(time.to_string()),
                ..Default::default()
            });
            input.add_place(
                r,
                Place {
                    id: format!("g-{city}"),
                    name: city.to_string(),
                    country: "XX".into(),
                    lat: None,
                    lon: None,
                },
            );
            primary.push(input.selector_index(SelectorKind::Place, &format!("g-{city}")));
        }
        (input, primary)
    }

    #[test]
    fn moves_follow_time_not_input_order() {
        let (input, primary) = input_with(&[
            ("c", "2026-03-10T00:00:00Z", "Paris"),
            ("a", "2026-03-01T00:00:00Z", "Bucharest"),
            ("b", "2026-03-05T00:00:00Z", "Vienna"),
            ("d", "2026-03-11T00:00:00Z", "Paris"),
        ]);
        let mut ordered = vec![0, 1, 2, 3];
        order_by_time(&input, &mut ordered);
        let m = moves(&input, &ordered, &primary);
        let pairs: Vec<(&str, &str)> = m.iter().map(|m| (m.from.as_str(), m.to.as_str())).collect();
        assert_eq!(pairs, [("Bucharest", "Vienna"), ("Vienna", "Paris")]);
        assert_eq!(m[1].date.as_deref(), Some("2026-03-10T00:00:00Z"));
    }

    #[test]
    fn touring_needs_the_cities_within_the_window() {
        let (input, primary) = input_with(&[
            ("a", "2026-03-01T00:00:00Z", "Lyon"),
            ("b", "2026-03-20T00:00:00Z", "Nice"),
            ("c", "2026-05-01T00:00:00Z", "Paris"),
        ]);
        let t = touring(&input, &[(0, vec![0, 1, 2])], &primary, 3, 30);
        assert!(t.is_empty());
        let t = touring(&input, &[(0, vec![0, 1, 2])], &primary, 3, 90);
        assert_eq!(t[0].cities, ["Lyon", "Nice", "Paris"]);
        assert_eq!(t[0].records, 3);
    }

    proptest! {
        /// Moves come out in time order and each starts where the previous one ended.
        #[test]
        fn moves_are_ordered_and_chained(days in proptest::collection::vec((0u32..60, 0usize..4), 1..40)) {
            let cities = ["Paris", "Lyon", "Brussels", "Vienna"];
            let ads: Vec<(String, String, &str)> = days.iter().enumerate()
                .map(|(i, (d, c))| (format!("r{i:03}"), format!("2026-01-{:02}T{:02}:00:00Z", d / 2 + 1, (d % 2) * 12), cities[*c]))
                .collect();
            let refs: Vec<(&str, &str, &str)> = ads.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), *c)).collect();
            let (input, primary) = input_with(&refs);
            let mut ordered: Vec<u32> = (0..ads.len() as u32).collect();
            order_by_time(&input, &mut ordered);
            let m = moves(&input, &ordered, &primary);
            for w in m.windows(2) {
                prop_assert!(w[0].date <= w[1].date);
                prop_assert_eq!(&w[0].to, &w[1].from);
            }
            for mv in &m {
                prop_assert_ne!(&mv.from, &mv.to);
            }
        }
    }
}
