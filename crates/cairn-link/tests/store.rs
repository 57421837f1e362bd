//! Linking against a real scan store (SQLite in a temporary data directory): versions mixed,
//! clusters replaced in one transaction, images linking through the pages that show them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap: a failure is the report

use cairn_core::{Finding, FindingKind, Provenance, Record, sha256_hex};
use cairn_link::{LinkConfig, link, source};
use cairn_store::{ClusterRow, DataDir, LinkRunWrite, MediaRecord, ScannedRecord, Store};
use std::collections::HashMap;

fn record(id: &str, text: &str) -> Record {
    let payload = text.as_bytes().to_vec();
    Record {
        id: id.into(),
        provenance: Provenance {
            source: "test.jsonl".into(),
            locator: format!("line:{id}"),
            url: Some(format!("https://ads.example/{id}")),
            captured_at: Some("2026-02-01T00:00:00Z".into()),
            warc_record_id: None,
            sha256: sha256_hex(&payload),
        },
        text: text.into(),
        content_type: None,
        region: Some("FR".into()),
        declared_lang: None,
        payload,
    }
}

fn finding(text: &str, kind: FindingKind, value: &str, needle: &str, rule: &str) -> Finding {
    let start = text.find(needle).unwrap();
    Finding::from_span(kind, value, text, start, start + needle.len(), rule).unwrap()
}

/// (record id, text, phone value) of one scan run.
type Ads<'a> = &'a [(&'a str, &'a str, &'a str)];

async fn store_with(runs: &[(&str, Ads<'_>)]) -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open_or_create(tmp.path().join("data")).unwrap();
    let store = Store::open(&dir).await.unwrap();
    for (lexicon, recs) in runs {
        let versions = serde_json::json!({"pipeline": "1", "lexicon": lexicon});
        let run = store.begin_run(&["test".into()], &versions).await.unwrap();
        let records: Vec<(Record, Vec<Finding>)> = recs
            .iter()
            .map(|(id, text, phone)| {
                let r = record(id, text);
                let f = vec![finding(text, FindingKind::Phone, phone, "06", "phone@1")];
                (r, f)
            })
            .collect();
        let batch: Vec<ScannedRecord> = records
            .iter()
            .map(|(r, f)| ScannedRecord {
                record: r,
                lang: "fr",
                findings: f,
            })
            .collect();
        store.insert_batch(run, &batch).await.unwrap();
    }
    (tmp, store)
}

#[tokio::test]
async fn mixed_lexicon_versions_are_named_and_linking_proceeds() {
    let (_tmp, store) = store_with(&[
        (
            "ads@2026.11.0",
            &[("a", "06 11", "+33611"), ("b", "06 11", "+33611")],
        ),
        ("ads@2026.12.0", &[("c", "06 11", "+33611")]),
    ])
    .await;
    let config = LinkConfig::default();
    let loaded = source::load(&store, &config).await.unwrap();
    assert_eq!(
        loaded.versions.mixed(),
        ["lexicon: ads@2026.11.0, ads@2026.12.0"]
    );
    let linked = link(&loaded.input, &config, &HashMap::new()).unwrap();
    assert_eq!(linked.clusters.len(), 1);
    assert_eq!(linked.clusters[0].size, 3);
}

/// A write that fails half-way (a record in two clusters breaks the primary key) leaves the
/// previous run's clusters as they were.
#[tokio::test]
async fn a_failed_link_write_leaves_the_previous_clusters_whole() {
    let (_tmp, store) = store_with(&[(
        "ads@1",
        &[("a", "06 11", "+33611"), ("b", "06 11", "+33611")],
    )])
    .await;
    let config = LinkConfig::default();
    let loaded = source::load(&store, &config).await.unwrap();
    let linked = link(&loaded.input, &config, &HashMap::new()).unwrap();
    source::save(&store, &linked, &config, &loaded.versions, 2)
        .await
        .unwrap();
    let before = store.clusters(1).await.unwrap();
    assert_eq!(before.len(), 1);

    let row = |id: &str| ClusterRow {
        id: id.into(),
        size: 1,
        first_seen: None,
        last_seen: None,
        summary: "{}".into(),
        members: vec!["a".into()],
    };
    let bad = LinkRunWrite {
        config: "{}".into(),
        records: 2,
        clusters: vec![row("c-1"), row("c-2")],
        ..Default::default()
    };
    assert!(store.save_link_run(&bad).await.is_err());
    assert_eq!(store.clusters(1).await.unwrap(), before);
    assert_eq!(store.link_membership().await.unwrap().len(), 2);
}

/// Two pages showing near-duplicate images (PDQ 1 bit apart) link through the image group.
#[tokio::test]
async fn near_duplicate_images_link_the_pages_that_show_them() {
    let (_tmp, store) = store_with(&[(
        "ads@1",
        &[("a", "06 11", "+33611"), ("b", "06 22", "+33622")],
    )])
    .await;
    // The pages link their photos: URL findings equal to the images' capture URLs.
    let run = store
        .begin_run(&["imgs".into()], &serde_json::json!({}))
        .await
        .unwrap();
    let mut media = Vec::new();
    for (i, (page, bit)) in [("a", 0u8), ("b", 1u8)].iter().enumerate() {
        let text = format!("photo https://img.example/{page}.jpg");
        let r = record(&format!("p{i}"), &text);
        let f = vec![finding(
            &text,
            FindingKind::Url,
            &format!("https://img.example/{page}.jpg"),
            "https",
            "url@1",
        )];
        store
            .insert_batch(
                run,
                &[ScannedRecord {
                    record: &r,
                    lang: "fr",
                    findings: &f,
                }],
            )
            .await
            .unwrap();
        let mut pdq = [0x5au8; 32];
        pdq[0] ^= bit;
        media.push(MediaRecord {
            provenance: Provenance {
                source: "imgs.warc".into(),
                locator: format!("offset:{i}"),
                url: Some(format!("https://img.example/{page}.jpg")),
                captured_at: None,
                warc_record_id: None,
                sha256: sha256_hex(page.as_bytes()),
            },
            sha256: sha256_hex(page.as_bytes()),
            md5: "0".repeat(32),
            sha1: "0".repeat(40),
            pdq: Some(hex::encode(pdq)),
            quality: Some(90),
            width: Some(100),
            height: Some(100),
        });
    }
    store.insert_media(run, &media).await.unwrap();
    let config = LinkConfig::default();
    let loaded = source::load(&store, &config).await.unwrap();
    assert_eq!(loaded.images, 2);
    let linked = link(&loaded.input, &config, &HashMap::new()).unwrap();
    let c = linked
        .clusters
        .iter()
        .find(|c| c.records.contains(&"p0".to_string()))
        .unwrap();
    assert_eq!(c.size, 2, "{c:?}");
    assert!(
        c.selectors
            .iter()
            .any(|s| s.kind == cairn_link::SelectorKind::ImageGroup && s.records == 2)
    );
}
