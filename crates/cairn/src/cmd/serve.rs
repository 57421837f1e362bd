//! `cairn serve`: the web application and JSON API (crates/cairn-server). Thin: options, the
//! demo data directory, printing the URL and logins.

use anyhow::Context;
use cairn_registry::app::{self, InitOptions, Target};
use cairn_registry::model::OrgType;
use cairn_server::{AppState, ServerConfig, demo};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, clap::Args)]
#[command(
    about = "Serve the web application and its JSON API (registry: cases, referrals, consent, audit)"
)]
pub struct ServeArgs {
    /// Address and port to listen on. Keep it on 127.0.0.1 behind a TLS reverse proxy.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// PostgreSQL URL (postgres://…); without it, SQLite in the data directory.
    #[arg(long, env = "CAIRN_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Build a throw-away data directory with fictional organisations, users, cases, referrals
    /// and consents; print the URL and the demo logins (passwords and TOTP secrets).
    #[arg(long)]
    pub demo: bool,
    /// Number of fictional cases of the demo NGO.
    #[arg(long, default_value_t = 12, requires = "demo")]
    pub demo_cases: usize,
    /// Cookies only over HTTPS (Secure, __Host- prefix): set this behind a TLS reverse proxy.
    #[arg(long)]
    pub secure_cookies: bool,
    /// Send Strict-Transport-Security (behind TLS only).
    #[arg(long, requires = "secure_cookies")]
    pub hsts: bool,
    /// The public origin browsers use, e.g. https://cairn.example.org (checked against the
    /// Origin header of every form); without it, the request's Host header.
    #[arg(long)]
    pub public_origin: Option<String>,
    /// Minutes of inactivity that end a session.
    #[arg(long, default_value_t = 30)]
    pub idle_minutes: u64,
    /// Hours after sign-in that end a session, used or not.
    #[arg(long, default_value_t = 10)]
    pub absolute_hours: u64,
    /// Sign-in attempts allowed per minute, per username and per client address.
    #[arg(long, default_value_t = 10)]
    pub login_attempts_per_minute: u32,
}

fn demo_dir() -> anyhow::Result<PathBuf> {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    let dir = std::env::temp_dir().join(format!("cairn-demo-{}", hex::encode(b)));
    std::fs::create_dir_all(&dir).with_context(|| format!("{}", dir.display()))?;
    Ok(dir)
}

pub fn run(data: &Path, args: ServeArgs) -> anyhow::Result<u8> {
    let (target, throwaway) = if args.demo {
        if args.database_url.is_some() {
            anyhow::bail!("--demo builds its own SQLite data directory: drop --database-url");
        }
        let dir = demo_dir()?;
        let target = Target {
            data_dir: dir.clone(),
            database_url: None,
        };
        let mut pw = [0u8; 16];
        getrandom::fill(&mut pw).map_err(|e| anyhow::anyhow!("random: {e}"))?;
        app::init(
            &target,
            &InitOptions {
                admin_username: "demo.admin".into(),
                admin_password: hex::encode(pw),
                organisation: demo::NGO.into(),
                org_type: OrgType::Ngo,
                country: "FR".into(),
            },
        )
        .context("demo data directory")?;
        (target, Some(dir))
    } else {
        (
            Target {
                data_dir: data.to_path_buf(),
                database_url: args.database_url.clone(),
            },
            None,
        )
    };
    let config = ServerConfig {
        secure_cookies: args.secure_cookies,
        hsts: args.hsts,
        idle_timeout: Duration::from_secs(args.idle_minutes.max(1) * 60),
        absolute_timeout: Duration::from_secs(args.absolute_hours.max(1) * 3600),
        public_origin: args.public_origin.clone(),
        login_attempts_per_minute: args.login_attempts_per_minute.max(1),
        demo: args.demo,
        data_dir: Some(target.data_dir.clone()),
        ..ServerConfig::default()
    };
    let rt = cairn_server::runtime().context("tokio runtime")?;
    let result = rt.block_on(async {
        let registry = app::open_registry(&target).await?;
        let demo_data = if args.demo {
            let d = demo::seed(&registry, args.demo_cases).await?;
            demo::seed_media(&registry, &target.data_dir).await?;
            Some(d)
        } else {
            None
        };
        let state = AppState::new(registry, config)?;
        let listener = cairn_server::bind(args.addr)
            .await
            .with_context(|| format!("listen on {}", args.addr))?;
        let local = listener.local_addr()?;
        println!("cairn serve: http://{local}/");
        if let (Some(d), Some(dir)) = (&demo_data, &throwaway) {
            println!("demo data directory (deleted on exit): {}", dir.display());
            println!("demo logins (all fictional; TOTP: SHA-1, 6 digits, 30 s):");
            for l in &d.logins {
                println!(
                    "  user={} password={} role={} organisation={:?} totp={}",
                    l.username,
                    l.password,
                    l.role,
                    l.organisation,
                    l.totp_secret.as_deref().unwrap_or("-")
                );
            }
        }
        use std::io::Write;
        let _ = std::io::stdout().flush();
        cairn_server::serve(listener, state, cairn_server::shutdown_signal()).await?;
        anyhow::Ok(())
    });
    if let Some(dir) = throwaway {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result.map(|()| crate::exit::OK)
}
