//! Screenings, referral deadlines, services, statements, retention and key rotation, run on
//! SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the report

mod common;

use cairn_registry::audit::{self, Actor};
use cairn_registry::model::{Answer, Role, ScreeningLevel, VictimStatus, Vulnerability};
use cairn_registry::screening::Questionnaire;
use cairn_registry::{NewCase, PersonFields, RegistryError};
use common::{Env, actor};
use std::collections::BTreeMap;

/// A fictional person and an open case; returns (person id, case id).
async fn person_and_case(env: &Env, worker: &Actor, first: &str) -> (String, String) {
    let r = &env.registry;
    let person = r
        .add_person(
            worker,
            VictimStatus::Possible,
            &PersonFields {
                first_name: Some(first.into()),
                second_name: Some("Qwertzuiop-Fictif".into()),
                birthdate: Some("2011-04-01".into()),
                ..PersonFields::default()
            },
        )
        .await
        .unwrap();
    let case = r
        .open_case(
            worker,
            &NewCase {
                person_id: person.clone(),
                lead_organisation_id: worker.organisation_id.clone(),
                worker_id: Some(worker.user_id.clone()),
                vulnerabilities: vec![Vulnerability::Minor, Vulnerability::RunawayOrMissing],
                vulnerability_details: Some("Fictional: ran away twice from the home".into()),
                ..NewCase::default()
            },
        )
        .await
        .unwrap();
    (person, case)
}

