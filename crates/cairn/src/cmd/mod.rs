//! One module per verb.

pub mod chat_check;
pub mod link;
pub mod collect;
pub mod media;
pub mod registry;
pub mod scan;
pub mod search;
pub mod stats;
pub mod serve;
