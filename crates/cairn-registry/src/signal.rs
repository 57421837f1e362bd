//! The bridge between investigation and child protection: an analyst raises a signal from a
//! cluster or a scanned record; it lands as a draft in the child-protection organisation on duty,
//! which accepts it (the draft becomes an Active case with its screening pre-filled from the
//! indicators) or declines it with a reason. Every step is audited.
//!
//! The evidence is what the scan store holds as text: selectors, sources (record ids, URLs,
//! capture times) and indicator findings. Never images: media rows are not read, and URL
//! selectors that point at image files are left out.
//!
//! On duty: the duty roster's period covering now, else the child-protection organisation of the
//! raising organisation's country, the one of the same region first, then the first by name (see
//! [`Registry::on_duty_organisation`]).

use crate::RegistryError;
use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::crypto::random_id;
use crate::db::{now, on_pool, on_tx};
use crate::model::{Answer, CaseStatus, Role, VictimStatus};
use crate::registry::{NewCase, PersonFields, Registry};
use crate::screening::Questionnaire;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Indicator categories of the scan (cairn-core) and the questionnaire indicator each one
/// suggests. Categories without a matching question stay in the evidence only.
pub const CATEGORY_QUESTIONS: &[(&str, &str)] = &[
    ("runaway", "vulnerability.running_away"),
    ("hotel_shortstay", "exploitation.hotels_short_term_rentals"),
    ("incall_outcall", "exploitation.advertised_online"),
    ("always_available", "exploitation.advertised_online"),
    ("restricted_freedom", "control.surveillance_of_movements"),
    ("drugs_party", "vulnerability.substance_use"),
];

/// File extensions of images: URLs ending so are never carried by a signal.
const IMAGE_EXTENSIONS: &[&str] = &[
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".avif", ".svg",
];

/// Most records a signal carries (a large cluster keeps its first ones by id).
pub const MAX_SIGNAL_RECORDS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SignalSource {
    Cluster,
    Record,
}

impl SignalSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cluster => "cluster",
            Self::Record => "record",
        }
    }

    fn parse(text: &str) -> Result<Self, RegistryError> {
        match text {
            "cluster" => Ok(Self::Cluster),
            "record" => Ok(Self::Record),
            other => Err(RegistryError::invalid("signal source", other.to_owned())),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SignalStatus {
    Draft,
    Accepted,
    Declined,
}

impl SignalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
        }
    }

    fn parse(text: &str) -> Result<Self, RegistryError> {
        match text {
            "draft" => Ok(Self::Draft),
            "accepted" => Ok(Self::Accepted),
            "declined" => Ok(Self::Declined),
            other => Err(RegistryError::invalid("signal status", other.to_owned())),
        }
    }
}

/// A selector and the records where it appears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelectorEvidence {
    pub kind: String,
    pub value: String,
    pub records: Vec<String>,
}

/// A collected record the signal rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceEvidence {
    pub record: String,
    pub url: Option<String>,
    pub captured_at: Option<String>,
}

/// An indicator finding and the screening question it suggests (None: no matching question).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorEvidence {
    pub category: String,
    pub rule: String,
    pub record: String,
    pub question: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignalEvidence {
    pub selectors: Vec<SelectorEvidence>,
    pub sources: Vec<SourceEvidence>,
    pub indicators: Vec<IndicatorEvidence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignalView {
    pub id: String,
    pub source: SignalSource,
    pub source_id: String,
    pub from_organisation_id: String,
    pub from_organisation: String,
    pub to_organisation_id: String,
    pub to_organisation: String,
    pub status: SignalStatus,
    pub note: String,
    pub evidence: SignalEvidence,
    /// Question id → suggested answer ("yes" where an indicator matched).
    pub prefill: BTreeMap<String, Answer>,
    pub decline_reason: Option<String>,
    pub case_id: Option<String>,
    pub raised_at: String,
    pub updated_at: String,
}

/// What a signal would carry, before it is raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignalPreview {
    pub evidence: SignalEvidence,
    pub prefill: BTreeMap<String, Answer>,
    /// Id and name of the organisation that would receive it.
    pub on_duty: Option<(String, String)>,
}

/// A cluster of the last link run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterSummary {
    pub id: String,
    pub size: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

/// Selector kinds an analyst may search (indicators are not selectors).
pub const SELECTOR_KINDS: &[&str] = &[
    "phone", "email", "url", "handle", "wallet", "iban", "price", "age", "place",
];

/// Most records a selector search returns.
pub const MAX_SELECTOR_HITS: i64 = 1000;

