//! The statistics suite on a synthetic registry, run on SQLite and on PostgreSQL: no published
//! cell below k, none recoverable from the published margins (checked here by an attack written
//! independently of the library's audit), totals consistent across tables, refusals audited, the
//! privacy budget enforced, releases reproducible, the CTDC export readable with CTDC's columns.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the report

// The registry suite's harness (both backends, fresh data directory or schema per test).
#[path = "../../cairn-registry/tests/common/mod.rs"]
mod common;

use cairn_registry::audit;
use cairn_registry::model::Role;
use cairn_stats::StatsError;
use cairn_stats::app::{self, ExportFormat, ReleaseOptions};
use cairn_stats::generator::{self, SyntheticOptions};
use cairn_stats::release::{PublishedTable, Release, TOTAL};
use common::{Env, actor, exec};
use std::collections::{BTreeMap, BTreeSet};

const PERSONS: usize = 1200;

async fn audit_actions(env: &Env) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    audit::export_jsonl(env.registry.pool(), &mut buf)
        .await
        .unwrap();
    for line in String::from_utf8(buf).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        out.push((
            v["action"].as_str().unwrap().to_owned(),
            v["outcome"].as_str().unwrap().to_owned(),
            v["object"].as_str().unwrap().to_owned(),
        ));
    }
    out
}

/// Every figure of a release by (unit, categories without totals): the value, or None.
fn figures(rel: &Release) -> BTreeMap<Fig, Option<u64>> {
    let mut out = BTreeMap::new();
    for t in &rel.tables {
        for c in &t.cells {
            let key: BTreeSet<(String, String)> = c
                .categories
                .iter()
                .filter(|(_, l)| *l != TOTAL)
                .map(|(a, l)| (a.clone(), l.clone()))
                .collect();
            let prev = out.insert((t.unit.clone(), key.clone()), c.value);
            if let Some(prev) = prev {
                assert_eq!(prev, c.value, "{} {key:?}: differs across tables", t.id);
            }
        }
    }
    out
}

/// The equations a reader can write from the published tables: each total over a single-valued
/// axis is the sum of its cells, and minors are the age bands 0–8 and 9–17.
fn reader_equations(rel: &Release) -> Vec<(Fig, Vec<Fig>)> {
    let mut eqs = Vec::new();
    let key = |t: &PublishedTable, cats: &BTreeMap<String, String>| -> Fig {
        (
            t.unit.clone(),
            cats.iter()
                .filter(|(_, l)| *l != TOTAL)
                .map(|(a, l)| (a.clone(), l.clone()))
                .collect(),
        )
    };
    for t in &rel.tables {
        for c in &t.cells {
            for axis in &t.axes {
                if axis.multi_valued || c.categories[&axis.name] != TOTAL {
                    continue;
                }
                let parts = axis
                    .labels
                    .iter()
                    .map(|l| {
                        let mut cats = c.categories.clone();
                        cats.insert(axis.name.clone(), l.clone());
                        key(t, &cats)
                    })
                    .collect();
                eqs.push((key(t, &c.categories), parts));
            }
        }
    }
    let figs = figures(rel);
    for (unit, cats) in figs.keys() {
        for (majority, bands) in [
            ("Minor", vec!["0--8", "9--17"]),
            (
                "Adult",
                vec![
                    "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+",
                ],
            ),
        ] {
            if cats.contains(&("majority".into(), majority.into())) {
                let parts: Vec<Fig> = bands
                    .iter()
                    .map(|b| {
                        let mut c = cats.clone();
                        c.remove(&("majority".into(), majority.into()));
                        c.insert(("age_band".into(), (*b).into()));
                        (unit.clone(), c)
                    })
                    .collect();
                if parts.iter().all(|p| figs.contains_key(p)) {
                    eqs.push(((unit.clone(), cats.clone()), parts));
                }
            }
        }
    }
    eqs
}

type Fig = (String, BTreeSet<(String, String)>);

