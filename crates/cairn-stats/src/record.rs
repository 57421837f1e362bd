//! What statistics know of a person: categories only. No name, no date of birth, no free text, no
//! id leaves the extraction; the age is held as its CTDC band.

use cairn_registry::model::{
    ControlMethod, ExploitationType, OrgType, RecruitmentMethod, ReferralStatus, ScreeningLevel,
    VictimStatus,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// CTDC `ageBroad` bands (CTDC codebook), age at registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AgeBand {
    A0to8,
    A9to17,
    A18to20,
    A21to23,
    A24to26,
    A27to29,
    A30to38,
    A39to47,
    A48Plus,
}

impl AgeBand {
    pub const ALL: [AgeBand; 9] = [
        AgeBand::A0to8,
        AgeBand::A9to17,
        AgeBand::A18to20,
        AgeBand::A21to23,
        AgeBand::A24to26,
        AgeBand::A27to29,
        AgeBand::A30to38,
        AgeBand::A39to47,
        AgeBand::A48Plus,
    ];

    pub fn of_age(years: u32) -> AgeBand {
        match years {
            0..=8 => AgeBand::A0to8,
            9..=17 => AgeBand::A9to17,
            18..=20 => AgeBand::A18to20,
            21..=23 => AgeBand::A21to23,
            24..=26 => AgeBand::A24to26,
            27..=29 => AgeBand::A27to29,
            30..=38 => AgeBand::A30to38,
            39..=47 => AgeBand::A39to47,
            _ => AgeBand::A48Plus,
        }
    }

    /// The label CTDC's datasets use (double hyphen).
    pub fn label(self) -> &'static str {
        match self {
            AgeBand::A0to8 => "0--8",
            AgeBand::A9to17 => "9--17",
            AgeBand::A18to20 => "18--20",
            AgeBand::A21to23 => "21--23",
            AgeBand::A24to26 => "24--26",
            AgeBand::A27to29 => "27--29",
            AgeBand::A30to38 => "30--38",
            AgeBand::A39to47 => "39--47",
            AgeBand::A48Plus => "48+",
        }
    }

    pub fn is_minor(self) -> bool {
        matches!(self, AgeBand::A0to8 | AgeBand::A9to17)
    }
}

/// Sex as Eurostat counts it; HTCDS genders other than female and male fall in the third group,
/// which also keeps rare categories from singling anyone out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Sex {
    Female,
    Male,
    OtherOrUnknown,
}

/// Citizenship relative to the reporting country (Eurostat `citizen`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum CitizenshipGroup {
    ReportingCountry,
    OtherEu,
    NonEu,
    Unknown,
}

/// EU member states (ISO 3166-1 alpha-2), EU27 since 2020.
pub const EU27: [&str; 27] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

impl CitizenshipGroup {
    pub fn of(nationality: Option<&str>, reporting_country: &str) -> Self {
        match nationality {
            None => CitizenshipGroup::Unknown,
            Some(n) if n == reporting_country => CitizenshipGroup::ReportingCountry,
            // Greece is "EL" in Eurostat codes, "GR" in ISO: accept both.
            Some(n) if EU27.contains(&n) || n == "EL" => CitizenshipGroup::OtherEu,
            Some(_) => CitizenshipGroup::NonEu,
        }
    }
}

/// CTDC `typeOfSex…` categories. The registry holds the sub-type as text; only these known values
/// are counted, anything else is "other or unspecified" (free text is never published).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SexExploitationType {
    Prostitution,
    Pornography,
    RemoteInteractiveServices,
    PrivateSexualServices,
    OtherOrUnspecified,
}

impl SexExploitationType {
    pub const ALL: [SexExploitationType; 5] = [
        SexExploitationType::Prostitution,
        SexExploitationType::Pornography,
        SexExploitationType::RemoteInteractiveServices,
        SexExploitationType::PrivateSexualServices,
        SexExploitationType::OtherOrUnspecified,
    ];

    /// Maps one `;`-separated item of vic_TypeOfSexExploitation to a category.
    pub fn classify(text: &str) -> SexExploitationType {
        let t: String = text
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        match t.as_str() {
            "prostitution" | "commercialsexualexploitation" | "csec" => Self::Prostitution,
            "pornography" | "csam" | "abusematerial" => Self::Pornography,
            "remoteinteractiveservices" | "livestreaming" | "webcam" => {
                Self::RemoteInteractiveServices
            }
            "privatesexualservices" => Self::PrivateSexualServices,
            _ => Self::OtherOrUnspecified,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Prostitution => "Prostitution",
            Self::Pornography => "Pornography",
            Self::RemoteInteractiveServices => "Remote interactive services",
            Self::PrivateSexualServices => "Private sexual services",
            Self::OtherOrUnspecified => "Other or unspecified",
        }
    }

    /// The CTDC column suffix (`typeOfSex<Suffix>`).
    pub fn ctdc(self) -> &'static str {
        match self {
            Self::Prostitution => "Prostitution",
            Self::Pornography => "Pornography",
            Self::RemoteInteractiveServices => "RemoteInteractiveServices",
            Self::PrivateSexualServices => "PrivateSexualServices",
            Self::OtherOrUnspecified => "Other",
        }
    }
}

/// A decision on a referral whose delay from sending is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Received,
    Accepted,
    Declined,
    ReasonableGrounds,
    ConclusiveGrounds,
}

impl Decision {
    pub const ALL: [Decision; 5] = [
        Decision::Received,
        Decision::Accepted,
        Decision::Declined,
        Decision::ReasonableGrounds,
        Decision::ConclusiveGrounds,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Received => "received",
            Decision::Accepted => "accepted",
            Decision::Declined => "declined",
            Decision::ReasonableGrounds => "reasonable_grounds",
            Decision::ConclusiveGrounds => "conclusive_grounds",
        }
    }
}

/// One referral of a counted person: its current status and the whole days from sending to each
/// decision reached, taken from the referral's status history (the audit log's `referral.update`
/// entries, exact to the second) and from its national-workflow decisions (dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralFact {
    pub status: ReferralStatus,
    pub days_to: BTreeMap<Decision, i64>,
}

/// One screening of a counted person: year, level (the confirmed one once a professional has
/// confirmed or corrected the flag) and the type of the screening organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningFact {
    pub year: Option<i32>,
    pub level: ScreeningLevel,
    pub confirmed: bool,
    pub org_type: Option<OrgType>,
}

/// One counted person, as statistics see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatRecord {
    /// Year of registration: the incoming referral date of the first case, else its opening.
    pub year: Option<i32>,
    pub status: VictimStatus,
    pub sex: Sex,
    pub age_band: Option<AgeBand>,
    /// ISO 3166-1 alpha-2 nationality.
    pub nationality: Option<String>,
    pub citizenship: CitizenshipGroup,
    pub exploitation: Vec<ExploitationType>,
    pub sexual_exploitation: Vec<SexExploitationType>,
    pub recruitment: Vec<RecruitmentMethod>,
    pub control: Vec<ControlMethod>,
    pub country_of_exploitation: Option<String>,
    pub referrals: Vec<ReferralFact>,
    pub screenings: Vec<ScreeningFact>,
}

impl StatRecord {
    pub fn majority(&self) -> Option<bool> {
        self.age_band.map(AgeBand::is_minor)
    }
}