/// Record id, URL, capture time, cluster id.
type HitRow = (String, Option<String>, Option<String>, Option<String>);

/// A record where a selector appears, and the cluster it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelectorHit {
    pub record: String,
    pub url: Option<String>,
    pub captured_at: Option<String>,
    pub cluster: Option<String>,
}

fn forbidden(what: &str, actor: &Actor) -> RegistryError {
    RegistryError::Forbidden {
        what: what.into(),
        role: actor.role.to_string(),
    }
}

fn is_image_url(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    IMAGE_EXTENSIONS.iter().any(|e| path.ends_with(e))
}

/// The question each indicator category suggests in `q` (categories without one are absent).
pub fn question_for_category<'a>(q: &'a Questionnaire, category: &str) -> Option<&'a str> {
    let indicator = CATEGORY_QUESTIONS
        .iter()
        .find(|(c, _)| *c == category)
        .map(|(_, i)| *i)?;
    q.questions
        .iter()
        .find(|x| x.indicator == indicator)
        .map(|x| x.id.as_str())
}

/// Builds the evidence and the pre-filled answers from records and their findings
/// (`(record, kind, value, rule, category)`), leaving image URLs out.
pub fn build_evidence(
    q: &Questionnaire,
    sources: Vec<SourceEvidence>,
    findings: &[(String, String, String, String, Option<String>)],
) -> (SignalEvidence, BTreeMap<String, Answer>) {
    let mut selectors: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut indicators = Vec::new();
    let mut prefill = BTreeMap::new();
    for (record, kind, value, rule, category) in findings {
        if kind == "indicator" {
            let category = category.clone().unwrap_or_else(|| value.clone());
            let question = question_for_category(q, &category).map(str::to_owned);
            if let Some(id) = &question {
                prefill.insert(id.clone(), Answer::Yes);
            }
            indicators.push(IndicatorEvidence {
                category,
                rule: rule.clone(),
                record: record.clone(),
                question,
            });
        } else if !(kind == "url" && is_image_url(value)) {
            let records = selectors.entry((kind.clone(), value.clone())).or_default();
            if !records.contains(record) {
                records.push(record.clone());
            }
        }
    }
    let sources = sources
        .into_iter()
        .map(|mut s| {
            s.url = s.url.filter(|u| !is_image_url(u));
            s
        })
        .collect();
    let evidence = SignalEvidence {
        selectors: selectors
            .into_iter()
            .map(|((kind, value), records)| SelectorEvidence {
                kind,
                value,
                records,
            })
            .collect(),
        sources,
        indicators,
    };
    (evidence, prefill)
}

type SignalRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

macro_rules! signal_select {
    () => {
        "SELECT s.id, s.source_kind, s.source_id, s.from_organisation_id, f.name, s.to_organisation_id, t.name, s.status, s.note, s.evidence, s.prefill, s.decline_reason, s.case_id, s.raised_at, s.updated_at \
     FROM signal s JOIN organisation f ON f.id = s.from_organisation_id JOIN organisation t ON t.id = s.to_organisation_id"
    };
}

fn signal_of(r: SignalRow) -> Result<SignalView, RegistryError> {
    let evidence = serde_json::from_str(&r.9)
        .map_err(|e| RegistryError::invalid("signal evidence", e.to_string()))?;
    let prefill = serde_json::from_str(&r.10)
        .map_err(|e| RegistryError::invalid("signal prefill", e.to_string()))?;
    Ok(SignalView {
        id: r.0,
        source: SignalSource::parse(&r.1)?,
        source_id: r.2,
        from_organisation_id: r.3,
        from_organisation: r.4,
        to_organisation_id: r.5,
        to_organisation: r.6,
        status: SignalStatus::parse(&r.7)?,
        note: r.8,
        evidence,
        prefill,
        decline_reason: r.11,
        case_id: r.12,
        raised_at: r.13,
        updated_at: r.14,
    })
}

fn may_raise(role: Role) -> bool {
    matches!(role, Role::Analyst)
}

fn may_respond(role: Role) -> bool {
    matches!(role, Role::CaseWorker | Role::Coordinator)
}

