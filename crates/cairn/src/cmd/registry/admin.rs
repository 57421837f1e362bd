//! `cairn admin`: initialise, migrate, add users.

use super::{DbArgs, LoginArgs};
use crate::exit;
use cairn_registry::app::{self, ADMIN_PASSWORD_ENV, InitOptions, NewUserOptions};
use cairn_registry::model::{OrgType, Role};
use std::path::Path;

/// Administration of the registry.
#[derive(Debug, clap::Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum AdminCommand {
    /// Create the data directory, the master key (keys/master.key, 0600, unless CAIRN_MASTER_KEY
    /// is set), the schema, the data keys and the first admin (password from CAIRN_ADMIN_PASSWORD
    /// or a prompt). Safe to re-run.
    Init {
        #[command(flatten)]
        db: DbArgs,
        /// User name of the first admin.
        #[arg(long, default_value = "admin")]
        admin: String,
        /// The admin's organisation.
        #[arg(long, default_value = "Cairn administration")]
        organisation: String,
        #[arg(long, default_value = "ngo")]
        org_type: OrgType,
        /// ISO 3166-1 alpha-2 country of that organisation.
        #[arg(long, default_value = "FR")]
        country: String,
    },
    /// Apply pending schema migrations (SQLite or PostgreSQL).
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// The services directory (psychotrauma care, shelters, legal aid, health, education, family
    /// support).
    Service {
        #[command(subcommand)]
        command: super::service::ServiceCommand,
    },
    /// Apply the retention rules (anonymise or delete records N years after a case closes,
    /// keeping statistics fields); each record touched is audited. Run by an admin.
    Retention {
        /// Only list what would go (persons or cases per rule); change nothing.
        #[arg(long)]
        dry_run: bool,
        /// A retention policy file (default: the built-in data/retention.toml).
        #[arg(long)]
        policy: Option<std::path::PathBuf>,
        #[command(flatten)]
        login: LoginArgs,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Rotate a key. By default the data key: a new key version, then every sealed value (person
    /// fields, notes, statements, screenings, web TOTP secrets, statistics noise seeds) re-sealed
    /// with it. `--index`: a new blind-index key, then every person's lookup tokens recomputed
    /// (lookups keep working throughout). `--master`: every data key re-wrapped by a new master
    /// key (from --new-key-file, CAIRN_NEW_MASTER_KEY with --new-key-env, or generated into
    /// keys/master.key.new), which then replaces keys/master.key. Batch by batch, each audited;
    /// interrupted, a re-run resumes instead of starting another key.
    RotateKey {
        /// Rotate the blind-index key instead of the data key.
        #[arg(long, conflicts_with = "master")]
        index: bool,
        /// Rotate the master key instead of the data key.
        #[arg(long)]
        master: bool,
        /// With --master: the new master key, a base64 file readable by its owner only.
        #[arg(long, requires = "master", conflicts_with = "new_key_env")]
        new_key_file: Option<std::path::PathBuf>,
        /// With --master: take the new master key from CAIRN_NEW_MASTER_KEY (base64).
        #[arg(long, requires = "master")]
        new_key_env: bool,
        /// Rows per transaction.
        #[arg(long, default_value_t = 500)]
        batch: u32,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        #[command(flatten)]
        login: LoginArgs,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a user (its password from CAIRN_NEW_PASSWORD or a prompt); run by an admin.
    Add {
        /// The new user's name.
        username: String,
        /// first_responder, case_worker, coordinator, analyst, statistician, admin or auditor.
        #[arg(long)]
        role: Role,
        /// Organisation name (created when --org-type and --country are given).
        #[arg(long)]
        organisation: String,
        #[arg(long)]
        org_type: Option<OrgType>,
        #[arg(long)]
        country: Option<String>,
        #[command(flatten)]
        login: LoginArgs,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn run(data: &Path, args: AdminArgs) -> anyhow::Result<u8> {
    match args.command {
        AdminCommand::Init {
            db,
            admin,
            organisation,
            org_type,
            country,
        } => {
            let target = db.target(data);
            let admin_password = super::password_from_env_or_prompt(
                ADMIN_PASSWORD_ENV,
                "new admin password: ",
                true,
            )?;
            let report = app::init(
                &target,
                &InitOptions {
                    admin_username: admin,
                    admin_password,
                    organisation,
                    org_type,
                    country,
                },
            )?;
            println!(
                "master key: {}",
                match report.master_key {
                    "file" => format!("{}", target.master_key_path().display()),
                    other => other.to_owned(),
                }
            );
            println!("migrations applied: {}", report.migrations_applied);
            match report.admin_created {
                Some(id) => println!("admin created: {id}"),
                None => println!("an admin exists already: nothing else to do"),
            }
            Ok(exit::OK)
        }
        AdminCommand::Service { command } => super::service::run_admin(data, command),
        AdminCommand::RotateKey {
            index,
            master,
            new_key_file,
            new_key_env,
            batch,
            quiet,
            login,
            db,
        } => {
            let target = db.target(data);
            if master {
                let new = match (new_key_file, new_key_env) {
                    (Some(f), _) => app::NewMaster::File(f),
                    (None, true) => app::NewMaster::Environment,
                    (None, false) => app::NewMaster::Generate,
                };
                let report = app::rotate_master_key(&target, &login.login()?, &new, None)?;
                println!(
                    "{} data keys re-wrapped with the new master key, {} left",
                    report.rewrapped, report.remaining
                );
                if let Some(path) = &report.installed {
                    println!("the new master key is now {}", path.display());
                }
                if report.set_environment && report.remaining == 0 {
                    println!(
                        "the old master key came from CAIRN_MASTER_KEY: set it to the new key from now on"
                    );
                }
                return Ok(if report.remaining == 0 {
                    exit::OK
                } else {
                    exit::FAILURE
                });
            }
            let label = if index { "re-indexed" } else { "re-sealed" };
            let bar = crate::progress::count_bar(quiet, label);
            let progress = |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            };
            let report = if index {
                app::rotate_index_key(&target, &login.login()?, batch, None, progress)?
            } else {
                app::rotate_key(&target, &login.login()?, batch, progress)?
            };
            bar.finish_and_clear();
            let kind = if index { "index" } else { "data" };
            match report.created_version {
                Some(v) => println!("{kind} key v{v} created and active"),
                None => println!(
                    "resumed the rotation to {kind} key v{}",
                    report.active_version
                ),
            }
            if index {
                println!(
                    "{} persons re-indexed, {} left under older index keys",
                    report.resealed, report.remaining
                );
            } else {
                println!(
                    "{} rows re-sealed, {} left under older keys",
                    report.resealed, report.remaining
                );
            }
            Ok(if report.remaining == 0 {
                exit::OK
            } else {
                exit::FAILURE
            })
        }
        AdminCommand::Retention {
            dry_run,
            policy,
            login,
            db,
        } => {
            use cairn_registry::retention::Policy;
            let policy = match policy {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    Policy::from_toml(&text, &path.display().to_string())?
                }
                None => Policy::builtin()?,
            };
            let report = app::run_as(&db.target(data), &login.login()?, async |reg, actor| {
                reg.apply_retention(actor, &policy, cairn_registry::db::now_utc(), dry_run)
                    .await
            })?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            for o in &report.outcomes {
                eprintln!(
                    "{} {}: {} {}",
                    if report.dry_run { "would" } else { "did" },
                    o.action,
                    o.ids.len(),
                    o.record
                );
            }
            Ok(exit::OK)
        }
        AdminCommand::Migrate { db } => {
            let (applied, all) = app::migrate(&db.target(data))?;
            println!("applied {applied} migration(s); schema at:");
            for m in all {
                println!("  {:04} {}", m.version, m.description);
            }
            Ok(exit::OK)
        }
        AdminCommand::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    organisation,
                    org_type,
                    country,
                    login,
                    db,
                },
        } => {
            let login = login.login()?;
            let password = super::password_from_env_or_prompt(
                "CAIRN_NEW_PASSWORD",
                "new user's password: ",
                true,
            )?;
            let id = app::user_add(
                &db.target(data),
                &login,
                &NewUserOptions {
                    username,
                    password,
                    organisation,
                    org_type,
                    country,
                    role,
                },
            )?;
            println!("{id}");
            Ok(exit::OK)
        }
    }
}
