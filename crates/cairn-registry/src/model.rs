//! The registry's vocabulary, aligned with HTCDS 2.0 (docs/htcds.md). Each enum is stored as its
//! snake_case name (case statuses keep the HTCDS spelling).

use serde::{Deserialize, Serialize};

/// Declares a closed vocabulary: stored and parsed by its string form.
macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name { $(#[serde(rename = $s)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::RegistryError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                $name::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(t)).ok_or_else(|| {
                    crate::RegistryError::invalid(
                        stringify!($name),
                        format!("{t:?} is not one of: {}", $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")),
                    )
                })
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary!(
    /// What a user may do is decided by role (see docs/registry.md for the matrix).
    Role {
        FirstResponder = "first_responder",
        CaseWorker = "case_worker",
        Coordinator = "coordinator",
        Analyst = "analyst",
        Statistician = "statistician",
        Admin = "admin",
        Auditor = "auditor",
        System = "system",
    }
);

vocabulary!(OrgType {
    Ngo = "ngo",
    ChildProtection = "child_protection",
    Police = "police",
    Justice = "justice",
    Health = "health",
    Education = "education",
    Shelter = "shelter",
});

vocabulary!(VictimStatus { Possible = "possible", Confirmed = "confirmed" });

vocabulary!(
    /// HTCDS cas_Status.
    CaseStatus {
        Active = "Active",
        FollowUp = "FollowUp",
        Closed = "Closed",
        ClosedReferred = "ClosedReferred",
    }
);

vocabulary!(EventKind { Recruitment = "recruitment", Transit = "transit", Exploitation = "exploitation" });

vocabulary!(
    /// Why data are processed or shared.
    Purpose {
        Care = "care",
        Referral = "referral",
        Police = "police",
        Research = "research",
        Statistics = "statistics",
    }
);

vocabulary!(
    /// Groups of fields a consent covers.
    DataCategory {
        Identity = "identity",
        Contact = "contact",
        Case = "case",
        Exploitation = "exploitation",
        Health = "health",
        Statement = "statement",
    }
);

vocabulary!(ConsentGiver {
    Person = "person",
    Parent = "parent",
    Guardian = "guardian",
    LegalRepresentative = "legal_representative",
});

vocabulary!(ReferralStatus {
    Sent = "sent",
    Received = "received",
    Accepted = "accepted",
    Declined = "declined",
    Closed = "closed",
});

vocabulary!(
    /// Grounds that allow a share without consent.
    LegalBasisKind {
        ChildProtectionDuty = "child_protection_duty",
        CourtOrder = "court_order",
    }
);

vocabulary!(
    /// HTCDS prs_Gender.
    Gender {
        Male = "Male",
        Female = "Female",
        Transgender = "Transgender",
        Other = "Other",
        Unknown = "Unknown",
    }
);

vocabulary!(
    /// HTCDS vic_TypeOfExploitation.
    ExploitationType {
        SexualExploitation = "Sexual exploitation",
        ForcedLabour = "Forced labour",
        DomesticServitude = "Domestic servitude",
        ForcedMarriage = "Forced marriage",
        ForcedCriminality = "Forced criminal activity",
        ForcedBegging = "Forced begging",
        OrganRemoval = "Organ removal",
        Other = "Other",
    }
);

vocabulary!(
    /// HTCDS vic_MethodOfRecruitment.
    RecruitmentMethod {
        JobOffer = "Job offer",
        Romance = "Romantic relationship",
        Family = "Family member",
        Friend = "Friend or acquaintance",
        Online = "Online contact",
        Abduction = "Abduction",
        Sold = "Sold by family",
        Other = "Other",
    }
);

vocabulary!(
    /// HTCDS vic_MethodsOfControl.
    ControlMethod {
        Debt = "Debt bondage",
        Threats = "Threats",
        PhysicalViolence = "Physical violence",
        SexualViolence = "Sexual violence",
        DocumentsWithheld = "Documents withheld",
        Isolation = "Isolation",
        Substances = "Psychoactive substances",
        RestrictedMovement = "Restricted movement",
        FalsePromises = "False promises",
        EmotionalManipulation = "Emotional manipulation",
        Other = "Other",
    }
);

vocabulary!(
    /// HTCDS vic_Vulnerabilities.
    Vulnerability {
        Minor = "Minor",
        Unaccompanied = "Unaccompanied minor",
        PlacementInCare = "In care placement",
        RunawayOrMissing = "Runaway or missing",
        Homelessness = "Homelessness",
        Poverty = "Economic hardship",
        IrregularStatus = "Irregular migration status",
        Disability = "Disability",
        SubstanceUse = "Substance use",
        FamilyViolence = "Family violence",
        PriorAbuse = "Prior abuse",
        Other = "Other",
    }
);

impl Role {
    /// Roles that may invoke a legal basis to share without consent (with a reason, audited).
    pub fn may_override_consent(self) -> bool {
        matches!(self, Role::CaseWorker | Role::Coordinator)
    }
    /// Roles that may read identifying fields at all.
    pub fn may_read_identity(self) -> bool {
        matches!(
            self,
            Role::FirstResponder | Role::CaseWorker | Role::Coordinator
        )
    }
}

vocabulary!(
    /// Result of a screening, in increasing order of concern.
    ScreeningLevel {
        NoConcern = "no_concern",
        Concern = "concern",
        HighConcern = "high_concern",
        ImmediateDanger = "immediate_danger",
    }
);

vocabulary!(
    /// An answer to one screening question; `unknown` counts as no and is listed to ask again.
    Answer { Yes = "yes", No = "no", Unknown = "unknown" }
);

vocabulary!(
    /// Languages of the data files (questionnaire, actions).
    Lang { En = "en", Fr = "fr" }
);
