//! Rotation of the master key, of the blind-index key, and of the data key over every sealed
//! value (web TOTP secrets and statistics noise seeds included), on both backends: after each
//! rotation every value opens and every lookup finds its person, and an interrupted rotation
//! (stopped after N rows) resumes. Every name is fictional.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the report

mod common;

use cairn_registry::audit::{self, Actor};
use cairn_registry::blind::IndexField;
use cairn_registry::crypto::{MasterKey, SecretKey};
use cairn_registry::htcds;
use cairn_registry::model::{Purpose, Role, VictimStatus};
use cairn_registry::{PersonFields, Registry};
use cairn_store::registry::RegistryPool;
use common::{Env, actor};

const NAMES: [(&str, &str); 5] = [
    ("Zqaria", "Brzqowitz"),
    ("Vexolde", "Qalendrov-Ø"),
    ("Quilyne", "Vyxmoor"),
    ("Xandréa", "Zelqanu"),
    ("Wyqbelle", "Oxtravel"),
];

async fn add(r: &Registry, who: &Actor, first: &str, second: &str, phone: &str) -> String {
    r.add_person(
        who,
        VictimStatus::Possible,
        &PersonFields {
            first_name: Some(first.into()),
            second_name: Some(second.into()),
            birthdate: Some("2010-04-05".into()),
            mobile_phone: Some(phone.into()),
            ..PersonFields::default()
        },
    )
    .await
    .unwrap()
}

/// Every person is found by full name and by phone, and opens with their name.
async fn all_found(r: &Registry, who: &Actor, people: &[(String, String, String, String)]) {
    for (id, first, second, phone) in people {
        let by_name = r
            .find_persons(who, IndexField::Name, &format!("{first} {second}"))
            .await
            .unwrap();
        // Random names may normalise alike (case, diacritics, spaces): the person is among them.
        assert!(by_name.contains(id), "{first} {second}");
        let by_phone = r.find_persons(who, IndexField::Phone, phone).await.unwrap();
        assert!(by_phone.contains(id), "{phone}");
        let view = r.get_person(who, id, Purpose::Care).await.unwrap();
        assert_eq!(view.fields.first_name.as_deref(), Some(first.as_str()));
    }
}

async fn blobs(pool: &RegistryPool, sql: &str) -> Vec<Vec<u8>> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    let rows: Vec<(Option<Vec<u8>>,)> = match pool {
        RegistryPool::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        RegistryPool::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    };
    rows.into_iter().filter_map(|r| r.0).collect()
}

async fn index_rotation(env: Env) {
    let r = &env.registry;
    let worker = actor(&env, "Fictional index org", Role::CaseWorker).await;
    let admin = actor(&env, "Fictional index org", Role::Admin).await;
    let mut people = Vec::new();
    for (i, (first, second)) in NAMES.iter().enumerate() {
        let phone = format!("+3361234560{i}");
        let id = add(r, &worker, first, second, &phone).await;
        people.push((id, first.to_string(), second.to_string(), phone));
    }
    // An imported row: its re-import must still be recognised after the rotation.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("persons.csv");
    std::fs::write(
        &csv,
        "prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,vic_Status,cas_Status\n\
         Jorqina,Pqirescu,2009-02-03,Female,possible,Active\n",
    )
    .unwrap();
    let imported = htcds::import_file(r, &worker, &csv, &dir.path().join("rej.jsonl"))
        .await
        .unwrap();
    assert_eq!(imported.imported, 1);
    let old_token =
        cairn_registry::blind::token(r.keys().index_key(), IndexField::Name, "Zqaria Brzqowitz")
            .unwrap();

    assert_eq!(r.index_rotation_remaining().await.unwrap(), 0);
    assert!(r.create_index_key(&worker, &env.master).await.is_err());
    assert_eq!(r.create_index_key(&admin, &env.master).await.unwrap(), 2);
    let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
    assert_eq!(reg.keys().index_version(), 2);
    assert_eq!(reg.index_rotation_remaining().await.unwrap(), 6);

    // Two persons, then the process "stops": lookups find everyone meanwhile, old and new tokens.
    let first = reg.reindex_batch(&admin, 2).await.unwrap();
    assert_eq!((first.done, first.remaining), (2, 4));
    all_found(&reg, &worker, &people).await;
    // A process still on the old key ring adds a person: the resumed run re-indexes them too.
    let late = add(r, &worker, "Fyzette", "Kwezzel", "+33612345699").await;
    people.push((
        late,
        "Fyzette".into(),
        "Kwezzel".into(),
        "+33612345699".into(),
    ));
    drop(reg);
    let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
    assert_eq!(reg.index_rotation_remaining().await.unwrap(), 5);
    all_found(&reg, &worker, &people).await;
    let mut rounds = 0;
    while reg.reindex_batch(&admin, 2).await.unwrap().remaining > 0 {
        rounds += 1;
        assert!(rounds < 10, "no progress");
    }

    // After: the old key is retired from lookups, no token made with it is left.
    let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
    assert_eq!(reg.keys().lookup_index_keys().count(), 1);
    all_found(&reg, &worker, &people).await;
    let tokens = blobs(reg.pool(), "SELECT token FROM person_index").await;
    assert!(!tokens.is_empty());
    assert!(!tokens.contains(&old_token));
    let again = htcds::import_file(&reg, &worker, &csv, &dir.path().join("rej2.jsonl"))
        .await
        .unwrap();
    assert_eq!((again.imported, again.already_present), (0, 1));
    let actions = audit_actions(&reg).await;
    assert!(actions.iter().any(|a| a == "key.reindex"));
    assert!(actions.iter().any(|a| a == "key.retire"));
    assert!(
        audit::verify(reg.pool())
            .await
            .unwrap()
            .first_break
            .is_none()
    );
}
both_backends!(
    index_key_rotation_keeps_lookups_and_resumes,
    super::index_rotation
);

