//! JSON Lines: one object per line, `{"id","text"|"html","url","captured_at","region","lang"}`,
//! all optional except one of `text` and `html` (when both are given, `text` is read and `html`
//! ignored). A bad line gives an error naming `line:N`; the other lines are still read. Lines are
//! read with a bounded buffer: an over-long line is skipped, not loaded.

use std::io::BufRead;

use serde_json::{Map, Value};

use crate::content::{Capture, Class, TextMeta, make_item};
use crate::html::primary_language;
use crate::{IngestError, Item, time};

/// Reads items from a JSON Lines stream.
pub(crate) struct JsonlReader<R: BufRead> {
    reader: R,
    source: String,
    line_no: u64,
    max_value_bytes: u64,
    max_line_bytes: u64,
    done: bool,
}

impl<R: BufRead> JsonlReader<R> {
    pub fn new(reader: R, source: String, max_record_bytes: u64) -> Self {
        JsonlReader {
            reader,
            source,
            line_no: 0,
            max_value_bytes: max_record_bytes,
            // JSON escaping can make a line longer than the value it holds.
            max_line_bytes: max_record_bytes.saturating_mul(2).saturating_add(64 * 1024),
            done: false,
        }
    }

    fn error(&self, message: String) -> Item {
        Item::Error(IngestError {
            source: self.source.clone(),
            locator: format!("line:{}", self.line_no),
            message,
        })
    }

    /// Next line without its newline; `Ok(None)` at the end; `Err(len)` if over the limit.
    fn read_line(&mut self) -> std::io::Result<Option<Result<Vec<u8>, u64>>> {
        let mut line = Vec::new();
        let mut len = 0u64;
        let mut any = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                break;
            }
            any = true;
            let (part, used, end) = match memchr::memchr(b'\n', buf) {
                Some(i) => (&buf[..i], i + 1, true),
                None => (buf, buf.len(), false),
            };
            len += part.len() as u64;
            if len <= self.max_line_bytes {
                line.extend_from_slice(part);
            } else if !line.is_empty() {
                line = Vec::new(); // free it: this line is rejected anyway
            }
            self.reader.consume(used);
            if end {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        if len > self.max_line_bytes {
            return Ok(Some(Err(len)));
        }
        Ok(Some(Ok(line)))
    }

    fn parse(&self, line: &[u8]) -> Result<Item, String> {
        let text = String::from_utf8_lossy(line);
        let value: Value = serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
        let Value::Object(obj) = value else {
            return Err("not a JSON object".into());
        };
        let id = match obj.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err("field 'id' must be a non-empty string or a number".into()),
        };
        let url = opt_string(&obj, "url")?;
        let captured_at = match obj.get("captured_at") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(time::normalize_datetime(s).ok_or_else(|| {
                "field 'captured_at' is not a recognised date-time (RFC 3339 expected)".to_owned()
            })?),
            Some(Value::Number(n)) => Some(
                n.as_i64()
                    .and_then(time::from_unix_seconds)
                    .ok_or("field 'captured_at' is not a valid Unix time")?,
            ),
            Some(_) => return Err("field 'captured_at' must be a string or a number".into()),
        };
        let region = match opt_string(&obj, "region")? {
            None => None,
            Some(r) if r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()) => {
                Some(r.to_ascii_uppercase())
            }
            Some(_) => return Err("field 'region' must be a two-letter country code".into()),
        };
        let lang = opt_string(&obj, "lang")?.and_then(|l| primary_language(&l));
        let (body, class) = match (opt_string(&obj, "text")?, opt_string(&obj, "html")?) {
            (Some(t), _) => (t, Class::Text),
            (None, Some(h)) => (h, Class::Html),
            (None, None) => return Err("neither 'text' nor 'html' is given".into()),
        };
        if body.len() as u64 > self.max_value_bytes {
            return Err(format!(
                "value of {} bytes exceeds the limit of {} bytes",
                body.len(),
                self.max_value_bytes
            ));
        }
        let cap = Capture {
            source: self.source.clone(),
            locator: format!("line:{}", self.line_no),
            url,
            captured_at,
            warc_record_id: None,
        };
        let meta = TextMeta {
            id,
            region,
            declared_lang: lang,
            charset: Some("utf-8".into()),
            content_type: Some(
                if class == Class::Html {
                    "text/html"
                } else {
                    "text/plain"
                }
                .into(),
            ),
        };
        let payload = body.into_bytes();
        // Text is decoded as the UTF-8 it is; HTML goes through the parser.
        let item = make_item(&cap, payload.clone(), &payload, class, meta);
        Ok(item)
    }
}

