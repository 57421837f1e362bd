//! The duty roster of the bridge, on SQLite and on PostgreSQL: validation (child protection only,
//! start before end, no overlap in the same country and region), who may keep it, and the
//! organisation on duty (the period covering now, region first, then country-wide, then the
//! standing rule when no period covers now). All organisations are fictional.

#![allow(clippy::unwrap_used)]

mod common;

use cairn_registry::RegistryError;
use cairn_registry::audit::Actor;
use cairn_registry::duty::NewDutyPeriod;
use cairn_registry::model::{OrgType, Role};
use cairn_registry::system_actor;
use common::{Env, actor};
use time::{Duration, OffsetDateTime};

async fn org(env: &Env, name: &str, t: OrgType, country: &str, region: Option<&str>) -> String {
    env.registry
        .create_organisation(&system_actor(), name, t, country, region)
        .await
        .unwrap()
}

fn period<'a>(
    org: &'a str,
    region: Option<&'a str>,
    from_hours: i64,
    to_hours: Option<i64>,
) -> NewDutyPeriod<'a> {
    let now = OffsetDateTime::now_utc();
    NewDutyPeriod {
        organisation_id: org,
        country: "FR",
        region,
        starts_at: now + Duration::hours(from_hours),
        ends_at: to_hours.map(|h| now + Duration::hours(h)),
    }
}

async fn on_duty(env: &Env, from: &str) -> Option<String> {
    env.registry
        .on_duty_organisation(from)
        .await
        .unwrap()
        .map(|(id, _)| id)
}

