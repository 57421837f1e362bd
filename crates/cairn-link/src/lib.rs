//! Linking: which collected records belong together, which selectors are hubs, and where and
//! when a network moved.
//!
//! Records are joined only through strong selectors (phone, e-mail, handle, wallet, IBAN, exact
//! image, near-duplicate image group); weak ones (place, price, URL) never link. A selector met in
//! many unrelated records is common: reported, never linking. Components come from union-find;
//! very large ones are split by community detection. Knows nothing of the CLI.

pub mod arrow;
pub mod cluster;
pub mod community;
pub mod config;
mod error;
pub mod export;
pub mod hubs;
pub mod ids;
pub mod input;
pub mod source;
pub mod time;
pub mod timeline;
pub mod unionfind;
pub mod view;

#[cfg(test)]
mod test_python;

pub use cluster::{Cluster, CommonReport, Linked, Partition, link, partition};
pub use config::LinkConfig;
pub use error::LinkError;
pub use input::{LinkInput, Place, RecordMeta, SelectorKind};