/// Every value of the one BLOB/BYTEA column selected by `sql`.
async fn blobs(env: &Env, sql: &'static str) -> Vec<Vec<u8>> {
    use cairn_store::registry::RegistryPool;
    let rows: Vec<(Vec<u8>,)> = match env.registry.pool() {
        RegistryPool::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        RegistryPool::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    };
    rows.into_iter().map(|r| r.0).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn answers(list: &[(&str, Answer)]) -> BTreeMap<String, Answer> {
    list.iter().map(|(q, a)| ((*q).to_owned(), *a)).collect()
}

async fn audit_actions(env: &Env) -> Vec<(String, String)> {
    let mut out = Vec::new();
    audit::export_jsonl(env.registry.pool(), &mut out)
        .await
        .unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["action"].as_str().unwrap().to_owned(),
                v["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn screening_flow(env: Env) {
    let worker = actor(&env, "ASE 31", Role::CaseWorker).await;
    let analyst = actor(&env, "ASE 31", Role::Analyst).await;
    let (_, case) = person_and_case(&env, &worker, "Screenia").await;
    let r = &env.registry;
    let q = Questionnaire::builtin().unwrap();
    let given = answers(&[
        ("vul_runaway", Answer::Yes),
        ("rec_loverboy", Answer::Yes),
        ("onl_sextortion", Answer::Yes),
        ("ctl_threats", Answer::Unknown),
        ("vul_placement", Answer::No),
    ]);
    let (id, result) = r
        .record_screening(&worker, &case, &q, &given)
        .await
        .unwrap();
    assert_eq!(result.level, ScreeningLevel::HighConcern);
    assert_eq!(result.raised_by[0].question, "onl_sextortion");
    assert!(result.action.fr.contains("24 heures"));

    // Unknown case, unknown question, wrong role: refused, nothing stored.
    assert!(matches!(
        r.record_screening(&worker, "cas-none", &q, &given).await,
        Err(RegistryError::NotFound { .. })
    ));
    let e = r
        .record_screening(&worker, &case, &q, &answers(&[("bogus_q", Answer::Yes)]))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("bogus_q"), "{e}");
    assert!(matches!(
        r.record_screening(&analyst, &case, &q, &given).await,
        Err(RegistryError::Forbidden { .. })
    ));

    // Another level needs a reason; then confirmed with who and when.
    assert!(
        r.confirm_screening(&worker, &id, Some(ScreeningLevel::Concern), None)
            .await
            .is_err()
    );
    let level = r
        .confirm_screening(
            &worker,
            &id,
            Some(ScreeningLevel::ImmediateDanger),
            Some("Fictional: the child said she must go back tonight"),
        )
        .await
        .unwrap();
    assert_eq!(level, ScreeningLevel::ImmediateDanger);
    assert!(r.confirm_screening(&worker, &id, None, None).await.is_err());

    let all = r.screenings_of(&worker, &case).await.unwrap();
    assert_eq!(all.len(), 1);
    let s = &all[0];
    assert_eq!(s.answers, given);
    assert_eq!(s.result, result);
    assert_eq!(s.confirmed_by.as_deref(), Some(worker.user_id.as_str()));
    assert!(s.confirmed_at.is_some());
    assert_eq!(s.confirmed_level, Some(ScreeningLevel::ImmediateDanger));
    assert!(s.confirmation_note.as_deref().unwrap().contains("tonight"));
    assert!(r.screenings_of(&analyst, &case).await.is_err());

    // The answers are sealed: no question id in clear in the row.
    for blob in blobs(&env, "SELECT answers FROM screening").await {
        assert!(!contains(&blob, b"sextortion") && !contains(&blob, b"high_concern"));
    }
    let actions = audit_actions(&env).await;
    for want in [
        ("screening.create", "ok"),
        ("screening.confirm", "ok"),
        ("screening.read", "ok"),
        ("screening.read", "denied"),
    ] {
        assert!(
            actions
                .iter()
                .any(|(a, o)| (a.as_str(), o.as_str()) == want),
            "{want:?}"
        );
    }
    assert!(audit::verify(r.pool()).await.unwrap().first_break.is_none());
}
both_backends!(
    screening_is_scored_stored_and_confirmed,
    super::screening_flow
);

async fn referral_deadlines(env: Env) {
    use cairn_registry::NewConsent;
    use cairn_registry::model::{ConsentGiver, DataCategory, OrgType, Purpose, ReferralStatus};
    use cairn_registry::workflow::{Grounds, Workflow, format_date};
    use time::macros::date;

    let ngo = actor(&env, "Fictional NGO", Role::FirstResponder).await;
    let r = &env.registry;
    let sys = cairn_registry::system_actor();
    let police = r
        .create_organisation(&sys, "Fictional police unit", OrgType::Police, "GB", None)
        .await
        .unwrap();
    let (person, case) = person_and_case(&env, &ngo, "Deadlinia").await;
    let uk = Workflow::preset("uk").unwrap();

    // Child-protection route: no consent needed under the UK preset, but only to child
    // protection and only for a minor.
    let refused = r
        .send_child_referral(&ngo, &case, &police, "fictional", &uk)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, RegistryError::Refused { .. }),
        "{refused}"
    );
    // The authority is a child-protection organisation: "actor" creates them so.
    let authority = actor(&env, "Fictional competent authority", Role::CaseWorker).await;
    let child_ref = r
        .send_child_referral(
            &ngo,
            &case,
            &authority.organisation_id,
            "fictional: runaway, older boyfriend",
            &uk,
        )
        .await
        .unwrap();
    let d = r.referral_deadlines(&child_ref).await.unwrap();
    let started = time::OffsetDateTime::now_utc().date();
    assert_eq!(d.started_on, format_date(started));
    assert_eq!(
        d.reasonable_grounds_due,
        format_date(uk.reasonable_grounds_due(started).unwrap())
    );

    // The consent route, then tracked under the workflow.
    r.record_consent(
        &ngo,
        &NewConsent {
            person_id: person.clone(),
            purpose: Purpose::Referral,
            recipient_organisation_id: Some(authority.organisation_id.clone()),
            categories: vec![DataCategory::Identity, DataCategory::Case],
            giver: ConsentGiver::Guardian,
            given_at: None,
            expires_at: None,
        },
    )
    .await
    .unwrap();
    let tracked = r
        .send_referral(&ngo, &case, &authority.organisation_id, "fictional", None)
        .await
        .unwrap();
    r.track_referral(&ngo, &tracked, &uk).await.unwrap();

    // Only the receiving organisation decides; a conclusive decision needs a positive
    // reasonable-grounds one, after the recovery period.
    assert!(matches!(
        r.record_grounds(&ngo, &tracked, &uk, Grounds::Reasonable, true, started)
            .await,
        Err(RegistryError::Forbidden { .. })
    ));
    assert!(
        r.record_grounds(
            &authority,
            &tracked,
            &uk,
            Grounds::Conclusive,
            true,
            started
        )
        .await
        .is_err()
    );
    let d = r
        .record_grounds(
            &authority,
            &tracked,
            &uk,
            Grounds::Reasonable,
            true,
            started,
        )
        .await
        .unwrap();
    let ends = uk.recovery_ends(started).unwrap();
    assert_eq!(d.recovery_ends, Some(format_date(ends)));
    assert_eq!(
        d.conclusive_grounds_due,
        Some(format_date(uk.conclusive_grounds_due(ends).unwrap()))
    );
    assert!(
        r.record_grounds(
            &authority,
            &tracked,
            &uk,
            Grounds::Conclusive,
            true,
            ends.previous_day().unwrap()
        )
        .await
        .is_err()
    );

    // Overdue on a day far ahead: the child referral's reasonable grounds, and the tracked
    // referral's conclusive grounds; a declined referral drops out.
    let far = date!(2099 - 01 - 01);
    let late = r.overdue_referrals(&ngo, far).await.unwrap();
    let mut got: Vec<(&str, &str)> = late
        .iter()
        .map(|o| (o.referral_id.as_str(), o.decision))
        .collect();
    got.sort();
    let mut want = vec![
        (child_ref.as_str(), "reasonable_grounds"),
        (tracked.as_str(), "conclusive_grounds"),
    ];
    want.sort();
    assert_eq!(got, want);
    assert!(late.iter().all(|o| o.days_late > 0 && o.case_id == case));
    assert!(r.overdue_referrals(&ngo, started).await.unwrap().is_empty());
    r.update_referral(
        &authority,
        &child_ref,
        ReferralStatus::Declined,
        Some("fictional: duplicate"),
    )
    .await
    .unwrap();
    let late = r.overdue_referrals(&ngo, far).await.unwrap();
    assert_eq!(late.len(), 1);
    let d = r
        .record_grounds(&authority, &tracked, &uk, Grounds::Conclusive, true, ends)
        .await
        .unwrap();
    assert_eq!(d.conclusive_grounds_positive, Some(true));
    assert!(r.overdue_referrals(&ngo, far).await.unwrap().is_empty());

    let actions = audit_actions(&env).await;
    for want in [
        ("referral.send_child", "denied"),
        ("referral.send_child", "ok"),
        ("referral.track", "ok"),
        ("referral.reasonable_grounds", "denied"),
        ("referral.reasonable_grounds", "ok"),
        ("referral.conclusive_grounds", "ok"),
        ("referral.overdue", "ok"),
    ] {
        assert!(
            actions
                .iter()
                .any(|(a, o)| (a.as_str(), o.as_str()) == want),
            "{want:?}"
        );
    }
    assert!(audit::verify(r.pool()).await.unwrap().first_break.is_none());
}
both_backends!(
    referral_deadlines_follow_the_national_workflow,
    super::referral_deadlines
);

