//! Project VIC VICS JSON: an OData document whose `value` array holds Media. Version 1.3 names
//! its context `odata.metadata`, version 2.0 `@odata.context`; both carry per Media `MediaID`,
//! `Category`, `MD5`, `SHA1` and optionally `SHA256`, `PhotoDNA`, `PDQ`, and may list further
//! hashes in `AlternativeHashes` / `Hashes` (`HashName`/`HashValue`). Other scalar fields are
//! kept as labels.

use super::{Field, ListEntry, ListIssue, ListSink};
use crate::error::MediaError;
use serde_json::Value;
use serde_json::value::RawValue;

#[derive(serde::Deserialize)]
struct Document<'a> {
    #[serde(borrow)]
    value: Vec<&'a RawValue>,
}

pub(super) fn read(name: &str, bytes: &[u8], sink: &mut dyn ListSink) -> Result<(), MediaError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let doc: Document<'_> = serde_json::from_slice(bytes).map_err(|e| {
        MediaError::Other(format!(
            "{name}: line {} column {}: not a VICS JSON document (an object with a value array of Media): {e}",
            e.line(),
            e.column()
        ))
    })?;
    for (i, raw) in doc.value.iter().enumerate() {
        let mut location = format!("entry {}", i + 1);
        let media: serde_json::Map<String, Value> = match serde_json::from_str(raw.get()) {
            Ok(m) => m,
            Err(e) => {
                sink.issue(ListIssue {
                    file: name.into(),
                    location,
                    message: format!("not a Media object: {e}"),
                });
                continue;
            }
        };
        match media_entry(&media) {
            Ok(entry) => {
                location.push_str(&format!(" (MediaID {})", entry.id));
                sink.entry(entry, &location);
            }
            Err(message) => {
                if let Some(id) = media.get("MediaID").and_then(scalar) {
                    location.push_str(&format!(" (MediaID {id})"));
                }
                sink.issue(ListIssue {
                    file: name.into(),
                    location,
                    message,
                });
            }
        }
    }
    Ok(())
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn media_entry(media: &serde_json::Map<String, Value>) -> Result<ListEntry, String> {
    let mut entry = ListEntry::default();
    for (key, value) in media {
        if key == "MediaID" {
            entry.id = scalar(value).ok_or("MediaID is not a number or a string")?;
        } else if key == "Category" {
            entry.category = scalar(value);
        } else if let Some(field) = Field::from_name(key) {
            if let Some(v) = scalar(value) {
                field.set(&mut entry, &v)?;
            }
        } else if key == "AlternativeHashes" || key == "Hashes" {
            for h in value.as_array().map(Vec::as_slice).unwrap_or_default() {
                let name = h
                    .get("HashName")
                    .or_else(|| h.get("Name"))
                    .and_then(Value::as_str);
                let val = h
                    .get("HashValue")
                    .or_else(|| h.get("Value"))
                    .and_then(scalar);
                if let (Some(field), Some(val)) = (name.and_then(Field::from_name), val) {
                    field.set(&mut entry, &val)?;
                }
            }
        } else if let Some(v) = scalar(value)
            && !v.is_empty()
        {
            entry.labels.push((key.clone(), v));
        }
    }
    if entry.id.is_empty() {
        return Err("no MediaID".into());
    }
    if !entry.has_hash() {
        return Err("no hash (MD5, SHA1, SHA256, PDQ or PhotoDNA)".into());
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::super::{CollectSink, ListFormat, read_list_bytes};

    #[test]
    fn reads_versions_1_3_and_2_0() {
        let v13 = r#"{"odata.metadata":"http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml/$metadata#Media",
            "value":[{"MediaID":1,"Category":2,"MD5":"00112233445566778899AABBCCDDEEFF","SHA1":"","Series":"s"},
                     {"MediaID":2,"MD5":"bad"},
                     {"Category":1,"MD5":"00112233445566778899AABBCCDDEEFF"}]}"#;
        let mut s = CollectSink::default();
        read_list_bytes("v.json", v13.as_bytes(), ListFormat::Vics, &mut s).unwrap();
        assert_eq!(s.entries.len(), 1);
        assert_eq!(s.entries[0].id, "1");
        assert_eq!(s.entries[0].category.as_deref(), Some("2"));
        assert_eq!(
            s.entries[0].labels,
            vec![("Series".to_string(), "s".to_string())]
        );
        assert_eq!(s.issues.len(), 2);
        assert_eq!(s.issues[0].location, "entry 2 (MediaID 2)");
        assert_eq!(s.issues[1].location, "entry 3");

        let v20 = format!(
            r#"{{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media",
            "value":[{{"MediaID":"7","Category":0,"SHA1":"{}","PhotoDNA":"AAAA",
            "AlternativeHashes":[{{"HashName":"PDQ","HashValue":"{}"}}]}}]}}"#,
            "a".repeat(40),
            "b".repeat(64)
        );
        let mut s = CollectSink::default();
        read_list_bytes("v.json", v20.as_bytes(), ListFormat::Vics, &mut s).unwrap();
        assert_eq!(s.entries.len(), 1);
        let e = &s.entries[0];
        assert!(e.sha1.is_some() && e.pdq.is_some() && e.photodna);
    }

    #[test]
    fn malformed_json_names_line() {
        let mut s = CollectSink::default();
        let err = read_list_bytes("v.json", b"{\n\"value\": [\n{]", ListFormat::Vics, &mut s)
            .unwrap_err();
        assert!(err.to_string().contains("v.json: line 3"), "{err}");
    }
}
