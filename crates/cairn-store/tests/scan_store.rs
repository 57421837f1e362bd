//! The scan store on a real SQLite file: idempotent re-scans, search, evidence integrity.

use cairn_core::{Finding, FindingKind, Provenance, Record, derive_record_id, sha256_hex};
use cairn_store::{DataDir, ScannedRecord, Store};

fn record(text: &str, source: &str, locator: &str, url: &str, at: &str) -> Record {
    let payload = format!("<p>{text}</p>").into_bytes();
    let sha = sha256_hex(&payload);
    Record {
        id: derive_record_id(&sha, Some(url), Some(at)),
        provenance: Provenance {
            source: source.into(),
            locator: locator.into(),
            url: Some(url.into()),
            captured_at: Some(at.into()),
            warc_record_id: None,
            sha256: sha,
        },
        text: text.into(),
        content_type: Some("text/html".into()),
        region: None,
        declared_lang: None,
        payload,
    }
}

fn phone(text: &str, value: &str) -> Vec<Finding> {
    let start = text.find("06").unwrap_or(0);
    Finding::from_span(
        FindingKind::Phone,
        value,
        text,
        start,
        start + 14,
        "phone@1",
    )
    .into_iter()
    .collect()
}

#[tokio::test]
async fn rescanning_adds_nothing_and_search_finds_every_record()
-> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = DataDir::open_or_create(tmp.path().join("data"))?;
    let store = Store::open(&dir).await?;
    let a = record(
        "Lyon: 06 12 34 56 78",
        "a.warc.gz",
        "offset:0",
        "https://ads.example/1",
        "2024-03-01T10:00:00Z",
    );
    let b = record(
        "Paris: 06 12 34 56 78",
        "a.warc.gz",
        "offset:900",
        "https://ads.example/2",
        "2024-02-01T10:00:00Z",
    );
    let fa = phone(&a.text, "+33612345678");
    let fb = phone(&b.text, "+33612345678");
    let batch = [
        ScannedRecord {
            record: &a,
            lang: "fr",
            findings: &fa,
        },
        ScannedRecord {
            record: &b,
            lang: "fr",
            findings: &fb,
        },
    ];
    let run = store
        .begin_run(&["a.warc.gz".into()], &serde_json::json!({"phone": "1"}))
        .await?;
    assert_eq!(store.insert_batch(run, &batch).await?, (2, 0));
    let run2 = store
        .begin_run(&["a.warc.gz".into()], &serde_json::json!({"phone": "1"}))
        .await?;
    assert_eq!(store.insert_batch(run2, &batch).await?, (0, 2));
    assert_eq!(store.count_records().await?, 2);

    let hits = store
        .search(Some(FindingKind::Phone), "+33612345678")
        .await?;
    assert_eq!(hits.len(), 2);
    // Oldest capture first.
    assert_eq!(hits[0].record, b.id);
    assert_eq!(hits[0].evidence, "06 12 34 56 78");
    assert_eq!(hits[1].occurrences.len(), 1);
    assert!(store.search(None, "+33600000000").await?.is_empty());

    let stored = store.record(&a.id).await?.ok_or("record missing")?;
    assert_eq!(stored.findings, fa);
    assert_eq!(store.evidence().get(&stored.sha256)?, a.payload);
    Ok(())
}

#[tokio::test]
async fn a_copy_of_the_same_capture_in_another_file_is_one_record_seen_twice()
-> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = DataDir::open_or_create(tmp.path())?;
    let store = Store::open(&dir).await?;
    let a = record(
        "x",
        "one.warc",
        "offset:0",
        "https://ads.example/1",
        "2024-03-01T10:00:00Z",
    );
    let mut copy = a.clone();
    copy.provenance.source = "two.warc".into();
    let run = store.begin_run(&[], &serde_json::json!({})).await?;
    let batch = [
        ScannedRecord {
            record: &a,
            lang: "und",
            findings: &[],
        },
        ScannedRecord {
            record: &copy,
            lang: "und",
            findings: &[],
        },
    ];
    assert_eq!(store.insert_batch(run, &batch).await?, (1, 1));
    let stored = store.record(&a.id).await?.ok_or("record missing")?;
    assert_eq!(stored.occurrences.len(), 2);
    Ok(())
}

#[tokio::test]
async fn a_payload_that_does_not_match_its_digest_is_refused()
-> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let store = Store::open(&DataDir::open_or_create(tmp.path())?).await?;
    let mut a = record(
        "x",
        "one.warc",
        "offset:0",
        "https://ads.example/1",
        "2024-03-01T10:00:00Z",
    );
    a.payload.push(b'!');
    let run = store.begin_run(&[], &serde_json::json!({})).await?;
    assert!(
        store
            .insert_batch(
                run,
                &[ScannedRecord {
                    record: &a,
                    lang: "und",
                    findings: &[]
                }]
            )
            .await
            .is_err()
    );
    assert_eq!(store.count_records().await?, 0);
    Ok(())
}