/// Single-unknown propagation over the reader's equations: returns the suppressed figures it
/// recomputes, with their values (none may be a small count).
fn attack(rel: &Release) -> Vec<(Fig, u64)> {
    let mut values: BTreeMap<Fig, Option<u64>> = figures(rel);
    let eqs = reader_equations(rel);
    let mut recovered = Vec::new();
    loop {
        let mut changed = false;
        for (total, parts) in &eqs {
            let unknown: Vec<&Fig> = std::iter::once(total)
                .chain(parts)
                .filter(|f| values[*f].is_none())
                .collect();
            if unknown.len() != 1 {
                continue;
            }
            let known_parts: i64 = parts
                .iter()
                .filter_map(|p| values[p])
                .map(|v| v as i64)
                .sum();
            let value = if unknown[0] == total {
                known_parts
            } else {
                values[total].unwrap() as i64 - known_parts
            };
            let value = u64::try_from(value).unwrap();
            recovered.push((unknown[0].clone(), value));
            values.insert(unknown[0].clone(), Some(value));
            changed = true;
        }
        if !changed {
            return recovered;
        }
    }
}

type Actors = (
    cairn_registry::audit::Actor,
    cairn_registry::audit::Actor,
    generator::SyntheticSummary,
);

async fn setup(env: &Env) -> Actors {
    setup_with(env, PERSONS).await
}

async fn setup_with(env: &Env, persons: usize) -> Actors {
    let worker = actor(env, "Fictional Child Protection 31", Role::CaseWorker).await;
    let receiver = actor(env, "Fictional NGO Shelter", Role::CaseWorker).await;
    let statistician = actor(env, "Fictional Child Protection 31", Role::Statistician).await;
    let opts = SyntheticOptions {
        persons,
        ..SyntheticOptions::default()
    };
    let summary = generator::populate(&env.registry, &worker, &receiver, &opts)
        .await
        .unwrap();
    assert_eq!(summary.persons, persons as u64);
    (statistician, worker, summary)
}

fn opts(dataset: &str) -> ReleaseOptions {
    ReleaseOptions {
        dataset: dataset.into(),
        referrals: true,
        screenings: true,
        eurostat: true,
        ..ReleaseOptions::default()
    }
}

