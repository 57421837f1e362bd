//! Text lists: one hash a line, its length telling the kind (32 hex digits MD5, 40 SHA-1,
//! 64 PDQ or SHA-256). A 64-digit hash cannot say which it is, so it is kept as both unless
//! prefixed `pdq:` or `sha256:`. Blank lines and lines starting with `#` are skipped; anything
//! after the first space, tab or comma is ignored. The id of an entry is its line number.

use super::{Field, ListEntry, ListIssue, ListSink, parse_hex};
use crate::error::MediaError;
use crate::pdq::PdqHash;

/// Reads lines from any buffered reader (a file is streamed).
pub(super) fn read(
    name: &str,
    mut input: impl std::io::BufRead,
    sink: &mut dyn ListSink,
) -> Result<(), MediaError> {
    let mut buf = Vec::new();
    let mut line = 0usize;
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(MediaError::Other(format!("{name}: line {}: {e}", line + 1))),
        }
        line += 1;
        let raw = if line == 1 {
            buf.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&buf)
        } else {
            &buf[..]
        };
        let location = format!("line {line}");
        let Ok(text) = std::str::from_utf8(raw) else {
            sink.issue(ListIssue {
                file: name.into(),
                location,
                message: "not valid UTF-8".into(),
            });
            continue;
        };
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let token = text.split([' ', '\t', ',', ';']).next().unwrap_or("");
        match parse_line(token) {
            Ok(mut entry) => {
                entry.id = line.to_string();
                sink.entry(entry, &location);
            }
            Err(message) => sink.issue(ListIssue {
                file: name.into(),
                location,
                message,
            }),
        }
    }
}

/// One hash, optionally prefixed by its kind (`md5:`, `sha1:`, `sha256:`, `pdq:`).
pub(crate) fn parse_line(token: &str) -> Result<ListEntry, String> {
    let mut entry = ListEntry::default();
    if let Some((kind, value)) = token.split_once(':') {
        let field = Field::from_name(kind).ok_or_else(|| format!("unknown hash kind {kind:?}"))?;
        field.set(&mut entry, value)?;
        if !entry.has_hash() {
            return Err("empty hash".into());
        }
        return Ok(entry);
    }
    match token.len() {
        32 => entry.md5 = Some(parse_hex::<16>(token)?),
        40 => entry.sha1 = Some(parse_hex::<20>(token)?),
        64 => {
            let h = parse_hex::<32>(token)?;
            entry.pdq = Some(PdqHash(h));
            entry.sha256 = Some(h);
        }
        n => {
            return Err(format!(
                "a hash has 32 (MD5), 40 (SHA-1) or 64 (PDQ, SHA-256) hex digits, found {n} characters"
            ));
        }
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::super::{CollectSink, ListFormat, read_list_bytes};

    #[test]
    fn kinds_by_length_and_bad_lines() {
        let text = format!(
            "# comment\n{}\n{}\n{}\npdq:{}\nabc\n\n{}\n",
            "a".repeat(32),
            "b".repeat(40),
            "c".repeat(64),
            "d".repeat(64),
            "x".repeat(64)
        );
        let mut s = CollectSink::default();
        read_list_bytes("l.txt", text.as_bytes(), ListFormat::Text, &mut s).unwrap();
        assert_eq!(s.entries.len(), 4);
        assert!(s.entries[0].md5.is_some());
        assert!(s.entries[1].sha1.is_some());
        assert!(s.entries[2].pdq.is_some() && s.entries[2].sha256.is_some());
        assert!(s.entries[3].pdq.is_some() && s.entries[3].sha256.is_none());
        assert_eq!(s.entries[0].id, "2");
        let locs: Vec<_> = s.issues.iter().map(|i| i.location.as_str()).collect();
        assert_eq!(locs, ["line 6", "line 8"]);
    }
}
