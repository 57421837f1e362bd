//! Whether a share or export is allowed: a pure function of the request, the person's consents
//! and the time. Every share and export calls [`decide`] and refuses without an `Allowed`.

use crate::model::{DataCategory, LegalBasisKind, Purpose, Role};
use serde::Serialize;
use time::OffsetDateTime;

/// One consent as stored (its history kept apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub id: String,
    pub purpose: Purpose,
    /// For a referral: the organisation the person agreed to be referred to.
    pub recipient_organisation_id: Option<String>,
    pub categories: Vec<DataCategory>,
    pub given_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub withdrawn_at: Option<OffsetDateTime>,
}

impl Consent {
    /// In force at `now`: given, not yet expired, not withdrawn.
    pub fn in_force(&self, now: OffsetDateTime) -> bool {
        self.given_at <= now
            && self.expires_at.is_none_or(|t| now < t)
            && self.withdrawn_at.is_none_or(|t| now < t)
    }
}

/// A legal ground invoked instead of consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalBasis {
    pub kind: LegalBasisKind,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct ShareRequest<'a> {
    pub purpose: Purpose,
    /// The receiving organisation (required for a referral).
    pub recipient_organisation_id: Option<&'a str>,
    pub categories: &'a [DataCategory],
    pub role: Role,
    pub legal_basis: Option<&'a LegalBasis>,
    pub now: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Decision {
    /// Covered by consent; the consents relied on.
    Allowed {
        consents: Vec<String>,
    },
    /// Not covered by consent but by a legal basis invoked by an allowed role with a reason.
    AllowedByLegalBasis {
        basis: LegalBasisKind,
        reason: String,
    },
    Refused {
        reason: Refusal,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Refusal {
    /// No category was asked for: nothing to decide on.
    NothingRequested,
    /// A referral names no recipient.
    NoRecipient,
    /// Some category is covered by no consent in force for this purpose (and recipient).
    NoConsent,
    /// A legal basis was invoked by a role that may not.
    RoleMayNotOverride,
    /// A legal basis was invoked without a reason.
    NoReason,
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Decision::Refused { .. })
    }
}

