//! Demo data for `cairn serve --demo` and the tests: clearly fictional organisations, users (with
//! random passwords and TOTP secrets, returned so that they can be printed), persons, cases,
//! events, consents and referrals, all written through the registry (audited like real work).

use crate::error::AppError;
use crate::handlers::login::totp_for;
use cairn_registry::access::NewCaseWithPerson;
use cairn_registry::audit::Actor;
use cairn_registry::model::{
    ConsentGiver, DataCategory, EventKind, Gender, OrgType, Purpose, Role, Vulnerability,
};
use cairn_registry::{NewConsent, NewEvent, PersonFields, Registry, system_actor};

#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub organisation: String,
    /// Base32 TOTP secret for roles that need a second factor.
    pub totp_secret: Option<String>,
    pub user_id: String,
    pub organisation_id: String,
}

#[derive(Debug, Clone)]
pub struct DemoData {
    pub logins: Vec<DemoLogin>,
    /// Case ids, by the organisation that leads them.
    pub ngo_cases: Vec<String>,
    pub cps_cases: Vec<String>,
    pub ngo_id: String,
    pub cps_id: String,
    pub police_id: String,
    /// The fictional cluster of collected ads (three records) and one of its records.
    pub cluster_id: String,
    pub record_id: String,
    /// A signal raised from the cluster by the analyst, a draft at the child-protection org.
    pub signal_id: String,
    /// The duty roster's period: child protection on duty for its own region, Nord.
    pub duty_period_id: String,
    /// The scan run that stored the demo records.
    pub scan_id: i64,
    /// An image of the scan known by its hashes only.
    pub media_sha256: String,
}

impl DemoData {
    pub fn login(&self, username: &str) -> Option<&DemoLogin> {
        self.logins.iter().find(|l| l.username == username)
    }
}

pub const NGO: &str = "Demo NGO Lumière (fictional)";
pub const CPS: &str = "Demo Child Protection Nord (fictional)";
pub const POLICE: &str = "Demo Police Unit (fictional)";

const FIRST: &[&str] = &[
    "Alice", "Bruno", "Chloé", "Dmitri", "Élodie", "Farah", "Gabriel", "Hana", "Ionela", "Jules",
];
const LAST: &[&str] = &[
    "Exemple",
    "Fictif",
    "Démo",
    "Imaginaire",
    "Testard",
    "Inventé",
];

fn random_password() -> Result<String, AppError> {
    let mut b = [0u8; 12];
    getrandom::fill(&mut b).map_err(|_| AppError::Internal("random".into()))?;
    Ok(format!("demo-{}", hex::encode(b)))
}

fn actor_of(l: &DemoLogin) -> Actor {
    Actor {
        user_id: l.user_id.clone(),
        username: l.username.clone(),
        organisation_id: l.organisation_id.clone(),
        role: l.role,
    }
}

