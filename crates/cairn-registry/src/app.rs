//! Blocking entry points for the `cairn` command line: each opens the data directory (and
//! PostgreSQL when a URL is given), runs one operation on its own runtime and returns a report.
//! The CLI stays thin: argument parsing and printing only.

use crate::audit::{self, Actor, VerifyReport};
use crate::consent::LegalBasis;
use crate::crypto::{MASTER_KEY_ENV, MasterKey, MasterKeySource};
use crate::htcds::{self, ExportReport, ImportReport};
use crate::model::{DataCategory, OrgType, Purpose, Role};
use crate::{Registry, RegistryError, system_actor};
use cairn_store::DataDir;
use cairn_store::registry::{AppliedMigration, RegistryPool};
use std::path::{Path, PathBuf};

/// Where the registry lives: the data directory (keys, and the SQLite database unless a
/// PostgreSQL URL is given).
#[derive(Debug, Clone)]
pub struct Target {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
}

/// Who runs a command that touches personal data.
#[derive(Debug, Clone)]
pub struct Login {
    pub username: String,
    pub password: String,
}

pub const ADMIN_PASSWORD_ENV: &str = "CAIRN_ADMIN_PASSWORD";
pub const PASSWORD_ENV: &str = "CAIRN_PASSWORD";

fn runtime() -> Result<tokio::runtime::Runtime, RegistryError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| RegistryError::io("tokio runtime", e))
}

impl Target {
    pub fn master_key_path(&self) -> PathBuf {
        self.data_dir.join("keys").join("master.key")
    }

    /// Where `cairn admin rotate-key --master` keeps the new master key until the rotation is
    /// done (then it replaces `master.key`).
    pub fn pending_master_key_path(&self) -> PathBuf {
        self.data_dir.join("keys").join("master.key.new")
    }

    /// The new master key of an unfinished rotation, if any.
    fn pending_master(&self) -> Result<Option<MasterKey>, RegistryError> {
        let path = self.pending_master_key_path();
        if path.is_file() {
            Ok(Some(MasterKey::load_file(&path)?))
        } else {
            Ok(None)
        }
    }

    fn dir(&self) -> Result<DataDir, RegistryError> {
        Ok(DataDir::open_or_create(&self.data_dir)?)
    }

    async fn pool(&self) -> Result<RegistryPool, RegistryError> {
        Ok(match &self.database_url {
            Some(url) => RegistryPool::open_postgres(url).await?,
            None => RegistryPool::open_sqlite(&self.dir()?).await?,
        })
    }

    fn master(&self) -> Result<MasterKey, RegistryError> {
        let path = self.master_key_path();
        if std::env::var_os(MASTER_KEY_ENV).is_none() && !path.is_file() {
            return Err(RegistryError::Key {
                what: path.display().to_string(),
                message: format!(
                    "no master key here and {MASTER_KEY_ENV} is not set: run `cairn admin init` first"
                ),
            });
        }
        Ok(MasterKey::load(&path)?.0)
    }

    async fn registry(&self) -> Result<Registry, RegistryError> {
        let master = self.master()?;
        let pool = self.pool().await?;
        let pending = pool.known_migrations().len() > pool.applied_migrations().await?.len();
        if pending {
            return Err(RegistryError::invalid(
                "database",
                "schema out of date: run `cairn admin migrate`",
            ));
        }
        // During an unfinished master-key rotation some data keys are wrapped by the new key.
        match self.pending_master()? {
            Some(new) => Registry::open_with_masters(pool, &[&master, &new]).await,
            None => Registry::open(pool, &master).await,
        }
    }
}

