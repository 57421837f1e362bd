//! What linking works on: records, the selectors they carry, places, indicator categories.
//!
//! Kept apart from the store so that the same analysis runs on any source (the scan store, an
//! edge list, Arrow batches).

use cairn_core::IndicatorCategory;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// What a selector node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectorKind {
    Phone,
    Email,
    Handle,
    Wallet,
    Iban,
    /// Exact image (SHA-256).
    Image,
    /// Group of near-duplicate images (PDQ), named by its first image's SHA-256.
    ImageGroup,
    Place,
    Price,
    Url,
}

impl SelectorKind {
    pub const ALL: [SelectorKind; 10] = [
        Self::Phone,
        Self::Email,
        Self::Handle,
        Self::Wallet,
        Self::Iban,
        Self::Image,
        Self::ImageGroup,
        Self::Place,
        Self::Price,
        Self::Url,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Handle => "handle",
            Self::Wallet => "wallet",
            Self::Iban => "iban",
            Self::Image => "image",
            Self::ImageGroup => "image_group",
            Self::Place => "place",
            Self::Price => "price",
            Self::Url => "url",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Weak kinds (place, price, generic URL) never link records on their own, whatever the
    /// configuration says.
    pub fn may_link(self) -> bool {
        !matches!(self, Self::Place | Self::Price | Self::Url)
    }
}

/// A record as linking sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordMeta {
    pub id: String,
    pub url: Option<String>,
    /// RFC 3339 as stored.
    pub captured_at: Option<String>,
    pub lang: String,
    /// SHA-256 of the captured payload.
    pub sha256: String,
}

/// A gazetteer place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// GeoNames id.
    pub id: String,
    pub name: String,
    pub country: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// Records and what ties them, as dense indices.
#[derive(Debug, Clone, Default)]
pub struct LinkInput {
    pub records: Vec<RecordMeta>,
    /// Capture time of each record, Unix seconds (None: unknown or unparsable).
    pub times: Vec<Option<i64>>,
    pub selectors: Vec<(SelectorKind, String)>,
    selector_index: HashMap<(SelectorKind, String), u32>,
    record_index: HashMap<String, u32>,
    /// (record, selector) in the order found; one pair per mention (places are counted).
    pub occurrences: Vec<(u32, u32)>,
    /// Place details by GeoNames id.
    pub places: HashMap<String, Place>,
    /// (record, category) of every indicator finding.
    pub categories: Vec<(u32, IndicatorCategory)>,
    /// Rule-set versions met in findings (`id@version` → the distinct versions per rule family).
    pub rule_versions: BTreeSet<String>,
}

impl LinkInput {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a record (or returns the index of the one with this id).
    pub fn add_record(&mut self, meta: RecordMeta) -> u32 {
        if let Some(&i) = self.record_index.get(&meta.id) {
            return i;
        }
        let i = self.records.len() as u32;
        self.times.push(
            meta.captured_at
                .as_deref()
                .and_then(crate::time::parse_unix),
        );
        self.record_index.insert(meta.id.clone(), i);
        self.records.push(meta);
        i
    }

    pub fn record_index(&self, id: &str) -> Option<u32> {
        self.record_index.get(id).copied()
    }

    pub fn selector_index(&self, kind: SelectorKind, value: &str) -> Option<u32> {
        self.selector_index.get(&(kind, value.to_owned())).copied()
    }

    /// Notes that a record carries a selector.
    pub fn add_selector(&mut self, record: u32, kind: SelectorKind, value: &str) -> u32 {
        let key = (kind, value.to_owned());
        let s = match self.selector_index.get(&key) {
            Some(&s) => s,
            None => {
                let s = self.selectors.len() as u32;
                self.selectors.push(key.clone());
                self.selector_index.insert(key, s);
                s
            }
        };
        self.occurrences.push((record, s));
        s
    }

    /// Notes that a record names a place.
    pub fn add_place(&mut self, record: u32, place: Place) {
        let id = place.id.clone();
        self.places.entry(id.clone()).or_insert(place);
        self.add_selector(record, SelectorKind::Place, &id);
    }

    pub fn add_category(&mut self, record: u32, category: IndicatorCategory) {
        self.categories.push((record, category));
    }

    /// Display name of a place id (the id itself when unknown).
    pub fn place_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.places.get(id).map_or(id, |p| p.name.as_str())
    }
}

/// Compressed adjacency: for each key, a slice of values.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    pub offsets: Vec<usize>,
    pub values: Vec<u32>,
}

impl Csr {
    /// Builds from (key, value) pairs; each key's values sorted and deduplicated.
    pub fn build(n: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Self {
        let mut counts = vec![0usize; n + 1];
        for (k, _) in pairs.clone() {
            counts[k as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut fill = counts.clone();
        let mut values = vec![0u32; counts[n]];
        for (k, v) in pairs {
            values[fill[k as usize]] = v;
            fill[k as usize] += 1;
        }
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        let mut out = 0usize;
        for k in 0..n {
            let slice = &mut values[counts[k]..counts[k + 1]];
            slice.sort_unstable();
            let mut last = None;
            for i in counts[k]..counts[k + 1] {
                let v = values[i];
                if last != Some(v) {
                    values[out] = v;
                    out += 1;
                    last = Some(v);
                }
            }
            offsets.push(out);
        }
        values.truncate(out);
        Self { offsets, values }
    }

    pub fn get(&self, k: usize) -> &[u32] {
        &self.values[self.offsets[k]..self.offsets[k + 1]]
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
