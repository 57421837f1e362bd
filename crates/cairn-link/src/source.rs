//! Reading the scan store into a [`LinkInput`], and writing clusters back.

use crate::LinkError;
use crate::cluster::Linked;
use crate::config::LinkConfig;
use crate::input::{LinkInput, Place, RecordMeta, SelectorKind};
use crate::unionfind::UnionFind;
use cairn_core::IndicatorCategory;
use cairn_media::{IndexBuilder, ListEntry, ListSink, PdqHash};
use cairn_store::{ClusterRow, CommonSelectorRow, LinkMediaRow, LinkRunWrite, Store};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

/// The rule-set versions the store's records were scanned with: rule set → versions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versions(pub BTreeMap<String, BTreeSet<String>>);

impl Versions {
    /// Rule sets met with more than one version, e.g. `lexicon: a@1, a@2`.
    pub fn mixed(&self) -> Vec<String> {
        self.0
            .iter()
            .filter(|(_, v)| v.len() > 1)
            .map(|(k, v)| format!("{k}: {}", v.iter().cloned().collect::<Vec<_>>().join(", ")))
            .collect()
    }

    /// Flat `set=version` list, for the link run row.
    pub fn flat(&self) -> Vec<String> {
        self.0
            .iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| format!("{k}={v}")))
            .collect()
    }
}

/// What was read, besides the input.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub input: LinkInput,
    pub versions: Versions,
    pub images: usize,
}

/// Reads records, findings and media hashes from the scan store.
pub async fn load(store: &Store, config: &LinkConfig) -> Result<Loaded, LinkError> {
    let mut input = LinkInput::new();
    for r in store.link_records().await? {
        input.add_record(RecordMeta {
            id: r.id,
            url: r.url,
            captured_at: r.captured_at,
            lang: r.lang,
            sha256: r.sha256,
        });
    }
    let mut record_urls: Vec<(u32, String)> = Vec::new();
    for f in store.link_findings().await? {
        let Some(r) = input.record_index(&f.record_id) else {
            continue;
        };
        match f.kind.as_str() {
            "indicator" => {
                if let Some(c) = f
                    .category
                    .as_deref()
                    .and_then(|c| IndicatorCategory::from_str(c).ok())
                {
                    input.add_category(r, c);
                }
                input.rule_versions.insert(f.rule);
            }
            "place" => {
                let detail: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&f.detail).unwrap_or_default();
                let text = |k: &str| {
                    detail
                        .get(k)
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .to_owned()
                };
                let name = text("name");
                input.add_place(
                    r,
                    Place {
                        name: if name.is_empty() {
                            f.value.clone()
                        } else {
                            name
                        },
                        country: text("country"),
                        lat: detail.get("lat").and_then(serde_json::Value::as_f64),
                        lon: detail.get("lon").and_then(serde_json::Value::as_f64),
                        id: f.value,
                    },
                );
            }
            kind => {
                if let Some(k) = SelectorKind::parse(kind) {
                    if k == SelectorKind::Url {
                        record_urls.push((r, f.value.clone()));
                    }
                    input.add_selector(r, k, &f.value);
                }
            }
        }
    }
    let media = store.link_media().await?;
    let images = add_images(&mut input, &record_urls, &media, config)?;
    let mut versions = Versions::default();
    for v in store.scan_versions().await? {
        let obj: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&v).unwrap_or_default();
        for (k, v) in obj {
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            versions.0.entry(k).or_default().insert(v);
        }
    }
    Ok(Loaded {
        input,
        versions,
        images,
    })
}