async fn suppression_release(env: Env) {
    let (stat, worker, summary) = setup(&env).await;
    let reg = &env.registry;
    let req = app::request_of(reg, &stat, &opts("national-report"), 11)
        .await
        .unwrap();
    let rel = app::publish(reg, &stat, &req).await.unwrap();

    // Who is counted: consent to statistical use in force, and the others by reason.
    assert_eq!(rel.population.registered, PERSONS as u64);
    assert_eq!(rel.population.counted, summary.statistics_consent);
    let left: u64 = rel.population.left_out.iter().map(|l| l.persons).sum();
    assert_eq!(left + rel.population.counted, PERSONS as u64);
    let by_reason: BTreeMap<&str, u64> = rel
        .population
        .left_out
        .iter()
        .map(|l| (l.reason.as_str(), l.persons))
        .collect();
    assert_eq!(
        by_reason
            .get("consent to statistical use withdrawn")
            .copied()
            .unwrap_or(0),
        summary.statistics_consent_withdrawn
    );
    assert_eq!(
        by_reason["no consent to statistical use"],
        summary.no_consent + summary.other_consent_only
    );

    // Nothing published below k; something suppressed (the synthetic registry has small groups).
    let mut suppressed = 0;
    for t in &rel.tables {
        for c in &t.cells {
            match c.value {
                Some(v) => assert!(v == 0 || v >= 11, "{} {:?} = {v}", t.id, c.categories),
                None => suppressed += 1,
            }
        }
    }
    assert!(suppressed > 0);
    let audit_summary = rel.disclosure_audit.as_ref().unwrap();
    assert_eq!(audit_summary.recovered, 0);
    assert!(audit_summary.suppressed_complementary > 0);
    // An attack written apart from the library finds nothing either.
    let recomputed = attack(&rel);
    assert!(
        recomputed.iter().all(|(_, v)| *v == 0 || *v >= 11),
        "{recomputed:?}"
    );

    // Totals agree across tables (figures() asserts every shared figure) and equal the count.
    for t in rel.tables.iter().filter(|t| t.unit == "persons") {
        assert_eq!(t.total(), Some(rel.population.counted), "{}", t.id);
    }
    let referrals = rel.table("referrals_by_status").unwrap();
    assert!(referrals.total().unwrap() <= summary.referrals);
    figures(&rel);

    // Screenings of counted persons only, the same total by year and by organisation type.
    assert!(summary.screenings > summary.screenings_of_counted);
    for id in [
        "screenings_by_year_and_level",
        "screenings_by_organisation_type_and_level",
    ] {
        let t = rel.table(id).unwrap();
        assert_eq!(t.unit, "screenings");
        assert_eq!(t.total(), Some(summary.screenings_of_counted), "{id}");
    }
    let by_org = rel
        .table("screenings_by_organisation_type_and_level")
        .unwrap();
    assert_eq!(
        by_org
            .cell(&[("organisation_type", "child_protection")])
            .and_then(|c| c.value),
        Some(summary.screenings_of_counted)
    );

    // Delays from the status history: the synthetic receiver decides at once (0 days); no
    // grounds decision is recorded, so no median there; pending referrals are stated.
    let delay = |d: &str| {
        rel.referral_delays
            .iter()
            .find(|x| x.decision == d)
            .unwrap()
            .median_days
    };
    assert_eq!(delay("received"), Some(0.0));
    assert_eq!(delay("accepted"), Some(0.0));
    assert_eq!(delay("reasonable_grounds"), None);
    let cell = |s: &str| {
        referrals
            .cell(&[("referral_status", s)])
            .and_then(|c| c.value)
    };
    if let (Some(sent), Some(received)) = (cell("sent"), cell("received")) {
        assert_eq!(rel.referrals_without_decision, Some(sent + received));
    } else {
        assert_eq!(rel.referrals_without_decision, None);
    }

    // Recorded in the ledger, audited; the audit names no person.
    let budget = app::show_budget(reg, &stat, "national-report")
        .await
        .unwrap();
    assert_eq!(budget.releases.len(), 1);
    assert_eq!(budget.releases[0].mechanism, "suppression");
    assert_eq!(budget.releases[0].id, rel.id.clone().unwrap());
    let actions = audit_actions(&env).await;
    assert!(
        actions
            .iter()
            .any(|(a, o, _)| a == "stats.extract" && o == "ok")
    );
    assert!(
        actions
            .iter()
            .any(|(a, o, _)| a == "stats.release" && o == "ok")
    );
    let json = serde_json::to_string(&rel).unwrap();
    assert!(
        !json.contains("Testperson") && !json.contains("prs-"),
        "no name or id in a release"
    );

    // A withdrawal drops the person from the next release.
    let _ = worker;
    assert_eq!(audit::verify(reg.pool()).await.unwrap().first_break, None);
}
both_backends!(
    suppression_release_is_safe_and_consistent,
    crate::suppression_release
);

async fn refusals(env: Env) {
    let (stat, worker, _) = setup(&env).await;
    let reg = &env.registry;
    // k below the configured minimum.
    let low = ReleaseOptions {
        k: Some(5),
        ..opts("r")
    };
    assert!(matches!(
        app::request_of(reg, &stat, &low, 11).await,
        Err(StatsError::Refused(_))
    ));
    // A dimension that singles out a person.
    let bad = ReleaseOptions {
        tables: vec!["sex,birthdate".into()],
        ..opts("r")
    };
    match app::request_of(reg, &stat, &bad, 11).await {
        Err(StatsError::Refused(m)) => assert!(m.contains("birth"), "{m}"),
        other => panic!("{other:?}"),
    }
    // A case worker may not compute statistics.
    assert!(matches!(
        app::request_of(reg, &worker, &opts("r"), 11).await,
        Err(StatsError::Forbidden { .. })
    ));
    let denied: Vec<String> = audit_actions(&env)
        .await
        .into_iter()
        .filter(|(a, o, _)| a.starts_with("stats.") && o == "denied")
        .map(|(_, _, object)| object)
        .collect();
    assert_eq!(denied.len(), 3, "{denied:?}");
    assert!(
        denied
            .iter()
            .any(|o| o.contains("below the configured minimum"))
    );
    assert!(denied.iter().any(|o| o.contains("date of birth")));
    // Nothing was published.
    assert!(
        app::show_budget(reg, &stat, "r")
            .await
            .unwrap()
            .releases
            .is_empty()
    );
}
both_backends!(refusals_are_audited_and_publish_nothing, crate::refusals);

