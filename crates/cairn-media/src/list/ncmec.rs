//! NCMEC hash-sharing XML (`queryResult` of the v2 API): `images/image` and `videos/video`
//! entries with `id`, `classification` and `fingerprints` (`md5`, `sha1`, `pdna`, `pdq`), and
//! `deletedImage` / `deletedVideo` entries withdrawing an id. Namespaces are ignored.

use super::{Field, ListEntry, ListIssue, ListSink};
use crate::error::MediaError;
use quick_xml::Reader;
use quick_xml::events::Event;

struct Current {
    deleted: bool,
    depth: usize,
    line: usize,
    entry: ListEntry,
    error: Option<String>,
}

fn line_at(bytes: &[u8], pos: u64) -> usize {
    let end = usize::try_from(pos).unwrap_or(usize::MAX).min(bytes.len());
    bytes[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

pub(super) fn read(name: &str, bytes: &[u8], sink: &mut dyn ListSink) -> Result<(), MediaError> {
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut current: Option<Current> = None;
    let mut index = 0usize;
    let mut saw_root = false;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                let line = line_at(bytes, reader.error_position());
                sink.issue(ListIssue {
                    file: name.into(),
                    location: format!("line {line}"),
                    message: format!("malformed XML, reading stopped here: {e}"),
                });
                return Ok(());
            }
        };
        match event {
            Event::Start(e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if stack.is_empty() {
                    saw_root = true;
                    if local != "queryResult" {
                        return Err(MediaError::Other(format!(
                            "{name}: line {}: root element is <{local}>, expected <queryResult> (NCMEC hash sharing)",
                            line_at(bytes, reader.buffer_position())
                        )));
                    }
                }
                let parent = stack.last().map(String::as_str);
                if current.is_none() && matches!(parent, Some("images" | "videos")) {
                    let deleted = local.starts_with("deleted");
                    if matches!(
                        local.as_str(),
                        "image" | "video" | "deletedImage" | "deletedVideo"
                    ) {
                        index += 1;
                        current = Some(Current {
                            deleted,
                            depth: stack.len() + 1,
                            line: line_at(bytes, reader.buffer_position()),
                            entry: ListEntry::default(),
                            error: None,
                        });
                    }
                }
                stack.push(local);
                text.clear();
            }
            Event::Text(t) => {
                if let Ok(s) = t.decode() {
                    text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Ok(s) = t.decode() {
                    text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else if let Ok(n) = r.decode() {
                    text.push_str(match n.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(_) => {
                let depth = stack.len();
                let local = stack.pop().unwrap_or_default();
                if let Some(cur) = current.as_mut() {
                    let value = text.trim();
                    if depth == cur.depth + 1 {
                        match local.as_str() {
                            "id" => cur.entry.id = value.to_string(),
                            "classification" => {
                                cur.entry.category = (!value.is_empty()).then(|| value.to_string())
                            }
                            "timestamp" | "member" | "lastModified" if !value.is_empty() => {
                                cur.entry.labels.push((local.clone(), value.to_string()))
                            }
                            _ => {}
                        }
                    } else if depth == cur.depth + 2
                        && stack.last().map(String::as_str) == Some("fingerprints")
                        && let Some(field) = Field::from_name(&local)
                        && let Err(e) = field.set(&mut cur.entry, value)
                    {
                        cur.error.get_or_insert(e);
                    }
                    if depth == cur.depth
                        && let Some(cur) = current.take()
                    {
                        finish(name, index, cur, sink);
                    }
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_root {
        return Err(MediaError::Other(format!(
            "{name}: line 1: no XML element (expected <queryResult>)"
        )));
    }
    Ok(())
}

fn finish(name: &str, index: usize, cur: Current, sink: &mut dyn ListSink) {
    let mut location = format!("entry {index}, line {}", cur.line);
    if !cur.entry.id.is_empty() {
        location = format!("entry {index} (id {}), line {}", cur.entry.id, cur.line);
    }
    let issue = |message: String| ListIssue {
        file: name.into(),
        location: location.clone(),
        message,
    };
    if cur.entry.id.is_empty() {
        sink.issue(issue("no <id>".into()));
    } else if let Some(e) = cur.error {
        sink.issue(issue(e));
    } else if cur.deleted {
        sink.delete(&cur.entry.id, &location);
    } else if !cur.entry.has_hash() {
        sink.issue(issue("no fingerprint".into()));
    } else {
        sink.entry(cur.entry, &location);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{CollectSink, ListFormat, read_list_bytes};

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">
    <images count="2" maxTimestamp="2017-10-24T15:10:00Z">
        <image>
            <member id="42">Example Member</member>
            <timestamp>2017-10-24T15:00:00Z</timestamp>
            <id>image1</id>
            <classification>A1</classification>
            <fingerprints>
                <md5>a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1</md5>
                <pdna>AAAA</pdna>
            </fingerprints>
            <feedback><affirmativeFeedback type="Md5"><members><member id="1">x</member></members></affirmativeFeedback></feedback>
        </image>
        <image><id>bad</id><fingerprints><md5>zz</md5></fingerprints></image>
        <deletedImage><id>image4</id></deletedImage>
    </images>
    <videos count="1"><video><id>video1</id><fingerprints><sha1>b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1</sha1></fingerprints></video></videos>
</queryResult>"#;

    #[test]
    fn reads_entries_and_deletions() {
        let mut s = CollectSink::default();
        read_list_bytes("n.xml", XML.as_bytes(), ListFormat::Ncmec, &mut s).unwrap();
        assert_eq!(s.entries.len(), 2);
        assert_eq!(s.entries[0].id, "image1");
        assert_eq!(s.entries[0].category.as_deref(), Some("A1"));
        assert!(s.entries[0].md5.is_some() && s.entries[0].photodna);
        assert!(
            s.entries[0]
                .labels
                .iter()
                .any(|(k, v)| k == "member" && v == "Example Member")
        );
        assert_eq!(
            s.entries[0]
                .labels
                .iter()
                .filter(|(k, _)| k == "member")
                .count(),
            1
        );
        assert_eq!(s.deletions, vec!["image4".to_string()]);
        assert_eq!(s.issues.len(), 1);
        assert!(s.issues[0].location.contains("id bad"), "{:?}", s.issues[0]);
        assert!(
            s.issues[0].location.contains("line 15"),
            "{:?}",
            s.issues[0]
        );
    }

    #[test]
    fn malformed_xml_is_an_issue_with_a_line() {
        let mut s = CollectSink::default();
        let xml = "<queryResult>\n<images>\n<image><id>a</id></images>";
        read_list_bytes("n.xml", xml.as_bytes(), ListFormat::Ncmec, &mut s).unwrap();
        assert_eq!(s.issues.len(), 1);
        assert!(
            s.issues[0].location.starts_with("line 3"),
            "{:?}",
            s.issues[0]
        );
    }
}
