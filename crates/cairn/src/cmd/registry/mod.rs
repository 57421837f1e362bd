//! Registry verbs: `admin`, `audit`, `import`, `export`, `case`. Thin: the work is in
//! `cairn_registry::app`.

pub mod admin;
pub mod audit;
pub mod case;
pub mod export;
pub mod import;
pub mod service;
pub mod statement;

use cairn_registry::app::{Login, PASSWORD_ENV, Target};
use std::path::Path;

/// Where the registry database is.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// PostgreSQL URL (postgres://user:pass@host/db); without it, SQLite in the data directory.
    #[arg(long, env = "CAIRN_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    pub fn target(&self, data: &Path) -> Target {
        Target {
            data_dir: data.to_path_buf(),
            database_url: self.database_url.clone(),
        }
    }
}

/// Who runs the command (the password comes from CAIRN_PASSWORD or a prompt).
#[derive(Debug, Clone, clap::Args)]
pub struct LoginArgs {
    /// Your user name in the registry.
    #[arg(long = "user", env = "CAIRN_USER")]
    pub user: String,
}

impl LoginArgs {
    pub fn login(&self) -> anyhow::Result<Login> {
        let password = password_from_env_or_prompt(PASSWORD_ENV, "password: ", false)?;
        Ok(Login {
            username: self.user.clone(),
            password,
        })
    }
}

/// Reads a password from `env`, else prompts on the terminal (twice when `confirm`).
pub fn password_from_env_or_prompt(
    env: &str,
    prompt: &str,
    confirm: bool,
) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(env) {
        return Ok(p);
    }
    let read = |p: &str| {
        rpassword::prompt_password(p)
            .map_err(|e| anyhow::anyhow!("password prompt failed (or set {env}): {e}"))
    };
    let first = read(prompt)?;
    if confirm && read("again: ")? != first {
        anyhow::bail!("password: the two entries differ");
    }
    Ok(first)
}