async fn privacy_budget(env: Env) {
    let (stat, _, _) = setup(&env).await;
    let reg = &env.registry;
    let admin = actor(&env, "Fictional Child Protection 31", Role::Admin).await;
    // No budget yet: refused.
    let noisy = ReleaseOptions {
        epsilon: Some("0.4".into()),
        eurostat: false,
        ..opts("dp")
    };
    let req = app::request_of(reg, &stat, &noisy, 11).await.unwrap();
    assert!(matches!(
        app::publish(reg, &stat, &req).await,
        Err(StatsError::Refused(_))
    ));
    // Only an admin sets it.
    assert!(matches!(
        app::set_budget(reg, &stat, "dp", "1").await,
        Err(StatsError::Forbidden { .. })
    ));
    app::set_budget(reg, &admin, "dp", "1").await.unwrap();
    let first = app::publish(reg, &stat, &req).await.unwrap();
    let second = app::publish(reg, &stat, &req).await.unwrap();
    assert_ne!(first.tables, second.tables, "fresh noise for each release");
    match app::publish(reg, &stat, &req).await {
        Err(StatsError::Refused(m)) => assert!(m.contains("0.2 left of 1"), "{m}"),
        other => panic!("{other:?}"),
    }
    let budget = app::show_budget(reg, &stat, "dp").await.unwrap();
    assert_eq!(budget.spent, "0.8");
    assert_eq!(budget.remaining.as_deref(), Some("0.2"));
    assert_eq!(budget.releases.len(), 2);
    let refused = audit_actions(&env)
        .await
        .into_iter()
        .filter(|(a, o, _)| a == "stats.release" && o == "denied")
        .count();
    assert_eq!(refused, 2);
    // Reproducible from the sealed seed, without spending budget.
    let again = app::replay(reg, &stat, first.id.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(again.tables, first.tables);
    assert_eq!(
        app::show_budget(reg, &stat, "dp").await.unwrap().spent,
        "0.8"
    );
    // Noisy tables stay internally consistent; the last 0.2 on one small table stays close to
    // the truth (scale 2/0.2 = 10 on three cells).
    let t = first.table("sex_by_age_band").unwrap();
    let sum: u64 = t
        .cells
        .iter()
        .filter(|c| c.categories["sex"] != TOTAL && c.categories["age_band"] != TOTAL)
        .map(|c| c.value.unwrap())
        .sum();
    assert_eq!(t.total(), Some(sum));
    // Every persons table of a noisy release adds up to the (public) number counted.
    for t in first.tables.iter().filter(|t| t.unit == "persons") {
        assert_eq!(t.total(), Some(first.population.counted), "{}", t.id);
    }
    let small = ReleaseOptions {
        epsilon: Some("0.2".into()),
        tables: vec!["sex".into()],
        referrals: false,
        eurostat: false,
        ..opts("dp")
    };
    let last = app::publish(
        reg,
        &stat,
        &app::request_of(reg, &stat, &small, 11).await.unwrap(),
    )
    .await
    .unwrap();
    let truth = last.population.counted as f64;
    assert!((last.table("sex").unwrap().total().unwrap() as f64 - truth).abs() < 0.2 * truth);
    assert_eq!(
        app::show_budget(reg, &stat, "dp")
            .await
            .unwrap()
            .remaining
            .as_deref(),
        Some("0")
    );
}
both_backends!(
    privacy_budget_is_enforced_and_releases_replay,
    crate::privacy_budget
);

async fn exports(env: Env) {
    let (stat, _, summary) = setup(&env).await;
    let reg = &env.registry;
    let mut out = Vec::new();
    let report = app::export(reg, &stat, ExportFormat::Ctdc, &opts("ctdc"), 11, &mut out)
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("Testperson") && !text.contains("Fictional"));
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    for col in [
        "yearOfRegistration",
        "gender",
        "ageBroad",
        "majorityStatus",
        "citizenship",
        "typeOfExploitConcatenated",
        "typeOfSexConcatenated",
        "meansOfControlConcatenated",
        "RecruiterRelationship",
        "CountryOfExploitation",
        "isSexualExploit",
        "meansOfControlDebtBondage",
    ] {
        assert!(
            headers.iter().any(|h| h == col),
            "missing CTDC column {col}"
        );
    }
    let idx = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let qi = [
        "yearOfRegistration",
        "gender",
        "ageBroad",
        "majorityStatus",
        "citizenship",
        "CountryOfExploitation",
        "typeOfExploitConcatenated",
    ]
    .map(idx);
    let mut groups: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    let mut rows = 0u64;
    for r in rdr.records() {
        let r = r.unwrap();
        assert_eq!(r.len(), headers.len());
        *groups
            .entry(qi.iter().map(|&i| r[i].to_owned()).collect())
            .or_insert(0) += 1;
        rows += 1;
    }
    assert_eq!(rows, report.rows);
    assert!(groups.values().all(|&n| n >= 11), "k-anonymity");
    let utility = report.utility.unwrap();
    assert_eq!(utility.counted, summary.statistics_consent);
    assert_eq!(
        utility.published + utility.left_out_as_unique,
        utility.counted
    );
    assert!(
        utility.published * 10 >= utility.counted * 9,
        "at most 5 % left out (10 % slack)"
    );

    let mut out = Vec::new();
    let report = app::export(
        reg,
        &stat,
        ExportFormat::Eurostat,
        &opts("eurostat"),
        11,
        &mut out,
    )
    .await
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "freq",
            "unit",
            "sex",
            "age",
            "citizen",
            "leg_stat",
            "geo",
            "TIME_PERIOD",
            "OBS_VALUE",
            "OBS_FLAG"
        ]
    );
    let mut total_by_year: u64 = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        assert_eq!(&r[6], "FR");
        if let Ok(v) = r[8].parse::<u64>() {
            assert!(v == 0 || v >= 11);
            if (&r[2], &r[3], &r[4], &r[5]) == ("T", "TOTAL", "TOTAL", "TOTAL") {
                total_by_year += v;
            }
        } else {
            assert_eq!(&r[9], "c");
        }
    }
    assert!(total_by_year <= report.population.counted);

    let mut out = Vec::new();
    app::export(
        reg,
        &stat,
        ExportFormat::Htcds,
        &opts("htcds"),
        11,
        &mut out,
    )
    .await
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("htcds_field,value,unit,count,flag"));
    assert!(text.contains("vic_TypeOfExploitation,Sexual exploitation,persons,"));
    let _ = exec;
}
both_backends!(exports_read_back_in_their_shapes, crate::exports);