async fn audit_actions(r: &Registry) -> Vec<String> {
    let mut out = Vec::new();
    audit::export_jsonl(r.pool(), &mut out).await.unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["action"].as_str().unwrap().to_owned()
        })
        .collect()
}

async fn master_rotation(env: Env) {
    let r = &env.registry;
    let worker = actor(&env, "Fictional master org", Role::CaseWorker).await;
    let admin = actor(&env, "Fictional master org", Role::Admin).await;
    let mut people = Vec::new();
    for (i, (first, second)) in NAMES.iter().enumerate() {
        let phone = format!("+3361234570{i}");
        let id = add(r, &worker, first, second, &phone).await;
        people.push((id, first.to_string(), second.to_string(), phone));
    }
    // Two data keys and two index keys to re-wrap.
    r.create_data_key(&admin, &env.master).await.unwrap();
    r.create_index_key(&admin, &env.master).await.unwrap();
    let old = env.master.clone();
    let new = MasterKey::new(SecretKey::from_bytes([77; 32]));
    let reg = Registry::open(r.pool().clone(), &old).await.unwrap();
    assert_eq!(reg.master_rotation_remaining(&new).await.unwrap(), 4);
    assert!(reg.rewrap_batch(&worker, &[&old], &new, 1).await.is_err());

    // One key, then the process "stops": only both keys together open the registry.
    let p = reg.rewrap_batch(&admin, &[&old], &new, 1).await.unwrap();
    assert_eq!((p.done, p.remaining), (1, 3));
    assert!(Registry::open(r.pool().clone(), &old).await.is_err());
    assert!(Registry::open(r.pool().clone(), &new).await.is_err());
    let both = Registry::open_with_masters(r.pool().clone(), &[&old, &new])
        .await
        .unwrap();
    all_found(&both, &worker, &people).await;
    // A wrong "old" key cannot finish it; nothing is written.
    let stranger = MasterKey::new(SecretKey::from_bytes([78; 32]));
    assert!(
        both.rewrap_batch(&admin, &[&stranger], &new, 10)
            .await
            .is_err()
    );
    assert_eq!(both.master_rotation_remaining(&new).await.unwrap(), 3);
    let p = both.rewrap_batch(&admin, &[&old], &new, 10).await.unwrap();
    assert_eq!((p.done, p.remaining), (3, 0));

    assert!(Registry::open(r.pool().clone(), &old).await.is_err());
    let reg = Registry::open(r.pool().clone(), &new).await.unwrap();
    all_found(&reg, &worker, &people).await;
    let actions = audit_actions(&reg).await;
    assert_eq!(actions.iter().filter(|a| *a == "key.rewrap").count(), 2);
    assert!(
        audit::verify(reg.pool())
            .await
            .unwrap()
            .first_break
            .is_none()
    );
}
both_backends!(
    master_key_rotation_rewraps_and_resumes,
    super::master_rotation
);