async fn services_and_plans(env: Env) {
    use cairn_registry::services::{Needs, PlanStatus, Service, ServiceKind};
    let coordinator = actor(&env, "Fictional coordination", Role::Coordinator).await;
    let worker = actor(&env, "Fictional coordination", Role::CaseWorker).await;
    let analyst = actor(&env, "Fictional coordination", Role::Analyst).await;
    let r = &env.registry;
    let (_, case) = person_and_case(&env, &worker, "Servicia").await;
    let service = |name: &str, kind, area: Option<&str>, capacity| Service {
        id: String::new(),
        organisation_id: None,
        name: name.into(),
        kind,
        country: "FR".into(),
        area: area.map(Into::into),
        min_age: Some(12),
        max_age: Some(17),
        languages: vec!["fr".into(), "ro".into()],
        capacity,
    };
    let trauma = r
        .add_service(
            &coordinator,
            &service(
                "Fictional trauma centre",
                ServiceKind::Psychotrauma,
                Some("Occitanie"),
                Some(1),
            ),
        )
        .await
        .unwrap();
    r.add_service(
        &coordinator,
        &service("Fictional shelter", ServiceKind::Shelter, None, None),
    )
    .await
    .unwrap();
    assert!(matches!(
        r.add_service(&worker, &service("x", ServiceKind::Health, None, None))
            .await,
        Err(RegistryError::Forbidden { .. })
    ));
    let mut bad = service("Ages upside down", ServiceKind::Health, None, None);
    bad.min_age = Some(18);
    assert!(r.add_service(&coordinator, &bad).await.is_err());
    let needs = Needs {
        kinds: vec![ServiceKind::Psychotrauma],
        country: "FR".into(),
        area: Some("occitanie".into()),
        age: Some(14),
        languages: vec!["ro".into()],
    };
    let m = r.match_services(&needs).await.unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].service.id.as_str(), m[0].places_left),
        (trauma.as_str(), Some(1))
    );

    let plan = r.plan_service(&worker, &case, &trauma).await.unwrap();
    // The only place is taken: a second plan is refused, and the match shows it full.
    assert!(matches!(
        r.plan_service(&worker, &case, &trauma).await,
        Err(RegistryError::Refused { .. })
    ));
    assert_eq!(
        r.match_services(&needs).await.unwrap()[0].places_left,
        Some(0)
    );
    r.set_plan_status(&worker, &plan, PlanStatus::Started)
        .await
        .unwrap();
    assert!(
        r.set_plan_status(&worker, &plan, PlanStatus::Started)
            .await
            .is_err()
    );
    r.set_plan_status(&worker, &plan, PlanStatus::Completed)
        .await
        .unwrap();
    assert_eq!(
        r.match_services(&needs).await.unwrap()[0].places_left,
        Some(1)
    );
    let plans = r.service_plans(&worker, &case).await.unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].status, PlanStatus::Completed);
    assert!(r.service_plans(&analyst, &case).await.is_err());
    assert!(audit::verify(r.pool()).await.unwrap().first_break.is_none());
}
both_backends!(services_are_matched_and_planned, super::services_and_plans);

