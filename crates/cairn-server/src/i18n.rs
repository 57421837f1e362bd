//! The message catalogue (`data/messages.toml`): every key in English and French.

use crate::AppError;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const BUNDLED: &str = include_str!("../data/messages.toml");

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "en" => Some(Self::En),
            "fr" => Some(Self::Fr),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }
}

#[derive(Debug, Deserialize)]
struct Entry {
    en: String,
    fr: String,
}

#[derive(Debug)]
pub struct Catalog {
    entries: BTreeMap<String, Entry>,
}

impl Catalog {
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let entries: BTreeMap<String, Entry> =
            toml::from_str(text).map_err(|e| AppError::Config(format!("messages.toml: {e}")))?;
        Ok(Self { entries })
    }

    pub fn bundled() -> Result<Self, AppError> {
        Self::parse(BUNDLED)
    }

    /// The message for `key`; the key itself when missing (a test keeps that from happening).
    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        match self.entries.get(key) {
            Some(e) => match lang {
                Lang::En => &e.en,
                Lang::Fr => &e.fr,
            },
            None => key,
        }
    }

    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }
}

/// What templates call: `t.t("key")`.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    pub lang: Lang,
    pub catalog: &'a Catalog,
}

impl Tr<'_> {
    pub fn t(&self, key: &str) -> String {
        self.catalog.get(self.lang, key).to_owned()
    }
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_used_by_a_template_exists_in_both_languages() {
        let cat = Catalog::bundled().unwrap();
        for e in cat.entries.values() {
            assert!(!e.en.trim().is_empty() && !e.fr.trim().is_empty());
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut used = 0;
        for f in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            for part in text.split("t.t(\"").skip(1) {
                let key = &part[..part.find('"').unwrap()];
                assert!(
                    cat.contains(key),
                    "template key {key:?} missing from messages.toml"
                );
                used += 1;
            }
        }
        assert!(used > 50, "templates use the catalogue ({used} uses)");
    }

    #[test]
    fn the_catalogue_never_says_child_prostitution() {
        let cat = Catalog::bundled().unwrap();
        for e in cat.entries.values() {
            for text in [&e.en, &e.fr] {
                let lower = text.to_lowercase();
                assert!(!lower.contains("prostitution"), "{text}");
            }
        }
    }
}
