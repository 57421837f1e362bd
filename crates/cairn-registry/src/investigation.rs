//! Read side of the investigation screens: scan runs and their reports, one record with its
//! provenance and findings, one cluster's members and their selectors (for the graph and the
//! timeline), and the images met while scanning (hashes, and where they were met).
//!
//! Analysts only, as for clusters and signals. Reads of collected content (a record's text, a
//! report's selectors, a cluster's members) are audited like the case pages; so is every request
//! to see a collected image unblurred, with its optional reason.

use crate::RegistryError;
use crate::audit::{Actor, AuditEvent, Outcome};
use crate::db::on_pool;
use crate::model::Role;
use crate::registry::Registry;
use serde::Serialize;

/// Most selectors a scan report lists.
pub const REPORT_TOP_SELECTORS: i64 = 50;
/// Most record ids listed under one selector of a report.
pub const REPORT_RECORDS_PER_SELECTOR: usize = 20;
/// Most records a cluster view reads (its graph and timeline).
pub const MAX_CLUSTER_MEMBERS: i64 = 2000;
/// Most records with findings a scan report lists.
pub const REPORT_RECORDS: i64 = 200;
/// Most images the media page lists.
pub const MAX_MEDIA: i64 = 2000;
/// Longest reason kept with an unblurring.
pub const REASON_MAX: usize = 500;

/// A scan run and what it read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanRunSummary {
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// The inputs as given to `cairn scan`.
    pub inputs: Vec<String>,
    /// Records stored by this run (first seen in it).
    pub records: u64,
    pub records_new: u64,
    pub records_known: u64,
    pub media: u64,
    pub errors: u64,
    /// Source files read, with the number of record occurrences in each.
    pub sources: Vec<SourceCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCount {
    pub source: String,
    pub records: u64,
}

/// A selector of a report and the records it appears in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSelector {
    pub kind: String,
    pub value: String,
    pub records: u64,
    /// The first record ids (at most [`REPORT_RECORDS_PER_SELECTOR`]).
    pub record_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    pub category: String,
    /// Records with at least one indicator of the category.
    pub records: u64,
}

/// The report of one scan run, as `cairn scan --format html` shows it: summary, top selectors
/// with their records, indicator categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanReport {
    pub run: ScanRunSummary,
    pub records_with_findings: u64,
    /// Findings by kind.
    pub kinds: Vec<(String, u64)>,
    pub languages: Vec<(String, u64)>,
    pub selectors: Vec<ReportSelector>,
    pub categories: Vec<CategoryCount>,
    /// Records with findings, most indicator findings first (at most [`REPORT_RECORDS`]).
    pub records: Vec<ReportRecord>,
}

/// A record of a report, with its number of findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportRecord {
    pub id: String,
    pub url: Option<String>,
    pub captured_at: Option<String>,
    pub findings: u64,
    pub indicators: u64,
}

/// One finding of a record; `start`/`end` are byte offsets into the record's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordFinding {
    pub kind: String,
    pub value: String,
    pub start: u64,
    pub end: u64,
    pub evidence: String,
    pub rule: String,
    pub category: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordOccurrence {
    pub source: String,
    pub locator: String,
}

/// A collected record with its provenance and findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordView {
    pub id: String,
    pub url: Option<String>,
    pub captured_at: Option<String>,
    pub warc_record_id: Option<String>,
    /// SHA-256 of the captured payload (the evidence blob).
    pub sha256: String,
    pub content_type: Option<String>,
    pub lang: String,
    pub region: Option<String>,
    /// The extracted text: the coordinate space of the findings' byte offsets.
    pub text: String,
    pub run_id: i64,
    pub occurrences: Vec<RecordOccurrence>,
    pub findings: Vec<RecordFinding>,
    pub cluster: Option<String>,
}

/// A record of a cluster (no text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRecord {
    pub id: String,
    pub url: Option<String>,
    pub captured_at: Option<String>,
    pub lang: String,
    pub sha256: String,
}

/// A selector (or place, or indicator) of a cluster's record; `detail` is the finding's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberFinding {
    pub record: String,
    pub kind: String,
    pub value: String,
    pub category: Option<String>,
    pub detail: String,
}

