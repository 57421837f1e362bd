//! The signal table (`data/signals.json`): stages, weights, combination constants and the
//! explanations in English and French.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A stage of grooming (after O'Connell) or a family of signals outside the grooming sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Friendship,
    Relationship,
    RiskAssessment,
    Exclusivity,
    Sexual,
    Meeting,
    Coercion,
    Recruitment,
    Context,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Self::Friendship,
        Self::Relationship,
        Self::RiskAssessment,
        Self::Exclusivity,
        Self::Sexual,
        Self::Meeting,
        Self::Coercion,
        Self::Recruitment,
        Self::Context,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Friendship => "friendship",
            Self::Relationship => "relationship",
            Self::RiskAssessment => "risk_assessment",
            Self::Exclusivity => "exclusivity",
            Self::Sexual => "sexual",
            Self::Meeting => "meeting",
            Self::Coercion => "coercion",
            Self::Recruitment => "recruitment",
            Self::Context => "context",
        }
    }

    /// Position in the grooming sequence (friendship → meeting), `None` for the others.
    pub fn grooming_order(self) -> Option<usize> {
        match self {
            Self::Friendship => Some(0),
            Self::Relationship => Some(1),
            Self::RiskAssessment => Some(2),
            Self::Exclusivity => Some(3),
            Self::Sexual => Some(4),
            Self::Meeting => Some(5),
            _ => None,
        }
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Explanation texts, per language.
#[derive(Debug, Clone, Deserialize)]
pub struct Texts {
    pub en: String,
    pub fr: String,
}

impl Texts {
    /// The text in `lang` (`en` or `fr`), English otherwise.
    pub fn get(&self, lang: &str) -> &str {
        if lang.eq_ignore_ascii_case("fr") {
            &self.fr
        } else {
            &self.en
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SignalDef {
    pub id: String,
    pub stage: Stage,
    pub weight: f64,
    #[serde(flatten)]
    pub text: Texts,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Levels {
    pub low: f64,
    pub medium: f64,
    pub high: f64,
}

/// Constants of the conversation-level combination (see `docs/chat-check.md`).
#[derive(Debug, Clone, Deserialize)]
pub struct Combine {
    /// Each further message with the same signal adds this fraction of its weight...
    pub repeat_step: f64,
    /// ...up to this multiple of the weight.
    pub repeat_max: f64,
    /// A signal's evidence halves after this many messages without it.
    pub half_life_messages: f64,
    /// Added for each grooming stage reached beyond the first (scaled by how ordered they are).
    pub progression_step: f64,
    /// Sexual and meeting signals are multiplied by this when another author stated a minor age.
    pub minor_context_factor: f64,
    /// Largest contribution of the learned model.
    pub model_weight: f64,
    /// The model looks at this many of an author's highest-scoring messages.
    pub model_top: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SignalTable {
    pub id: String,
    pub version: String,
    pub levels: Levels,
    pub combine: Combine,
    pub stages: BTreeMap<Stage, Texts>,
    pub signals: Vec<SignalDef>,
    pub other: BTreeMap<String, Texts>,
}

impl SignalTable {
    pub fn index(&self, id: &str) -> Option<u16> {
        self.signals
            .iter()
            .position(|s| s.id == id)
            .and_then(|i| u16::try_from(i).ok())
    }

    /// Checks what serde cannot: unique ids, sane numbers, every stage and extra explained.
    pub fn validate(&self) -> Result<(), String> {
        for (i, s) in self.signals.iter().enumerate() {
            if self.signals[..i].iter().any(|o| o.id == s.id) {
                return Err(format!("signal `{}` defined twice", s.id));
            }
            if !(0.0..=5.0).contains(&s.weight) {
                return Err(format!(
                    "signal `{}`: weight {} out of 0..5",
                    s.id, s.weight
                ));
            }
        }
        let l = &self.levels;
        if !(0.0 < l.low && l.low < l.medium && l.medium < l.high && l.high < 1.0) {
            return Err("levels must satisfy 0 < low < medium < high < 1".into());
        }
        if let Some(s) = Stage::ALL.iter().find(|s| !self.stages.contains_key(s)) {
            return Err(format!("stage `{s}` has no explanation"));
        }
        for k in ["progression", "minor_context", "model"] {
            if !self.other.contains_key(k) {
                return Err(format!("`other.{k}` has no explanation"));
            }
        }
        if self.combine.half_life_messages <= 0.0 || self.combine.model_top == 0 {
            return Err("half_life_messages and model_top must be positive".into());
        }
        Ok(())
    }
}
