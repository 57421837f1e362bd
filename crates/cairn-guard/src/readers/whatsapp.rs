//! WhatsApp "Export chat" text files, Android and iOS, in the usual locale date formats:
//!
//! ```text
//! 12/31/20, 10:15 PM - Ann: text            Android, en-US (month first, 12-hour clock)
//! 31/12/2020, 22:15 - Ann: text             Android, en-GB / fr / es / it
//! 31.12.20, 22:15 - Ann: text               Android, de / nl / ro / bg
//! 31/12/2020 à 22:15 - Ann: text            Android, fr (some versions)
//! [31/12/2020, 22:15:07] Ann: text          iOS (often with a leading U+200E mark)
//! 2020-12-31, 22:15 - Ann: text             ISO date setting
//! ```
//!
//! Lines without a header continue the previous message (multi-line messages). Lines without an
//! author (`Messages are end-to-end encrypted`, `Ann added Bob`) are system lines and skipped.
//! Media placeholders (`<Media omitted>`, `image omitted`, `<attached: ...>`) stay as the text of
//! their message: a picture sent right after a request matters. Day and month order is decided
//! for the whole file (a first field above 12 means day first, a second one means month first;
//! otherwise 12-hour clocks mean month first, and day first is the European default).

use super::{Conversation, ReadError, ReadOutput, check_text};
use crate::Message;

/// Directional marks WhatsApp puts before headers and placeholders.
const MARKS: [char; 3] = ['\u{200E}', '\u{200F}', '\u{FEFF}'];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Header<'a> {
    /// The three date fields as written, and whether the first one is a 4-digit year.
    date: (u32, u32, u32),
    iso: bool,
    time: (u32, u32, u32),
    twelve_hour: bool,
    author: Option<&'a str>,
    text: &'a str,
}

/// True when the first lines look like a WhatsApp export.
pub fn looks_like(text: &str) -> bool {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .any(|l| parse_header(l).is_some_and(|h| h.author.is_some()))
}

pub fn read(source: &str, text: &str) -> ReadOutput {
    let mut out = ReadOutput::default();
    let headers: Vec<(usize, &str, Option<Header<'_>>)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l, parse_header(l)))
        .collect();
    let day_first = day_first(headers.iter().filter_map(|h| h.2.as_ref()));
    let mut messages: Vec<(usize, Message)> = Vec::new();
    // Whether continuation lines belong to a kept message (not a system line).
    let mut open = false;
    for (line_no, line, header) in headers {
        match header {
            Some(h) => match h.author {
                Some(author) => {
                    let time = timestamp(&h, day_first);
                    if time.is_none() {
                        out.errors.push(ReadError::new(
                            source,
                            format!("line:{line_no}"),
                            "impossible date or time in message header",
                        ));
                        open = false;
                        continue;
                    }
                    messages.push((
                        line_no,
                        Message {
                            author: author.to_owned(),
                            time,
                            text: clean(h.text).to_owned(),
                        },
                    ));
                    open = true;
                }
                None => open = false,
            },
            None if open => {
                if let Some((_, m)) = messages.last_mut() {
                    m.text.push('\n');
                    m.text.push_str(clean(line));
                }
            }
            None if line.trim().is_empty() => {}
            None if messages.is_empty() => out.errors.push(ReadError::new(
                source,
                format!("line:{line_no}"),
                "text before the first message header",
            )),
            // Continuation of a system line: nothing to keep.
            None => {}
        }
    }
    let mut conv = Conversation {
        id: conversation_id(source),
        format: super::Format::WhatsApp,
        source: source.to_owned(),
        messages: Vec::new(),
    };
    for (line_no, m) in messages {
        match check_text(&m.text) {
            Ok(()) => conv.messages.push(m),
            Err(e) => out
                .errors
                .push(ReadError::new(source, format!("line:{line_no}"), e)),
        }
    }
    out.conversations.push(conv);
    out
}

fn clean(s: &str) -> &str {
    s.trim_start_matches(MARKS).trim_end_matches('\r')
}

/// `dir/WhatsApp Chat with Ann.txt` → `WhatsApp Chat with Ann`.
fn conversation_id(source: &str) -> String {
    let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
    name.strip_suffix(".txt").unwrap_or(name).to_owned()
}

fn day_first<'a, 'b: 'a>(headers: impl Iterator<Item = &'a Header<'b>>) -> bool {
    let mut twelve = false;
    for h in headers {
        if h.iso {
            continue;
        }
        if h.date.0 > 12 {
            return true;
        }
        if h.date.1 > 12 {
            return false;
        }
        twelve |= h.twelve_hour;
    }
    !twelve
}

