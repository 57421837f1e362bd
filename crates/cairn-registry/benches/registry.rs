//! Blind-index lookup latency and audit-chain verification throughput on SQLite.
//! Sizes via CAIRN_BENCH_PERSONS (default 20000) and CAIRN_BENCH_AUDIT (default 200000).

#![allow(clippy::unwrap_used)] // a bench that cannot set up should stop loudly

use cairn_registry::audit::{self, Actor, AuditEvent, Outcome};
use cairn_registry::blind::IndexField;
use cairn_registry::crypto::{MasterKey, SecretKey};
use cairn_registry::model::{Gender, OrgType, Role, VictimStatus};
use cairn_registry::{PersonFields, Registry};
use cairn_store::DataDir;
use cairn_store::registry::RegistryPool;
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::{Duration, Instant};

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn actor(organisation_id: String) -> Actor {
    Actor {
        user_id: "usr-bench".into(),
        username: "bench".into(),
        organisation_id,
        role: Role::CaseWorker,
    }
}

async fn registry(dir: &std::path::Path) -> Registry {
    let pool = RegistryPool::open_sqlite(&DataDir::open_or_create(dir).unwrap())
        .await
        .unwrap();
    Registry::init(pool, &MasterKey::new(SecretKey::from_bytes([9; 32])))
        .await
        .unwrap()
}

fn name(i: usize) -> (String, String) {
    const F: [&str; 8] = [
        "Zoé", "Ana", "Mihai", "Fatou", "Léa", "Ioana", "Amir", "Chloé",
    ];
    const S: [&str; 8] = [
        "Dubois", "Popescu", "Diallo", "Nguyen", "Kowalska", "Martin", "Haddad", "Ivanova",
    ];
    (F[i % 8].to_owned(), format!("{}{}", S[(i / 8) % 8], i))
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let reg = rt.block_on(registry(tmp.path()));
    let org = rt
        .block_on(reg.create_organisation(
            &cairn_registry::system_actor(),
            "Bench",
            OrgType::Ngo,
            "FR",
            None,
        ))
        .unwrap();
    let who = actor(org);

    let persons = size("CAIRN_BENCH_PERSONS", 20_000);
    let t = Instant::now();
    rt.block_on(async {
        for chunk in (0..persons).collect::<Vec<_>>().chunks(1000) {
            let mut tx = reg.begin().await.unwrap();
            for &i in chunk {
                let (f, s) = name(i);
                let p = PersonFields {
                    first_name: Some(f),
                    second_name: Some(s),
                    birthdate: Some(format!(
                        "{}-{:02}-{:02}",
                        2005 + i % 12,
                        1 + i % 12,
                        1 + i % 28
                    )),
                    mobile_phone: Some(format!("+336{:08}", i)),
                    gender: Some(Gender::Female),
                    ..PersonFields::default()
                };
                reg.insert_person_tx(&mut tx, &who, VictimStatus::Possible, &p, None)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
    });
    eprintln!(
        "inserted {persons} persons (sealed, indexed, audited) in {:.2?}",
        t.elapsed()
    );

    let probe = name(persons / 2);
    let full = format!("{} {}", probe.0, probe.1);
    c.bench_function(&format!("blind_index_lookup_name/{persons}_persons"), |b| {
        b.iter(|| {
            let ids = rt
                .block_on(reg.lookup_tokens(&[IndexField::Name, IndexField::SecondName], &full))
                .unwrap();
            assert_eq!(ids.len(), 1); // the full name hits exactly one person
        })
    });

    let entries = size("CAIRN_BENCH_AUDIT", 200_000);
    let have = rt.block_on(audit::verify(reg.pool())).unwrap().entries as usize;
    let t = Instant::now();
    rt.block_on(async {
        let mut left = entries.saturating_sub(have);
        while left > 0 {
            let n = left.min(5000);
            let mut tx = reg.begin().await.unwrap();
            for _ in 0..n {
                audit::append(
                    &mut tx,
                    &who,
                    &AuditEvent {
                        action: "person.read",
                        object: "prs-bench",
                        purpose: "care",
                        fields: &["first_name", "birthdate"],
                        outcome: Outcome::Ok,
                    },
                )
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
            left -= n;
        }
    });
    eprintln!(
        "appended up to {entries} audit entries in {:.2?}",
        t.elapsed()
    );
    let mut group = c.benchmark_group("audit_verify");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.throughput(criterion::Throughput::Elements(entries as u64));
    group.bench_function(format!("{entries}_entries"), |b| {
        b.iter(|| {
            let r = rt.block_on(audit::verify(reg.pool())).unwrap();
            assert!(r.first_break.is_none());
        })
    });
    group.finish();
}

criterion_group!(registry_benches, benches);
criterion_main!(registry_benches);
