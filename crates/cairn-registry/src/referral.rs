//! Referrals between organisations: sent (consent or legal basis checked and audited), received,
//! accepted, declined with a reason, closed. Deadlines and national workflows are not here yet.

use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::consent::{Decision, LegalBasis};
use crate::crypto::random_id;
use crate::db::{now, on_pool, on_tx};
use crate::model::{DataCategory, Purpose, ReferralStatus};
use crate::{Registry, RegistryError};

/// Which status may follow which.
pub fn transition_allowed(from: ReferralStatus, to: ReferralStatus) -> bool {
    use ReferralStatus::*;
    matches!(
        (from, to),
        (Sent, Received)
            | (Sent, Declined)
            | (Received, Accepted)
            | (Received, Declined)
            | (Accepted, Closed)
    )
}

impl Registry {
    /// Sends a case to another organisation. Refused (and audited) unless the person's consent
    /// to be referred to that organisation, or a legal basis invoked by an allowed role, covers it.
    pub async fn send_referral(
        &self,
        actor: &Actor,
        case_id: &str,
        to_organisation_id: &str,
        reason: &str,
        legal_basis: Option<&LegalBasis>,
    ) -> Result<String, RegistryError> {
        let person: Option<(String,)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT person_id FROM case_file WHERE id = $1").bind(case_id).fetch_optional(p).await?);
        let Some((person_id,)) = person else {
            return Err(RegistryError::NotFound {
                what: format!("case {case_id}"),
            });
        };
        let decision = self
            .check_share(
                actor,
                &person_id,
                Purpose::Referral,
                Some(to_organisation_id),
                &[DataCategory::Identity, DataCategory::Case],
                legal_basis,
            )
            .await?;
        if let Decision::Refused { reason } = decision {
            return Err(RegistryError::Refused {
                what: format!("referral of case {case_id}"),
                reason: format!("{reason:?}"),
            });
        }
        let id = random_id("ref")?;
        let at = now();
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO referral (id, case_id, from_organisation_id, to_organisation_id, status, reason, decline_reason, sent_at, updated_at) VALUES ($1, $2, $3, $4, 'sent', $5, NULL, $6, $6)")
            .bind(&id).bind(case_id).bind(&actor.organisation_id).bind(to_organisation_id).bind(reason).bind(&at).execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "referral.send",
                object: &id,
                purpose: "referral",
                fields: &["case_id", "to_organisation_id", "reason"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves a referral on. The receiving organisation receives, accepts or declines (a decline
    /// needs a reason); either side closes an accepted referral.
    pub async fn update_referral(
        &self,
        actor: &Actor,
        referral_id: &str,
        to: ReferralStatus,
        decline_reason: Option<&str>,
    ) -> Result<(), RegistryError> {
        let row: Option<(String, String, String)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT status, from_organisation_id, to_organisation_id FROM referral WHERE id = $1").bind(referral_id).fetch_optional(p).await?);
        let Some((status, from_org, to_org)) = row else {
            return Err(RegistryError::NotFound {
                what: format!("referral {referral_id}"),
            });
        };
        let from: ReferralStatus = status.parse()?;
        let what = format!("referral {referral_id}");
        if !transition_allowed(from, to) {
            return Err(RegistryError::invalid(
                what,
                format!("cannot go from {from} to {to}"),
            ));
        }
        let receiving = actor.organisation_id == to_org;
        let sending = actor.organisation_id == from_org;
        let allowed = match to {
            ReferralStatus::Closed => receiving || sending,
            _ => receiving,
        };
        if !allowed {
            audit::append_alone(
                self.pool(),
                actor,
                &AuditEvent {
                    action: "referral.update",
                    object: referral_id,
                    purpose: "referral",
                    fields: &["status"],
                    outcome: Outcome::Denied,
                },
            )
            .await?;
            return Err(RegistryError::Forbidden {
                what,
                role: actor.role.to_string(),
            });
        }
        let reason = decline_reason.map(str::trim).filter(|r| !r.is_empty());
        if to == ReferralStatus::Declined && reason.is_none() {
            return Err(RegistryError::invalid(what, "a decline needs a reason"));
        }
        let mut tx = self.begin().await?;
        // The status in the WHERE clause makes a concurrent update of the same referral lose.
        let n = on_tx!(&mut tx, c => sqlx::query("UPDATE referral SET status = $1, decline_reason = COALESCE($2, decline_reason), updated_at = $3 WHERE id = $4 AND status = $5")
            .bind(to.as_str()).bind(reason).bind(now()).bind(referral_id).bind(from.as_str()).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(RegistryError::invalid(what, "changed meanwhile; reload"));
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "referral.update",
                object: referral_id,
                purpose: "referral",
                fields: &["status", "decline_reason"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await
    }

    /// A referral's status and decline reason.
    pub async fn referral_status(
        &self,
        referral_id: &str,
    ) -> Result<(ReferralStatus, Option<String>), RegistryError> {
        let row: Option<(String, Option<String>)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT status, decline_reason FROM referral WHERE id = $1").bind(referral_id).fetch_optional(p).await?);
        let (s, r) = row.ok_or_else(|| RegistryError::NotFound {
            what: format!("referral {referral_id}"),
        })?;
        Ok((s.parse()?, r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralStatus::*;

    #[test]
    fn transitions() {
        for (a, b, ok) in [
            (Sent, Received, true),
            (Received, Accepted, true),
            (Received, Declined, true),
            (Sent, Declined, true),
            (Accepted, Closed, true),
            (Sent, Accepted, false),
            (Declined, Accepted, false),
            (Closed, Sent, false),
            (Accepted, Declined, false),
        ] {
            assert_eq!(transition_allowed(a, b), ok, "{a} -> {b}");
        }
    }
}