/// Fills an initialised registry with the demo; `cases` cases for the NGO (at least 2) and a few
/// for child protection. Passwords and TOTP secrets are random for each run.
pub async fn seed(reg: &Registry, cases: usize) -> Result<DemoData, AppError> {
    let sys = system_actor();
    let org = |name: &'static str, t: OrgType, region: &'static str| {
        let reg = reg.clone();
        let sys = sys.clone();
        async move {
            Ok::<_, AppError>(match reg.organisation_by_name(name).await? {
                Some(id) => id,
                None => {
                    reg.create_organisation(&sys, name, t, "FR", Some(region))
                        .await?
                }
            })
        }
    };
    let ngo_id = org(NGO, OrgType::Ngo, "Île-de-France (fictional)").await?;
    let cps_id = org(CPS, OrgType::ChildProtection, "Nord (fictional)").await?;
    let police_id = org(POLICE, OrgType::Police, "Île-de-France (fictional)").await?;
    let existing = reg.users(&sys).await?;
    let mut logins = Vec::new();
    for (username, role, org_name, org_id) in [
        ("demo.admin", Role::Admin, NGO, &ngo_id),
        ("ngo.worker", Role::CaseWorker, NGO, &ngo_id),
        ("ngo.responder", Role::FirstResponder, NGO, &ngo_id),
        ("ngo.analyst", Role::Analyst, NGO, &ngo_id),
        ("ngo.statistician", Role::Statistician, NGO, &ngo_id),
        ("ngo.auditor", Role::Auditor, NGO, &ngo_id),
        ("cps.worker", Role::CaseWorker, CPS, &cps_id),
        ("cps.coordinator", Role::Coordinator, CPS, &cps_id),
        ("police.worker", Role::CaseWorker, POLICE, &police_id),
    ] {
        let password = random_password()?;
        let user_id = match existing.iter().find(|u| u.username == username) {
            Some(u) => {
                reg.reset_password(&sys, &u.id, &password).await?;
                u.id.clone()
            }
            None => {
                reg.create_user(&sys, username, &password, org_id, role)
                    .await?
            }
        };
        let totp_secret = if role.may_read_identity() || role == Role::Admin {
            let mut s = [0u8; 20];
            getrandom::fill(&mut s).map_err(|_| AppError::Internal("random".into()))?;
            reg.set_totp_secret(&sys, &user_id, &s, true).await?;
            Some(totp_for(&s, username)?.secret().to_base32())
        } else {
            None
        };
        logins.push(DemoLogin {
            username: username.into(),
            password,
            role,
            organisation: org_name.into(),
            totp_secret,
            user_id,
            organisation_id: org_id.clone(),
        });
    }
    let data_login = |name: &str| {
        logins
            .iter()
            .find(|l| l.username == name)
            .map(actor_of)
            .ok_or_else(|| AppError::Internal("demo user".into()))
    };
    let ngo = data_login("ngo.worker")?;
    let cps = data_login("cps.worker")?;
    let mut ngo_cases = Vec::new();
    let mut cps_cases = Vec::new();
    for i in 0..cases.max(2) + 3 {
        let (actor, list) = if i < cases.max(2) {
            (&ngo, &mut ngo_cases)
        } else {
            (&cps, &mut cps_cases)
        };
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i / FIRST.len()) % LAST.len()];
        let fields = PersonFields {
            first_name: Some(first.into()),
            second_name: Some(format!("{last}-{i}")),
            birthdate: Some(format!(
                "{}-{:02}-{:02}",
                2009 + i % 4,
                1 + i % 12,
                1 + i % 28
            )),
            mobile_phone: Some(format!("+33 6 00 00 {:02} {:02}", i / 100 % 100, i % 100)),
            gender: Some(
                if matches!(first, "Bruno" | "Dmitri" | "Gabriel" | "Jules") {
                    Gender::Male
                } else {
                    Gender::Female
                },
            ),
            nationality: Some(if i % 5 == 0 { "RO" } else { "FR" }.into()),
            ..PersonFields::default()
        };
        let vulns = [
            Vulnerability::Minor,
            Vulnerability::PlacementInCare,
            Vulnerability::RunawayOrMissing,
            Vulnerability::PriorAbuse,
        ];
        let case_id = reg
            .create_case_with_person(
                actor,
                &NewCaseWithPerson {
                    victim_status: None,
                    fields,
                    vulnerabilities: vulns[..1 + i % vulns.len()].to_vec(),
                },
            )
            .await?;
        let mut tx = reg.begin().await?;
        reg.insert_event_tx(
            &mut tx,
            actor,
            &case_id,
            &NewEvent {
                kind: Some(EventKind::Recruitment),
                place_country: Some("FR".into()),
                place_city: Some("Lille".into()),
                occurred_on: Some(format!("2026-0{}-1{}", 1 + i % 9, i % 10)),
                means: vec!["Romantic relationship".into(), "Online contact".into()],
                form: Some("Sexual exploitation".into()),
                detail: None,
            },
        )
        .await?;
        tx.commit().await?;
        reg.record_case_consent(
            actor,
            &case_id,
            &NewConsent {
                person_id: String::new(),
                purpose: Purpose::Care,
                recipient_organisation_id: None,
                categories: vec![DataCategory::Identity, DataCategory::Case],
                giver: ConsentGiver::Guardian,
                given_at: None,
                expires_at: None,
            },
        )
        .await?;
        // Every other NGO case may be referred to child protection (the guardian agreed).
        if list.len() % 2 == 0 && actor.organisation_id == ngo_id {
            reg.record_case_consent(
                actor,
                &case_id,
                &NewConsent {
                    person_id: String::new(),
                    purpose: Purpose::Referral,
                    recipient_organisation_id: Some(cps_id.clone()),
                    categories: vec![DataCategory::Identity, DataCategory::Case],
                    giver: ConsentGiver::Guardian,
                    given_at: None,
                    expires_at: None,
                },
            )
            .await?;
        }
        reg.add_note(
            actor,
            &case_id,
            "First contact at the fictional drop-in centre; follow-up planned.",
        )
        .await?;
        list.push(case_id);
    }
    // One referral already on its way, for the receiving side to see.
    if let Some(c) = ngo_cases.get(2) {
        reg.refer_case(
            &ngo,
            c,
            &cps_id,
            "Placement in care needed (fictional).",
            None,
        )
        .await?;
    }
    seed_screenings(reg, &ngo, &ngo_cases).await?;
    seed_services(reg, &ngo_id, &cps_id).await?;
    if let Some(first) = ngo_cases.first() {
        seed_statement(reg, &ngo, &data_login("ngo.responder")?, first).await?;
    }
    seed_investigation(reg).await?;
    let analyst = data_login("ngo.analyst")?;
    let signal_id = match reg
        .signals_of_organisation(&analyst)
        .await?
        .into_iter()
        .find(|s| s.source_id == DEMO_CLUSTER)
    {
        Some(s) => s.id,
        None => {
            let q = cairn_registry::screening::Questionnaire::builtin()?;
            reg.raise_signal(
                &analyst,
                &q,
                cairn_registry::signal::SignalSource::Cluster,
                DEMO_CLUSTER,
                "Fictional demo: three ads share a phone and a handle; one says 'new in town'.",
            )
            .await?
            .id
        }
    };
    let duty_period_id = seed_duty(reg, &cps_id).await?;
    seed_statistics(
        reg,
        &data_login("demo.admin")?,
        &data_login("ngo.statistician")?,
    )
    .await?;
    Ok(DemoData {
        duty_period_id,
        cluster_id: DEMO_CLUSTER.into(),
        record_id: DEMO_RECORDS[0].0.into(),
        signal_id,
        scan_id: DEMO_SCAN_RUN,
        media_sha256: DEMO_MEDIA_SHA256.into(),
        logins,
        ngo_cases,
        cps_cases,
        ngo_id,
        cps_id,
        police_id,
    })
}