async fn data_rotation_covers_totp_and_seeds(env: Env) {
    let r = &env.registry;
    let admin = actor(&env, "Fictional seal org", Role::Admin).await;
    let worker = actor(&env, "Fictional seal org", Role::CaseWorker).await;
    r.set_totp_secret(&admin, &worker.user_id, b"fictional-totp-secret", true)
        .await
        .unwrap();
    // A statistics release as cairn-stats records it: seed sealed with the data key.
    let seed = [5u8; 32];
    let sealed = r
        .keys()
        .seal("stats_release", "seed", "rel-fictional", &seed)
        .unwrap();
    const RELEASE: &str = "INSERT INTO stats_release (id, dataset, at, actor, what, mechanism, key_version, seed, output_sha256) \
                           VALUES ('rel-fictional', 'victims', '2026-01-01T00:00:00Z', $1, '{}', 'discrete_laplace', 1, $2, 'x')";
    match r.pool() {
        RegistryPool::Sqlite(p) => sqlx::query(RELEASE)
            .bind(&admin.user_id)
            .bind(&sealed)
            .execute(p)
            .await
            .map(|_| ()),
        RegistryPool::Postgres(p) => sqlx::query(RELEASE)
            .bind(&admin.user_id)
            .bind(&sealed)
            .execute(p)
            .await
            .map(|_| ()),
    }
    .unwrap();
    let person = add(r, &worker, "Oqlavia", "Yvandrok", "+33612345800").await;

    r.create_data_key(&admin, &env.master).await.unwrap();
    let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
    // The person, the TOTP secret and the seed.
    assert_eq!(reg.rotation_remaining().await.unwrap(), 3);
    // Stop after one row, resume in another "process".
    let p = reg.reseal_batch(&admin, 1).await.unwrap();
    assert_eq!((p.done, p.remaining), (1, 2));
    let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
    let p = reg.reseal_batch(&admin, 10).await.unwrap();
    assert_eq!(p.remaining, 0);

    // Without data key v1 every value still opens.
    common::exec(
        &env,
        "DELETE FROM key_ring WHERE purpose = 'data' AND version = 1",
    )
    .await
    .unwrap();
    let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
    let (secret, confirmed) = reg.totp_secret(&worker.user_id).await.unwrap().unwrap();
    assert_eq!(
        (secret.as_slice(), confirmed),
        (&b"fictional-totp-secret"[..], true)
    );
    let stored = blobs(
        reg.pool(),
        "SELECT seed FROM stats_release WHERE id = 'rel-fictional'",
    )
    .await;
    assert_eq!(
        reg.keys()
            .open("stats_release", "seed", "rel-fictional", &stored[0])
            .unwrap(),
        seed
    );
    let view = reg
        .get_person(&worker, &person, Purpose::Care)
        .await
        .unwrap();
    assert_eq!(view.fields.first_name.as_deref(), Some("Oqlavia"));
    for sql in [
        "SELECT totp_secret FROM web_account",
        "SELECT seed FROM stats_release",
        "SELECT first_name FROM person",
    ] {
        for blob in blobs(reg.pool(), sql).await {
            assert_eq!(
                cairn_registry::crypto::sealed_version(&blob),
                Some(2),
                "{sql}"
            );
        }
    }
    assert!(
        audit::verify(reg.pool())
            .await
            .unwrap()
            .first_break
            .is_none()
    );
}
both_backends!(
    data_key_rotation_covers_totp_secrets_and_stats_seeds,
    super::data_rotation_covers_totp_and_seeds
);

mod property {
    //! Random names, batch sizes and stop points: after each rotation every value opens and every
    //! lookup finds its person (SQLite; the scenarios above run on both backends).
    use super::*;
    use proptest::prelude::*;

    fn run(names: Vec<(String, String)>, batch: u32, stop_after: u32) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let env = common::sqlite_env().await;
            let worker = actor(&env, "Fictional property org", Role::CaseWorker).await;
            let admin = actor(&env, "Fictional property org", Role::Admin).await;
            let r = &env.registry;
            let mut people = Vec::new();
            for (i, (first, second)) in names.iter().enumerate() {
                let phone = format!("+33612{i:06}");
                let id = add(r, &worker, first, second, &phone).await;
                people.push((id, first.clone(), second.clone(), phone));
            }
            // Index key: stop after `stop_after` batches, check, resume, check.
            r.create_index_key(&admin, &env.master).await.unwrap();
            let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
            for _ in 0..stop_after {
                reg.reindex_batch(&admin, batch).await.unwrap();
            }
            all_found(&reg, &worker, &people).await;
            while reg.reindex_batch(&admin, batch).await.unwrap().remaining > 0 {}
            let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
            all_found(&reg, &worker, &people).await;
            // Data key.
            reg.create_data_key(&admin, &env.master).await.unwrap();
            let reg = Registry::open(r.pool().clone(), &env.master).await.unwrap();
            for _ in 0..stop_after {
                reg.reseal_batch(&admin, batch).await.unwrap();
            }
            while reg.reseal_batch(&admin, batch).await.unwrap().remaining > 0 {}
            all_found(&reg, &worker, &people).await;
            // Master key.
            let new = MasterKey::new(SecretKey::from_bytes([99; 32]));
            for _ in 0..stop_after {
                reg.rewrap_batch(&admin, &[&env.master], &new, batch)
                    .await
                    .unwrap();
            }
            while reg
                .rewrap_batch(&admin, &[&env.master], &new, batch)
                .await
                .unwrap()
                .remaining
                > 0
            {}
            let reg = Registry::open(r.pool().clone(), &new).await.unwrap();
            all_found(&reg, &worker, &people).await;
            assert!(
                audit::verify(reg.pool())
                    .await
                    .unwrap()
                    .first_break
                    .is_none()
            );
        });
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6))]
        #[test]
        fn every_rotation_keeps_values_and_lookups(
            names in proptest::collection::btree_map("[A-Z][a-zà-ÿ]{2,9}", "[A-Z][a-zß-ÿ' -]{1,12}[a-z]", 1..6),
            batch in 1u32..4,
            stop_after in 0u32..3,
        ) {
            run(names.into_iter().collect(), batch, stop_after);
        }
    }
}

