//! Media verbs: `cairn hash`, `cairn match`, `cairn dedup` and `cairn lists`. The work is done by
//! `cairn-media`; these modules parse arguments, walk paths and print.

mod common;
pub mod dedup;
pub mod hash;
pub mod lists;
pub mod match_;