/// Decides one share. Consent is checked first; a legal basis only matters when consent does not
/// cover the request.
pub fn decide(request: &ShareRequest<'_>, consents: &[Consent]) -> Decision {
    if request.categories.is_empty() {
        return Decision::Refused {
            reason: Refusal::NothingRequested,
        };
    }
    if request.purpose == Purpose::Referral && request.recipient_organisation_id.is_none() {
        return Decision::Refused {
            reason: Refusal::NoRecipient,
        };
    }
    let usable: Vec<&Consent> = consents
        .iter()
        .filter(|c| c.purpose == request.purpose && c.in_force(request.now))
        .filter(|c| match request.purpose {
            Purpose::Referral => {
                c.recipient_organisation_id.as_deref() == request.recipient_organisation_id
            }
            _ => {
                c.recipient_organisation_id.is_none()
                    || c.recipient_organisation_id.as_deref() == request.recipient_organisation_id
            }
        })
        .collect();
    let mut relied = Vec::new();
    let covered = request.categories.iter().all(|cat| {
        match usable.iter().find(|c| c.categories.contains(cat)) {
            Some(c) => {
                if !relied.contains(&c.id) {
                    relied.push(c.id.clone());
                }
                true
            }
            None => false,
        }
    });
    if covered {
        return Decision::Allowed { consents: relied };
    }
    match request.legal_basis {
        None => Decision::Refused {
            reason: Refusal::NoConsent,
        },
        Some(_) if !request.role.may_override_consent() => Decision::Refused {
            reason: Refusal::RoleMayNotOverride,
        },
        Some(b) if b.reason.trim().is_empty() => Decision::Refused {
            reason: Refusal::NoReason,
        },
        Some(b) => Decision::AllowedByLegalBasis {
            basis: b.kind,
            reason: b.reason.trim().to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DataCategory::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

    fn c(id: &str, purpose: Purpose, to: Option<&str>, cats: &[DataCategory]) -> Consent {
        Consent {
            id: id.into(),
            purpose,
            recipient_organisation_id: to.map(Into::into),
            categories: cats.to_vec(),
            given_at: datetime!(2026-01-01 0:00 UTC),
            expires_at: None,
            withdrawn_at: None,
        }
    }

    struct Case {
        name: &'static str,
        purpose: Purpose,
        to: Option<&'static str>,
        cats: &'static [DataCategory],
        role: Role,
        basis: Option<(LegalBasisKind, &'static str)>,
        consents: Vec<Consent>,
        want: Result<Vec<&'static str>, Refusal>, // Ok(consents relied on), or the refusal
        by_basis: bool,
    }

    fn base(name: &'static str) -> Case {
        Case {
            name,
            purpose: Purpose::Statistics,
            to: None,
            cats: &[Case],
            role: Role::Statistician,
            basis: None,
            consents: vec![],
            want: Err(Refusal::NoConsent),
            by_basis: false,
        }
    }

    #[test]
    fn consent_rules_table() {
        let expired = Consent {
            expires_at: Some(datetime!(2026-05-01 0:00 UTC)),
            ..c("e", Purpose::Statistics, None, &[Case])
        };
        let future_expiry = Consent {
            expires_at: Some(datetime!(2027-01-01 0:00 UTC)),
            ..c("f", Purpose::Statistics, None, &[Case])
        };
        let withdrawn = Consent {
            withdrawn_at: Some(datetime!(2026-03-01 0:00 UTC)),
            ..c("w", Purpose::Statistics, None, &[Case])
        };
        let withdrawn_later = Consent {
            withdrawn_at: Some(datetime!(2026-07-01 0:00 UTC)),
            ..c("wl", Purpose::Statistics, None, &[Case])
        };
        let not_yet = Consent {
            given_at: datetime!(2026-07-01 0:00 UTC),
            ..c("n", Purpose::Statistics, None, &[Case])
        };
        let cases = vec![
            base("no consent at all"),
            Case {
                consents: vec![c("s", Purpose::Statistics, None, &[Case])],
                want: Ok(vec!["s"]),
                ..base("consent in force")
            },
            Case {
                consents: vec![expired],
                ..base("expired consent")
            },
            Case {
                consents: vec![future_expiry],
                want: Ok(vec!["f"]),
                ..base("expiry in the future")
            },
            Case {
                consents: vec![withdrawn],
                ..base("withdrawn consent")
            },
            Case {
                consents: vec![withdrawn_later],
                want: Ok(vec!["wl"]),
                ..base("withdrawal recorded for later")
            },
            Case {
                consents: vec![not_yet],
                ..base("consent given in the future")
            },
            Case {
                consents: vec![c("r", Purpose::Research, None, &[Case])],
                ..base("other purpose")
            },
            Case {
                cats: &[Case, Identity],
                consents: vec![c("s", Purpose::Statistics, None, &[Case])],
                ..base("category not covered")
            },
            Case {
                cats: &[Case, Identity],
                consents: vec![
                    c("a", Purpose::Statistics, None, &[Case]),
                    c("b", Purpose::Statistics, None, &[Identity]),
                ],
                want: Ok(vec!["a", "b"]),
                ..base("categories covered by two consents")
            },
            Case {
                cats: &[],
                consents: vec![c("s", Purpose::Statistics, None, &[Case])],
                want: Err(Refusal::NothingRequested),
                ..base("nothing requested")
            },
            Case {
                purpose: Purpose::Referral,
                to: None,
                consents: vec![c("r", Purpose::Referral, Some("org-a"), &[Case])],
                want: Err(Refusal::NoRecipient),
                ..base("referral without recipient")
            },
            Case {
                purpose: Purpose::Referral,
                to: Some("org-a"),
                consents: vec![c("r", Purpose::Referral, Some("org-a"), &[Case])],
                want: Ok(vec!["r"]),
                ..base("referral to the named organisation")
            },
            Case {
                purpose: Purpose::Referral,
                to: Some("org-b"),
                consents: vec![c("r", Purpose::Referral, Some("org-a"), &[Case])],
                ..base("referral to another organisation")
            },
            Case {
                purpose: Purpose::Police,
                to: Some("org-p"),
                consents: vec![c("p", Purpose::Police, None, &[Case])],
                want: Ok(vec!["p"]),
                ..base("police share, consent to any police")
            },
            Case {
                purpose: Purpose::Police,
                to: Some("org-p"),
                consents: vec![c("p", Purpose::Police, Some("org-q"), &[Case])],
                ..base("police share, consent to another force")
            },
            Case {
                basis: Some((LegalBasisKind::CourtOrder, "order 2026/17")),
                ..base("legal basis, role may not")
            }
            .with_want(Err(Refusal::RoleMayNotOverride)),
            Case {
                role: Role::CaseWorker,
                basis: Some((LegalBasisKind::ChildProtectionDuty, "  ")),
                want: Err(Refusal::NoReason),
                ..base("legal basis without reason")
            },
            Case {
                role: Role::CaseWorker,
                basis: Some((
                    LegalBasisKind::ChildProtectionDuty,
                    "danger reported 2026-05-30",
                )),
                want: Ok(vec![]),
                by_basis: true,
                ..base("legal basis, case worker, reason")
            },
            Case {
                role: Role::Coordinator,
                basis: Some((LegalBasisKind::CourtOrder, "order 2026/17")),
                want: Ok(vec![]),
                by_basis: true,
                ..base("legal basis, coordinator, reason")
            },
            Case {
                role: Role::Admin,
                basis: Some((LegalBasisKind::CourtOrder, "order")),
                want: Err(Refusal::RoleMayNotOverride),
                ..base("admin may not override")
            },
            Case {
                role: Role::CaseWorker,
                basis: Some((LegalBasisKind::CourtOrder, "order")),
                consents: vec![c("s", Purpose::Statistics, None, &[Case])],
                want: Ok(vec!["s"]),
                ..base("consent wins over legal basis")
            },
        ];
        for case in cases {
            let basis = case.basis.map(|(kind, reason)| LegalBasis {
                kind,
                reason: reason.into(),
            });
            let req = ShareRequest {
                purpose: case.purpose,
                recipient_organisation_id: case.to,
                categories: case.cats,
                role: case.role,
                legal_basis: basis.as_ref(),
                now: NOW,
            };
            let got = decide(&req, &case.consents);
            let expected = match (&case.want, case.by_basis) {
                (Ok(ids), false) => Decision::Allowed {
                    consents: ids.iter().map(|s| (*s).to_owned()).collect(),
                },
                (Ok(_), true) => {
                    let b = basis.clone().unwrap();
                    Decision::AllowedByLegalBasis {
                        basis: b.kind,
                        reason: b.reason.trim().to_owned(),
                    }
                }
                (Err(r), _) => Decision::Refused { reason: *r },
            };
            assert_eq!(got, expected, "case: {}", case.name);
        }
    }

    impl Case {
        fn with_want(self, want: Result<Vec<&'static str>, Refusal>) -> Self {
            Self { want, ..self }
        }
    }
}
