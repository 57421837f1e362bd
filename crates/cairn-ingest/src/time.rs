//! Capture times normalised to RFC 3339 in UTC (`2024-05-01T10:00:00Z`, fractional seconds kept
//! when given).
//!
//! Accepted: W3C/ISO 8601 date-times as WARC writes them (`YYYY-MM-DDThh:mm:ss[.f]Z`, also with
//! a numeric offset, a space instead of `T`, or without zone = UTC), reduced precision
//! (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mmZ`), 14-digit timestamps
//! (`20240501100000`, as in ARC and CDX) and Unix seconds (JSON numbers).

/// Normalises a date-time string; `None` if it is not one of the accepted forms.
pub fn normalize_datetime(s: &str) -> Option<String> {
    let s = s.trim();
    if is_canonical(s.as_bytes()) {
        // Already what parsing and writing it again would give (about 1,800 instructions,
        // once per record of most inputs).
        return Some(s.to_owned());
    }
    parse_and_write(s)
}

/// Whether `b` is a valid date-time as [`normalize_datetime`] writes it without fraction:
/// `YYYY-MM-DDThh:mm:ssZ`, a day of its month, no leap second (written as :59).
fn is_canonical(b: &[u8]) -> bool {
    const SHAPE: &[u8; 20] = b"dddd-dd-ddTdd:dd:ddZ";
    let Ok(b) = <&[u8; 20]>::try_from(b) else {
        return false;
    };
    let shaped = b.iter().zip(SHAPE).all(|(&c, &want)| match want {
        b'd' => c.is_ascii_digit(),
        _ => c == want,
    });
    if !shaped {
        return false;
    }
    let two = |at: usize| u32::from(b[at] - b'0') * 10 + u32::from(b[at + 1] - b'0');
    let second = two(17);
    is_valid(
        two(0) * 100 + two(2),
        two(5),
        two(8),
        two(11),
        two(14),
        second,
    ) && second <= 59
}

