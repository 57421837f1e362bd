//! The registry suite, run on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the report

mod common;

use cairn_registry::access::AuditFilter;
use cairn_registry::audit::{self, AuditEvent, Outcome};
use cairn_registry::blind::IndexField;
use cairn_registry::consent::{Decision, LegalBasis};
use cairn_registry::model::{
    CaseStatus, ConsentGiver, DataCategory, Gender, LegalBasisKind, Purpose, Role, VictimStatus,
};
use cairn_registry::{NewCase, NewConsent, PersonFields, Registry, RegistryError};
use cairn_store::registry::RegistryPool;
use common::{Env, actor, exec, second_pool};

/// Names no real text would contain, so that finding them anywhere means a leak.
const UNUSUAL: [(&str, &str); 3] = [
    ("Zyxwqönia", "Přqbłëtsky-Ørnvald"),
    ("Ælfqwynth", "Xöqzarúvian"),
    ("Jüqvérine", "O'Mbqatzkowitz"),
];

fn person(first: &str, second: &str, birth: &str, phone: &str) -> PersonFields {
    PersonFields {
        first_name: Some(first.into()),
        second_name: Some(second.into()),
        birthdate: Some(birth.into()),
        mobile_phone: Some(phone.into()),
        gender: Some(Gender::Female),
        nationality: Some("RO".into()),
        ..PersonFields::default()
    }
}

async fn people_and_lookup(env: Env) {
    let worker = actor(&env, "ASE 31", Role::CaseWorker).await;
    let r = &env.registry;
    let a = r
        .add_person(
            &worker,
            VictimStatus::Possible,
            &person("Zoë", "Dubois-Łukasz", "2009-03-07", "+33 6 12 34 56 78"),
        )
        .await
        .unwrap();
    let b = r
        .add_person(
            &worker,
            VictimStatus::Confirmed,
            &person("Ana", "Dubois-Łukasz", "2010-01-02", "0612345679"),
        )
        .await
        .unwrap();
    assert_eq!(
        r.find_persons(&worker, IndexField::Name, "zoe dubois lukasz")
            .await
            .unwrap(),
        vec![a.clone()]
    );
    let mut both = vec![a.clone(), b.clone()];
    both.sort();
    assert_eq!(
        r.find_persons(&worker, IndexField::SecondName, "DUBOIS LUKASZ")
            .await
            .unwrap(),
        both
    );
    assert_eq!(
        r.find_persons(&worker, IndexField::Birthdate, "07/03/2009")
            .await
            .unwrap(),
        vec![a.clone()]
    );
    assert_eq!(
        r.find_persons(&worker, IndexField::Phone, "0033612345678")
            .await
            .unwrap(),
        vec![a.clone()]
    );
    assert!(
        r.find_persons(&worker, IndexField::Name, "Zoe Martin")
            .await
            .unwrap()
            .is_empty()
    );

    let got = r.get_person(&worker, &a, Purpose::Care).await.unwrap();
    assert_eq!(got.fields.first_name.as_deref(), Some("Zoë"));
    assert_eq!(got.victim_status, VictimStatus::Possible);

    // An analyst may not read identities; the refusal is audited.
    let analyst = actor(&env, "ASE 31", Role::Analyst).await;
    assert!(matches!(
        r.get_person(&analyst, &a, Purpose::Care).await,
        Err(RegistryError::Forbidden { .. })
    ));
    let mut out = Vec::new();
    audit::export_jsonl(r.pool(), &mut out).await.unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.lines().any(|l| l.contains("\"person.read\"")
        && l.contains(&analyst.user_id)
        && l.contains("\"denied\"")));
    assert!(audit::verify(r.pool()).await.unwrap().first_break.is_none());
}
both_backends!(
    people_and_lookup_through_blind_index,
    super::people_and_lookup
);

