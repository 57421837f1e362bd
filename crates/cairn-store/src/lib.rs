//! Storage of collected content: records, where they were read, their findings and media hashes,
//! in the data directory (SQLite in WAL mode, evidence blobs addressed by SHA-256).
//!
//! The store knows nothing of the CLI: it takes analysed records and answers questions such as
//! "where else does this selector appear".

mod datadir;
mod error;
mod evidence;
mod link;
pub mod registry;
mod scan;
pub mod web_session;

pub use datadir::DataDir;
pub use error::StoreError;
pub use evidence::EvidenceStore;
pub use link::{
    ClusterRow, CommonSelectorRow, LinkFindingRow, LinkMediaRow, LinkRecordRow, LinkRunWrite,
};
pub use scan::{
    MediaOccurrenceRow, MediaRecord, Occurrence, RunStats, ScannedRecord, SearchHit, Store,
    StoredRecord, now_rfc3339,
};