async fn one_statement(env: Env) {
    use cairn_registry::statement::MediaKind;
    let recorder = actor(&env, "Fictional unit", Role::CaseWorker).await;
    let other = actor(&env, "Fictional other service", Role::CaseWorker).await;
    let analyst = actor(&env, "Fictional unit", Role::Analyst).await;
    let r = &env.registry;
    let (_, case) = person_and_case(&env, &recorder, "Statementia").await;
    const SECRET: &str = "Fictional transcript: Zqxwvbnm told me about the flat in Qwxyzville";
    let recording = b"FICTIONAL-AUDIO-BYTES Zqxwvbnm".repeat(100);
    let id = r
        .record_statement(
            &recorder,
            &case,
            MediaKind::Audio,
            Some(SECRET),
            Some(&recording),
        )
        .await
        .unwrap();
    let again = r
        .record_statement(&other, &case, MediaKind::Text, Some("again"), None)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("ask for access"), "{again}");

    // Others see it exists, cannot view it, ask; the recorder grants; then they can.
    let info = r.statement_of_case(&other, &case).await.unwrap().unwrap();
    assert_eq!(
        (info.id.as_str(), info.you_have_access),
        (id.as_str(), false)
    );
    assert!(matches!(
        r.view_statement(&other, &id).await,
        Err(RegistryError::Forbidden { .. })
    ));
    assert!(r.request_statement_access(&other, &id, " ").await.is_err());
    let req = r
        .request_statement_access(&other, &id, "fictional: hearing preparation")
        .await
        .unwrap();
    assert!(matches!(
        r.decide_access_request(&other, &req, true).await,
        Err(RegistryError::Forbidden { .. })
    ));
    let pending = r.pending_access_requests(&recorder).await.unwrap();
    assert_eq!(pending.len(), 1);
    r.decide_access_request(&recorder, &req, true)
        .await
        .unwrap();
    assert!(
        r.decide_access_request(&recorder, &req, true)
            .await
            .is_err()
    );
    let seen = r.view_statement(&other, &id).await.unwrap();
    assert_eq!(seen.transcript.as_deref(), Some(SECRET));
    assert_eq!(seen.attachment.as_deref(), Some(recording.as_slice()));
    assert!(r.view_statement(&analyst, &id).await.is_err());

    // Notes, sealed.
    r.add_note(&recorder, &case, "Fictional note about Zqxwvbnm")
        .await
        .unwrap();
    let notes = r.notes_of(&recorder, &case).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert!(notes[0].body.contains("Zqxwvbnm"));
    assert!(r.notes_of(&analyst, &case).await.is_err());

    for sql in [
        "SELECT transcript FROM statement",
        "SELECT content FROM statement_attachment",
        "SELECT body FROM note",
    ] {
        for blob in blobs(&env, sql).await {
            assert!(!contains(&blob, b"Zqxwvbnm"), "{sql}");
        }
    }
    let actions = audit_actions(&env).await;
    for want in [
        ("statement.create", "ok"),
        ("statement.exists", "ok"),
        ("statement.view", "denied"),
        ("statement.view", "ok"),
        ("statement.request_access", "ok"),
        ("statement.grant", "denied"),
        ("statement.grant", "ok"),
        ("note.create", "ok"),
        ("note.read", "denied"),
    ] {
        assert!(
            actions
                .iter()
                .any(|(a, o)| (a.as_str(), o.as_str()) == want),
            "{want:?}"
        );
    }
    assert!(audit::verify(r.pool()).await.unwrap().first_break.is_none());
}
both_backends!(
    one_statement_per_case_with_access_requests,
    super::one_statement
);