async fn concurrent_releases(env: Env) {
    let (stat, _, _) = setup_with(&env, 150).await;
    let admin = actor(&env, "Fictional Child Protection 31", Role::Admin).await;
    app::set_budget(&env.registry, &admin, "race", "0.5")
        .await
        .unwrap();
    let noisy = ReleaseOptions {
        epsilon: Some("0.3".into()),
        tables: vec!["sex".into()],
        referrals: false,
        ..opts("race")
    };
    let req = app::request_of(&env.registry, &stat, &noisy, 11)
        .await
        .unwrap();
    // Two releases at once on two pools: the budget allows one.
    let other = cairn_registry::Registry::open(common::second_pool(&env).await, &env.master)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        app::publish(&env.registry, &stat, &req),
        app::publish(&other, &stat, &req)
    );
    let ok = [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count();
    assert_eq!(ok, 1, "{a:?} / {b:?}");
    assert!(matches!(a.err().or(b.err()), Some(StatsError::Refused(_))));
    assert_eq!(
        app::show_budget(&env.registry, &stat, "race")
            .await
            .unwrap()
            .spent,
        "0.3"
    );
}
both_backends!(
    concurrent_releases_cannot_overspend,
    crate::concurrent_releases
);

async fn gaussian_release(env: Env) {
    let (stat, _, summary) = setup(&env).await;
    let reg = &env.registry;
    let admin = actor(&env, "Fictional Child Protection 31", Role::Admin).await;
    app::set_budget(reg, &admin, "gauss", "2").await.unwrap();
    let gaussian = ReleaseOptions {
        epsilon: Some("1".into()),
        gaussian: true,
        delta: Some("1e-6".into()),
        tables: vec!["sex".into()],
        referrals: false,
        eurostat: false,
        ..opts("gauss")
    };
    // δ belongs to the Gaussian; the Gaussian needs an epsilon.
    let bad = ReleaseOptions {
        gaussian: false,
        ..gaussian.clone()
    };
    assert!(app::request_of(reg, &stat, &bad, 11).await.is_err());
    let bad = ReleaseOptions {
        epsilon: None,
        ..gaussian.clone()
    };
    assert!(app::request_of(reg, &stat, &bad, 11).await.is_err());

    let req = app::request_of(reg, &stat, &gaussian, 11).await.unwrap();
    let rel = app::publish(reg, &stat, &req).await.unwrap();
    let exact = app::publish(
        reg,
        &stat,
        &app::request_of(
            reg,
            &stat,
            &ReleaseOptions {
                eurostat: false,
                ..opts("gauss-exact")
            },
            11,
        )
        .await
        .unwrap(),
    )
    .await
    .unwrap();
    // Every table noisy, persons tables add up to the public count, screenings noised too.
    for t in &rel.tables {
        assert!(t.cells.iter().all(|c| c.flag == Some("noisy")), "{}", t.id);
    }
    assert_eq!(
        rel.table("sex").unwrap().total(),
        Some(rel.population.counted)
    );
    assert!(rel.table("screenings_by_year_and_level").is_some());
    // Close to the truth: ρ ≈ 0.0175 over 3 tables gives σ ≈ 13 on the sex cells.
    let sex_cell = |r: &cairn_stats::release::Release, id: &str, sex: &str| {
        r.table(id)
            .unwrap()
            .cell(&[("sex", sex)])
            .and_then(|c| c.value)
    };
    let mut compared = 0;
    for sex in ["Female", "Male", "Other or unknown"] {
        // The exact figure where the suppressed release publishes it (a complement may not be).
        if let Some(truth) = sex_cell(&exact, "sex_by_age_band", sex) {
            let noisy = sex_cell(&rel, "sex", sex).unwrap();
            assert!(
                (noisy as f64 - truth as f64).abs() < 100.0,
                "{sex}: {noisy} vs {truth}"
            );
            compared += 1;
        }
    }
    assert!(compared >= 1);
    assert!(summary.screenings_of_counted > 0);
    // No median delay under noise.
    assert!(rel.referral_delays.iter().all(|d| d.median_days.is_none()));

    // The ledger states the zCDP guarantee and the (ε, δ) spent.
    let budget = app::show_budget(reg, &stat, "gauss").await.unwrap();
    assert_eq!(budget.spent, "1");
    let entry = &budget.releases[0];
    assert_eq!(entry.mechanism, "discrete_gaussian");
    let guarantee = entry.guarantee.as_deref().unwrap();
    assert!(
        guarantee.contains("zCDP")
            && guarantee.contains("ε = 1,")
            && guarantee.contains("1/1000000"),
        "{guarantee}"
    );
    assert_eq!(entry.what["protection"]["micro_rho"], 17_468);
    // Reproducible from the sealed seed; over budget refused.
    let again = app::replay(reg, &stat, rel.id.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(again.tables, rel.tables);
    // One audited extraction per release, whatever the number of persons.
    let extractions = audit_actions(&env)
        .await
        .into_iter()
        .filter(|(a, o, _)| a == "stats.extract" && o == "ok")
        .count();
    assert_eq!(extractions, 3, "two releases and one replay");
    let more = ReleaseOptions {
        epsilon: Some("1.5".into()),
        ..gaussian
    };
    let req = app::request_of(reg, &stat, &more, 11).await.unwrap();
    assert!(matches!(
        app::publish(reg, &stat, &req).await,
        Err(StatsError::Refused(_))
    ));
}
both_backends!(
    gaussian_release_states_its_zcdp_guarantee,
    crate::gaussian_release
);