/// Screenings for the demo's NGO cases: one unconfirmed flag per case, the second case's
/// confirmed by its case worker, so that the screening screens have something to show.
async fn seed_screenings(reg: &Registry, ngo: &Actor, cases: &[String]) -> Result<(), AppError> {
    use cairn_registry::model::Answer;
    use cairn_registry::screening::Questionnaire;
    let q = Questionnaire::builtin()?;
    let yes_sets: [&[&str]; 3] = [
        &["vul_placement", "vul_runaway", "rec_loverboy"],
        &["vul_family", "vul_placement"],
        &["onl_sextortion"],
    ];
    for (i, case_id) in cases.iter().enumerate() {
        let yes = yes_sets[i % yes_sets.len()];
        let answers = q
            .questions
            .iter()
            .enumerate()
            .map(|(k, x)| {
                let a = if yes.contains(&x.id.as_str()) {
                    Answer::Yes
                } else if k % 7 == 3 {
                    Answer::Unknown
                } else {
                    Answer::No
                };
                (x.id.clone(), a)
            })
            .collect();
        let (id, _) = reg.record_screening(ngo, case_id, &q, &answers).await?;
        if i == 1 {
            reg.confirm_screening(ngo, &id, None, None).await?;
        }
    }
    Ok(())
}

/// One demo service: name, kind, area, ages, languages, capacity, offering organisation.
type DemoService<'a> = (
    &'a str,
    cairn_registry::services::ServiceKind,
    Option<&'a str>,
    Option<(u32, u32)>,
    &'a [&'a str],
    Option<u32>,
    &'a str,
);