#[derive(Debug, Clone)]
pub struct InitOptions {
    pub admin_username: String,
    pub admin_password: String,
    pub organisation: String,
    pub org_type: OrgType,
    pub country: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct InitReport {
    pub master_key: &'static str,
    pub migrations_applied: usize,
    /// None when an admin existed already (init is idempotent).
    pub admin_created: Option<String>,
}

/// `cairn admin init`: data directory, master key (0600 file unless given by environment),
/// schema, data keys, first organisation and admin.
pub fn init(target: &Target, opts: &InitOptions) -> Result<InitReport, RegistryError> {
    target.dir()?; // creates the data directory and its 0700 keys/ folder
    let path = target.master_key_path();
    let (master, source) = if std::env::var_os(MASTER_KEY_ENV).is_some() || path.is_file() {
        MasterKey::load(&path)?
    } else {
        (MasterKey::create_file(&path)?, MasterKeySource::File)
    };
    runtime()?.block_on(async {
        let pool = target.pool().await?;
        let before = pool.applied_migrations().await?.len();
        let reg = Registry::init(pool, &master).await?;
        let migrations_applied = reg.pool().applied_migrations().await?.len().saturating_sub(before);
        let admins: (i64,) = crate::db::on_pool!(reg.pool(), p => sqlx::query_as("SELECT COUNT(*) FROM app_user WHERE role = 'admin'").fetch_one(p).await?);
        let admin_created = if admins.0 == 0 {
            let sys = system_actor();
            let org = match reg.organisation_by_name(&opts.organisation).await? {
                Some(id) => id,
                None => reg.create_organisation(&sys, &opts.organisation, opts.org_type, &opts.country, None).await?,
            };
            Some(reg.create_user(&sys, &opts.admin_username, &opts.admin_password, &org, Role::Admin).await?)
        } else {
            None
        };
        Ok(InitReport {
            master_key: match source {
                MasterKeySource::Environment => "environment",
                MasterKeySource::File => "file",
            },
            migrations_applied,
            admin_created,
        })
    })
}

/// `cairn admin migrate`: applies pending migrations; returns (applied now, all applied).
pub fn migrate(target: &Target) -> Result<(usize, Vec<AppliedMigration>), RegistryError> {
    runtime()?.block_on(async {
        let pool = target.pool().await?;
        let n = pool.migrate().await?;
        Ok((n, pool.applied_migrations().await?))
    })
}

#[derive(Debug, Clone)]
pub struct NewUserOptions {
    pub username: String,
    pub password: String,
    pub organisation: String,
    /// Used when the organisation does not exist yet.
    pub org_type: Option<OrgType>,
    pub country: Option<String>,
    pub role: Role,
}

/// `cairn admin user add`, by a logged-in admin.
pub fn user_add(
    target: &Target,
    login: &Login,
    new: &NewUserOptions,
) -> Result<String, RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let admin = reg.authenticate(&login.username, &login.password).await?;
        let org = match reg.organisation_by_name(&new.organisation).await? {
            Some(id) => id,
            None => {
                let (Some(t), Some(c)) = (new.org_type, new.country.as_deref()) else {
                    return Err(RegistryError::invalid(
                        &new.organisation,
                        "unknown organisation: give --org-type and --country to create it",
                    ));
                };
                if admin.role != Role::Admin {
                    return Err(RegistryError::Forbidden {
                        what: "organisation.create".into(),
                        role: admin.role.to_string(),
                    });
                }
                reg.create_organisation(&admin, &new.organisation, t, c, None)
                    .await?
            }
        };
        reg.create_user(&admin, &new.username, &new.password, &org, new.role)
            .await
    })
}

/// `cairn audit verify`.
pub fn audit_verify(target: &Target) -> Result<VerifyReport, RegistryError> {
    runtime()?.block_on(async { audit::verify(&target.pool().await?).await })
}

/// `cairn audit export`: JSON Lines to `out`; returns the count.
pub fn audit_export(target: &Target, out: &mut dyn std::io::Write) -> Result<u64, RegistryError> {
    runtime()?.block_on(async { audit::export_jsonl(&target.pool().await?, out).await })
}

async fn login(reg: &Registry, login: &Login) -> Result<Actor, RegistryError> {
    reg.authenticate(&login.username, &login.password).await
}

/// `cairn import htcds FILE`.
pub fn import_htcds(
    target: &Target,
    who: &Login,
    file: &Path,
    rejects: &Path,
) -> Result<ImportReport, RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        htcds::import_file(&reg, &actor, file, rejects).await
    })
}

#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub purpose: Purpose,
    pub recipient_organisation: Option<String>,
    pub categories: Vec<DataCategory>,
    pub legal_basis: Option<LegalBasis>,
}

/// `cairn export htcds`: consent enforced per person; refusals audited.
pub fn export_htcds(
    target: &Target,
    who: &Login,
    opts: &ExportOptions,
    out: &mut dyn std::io::Write,
) -> Result<ExportReport, RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        let recipient = match &opts.recipient_organisation {
            Some(name) => Some(reg.organisation_by_name(name).await?.ok_or_else(|| {
                RegistryError::NotFound {
                    what: format!("organisation {name:?}"),
                }
            })?),
            None => None,
        };
        htcds::export(
            &reg,
            &actor,
            opts.purpose,
            recipient.as_deref(),
            &opts.categories,
            opts.legal_basis.as_ref(),
            out,
        )
        .await
    })
}