/// Images tie to the records whose page links them (a URL finding equal to the URL the image was
/// captured from). Each image is a selector (its SHA-256); near-duplicates (PDQ within the
/// configured distance, quality high enough, found with cairn-media's multi-index hashing) also
/// share an image-group selector. Returns the number of distinct images.
fn add_images(
    input: &mut LinkInput,
    record_urls: &[(u32, String)],
    media: &[LinkMediaRow],
    config: &LinkConfig,
) -> Result<usize, LinkError> {
    let mut by_url: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut shas: Vec<&str> = Vec::new();
    let mut pdq: Vec<Option<[u8; 32]>> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for m in media {
        let i = *index.entry(m.sha256.as_str()).or_insert_with(|| {
            shas.push(m.sha256.as_str());
            let good = m
                .quality
                .is_some_and(|q| q >= i64::from(config.pdq_min_quality));
            pdq.push(
                m.pdq
                    .as_deref()
                    .filter(|_| good)
                    .and_then(|h| hex::decode(h).ok())
                    .and_then(|b| <[u8; 32]>::try_from(b).ok()),
            );
            shas.len() - 1
        });
        if let Some(u) = m.url.as_deref() {
            by_url.entry(u).or_default().push(i);
        }
    }
    // Entry number = image number; images without a usable PDQ get an entry without one.
    let mut builder = IndexBuilder::new();
    for (i, h) in pdq.iter().enumerate() {
        builder.entry(
            ListEntry {
                id: i.to_string(),
                pdq: h.map(PdqHash),
                ..Default::default()
            },
            "",
        );
    }
    let (index, _) = builder.build()?;
    let mut uf = UnionFind::new(shas.len());
    let mut found = Vec::new();
    for (a, h) in pdq.iter().enumerate() {
        let Some(h) = h else { continue };
        found.clear();
        index.search_pdq(&PdqHash(*h), config.pdq_max_distance, &mut found);
        for m in &found {
            uf.union(a as u32, m.entry);
        }
    }
    let mut group_name: HashMap<u32, &str> = HashMap::new();
    for (i, sha) in shas.iter().enumerate() {
        if uf.set_size(i as u32) > 1 {
            let root = uf.find(i as u32);
            let name = group_name.entry(root).or_insert(sha);
            if *sha < *name {
                *name = sha;
            }
        }
    }
    for (r, url) in record_urls {
        let Some(imgs) = by_url.get(url.as_str()) else {
            continue;
        };
        for &i in imgs {
            input.add_selector(*r, SelectorKind::Image, shas[i]);
            if let Some(name) = group_name.get(&uf.find(i as u32)) {
                input.add_selector(*r, SelectorKind::ImageGroup, name);
            }
        }
    }
    Ok(shas.len())
}

/// Record id → cluster id of the last link run.
pub async fn previous_membership(store: &Store) -> Result<HashMap<String, String>, LinkError> {
    Ok(store.link_membership().await?.into_iter().collect())
}

/// Writes a link run (all clusters, singletons included, and the common selectors) in one
/// transaction.
pub async fn save(
    store: &Store,
    linked: &Linked,
    config: &LinkConfig,
    versions: &Versions,
    records: usize,
) -> Result<(), LinkError> {
    let clusters = linked
        .clusters
        .iter()
        .map(|c| {
            let mut members = c.records.clone();
            members.sort_unstable();
            ClusterRow {
                id: c.id.clone(),
                size: c.size as u64,
                first_seen: c.first_seen.clone(),
                last_seen: c.last_seen.clone(),
                summary: serde_json::to_string(c).unwrap_or_else(|_| "{}".into()),
                members,
            }
        })
        .collect();
    let common = linked
        .common
        .iter()
        .map(|c| CommonSelectorRow {
            kind: c.kind.as_str().to_owned(),
            value: c.value.clone(),
            records: c.records as u64,
            contexts: c.contexts as u64,
        })
        .collect();
    store
        .save_link_run(&LinkRunWrite {
            config: serde_json::to_string(config).unwrap_or_else(|_| "{}".into()),
            versions: versions.flat(),
            records: records as u64,
            clusters,
            common,
        })
        .await?;
    Ok(())
}

/// The stored clusters (summaries parsed back), at least `min_size` records, largest first.
pub async fn stored_clusters(
    store: &Store,
    min_size: usize,
) -> Result<Vec<crate::Cluster>, LinkError> {
    store
        .clusters(min_size as u64)
        .await?
        .into_iter()
        .map(|row| parse_summary(&row))
        .collect()
}

pub async fn stored_cluster(store: &Store, id: &str) -> Result<Option<crate::Cluster>, LinkError> {
    store
        .cluster(id)
        .await?
        .as_ref()
        .map(parse_summary)
        .transpose()
}

pub async fn stored_common(store: &Store) -> Result<Vec<crate::CommonReport>, LinkError> {
    Ok(store
        .common_selectors()
        .await?
        .into_iter()
        .filter_map(|c| {
            Some(crate::CommonReport {
                kind: SelectorKind::parse(&c.kind)?,
                value: c.value,
                records: c.records as usize,
                contexts: c.contexts as usize,
            })
        })
        .collect())
}

fn parse_summary(row: &ClusterRow) -> Result<crate::Cluster, LinkError> {
    serde_json::from_str(&row.summary).map_err(|e| LinkError::Invalid {
        what: format!("stored cluster {}", row.id),
        message: e.to_string(),
    })
}