/// A small, clearly fictional services directory (kept when the demo is seeded again).
async fn seed_services(reg: &Registry, ngo_id: &str, cps_id: &str) -> Result<(), AppError> {
    use cairn_registry::services::{Service, ServiceKind};
    let existing = reg.services().await?;
    let sys = system_actor();
    let entries: [DemoService<'_>; 5] = [
        (
            "Demo shelter Les Tilleuls (fictional)",
            ServiceKind::Shelter,
            Some("Lille"),
            Some((13, 18)),
            &["fr", "en"],
            Some(6),
            cps_id,
        ),
        (
            "Demo psychotrauma centre Nord (fictional)",
            ServiceKind::Psychotrauma,
            Some("Lille"),
            Some((6, 21)),
            &["fr", "ro"],
            None,
            cps_id,
        ),
        (
            "Demo legal aid for minors (fictional)",
            ServiceKind::LegalAid,
            None,
            None,
            &["fr", "en", "ro"],
            None,
            ngo_id,
        ),
        (
            "Demo youth health clinic (fictional)",
            ServiceKind::Health,
            Some("Paris"),
            Some((10, 25)),
            &["fr"],
            Some(20),
            ngo_id,
        ),
        (
            "Demo emergency shelter Paris (fictional)",
            ServiceKind::Shelter,
            Some("Paris"),
            Some((12, 17)),
            &["fr", "ar"],
            Some(1),
            ngo_id,
        ),
    ];
    for (name, kind, area, ages, languages, capacity, org) in entries {
        if existing.iter().any(|(s, _)| s.name == name) {
            continue;
        }
        reg.add_service(
            &sys,
            &Service {
                id: String::new(),
                organisation_id: Some(org.to_owned()),
                name: name.into(),
                kind,
                country: "FR".into(),
                area: area.map(str::to_owned),
                min_age: ages.map(|a| a.0),
                max_age: ages.map(|a| a.1),
                languages: languages.iter().map(|l| (*l).to_owned()).collect(),
                capacity,
            },
        )
        .await?;
    }
    Ok(())
}

/// The demo's duty roster: the child-protection organisation on duty for its own region (Nord)
/// since the start of 2026, until ended. The NGO is in another region, so its signals still go by
/// the standing rule (see docs/bridge.md).
async fn seed_duty(reg: &Registry, cps_id: &str) -> Result<String, AppError> {
    let sys = system_actor();
    if let Some(p) = reg.duty_periods(&sys).await?.into_iter().next() {
        return Ok(p.id);
    }
    let starts_at = cairn_registry::db::parse_time("2026-01-01", "demo duty period")?;
    Ok(reg
        .add_duty_period(
            &sys,
            &cairn_registry::duty::NewDutyPeriod {
                organisation_id: cps_id,
                country: "FR",
                region: Some("Nord (fictional)"),
                starts_at,
                ends_at: None,
            },
        )
        .await?)
}

/// The statistics pages' demo: a privacy budget of ε = 3 for the default dataset, set by the
/// admin, and one noisy release (discrete Laplace, ε = 0.5) published by the statistician.
async fn seed_statistics(
    reg: &Registry,
    admin: &Actor,
    statistician: &Actor,
) -> Result<(), AppError> {
    use crate::handlers::stats::DEFAULT_DATASET;
    let budget = cairn_stats::ledger::budget(reg, DEFAULT_DATASET).await?;
    if budget.total_micro_epsilon.is_none() {
        cairn_stats::app::set_budget(reg, admin, DEFAULT_DATASET, "3").await?;
    }
    if budget.releases.is_empty() {
        let opts = cairn_stats::app::ReleaseOptions {
            dataset: DEFAULT_DATASET.into(),
            referrals: true,
            screenings: true,
            epsilon: Some("0.5".into()),
            ..Default::default()
        };
        let min_k = cairn_stats::app::configured_min_k()?;
        let req = cairn_stats::app::request_of(reg, statistician, &opts, min_k).await?;
        cairn_stats::app::publish(reg, statistician, &req).await?;
    }
    Ok(())
}

/// A fictional text statement on the NGO's first case, recorded by its case worker, and an access
/// request from the first responder waiting for a decision.
async fn seed_statement(
    reg: &Registry,
    recorder: &Actor,
    requester: &Actor,
    case_id: &str,
) -> Result<(), AppError> {
    if reg.statement_of_case(recorder, case_id).await?.is_some() {
        return Ok(());
    }
    let id = reg
        .record_statement(
            recorder,
            case_id,
            cairn_registry::statement::MediaKind::Text,
            Some("Fictional transcript for the demo: no real person, no real event."),
            None,
        )
        .await?;
    reg.request_statement_access(
        requester,
        &id,
        "Fictional: follow-up at the drop-in centre.",
    )
    .await?;
    Ok(())
}

