//! The rusqlite read path of the server (`Registry::with_sqlite_reader`) returns what the sqlx path
//! returns: every case file of the demo data for every demo user (lead, referred, refused, roles
//! without identities), the stored web session, and the session's user and generation, writes
//! seen at once.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use cairn_registry::audit::Actor;
use common::{Client, sqlite_env};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_read_with_its_user_matches_the_separate_reads() {
    let env = sqlite_env().await;
    let sqlx_path = env.registry.clone();
    let rusqlite_path = env.registry.clone().with_sqlite_reader();
    let pool = env.registry.pool();
    let now = cairn_server::sessions::TOUCH_SECS * 1000;
    let login = env.demo.login("ngo.worker").unwrap();
    let user_of = |reg: cairn_registry::Registry, key: &'static str| async move {
        reg.web_session_load_with_user(key, now)
            .await
            .unwrap()
            .map(|l| {
                (
                    l.stored.data,
                    l.user.map(|(id, a)| {
                        (
                            id,
                            a.map(|(a, g)| (a.username, a.organisation_id, a.role, g)),
                        )
                    }),
                )
            })
    };
    let separate = |id: String| {
        let reg = sqlx_path.clone();
        async move {
            reg.session_actor(&id)
                .await
                .unwrap()
                .map(|(a, g)| (a.username, a.organisation_id, a.role, g))
        }
    };
    pool.web_session_save("signed", Some(&login.user_id), "{\"b\":2}", now + 60)
        .await
        .unwrap();
    pool.web_session_save("anonymous", None, "{}", now + 60)
        .await
        .unwrap();
    pool.web_session_save("ghost", Some("usr-unknown"), "{}", now + 60)
        .await
        .unwrap();
    let before = user_of(rusqlite_path.clone(), "signed").await;
    let expected = separate(login.user_id.clone()).await;
    assert!(expected.is_some());
    assert_eq!(
        before,
        Some((
            "{\"b\":2}".to_owned(),
            Some((login.user_id.clone(), expected.clone()))
        ))
    );
    // No user column: no user read; an unknown user: read, and none found.
    assert_eq!(
        user_of(rusqlite_path.clone(), "anonymous").await,
        Some(("{}".to_owned(), None))
    );
    assert_eq!(
        user_of(rusqlite_path.clone(), "ghost").await,
        Some(("{}".to_owned(), Some(("usr-unknown".to_owned(), None))))
    );
    // The sqlx path reads the session alone (the caller reads the user).
    assert_eq!(
        user_of(sqlx_path.clone(), "signed").await,
        Some(("{\"b\":2}".to_owned(), None))
    );
    // "Log out everywhere": the next read has the new generation, as the separate read.
    let admin = actor_of(env.demo.login("demo.admin").unwrap());
    sqlx_path
        .bump_session_generation(&admin, &login.user_id)
        .await
        .unwrap();
    let after = separate(login.user_id.clone()).await;
    assert_eq!(after.as_ref().map(|a| a.3), expected.map(|e| e.3 + 1));
    assert_eq!(
        user_of(rusqlite_path.clone(), "signed").await,
        Some(("{\"b\":2}".to_owned(), Some((login.user_id.clone(), after))))
    );
    // Expired: nothing.
    pool.web_session_save("signed", Some(&login.user_id), "{\"b\":2}", now)
        .await
        .unwrap();
    assert_eq!(user_of(rusqlite_path, "signed").await, None);
}

/// Through the server: each request checks the user and generation read with its own session row
/// (never stored in the session's data), and a bumped generation ends the session at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bumped_generation_ends_the_session_at_its_next_request() {
    let env = sqlite_env().await;
    let l = env.demo.login("ngo.analyst").unwrap().clone();
    let mut c = Client::new(&env);
    c.login(&l).await;
    for _ in 0..3 {
        assert_eq!(c.get("/cases").await.status, StatusCode::OK);
    }
    let cairn_store::registry::RegistryPool::Sqlite(p) = env.registry.pool() else {
        unreachable!()
    };
    let stored: Vec<String> = sqlx::query_scalar("SELECT data FROM web_session")
        .fetch_all(p)
        .await
        .unwrap();
    assert!(!stored.is_empty());
    assert!(
        stored
            .iter()
            .all(|d| !d.contains(cairn_server::sessions::LOADED_USER_KEY)),
        "the user read with the session is never stored"
    );
    let admin = actor_of(env.demo.login("demo.admin").unwrap());
    env.registry
        .bump_session_generation(&admin, &l.user_id)
        .await
        .unwrap();
    assert_eq!(c.get("/cases").await.location(), "/login");
}