/// `YYYY-MM-DDTHH:MM:SS` (local time of the exporting phone; the export has no zone).
fn timestamp(h: &Header<'_>, day_first: bool) -> Option<String> {
    let (y, m, d) = if h.iso {
        h.date
    } else {
        let (a, b, c) = h.date;
        let y = if c < 100 { 2000 + c } else { c };
        if day_first { (y, b, a) } else { (y, a, b) }
    };
    let (hh, mm, ss) = h.time;
    let ok = (1..=12).contains(&m)
        && (1..=31).contains(&d)
        && (1970..=9999).contains(&y)
        && hh < 24
        && mm < 60
        && ss < 60;
    ok.then(|| format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}"))
}

fn parse_header(line: &str) -> Option<Header<'_>> {
    let l = line.trim_start_matches(MARKS);
    let (dt, rest) = if let Some(inner) = l.strip_prefix('[') {
        let close = inner.find(']')?;
        let rest = inner[close + 1..]
            .strip_prefix(' ')
            .unwrap_or(&inner[close + 1..]);
        (&inner[..close], rest.trim_start_matches(MARKS))
    } else {
        let idx = l.find(" - ")?;
        (&l[..idx], &l[idx + 3..])
    };
    if dt.len() > 40 {
        return None;
    }
    let (date, iso, time, twelve_hour) = parse_datetime(dt)?;
    let (author, text) = match rest.split_once(": ") {
        Some((a, t)) if !a.is_empty() && a.chars().count() <= 100 => {
            (Some(a.trim_start_matches(MARKS)), t)
        }
        _ => match rest.strip_suffix(':') {
            // "Ann:" with an empty message.
            Some(a) if !a.is_empty() && !a.contains(": ") && a.chars().count() <= 100 => {
                (Some(a), "")
            }
            _ => (None, rest),
        },
    };
    Some(Header {
        date,
        iso,
        time,
        twelve_hour,
        author,
        text,
    })
}

type DateTime = ((u32, u32, u32), bool, (u32, u32, u32), bool);