/// The demo cluster of the scan store.
pub const DEMO_CLUSTER: &str = "demo-cluster-1";

/// Fictional collected ads: id, URL, capture time, text. Every selector is reserved for examples
/// (`.invalid` domains, an unassigned number range).
const DEMO_RECORDS: &[(&str, &str, &str, &str)] = &[
    (
        "demo-rec-1",
        "https://ads.example.invalid/fr/lille/ad-1001",
        "2026-03-02T21:14:00Z",
        "FICTIONAL DEMO AD. New in town, available 24/7, hotel only. Call +33 6 00 00 00 01 or @demo_lily_fictional",
    ),
    (
        "demo-rec-2",
        "https://ads.example.invalid/fr/paris/ad-2002",
        "2026-03-09T19:40:00Z",
        "FICTIONAL DEMO AD. Young and fresh, just ran away from boring home, hotel visits. +33 6 00 00 00 01",
    ),
    (
        "demo-rec-3",
        "https://ads.example.invalid/be/bruxelles/ad-3003",
        "2026-03-16T22:05:00Z",
        "FICTIONAL DEMO AD. On tour this week, incall/outcall. Snap @demo_lily_fictional",
    ),
];

/// (record, kind, value, category) of the demo findings; an image URL is among them so that the
/// bridge can be seen (and tested) leaving it out.
const DEMO_FINDINGS: &[(&str, &str, &str, Option<&str>)] = &[
    ("demo-rec-1", "phone", "+33600000001", None),
    ("demo-rec-1", "place", "Lille", None),
    ("demo-rec-2", "place", "Paris", None),
    ("demo-rec-1", "handle", "@demo_lily_fictional", None),
    (
        "demo-rec-1",
        "url",
        "https://img.example.invalid/demo/1001.jpg",
        None,
    ),
    (
        "demo-rec-1",
        "indicator",
        "new_in_town",
        Some("new_in_town"),
    ),
    (
        "demo-rec-1",
        "indicator",
        "always_available",
        Some("always_available"),
    ),
    (
        "demo-rec-1",
        "indicator",
        "hotel_shortstay",
        Some("hotel_shortstay"),
    ),
    ("demo-rec-2", "phone", "+33600000001", None),
    ("demo-rec-2", "indicator", "youth", Some("youth")),
    ("demo-rec-2", "indicator", "runaway", Some("runaway")),
    (
        "demo-rec-2",
        "indicator",
        "hotel_shortstay",
        Some("hotel_shortstay"),
    ),
    ("demo-rec-3", "handle", "@demo_lily_fictional", None),
    ("demo-rec-3", "place", "Bruxelles", None),
    ("demo-rec-3", "indicator", "touring", Some("touring")),
    (
        "demo-rec-3",
        "indicator",
        "incall_outcall",
        Some("incall_outcall"),
    ),
];

/// The SHA-256 of a demo image met while scanning (hashes only, as the scan stores them).
pub const DEMO_MEDIA_SHA256: &str =
    "0000000000000000000000000000000000000000000000000000000000d3m0aa";

