//! Selectors: phones, e-mails, URLs, handles, wallets, IBANs, prices and stated ages.
//!
//! Every finder takes the record's text and returns [`Finding`]s whose byte spans point into it
//! (`evidence == text[start..end]`). [`extract`] runs them all and resolves overlaps.

mod chars;
pub mod email;
mod numwords;
pub mod phone;

use cairn_core::Finding;

/// What the finders need to know about a record besides its text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SelectorContext<'a> {
    /// Default region (ISO 3166-1 alpha-2) for national phone numbers: from the JSON Lines
    /// `region`, `--region`, or the country TLD of the record's URL. Case-insensitive.
    pub region: Option<&'a str>,
}

/// All selectors of `text`, sorted by start, overlaps resolved.
pub fn extract(text: &str, ctx: &SelectorContext) -> Vec<Finding> {
    let mut all = phone::find(text, ctx);
    all.sort_by_key(|f| (f.start, f.end));
    all
}
