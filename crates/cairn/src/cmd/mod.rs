//! One module per verb.

pub mod chat_check;
pub mod scan;
pub mod search;
