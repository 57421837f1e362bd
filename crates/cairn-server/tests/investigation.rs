//! The investigation screens through the router: scans and their reports, a record with its
//! findings highlighted (escaped), a cluster's graph, timeline and moves without script, and the
//! hash-list matches with collected images blurred until an audited request. Analysts only.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{StatusCode, header};
use cairn_registry::access::AuditFilter;
use cairn_registry::audit::Actor;
use cairn_registry::model::Role;
use cairn_registry::system_actor;
use common::{Client, Env, sqlite_env_with_media};

async fn audited(env: &Env, action: &str, object: &str) -> Vec<cairn_registry::audit::AuditEntry> {
    env.registry
        .audit_entries(
            &Actor {
                role: Role::System,
                ..system_actor()
            },
            &AuditFilter {
                action: Some(action.into()),
                limit: 100,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.object == object)
        .collect()
}

#[tokio::test]
async fn scans_records_and_clusters_for_analysts_only() {
    let (env, _) = sqlite_env_with_media().await;
    scans_records_and_clusters(&env).await;
}

#[tokio::test]
async fn scans_records_and_clusters_for_analysts_only_postgres() {
    scans_records_and_clusters(&common::pg_env().await).await;
}

async fn scans_records_and_clusters(env: &Env) {
    let analyst = env.demo.login("ngo.analyst").unwrap().clone();
    let mut c = Client::new(env);
    c.login(&analyst).await;

    let scans = c.get("/scans").await;
    assert_eq!(scans.status, StatusCode::OK);
    assert!(
        scans.body.contains("href=\"/scans/990001\""),
        "{}",
        scans.body
    );
    assert!(scans.body.contains("demo-ads.warc.gz"));

    let report = c.get("/scans/990001").await;
    assert_eq!(report.status, StatusCode::OK);
    // The phone is in two records, both listed with links to their pages.
    assert!(report.body.contains("+33600000001"));
    assert!(report.body.contains("href=\"/records/demo-rec-2\""));
    assert!(report.body.contains("<svg role=\"img\""), "category chart");
    assert!(
        report.body.contains("id=\"scan-categories\""),
        "table alternative"
    );
    assert_eq!(audited(env, "scan.report", "990001").await.len(), 1);
    let api: serde_json::Value =
        serde_json::from_str(&c.get("/api/scans/990001").await.body).unwrap();
    let phone = api["selectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["value"] == "+33600000001")
        .unwrap();
    assert_eq!(phone["records"], 2);
    // Every record with findings is reachable, most indicators first (demo-rec-1 and -2: 3).
    let records = api["records"].as_array().unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["indicators"], 3);
    assert_eq!(records[2]["id"], "demo-rec-3");
    assert!(report.body.contains("id=\"scan-records\""));
    assert_eq!(c.get("/scans/12345").await.status, StatusCode::NOT_FOUND);
    assert_eq!(c.get("/scans/x").await.status, StatusCode::NOT_FOUND);

    let rec = c.get("/records/demo-rec-1").await;
    assert_eq!(rec.status, StatusCode::OK);
    assert!(
        rec.body.contains(
            "<mark class=\"k-phone\" title=\"phone +33600000001\">+33 6 00 00 00 01</mark>"
        ),
        "{}",
        rec.body
    );
    assert!(rec.body.contains("<mark class=\"k-ind\""));
    assert!(rec.body.contains("value=%40demo_lily_fictional\""));
    assert!(rec.body.contains("action=\"/records/demo-rec-1/signal\""));
    assert!(rec.body.contains("href=\"/clusters/demo-cluster-1\""));
    assert!(rec.body.contains("demo-ads.warc.gz"), "source");
    assert_eq!(audited(env, "record.view", "demo-rec-1").await.len(), 1);
    let api: serde_json::Value =
        serde_json::from_str(&c.get("/api/records/demo-rec-1").await.body).unwrap();
    let text = api["text"].as_str().unwrap();
    let phone = api["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "phone")
        .unwrap();
    let (s, e) = (
        phone["start"].as_u64().unwrap() as usize,
        phone["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "+33 6 00 00 00 01", "spans are byte offsets");
    assert_eq!(c.get("/records/nope").await.status, StatusCode::NOT_FOUND);

    let cl = c.get("/clusters/demo-cluster-1").await;
    assert_eq!(cl.status, StatusCode::OK);
    assert!(
        cl.body
            .contains("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"graph\"")
    );
    assert!(cl.body.contains("class=\"timeline\""));
    assert!(
        !cl.body.contains("<script>") && !cl.body.contains("style=\""),
        "no inline script or style"
    );
    // Moves: Lille → Paris → Bruxelles, in a table too.
    let moves = cl.body.split("id=\"cluster-moves\"").nth(1).unwrap();
    assert!(moves.contains("<td>Lille</td><td>Paris</td>"), "{moves}");
    assert!(moves.contains("<td>Paris</td><td>Bruxelles</td>"));
    let api: serde_json::Value =
        serde_json::from_str(&c.get("/api/clusters/demo-cluster-1").await.body).unwrap();
    assert_eq!(api["moves"].as_array().unwrap().len(), 2);
    assert_eq!(api["timeline"].as_array().unwrap().len(), 3);
    assert!(
        !audited(env, "cluster.view", "demo-cluster-1")
            .await
            .is_empty()
    );

    // A case worker sees none of it.
    let mut w = Client::new(env);
    w.login(env.demo.login("ngo.worker").unwrap()).await;
    for path in [
        "/scans",
        "/scans/990001",
        "/records/demo-rec-1",
        "/media",
        "/api/scans",
        "/api/records/demo-rec-1",
        "/api/clusters/demo-cluster-1",
        "/api/media",
    ] {
        assert_eq!(w.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn matched_images_are_never_shown_and_collected_ones_only_after_an_audited_click() {
    let (env, shas) = sqlite_env_with_media().await;
    let (listed, collected) = (&shas[0], &shas[3]);
    let analyst = env.demo.login("ngo.analyst").unwrap().clone();
    let mut c = Client::new(&env);
    c.login(&analyst).await;

    let page = c.get("/media").await;
    assert_eq!(page.status, StatusCode::OK);
    let matches = page.body.split("id=\"media-matches\"").nth(1).unwrap();
    let matches = matches.split("</table>").next().unwrap();
    assert!(matches.contains(listed.as_str()) && matches.contains("demo-benign-fictional"));
    assert!(matches.contains("<td>pdq</td><td>0</td>"), "{matches}");
    // Matched: hashes only, no image of it at all; collected: a blurred preview and a form.
    assert!(!page.body.contains(&format!("/media/{listed}/")));
    assert!(
        page.body
            .contains(&format!("src=\"/media/{collected}/preview\" alt="))
    );
    assert!(page.body.contains("class=\"blurred\""));
    assert!(
        page.body
            .contains(&format!("action=\"/media/{collected}/unblur\""))
    );
    assert_eq!(
        c.get(&format!("/media/{listed}/preview")).await.status,
        StatusCode::FORBIDDEN,
        "known material is never served"
    );
    let preview = c.get(&format!("/media/{collected}/preview")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(preview.headers[header::CONTENT_TYPE], "image/png");

    // Before the click, the image itself is refused: no client-side toggle can reveal it.
    let image = format!("/media/{collected}/image");
    assert_eq!(c.get(&image).await.status, StatusCode::FORBIDDEN);
    assert!(audited(&env, "media.unblur", collected).await.is_empty());
    let r = c
        .post(
            &format!("/media/{collected}/unblur"),
            &[("reason", "checking the fictional ad")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let entries = audited(&env, "media.unblur", collected).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor, analyst.user_id);
    assert!(entries[0].purpose.contains("checking the fictional ad"));
    let shown = c.get(&image).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.headers[header::CACHE_CONTROL], "no-store");
    let page = c.get("/media").await;
    assert!(page.body.contains(&format!("src=\"{image}\"")));
    // In French too, dates localised.
    c.get("/account").await;
    c.post("/account/language", &[("lang", "fr")]).await;
    let fr = c.get("/media").await;
    assert!(fr.body.contains("Images collectées") && fr.body.contains("Afficher cette image"));
    let fr = c.get("/scans").await;
    assert!(fr.body.contains("Analyses de collecte") && fr.body.contains("20/03/2026 08:00 UTC"));

    // Known material stays refused even when asked for directly.
    assert_eq!(
        c.post(&format!("/media/{listed}/unblur"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let too_long = "x".repeat(501);
    assert_eq!(
        c.post(
            &format!("/media/{collected}/unblur"),
            &[("reason", &too_long)]
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The JSON twin: hashes and matches, never bytes.
    let api: serde_json::Value = serde_json::from_str(&c.get("/api/media").await.body).unwrap();
    assert!(
        api["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["sha256"] == listed.as_str() && m["list"] == "demo-benign-fictional")
    );
    assert!(
        api["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["sha256"] != collected.as_str())
    );

    // Another session of the same analyst has no grant of its own.
    let mut other = Client::new(&env);
    other.login_at(&analyst, 1).await;
    assert_eq!(other.get(&image).await.status, StatusCode::FORBIDDEN);
    let mut w = Client::new(&env);
    w.login(env.demo.login("ngo.worker").unwrap()).await;
    assert_eq!(w.get(&image).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn hostile_record_text_and_spans_are_escaped_and_checked() {
    let (env, _) = sqlite_env_with_media().await;
    let cairn_store::registry::RegistryPool::Sqlite(pool) = env.registry.pool() else {
        unreachable!()
    };
    let text = "<script>alert(1)</script> é <b>call</b> now";
    for sql in [
        "INSERT INTO evidence (sha256, size, stored_at) VALUES ('ab', 1, '2026-01-01T00:00:00Z')",
        "INSERT INTO record (id, url, captured_at, sha256, lang, text, run_id) VALUES ('hostile-1', 'https://x.example.invalid/\"><script>', '2026-01-01T00:00:00Z', 'ab', 'en', $1, 990001)",
        // A span over the script tag, one cutting 'é' in half, one past the end.
        "INSERT INTO finding (record_id, kind, value, start_byte, end_byte, evidence, rule, category) VALUES ('hostile-1', 'handle', '<i>x</i>', 0, 8, '<script>', 'r@1', NULL)",
        "INSERT INTO finding (record_id, kind, value, start_byte, end_byte, evidence, rule, category) VALUES ('hostile-1', 'phone', 'p', 27, 28, 'é', 'r@1', NULL)",
        "INSERT INTO finding (record_id, kind, value, start_byte, end_byte, evidence, rule, category) VALUES ('hostile-1', 'email', 'e', 40, 400, 'x', 'r@1', NULL)",
    ] {
        let q = sqlx::query(sql);
        let q = if sql.contains("$1") { q.bind(text) } else { q };
        q.execute(pool).await.unwrap();
    }
    let mut c = Client::new(&env);
    c.login(env.demo.login("ngo.analyst").unwrap()).await;
    let page = c.get("/records/hostile-1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("<script>") && !page.body.contains("<b>call"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<mark class=\"k-handle\""));
    assert!(page.body.contains("&#60;script&#62;") || page.body.contains("&lt;script&gt;"));
    // The half-character and out-of-text spans are listed, never used to cut the text.
    assert_eq!(page.body.matches("<mark ").count(), 1);
    assert!(page.body.contains(" é "));
}