/// `cairn case show ID`: a case and its person, audited.
pub fn case_show(
    target: &Target,
    who: &Login,
    person_id: &str,
) -> Result<serde_json::Value, RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        let person = reg.get_person(&actor, person_id, Purpose::Care).await?;
        let cases = reg.cases_of(person_id).await?;
        Ok(serde_json::json!({"person": person, "cases": cases}))
    })
}

/// `cairn case find`: exact lookup by name, birth date or phone through the blind index.
pub fn case_find(
    target: &Target,
    who: &Login,
    field: crate::blind::IndexField,
    value: &str,
) -> Result<Vec<String>, RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        reg.find_persons(&actor, field, value).await
    })
}

/// `cairn case status CASE STATUS`.
pub fn case_status(
    target: &Target,
    who: &Login,
    case_id: &str,
    status: crate::model::CaseStatus,
    reason: Option<&str>,
) -> Result<(), RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        reg.set_case_status(&actor, case_id, status, reason).await
    })
}

/// `cairn case screen CASE`: scores the answers with the built-in questionnaire and stores the
/// screening (unconfirmed).
pub fn case_screen(
    target: &Target,
    who: &Login,
    case_id: &str,
    answers: &std::collections::BTreeMap<String, crate::model::Answer>,
) -> Result<(String, crate::screening::ScreeningResult), RegistryError> {
    let questionnaire = crate::screening::Questionnaire::builtin()?;
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        reg.record_screening(&actor, case_id, &questionnaire, answers)
            .await
    })
}

/// `cairn case confirm-screening ID`.
pub fn case_confirm_screening(
    target: &Target,
    who: &Login,
    screening_id: &str,
    level: Option<crate::model::ScreeningLevel>,
    note: Option<&str>,
) -> Result<crate::model::ScreeningLevel, RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        reg.confirm_screening(&actor, screening_id, level, note)
            .await
    })
}

/// `cairn case screenings CASE`.
pub fn case_screenings(
    target: &Target,
    who: &Login,
    case_id: &str,
) -> Result<Vec<crate::screening::ScreeningView>, RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        reg.screenings_of(&actor, case_id).await
    })
}

/// Resolves an organisation given by name or id.
async fn organisation_id(reg: &Registry, name_or_id: &str) -> Result<String, RegistryError> {
    if let Some(id) = reg.organisation_by_name(name_or_id).await? {
        return Ok(id);
    }
    let known: Option<(String,)> = crate::db::on_pool!(reg.pool(), p => sqlx::query_as("SELECT id FROM organisation WHERE id = $1").bind(name_or_id).fetch_optional(p).await?);
    known.map(|k| k.0).ok_or_else(|| RegistryError::NotFound {
        what: format!("organisation {name_or_id:?}"),
    })
}

/// What `cairn case refer` sends.
#[derive(Debug, Clone)]
pub struct ReferOptions {
    pub case_id: String,
    /// Organisation name or id.
    pub to: String,
    pub reason: String,
    pub workflow: crate::workflow::Workflow,
    /// The no-consent route of the workflow for a child's referral to child protection.
    pub child: bool,
    pub legal_basis: Option<LegalBasis>,
}

/// `cairn case refer CASE --to ORG`: with `child`, the workflow's no-consent route for a child;
/// otherwise consent (or a legal basis) is checked. The referral is put under the workflow's
/// deadlines either way.
pub fn case_refer(
    target: &Target,
    who: &Login,
    opts: &ReferOptions,
) -> Result<crate::workflow::ReferralDeadlines, RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        let to = organisation_id(&reg, &opts.to).await?;
        let id = if opts.child {
            reg.send_child_referral(&actor, &opts.case_id, &to, &opts.reason, &opts.workflow)
                .await?
        } else {
            let id = reg
                .send_referral(
                    &actor,
                    &opts.case_id,
                    &to,
                    &opts.reason,
                    opts.legal_basis.as_ref(),
                )
                .await?;
            reg.track_referral(&actor, &id, &opts.workflow).await?;
            id
        };
        reg.referral_deadlines(&id).await
    })
}

