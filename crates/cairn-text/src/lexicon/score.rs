//! A record's indicator score: per category, the sum of the weights of the distinct entries
//! found, capped; the total is the sum of the category scores. Every number comes with the
//! entries that produced it, so the score is never an opaque number.

use std::collections::BTreeMap;

use cairn_core::{Finding, FindingKind, IndicatorCategory};
use serde::Serialize;

/// Most a single category contributes, so that one kind of sign repeated in many words cannot
/// outweigh several different kinds of signs.
pub const CATEGORY_CAP: f32 = 3.0;

/// Weight used for an indicator finding that carries no `weight` detail.
pub const DEFAULT_WEIGHT: f32 = 1.0;

/// One category's share of a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryScore {
    pub category: IndicatorCategory,
    /// `min(CATEGORY_CAP, sum of the weights of `entries`)`.
    pub score: f32,
    /// Distinct entry ids (finding values) of this category, in order of first appearance.
    pub entries: Vec<String>,
}

/// Indicator score of one record.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct IndicatorScore {
    /// Sum of the category scores.
    pub total: f32,
    /// Categories found, highest score first (ties in category order).
    pub per_category: Vec<CategoryScore>,
}

/// Scores a record's findings. Only `indicator` findings with a category count; an entry found
/// several times counts once.
pub fn score(findings: &[Finding]) -> IndicatorScore {
    let mut by_cat: BTreeMap<IndicatorCategory, (f32, Vec<String>)> = BTreeMap::new();
    for f in findings {
        let (FindingKind::Indicator, Some(cat)) = (f.kind, f.category) else {
            continue;
        };
        let weight = f
            .detail
            .get("weight")
            .and_then(serde_json::Value::as_f64)
            .filter(|w| w.is_finite() && *w >= 0.0)
            .map_or(DEFAULT_WEIGHT, |w| w as f32);
        let slot = by_cat.entry(cat).or_default();
        if !slot.1.contains(&f.value) {
            slot.0 += weight;
            slot.1.push(f.value.clone());
        }
    }
    let mut per_category: Vec<CategoryScore> = by_cat
        .into_iter()
        .map(|(category, (sum, entries))| CategoryScore {
            category,
            score: sum.min(CATEGORY_CAP),
            entries,
        })
        .collect();
    per_category.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.category.cmp(&b.category))
    });
    let total = per_category.iter().map(|c| c.score).sum();
    IndicatorScore {
        total,
        per_category,
    }
}