async fn roster(env: Env) {
    let admin: Actor = actor(&env, "Roster Admin Org (fictional)", Role::Admin).await;
    let reg = &env.registry;
    // The raising NGO is in Bretagne; "Aaa" would win the standing rule by name.
    let ngo = org(
        &env,
        "Roster NGO Rennes (fictional)",
        OrgType::Ngo,
        "FR",
        Some("Bretagne"),
    )
    .await;
    let first_by_name = org(
        &env,
        "Aaa Child Protection (fictional)",
        OrgType::ChildProtection,
        "FR",
        Some("Corse"),
    )
    .await;
    let country_wide = org(
        &env,
        "Roster Child Protection National (fictional)",
        OrgType::ChildProtection,
        "FR",
        None,
    )
    .await;
    let regional = org(
        &env,
        "Roster Child Protection Bretagne (fictional)",
        OrgType::ChildProtection,
        "FR",
        Some("Bretagne"),
    )
    .await;
    // The test helper's organisation (child protection, Occitanie) exists too; without a roster
    // the standing rule picks the one of the NGO's region.
    assert_eq!(
        on_duty(&env, &ngo).await.as_deref(),
        Some(regional.as_str())
    );

    // A country-wide period covering now beats the standing rule.
    let national = reg
        .add_duty_period(&admin, &period(&country_wide, None, -1, None))
        .await
        .unwrap();
    assert_eq!(
        on_duty(&env, &ngo).await.as_deref(),
        Some(country_wide.as_str())
    );
    // A period of the NGO's own region beats the country-wide one.
    let breton = reg
        .add_duty_period(
            &admin,
            &period(&first_by_name, Some("Bretagne"), -2, Some(5)),
        )
        .await
        .unwrap();
    assert_eq!(
        on_duty(&env, &ngo).await.as_deref(),
        Some(first_by_name.as_str())
    );
    // A period of another region does not apply to the NGO.
    reg.add_duty_period(&admin, &period(&regional, Some("Normandie"), -1, None))
        .await
        .unwrap();
    assert_eq!(
        on_duty(&env, &ngo).await.as_deref(),
        Some(first_by_name.as_str())
    );

    // Overlap in the same country and region is refused; adjacent periods are not.
    let overlap = reg
        .add_duty_period(&admin, &period(&regional, Some("Bretagne"), 4, Some(8)))
        .await;
    assert!(
        matches!(&overlap, Err(RegistryError::Invalid { message, .. }) if message.contains(&breton)),
        "{overlap:?}"
    );
    let existing = reg.duty_period(&breton).await.unwrap().unwrap();
    let adjacent = NewDutyPeriod {
        starts_at: OffsetDateTime::parse(
            existing.ends_at.as_deref().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap(),
        ends_at: None,
        ..period(&regional, Some("Bretagne"), 0, None)
    };
    let later = reg.add_duty_period(&admin, &adjacent).await.unwrap();
    // From must come before to; only child protection may be on duty.
    let backwards = reg
        .add_duty_period(&admin, &period(&regional, Some("Alsace"), 3, Some(1)))
        .await;
    assert!(
        matches!(&backwards, Err(RegistryError::Invalid { what, .. }) if what.contains("ends_at")),
        "{backwards:?}"
    );
    let ngo_on_duty = reg
        .add_duty_period(&admin, &period(&ngo, Some("Alsace"), 0, None))
        .await;
    assert!(
        matches!(&ngo_on_duty, Err(RegistryError::Invalid { message, .. }) if message.contains("child-protection")),
        "{ngo_on_duty:?}"
    );
    let bad_country = reg
        .add_duty_period(
            &admin,
            &NewDutyPeriod {
                country: "france",
                ..period(&regional, None, 0, None)
            },
        )
        .await;
    assert!(
        matches!(bad_country, Err(RegistryError::Invalid { .. })),
        "{bad_country:?}"
    );

    // Ending the regional period hands the NGO back to the country-wide one; ending twice is
    // refused; a period not started yet is cancelled (it ends where it starts).
    reg.end_duty_period(&admin, &breton).await.unwrap();
    assert_eq!(
        on_duty(&env, &ngo).await.as_deref(),
        Some(country_wide.as_str())
    );
    let again = reg.end_duty_period(&admin, &breton).await;
    assert!(
        matches!(again, Err(RegistryError::Invalid { .. })),
        "{again:?}"
    );
    reg.end_duty_period(&admin, &later).await.unwrap();
    let cancelled = reg.duty_period(&later).await.unwrap().unwrap();
    assert_eq!(
        cancelled.ends_at.as_deref(),
        Some(cancelled.starts_at.as_str())
    );
    // Nothing covers now any more: the standing rule again.
    reg.end_duty_period(&admin, &national).await.unwrap();
    assert_eq!(
        on_duty(&env, &ngo).await.as_deref(),
        Some(regional.as_str())
    );

    // The roster keeps its history, and every change is audited.
    let all = reg.duty_periods(&admin).await.unwrap();
    assert_eq!(all.len(), 4);
    assert!(
        all.iter()
            .all(|p| p.ends_at.is_some() || p.region.as_deref() == Some("Normandie"))
    );
    let audit = reg
        .audit_entries(
            &system_actor(),
            &cairn_registry::access::AuditFilter {
                action: Some("duty.end".into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 3);
}

both_backends!(duty_roster_routes_signals, super::roster);

async fn who_keeps_it(env: Env) {
    let reg = &env.registry;
    let cps = org(
        &env,
        "Scope Child Protection (fictional)",
        OrgType::ChildProtection,
        "FR",
        None,
    )
    .await;
    let be_cps = org(
        &env,
        "Scope Child Protection Bruxelles (fictional)",
        OrgType::ChildProtection,
        "BE",
        None,
    )
    .await;
    // The helper's organisation is French.
    let coordinator = actor(&env, "Scope Coordination (fictional)", Role::Coordinator).await;
    let worker = actor(&env, "Scope Coordination (fictional)", Role::CaseWorker).await;
    let id = reg
        .add_duty_period(&coordinator, &period(&cps, None, 0, None))
        .await
        .unwrap();
    let other_country = reg
        .add_duty_period(
            &coordinator,
            &NewDutyPeriod {
                country: "BE",
                ..period(&be_cps, None, 0, None)
            },
        )
        .await;
    assert!(
        matches!(other_country, Err(RegistryError::Refused { .. })),
        "{other_country:?}"
    );
    for denied in [
        reg.add_duty_period(&worker, &period(&cps, Some("Bretagne"), 0, None))
            .await
            .map(|_| ()),
        reg.end_duty_period(&worker, &id).await,
        reg.duty_periods(&worker).await.map(|_| ()),
    ] {
        assert!(
            matches!(denied, Err(RegistryError::Forbidden { .. })),
            "{denied:?}"
        );
    }
    assert_eq!(reg.duty_periods(&coordinator).await.unwrap().len(), 1);
}

both_backends!(
    only_admins_and_coordinators_keep_the_roster,
    super::who_keeps_it
);

/// Two coordinators adding overlapping periods at the same moment: exactly one is kept (the
/// overlap check and the insert hold the write lock together).
async fn concurrent_overlap(env: Env) {
    let admin = actor(&env, "Race Admin Org (fictional)", Role::Admin).await;
    let a = org(
        &env,
        "Race Child Protection A (fictional)",
        OrgType::ChildProtection,
        "FR",
        None,
    )
    .await;
    let b = org(
        &env,
        "Race Child Protection B (fictional)",
        OrgType::ChildProtection,
        "FR",
        None,
    )
    .await;
    for round in 0..5 {
        let region = format!("Race region {round} (fictional)");
        let (pa, pb) = (
            period(&a, Some(&region), 0, Some(10)),
            period(&b, Some(&region), 5, Some(15)),
        );
        let (first, second) = tokio::join!(
            env.registry.add_duty_period(&admin, &pa),
            env.registry.add_duty_period(&admin, &pb),
        );
        assert!(
            first.is_ok() != second.is_ok(),
            "round {round}: {first:?} {second:?}"
        );
    }
    assert_eq!(env.registry.duty_periods(&admin).await.unwrap().len(), 5);
}

both_backends!(overlapping_periods_race, super::concurrent_overlap);