/// `cairn case grounds REFERRAL`: records a reasonable- or conclusive-grounds decision.
pub fn case_grounds(
    target: &Target,
    who: &Login,
    referral_id: &str,
    workflow: &crate::workflow::Workflow,
    grounds: crate::workflow::Grounds,
    positive: bool,
    on: time::Date,
) -> Result<crate::workflow::ReferralDeadlines, RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        reg.record_grounds(&actor, referral_id, workflow, grounds, positive, on)
            .await
    })
}

/// `cairn case overdue`: decisions past due on `today`.
pub fn case_overdue(
    target: &Target,
    who: &Login,
    today: time::Date,
) -> Result<Vec<crate::workflow::Overdue>, RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        reg.overdue_referrals(&actor, today).await
    })
}

/// Runs one registry operation as a logged-in user, on its own runtime: the generic entry point
/// for the smaller `cairn` subcommands (services, statements, notes).
pub fn run_as<T>(
    target: &Target,
    who: &Login,
    op: impl AsyncFnOnce(&Registry, &Actor) -> Result<T, RegistryError>,
) -> Result<T, RegistryError> {
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        op(&reg, &actor).await
    })
}

/// What `cairn admin rotate-key` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RotateReport {
    /// The data key version created by this run; None when it resumed an unfinished rotation.
    pub created_version: Option<u32>,
    pub active_version: u32,
    pub resealed: u64,
    pub remaining: u64,
}

/// `cairn admin rotate-key`: creates a new data key version, unless a rotation is unfinished (rows
/// still under an older key), in which case it resumes it; then re-seals batch by batch, calling
/// `progress(done so far, total)` after each batch. Safe to interrupt and re-run.
pub fn rotate_key(
    target: &Target,
    who: &Login,
    batch: u32,
    mut progress: impl FnMut(u64, u64),
) -> Result<RotateReport, RegistryError> {
    let master = target.master()?;
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        let (reg, created_version) = if reg.rotation_remaining().await? == 0 {
            let v = reg.create_data_key(&actor, &master).await?;
            (Registry::open(reg.pool().clone(), &master).await?, Some(v))
        } else {
            (reg, None)
        };
        let total = reg.rotation_remaining().await?;
        let mut resealed = 0;
        progress(0, total);
        loop {
            let p = reg.reseal_batch(&actor, batch).await?;
            resealed += p.done;
            progress(resealed, total.max(resealed + p.remaining));
            if p.remaining == 0 || p.done == 0 {
                return Ok(RotateReport {
                    created_version,
                    active_version: p.active_version,
                    resealed,
                    remaining: p.remaining,
                });
            }
        }
    })
}

/// `cairn admin rotate-key --index`: creates a new blind-index key version, unless a rotation is
/// unfinished, in which case it resumes it; then re-indexes batch by batch, calling
/// `progress(done so far, total)` after each batch. Safe to interrupt and re-run; lookups find
/// everyone throughout. `max_batches` stops early (tests of an interrupted rotation).
pub fn rotate_index_key(
    target: &Target,
    who: &Login,
    batch: u32,
    max_batches: Option<u64>,
    mut progress: impl FnMut(u64, u64),
) -> Result<RotateReport, RegistryError> {
    let master = target.master()?;
    runtime()?.block_on(async {
        let reg = target.registry().await?;
        let actor = login(&reg, who).await?;
        let (reg, created_version) = if reg.index_rotation_remaining().await? == 0 {
            let v = reg.create_index_key(&actor, &master).await?;
            (target.registry().await?, Some(v))
        } else {
            (reg, None)
        };
        let total = reg.index_rotation_remaining().await?;
        let mut done = 0;
        let mut batches = 0u64;
        progress(0, total);
        loop {
            let p = reg.reindex_batch(&actor, batch).await?;
            done += p.done;
            batches += 1;
            progress(done, total.max(done + p.remaining));
            if p.remaining == 0 || p.done == 0 || max_batches.is_some_and(|m| batches >= m) {
                return Ok(RotateReport {
                    created_version,
                    active_version: p.index_version,
                    resealed: done,
                    remaining: p.remaining,
                });
            }
        }
    })
}