/// Writes the fictional scan records, findings, an image's hashes and the cluster into the
/// store's tables (as `cairn scan` and `cairn link` would), once.
async fn seed_investigation(reg: &Registry) -> Result<(), AppError> {
    use cairn_store::registry::RegistryPool;
    use sha2::Digest;
    let db = |e: sqlx::Error| AppError::Internal(format!("demo investigation data: {e}"));
    // One statement on either backend; the statements are constants, the values bound.
    macro_rules! exec {
        ($sql:expr $(, $v:expr)*) => {
            match reg.pool() {
                RegistryPool::Sqlite(p) => sqlx::query($sql)$(.bind($v))*.execute(p).await.map(|_| ()),
                RegistryPool::Postgres(p) => sqlx::query($sql)$(.bind($v))*.execute(p).await.map(|_| ()),
            }
            .map_err(db)?
        };
    }
    const RUN: i64 = DEMO_SCAN_RUN;
    let now = "2026-03-20T08:00:00Z";
    exec!(
        "INSERT INTO scan_run (id, started_at, finished_at, inputs, versions) VALUES ($1, $2, $2, '[\"demo\"]', '{}') ON CONFLICT DO NOTHING",
        RUN,
        now
    );
    exec!(
        "INSERT INTO link_run (id, finished_at, config, versions, records, clusters) VALUES ($1, $2, '{}', '[]', 3, 1) ON CONFLICT DO NOTHING",
        RUN,
        now
    );
    exec!(
        "INSERT INTO link_cluster (id, run_id, size, first_seen, last_seen, summary) VALUES ($1, $2, 3, $3, $4, '{}') ON CONFLICT DO NOTHING",
        DEMO_CLUSTER,
        RUN,
        DEMO_RECORDS[0].2,
        DEMO_RECORDS[2].2
    );
    exec!(
        "INSERT INTO media (sha256, md5, sha1) VALUES ($1, 'd3m0', 'd3m0') ON CONFLICT DO NOTHING",
        DEMO_MEDIA_SHA256
    );
    for (id, url, at, text) in DEMO_RECORDS {
        let sha = hex::encode(sha2::Sha256::digest(text.as_bytes()));
        let size = i64::try_from(text.len()).unwrap_or(0);
        exec!(
            "INSERT INTO evidence (sha256, size, stored_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &sha,
            size,
            now
        );
        exec!(
            "INSERT INTO record (id, url, captured_at, sha256, lang, text, run_id) VALUES ($1, $2, $3, $4, 'en', $5, $6) ON CONFLICT DO NOTHING",
            *id,
            *url,
            *at,
            &sha,
            *text,
            RUN
        );
        exec!(
            "INSERT INTO occurrence (record_id, source, locator, run_id) VALUES ($1, 'demo-ads.warc.gz', $1, $2) ON CONFLICT DO NOTHING",
            *id,
            RUN
        );
        exec!(
            "INSERT INTO link_member (record_id, cluster_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            *id,
            DEMO_CLUSTER
        );
    }
    exec!(
        "INSERT INTO media_occurrence (sha256, source, locator, url, captured_at, run_id) VALUES ($1, 'demo-ads.warc.gz', 'demo-rec-1#img', 'https://img.example.invalid/demo/1001.jpg', $2, $3) ON CONFLICT DO NOTHING",
        DEMO_MEDIA_SHA256,
        DEMO_RECORDS[0].2,
        RUN
    );
    for (i, (record, kind, value, category)) in (0_i64..).zip(DEMO_FINDINGS.iter()) {
        let (start, end, evidence) = demo_span(record, kind, value, i);
        exec!(
            "INSERT INTO finding (record_id, kind, value, start_byte, end_byte, evidence, rule, category) VALUES ($1, $2, $3, $4, $5, $7, 'demo-lexicon@1', $6) ON CONFLICT DO NOTHING",
            *record,
            *kind,
            *value,
            start,
            end,
            *category,
            evidence
        );
    }
    Ok(())
}

/// The scan run of the demo records.
pub const DEMO_SCAN_RUN: i64 = 990_001;

/// Where a demo finding sits in its record's text: byte span and the passage (the value itself
/// and an empty span when the text does not carry it, e.g. an image URL or a place from the URL).
fn demo_span(record: &str, kind: &str, value: &str, i: i64) -> (i64, i64, String) {
    let passage = match (kind, value) {
        ("phone", _) => "+33 6 00 00 00 01",
        ("indicator", "new_in_town") => "New in town",
        ("indicator", "always_available") => "available 24/7",
        ("indicator", "hotel_shortstay") => "hotel",
        ("indicator", "youth") => "Young and fresh",
        ("indicator", "runaway") => "ran away",
        ("indicator", "touring") => "On tour",
        ("indicator", "incall_outcall") => "incall/outcall",
        _ => value,
    };
    let text = DEMO_RECORDS
        .iter()
        .find(|r| r.0 == record)
        .map_or("", |r| r.3);
    match text.find(passage) {
        Some(start) => {
            let start = i64::try_from(start).unwrap_or(0);
            let end = start + i64::try_from(passage.len()).unwrap_or(0);
            (start, end, passage.to_owned())
        }
        // Distinct empty spans keep the rows' keys apart.
        None => (-1 - i, -1 - i, value.to_owned()),
    }
}

/// Name of the demo known-hash list (its entries are PDQ hashes of benign demo images).
pub const DEMO_LIST: &str = "demo-benign-fictional";
/// Benign synthetic images drawn for the demo, and how many of them the demo list carries.
const DEMO_IMAGES: u32 = 6;
const DEMO_LISTED: u32 = 2;

