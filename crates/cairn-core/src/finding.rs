//! Findings: what analysis says about a span of a record's text.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
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
    pub detail: Details,
}

/// Kind-specific details of a finding, in the order they were added: a small list, since a
/// finding has at most a handful and their names are fixed in code (no allocation per name; a
/// JSON map per finding was a tenth of the scan's allocations). Serialised as a JSON object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Details(Vec<(Cow<'static, str>, serde_json::Value)>);

impl Details {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The value of detail `key`.
    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets detail `key` (replacing its value if it is there, keeping its place).
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: serde_json::Value) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => {
                if self.0.is_empty() {
                    // Findings with details have two to four (a place: name, country, lat, lon).
                    self.0.reserve_exact(4);
                }
                self.0.push((key, value));
            }
        }
    }

    /// The details in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &serde_json::Value)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// The details as a JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.iter()
                .map(|(k, v)| (k.to_owned(), v.clone()))
                .collect(),
        )
    }
}

/// `details["key"]`: the value, or JSON `null` when there is none (as for a JSON value).
impl std::ops::Index<&str> for Details {
    type Output = serde_json::Value;
    fn index(&self, key: &str) -> &serde_json::Value {
        static NULL: serde_json::Value = serde_json::Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// From a JSON object, in its order (whatever map type serde_json is built with); a repeated
/// name keeps its last value.
impl<'de> Deserialize<'de> for Details {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = Details;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of finding details")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Details, A::Error> {
                let mut details = Details::new();
                while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
                    details.insert(k, v);
                }
                Ok(details)
            }
        }
        deserializer.deserialize_map(Entries)
    }
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
            detail: Details::new(),
        })
    }

    /// Adds a detail field (builder style).
    pub fn with(mut self, key: &'static str, value: impl Into<serde_json::Value>) -> Self {
        self.detail.insert(key, value.into());
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

    /// Details keep their order, a repeated name replaces the value in place, and a finding
    /// with details goes through JSON and back unchanged (details as extra fields).
    #[test]
    fn details_keep_order_and_round_trip_through_json() -> Result<(), serde_json::Error> {
        let text = "Lola, Frankfurt am Main";
        let mut f = Finding::from_span(FindingKind::Place, "2925533", text, 6, text.len(), "g@1")
            .expect("span on boundaries")
            .with("name", "Frankfurt am Main")
            .with("country", "DE")
            .with("lat", 50.11)
            .with("country", "XX");
        f.detail
            .insert(String::from("owned"), serde_json::Value::Bool(true));
        let keys: Vec<&str> = f.detail.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["name", "country", "lat", "owned"]);
        assert_eq!(f.detail["country"], "XX");
        assert_eq!(f.detail["missing"], serde_json::Value::Null);
        assert_eq!(f.detail.len(), 4);
        let json = serde_json::to_string(&f)?;
        assert!(
            json.ends_with(
                r#""name":"Frankfurt am Main","country":"XX","lat":50.11,"owned":true}"#
            ),
            "{json}"
        );
        let back: Finding = serde_json::from_str(&json)?;
        assert_eq!(back, f);
        assert_eq!(f.detail.to_json()["lat"], 50.11);
        Ok(())
    }
}