/// Where the new master key of `cairn admin rotate-key --master` comes from.
#[derive(Debug, Clone)]
pub enum NewMaster {
    /// A file (base64, mode 0600).
    File(PathBuf),
    /// The environment variable [`NEW_MASTER_KEY_ENV`].
    Environment,
    /// The pending key of an unfinished rotation, or else a new random one written to
    /// `keys/master.key.new`.
    Generate,
}

pub const NEW_MASTER_KEY_ENV: &str = "CAIRN_NEW_MASTER_KEY";

/// What `cairn admin rotate-key --master` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MasterRotateReport {
    pub rewrapped: u64,
    pub remaining: u64,
    /// Where the new master key is now: `keys/master.key` when the old one came from that file,
    /// else the operator must give it by environment from now on.
    pub installed: Option<PathBuf>,
    /// True when the old key came from the environment: set `CAIRN_MASTER_KEY` to the new key.
    pub set_environment: bool,
}

/// `cairn admin rotate-key --master`: re-wraps every data key with a new master key. The old
/// master key stays in use until every data key is re-wrapped; then, if it came from
/// `keys/master.key`, the new key replaces that file (atomic rename). Interrupted, the registry
/// opens with both keys, and a re-run (same new key, or the pending `keys/master.key.new`) resumes.
/// `max_keys` stops early (tests of an interrupted rotation).
pub fn rotate_master_key(
    target: &Target,
    who: &Login,
    new: &NewMaster,
    max_keys: Option<u32>,
) -> Result<MasterRotateReport, RegistryError> {
    target.dir()?;
    let path = target.master_key_path();
    let (old, source) = MasterKey::load(&path)?;
    let pending_path = target.pending_master_key_path();
    let pending = target.pending_master()?;
    let new_key = match new {
        NewMaster::File(f) => MasterKey::load_file(f)?,
        NewMaster::Environment => {
            let text = std::env::var(NEW_MASTER_KEY_ENV).map_err(|_| RegistryError::Key {
                what: NEW_MASTER_KEY_ENV.into(),
                message: "not set".into(),
            })?;
            MasterKey::from_base64(&text, NEW_MASTER_KEY_ENV)?
        }
        NewMaster::Generate => match &pending {
            Some(k) => k.clone(),
            None => MasterKey::create_file(&pending_path)?,
        },
    };
    if new_key.same_as(&old) {
        return Err(RegistryError::Key {
            what: "new master key".into(),
            message: "it is the current master key".into(),
        });
    }
    runtime()?.block_on(async {
        let pool = target.pool().await?;
        let mut masters = vec![&old, &new_key];
        if let Some(p) = &pending {
            masters.push(p);
        }
        let reg = Registry::open_with_masters(pool, &masters).await?;
        let actor = login(&reg, who).await?;
        let mut rewrapped = 0u64;
        let mut remaining = reg.master_rotation_remaining(&new_key).await?;
        while remaining > 0 {
            let left =
                max_keys.map(|m| m.saturating_sub(u32::try_from(rewrapped).unwrap_or(u32::MAX)));
            if left == Some(0) {
                break;
            }
            // Keys of an earlier interrupted rotation to another pending key open with that one.
            let mut from = vec![&old];
            if let Some(p) = &pending {
                from.push(p);
            }
            let progress = reg
                .rewrap_batch(&actor, &from, &new_key, left.unwrap_or(64).min(64))
                .await?;
            rewrapped += progress.done;
            remaining = progress.remaining;
            if progress.done == 0 {
                break;
            }
        }
        let mut installed = None;
        if remaining == 0 && source == MasterKeySource::File {
            // Every data key is wrapped by the new key: it replaces the old one on disk.
            if !pending.as_ref().is_some_and(|p| p.same_as(&new_key)) {
                if pending_path.exists() {
                    std::fs::remove_file(&pending_path)
                        .map_err(|e| RegistryError::io(&pending_path, e))?;
                }
                new_key.write_new_file(&pending_path)?;
            }
            std::fs::rename(&pending_path, &path).map_err(|e| RegistryError::io(&path, e))?;
            installed = Some(path.clone());
        }
        Ok(MasterRotateReport {
            rewrapped,
            remaining,
            installed,
            set_environment: source == MasterKeySource::Environment,
        })
    })
}

/// Opens the registry of `target` inside a running async runtime (for long-lived servers); the
/// schema must be up to date and the keys present, as for every other command.
pub async fn open_registry(target: &Target) -> Result<Registry, RegistryError> {
    target.registry().await
}