async fn no_plaintext(env: Env) {
    let worker = actor(&env, "Police 75", Role::CaseWorker).await;
    let r = &env.registry;
    for (i, (first, second)) in UNUSUAL.iter().enumerate() {
        let id = r
            .add_person(
                &worker,
                VictimStatus::Possible,
                &person(first, second, "2008-11-23", &format!("+3361122334{i}")),
            )
            .await
            .unwrap();
        r.open_case(
            &worker,
            &NewCase {
                person_id: id.clone(),
                lead_organisation_id: worker.organisation_id.clone(),
                vulnerability_details: Some(format!("lives with {second} family")),
                ..NewCase::default()
            },
        )
        .await
        .unwrap();
        let back = r.get_person(&worker, &id, Purpose::Care).await.unwrap();
        assert_eq!(back.fields.second_name.as_deref(), Some(*second));
    }
    let needles: Vec<String> = UNUSUAL
        .iter()
        .flat_map(|(f, s)| {
            [
                f.to_string(),
                s.to_string(),
                f.to_lowercase(),
                s.to_lowercase(),
                "+33611223340".to_string(),
                "2008-11-23".to_string(),
            ]
        })
        .collect();
    let haystack: Vec<u8> = match (&env.dir, env.registry.pool()) {
        (Some(tmp), RegistryPool::Sqlite(p)) => {
            // Every file of the data directory, WAL included, before and after a checkpoint.
            let mut bytes = read_all(tmp.path());
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await
                .unwrap();
            bytes.extend(read_all(tmp.path()));
            bytes
        }
        (_, RegistryPool::Postgres(p)) => {
            // A pg_dump-like export: every row of every table of the schema, as text.
            let tables: Vec<(String,)> = sqlx::query_as("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()")
                .fetch_all(p).await.unwrap();
            assert!(tables.len() > 10);
            let mut text = String::new();
            for (t,) in tables {
                let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT t::text FROM \"{t}\" t"
                )))
                .fetch_all(p)
                .await
                .unwrap();
                for (row,) in rows {
                    text.push_str(&row);
                    text.push('\n');
                }
            }
            assert!(text.contains("prs-"), "the dump holds the person rows");
            text.into_bytes()
        }
        _ => unreachable!(),
    };
    for needle in needles {
        assert!(
            !contains(&haystack, needle.as_bytes()),
            "{needle:?} found in clear in the database"
        );
    }
}
both_backends!(database_reveals_no_identifying_field, super::no_plaintext);

fn read_all(dir: &std::path::Path) -> Vec<u8> {
    let out = read_tree(dir);
    assert!(!out.is_empty());
    out
}

