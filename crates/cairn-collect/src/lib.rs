//! Evidence-grade collection: a polite, resumable crawler that writes WARC 1.1 with digests,
//! a signed manifest of the WARC files (chain of custody), and a BitTorrent metadata reader.
//! Knows nothing of the CLI: the `cairn collect` command drives it.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod bencode;
pub mod crawler;
pub mod fetch;
pub mod frontier;
pub mod links;
pub mod manifest;
pub mod render;
pub mod robots;
pub mod scope;
pub mod time;
pub mod torrent;
pub mod warc;

pub use crawler::{CrawlConfig, CrawlError, CrawlStats, CrawlSummary, Revisit, crawl};