async fn retention(env: Env) {
    use cairn_registry::blind::IndexField;
    use cairn_registry::model::{CaseStatus, Purpose};
    use cairn_registry::retention::{Policy, RecordType};
    use cairn_registry::statement::MediaKind;
    let worker = actor(&env, "Fictional retention org", Role::CaseWorker).await;
    let admin = actor(&env, "Fictional retention org", Role::Admin).await;
    let r = &env.registry;
    let (gone, closed_case) = person_and_case(&env, &worker, "Retentia").await;
    let (kept, _open_case) = person_and_case(&env, &worker, "Openia").await;
    let q = Questionnaire::builtin().unwrap();
    let (scr, _) = r
        .record_screening(
            &worker,
            &closed_case,
            &q,
            &answers(&[("vul_runaway", Answer::Yes)]),
        )
        .await
        .unwrap();
    r.record_statement(
        &worker,
        &closed_case,
        MediaKind::Text,
        Some("fictional"),
        Some(b"bytes"),
    )
    .await
    .unwrap();
    r.add_note(&worker, &closed_case, "fictional note")
        .await
        .unwrap();
    r.set_case_status(&worker, &closed_case, CaseStatus::Closed, Some("fictional"))
        .await
        .unwrap();
    let policy = Policy::builtin().unwrap();
    let now = time::OffsetDateTime::now_utc();
    assert!(
        r.apply_retention(&worker, &policy, now, true)
            .await
            .is_err()
    );

    // Too early: nothing. Three years on: notes only (2 years). Six years on: everything due.
    let early = r.apply_retention(&admin, &policy, now, true).await.unwrap();
    assert!(early.outcomes.iter().all(|o| o.ids.is_empty()));
    let three = now + time::Duration::days(3 * 366);
    let dry = r
        .apply_retention(&admin, &policy, three, true)
        .await
        .unwrap();
    let due: Vec<RecordType> = dry
        .outcomes
        .iter()
        .filter(|o| !o.ids.is_empty())
        .map(|o| o.record)
        .collect();
    assert_eq!(due, vec![RecordType::Note]);
    assert_eq!(
        r.notes_of(&worker, &closed_case).await.unwrap().len(),
        1,
        "a dry run changes nothing"
    );
    let six = now + time::Duration::days(6 * 366);
    let done = r
        .apply_retention(&admin, &policy, six, false)
        .await
        .unwrap();
    for o in &done.outcomes {
        let want = if o.record == RecordType::Person {
            &gone
        } else {
            &closed_case
        };
        assert_eq!(o.ids, vec![want.clone()], "{:?}", o.record);
    }
    let p = r.get_person(&worker, &gone, Purpose::Care).await.unwrap();
    assert_eq!((p.fields.first_name, p.fields.birthdate), (None, None));
    assert!(
        r.find_persons(&worker, IndexField::Name, "Retentia Qwertzuiop-Fictif")
            .await
            .unwrap()
            .is_empty()
    );
    let other = r.get_person(&worker, &kept, Purpose::Care).await.unwrap();
    assert_eq!(other.fields.first_name.as_deref(), Some("Openia"));
    assert!(r.notes_of(&worker, &closed_case).await.unwrap().is_empty());
    let s = r.screenings_of(&worker, &closed_case).await.unwrap();
    assert_eq!(
        (s[0].id.as_str(), s[0].result.level),
        (scr.as_str(), ScreeningLevel::Concern)
    );
    assert!(s[0].answers.is_empty() && s[0].result.raised_by.is_empty());
    let info = r
        .statement_of_case(&worker, &closed_case)
        .await
        .unwrap()
        .unwrap();
    let view = r.view_statement(&worker, &info.id).await.unwrap();
    assert_eq!((view.transcript, view.attachment), (None, None));
    // Statistics fields stay: the case and its status.
    assert_eq!(
        r.cases_of(&gone).await.unwrap()[0].status,
        CaseStatus::Closed
    );

    // A second run finds nothing left to do.
    let again = r
        .apply_retention(&admin, &policy, six, false)
        .await
        .unwrap();
    assert!(again.outcomes.iter().all(|o| o.ids.is_empty()));
    let actions = audit_actions(&env).await;
    for want in [
        "retention.dry_run",
        "retention.run",
        "retention.anonymise.person",
        "retention.delete.note",
    ] {
        assert!(actions.iter().any(|(a, _)| a == want), "{want}");
    }
    assert!(audit::verify(r.pool()).await.unwrap().first_break.is_none());
}
both_backends!(retention_anonymises_after_closure, super::retention);

