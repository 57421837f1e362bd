//! One module per verb.

pub mod scan;
pub mod search;
