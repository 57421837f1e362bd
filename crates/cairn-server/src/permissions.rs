//! The roles × actions matrix, read from `data/permissions.toml` (bundled in the binary).

use crate::AppError;
use cairn_registry::model::Role;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

pub const BUNDLED: &str = include_str!("../data/permissions.toml");

#[derive(Debug, Deserialize)]
struct File {
    version: u32,
    actions: BTreeMap<String, Vec<String>>,
    totp: TotpSection,
}

#[derive(Debug, Deserialize)]
struct TotpSection {
    required: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Permissions {
    pub version: u32,
    actions: BTreeMap<String, BTreeSet<Role>>,
    totp_required: BTreeSet<Role>,
}

fn roles(list: &[String], what: &str) -> Result<BTreeSet<Role>, AppError> {
    list.iter()
        .map(|r| {
            let role: Role = r.parse().map_err(|_| {
                AppError::Config(format!("permissions.toml {what}: unknown role {r:?}"))
            })?;
            if role == Role::System {
                return Err(AppError::Config(format!(
                    "permissions.toml {what}: system is not a user role"
                )));
            }
            Ok(role)
        })
        .collect()
}

impl Permissions {
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let file: File =
            toml::from_str(text).map_err(|e| AppError::Config(format!("permissions.toml: {e}")))?;
        let actions = file
            .actions
            .iter()
            .map(|(a, r)| Ok((a.clone(), roles(r, a)?)))
            .collect::<Result<_, AppError>>()?;
        Ok(Self {
            version: file.version,
            actions,
            totp_required: roles(&file.totp.required, "totp.required")?,
        })
    }

    pub fn bundled() -> Result<Self, AppError> {
        Self::parse(BUNDLED)
    }

    /// Whether `role` may do `action`. An action missing from the matrix is allowed to nobody.
    pub fn allows(&self, role: Role, action: &str) -> bool {
        self.actions.get(action).is_some_and(|r| r.contains(&role))
    }

    pub fn knows(&self, action: &str) -> bool {
        self.actions.contains_key(action)
    }

    pub fn actions(&self) -> impl Iterator<Item = &str> {
        self.actions.keys().map(String::as_str)
    }

    pub fn totp_required(&self, role: Role) -> bool {
        self.totp_required.contains(&role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_matrix_parses_and_keeps_the_rules_of_the_issue() {
        let p = Permissions::bundled().unwrap();
        // Statisticians see aggregates only, auditors the audit log, analysts no identity writes.
        assert!(!p.allows(Role::Statistician, "case.view"));
        assert!(!p.allows(Role::Auditor, "case.view"));
        assert!(p.allows(Role::Auditor, "audit.view"));
        assert!(!p.allows(Role::Admin, "audit.view"));
        assert!(!p.allows(Role::Analyst, "case.create"));
        assert!(!p.allows(Role::System, "dashboard.view"));
        // Every role that may read identifying fields needs a second factor.
        for r in Role::ALL {
            if r.may_read_identity() {
                assert!(p.totp_required(*r), "{r}");
            }
        }
        assert!(!p.allows(Role::CaseWorker, "no.such.action"));
    }

    #[test]
    fn unknown_roles_are_rejected() {
        let e = Permissions::parse(
            "version = 1\n[actions]\n\"a\" = [\"wizard\"]\n[totp]\nrequired = []\n",
        );
        assert!(matches!(e, Err(AppError::Config(m)) if m.contains("wizard")));
    }
}
