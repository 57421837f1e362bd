//! Findings: what analysis says about a span of a record's text.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a finding is. The serialised names are part of the `cairn scan` JSON Lines contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Phone,
    Email,
    Url,
    Handle,
    Wallet,
    Iban,
    Price,
    Age,
    Place,
    Indicator,
}

impl FindingKind {
    pub const ALL: [FindingKind; 10] = [
        Self::Phone,
        Self::Email,
        Self::Url,
        Self::Handle,
        Self::Wallet,
        Self::Iban,
        Self::Price,
        Self::Age,
        Self::Place,
        Self::Indicator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Url => "url",
            Self::Handle => "handle",
            Self::Wallet => "wallet",
            Self::Iban => "iban",
            Self::Price => "price",
            Self::Age => "age",
            Self::Place => "place",
            Self::Indicator => "indicator",
        }
    }

    /// Selectors that identify a person or account and may link records (see the link issue);
    /// price, age, place, URL and indicators never link on their own.
    pub fn is_strong_selector(self) -> bool {
        matches!(
            self,
            Self::Phone | Self::Email | Self::Handle | Self::Wallet | Self::Iban
        )
    }
}

/// Categories of indicators, a fixed machine enum (the lexicon may not invent new ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorCategory {
    Youth,
    NewInTown,
    Touring,
    ThirdParty,
    RestrictedFreedom,
    IncallOutcall,
    HotelShortstay,
    AlwaysAvailable,
    Runaway,
    RecruitmentOffer,
    DrugsParty,
    ForeignOrigin,
    EmojiCode,
}

impl IndicatorCategory {
    pub const ALL: [IndicatorCategory; 13] = [
        Self::Youth,
        Self::NewInTown,
        Self::Touring,
        Self::ThirdParty,
        Self::RestrictedFreedom,
        Self::IncallOutcall,
        Self::HotelShortstay,
        Self::AlwaysAvailable,
        Self::Runaway,
        Self::RecruitmentOffer,
        Self::DrugsParty,
        Self::ForeignOrigin,
        Self::EmojiCode,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Youth => "youth",
            Self::NewInTown => "new_in_town",
            Self::Touring => "touring",
            Self::ThirdParty => "third_party",
            Self::RestrictedFreedom => "restricted_freedom",
            Self::IncallOutcall => "incall_outcall",
            Self::HotelShortstay => "hotel_shortstay",
            Self::AlwaysAvailable => "always_available",
            Self::Runaway => "runaway",
            Self::RecruitmentOffer => "recruitment_offer",
            Self::DrugsParty => "drugs_party",
            Self::ForeignOrigin => "foreign_origin",
            Self::EmojiCode => "emoji_code",
        }
    }
}

/// A name that matches no variant of a fixed enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`")]
pub struct UnknownVariant {
    pub what: &'static str,
    pub value: String,
}

impl FromStr for FindingKind {
    type Err = UnknownVariant;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownVariant {
                what: "finding kind",
                value: s.to_owned(),
            })
    }
}

impl FromStr for IndicatorCategory {
    type Err = UnknownVariant;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownVariant {
                what: "indicator category",
                value: s.to_owned(),
            })
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for IndicatorCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding in a record's text. `start..end` are byte offsets into [`crate::Record::text`] and
/// `evidence` is exactly `text[start..end]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// Normalised value: E.164 phone, lowercase e-mail, `platform:handle`, compact IBAN, ...
    pub value: String,
    pub start: usize,
    pub end: usize,
    pub evidence: String,
    /// The rule that produced it, `id@version` (for indicators: lexicon entry and lexicon version).
    pub rule: String,
    /// Only on indicators.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub category: Option<IndicatorCategory>,
    /// Kind-specific details (platform, country, currency, amount, unit, GeoNames id, weight...).
    /// Serialised as extra fields next to the contract fields.
    #[serde(flatten, default)]
    pub detail: serde_json::Map<String, serde_json::Value>,
}

impl Finding {
    /// A finding whose evidence is `text[start..end]`. Returns `None` when the span is not on
    /// character boundaries of `text`, so a bad span can never produce a wrong evidence string.
    pub fn from_span(
        kind: FindingKind,
        value: impl Into<String>,
        text: &str,
        start: usize,
        end: usize,
        rule: impl Into<String>,
    ) -> Option<Self> {
        let evidence = text.get(start..end)?.to_owned();
        Some(Self {
            kind,
            value: value.into(),
            start,
            end,
            evidence,
            rule: rule.into(),
            category: None,
            detail: serde_json::Map::new(),
        })
    }

    /// Adds a detail field (builder style).
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        if self.detail.is_empty() {
            // Findings with details have two to four (a place: name, country, lat, lon): room for
            // four at once instead of growing the map and rehashing it on the fourth.
            self.detail = serde_json::Map::with_capacity(4);
        }
        self.detail.insert(key.to_owned(), value.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_categories_round_trip_through_their_names() {
        for k in FindingKind::ALL {
            assert_eq!(k.as_str().parse::<FindingKind>(), Ok(k));
            assert_eq!(
                serde_json::to_value(k).ok(),
                Some(serde_json::json!(k.as_str()))
            );
        }
        for c in IndicatorCategory::ALL {
            assert_eq!(c.as_str().parse::<IndicatorCategory>(), Ok(c));
            assert_eq!(
                serde_json::to_value(c).ok(),
                Some(serde_json::json!(c.as_str()))
            );
        }
        assert!("prostitution".parse::<IndicatorCategory>().is_err());
    }

    #[test]
    fn span_must_fall_on_char_boundaries() {
        let text = "tél 06 12";
        assert!(Finding::from_span(FindingKind::Phone, "x", text, 2, 4, "phone@1").is_none());
        let f = Finding::from_span(FindingKind::Phone, "x", text, 5, 10, "phone@1");
        assert_eq!(f.map(|f| f.evidence), Some("06 12".to_owned()));
    }

    #[test]
    fn details_serialise_as_extra_fields() {
        let f = Finding::from_span(
            FindingKind::Handle,
            "instagram:ana",
            "@ana",
            0,
            4,
            "handle@1",
        )
        .map(|f| f.with("platform", "instagram"));
        let v = serde_json::to_value(f).unwrap_or_default();
        assert_eq!(v["platform"], "instagram");
        assert_eq!(v["kind"], "handle");
        assert!(v.get("category").is_none());
    }
}