async fn rotate_key(env: Env) {
    use cairn_registry::Registry;
    use cairn_registry::model::Purpose;
    use cairn_registry::statement::MediaKind;
    let worker = actor(&env, "Fictional rotation org", Role::CaseWorker).await;
    let admin = actor(&env, "Fictional rotation org", Role::Admin).await;
    let r = &env.registry;
    let mut people = Vec::new();
    for name in ["Rotania", "Rotbert", "Rotilde", "Rotwyn"] {
        people.push(person_and_case(&env, &worker, name).await);
    }
    let case = people[0].1.clone();
    let q = Questionnaire::builtin().unwrap();
    r.record_screening(
        &worker,
        &case,
        &q,
        &answers(&[("onl_grooming", Answer::Yes)]),
    )
    .await
    .unwrap();
    r.record_statement(
        &worker,
        &case,
        MediaKind::Audio,
        Some("fictional transcript"),
        Some(b"fictional audio"),
    )
    .await
    .unwrap();
    r.add_note(&worker, &case, "fictional note").await.unwrap();
    assert_eq!(r.rotation_remaining().await.unwrap(), 0);
    assert!(r.create_data_key(&worker, &env.master).await.is_err());

    let v2 = r.create_data_key(&admin, &env.master).await.unwrap();
    assert_eq!(v2, 2);
    // 4 persons + 4 cases + note + statement + attachment + screening.
    let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
    assert_eq!(reg.keys().active_version(), 2);
    assert_eq!(reg.rotation_remaining().await.unwrap(), 12);

    // One batch of 5, then the process "stops"; a new process resumes.
    let first = reg.reseal_batch(&admin, 5).await.unwrap();
    assert_eq!((first.done, first.remaining), (5, 7));
    drop(reg);
    // Meanwhile a process still on the old key ring writes under v1: the resumed run catches it.
    r.add_person(
        &worker,
        VictimStatus::Possible,
        &PersonFields {
            first_name: Some("Latecomia".into()),
            ..PersonFields::default()
        },
    )
    .await
    .unwrap();
    let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
    assert_eq!(reg.rotation_remaining().await.unwrap(), 8);
    let mut rounds = 0;
    loop {
        let p = reg.reseal_batch(&admin, 3).await.unwrap();
        rounds += 1;
        if p.remaining == 0 {
            break;
        }
        assert!(rounds < 10, "no progress");
    }
    assert_eq!(rounds, 3);

    // Every field now opens without the old key: drop v1 from the ring and read everything.
    common::exec(
        &env,
        "DELETE FROM key_ring WHERE purpose = 'data' AND version = 1",
    )
    .await
    .unwrap();
    let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
    for (person, _) in &people {
        let p = reg
            .get_person(&worker, person, Purpose::Care)
            .await
            .unwrap();
        assert!(p.fields.first_name.as_deref().unwrap().starts_with("Rot"));
        assert!(
            reg.cases_of(person).await.unwrap()[0]
                .vulnerability_details
                .is_some()
        );
    }
    assert_eq!(
        reg.screenings_of(&worker, &case).await.unwrap()[0]
            .answers
            .len(),
        1
    );
    let info = reg
        .statement_of_case(&worker, &case)
        .await
        .unwrap()
        .unwrap();
    let view = reg.view_statement(&worker, &info.id).await.unwrap();
    assert_eq!(view.attachment.as_deref(), Some(&b"fictional audio"[..]));
    assert_eq!(
        reg.notes_of(&worker, &case).await.unwrap()[0].body,
        "fictional note"
    );
    for blob in blobs(&env, "SELECT first_name FROM person").await {
        assert_eq!(&blob[1..5], &2u32.to_be_bytes(), "blob header names key v2");
    }
    let actions = audit_actions(&env).await;
    assert!(actions.iter().any(|(a, _)| a == "key.rotate"));
    assert!(actions.iter().filter(|(a, _)| a == "key.reseal").count() >= 4);
    assert!(audit::verify(r.pool()).await.unwrap().first_break.is_none());
}
both_backends!(rotate_key_reseals_and_resumes, super::rotate_key);

