//! The duty roster of the bridge: periods during which a child-protection organisation is on duty
//! for the signals raised in a country, or in one region of it. [`Registry::on_duty_organisation`]
//! reads the roster first (the period covering now, the raising organisation's region before the
//! country-wide one) and falls back to the standing rule when no period covers now.
//!
//! Periods of the same country and region never overlap: the check and the insert run in one
//! transaction that holds the write lock (SQLite `BEGIN IMMEDIATE`, a table lock on PostgreSQL).
//! Ending a period keeps its row, so the roster is its own history; every change is audited.

use crate::RegistryError;
use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::crypto::random_id;
use crate::db::{Tx, now, on_pool, on_tx};
use crate::model::Role;
use crate::registry::{Registry, check_country};
use serde::Serialize;
use time::OffsetDateTime;

/// Most characters of a region name.
pub const MAX_REGION_CHARS: usize = 200;

/// How roster times are stored: UTC to the second, so that they compare as text.
const STORED: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// A roster time as stored (UTC, to the second).
pub fn stored_time(t: OffsetDateTime) -> Result<String, RegistryError> {
    t.to_offset(time::UtcOffset::UTC)
        .format(STORED)
        .map_err(|e| RegistryError::invalid("duty period time", e.to_string()))
}

fn now_stored() -> Result<String, RegistryError> {
    stored_time(OffsetDateTime::now_utc())
}

/// One period of the roster, with the organisation's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutyPeriod {
    pub id: String,
    pub organisation_id: String,
    pub organisation: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// None: the whole country.
    pub region: Option<String>,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub starts_at: String,
    /// None: until ended.
    pub ends_at: Option<String>,
}

impl DutyPeriod {
    /// Whether the period covers `at` (a stored time).
    pub fn covers(&self, at: &str) -> bool {
        self.starts_at.as_str() <= at && self.ends_at.as_deref().is_none_or(|end| at < end)
    }

    /// Whether the period can still be ended (it has not ended yet).
    pub fn open_at(&self, at: &str) -> bool {
        self.ends_at.as_deref().is_none_or(|end| at < end)
    }
}

/// A period to add.
#[derive(Debug, Clone)]
pub struct NewDutyPeriod<'a> {
    pub organisation_id: &'a str,
    pub country: &'a str,
    pub region: Option<&'a str>,
    pub starts_at: OffsetDateTime,
    pub ends_at: Option<OffsetDateTime>,
}

/// Admins keep the roster of every country; coordinators that of their organisation's country.
fn may_manage(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Coordinator | Role::System)
}

fn forbidden(what: &str, actor: &Actor) -> RegistryError {
    RegistryError::Forbidden {
        what: what.into(),
        role: actor.role.to_string(),
    }
}

type PeriodRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
);

fn period_of(r: PeriodRow) -> DutyPeriod {
    DutyPeriod {
        id: r.0,
        organisation_id: r.1,
        organisation: r.2,
        country: r.3,
        region: r.4,
        starts_at: r.5,
        ends_at: r.6,
    }
}

macro_rules! select_period {
    ($rest:literal) => {
        concat!(
            "SELECT d.id, d.organisation_id, o.name, d.country, d.region, d.starts_at, d.ends_at ",
            "FROM duty_period d JOIN organisation o ON o.id = d.organisation_id ",
            $rest
        )
    };
}

/// Whether `[a_start, a_end)` and `[b_start, b_end)` share an instant (None: open-ended). An
/// empty period (a cancelled one ends where it starts) shares none.
pub fn overlaps(a_start: &str, a_end: Option<&str>, b_start: &str, b_end: Option<&str>) -> bool {
    let empty = |start: &str, end: Option<&str>| end.is_some_and(|e| e <= start);
    !empty(a_start, a_end)
        && !empty(b_start, b_end)
        && b_end.is_none_or(|e| a_start < e)
        && a_end.is_none_or(|e| b_start < e)
}