fn opt_string(obj: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("field '{key}' must be a string")),
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        while !self.done {
            let line = match self.read_line() {
                Ok(Some(l)) => l,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    self.line_no += 1;
                    return Some(self.error(format!("read error: {e}")));
                }
            };
            self.line_no += 1;
            let line = match line {
                Ok(l) => l,
                Err(len) => {
                    return Some(self.error(format!(
                        "line of {len} bytes exceeds the limit of {} bytes",
                        self.max_line_bytes
                    )));
                }
            };
            let mut bytes: &[u8] = &line;
            if self.line_no == 1 {
                bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            }
            let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(match self.parse(bytes) {
                Ok(item) => item,
                Err(message) => self.error(message),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str) -> Vec<Item> {
        JsonlReader::new(input.as_bytes(), "ads.jsonl".into(), 1000).collect()
    }

    #[test]
    fn fields_and_errors() {
        let items = read(concat!(
            "{\"id\": 7, \"text\": \"Call 06 12\", \"url\": \"https://x.example.fr/a\", ",
            "\"captured_at\": \"2024-05-01T12:00:00+02:00\", \"region\": \"fr\", \"lang\": \"fr-FR\"}\n",
            "\n",
            "not json\n",
            "{\"html\": \"<html lang=nl><p>Hallo &amp; welkom</p>\"}\r\n",
            "{\"url\": \"x\"}\n",
            "[1,2]\n",
            "{\"text\": \"caf\\u00e9\", \"region\": \"France\"}\n",
        ));
        assert_eq!(items.len(), 6);
        let Item::Record(r) = &items[0] else {
            panic!("{:?}", items[0])
        };
        assert_eq!(r.id, "7");
        assert_eq!(r.text, "Call 06 12");
        assert_eq!(r.provenance.locator, "line:1");
        assert_eq!(
            r.provenance.captured_at.as_deref(),
            Some("2024-05-01T10:00:00Z")
        );
        assert_eq!(r.region.as_deref(), Some("FR"));
        assert_eq!(r.declared_lang.as_deref(), Some("fr"));
        assert_eq!(r.payload, b"Call 06 12");
        assert_eq!(r.provenance.sha256, cairn_core::sha256_hex(b"Call 06 12"));
        let Item::Error(e) = &items[1] else { panic!() };
        assert_eq!(
            (e.locator.as_str(), e.source.as_str()),
            ("line:3", "ads.jsonl")
        );
        let Item::Record(r) = &items[2] else {
            panic!("{:?}", items[2])
        };
        assert_eq!(r.text, "Hallo & welkom");
        assert_eq!(r.declared_lang.as_deref(), Some("nl"));
        assert_eq!(r.provenance.locator, "line:4");
        assert!(r.id.starts_with("r-"));
        assert_eq!(r.content_type.as_deref(), Some("text/html"));
        for (i, line) in [(3, "line:5"), (4, "line:6"), (5, "line:7")] {
            let Item::Error(e) = &items[i] else {
                panic!("{:?}", items[i])
            };
            assert_eq!(e.locator, line);
        }
    }

    #[test]
    fn long_lines_and_invalid_utf8() {
        let long = format!(
            "{{\"text\": \"{}\"}}\n{{\"text\": \"ok\"}}\n",
            "x".repeat(5000)
        );
        let items = read(&long);
        assert!(matches!(&items[0], Item::Error(e) if e.message.contains("exceeds")));
        assert!(matches!(&items[1], Item::Record(r) if r.text == "ok"));
        let bytes = b"{\"text\": \"caf\xe9\"}\n";
        let items: Vec<Item> = JsonlReader::new(&bytes[..], "-".into(), 1000).collect();
        assert!(matches!(&items[0], Item::Record(r) if r.text == "caf\u{fffd}"));
    }
}