fn read_tree(dir: &std::path::Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            out.extend(std::fs::read(&path).unwrap());
        } else if path.is_dir() {
            out.extend(read_tree(&path));
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

async fn audit_chain(env: Env) {
    let worker = actor(&env, "ASE 13", Role::CaseWorker).await;
    let r = &env.registry;
    let id = r
        .add_person(
            &worker,
            VictimStatus::Possible,
            &person("Lina", "Moreau", "2011-05-05", "0611111111"),
        )
        .await
        .unwrap();
    for _ in 0..5 {
        r.get_person(&worker, &id, Purpose::Care).await.unwrap();
    }
    let report = audit::verify(r.pool()).await.unwrap();
    assert!(report.first_break.is_none(), "{report:?}");
    assert!(report.entries >= 8);

    // An entry edited directly in the database is named by its seq.
    assert_eq!(
        exec(
            &env,
            "UPDATE audit_log SET outcome = 'denied' WHERE seq = 4"
        )
        .await
        .unwrap(),
        1
    );
    let report = audit::verify(r.pool()).await.unwrap();
    assert_eq!(report.first_break.map(|b| b.seq), Some(4));
    exec(&env, "UPDATE audit_log SET outcome = 'ok' WHERE seq = 4")
        .await
        .unwrap();
    assert!(audit::verify(r.pool()).await.unwrap().first_break.is_none());
    // A deleted entry is named by its seq.
    exec(&env, "DELETE FROM audit_log WHERE seq = 6")
        .await
        .unwrap();
    assert_eq!(
        audit::verify(r.pool())
            .await
            .unwrap()
            .first_break
            .map(|b| b.seq),
        Some(6)
    );
}
both_backends!(audit_chain_detects_edits_and_deletions, super::audit_chain);

async fn concurrent_writers(env: Env) {
    let worker = actor(&env, "NGO 1", Role::CaseWorker).await;
    let other = Registry::open(second_pool(&env).await, &env.master)
        .await
        .unwrap();
    let before = audit::verify(env.registry.pool()).await.unwrap().entries;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let reg = if i % 2 == 0 {
            env.registry.clone()
        } else {
            other.clone()
        };
        let w = worker.clone();
        tasks.push(tokio::spawn(async move {
            let id = reg
                .add_person(
                    &w,
                    VictimStatus::Possible,
                    &person(
                        "Écrit",
                        &format!("Parallèle{i}"),
                        "2010-10-10",
                        "0622222222",
                    ),
                )
                .await
                .unwrap();
            let mut tx = reg.begin().await.unwrap();
            audit::append(
                &mut tx,
                &w,
                &AuditEvent {
                    action: "test.touch",
                    object: &id,
                    purpose: "care",
                    fields: &[],
                    outcome: Outcome::Ok,
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let report = audit::verify(env.registry.pool()).await.unwrap();
    assert!(report.first_break.is_none(), "{report:?}");
    assert_eq!(report.entries, before + 48, "no write lost");
    assert_eq!(env.registry.person_ids().await.unwrap().len(), 24);
}
both_backends!(concurrent_writers_keep_the_chain, super::concurrent_writers);

/// `append_all` (the group commit's) chains a batch larger than one multi-row INSERT exactly as
/// appends one by one would, interleaved with single appends before and after.
async fn batched_appends(env: Env) {
    let worker = actor(&env, "NGO 2", Role::CaseWorker).await;
    let analyst = actor(&env, "NGO 2b", Role::Analyst).await;
    let r = &env.registry;
    let single = |object: &'static str| AuditEvent {
        action: "test.single",
        object,
        purpose: "care",
        fields: &[],
        outcome: Outcome::Ok,
    };
    let mut tx = r.begin().await.unwrap();
    let first = audit::append(&mut tx, &worker, &single("before"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let objects: Vec<String> = (0..150).map(|i| format!("obj-{i}")).collect();
    let batch: Vec<(&audit::Actor, AuditEvent)> = objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            (
                if i % 3 == 0 { &analyst } else { &worker },
                AuditEvent {
                    action: "test.batch",
                    object: o,
                    purpose: "care",
                    fields: if i % 2 == 0 {
                        &["status", "notes"]
                    } else {
                        &[]
                    },
                    outcome: if i == 7 { Outcome::Denied } else { Outcome::Ok },
                },
            )
        })
        .collect();
    let mut tx = r.begin().await.unwrap();
    let written = audit::append_all(&mut tx, &batch).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = r.begin().await.unwrap();
    let last = audit::append(&mut tx, &worker, &single("after"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(written.len(), 150);
    assert_eq!(written[0].seq, first.seq + 1);
    assert_eq!(written[0].prev_hash, first.hash);
    for w in written.windows(2) {
        assert_eq!(w[1].seq, w[0].seq + 1);
        assert_eq!(w[1].prev_hash, w[0].hash);
    }
    assert_eq!(last.seq, written[149].seq + 1);
    assert_eq!(last.prev_hash, written[149].hash);
    // What is stored is what was returned, field lists and outcomes included.
    let mut out = Vec::new();
    audit::export_jsonl(r.pool(), &mut out).await.unwrap();
    let stored: Vec<audit::AuditEntry> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|e: &audit::AuditEntry| e.action == "test.batch")
        .collect();
    assert_eq!(stored, written);
    assert_eq!(stored[0].fields, ["status", "notes"]);
    assert_eq!(stored[0].actor, analyst.user_id);
    assert_eq!(stored[7].outcome, "denied");
    let report = audit::verify(r.pool()).await.unwrap();
    assert!(report.first_break.is_none(), "{report:?}");
    assert_eq!(report.head_seq, last.seq);
    // An empty batch writes nothing.
    let mut tx = r.begin().await.unwrap();
    assert!(audit::append_all(&mut tx, &[]).await.unwrap().is_empty());
    tx.commit().await.unwrap();
    assert_eq!(audit::verify(r.pool()).await.unwrap().head_seq, last.seq);
}
both_backends!(
    batched_appends_chain_like_single_ones,
    super::batched_appends
);

async fn consent_enforced(env: Env) {
    let r = &env.registry;
    let worker = actor(&env, "ASE 69", Role::CaseWorker).await;
    let stat = actor(&env, "Observatoire", Role::Statistician).await;
    let id = r
        .add_person(
            &worker,
            VictimStatus::Confirmed,
            &person("Maëlle", "Quintard", "2009-09-09", "0633333333"),
        )
        .await
        .unwrap();
    r.open_case(
        &worker,
        &NewCase {
            person_id: id.clone(),
            lead_organisation_id: worker.organisation_id.clone(),
            status: Some(CaseStatus::FollowUp),
            ..NewCase::default()
        },
    )
    .await
    .unwrap();

    // No consent: refused, and the refusal is in the audit log.
    let err = r
        .share_person(&stat, &id, Purpose::Statistics, None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Refused { .. }), "{err}");
    let mut out = Vec::new();
    audit::export_jsonl(r.pool(), &mut out).await.unwrap();
    let last = String::from_utf8(out)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned();
    let entry: audit::AuditEntry = serde_json::from_str(&last).unwrap();
    assert_eq!(
        (
            entry.action.as_str(),
            entry.outcome.as_str(),
            entry.actor.as_str()
        ),
        ("share", "denied", stat.user_id.as_str())
    );

    // With consent for statistics on identity and case data: allowed.
    let cid = r
        .record_consent(
            &worker,
            &NewConsent {
                person_id: id.clone(),
                purpose: Purpose::Statistics,
                recipient_organisation_id: None,
                categories: vec![DataCategory::Identity, DataCategory::Case],
                giver: ConsentGiver::Guardian,
                given_at: None,
                expires_at: Some("2099-01-01".into()),
            },
        )
        .await
        .unwrap();
    let shared = r
        .share_person(&stat, &id, Purpose::Statistics, None, None)
        .await
        .unwrap();
    assert_eq!(
        shared.decision,
        Decision::Allowed {
            consents: vec![cid.clone()]
        }
    );
    assert_eq!(
        shared.person.fields.second_name.as_deref(),
        Some("Quintard")
    );
    assert_eq!(shared.cases.len(), 1);

    // Withdrawn: refused again; the history keeps both steps.
    r.withdraw_consent(&worker, &cid).await.unwrap();
    assert!(
        r.share_person(&stat, &id, Purpose::Statistics, None, None)
            .await
            .is_err()
    );
    let history: Vec<String> = r
        .consent_history(&cid)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.1)
        .collect();
    assert_eq!(history, vec!["given", "withdrawn"]);

    // A legal basis: refused to the statistician, allowed to the case worker with a reason.
    let basis = LegalBasis {
        kind: LegalBasisKind::ChildProtectionDuty,
        reason: "information préoccupante".into(),
    };
    assert!(
        r.share_person(
            &stat,
            &id,
            Purpose::Police,
            Some(&stat.organisation_id),
            Some(&basis)
        )
        .await
        .is_err()
    );
    let shared = r
        .share_person(
            &worker,
            &id,
            Purpose::Police,
            Some(&stat.organisation_id),
            Some(&basis),
        )
        .await
        .unwrap();
    assert!(matches!(
        shared.decision,
        Decision::AllowedByLegalBasis { .. }
    ));
    assert!(audit::verify(r.pool()).await.unwrap().first_break.is_none());
}
both_backends!(
    consent_is_enforced_and_refusals_audited,
    super::consent_enforced
);

async fn users(env: Env) {
    let r = &env.registry;
    let admin = actor(&env, "Cairn admin", Role::Admin).await;
    let worker = actor(&env, "Cairn admin", Role::CaseWorker).await;
    let org = admin.organisation_id.clone();
    r.create_user(
        &admin,
        "jdupont",
        "a long enough password",
        &org,
        Role::Coordinator,
    )
    .await
    .unwrap();
    assert!(
        r.create_user(
            &worker,
            "other",
            "a long enough password",
            &org,
            Role::Admin
        )
        .await
        .is_err()
    );
    assert!(
        r.create_user(&admin, "short", "short", &org, Role::Analyst)
            .await
            .is_err()
    );
    let me = r
        .authenticate("jdupont", "a long enough password")
        .await
        .unwrap();
    assert_eq!(me.role, Role::Coordinator);
    assert!(r.authenticate("jdupont", "wrong password!!").await.is_err());
    assert!(
        r.authenticate("nobody", "a long enough password")
            .await
            .is_err()
    );
    // The stored hash is argon2id.
    let hash: (String,) = match r.pool() {
        RegistryPool::Sqlite(p) => {
            sqlx::query_as("SELECT password_hash FROM app_user WHERE username = 'jdupont'")
                .fetch_one(p)
                .await
                .unwrap()
        }
        RegistryPool::Postgres(p) => {
            sqlx::query_as("SELECT password_hash FROM app_user WHERE username = 'jdupont'")
                .fetch_one(p)
                .await
                .unwrap()
        }
    };
    assert!(hash.0.starts_with("$argon2id$"));
}
both_backends!(users_and_passwords, super::users);

/// API tokens work until revoked or expired, whichever comes first, and their validity is bounded.
async fn api_token_expiry(env: Env) {
    let r = &env.registry;
    let worker = actor(&env, "Cairn tokens", Role::CaseWorker).await;
    for days in [0, cairn_registry::account::API_TOKEN_MAX_DAYS + 1] {
        let e = r
            .create_api_token(&worker, "script", "read", days)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("valid_days"), "{days}: {e}");
    }
    let (id, token) = r
        .create_api_token(&worker, "script", "read", 30)
        .await
        .unwrap();
    let (who, scope) = r.actor_for_token(&token).await.unwrap().unwrap();
    assert_eq!(
        (who.user_id.as_str(), scope.as_str()),
        (worker.user_id.as_str(), "read")
    );
    let listed = r.api_tokens(&worker).await.unwrap();
    let t = listed.iter().find(|t| t.id == id).unwrap();
    assert!(!t.expired && !t.revoked);
    // 30 days from now, give or take the test's own run time.
    let expires = time::OffsetDateTime::parse(
        &t.expires_at,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let left = expires - time::OffsetDateTime::now_utc();
    assert!(
        left > time::Duration::days(29) && left <= time::Duration::days(30),
        "{left}"
    );
    // Past its expiry: refused, and listed as expired.
    exec(
        &env,
        &format!("UPDATE api_token SET expires_at = '2020-01-01T00:00:00Z' WHERE id = '{id}'"),
    )
    .await
    .unwrap();
    assert!(r.actor_for_token(&token).await.unwrap().is_none());
    assert!(r.api_tokens(&worker).await.unwrap()[0].expired);
    // An expiry nobody can read counts as passed.
    exec(
        &env,
        &format!("UPDATE api_token SET expires_at = 'soon' WHERE id = '{id}'"),
    )
    .await
    .unwrap();
    assert!(r.actor_for_token(&token).await.unwrap().is_none());
}
both_backends!(api_tokens_expire, super::api_token_expiry);

/// Filters of the audit page, alone and together, and paging with `before_seq`, against the
/// same entries filtered here.
async fn audit_filters(env: Env) {
    let r = &env.registry;
    let auditor = actor(&env, "Audit office", Role::Auditor).await;
    let workers = [
        actor(&env, "ASE filters 1", Role::CaseWorker).await,
        actor(&env, "ASE filters 2", Role::CaseWorker).await,
    ];
    let actions = ["person.read", "case.update", "referral.send"];
    let objects = ["case-a", "case-b", "case-c", "case-d"];
    for i in 0..48 {
        audit::append_alone(
            r.pool(),
            &workers[i % 2],
            &AuditEvent {
                action: actions[i % 3],
                object: objects[(i / 3) % 4],
                purpose: "care",
                fields: &[],
                outcome: Outcome::Ok,
            },
        )
        .await
        .unwrap();
    }
    let all = r
        .audit_entries(
            &auditor,
            &AuditFilter {
                limit: 500,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    let some = |v: &str| Some(v.to_owned());
    let user = |k: usize| Some(workers[k].user_id.clone());
    let filters = [
        (some("case.update"), None, None),
        (None, user(1), None),
        (None, None, some("case-c")),
        (some("person.read"), user(0), None),
        (None, user(1), some("case-b")),
        (some("referral.send"), user(1), some("case-d")),
        (some("no.such.action"), None, None),
    ];
    for (action, who, object) in filters {
        let want: Vec<i64> = all
            .iter()
            .filter(|e| action.as_ref().is_none_or(|a| &e.action == a))
            .filter(|e| who.as_ref().is_none_or(|a| &e.actor == a))
            .filter(|e| object.as_ref().is_none_or(|o| &e.object == o))
            .map(|e| e.seq)
            .collect();
        let filter = AuditFilter {
            action: action.clone(),
            actor: who.clone(),
            object: object.clone(),
            before_seq: None,
            limit: 500,
        };
        let got: Vec<i64> = r
            .audit_entries(&auditor, &filter)
            .await
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect();
        assert_eq!(got, want, "{action:?} {who:?} {object:?}");
        // Pages of three, each starting below the last seq of the one before.
        let mut paged = Vec::new();
        let mut before = None;
        loop {
            let page = r
                .audit_entries(
                    &auditor,
                    &AuditFilter {
                        before_seq: before,
                        limit: 3,
                        ..filter.clone()
                    },
                )
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            before = Some(last.seq);
            paged.extend(page.iter().map(|e| e.seq));
        }
        assert_eq!(paged, want, "paged {action:?} {who:?} {object:?}");
    }
}
both_backends!(audit_page_filters, super::audit_filters);

async fn wrong_master_key(env: Env) {
    let other = cairn_registry::crypto::MasterKey::new(
        cairn_registry::crypto::SecretKey::from_bytes([1; 32]),
    );
    let err = Registry::open(env.registry.pool().clone(), &other)
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Decrypt { .. }), "{err}");
}
both_backends!(a_wrong_master_key_opens_nothing, super::wrong_master_key);

async fn referrals(env: Env) {
    use cairn_registry::model::ReferralStatus;
    let r = &env.registry;
    let ngo = actor(&env, "NGO Lyon", Role::CaseWorker).await;
    let ase = actor(&env, "ASE 69 bis", Role::CaseWorker).await;
    let id = r
        .add_person(
            &ngo,
            VictimStatus::Possible,
            &person("Inès", "Rqavel", "2010-02-02", "0644444444"),
        )
        .await
        .unwrap();
    let case = r
        .open_case(
            &ngo,
            &NewCase {
                person_id: id.clone(),
                lead_organisation_id: ngo.organisation_id.clone(),
                ..NewCase::default()
            },
        )
        .await
        .unwrap();
    // Without consent to be referred to that organisation: refused.
    assert!(matches!(
        r.send_referral(&ngo, &case, &ase.organisation_id, "needs shelter", None)
            .await,
        Err(RegistryError::Refused { .. })
    ));
    r.record_consent(
        &ngo,
        &NewConsent {
            person_id: id,
            purpose: Purpose::Referral,
            recipient_organisation_id: Some(ase.organisation_id.clone()),
            categories: vec![DataCategory::Identity, DataCategory::Case],
            giver: ConsentGiver::Person,
            given_at: None,
            expires_at: None,
        },
    )
    .await
    .unwrap();
    let rid = r
        .send_referral(&ngo, &case, &ase.organisation_id, "needs shelter", None)
        .await
        .unwrap();
    // Only the receiving side receives; a decline needs a reason; no skipping steps.
    assert!(
        r.update_referral(&ngo, &rid, ReferralStatus::Received, None)
            .await
            .is_err()
    );
    r.update_referral(&ase, &rid, ReferralStatus::Received, None)
        .await
        .unwrap();
    assert!(
        r.update_referral(&ase, &rid, ReferralStatus::Declined, Some("  "))
            .await
            .is_err()
    );
    assert!(
        r.update_referral(&ase, &rid, ReferralStatus::Closed, None)
            .await
            .is_err()
    );
    r.update_referral(
        &ase,
        &rid,
        ReferralStatus::Declined,
        Some("no place before March"),
    )
    .await
    .unwrap();
    assert_eq!(
        r.referral_status(&rid).await.unwrap(),
        (
            ReferralStatus::Declined,
            Some("no place before March".into())
        )
    );
    assert!(audit::verify(r.pool()).await.unwrap().first_break.is_none());
}
both_backends!(
    referrals_need_consent_and_follow_their_statuses,
    super::referrals
);
