//! Scale measurements of the registry (figures in docs/registry.md), on SQLite in a fresh data
//! directory, or on PostgreSQL when CAIRN_SCALE_PG_URL is set:
//!
//! 1. `cairn import htcds` path: a synthetic HTCDS CSV of CAIRN_SCALE_PERSONS persons (default
//!    100000), each with a recruitment and an exploitation event (2 events a person) and a
//!    consent: import time and peak RSS;
//! 2. exact lookup by name through the blind index: index only, and the audited `find_persons`;
//! 3. `cairn audit verify` over CAIRN_SCALE_AUDIT entries (default 1000000; the import's entries
//!    count, the rest are appended).
//! 4. the audit page's filters on a rare object, action and actor over those entries, with and
//!    without the (column, seq) indexes.
//!
//! Run: `cargo run --release -p cairn-registry --example registry_scale`. Every name is fictional.
//! CAIRN_SCALE_DIR=DIR keeps the data directory (instead of a temporary one) so that a later run
//! with CAIRN_SCALE_VERIFY_ONLY=1 times `audit verify` again on the same database;
//! CAIRN_SCALE_REFERENCE=0 skips the previous verifier (which only serves as a comparison),
//! CAIRN_SCALE_VERIFY=0 every verification (to time it later with CAIRN_SCALE_VERIFY_ONLY=1),
//! CAIRN_SCALE_REIMPORT=0 the second import of the same file, CAIRN_SCALE_AUDIT_FILTERS=0 the timing
//! of the audit page's filters (with and without their indexes).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a measurement that cannot set up stops

use cairn_registry::audit::{self, Actor, AuditEvent, Outcome};
use cairn_registry::blind::IndexField;
use cairn_registry::crypto::{MasterKey, SecretKey};
use cairn_registry::model::{OrgType, Role};
use cairn_registry::{Registry, htcds};
use cairn_store::DataDir;
use cairn_store::registry::RegistryPool;
use std::io::Write;
use std::time::{Duration, Instant};

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Peak resident set size of this process, from /proc (Linux), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// CPU time of this process so far (user + system, all threads), from /proc (Linux), in seconds:
/// on a shared machine it says more than the wall clock.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which is in parentheses): utime is the 12th, stime 13th.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

const FIRST: [&str; 8] = [
    "Zqaria", "Vexolde", "Quilyne", "Xandrea", "Wyqbelle", "Jorqina", "Fyzette", "Oqlavia",
];
const SECOND: [&str; 8] = [
    "Brzqowitz",
    "Qalendrov",
    "Vyxmoor",
    "Zelqanu",
    "Oxtravel",
    "Pqirescu",
    "Yvandrok",
    "Kwezzel",
];

fn name(i: usize) -> (String, String) {
    (
        FIRST[i % 8].to_owned(),
        format!("{}-{}", SECOND[(i / 8) % 8], i),
    )
}