/// A benign synthetic picture (gradients, stripes, checks, rings): never a photo, never a person.
fn demo_png(n: u32) -> Result<Vec<u8>, AppError> {
    let size = 96u32;
    let mut img = image::RgbImage::new(size, size);
    for (x, y, p) in img.enumerate_pixels_mut() {
        let (dx, dy) = (x.abs_diff(size / 2), y.abs_diff(size / 2));
        let v: u32 = match n % 6 {
            0 => x * 255 / size,
            1 => y * 255 / size,
            2 => ((x / 12 + y / 12) % 2) * 255,
            3 => (((x + y) / 8) % 2) * 255,
            4 => (((dx * dx + dy * dy) / 90) % 2) * 255,
            _ => u32::from(x < size / 2) * 200 + u32::from(y < size / 3) * 55,
        };
        let v = u8::try_from(v.min(255)).unwrap_or(u8::MAX);
        *p = image::Rgb([v, v / 2 + 40 * u8::from(n.is_multiple_of(2)), 255 - v / 3]);
    }
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| AppError::Internal(format!("demo image: {e}")))?;
    Ok(png)
}

/// Collected images for the investigation screens: benign synthetic PNGs in the evidence store
/// of `data_dir`, their hashes in the scan store (as `cairn scan` records images), and a demo
/// known-hash list (imported as `cairn lists add` does) carrying the PDQ of some of them, so
/// that matches appear. Returns the SHA-256 of the images, listed ones first.
pub async fn seed_media(
    reg: &Registry,
    data_dir: &std::path::Path,
) -> Result<Vec<String>, AppError> {
    use cairn_store::registry::RegistryPool;
    let db = |e: sqlx::Error| AppError::Internal(format!("demo media: {e}"));
    macro_rules! exec {
        ($sql:expr $(, $v:expr)*) => {
            match reg.pool() {
                RegistryPool::Sqlite(p) => sqlx::query($sql)$(.bind($v))*.execute(p).await.map(|_| ()),
                RegistryPool::Postgres(p) => sqlx::query($sql)$(.bind($v))*.execute(p).await.map(|_| ()),
            }
            .map_err(db)?
        };
    }
    let evidence = cairn_store::EvidenceStore::new(data_dir.join("evidence"));
    let now = "2026-03-20T08:00:00Z";
    let mut shas = Vec::new();
    let mut csv = String::from("id,pdq,category\n");
    for n in 0..DEMO_IMAGES {
        let png = demo_png(n)?;
        let h = cairn_media::hash_image_bytes(&png, &cairn_media::HashOptions::default())
            .map_err(|e| AppError::Internal(format!("demo image: {e}")))?;
        let sha = evidence
            .put(&png)
            .map_err(|e| AppError::Internal(format!("demo image: {e}")))?;
        let size = i64::try_from(png.len()).unwrap_or(0);
        exec!(
            "INSERT INTO evidence (sha256, size, stored_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &sha,
            size,
            now
        );
        exec!(
            "INSERT INTO media (sha256, md5, sha1, pdq, quality, width, height) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            &sha,
            &h.crypto.md5,
            &h.crypto.sha1,
            h.pdq.to_hex(),
            i64::from(h.quality),
            i64::from(h.width),
            i64::from(h.height)
        );
        exec!(
            "INSERT INTO media_occurrence (sha256, source, locator, url, captured_at, run_id) VALUES ($1, 'demo-ads.warc.gz', $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &sha,
            format!("demo-img-{n}"),
            format!("https://img.example.invalid/demo/benign-{n}.png"),
            DEMO_RECORDS[0].2,
            DEMO_SCAN_RUN
        );
        if n < DEMO_LISTED {
            csv.push_str(&format!(
                "demo-entry-{n},{},demo-benign-fictional\n",
                h.pdq.to_hex()
            ));
        }
        shas.push(sha);
    }
    let file = data_dir.join("demo-hash-list.csv");
    std::fs::write(&file, csv).map_err(|e| AppError::Internal(format!("demo list: {e}")))?;
    cairn_media::ListStore::new(data_dir)
        .add(DEMO_LIST, &file, Some(cairn_media::ListFormat::Csv))
        .map_err(|e| AppError::Internal(format!("demo list: {e}")))?;
    Ok(shas)
}
