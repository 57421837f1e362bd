//! A seeded registry (SQLite in a temporary data directory, or a fresh PostgreSQL schema of
//! `CAIRN_TEST_PG_URL`) behind the router, and a cookie-keeping client driving it with
//! `tower::ServiceExt::oneshot`.

#![allow(dead_code, clippy::unwrap_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use cairn_registry::Registry;
use cairn_registry::crypto::{MasterKey, SecretKey};
use cairn_server::demo::{DemoData, DemoLogin};
use cairn_server::{AppState, ServerConfig};
use cairn_store::DataDir;
use cairn_store::registry::RegistryPool;
use http_body_util::BodyExt;
use std::sync::atomic::{AtomicU32, Ordering};
use tower::ServiceExt;

pub const HOST: &str = "cairn.test";
pub const ORIGIN: &str = "http://cairn.test";

pub struct Env {
    pub app: Router,
    pub registry: Registry,
    pub demo: DemoData,
    _dir: Option<tempfile::TempDir>,
}

fn master() -> MasterKey {
    MasterKey::new(SecretKey::from_bytes([42; 32]))
}

pub fn config() -> ServerConfig {
    ServerConfig {
        max_body_bytes: 16 * 1024,
        ..ServerConfig::default()
    }
}

async fn finish(registry: Registry, dir: Option<tempfile::TempDir>, cfg: ServerConfig) -> Env {
    let demo = cairn_server::demo::seed(&registry, 4).await.unwrap();
    let state = AppState::new(registry.clone(), cfg).unwrap();
    Env {
        app: cairn_server::router(state),
        registry,
        demo,
        _dir: dir,
    }
}

pub async fn sqlite_env_with(cfg: ServerConfig) -> Env {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open_or_create(tmp.path()).unwrap();
    let pool = RegistryPool::open_sqlite(&dir).await.unwrap();
    let registry = Registry::init(pool, &master()).await.unwrap();
    finish(registry, Some(tmp), cfg).await
}

pub async fn sqlite_env() -> Env {
    sqlite_env_with(config()).await
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Fails (never skips) without `CAIRN_TEST_PG_URL`: run `eval "$(scripts/pg-start)"` first.
pub async fn pg_env() -> Env {
    let url = std::env::var("CAIRN_TEST_PG_URL").unwrap_or_else(|_| {
        panic!("CAIRN_TEST_PG_URL is not set: run `eval \"$(scripts/pg-start)\"` (or scripts/test)")
    });
    let schema = format!(
        "web_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default()
    );
    let admin = RegistryPool::open_postgres(&url).await.unwrap();
    let RegistryPool::Postgres(p) = &admin else {
        unreachable!()
    };
    // Digits and a fixed prefix only: no injection.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(p)
        .await
        .unwrap();
    admin.close().await;
    let pool = RegistryPool::open_postgres_in_schema(&url, Some(&schema))
        .await
        .unwrap();
    let registry = Registry::init(pool, &master()).await.unwrap();
    finish(registry, None, config()).await
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn csrf(&self) -> String {
        let i = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a form with a csrf field")
            + 19;
        self.body[i..i + self.body[i..].find('"').unwrap()].to_owned()
    }
}

/// A browser: keeps the session cookie, sends Host and Origin like a same-origin form would.
#[derive(Clone)]
pub struct Client {
    pub app: Router,
    pub cookie: Option<String>,
    pub csrf: String,
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Client {
    pub fn new(env: &Env) -> Self {
        Self {
            app: env.app.clone(),
            cookie: None,
            csrf: String::new(),
        }
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Resp {
        req.headers_mut()
            .insert(header::HOST, HOST.parse().unwrap());
        if let Some(c) = &self.cookie {
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap().to_owned();
            if v.contains("Max-Age=0") {
                self.cookie = None;
            } else {
                self.cookie = Some(pair);
            }
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let r = self
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        if r.body.contains("name=\"csrf\" value=\"") {
            self.csrf = r.csrf();
        }
        r
    }

    pub async fn post_raw(&mut self, path: &str, ctype: &str, body: impl Into<Body>) -> Resp {
        let req = Request::post(path)
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, ctype)
            .body(body.into())
            .unwrap();
        self.send(req).await
    }

    /// A same-origin form post with the session's CSRF token.
    pub async fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        let mut all = vec![("csrf", self.csrf.clone())];
        all.extend(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let body = all
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.post_raw(path, "application/x-www-form-urlencoded", body)
            .await
    }

    pub async fn post_json(&mut self, path: &str, json: &str, token: Option<&str>) -> Resp {
        let mut b = Request::post(path)
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            b = b.header("x-csrf-token", t);
        }
        self.send(b.body(Body::from(json.to_owned())).unwrap())
            .await
    }

    /// Signs in with password and, when asked, a TOTP code of the step after `now` + `step_offset`
    /// (codes are single use: a second sign-in of the same user in the same step uses the next).
    pub async fn login_at(&mut self, l: &DemoLogin, step_offset: u64) -> Resp {
        self.get("/login").await;
        let r = self
            .post(
                "/login",
                &[("username", &l.username), ("password", &l.password)],
            )
            .await;
        if r.location() == "/login/totp" {
            self.get("/login/totp").await;
            let code = totp_code(l, step_offset);
            return self.post("/login/totp", &[("code", &code)]).await;
        }
        r
    }

    pub async fn login(&mut self, l: &DemoLogin) -> Resp {
        let r = self.login_at(l, 0).await;
        assert_eq!(
            r.location(),
            "/dashboard",
            "{} signs in: {}",
            l.username,
            r.status
        );
        self.get("/dashboard").await;
        r
    }
}

pub fn totp_code(l: &DemoLogin, step_offset: u64) -> String {
    let secret = totp_rs::Secret::try_from_base32(l.totp_secret.as_deref().unwrap()).unwrap();
    let totp = cairn_server_totp(secret.as_bytes(), &l.username);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp.generate(now + step_offset * 30).to_string()
}

fn cairn_server_totp(secret: &[u8], name: &str) -> totp_rs::Totp {
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret.to_vec())
        .with_account_name(name.to_owned())
        .with_issuer(Some("Cairn"))
        .build()
        .unwrap()
}

/// SQLite env whose server knows its data directory, with the demo's benign images and demo
/// known-hash list (the investigation screens). Returns the images' SHA-256, listed ones first.
pub async fn sqlite_env_with_media() -> (Env, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open_or_create(tmp.path()).unwrap();
    let pool = RegistryPool::open_sqlite(&dir).await.unwrap();
    let registry = Registry::init(pool, &master()).await.unwrap();
    let cfg = ServerConfig {
        data_dir: Some(tmp.path().to_path_buf()),
        ..config()
    };
    let env = finish(registry, Some(tmp), cfg).await;
    let shas = cairn_server::demo::seed_media(&env.registry, env._dir.as_ref().unwrap().path())
        .await
        .unwrap();
    (env, shas)
}
