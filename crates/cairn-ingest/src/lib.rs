//! Readers: WARC (plain or gzip), HTML, plain text and JSON Lines, into records.
