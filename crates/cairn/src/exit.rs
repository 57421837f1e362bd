//! Exit codes shared by every command (see docs/cli.md).

pub const OK: u8 = 0;
pub const FAILURE: u8 = 1;
pub const USAGE: u8 = 2;
/// Finished, but some inputs were rejected (each named in an error line).
pub const REJECTED: u8 = 3;