fn parse_datetime(dt: &str) -> Option<DateTime> {
    let date_end = dt.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '/' || c == '-'))?;
    let date = dt[..date_end].trim_end_matches('.');
    let mut rest = dt[date_end..].trim_start_matches([',', ' ']);
    for sep in ["à ", "um ", "a las ", "alle "] {
        rest = rest.strip_prefix(sep).unwrap_or(rest);
    }
    let fields: Vec<&str> = date.split(['.', '/', '-']).collect();
    let [a, b, c] = fields.as_slice() else {
        return None;
    };
    let iso = a.len() == 4;
    let num = |s: &str, max_len: usize| -> Option<u32> {
        (!s.is_empty() && s.len() <= max_len)
            .then(|| s.parse().ok())
            .flatten()
    };
    let date = (num(a, 4)?, num(b, 2)?, num(c, 4)?);
    if !iso && a.len() > 2 {
        return None;
    }
    // Time: H:MM[:SS] then an optional 12-hour marker after a space or narrow no-break space.
    let time_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(rest.len());
    let parts: Vec<&str> = rest[..time_end].split(':').collect();
    let (mut h, m, s) = match parts.as_slice() {
        [h, m] => (num(h, 2)?, num(m, 2)?, 0),
        [h, m, s] => (num(h, 2)?, num(m, 2)?, num(s, 2)?),
        _ => return None,
    };
    let marker: String = rest[time_end..]
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '\u{202F}')
        .flat_map(char::to_lowercase)
        .collect();
    let twelve_hour = match marker.as_str() {
        "" => false,
        "am" | "vorm" => {
            if h == 12 {
                h = 0;
            }
            true
        }
        "pm" | "nachm" => {
            if h < 12 {
                h += 12;
            }
            true
        }
        _ => return None,
    };
    if twelve_hour && !(0..=23).contains(&h) {
        return None;
    }
    Some((date, iso, (h, m, s), twelve_hour))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn times(out: &ReadOutput) -> Vec<String> {
        out.conversations[0]
            .messages
            .iter()
            .filter_map(|m| m.time.clone())
            .collect()
    }

    #[test]
    fn android_us_month_first_with_12_hour_clock() {
        let t = "12/31/20, 10:15 PM - Messages and calls are end-to-end encrypted.\n\
                 12/31/20, 10:15 PM - Ann: hi\n1/2/21, 9:05\u{202F}AM - Bob: <Media omitted>\n";
        let out = read("WhatsApp Chat with Ann.txt", t);
        assert_eq!(out.conversations[0].id, "WhatsApp Chat with Ann");
        assert_eq!(
            times(&out),
            vec!["2020-12-31T22:15:00", "2021-01-02T09:05:00"]
        );
        assert_eq!(out.conversations[0].messages[1].text, "<Media omitted>");
        assert!(out.errors.is_empty());
    }

    #[test]
    fn european_android_and_multi_line_messages() {
        let t = "31/12/2020, 22:15 - Ann: first line\nsecond line\n\nthird\n01/01/2021, 00:01 - Bob: ok\n";
        let out = read("chat.txt", t);
        let m = &out.conversations[0].messages;
        assert_eq!(m[0].text, "first line\nsecond line\n\nthird");
        assert_eq!(
            times(&out),
            vec!["2020-12-31T22:15:00", "2021-01-01T00:01:00"]
        );
        let de = read("c.txt", "31.12.20, 22:15 - Jörg: <Medien ausgelassen>\n");
        assert_eq!(times(&de), vec!["2020-12-31T22:15:00"]);
        let fr = read("c.txt", "31/12/2020 à 22:15 - Zoé: salut\n");
        assert_eq!(fr.conversations[0].messages[0].author, "Zoé");
        let iso = read("c.txt", "2020-12-31, 22:15 - A: x\n");
        assert_eq!(times(&iso), vec!["2020-12-31T22:15:00"]);
    }

    #[test]
    fn ios_with_marks_seconds_and_placeholders() {
        let t = "\u{200E}[31/12/2020, 22:15:07] Ann: \u{200E}image omitted\n[01/01/2021, 00:01:02] Bob: yo\n\
                 [1/2/21, 9:05:00 PM] Bob: late\n";
        let out = read("_chat.txt", t);
        let m = &out.conversations[0].messages;
        assert_eq!(m[0].text, "image omitted");
        assert_eq!(times(&out)[0], "2020-12-31T22:15:07");
        assert_eq!(times(&out)[2], "2021-02-01T21:05:00");
    }

    #[test]
    fn bad_lines_are_named() {
        let t = "junk before\n31/12/2020, 22:15 - Ann: ok\n32/13/2020, 22:15 - Bob: bad date\n";
        let out = read("c.txt", t);
        let locs: Vec<_> = out.errors.iter().map(|e| e.locator.as_str()).collect();
        assert_eq!(locs, vec!["line:1", "line:3"]);
        assert_eq!(out.conversations[0].messages.len(), 1);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = read("x.txt", &s);
            let _ = looks_like(&s);
        }

        #[test]
        fn never_panics_on_header_like_lines(d in 0u32..40, m in 0u32..40, y in 0u32..3000, h in 0u32..30, mi in 0u32..70, tail in "\\PC{0,20}") {
            let line = format!("{d}/{m}/{y}, {h}:{mi} PM - A: {tail}\n[{d}.{m}.{y}, {h}:{mi}:{mi}] B{tail}");
            let _ = read("x.txt", &line);
        }
    }
}