impl Registry {
    /// The organisation a coordinator may keep the roster for: their own country only.
    async fn check_roster_scope(
        &self,
        actor: &Actor,
        what: &str,
        country: &str,
    ) -> Result<(), RegistryError> {
        if !may_manage(actor.role) {
            return Err(forbidden(what, actor));
        }
        if actor.role == Role::Coordinator {
            let own: Option<(String,)> = on_pool!(self.pool(), p => sqlx::query_as(
                "SELECT country FROM organisation WHERE id = $1")
                .bind(&actor.organisation_id).fetch_optional(p).await?);
            if own.is_none_or(|(c,)| c != country) {
                return Err(RegistryError::Refused {
                    what: what.into(),
                    reason: format!(
                        "a coordinator keeps the roster of their organisation's country, not {country}"
                    ),
                });
            }
        }
        Ok(())
    }

    /// Adds a period to the roster: the organisation must be child protection, `starts_at` before
    /// `ends_at`, and no other period of the same country and region may share an instant with it.
    pub async fn add_duty_period(
        &self,
        actor: &Actor,
        new: &NewDutyPeriod<'_>,
    ) -> Result<String, RegistryError> {
        check_country(new.country, "duty period country")?;
        let region = new.region.map(str::trim).filter(|r| !r.is_empty());
        if region.is_some_and(|r| r.chars().count() > MAX_REGION_CHARS) {
            return Err(RegistryError::invalid(
                "duty period region",
                format!("longer than {MAX_REGION_CHARS} characters"),
            ));
        }
        self.check_roster_scope(actor, "duty.add", new.country)
            .await?;
        let starts_at = stored_time(new.starts_at)?;
        let ends_at = new.ends_at.map(stored_time).transpose()?;
        if ends_at
            .as_deref()
            .is_some_and(|end| end <= starts_at.as_str())
        {
            return Err(RegistryError::invalid(
                "duty period ends_at",
                "must be after starts_at",
            ));
        }
        let org: Option<(String,)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT org_type FROM organisation WHERE id = $1")
            .bind(new.organisation_id).fetch_optional(p).await?);
        match org {
            None => {
                return Err(RegistryError::NotFound {
                    what: format!("organisation {}", new.organisation_id),
                });
            }
            Some((t,)) if t != "child_protection" => {
                return Err(RegistryError::invalid(
                    "duty period organisation",
                    "is not a child-protection organisation",
                ));
            }
            Some(_) => {}
        }
        let id = random_id("duty")?;
        let mut tx = self.begin().await?;
        if let Tx::Postgres(t) = &mut tx {
            // SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs the lock for
            // the overlap check to hold until commit.
            sqlx::query("LOCK TABLE duty_period IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut **t)
                .await?;
        }
        let same_place: Vec<(String, String, Option<String>)> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT id, starts_at, ends_at FROM duty_period WHERE country = $1 \
             AND ((region IS NULL AND $2 IS NULL) OR region = $2)")
            .bind(new.country).bind(region).fetch_all(&mut *c).await?);
        if let Some((other, ..)) = same_place
            .iter()
            .find(|(_, s, e)| overlaps(&starts_at, ends_at.as_deref(), s, e.as_deref()))
        {
            return Err(RegistryError::invalid(
                "duty period",
                format!("overlaps period {other} of the same country and region"),
            ));
        }
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO duty_period (id, organisation_id, country, region, starts_at, ends_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&id).bind(new.organisation_id).bind(new.country).bind(region)
            .bind(&starts_at).bind(&ends_at).bind(now()).execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "duty.add",
                object: &id,
                purpose: "duty roster",
                fields: &[
                    "organisation_id",
                    "country",
                    "region",
                    "starts_at",
                    "ends_at",
                ],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        tracing::info!(period = %id, "duty period added");
        Ok(id)
    }

    /// Ends a period now. One that has not started yet is cancelled (it ends where it starts);
    /// one already ended is refused.
    pub async fn end_duty_period(&self, actor: &Actor, id: &str) -> Result<(), RegistryError> {
        if !may_manage(actor.role) {
            return Err(forbidden("duty.end", actor));
        }
        let period = self
            .duty_period(id)
            .await?
            .ok_or_else(|| RegistryError::NotFound {
                what: format!("duty period {id}"),
            })?;
        self.check_roster_scope(actor, "duty.end", &period.country)
            .await?;
        let now = now_stored()?;
        if !period.open_at(&now) {
            return Err(RegistryError::invalid(
                "duty period",
                format!("{id} has already ended"),
            ));
        }
        let end = if period.starts_at > now {
            period.starts_at.clone()
        } else {
            now
        };
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE duty_period SET ends_at = $1 WHERE id = $2")
            .bind(&end).bind(id).execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "duty.end",
                object: id,
                purpose: "duty roster",
                fields: &["ends_at"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn duty_period(&self, id: &str) -> Result<Option<DutyPeriod>, RegistryError> {
        let row: Option<PeriodRow> = on_pool!(self.pool(), p => sqlx::query_as(select_period!("WHERE d.id = $1"))
            .bind(id).fetch_optional(p).await?);
        Ok(row.map(period_of))
    }

    /// The roster, for those who keep it: by country, region, then newest start first.
    pub async fn duty_periods(&self, actor: &Actor) -> Result<Vec<DutyPeriod>, RegistryError> {
        if !may_manage(actor.role) {
            return Err(forbidden("duty.list", actor));
        }
        let rows: Vec<PeriodRow> = on_pool!(self.pool(), p => sqlx::query_as(select_period!(
            "ORDER BY d.country, COALESCE(d.region, ''), d.starts_at DESC, d.id LIMIT 1000"))
            .fetch_all(p).await?);
        Ok(rows.into_iter().map(period_of).collect())
    }

    /// The roster's answer for signals raised by `from_organisation_id` now: the period covering
    /// now of its country and region, else the country-wide one. None when no period covers now.
    pub async fn rostered_organisation(
        &self,
        from_organisation_id: &str,
    ) -> Result<Option<(String, String)>, RegistryError> {
        let now = now_stored()?;
        let row: Option<(String, String)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT t.id, t.name FROM duty_period d \
             JOIN organisation f ON f.id = $1 \
             JOIN organisation t ON t.id = d.organisation_id \
             WHERE d.country = f.country AND (d.region IS NULL OR d.region = f.region) \
               AND d.starts_at <= $2 AND (d.ends_at IS NULL OR $2 < d.ends_at) \
               AND t.org_type = 'child_protection' AND t.id <> f.id \
             ORDER BY CASE WHEN d.region IS NULL THEN 1 ELSE 0 END, d.starts_at DESC, t.name LIMIT 1")
            .bind(from_organisation_id).bind(&now).fetch_optional(p).await?);
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stored_times_are_utc_to_the_second() {
        let t = OffsetDateTime::parse(
            "2026-03-01T10:15:30.75+02:00",
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert_eq!(stored_time(t).unwrap(), "2026-03-01T08:15:30Z");
    }

    #[test]
    fn overlap_of_half_open_periods() {
        let (a, b, c) = (
            "2026-01-01T00:00:00Z",
            "2026-02-01T00:00:00Z",
            "2026-03-01T00:00:00Z",
        );
        assert!(!overlaps(a, Some(b), b, Some(c)), "adjacent periods");
        assert!(overlaps(a, Some(c), b, None));
        assert!(overlaps(a, None, c, Some("2026-04-01T00:00:00Z")));
        assert!(!overlaps(b, Some(b), a, None), "an empty period");
    }

    proptest! {
        /// Text comparison of stored times agrees with the times themselves.
        #[test]
        fn stored_times_order_as_the_times(a in 0i64..4_000_000_000, b in 0i64..4_000_000_000) {
            let ta = OffsetDateTime::from_unix_timestamp(a).unwrap();
            let tb = OffsetDateTime::from_unix_timestamp(b).unwrap();
            prop_assert_eq!(stored_time(ta).unwrap().cmp(&stored_time(tb).unwrap()), ta.cmp(&tb));
        }

        /// Overlap is symmetric.
        #[test]
        fn overlap_is_symmetric(s in proptest::collection::vec(0u32..50, 4), open in any::<(bool, bool)>()) {
            let t = |n: u32| format!("2026-01-01T00:00:{n:02}Z");
            let (a0, a1) = (t(s[0].min(s[1])), t(s[0].max(s[1])));
            let (b0, b1) = (t(s[2].min(s[3])), t(s[2].max(s[3])));
            let ae = (!open.0).then_some(a1.as_str());
            let be = (!open.1).then_some(b1.as_str());
            prop_assert_eq!(overlaps(&a0, ae, &b0, be), overlaps(&b0, be, &a0, ae));
        }
    }
}
