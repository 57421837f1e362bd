//! Every threshold of linking, in one serde struct (TOML or JSON file).

use crate::LinkError;
use crate::input::SelectorKind;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkConfig {
    /// Selector kinds that link records. Place, price and URL may not be listed: they never link
    /// on their own.
    pub strong_kinds: Vec<SelectorKind>,
    /// A selector in more records than this is common (a hub) whatever its contexts.
    pub hub_max_records: usize,
    /// From this many records on, a selector is common when it joins many unrelated contexts.
    pub hub_min_records: usize,
    /// Unrelated contexts (groups of its records tied by nothing else) that make a selector common.
    pub hub_min_contexts: usize,
    /// ... and they must be at least this share of its records that carry another strong selector
    /// (a network's own phone co-occurs with few groups, a support line with one per ad).
    pub hub_min_context_share: f64,
    /// Components of at least this many records are split by community detection.
    pub community_min_records: usize,
    /// Resolution of modularity (1.0 is the classic definition).
    pub community_resolution: f64,
    /// A split is kept only when its modularity reaches this.
    pub community_min_modularity: f64,
    /// Touring: the same selector advertised in this many cities ...
    pub touring_min_cities: usize,
    /// ... within this many days.
    pub touring_window_days: i64,
    /// Images whose PDQ hashes are at most this far apart are near-duplicates.
    pub pdq_max_distance: u32,
    /// PDQ hashes of lower quality are ignored (flat or tiny images).
    pub pdq_min_quality: u32,
}

impl Default for LinkConfig {
    fn default() -> Self {
        Self {
            strong_kinds: SelectorKind::ALL
                .into_iter()
                .filter(|k| k.may_link())
                .collect(),
            hub_max_records: 50,
            hub_min_records: 8,
            hub_min_contexts: 5,
            hub_min_context_share: 0.25,
            community_min_records: 64,
            community_resolution: 1.0,
            community_min_modularity: 0.3,
            touring_min_cities: 3,
            touring_window_days: 30,
            pdq_max_distance: 31,
            pdq_min_quality: 50,
        }
    }
}

impl LinkConfig {
    /// Reads a TOML file (`.toml`) or JSON file (anything else), missing fields at their defaults.
    pub fn from_file(path: &Path) -> Result<Self, LinkError> {
        let text = std::fs::read_to_string(path).map_err(|source| LinkError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let bad = |message: String| LinkError::Config {
            path: path.to_path_buf(),
            message,
        };
        let config: Self = if path.extension().is_some_and(|e| e == "toml") {
            toml::from_str(&text).map_err(|e| bad(e.to_string()))?
        } else {
            serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?
        };
        config.validate().map_err(|e| bad(e.to_string()))?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), LinkError> {
        if let Some(k) = self.strong_kinds.iter().find(|k| !k.may_link()) {
            return Err(LinkError::InvalidConfig(format!(
                "strong_kinds: {} never links on its own",
                k.as_str()
            )));
        }
        if self.hub_min_records < 2 || self.hub_max_records < self.hub_min_records {
            return Err(LinkError::InvalidConfig(
                "hub_min_records must be >= 2 and <= hub_max_records".into(),
            ));
        }
        if !(0.0..=1.0).contains(&self.hub_min_context_share) {
            return Err(LinkError::InvalidConfig(
                "hub_min_context_share must be between 0 and 1".into(),
            ));
        }
        if self.community_resolution <= 0.0 || self.community_resolution.is_nan() {
            return Err(LinkError::InvalidConfig(
                "community_resolution must be positive".into(),
            ));
        }
        if self.touring_min_cities < 2 || self.touring_window_days < 1 {
            return Err(LinkError::InvalidConfig(
                "touring_min_cities must be >= 2 and touring_window_days >= 1".into(),
            ));
        }
        Ok(())
    }

    pub fn is_strong(&self, kind: SelectorKind) -> bool {
        self.strong_kinds.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn toml_and_json_files_override_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("link.toml");
        std::fs::write(&t, "hub_max_records = 12\ntouring_min_cities = 4\n").unwrap();
        let c = LinkConfig::from_file(&t).unwrap();
        assert_eq!(c.hub_max_records, 12);
        assert_eq!(c.touring_min_cities, 4);
        assert_eq!(c.pdq_max_distance, LinkConfig::default().pdq_max_distance);
        let j = dir.path().join("link.json");
        std::fs::write(&j, r#"{"strong_kinds":["phone","email"]}"#).unwrap();
        let c = LinkConfig::from_file(&j).unwrap();
        assert_eq!(
            c.strong_kinds,
            vec![SelectorKind::Phone, SelectorKind::Email]
        );
    }

    #[test]
    fn weak_kinds_and_unknown_fields_are_refused_with_the_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let j = dir.path().join("bad.json");
        std::fs::write(&j, r#"{"strong_kinds":["place"]}"#).unwrap();
        let e = LinkConfig::from_file(&j).unwrap_err().to_string();
        assert!(e.contains("bad.json") && e.contains("place"), "{e}");
        std::fs::write(&j, r#"{"hub_max":3}"#).unwrap();
        let e = LinkConfig::from_file(&j).unwrap_err().to_string();
        assert!(e.contains("bad.json") && e.contains("hub_max"), "{e}");
    }
}