fn write_csv(path: &std::path::Path, start: usize, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Nationality,prs_MobilePhone,vic_Status,vic_MethodOfRecruitment,vic_LocationOfRecruitment,vic_MethodsOfControl,vic_TypeOfExploitation,vic_TypeOfSexExploitation,vic_LocationOfExploitation,vic_Vulnerabilities,cas_Status,cns_Purposes,cns_Categories,cns_Giver,cns_GivenDate,cns_ExpiryDate").unwrap();
    for i in start..start + n {
        let (first, second) = name(i);
        writeln!(
            f,
            "{first},{second},{}-{:02}-{:02},Female,RO,+4071{:07},possible,Online contact,\"Fictionville, RO\",Threats,Sexual exploitation,Online ads,\"Qwertyburg, FR\",Minor,Active,statistics,case,guardian,2026-01-10,2099-01-01",
            2006 + i % 12,
            1 + i % 12,
            1 + i % 28,
            i % 10_000_000
        )
        .unwrap();
    }
    f.flush().unwrap();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn reference_verify(pool: &RegistryPool) -> u64 {
    type Row = (
        i64,
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
    );
    const SELECT: &str = "SELECT seq, at, actor, organisation, action, object, purpose, fields, outcome, prev_hash, hash \
                          FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000";
    let mut checker = audit::ChainChecker::default();
    let mut after = 0i64;
    let mut n = 0u64;
    loop {
        let rows: Vec<Row> = match pool {
            RegistryPool::Sqlite(p) => sqlx::query_as(SELECT)
                .bind(after)
                .fetch_all(p)
                .await
                .unwrap(),
            RegistryPool::Postgres(p) => sqlx::query_as(SELECT)
                .bind(after)
                .fetch_all(p)
                .await
                .unwrap(),
        };
        if rows.is_empty() {
            return n;
        }
        for r in rows {
            after = r.0;
            let entry = audit::AuditEntry {
                seq: r.0,
                at: r.1,
                actor: r.2,
                organisation: r.3,
                action: r.4,
                object: r.5,
                purpose: r.6,
                fields: serde_json::from_str(&r.7).unwrap(),
                outcome: r.8,
                prev_hash: r.9,
                hash: r.10,
            };
            checker.push(&entry).unwrap();
            n += 1;
        }
    }
}

fn main() {
    let persons = size("CAIRN_SCALE_PERSONS", 100_000);
    let audit_target = size("CAIRN_SCALE_AUDIT", 1_000_000);
    let tmp = tempfile::tempdir().unwrap();
    let kept = std::env::var_os("CAIRN_SCALE_DIR").map(std::path::PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| tmp.path().to_owned());
    if std::env::var("CAIRN_SCALE_VERIFY_ONLY").is_ok_and(|v| v == "1") {
        verify_only(&dir);
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool = match std::env::var("CAIRN_SCALE_PG_URL") {
            Ok(url) => RegistryPool::open_postgres(&url).await.unwrap(),
            Err(_) => RegistryPool::open_sqlite(&DataDir::open_or_create(&dir).unwrap())
                .await
                .unwrap(),
        };
        eprintln!("backend: {:?}", pool.backend());
        let reg = Registry::init(pool, &MasterKey::new(SecretKey::from_bytes([9; 32])))
            .await
            .unwrap();
        let org = reg
            .create_organisation(&cairn_registry::system_actor(), "Fictional scale NGO", OrgType::Ngo, "FR", None)
            .await
            .unwrap();
        // Straight into the table: a login (argon2id) is not what is measured here.
        const USER: &str = "INSERT INTO app_user (id, username, organisation_id, role, password_hash, active, created_at) \
                            VALUES ('usr-scale', 'scale', $1, 'case_worker', 'no-login', 1, '2026-01-01T00:00:00Z')";
        match reg.pool() {
            RegistryPool::Sqlite(p) => sqlx::query(USER).bind(&org).execute(p).await.map(|_| ()),
            RegistryPool::Postgres(p) => sqlx::query(USER).bind(&org).execute(p).await.map(|_| ()),
        }
        .unwrap();
        let who = Actor {
            user_id: "usr-scale".into(),
            username: "scale".into(),
            organisation_id: org,
            role: Role::CaseWorker,
        };

        // One file, or files of CAIRN_SCALE_CHUNK persons imported one after the other with a
        // line each (a long run shows measured progress, never an extrapolation).
        let chunk = size("CAIRN_SCALE_CHUNK", persons).max(1);
        let mut files = Vec::new();
        let mut start = 0;
        while start < persons {
            let n = chunk.min(persons - start);
            let csv = dir.join(format!("persons-{start}.csv"));
            write_csv(&csv, start, n);
            files.push(csv);
            start += n;
        }
        let csv = files.first().cloned().unwrap_or_else(|| dir.join("persons-0.csv"));
        let rss_before = peak_rss_mib();
        let cpu = cpu_seconds();
        let t = Instant::now();
        let mut imported = 0;
        for file in &files {
            let report = htcds::import_file(&reg, &who, file, &dir.join("rejects.jsonl"))
                .await
                .unwrap();
            imported += report.imported as usize;
            if files.len() > 1 {
                println!(
                    "  imported {imported} persons in {:.1?} ({:.1} s CPU, peak RSS {:.0} MiB)",
                    t.elapsed(),
                    cpu_seconds() - cpu,
                    peak_rss_mib()
                );
            }
        }
        let took = t.elapsed();
        assert_eq!(imported, persons);
        println!(
            "import: {persons} persons, {} events in {:.1?} ({:.0} persons/s; {:.1} s CPU); peak RSS {:.0} MiB (before import {:.0} MiB)",
            2 * persons,
            took,
            persons as f64 / took.as_secs_f64(),
            cpu_seconds() - cpu,
            peak_rss_mib(),
            rss_before
        );
        if std::env::var("CAIRN_SCALE_REIMPORT").map_or(true, |v| v != "0") {
            let t = Instant::now();
            let again = htcds::import_file(&reg, &who, &csv, &dir.join("rejects2.jsonl"))
                .await
                .unwrap();
            assert_eq!(again.imported, 0);
            println!("re-import of the same file: 0 added in {:.1?}", t.elapsed());
        }

        // Lookups by full name, spread over the table.
        let probes = 2000.min(persons);
        for (label, audited) in [("index only", false), ("find_persons, audited", true)] {
            let mut times = Vec::with_capacity(probes);
            for k in 0..probes {
                let i = (k * 7919) % persons;
                let (f, s) = name(i);
                let full = format!("{f} {s}");
                let t = Instant::now();
                let ids = if audited {
                    reg.find_persons(&who, IndexField::Name, &full).await.unwrap()
                } else {
                    reg.lookup_tokens(&[IndexField::Name, IndexField::SecondName], &full)
                        .await
                        .unwrap()
                };
                times.push(t.elapsed());
                assert_eq!(ids.len(), 1);
            }
            times.sort();
            println!(
                "lookup by name ({label}) over {persons} persons: p50 {:.3?}, p99 {:.3?}, max {:.3?}",
                percentile(&times, 0.5),
                percentile(&times, 0.99),
                times[times.len() - 1]
            );
        }

        const HEAD: &str = "SELECT seq FROM audit_head WHERE id = 1";
        let (have,): (i64,) = match reg.pool() {
            RegistryPool::Sqlite(p) => sqlx::query_as(HEAD).fetch_one(p).await.unwrap(),
            RegistryPool::Postgres(p) => sqlx::query_as(HEAD).fetch_one(p).await.unwrap(),
        };
        let have = have as usize;
        let t = Instant::now();
        let mut left = audit_target.saturating_sub(have);
        let appended = left;
        while left > 0 {
            let n = left.min(20_000);
            let mut tx = reg.begin().await.unwrap();
            for _ in 0..n {
                audit::append(
                    &mut tx,
                    &who,
                    &AuditEvent {
                        action: "person.read",
                        object: "prs-00000000000000000000000000000000",
                        purpose: "care",
                        fields: &["first_name", "second_name", "birthdate"],
                        outcome: Outcome::Ok,
                    },
                )
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
            left -= n;
        }
        eprintln!("appended {appended} audit entries in {:.1?}", t.elapsed());
        if std::env::var("CAIRN_SCALE_AUDIT_FILTERS").map_or(true, |v| v != "0") {
            time_audit_filters(&reg, appended).await;
        }
        // The verifier before this change, for comparison: pages of 5000 rows, then each row
        // made an AuditEntry and checked with the public ChainChecker, one after the other.
        if std::env::var("CAIRN_SCALE_REFERENCE").map_or(true, |v| v != "0") {
            let cpu = cpu_seconds();
            let t = Instant::now();
            let n = reference_verify(reg.pool()).await;
            let took = t.elapsed();
            println!(
                "audit verify, previous algorithm: {n} entries in {:.2?} ({:.0} entries/s; {:.1} s CPU)",
                took,
                n as f64 / took.as_secs_f64(),
                cpu_seconds() - cpu
            );
        }
        if std::env::var("CAIRN_SCALE_VERIFY").map_or(true, |v| v != "0") {
            time_verify(reg.pool()).await;
        }
        println!("peak RSS of the whole run: {:.0} MiB", peak_rss_mib());
    });
}

/// The audit page's filters (`audit_entries`, its own audit append included) on a rare object,
/// a rare action and a rare actor, newest 50 first: with the (column, seq) indexes of migration
/// 0024, then with the indexes dropped (the plan before it), then the indexes made again.
async fn time_audit_filters(reg: &Registry, appended: usize) {
    use cairn_registry::access::AuditFilter;
    const RARE: &str = "SELECT object, action FROM audit_log WHERE seq = 2";
    let (object, action): (String, String) = match reg.pool() {
        RegistryPool::Sqlite(p) => sqlx::query_as(RARE).fetch_one(p).await.unwrap(),
        RegistryPool::Postgres(p) => sqlx::query_as(RARE).fetch_one(p).await.unwrap(),
    };
    let auditor = Actor {
        user_id: "usr-scale-auditor".into(),
        username: "scale-auditor".into(),
        organisation_id: "org-scale-audit".into(),
        role: Role::Auditor,
    };
    // The auditor's own reads are audited: after the first query its id is a rare actor.
    let filters = [
        (
            "object",
            AuditFilter {
                object: Some(object),
                ..AuditFilter::default()
            },
        ),
        (
            "action",
            AuditFilter {
                action: Some(action),
                ..AuditFilter::default()
            },
        ),
        (
            "actor",
            AuditFilter {
                actor: Some(auditor.user_id.clone()),
                ..AuditFilter::default()
            },
        ),
    ];
    // The indexes are made again from the migration itself (the same text on both backends).
    const DROP: &str = "DROP INDEX audit_log_object_seq; DROP INDEX audit_log_actor_seq; \
                        DROP INDEX audit_log_action_seq";
    const MAKE: &str = include_str!("../../cairn-store/migrations/sqlite/0024_audit_filters.sql");
    for (label, before) in [("with the indexes", None), ("indexes dropped", Some(DROP))] {
        if let Some(sql) = before {
            run_sql(reg, sql).await;
        }
        for (what, filter) in &filters {
            let filter = AuditFilter {
                limit: 50,
                ..filter.clone()
            };
            let mut took = Vec::new();
            let mut rows = 0;
            for _ in 0..5 {
                let t = Instant::now();
                rows = reg.audit_entries(&auditor, &filter).await.unwrap().len();
                took.push(t.elapsed());
            }
            took.sort();
            println!(
                "audit page, filter on a rare {what} ({rows} rows) over {appended}+ entries, {label}: median {:.2?} (min {:.2?}, max {:.2?})",
                took[2], took[0], took[4]
            );
        }
    }
    run_sql(reg, MAKE).await;
}

/// Runs fixed statements (several allowed) on either backend.
async fn run_sql(reg: &Registry, sql: &'static str) {
    match reg.pool() {
        RegistryPool::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
        RegistryPool::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
    }
    .unwrap();
}

/// `audit verify` as the CLI runs it, then the previous reader (through the sqlx pool) with the
/// same default cut, then the direct reader cut in 1, 2 and 4 parts.
async fn time_verify(pool: &RegistryPool) {
    let cpu = cpu_seconds();
    let t = Instant::now();
    let r = audit::verify(pool).await.unwrap();
    assert!(r.first_break.is_none());
    println!(
        "audit verify (default, as `cairn audit verify`): {} entries in {:.2?} ({:.1} s CPU)",
        r.entries,
        t.elapsed(),
        cpu_seconds() - cpu
    );
    let default_parts = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4));
    let cpu = cpu_seconds();
    let t = Instant::now();
    let r = audit::verify_in_parts_through_pool(pool, default_parts)
        .await
        .unwrap();
    assert!(r.first_break.is_none());
    println!(
        "audit verify, previous reader (sqlx pool), {default_parts} parts: {} entries in {:.2?} ({:.1} s CPU)",
        r.entries,
        t.elapsed(),
        cpu_seconds() - cpu
    );
    for parts in [1, 2, 4] {
        let cpu = cpu_seconds();
        let t = Instant::now();
        let r = audit::verify_in_parts(pool, parts).await.unwrap();
        let took = t.elapsed();
        assert!(r.first_break.is_none());
        println!(
            "audit verify in {parts} part(s): {} entries in {:.2?} ({:.0} entries/s, {:.1} s CPU)",
            r.entries,
            took,
            r.entries as f64 / took.as_secs_f64(),
            cpu_seconds() - cpu,
        );
    }
}

/// Times `audit verify` on the kept data directory of an earlier run.
fn verify_only(dir: &std::path::Path) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool = RegistryPool::open_sqlite(&DataDir::open_or_create(dir).unwrap())
            .await
            .unwrap();
        time_verify(&pool).await;
    });
}
