//! One module per verb.

pub mod chat_check;
pub mod collect;
pub mod link;
pub mod media;
pub mod registry;
pub mod scan;
pub mod search;
pub mod serve;
pub mod stats;
