//! Domain types shared by every Cairn crate.
//!
//! A [`Record`] is one piece of collected content with its [`Provenance`]; analysis turns it into
//! [`Finding`]s whose byte spans point into [`Record::text`]. Nothing here does I/O.

pub mod finding;
pub mod record;

pub use finding::{Details, Finding, FindingKind, IndicatorCategory, UnknownVariant};
pub use record::{MediaItem, Provenance, Record, derive_record_id, sha256_hex};
