//! The demo server alone, for load benchmarks (`scripts/bench_web.sh`): builds in release without
//! the rest of the workspace. Usage: load_demo ADDR CASES. Prints the URL and the demo logins in
//! the format of `cairn serve --demo`, then serves until Ctrl-C.

use cairn_registry::Registry;
use cairn_registry::crypto::{MasterKey, SecretKey};
use cairn_server::{AppState, ServerConfig, demo};
use cairn_store::DataDir;
use cairn_store::registry::RegistryPool;

// The allocator of the `cairn` binary, so that the benchmark measures what `cairn serve` runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let addr: std::net::SocketAddr = args.next().unwrap_or("127.0.0.1:0".into()).parse()?;
    let cases: usize = args.next().unwrap_or("40".into()).parse()?;
    let tmp = tempfile::tempdir()?;
    cairn_server::runtime()?.block_on(async {
        let dir = DataDir::open_or_create(tmp.path())?;
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| format!("random: {e}"))?;
        let registry = Registry::init(
            RegistryPool::open_sqlite(&dir).await?,
            &MasterKey::new(SecretKey::from_bytes(key)),
        )
        .await?;
        let data = demo::seed(&registry, cases).await?;
        let state = AppState::new(
            registry,
            ServerConfig {
                demo: true,
                // The benchmark signs in many sessions from one address.
                login_attempts_per_minute: 100_000,
                ..ServerConfig::default()
            },
        )?;
        let listener = cairn_server::bind(addr).await?;
        println!("cairn serve: http://{}/", listener.local_addr()?);
        for l in &data.logins {
            println!(
                "  user={} password={} role={} organisation={:?} totp={}",
                l.username,
                l.password,
                l.role,
                l.organisation,
                l.totp_secret.as_deref().unwrap_or("-")
            );
        }
        use std::io::Write;
        std::io::stdout().flush()?;
        cairn_server::serve(listener, state, cairn_server::shutdown_signal()).await?;
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
