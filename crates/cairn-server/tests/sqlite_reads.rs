//! The rusqlite read path of the server (`Registry::with_sqlite_reader`) returns what the sqlx path
//! returns: every case file of the demo data for every demo user (lead, referred, refused, roles
//! without identities), the stored web session, and the session's user and generation, writes
//! seen at once.

#![allow(clippy::unwrap_used)]

mod common;

use cairn_registry::audit::Actor;
use common::sqlite_env;

fn actor_of(l: &cairn_server::demo::DemoLogin) -> Actor {
    Actor {
        user_id: l.user_id.clone(),
        username: l.username.clone(),
        organisation_id: l.organisation_id.clone(),
        role: l.role,
    }
}

/// The case file as JSON, or the error's text.
async fn file_of(reg: &cairn_registry::Registry, actor: &Actor, case_id: &str) -> String {
    match reg.case_file(actor, case_id).await {
        Ok(file) => serde_json::to_string(&file).unwrap(),
        Err(e) => format!("error: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_read_paths_return_the_same_case_files_on_the_demo_data() {
    let env = sqlite_env().await;
    let sqlx_path = env.registry.clone();
    let rusqlite_path = env.registry.clone().with_sqlite_reader();
    let mut cases = env.demo.ngo_cases.clone();
    cases.extend(env.demo.cps_cases.iter().cloned());
    cases.push("cas-0000000000000000".into());
    let (mut shown, mut refused, mut files) = (0, 0, 0);
    for login in &env.demo.logins {
        let actor = actor_of(login);
        for case_id in &cases {
            let a = file_of(&sqlx_path, &actor, case_id).await;
            let b = file_of(&rusqlite_path, &actor, case_id).await;
            assert_eq!(a, b, "{} on {case_id}", login.username);
            if a.starts_with("error") {
                refused += 1;
            } else {
                files += 1;
                if a.contains("\"shown\":\"shown\"") {
                    shown += 1;
                }
            }
        }
    }
    // The comparison covered files with and without the person, and refusals.
    assert!(files > 0 && shown > 0 && shown < files && refused > 0);
    // Both paths audited every view: the chain is whole.
    let report = cairn_registry::audit::verify(env.registry.pool())
        .await
        .unwrap();
    assert_eq!(report.first_break, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_user_read_sees_writes_at_once() {
    let env = sqlite_env().await;
    let sqlx_path = env.registry.clone();
    let rusqlite_path = env.registry.clone().with_sqlite_reader();
    let login = env.demo.login("ngo.worker").unwrap();
    let read = |reg: cairn_registry::Registry, id: String| async move {
        reg.session_actor(&id)
            .await
            .unwrap()
            .map(|(a, g)| (a.username, a.organisation_id, a.role, g))
    };
    let before = read(rusqlite_path.clone(), login.user_id.clone()).await;
    assert_eq!(before, read(sqlx_path.clone(), login.user_id.clone()).await);
    assert!(before.is_some());
    assert_eq!(
        read(rusqlite_path.clone(), "usr-unknown".into()).await,
        None
    );
    // "Log out everywhere" through the sqlx writer: the next read has the new generation.
    let admin = actor_of(env.demo.login("demo.admin").unwrap());
    sqlx_path
        .bump_session_generation(&admin, &login.user_id)
        .await
        .unwrap();
    let after = read(rusqlite_path.clone(), login.user_id.clone()).await;
    assert_eq!(after, read(sqlx_path, login.user_id.clone()).await);
    assert_eq!(
        after.map(|a| a.3),
        before.map(|b| b.3 + 1),
        "generation bumped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_session_read_matches_and_sees_writes_at_once() {
    let env = sqlite_env().await;
    let sqlx_path = env.registry.clone();
    let rusqlite_path = env.registry.clone().with_sqlite_reader();
    let pool = env.registry.pool();
    let now = cairn_server::sessions::TOUCH_SECS * 1000;
    let load = |reg: cairn_registry::Registry, at: i64| async move {
        reg.web_session_load("k1", at)
            .await
            .unwrap()
            .map(|s| (s.data, s.expires_at))
    };
    assert_eq!(load(rusqlite_path.clone(), now).await, None);
    pool.web_session_save("k1", None, "{\"a\":1}", now + 60)
        .await
        .unwrap();
    let stored = load(rusqlite_path.clone(), now).await;
    assert_eq!(stored, Some(("{\"a\":1}".to_owned(), now + 60)));
    assert_eq!(stored, load(sqlx_path.clone(), now).await);
    // Expired at a later time on both paths.
    assert_eq!(load(rusqlite_path.clone(), now + 60).await, None);
    assert_eq!(load(sqlx_path, now + 60).await, None);
    pool.web_session_delete("k1").await.unwrap();
    assert_eq!(load(rusqlite_path, now).await, None);
}
