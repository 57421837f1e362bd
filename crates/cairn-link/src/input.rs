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
    selector_index: HashIndex,
    record_index: HashIndex,
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
        let records = &self.records;
        let h = self.record_index.hash(&meta.id);
        if let Some(i) = self
            .record_index
            .find(h, |i| records[i as usize].id == meta.id)
        {
            return i;
        }
        let i = self.records.len() as u32;
        self.times.push(
            meta.captured_at
                .as_deref()
                .and_then(crate::time::parse_unix),
        );
        self.record_index.insert(h, i);
        self.records.push(meta);
        i
    }

    pub fn record_index(&self, id: &str) -> Option<u32> {
        let records = &self.records;
        let h = self.record_index.hash(id);
        self.record_index.find(h, |i| records[i as usize].id == id)
    }

    pub fn selector_index(&self, kind: SelectorKind, value: &str) -> Option<u32> {
        let selectors = &self.selectors;
        let h = self.selector_index.hash(&(kind, value));
        self.selector_index.find(h, |i| {
            let (k, v) = &selectors[i as usize];
            *k == kind && v == value
        })
    }

    /// Notes that a record carries a selector.
    pub fn add_selector(&mut self, record: u32, kind: SelectorKind, value: &str) -> u32 {
        let s = match self.selector_index(kind, value) {
            Some(s) => s,
            None => {
                let s = self.selectors.len() as u32;
                let h = self.selector_index.hash(&(kind, value));
                self.selectors.push((kind, value.to_owned()));
                self.selector_index.insert(h, s);
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

/// Index from a key's hash to the positions holding it: the keys themselves stay in their vector
/// only (at 10M records and 13M selectors, a second copy of every string costs about a gigabyte).
#[derive(Debug, Clone, Default)]
struct HashIndex {
    state: std::hash::RandomState,
    /// Hash → first position; further positions with the same hash (collisions) in `more`.
    first: HashMap<u64, u32>,
    more: HashMap<u64, Vec<u32>>,
}

impl HashIndex {
    fn hash<T: std::hash::Hash + ?Sized>(&self, key: &T) -> u64 {
        std::hash::BuildHasher::hash_one(&self.state, key)
    }

    fn find(&self, h: u64, is_it: impl Fn(u32) -> bool) -> Option<u32> {
        let first = *self.first.get(&h)?;
        if is_it(first) {
            return Some(first);
        }
        self.more.get(&h)?.iter().copied().find(|&i| is_it(i))
    }

    /// Adds a position for a key not yet indexed.
    fn insert(&mut self, h: u64, i: u32) {
        match self.first.entry(h) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.more.entry(h).or_default().push(i);
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
        }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn colliding_hashes_still_find_their_own_key() {
        let keys = ["a", "b", "c"];
        let mut index = HashIndex::default();
        for i in 0..3 {
            index.insert(7, i);
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(index.find(7, |j| keys[j as usize] == *k), Some(i as u32));
        }
        assert_eq!(index.find(7, |_| false), None);
        assert_eq!(index.find(8, |_| true), None);
    }

    proptest! {
        /// Interning gives one index per distinct (kind, value) and finds it again.
        #[test]
        fn interning_is_one_to_one(values in proptest::collection::vec(("[a-c]{0,3}", 0usize..3), 0..60)) {
            let kinds = [SelectorKind::Phone, SelectorKind::Email, SelectorKind::Place];
            let mut input = LinkInput::new();
            let r = input.add_record(RecordMeta { id: "r".into(), ..Default::default() });
            let mut seen: HashMap<(SelectorKind, String), u32> = HashMap::new();
            for (v, k) in &values {
                let s = input.add_selector(r, kinds[*k], v);
                let expected = *seen.entry((kinds[*k], v.clone())).or_insert(s);
                prop_assert_eq!(s, expected);
                prop_assert_eq!(input.selector_index(kinds[*k], v), Some(s));
            }
            prop_assert_eq!(input.selectors.len(), seen.len());
            prop_assert_eq!(input.add_record(RecordMeta { id: "r".into(), ..Default::default() }), r);
            prop_assert_eq!(input.record_index("r"), Some(r));
            prop_assert_eq!(input.record_index("x"), None);
        }
    }
}