/// One cluster of the last link run, its records and their findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterDetail {
    pub id: String,
    pub size: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// The link run's JSON summary of the cluster (see cairn-link's `Cluster`).
    pub summary: String,
    pub members: Vec<MemberRecord>,
    pub findings: Vec<MemberFinding>,
}

/// Where an image was met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaPlace {
    pub source: String,
    pub locator: String,
    pub url: Option<String>,
    pub captured_at: Option<String>,
}

/// An image met while scanning: its hashes, never its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaItem {
    pub sha256: String,
    pub md5: String,
    pub sha1: String,
    pub pdq: Option<String>,
    pub quality: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub places: Vec<MediaPlace>,
}

fn forbidden(what: &str, actor: &Actor) -> RegistryError {
    RegistryError::Forbidden {
        what: what.into(),
        role: actor.role.to_string(),
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

type RunRow = (i64, String, Option<String>, String, i64, i64, i64, i64);

type RecordRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    i64,
);

type FindingRow = (String, String, i64, i64, String, String, Option<String>);
/// Id, size, first seen, last seen, summary.
type ClusterRow = (String, i64, Option<String>, Option<String>, String);
/// Id, URL, capture time, findings, indicator findings.
type ReportRecordRow = (String, Option<String>, Option<String>, i64, i64);
/// Id, URL, capture time, language, SHA-256.
type MemberRow = (String, Option<String>, Option<String>, String, String);
/// SHA-256, source, locator, URL, capture time.
type PlaceRow = (String, String, String, Option<String>, Option<String>);

/// SHA-256, MD5, SHA-1, PDQ, quality, width, height.
type MediaRow = (
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

fn media_of(m: MediaRow) -> MediaItem {
    MediaItem {
        sha256: m.0,
        md5: m.1,
        sha1: m.2,
        pdq: m.3,
        quality: m.4,
        width: m.5,
        height: m.6,
        places: Vec::new(),
    }
}

/// The inputs column is a JSON array of strings; anything else is shown as it is.
fn inputs_of(json: &str) -> Vec<String> {
    serde_json::from_str::<Vec<String>>(json).unwrap_or_else(|_| vec![json.to_owned()])
}

/// A short reason (trimmed, at most [`REASON_MAX`] characters), or the field in error.
pub fn check_reason(reason: &str) -> Result<&str, RegistryError> {
    let reason = reason.trim();
    if reason.chars().count() > REASON_MAX {
        return Err(RegistryError::invalid(
            "reason",
            format!("at most {REASON_MAX} characters"),
        ));
    }
    Ok(reason)
}

impl Registry {
    fn require_analyst(&self, actor: &Actor, what: &str) -> Result<(), RegistryError> {
        if actor.role == Role::Analyst {
            Ok(())
        } else {
            Err(forbidden(what, actor))
        }
    }

    async fn audit_investigation(
        &self,
        actor: &Actor,
        action: &str,
        object: &str,
        purpose: &str,
        fields: &[&str],
    ) -> Result<(), RegistryError> {
        self.audit_read(
            actor,
            &[AuditEvent {
                action,
                object,
                purpose,
                fields,
                outcome: Outcome::Ok,
            }],
        )
        .await
    }

    async fn run_sources(&self, run_id: i64) -> Result<Vec<SourceCount>, RegistryError> {
        let rows: Vec<(String, i64)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT source, COUNT(*) FROM occurrence WHERE run_id = $1 GROUP BY source ORDER BY source")
            .bind(run_id).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(source, n)| SourceCount {
                source,
                records: count(n),
            })
            .collect())
    }

    async fn run_summary(&self, r: RunRow) -> Result<ScanRunSummary, RegistryError> {
        let records: i64 = on_pool!(self.pool(), p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM record WHERE run_id = $1").bind(r.0).fetch_one(p).await?);
        Ok(ScanRunSummary {
            id: r.0,
            started_at: r.1,
            finished_at: r.2,
            inputs: inputs_of(&r.3),
            records: count(records),
            records_new: count(r.4),
            records_known: count(r.5),
            media: count(r.6),
            errors: count(r.7),
            sources: self.run_sources(r.0).await?,
        })
    }

    /// Scan runs of the store, newest first, with their counts and source files (no content).
    pub async fn scan_runs(&self, actor: &Actor) -> Result<Vec<ScanRunSummary>, RegistryError> {
        self.require_analyst(actor, "scan.list")?;
        let rows: Vec<RunRow> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT id, started_at, finished_at, inputs, records_new, records_known, media, errors FROM scan_run \
             ORDER BY started_at DESC, id DESC LIMIT 500")
            .fetch_all(p).await?);
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.run_summary(r).await?);
        }
        Ok(out)
    }

    /// The report of one scan run over the records it stored: counts, the selectors met in most
    /// records (with the first of them), records per indicator category. Audited.
    pub async fn scan_report(
        &self,
        actor: &Actor,
        run_id: i64,
    ) -> Result<ScanReport, RegistryError> {
        self.require_analyst(actor, "scan.report")?;
        let row: Option<RunRow> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT id, started_at, finished_at, inputs, records_new, records_known, media, errors FROM scan_run WHERE id = $1")
            .bind(run_id).fetch_optional(p).await?);
        let Some(row) = row else {
            return Err(RegistryError::NotFound {
                what: format!("scan run {run_id}"),
            });
        };
        let run = self.run_summary(row).await?;
        let with_findings: i64 = on_pool!(self.pool(), p => sqlx::query_scalar(
            "SELECT COUNT(DISTINCT f.record_id) FROM finding f JOIN record r ON r.id = f.record_id WHERE r.run_id = $1")
            .bind(run_id).fetch_one(p).await?);
        let kinds: Vec<(String, i64)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT f.kind, COUNT(*) FROM finding f JOIN record r ON r.id = f.record_id WHERE r.run_id = $1 \
             GROUP BY f.kind ORDER BY COUNT(*) DESC, f.kind")
            .bind(run_id).fetch_all(p).await?);
        let languages: Vec<(String, i64)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT lang, COUNT(*) FROM record WHERE run_id = $1 GROUP BY lang ORDER BY COUNT(*) DESC, lang")
            .bind(run_id).fetch_all(p).await?);
        let top: Vec<(String, String, i64)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT f.kind, f.value, COUNT(DISTINCT f.record_id) FROM finding f JOIN record r ON r.id = f.record_id \
             WHERE r.run_id = $1 AND f.kind NOT IN ('indicator', 'price', 'age') \
             GROUP BY f.kind, f.value ORDER BY COUNT(DISTINCT f.record_id) DESC, f.kind, f.value LIMIT $2")
            .bind(run_id).bind(REPORT_TOP_SELECTORS).fetch_all(p).await?);
        let mut selectors = Vec::with_capacity(top.len());
        for (kind, value, n) in top {
            let ids: Vec<String> = on_pool!(self.pool(), p => sqlx::query_scalar(
                "SELECT DISTINCT f.record_id FROM finding f JOIN record r ON r.id = f.record_id \
                 WHERE r.run_id = $1 AND f.kind = $2 AND f.value = $3 ORDER BY f.record_id LIMIT $4")
                .bind(run_id).bind(&kind).bind(&value)
                .bind(i64::try_from(REPORT_RECORDS_PER_SELECTOR).unwrap_or(20)).fetch_all(p).await?);
            selectors.push(ReportSelector {
                kind,
                value,
                records: count(n),
                record_ids: ids,
            });
        }
        let categories: Vec<(String, i64)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT COALESCE(f.category, f.value), COUNT(DISTINCT f.record_id) FROM finding f JOIN record r ON r.id = f.record_id \
             WHERE r.run_id = $1 AND f.kind = 'indicator' GROUP BY COALESCE(f.category, f.value) \
             ORDER BY COUNT(DISTINCT f.record_id) DESC, COALESCE(f.category, f.value)")
            .bind(run_id).fetch_all(p).await?);
        let records: Vec<ReportRecordRow> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT r.id, r.url, r.captured_at, COUNT(*), SUM(CASE WHEN f.kind = 'indicator' THEN 1 ELSE 0 END) \
             FROM record r JOIN finding f ON f.record_id = r.id WHERE r.run_id = $1 \
             GROUP BY r.id, r.url, r.captured_at ORDER BY 5 DESC, 4 DESC, r.id LIMIT $2")
            .bind(run_id).bind(REPORT_RECORDS).fetch_all(p).await?);
        self.audit_investigation(
            actor,
            "scan.report",
            &run_id.to_string(),
            "investigation",
            &["selectors", "records"],
        )
        .await?;
        Ok(ScanReport {
            run,
            records_with_findings: count(with_findings),
            kinds: kinds.into_iter().map(|(k, n)| (k, count(n))).collect(),
            languages: languages.into_iter().map(|(k, n)| (k, count(n))).collect(),
            selectors,
            categories: categories
                .into_iter()
                .map(|(category, n)| CategoryCount {
                    category,
                    records: count(n),
                })
                .collect(),
            records: records
                .into_iter()
                .map(|(id, url, captured_at, n, i)| ReportRecord {
                    id,
                    url,
                    captured_at,
                    findings: count(n),
                    indicators: count(i),
                })
                .collect(),
        })
    }

    /// One record: provenance, text, findings (in text order), its cluster. Audited.
    pub async fn record_view(&self, actor: &Actor, id: &str) -> Result<RecordView, RegistryError> {
        self.require_analyst(actor, "record.view")?;
        let row: Option<RecordRow> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT id, url, captured_at, warc_record_id, sha256, content_type, lang, region, text, run_id FROM record WHERE id = $1")
            .bind(id).fetch_optional(p).await?);
        let Some(r) = row else {
            return Err(RegistryError::NotFound {
                what: format!("record {id}"),
            });
        };
        let occurrences: Vec<(String, String)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT source, locator FROM occurrence WHERE record_id = $1 ORDER BY source, locator")
            .bind(id).fetch_all(p).await?);
        let findings: Vec<FindingRow> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT kind, value, start_byte, end_byte, evidence, rule, category FROM finding WHERE record_id = $1 \
             ORDER BY start_byte, end_byte, kind, value")
            .bind(id).fetch_all(p).await?);
        let cluster: Option<String> = on_pool!(self.pool(), p => sqlx::query_scalar(
            "SELECT cluster_id FROM link_member WHERE record_id = $1")
            .bind(id).fetch_optional(p).await?);
        self.audit_investigation(
            actor,
            "record.view",
            id,
            "investigation",
            &["text", "findings", "provenance"],
        )
        .await?;
        Ok(RecordView {
            id: r.0,
            url: r.1,
            captured_at: r.2,
            warc_record_id: r.3,
            sha256: r.4,
            content_type: r.5,
            lang: r.6,
            region: r.7,
            text: r.8,
            run_id: r.9,
            occurrences: occurrences
                .into_iter()
                .map(|(source, locator)| RecordOccurrence { source, locator })
                .collect(),
            findings: findings
                .into_iter()
                .map(|f| RecordFinding {
                    kind: f.0,
                    value: f.1,
                    start: u64::try_from(f.2).unwrap_or(0),
                    end: u64::try_from(f.3).unwrap_or(0),
                    evidence: f.4,
                    rule: f.5,
                    category: f.6,
                })
                .collect(),
            cluster,
        })
    }

    /// One cluster of the last link run with its records (capture order) and their findings,
    /// for its graph, timeline and moves. Audited.
    pub async fn cluster_detail(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<ClusterDetail, RegistryError> {
        self.require_analyst(actor, "cluster.view")?;
        let row: Option<ClusterRow> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT id, size, first_seen, last_seen, summary FROM link_cluster WHERE id = $1")
            .bind(id).fetch_optional(p).await?);
        let Some(c) = row else {
            return Err(RegistryError::NotFound {
                what: format!("cluster {id}"),
            });
        };
        let members: Vec<MemberRow> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT r.id, r.url, r.captured_at, r.lang, r.sha256 FROM link_member m JOIN record r ON r.id = m.record_id \
             WHERE m.cluster_id = $1 ORDER BY r.captured_at, r.id LIMIT $2")
            .bind(id).bind(MAX_CLUSTER_MEMBERS).fetch_all(p).await?);
        let findings: Vec<(String, String, String, Option<String>, String)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT DISTINCT f.record_id, f.kind, f.value, f.category, f.detail FROM link_member m JOIN finding f ON f.record_id = m.record_id \
             WHERE m.cluster_id = $1 ORDER BY f.record_id, f.kind, f.value")
            .bind(id).fetch_all(p).await?);
        self.audit_investigation(
            actor,
            "cluster.view",
            id,
            "investigation",
            &["records", "selectors"],
        )
        .await?;
        Ok(ClusterDetail {
            id: c.0,
            size: count(c.1),
            first_seen: c.2,
            last_seen: c.3,
            summary: c.4,
            members: members
                .into_iter()
                .map(|m| MemberRecord {
                    id: m.0,
                    url: m.1,
                    captured_at: m.2,
                    lang: m.3,
                    sha256: m.4,
                })
                .collect(),
            findings: findings
                .into_iter()
                .map(|f| MemberFinding {
                    record: f.0,
                    kind: f.1,
                    value: f.2,
                    category: f.3,
                    detail: f.4,
                })
                .collect(),
        })
    }

    /// Images met while scanning (hashes and places, never bytes), by SHA-256. Audited.
    pub async fn investigation_media(
        &self,
        actor: &Actor,
    ) -> Result<Vec<MediaItem>, RegistryError> {
        self.require_analyst(actor, "media.list")?;
        let rows: Vec<MediaRow> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT sha256, md5, sha1, pdq, quality, width, height FROM media ORDER BY sha256 LIMIT $1")
            .bind(MAX_MEDIA).fetch_all(p).await?);
        let places: Vec<PlaceRow> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT sha256, source, locator, url, captured_at FROM media_occurrence \
             WHERE sha256 IN (SELECT sha256 FROM media ORDER BY sha256 LIMIT $1) ORDER BY sha256, captured_at, source, locator")
            .bind(MAX_MEDIA).fetch_all(p).await?);
        let mut by_sha: std::collections::HashMap<String, Vec<MediaPlace>> =
            std::collections::HashMap::new();
        for (sha, source, locator, url, captured_at) in places {
            by_sha.entry(sha).or_default().push(MediaPlace {
                source,
                locator,
                url,
                captured_at,
            });
        }
        self.audit_investigation(actor, "media.list", "media", "investigation", &["hashes"])
            .await?;
        Ok(rows
            .into_iter()
            .map(|m| {
                let places = by_sha.remove(&m.0).unwrap_or_default();
                MediaItem {
                    places,
                    ..media_of(m)
                }
            })
            .collect())
    }

    /// The hashes of one image met while scanning (no places, not audited: hashes only), or
    /// None when the store never met it.
    pub async fn media_item(
        &self,
        actor: &Actor,
        sha256: &str,
    ) -> Result<Option<MediaItem>, RegistryError> {
        self.require_analyst(actor, "media.view")?;
        let row: Option<MediaRow> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT sha256, md5, sha1, pdq, quality, width, height FROM media WHERE sha256 = $1")
            .bind(sha256).fetch_optional(p).await?);
        Ok(row.map(media_of))
    }

    /// Records that `actor` asked to see a collected image unblurred, and why (optional): the
    /// entry is committed before the image may be served.
    pub async fn audit_media_unblur(
        &self,
        actor: &Actor,
        sha256: &str,
        reason: &str,
    ) -> Result<(), RegistryError> {
        self.require_analyst(actor, "media.view")?;
        let reason = check_reason(reason)?;
        let purpose = if reason.is_empty() {
            "investigation".to_owned()
        } else {
            format!("investigation: {reason}")
        };
        self.audit_investigation(actor, "media.unblur", sha256, &purpose, &["image"])
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_read_from_json_or_kept_as_text() {
        assert_eq!(
            inputs_of(r#"["a.warc.gz","b.jsonl"]"#),
            ["a.warc.gz", "b.jsonl"]
        );
        assert_eq!(inputs_of("not json"), ["not json"]);
    }

    #[test]
    fn reasons_are_trimmed_and_limited() {
        assert_eq!(
            check_reason("  checking the ad  ").unwrap(),
            "checking the ad"
        );
        assert!(check_reason(&"é".repeat(REASON_MAX)).is_ok());
        assert!(matches!(
            check_reason(&"é".repeat(REASON_MAX + 1)),
            Err(RegistryError::Invalid { what, .. }) if what == "reason"
        ));
    }
}