/// The signed-in admin acting as a case worker of their organisation (an admin may not read
/// identities; the test only needs someone who may).
fn as_worker(admin: &Actor) -> Actor {
    Actor {
        role: Role::CaseWorker,
        ..admin.clone()
    }
}

/// The command-line path on a data directory: the new master key waits in keys/master.key.new
/// while the rotation is unfinished (every command still opens the registry), then replaces
/// keys/master.key.
#[test]
fn master_key_file_is_replaced_only_when_done() {
    use cairn_registry::app::{self, InitOptions, Login, NewMaster, Target};
    use cairn_registry::model::OrgType;
    let tmp = tempfile::tempdir().unwrap();
    let target = Target {
        data_dir: tmp.path().to_owned(),
        database_url: None,
    };
    let password = "fictional-admin-password-1".to_owned();
    app::init(
        &target,
        &InitOptions {
            admin_username: "admin".into(),
            admin_password: password.clone(),
            organisation: "Fictional admin org".into(),
            org_type: OrgType::Ngo,
            country: "FR".into(),
        },
    )
    .unwrap();
    let who = Login {
        username: "admin".into(),
        password,
    };
    let old_text = std::fs::read_to_string(target.master_key_path()).unwrap();

    let first = app::rotate_master_key(&target, &who, &NewMaster::Generate, Some(1)).unwrap();
    assert_eq!((first.rewrapped, first.remaining), (1, 1));
    assert!(first.installed.is_none());
    let pending = target.pending_master_key_path();
    let new_text = std::fs::read_to_string(&pending).unwrap();
    assert_eq!(
        std::fs::read_to_string(target.master_key_path()).unwrap(),
        old_text
    );
    // Halfway, commands still open the registry (with both keys) and read sealed values.
    let person = app::run_as(&target, &who, async |reg, admin| {
        let worker = as_worker(admin);
        add(reg, &worker, "Zqaria", "Brzqowitz", "+33612345900").await;
        reg.find_persons(&worker, IndexField::Phone, "+33612345900")
            .await
    })
    .unwrap();
    assert_eq!(person.len(), 1);

    let done = app::rotate_master_key(&target, &who, &NewMaster::Generate, None).unwrap();
    assert_eq!((done.rewrapped, done.remaining), (1, 0));
    assert_eq!(
        done.installed.as_deref(),
        Some(target.master_key_path().as_path())
    );
    assert!(!pending.exists());
    assert_eq!(
        std::fs::read_to_string(target.master_key_path()).unwrap(),
        new_text
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(target.master_key_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0);
    }
    let found = app::run_as(&target, &who, async |reg, admin| {
        let worker = as_worker(admin);
        let ids = reg
            .find_persons(&worker, IndexField::Phone, "+33612345900")
            .await?;
        reg.get_person(&worker, &ids[0], Purpose::Care).await
    })
    .unwrap();
    assert_eq!(found.fields.first_name.as_deref(), Some("Zqaria"));
    assert!(app::audit_verify(&target).unwrap().first_break.is_none());
    // The old key alone opens nothing any more.
    let old = MasterKey::from_base64(&old_text, "old").unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool =
            RegistryPool::open_sqlite(&cairn_store::DataDir::open_or_create(tmp.path()).unwrap())
                .await
                .unwrap();
        assert!(Registry::open(pool.clone(), &old).await.is_err());
        let new = MasterKey::from_base64(&new_text, "new").unwrap();
        assert!(Registry::open(pool, &new).await.is_ok());
    });
}
