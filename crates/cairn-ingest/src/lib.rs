//! Readers: WARC (plain or gzip), HTML, plain text and JSON Lines, into records.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod source;
pub mod warc;