/// Whether the fields name a day of its month and a time of day (second 60 is a leap second).
fn is_valid(year: u32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> bool {
    (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour <= 23
        && minute <= 59
        && second <= 60
}

/// [`normalize_datetime`] of a trimmed string, by parsing it and writing it again.
fn parse_and_write(s: &str) -> Option<String> {
    if s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit()) {
        let f = |a: usize, b: usize| s[a..b].parse::<u32>().ok();
        return civil(
            f(0, 4)?,
            f(4, 6)?,
            f(6, 8)?,
            f(8, 10)?,
            f(10, 12)?,
            f(12, 14)?,
            "",
            0,
        );
    }
    let b = s.as_bytes();
    let num = |a: usize, len: usize| -> Option<u32> {
        let part = b.get(a..a + len)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    let year = num(0, 4)?;
    let mut i = 4;
    let (mut month, mut day) = (1, 1);
    if b.get(i) == Some(&b'-') {
        month = num(i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&b'-') {
            day = num(i + 1, 2)?;
            i += 3;
        }
    }
    let (mut hour, mut minute, mut second) = (0, 0, 0);
    let mut frac = "";
    if matches!(b.get(i), Some(b'T' | b't' | b' ')) && b.get(i + 1).is_some_and(u8::is_ascii_digit)
    {
        hour = num(i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&b':') {
            minute = num(i + 1, 2)?;
            i += 3;
            if b.get(i) == Some(&b':') {
                second = num(i + 1, 2)?;
                i += 3;
                if matches!(b.get(i), Some(b'.' | b',')) {
                    let start = i + 1;
                    let mut j = start;
                    while b.get(j).is_some_and(u8::is_ascii_digit) {
                        j += 1;
                    }
                    if j == start || j - start > 9 {
                        return None;
                    }
                    frac = s.get(start..j)?.trim_end_matches('0');
                    i = j;
                }
            }
        }
    }
    let offset_minutes: i64 = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let h = i64::from(num(i + 1, 2)?);
            let rest = &b[i + 3..];
            let m = match rest {
                [] => 0,
                [b':', ..] if rest.len() == 3 => i64::from(num(i + 4, 2)?),
                _ if rest.len() == 2 => i64::from(num(i + 3, 2)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let total = h * 60 + m;
            if sign == b'-' { -total } else { total }
        }
        _ => return None,
    };
    civil(year, month, day, hour, minute, second, frac, offset_minutes)
}

/// Unix seconds to RFC 3339 UTC.
pub fn from_unix_seconds(secs: i64) -> Option<String> {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let y = u32::try_from(y).ok().filter(|y| *y <= 9999)?;
    // Written digit by digit: `format!` with six padded fields cost more than the rest of
    // reading a JSON Lines record's fields (once per record).
    let mut out = [0u8; 20];
    let fields = [
        (0, y, 4),
        (5, m as u32, 2),
        (8, d as u32, 2),
        (11, (rem / 3600) as u32, 2),
        (14, (rem % 3600 / 60) as u32, 2),
        (17, (rem % 60) as u32, 2),
    ];
    for (at, mut value, width) in fields {
        for k in (at..at + width).rev() {
            out[k] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    for (at, sep) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'Z'),
    ] {
        out[at] = sep;
    }
    // ASCII digits and separators only.
    std::str::from_utf8(&out).ok().map(str::to_owned)
}

#[allow(clippy::too_many_arguments)]
fn civil(
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    frac: &str,
    offset_minutes: i64,
) -> Option<String> {
    if !is_valid(year, month, day, hour, minute, second) {
        return None;
    }
    // A leap second is kept as :59 (it cannot be represented after the shift to UTC anyway).
    let second = second.min(59);
    let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_minutes * 60;
    let base = from_unix_seconds(secs)?;
    if frac.is_empty() {
        Some(base)
    } else {
        Some(format!("{}.{frac}Z", &base[..base.len() - 1]))
    }
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, day 0 = 1970-01-01).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forms() {
        let n = |s: &str| normalize_datetime(s);
        assert_eq!(
            n("2024-05-01T10:00:00Z").as_deref(),
            Some("2024-05-01T10:00:00Z")
        );
        assert_eq!(
            n("2024-05-01T10:00:00.123400Z").as_deref(),
            Some("2024-05-01T10:00:00.1234Z")
        );
        assert_eq!(
            n("2024-05-01T01:30:00+02:00").as_deref(),
            Some("2024-04-30T23:30:00Z")
        );
        assert_eq!(
            n("2024-02-29 23:00:00-0130").as_deref(),
            Some("2024-03-01T00:30:00Z")
        );
        assert_eq!(n("2024-05-01").as_deref(), Some("2024-05-01T00:00:00Z"));
        assert_eq!(n("2024").as_deref(), Some("2024-01-01T00:00:00Z"));
        assert_eq!(
            n("2024-05-01T10:07Z").as_deref(),
            Some("2024-05-01T10:07:00Z")
        );
        assert_eq!(n("20240501100000").as_deref(), Some("2024-05-01T10:00:00Z"));
        for bad in [
            "",
            "yesterday",
            "2023-02-29",
            "2024-13-01",
            "2024-05-01T25:00:00Z",
            "2024-05-01Tx",
            "2024-05-01T10:00:00Zjunk",
            "2024-05-01T10:00:00+2",
            "１２３４",
        ] {
            assert_eq!(n(bad), None, "{bad}");
        }
        assert_eq!(
            from_unix_seconds(0).as_deref(),
            Some("1970-01-01T00:00:00Z")
        );
        assert_eq!(
            from_unix_seconds(1_714_557_600).as_deref(),
            Some("2024-05-01T10:00:00Z")
        );
        assert_eq!(
            from_unix_seconds(253_402_300_799).as_deref(),
            Some("9999-12-31T23:59:59Z")
        );
        assert_eq!(from_unix_seconds(253_402_300_800), None);
        assert_eq!(
            from_unix_seconds(-62_167_219_200).as_deref(),
            Some("0000-01-01T00:00:00Z")
        );
        assert_eq!(from_unix_seconds(-62_167_219_201), None);
    }

    proptest! {
        /// The digit writer against `format!`, over every representable second and beyond.
        #[test]
        fn unix_seconds_written_as_format_would(secs in -100_000_000_000i64..300_000_000_000) {
            let days = secs.div_euclid(86_400);
            let rem = secs.rem_euclid(86_400);
            let (y, m, d) = civil_from_days(days);
            let want = (0..=9999).contains(&y).then(|| format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                rem / 3600,
                rem % 3600 / 60,
                rem % 60
            ));
            prop_assert_eq!(from_unix_seconds(secs), want);
        }

        #[test]
        fn unix_round_trip(secs in 0i64..253_402_300_799) {
            let s = from_unix_seconds(secs).unwrap();
            prop_assert_eq!(normalize_datetime(&s), Some(s.clone()));
        }

        /// Strings of the canonical shape, valid or not (month 13, 31 February, second 60), are
        /// normalised as parsing and writing them again does.
        #[test]
        fn canonical_strings_as_parsed(
            y in 0u32..=9999, mo in 0u32..=13, d in 0u32..=32,
            h in 0u32..=24, mi in 0u32..=60, sec in 0u32..=61,
        ) {
            let s = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}Z");
            prop_assert_eq!(normalize_datetime(&s), parse_and_write(&s));
        }

        #[test]
        fn never_panics(s in ".{0,40}") {
            if let Some(out) = normalize_datetime(&s) {
                prop_assert_eq!(normalize_datetime(&out), Some(out.clone()));
            }
        }
    }
}
