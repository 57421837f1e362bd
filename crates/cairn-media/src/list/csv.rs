//! CSV lists with a header row. Columns are found by name (any case): `id`, `pdq`, `md5`,
//! `sha1`, `sha256`, `photodna`, `category`; every other column is kept as a label.

use super::{Field, ListEntry, ListIssue, ListSink};
use crate::error::MediaError;

enum Column {
    Id,
    Category,
    Hash(Field),
    Label(String),
}

/// Reads CSV from any reader (a file is streamed, never held whole in memory).
pub(super) fn read(
    name: &str,
    input: impl std::io::Read,
    sink: &mut dyn ListSink,
) -> Result<(), MediaError> {
    // The csv crate strips a leading UTF-8 byte-order mark itself.
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let headers = rdr
        .headers()
        .map_err(|e| MediaError::Other(format!("{name}: line 1: cannot read the CSV header: {e}")))?
        .clone();
    let columns: Vec<Column> = headers
        .iter()
        .map(|h| {
            let key = h.trim().to_ascii_lowercase();
            match key.as_str() {
                "id" => Column::Id,
                "category" => Column::Category,
                _ => Field::from_name(&key)
                    .map(Column::Hash)
                    .unwrap_or_else(|| Column::Label(h.trim().to_string())),
            }
        })
        .collect();
    if !columns.iter().any(|c| matches!(c, Column::Hash(_))) {
        return Err(MediaError::Other(format!(
            "{name}: line 1: no hash column in the header (expected pdq, md5, sha1, sha256 or photodna)"
        )));
    }
    let mut record = csv::StringRecord::new();
    loop {
        let line = rdr.position().line() + 1;
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(line);
                sink.issue(ListIssue {
                    file: name.into(),
                    location: format!("line {line}"),
                    message: e.to_string(),
                });
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(MediaError::Other(format!("{name}: line {line}: {e}")));
                }
                // A UTF-8 or field-count error leaves the reader usable.
                continue;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(line);
        let location = format!("line {line}");
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut entry = ListEntry::default();
        let mut error = None;
        for (col, value) in columns.iter().zip(record.iter()) {
            match col {
                Column::Id => entry.id = value.trim().to_string(),
                Column::Category => {
                    let v = value.trim();
                    entry.category = (!v.is_empty()).then(|| v.to_string());
                }
                Column::Hash(f) => {
                    if let Err(e) = f.set(&mut entry, value) {
                        error.get_or_insert(e);
                    }
                }
                Column::Label(k) => {
                    if !value.trim().is_empty() {
                        entry.labels.push((k.clone(), value.trim().to_string()));
                    }
                }
            }
        }
        if let Some(message) = error {
            sink.issue(ListIssue {
                file: name.into(),
                location,
                message,
            });
            continue;
        }
        if !entry.has_hash() {
            sink.issue(ListIssue {
                file: name.into(),
                location,
                message: "no hash in this row".into(),
            });
            continue;
        }
        if entry.id.is_empty() {
            // Without an id column the line number identifies the entry.
            entry.id = line.to_string();
        }
        sink.entry(entry, &location);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{CollectSink, ListFormat, read_list_bytes};

    #[test]
    fn columns_by_name_and_labels() {
        let csv = "ID,Category,PDQ,MD5,source\n\
                   a1,1,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,,x\n\
                   a2,,,00112233445566778899aabbccddeeff,\n\
                   a3,2,zz,,\n\
                   a4,2,,,\n";
        let mut s = CollectSink::default();
        read_list_bytes("l.csv", csv.as_bytes(), ListFormat::Csv, &mut s).unwrap();
        assert_eq!(s.entries.len(), 2);
        assert_eq!(s.entries[0].id, "a1");
        assert_eq!(s.entries[0].category.as_deref(), Some("1"));
        assert_eq!(
            s.entries[0].labels,
            vec![("source".to_string(), "x".to_string())]
        );
        assert!(s.entries[1].md5.is_some());
        assert_eq!(s.issues.len(), 2);
        assert_eq!(s.issues[0].location, "line 4");
        assert!(
            s.issues[0].message.contains("pdq"),
            "{}",
            s.issues[0].message
        );
        assert_eq!(s.issues[1].location, "line 5");
    }

    #[test]
    fn header_without_hash_column_is_an_error() {
        let mut s = CollectSink::default();
        assert!(read_list_bytes("l.csv", b"id,name\n1,x\n", ListFormat::Csv, &mut s).is_err());
    }
}