impl Registry {
    /// The child-protection organisation on duty for signals raised by `from_organisation_id`:
    /// the duty roster's period covering now (its region first, then the country-wide one; see
    /// [`crate::duty`]), else the standing rule: same country, same region first, then by name.
    /// None when the country has none.
    pub async fn on_duty_organisation(
        &self,
        from_organisation_id: &str,
    ) -> Result<Option<(String, String)>, RegistryError> {
        if let Some(rostered) = self.rostered_organisation(from_organisation_id).await? {
            return Ok(Some(rostered));
        }
        let row: Option<(String, String)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT t.id, t.name FROM organisation t JOIN organisation f ON f.id = $1 \
             WHERE t.org_type = 'child_protection' AND t.country = f.country AND t.id <> f.id \
             ORDER BY CASE WHEN t.region = f.region THEN 0 ELSE 1 END, t.name LIMIT 1")
            .bind(from_organisation_id).fetch_optional(p).await?);
        Ok(row)
    }

    async fn signal_records(
        &self,
        source: SignalSource,
        source_id: &str,
    ) -> Result<Vec<SourceEvidence>, RegistryError> {
        let rows: Vec<(String, Option<String>, Option<String>)> = match source {
            SignalSource::Record => on_pool!(self.pool(), p => sqlx::query_as(
                "SELECT id, url, captured_at FROM record WHERE id = $1")
                .bind(source_id).fetch_all(p).await?),
            SignalSource::Cluster => on_pool!(self.pool(), p => sqlx::query_as(
                "SELECT r.id, r.url, r.captured_at FROM link_member m JOIN record r ON r.id = m.record_id \
                 WHERE m.cluster_id = $1 ORDER BY r.id")
                .bind(source_id).fetch_all(p).await?),
        };
        if rows.is_empty() {
            return Err(RegistryError::NotFound {
                what: format!("{} {source_id}", source.as_str()),
            });
        }
        Ok(rows
            .into_iter()
            .take(MAX_SIGNAL_RECORDS)
            .map(|(record, url, captured_at)| SourceEvidence {
                record,
                url,
                captured_at,
            })
            .collect())
    }

    /// What a signal from this cluster or record would carry, and the organisation on duty that
    /// would receive it (for the page an analyst sees before raising it).
    pub async fn signal_preview(
        &self,
        actor: &Actor,
        questionnaire: &Questionnaire,
        source: SignalSource,
        source_id: &str,
    ) -> Result<SignalPreview, RegistryError> {
        if !may_raise(actor.role) {
            return Err(forbidden("signal.preview", actor));
        }
        let sources = self.signal_records(source, source_id).await?;
        let mut findings = Vec::new();
        for s in &sources {
            let rows: Vec<(String, String, String, Option<String>)> = on_pool!(self.pool(), p => sqlx::query_as(
                "SELECT DISTINCT kind, value, rule, category FROM finding WHERE record_id = $1 ORDER BY kind, value")
                .bind(&s.record).fetch_all(p).await?);
            findings.extend(
                rows.into_iter()
                    .map(|(k, v, r, c)| (s.record.clone(), k, v, r, c)),
            );
        }
        let (evidence, prefill) = build_evidence(questionnaire, sources, &findings);
        let on_duty = self.on_duty_organisation(&actor.organisation_id).await?;
        Ok(SignalPreview {
            evidence,
            prefill,
            on_duty,
        })
    }

    /// Clusters of the last link run, largest first (no text, no media), for analysts.
    pub async fn investigation_clusters(
        &self,
        actor: &Actor,
    ) -> Result<Vec<ClusterSummary>, RegistryError> {
        if !may_raise(actor.role) {
            return Err(forbidden("cluster.list", actor));
        }
        let rows: Vec<(String, i64, Option<String>, Option<String>)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT id, size, first_seen, last_seen FROM link_cluster ORDER BY size DESC, id LIMIT 500")
            .fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(id, size, first_seen, last_seen)| ClusterSummary {
                id,
                size: u64::try_from(size).unwrap_or(0),
                first_seen,
                last_seen,
            })
            .collect())
    }

    /// "Where else does this selector appear": the records with this exact selector, oldest
    /// capture first, with their cluster (image URLs left out, as in signals).
    pub async fn selector_occurrences(
        &self,
        actor: &Actor,
        kind: &str,
        value: &str,
    ) -> Result<Vec<SelectorHit>, RegistryError> {
        if !may_raise(actor.role) {
            return Err(forbidden("selector.search", actor));
        }
        if !SELECTOR_KINDS.contains(&kind) {
            return Err(RegistryError::invalid(
                "kind",
                format!("{kind:?} is not a selector kind"),
            ));
        }
        let rows: Vec<HitRow> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT DISTINCT r.id, r.url, r.captured_at, m.cluster_id FROM finding f JOIN record r ON r.id = f.record_id \
             LEFT JOIN link_member m ON m.record_id = r.id WHERE f.kind = $1 AND f.value = $2 \
             ORDER BY r.captured_at, r.id LIMIT $3")
            .bind(kind).bind(value).bind(MAX_SELECTOR_HITS).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(record, url, captured_at, cluster)| SelectorHit {
                record,
                url: url.filter(|u| !is_image_url(u)),
                captured_at,
                cluster,
            })
            .collect())
    }

    /// Raises a signal from a cluster or a record to the organisation on duty, as a draft.
    pub async fn raise_signal(
        &self,
        actor: &Actor,
        questionnaire: &Questionnaire,
        source: SignalSource,
        source_id: &str,
        note: &str,
    ) -> Result<SignalView, RegistryError> {
        if !may_raise(actor.role) {
            return Err(forbidden("signal.raise", actor));
        }
        let SignalPreview {
            evidence,
            prefill,
            on_duty,
        } = self
            .signal_preview(actor, questionnaire, source, source_id)
            .await?;
        let Some((to_id, _)) = on_duty else {
            return Err(RegistryError::invalid(
                "to_organisation",
                "no child-protection organisation on duty in this country",
            ));
        };
        let id = random_id("sig")?;
        let evidence_json = serde_json::to_string(&evidence)
            .map_err(|e| RegistryError::invalid("signal evidence", e.to_string()))?;
        let prefill_json = serde_json::to_string(&prefill)
            .map_err(|e| RegistryError::invalid("signal prefill", e.to_string()))?;
        let at = now();
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO signal (id, source_kind, source_id, from_organisation_id, raised_by, to_organisation_id, status, note, evidence, prefill, raised_at, updated_at) \
                VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9, $10, $10)")
            .bind(&id).bind(source.as_str()).bind(source_id).bind(&actor.organisation_id).bind(&actor.user_id)
            .bind(&to_id).bind(note).bind(&evidence_json).bind(&prefill_json).bind(&at)
            .execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "signal.raise",
                object: &id,
                purpose: "protection",
                fields: &["source", "evidence", "prefill", "to_organisation"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        self.signal(actor, &id).await
    }

    /// Signals the actor's organisation raised or received, newest first.
    pub async fn signals_of_organisation(
        &self,
        actor: &Actor,
    ) -> Result<Vec<SignalView>, RegistryError> {
        if !(may_raise(actor.role) || may_respond(actor.role)) {
            return Err(forbidden("signal.list", actor));
        }
        const SQL: &str = concat!(
            signal_select!(),
            " WHERE s.from_organisation_id = $1 OR s.to_organisation_id = $1 ORDER BY s.raised_at DESC, s.id"
        );
        let rows: Vec<SignalRow> = on_pool!(self.pool(), p => sqlx::query_as(SQL)
            .bind(&actor.organisation_id).fetch_all(p).await?);
        rows.into_iter().map(signal_of).collect()
    }

    /// One signal, for its raising or receiving organisation only (refusals audited).
    pub async fn signal(&self, actor: &Actor, id: &str) -> Result<SignalView, RegistryError> {
        const SQL: &str = concat!(signal_select!(), " WHERE s.id = $1");
        let row: Option<SignalRow> =
            on_pool!(self.pool(), p => sqlx::query_as(SQL).bind(id).fetch_optional(p).await?);
        let Some(view) = row.map(signal_of).transpose()? else {
            return Err(RegistryError::NotFound {
                what: format!("signal {id}"),
            });
        };
        // Both ends see it: the raising organisation follows what became of its signal.
        let org = &actor.organisation_id;
        let allowed = (may_raise(actor.role) || may_respond(actor.role))
            && (&view.from_organisation_id == org || &view.to_organisation_id == org);
        if !allowed {
            audit::append_alone(
                self.pool(),
                actor,
                &AuditEvent {
                    action: "signal.view",
                    object: id,
                    purpose: "protection",
                    fields: &[],
                    outcome: Outcome::Denied,
                },
            )
            .await?;
            return Err(forbidden("signal.view", actor));
        }
        Ok(view)
    }

    async fn draft_for_response(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<SignalView, RegistryError> {
        let view = self.signal(actor, id).await?;
        if !may_respond(actor.role) || view.to_organisation_id != actor.organisation_id {
            return Err(forbidden("signal.respond", actor));
        }
        if view.status != SignalStatus::Draft {
            return Err(RegistryError::invalid(
                "status",
                format!("the signal is already {}", view.status.as_str()),
            ));
        }
        Ok(view)
    }

    /// The receiving organisation accepts: the draft becomes an Active case it leads (a person
    /// with no identifying field yet, status Possible), then its screening is recorded from the
    /// pre-filled answers ("unknown" where no indicator matched, to be asked). Returns the case.
    pub async fn accept_signal(
        &self,
        actor: &Actor,
        questionnaire: &Questionnaire,
        id: &str,
    ) -> Result<String, RegistryError> {
        let view = self.draft_for_response(actor, id).await?;
        let mut tx = self.begin().await?;
        let person_id = self
            .insert_person_tx(
                &mut tx,
                actor,
                VictimStatus::Possible,
                &PersonFields::default(),
                None,
            )
            .await?
            .ok_or_else(|| RegistryError::invalid("person", "not added"))?;
        let case_id = self
            .insert_case_tx(
                &mut tx,
                actor,
                &NewCase {
                    person_id,
                    lead_organisation_id: actor.organisation_id.clone(),
                    worker_id: Some(actor.user_id.clone()),
                    status: Some(CaseStatus::Active),
                    referring_organisation: Some(view.from_organisation.clone()),
                    incoming_referral_date: Some(view.raised_at.chars().take(10).collect()),
                    reason_for_incoming_referral: Some(format!("signal {}", view.id)),
                    ..NewCase::default()
                },
            )
            .await?;
        let n = on_tx!(&mut tx, c => sqlx::query("UPDATE signal SET status = 'accepted', case_id = $1, updated_at = $2 WHERE id = $3 AND status = 'draft'")
            .bind(&case_id).bind(now()).bind(id).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(RegistryError::invalid(
                "status",
                "the signal was answered meanwhile",
            ));
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "signal.accept",
                object: id,
                purpose: "protection",
                fields: &["status", "case_id"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        // The pre-filled screening goes in the same transaction: an accepted signal never leaves
        // a case without the screening its indicators call for.
        let answers: BTreeMap<String, Answer> = questionnaire
            .questions
            .iter()
            .map(|x| {
                let a = view.prefill.get(&x.id).copied().unwrap_or(Answer::Unknown);
                (x.id.clone(), a)
            })
            .collect();
        self.record_screening_tx(&mut tx, actor, &case_id, questionnaire, &answers)
            .await?;
        tx.commit().await?;
        Ok(case_id)
    }

    /// The receiving organisation declines, with a reason; the signal stays for the record.
    pub async fn decline_signal(
        &self,
        actor: &Actor,
        id: &str,
        reason: &str,
    ) -> Result<(), RegistryError> {
        if reason.trim().is_empty() {
            return Err(RegistryError::invalid("reason", "required"));
        }
        self.draft_for_response(actor, id).await?;
        let mut tx = self.begin().await?;
        let n = on_tx!(&mut tx, c => sqlx::query("UPDATE signal SET status = 'declined', decline_reason = $1, updated_at = $2 WHERE id = $3 AND status = 'draft'")
            .bind(reason.trim()).bind(now()).bind(id).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(RegistryError::invalid(
                "status",
                "the signal was answered meanwhile",
            ));
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "signal.decline",
                object: id,
                purpose: "protection",
                fields: &["status", "decline_reason"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_map_to_questions_of_the_builtin_questionnaire() {
        let q = Questionnaire::builtin().unwrap();
        for (category, indicator) in CATEGORY_QUESTIONS {
            let id = question_for_category(&q, category);
            assert!(id.is_some(), "{category} → {indicator} has no question");
        }
        assert_eq!(question_for_category(&q, "youth"), None);
    }

    #[test]
    fn evidence_keeps_selectors_and_sources_but_no_image() {
        let q = Questionnaire::builtin().unwrap();
        let sources = vec![SourceEvidence {
            record: "r1".into(),
            url: Some("https://ads.example.invalid/photo.JPG?x=1".into()),
            captured_at: Some("2026-01-01T00:00:00Z".into()),
        }];
        let f = |k: &str, v: &str, c: Option<&str>| {
            (
                "r1".to_owned(),
                k.to_owned(),
                v.to_owned(),
                "rule@1".to_owned(),
                c.map(str::to_owned),
            )
        };
        let findings = vec![
            f("phone", "+33600000000", None),
            f("url", "https://ads.example.invalid/a.png", None),
            f("url", "https://ads.example.invalid/ad/1", None),
            f("indicator", "runaway", Some("runaway")),
            f("indicator", "youth", Some("youth")),
        ];
        let (e, prefill) = build_evidence(&q, sources, &findings);
        assert_eq!(e.selectors.len(), 2);
        assert!(e.selectors.iter().all(|s| !s.value.ends_with(".png")));
        assert_eq!(e.sources[0].url, None);
        assert_eq!(e.indicators.len(), 2);
        assert_eq!(e.indicators[1].question, None);
        assert_eq!(prefill.len(), 1);
        assert_eq!(prefill.values().next(), Some(&Answer::Yes));
    }
}