async fn verify_in_parts(env: Env) {
    use cairn_registry::audit::{AuditEvent, Outcome};
    let worker = actor(&env, "Fictional audit org", Role::CaseWorker).await;
    let r = &env.registry;
    let mut tx = r.begin().await.unwrap();
    for _ in 0..60 {
        audit::append(
            &mut tx,
            &worker,
            &AuditEvent {
                action: "person.read",
                object: "prs-fictional",
                purpose: "care",
                fields: &["first_name"],
                outcome: Outcome::Ok,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let (max,): (i64,) = match r.pool() {
        cairn_store::registry::RegistryPool::Sqlite(p) => {
            sqlx::query_as("SELECT MAX(seq) FROM audit_log")
                .fetch_one(p)
                .await
                .unwrap()
        }
        cairn_store::registry::RegistryPool::Postgres(p) => {
            sqlx::query_as("SELECT MAX(seq) FROM audit_log")
                .fetch_one(p)
                .await
                .unwrap()
        }
    };
    let verdicts = async || {
        let mut out = Vec::new();
        for parts in [1, 2, 3, 4, 7] {
            let v = audit::verify_in_parts(r.pool(), parts).await.unwrap();
            // SQLite's direct reader and the pool's give the very same report.
            let through_pool = audit::verify_in_parts_through_pool(r.pool(), parts)
                .await
                .unwrap();
            assert_eq!(v, through_pool);
            // The reason of a missing entry may or may not name the next one found.
            out.push((v.entries, v.first_break.map(|b| b.seq)));
        }
        out
    };
    let intact = verdicts().await;
    assert!(
        intact.iter().all(|v| *v == (max as u64, None)),
        "{intact:?}"
    );
    // Part boundaries with 3 parts fall after seq max/3 rounded up: tamper just there, inside a
    // part, and delete entries; every cut gives the same first break.
    let third = (max + 2) / 3;
    // Edits accumulate, so each one is earlier than the last.
    for (sql, want_seq) in [
        (format!("DELETE FROM audit_log WHERE seq = {max}"), max),
        (
            format!(
                "UPDATE audit_log SET object = 'x' WHERE seq = {}",
                2 * third + 1
            ),
            2 * third + 1,
        ),
        (
            format!(
                "UPDATE audit_log SET object = 'x' WHERE seq = {}",
                third + 1
            ),
            third + 1,
        ),
        (
            format!(
                "DELETE FROM audit_log WHERE seq > {third} AND seq <= {}",
                2 * third
            ),
            third + 1,
        ),
        (
            format!(
                "UPDATE audit_log SET outcome = 'denied' WHERE seq = {}",
                third - 5
            ),
            third - 5,
        ),
    ] {
        common::exec(&env, &sql).await.unwrap();
        let v = verdicts().await;
        assert!(v.iter().all(|x| *x == v[0]), "{sql}: {v:?}");
        assert_eq!(v[0].1, Some(want_seq), "{sql}: {v:?}");
    }
}
both_backends!(
    audit_verify_in_parts_gives_the_same_first_break,
    super::verify_in_parts
);
