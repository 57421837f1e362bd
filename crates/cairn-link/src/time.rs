//! Capture times: RFC 3339 text in the store, Unix seconds for ordering and windows.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Unix seconds of an RFC 3339 timestamp; None when it does not parse.
pub fn parse_unix(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s.trim(), &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

pub const DAY: i64 = 86_400;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_honoured_and_junk_is_none() {
        assert_eq!(parse_unix("1970-01-02T00:00:00Z"), Some(DAY));
        assert_eq!(parse_unix("1970-01-02T01:00:00+01:00"), Some(DAY));
        assert_eq!(parse_unix("yesterday"), None);
    }
}
