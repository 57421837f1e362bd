//! JSON Lines: one object per line, `{"id","text"|"html","url","captured_at","region","lang"}`,
//! all optional except one of `text` and `html` (when both are given, `text` is read and `html`
//! ignored). A bad line gives an error naming `line:N`; the other lines are still read. Lines are
//! read with a bounded buffer: an over-long line is skipped, not loaded.

use std::borrow::Cow;
use std::io::BufRead;
use std::sync::Arc;

use cairn_core::Record;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

use crate::content::{Capture, Class, TextMeta, make_item, make_utf8_text_item};
use crate::html::primary_language;
use crate::{IngestError, IngestOptions, Item, time};

/// Reads items from a JSON Lines stream.
pub(crate) struct JsonlReader<R: BufRead> {
    reader: R,
    /// Shared with the lines given unparsed.
    source: Arc<str>,
    line_no: u64,
    max_value_bytes: u64,
    max_line_bytes: u64,
    /// See [`IngestOptions::keep_payload`].
    keep_payload: bool,
    /// See [`IngestOptions::defer_json_lines`].
    defer: bool,
    /// The line being read, reused from line to line.
    line: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonlReader<R> {
    pub fn new(reader: R, source: &str, opts: IngestOptions) -> Self {
        JsonlReader {
            reader,
            source: Arc::from(source),
            line_no: 0,
            max_value_bytes: opts.max_record_bytes,
            // JSON escaping can make a line longer than the value it holds.
            max_line_bytes: opts
                .max_record_bytes
                .saturating_mul(2)
                .saturating_add(64 * 1024),
            keep_payload: opts.keep_payload,
            defer: opts.defer_json_lines,
            line: Vec::new(),
            done: false,
        }
    }

    fn error(&self, message: String) -> Item {
        self.context().error(message)
    }

    /// Next line without its newline; `Ok(None)` at the end; `Err(len)` if over the limit.
    /// The line comes in the reader's reused buffer (see [`JsonlReader::give_back`]).
    fn read_line(&mut self) -> std::io::Result<Option<Result<Vec<u8>, u64>>> {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
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

    /// Keeps a line's buffer for the next line, unless a long line made it large.
    fn give_back(&mut self, line: Vec<u8>) {
        const KEPT_LINE_CAPACITY: usize = 1 << 20;
        if line.capacity() <= KEPT_LINE_CAPACITY {
            self.line = line;
        }
    }

    fn context(&self) -> LineContext<'_> {
        LineContext {
            source: &self.source,
            line_no: self.line_no,
            max_value_bytes: self.max_value_bytes,
            keep_payload: self.keep_payload,
        }
    }
}

/// A JSON Lines line read and not parsed yet ([`IngestOptions::defer_json_lines`]):
/// [`JsonLine::parse`] makes its item on whichever thread calls it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonLine {
    source: Arc<str>,
    line_no: u64,
    /// The line without its newline, byte-order mark or carriage return.
    bytes: Vec<u8>,
    max_value_bytes: u64,
    keep_payload: bool,
}

impl JsonLine {
    /// Bytes of the line as read.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// The line's record, or an error item that names the line: the item the reader would
    /// have given without deferring.
    pub fn parse(&self) -> Item {
        self.context().item(&self.bytes)
    }

    fn context(&self) -> LineContext<'_> {
        LineContext {
            source: &self.source,
            line_no: self.line_no,
            max_value_bytes: self.max_value_bytes,
            keep_payload: self.keep_payload,
        }
    }

    /// [`JsonLine::parse`] for a caller that wants a record: the line's error otherwise.
    pub fn parse_record(&self) -> Result<Record, IngestError> {
        match self.parse() {
            Item::Record(r) => Ok(r),
            Item::Error(e) => Err(e),
            // A JSON Lines value is text or HTML, never an image nor a line.
            Item::Media(_) | Item::Line(_) | Item::Warc(_) => {
                Err(self.context().rejection("not a text record"))
            }
        }
    }
}

/// What parsing a line needs besides its bytes.
struct LineContext<'a> {
    source: &'a str,
    line_no: u64,
    max_value_bytes: u64,
    keep_payload: bool,
}

impl LineContext<'_> {
    fn locator(&self) -> String {
        format!("line:{}", self.line_no)
    }

    fn rejection(&self, message: impl Into<String>) -> IngestError {
        IngestError {
            source: self.source.to_owned(),
            locator: self.locator(),
            message: message.into(),
        }
    }

    fn error(&self, message: String) -> Item {
        Item::Error(self.rejection(message))
    }

    /// The item of a line (without its newline, byte-order mark or carriage return): a
    /// record, or an error that names the line.
    fn item(&self, line: &[u8]) -> Item {
        let mut item = self
            .parse(line)
            .unwrap_or_else(|message| self.error(message));
        if !self.keep_payload
            && let Item::Record(r) = &mut item
        {
            r.payload = Vec::new();
        }
        item
    }

    fn parse(&self, line: &[u8]) -> Result<Item, String> {
        // Valid UTF-8 (nearly every line) is checked once, with SIMD; the lossy conversion,
        // several times slower per byte, only for the rest.
        let text = match simdutf8::basic::from_utf8(line) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(line),
        };
        // Only the fields Cairn reads are kept (strings borrowed from the line where they have
        // no escapes); other values are skipped without being built.
        let obj: Fields<'_> = serde_json::from_str(&text).map_err(|e| {
            if e.is_data() {
                "not a JSON object".to_owned()
            } else {
                format!("invalid JSON: {e}")
            }
        })?;
        let id = match obj.id {
            None | Some(Field::Null) => None,
            Some(Field::Str(s)) if !s.is_empty() => Some(s.into_owned()),
            Some(Field::Num(n)) => Some(n.to_string()),
            Some(_) => return Err("field 'id' must be a non-empty string or a number".into()),
        };
        let url = opt_string(obj.url, "url")?.map(Cow::into_owned);
        let captured_at = match obj.captured_at {
            None | Some(Field::Null) => None,
            Some(Field::Str(s)) if s.trim().is_empty() => None,
            Some(Field::Str(s)) => Some(time::normalize_datetime(&s).ok_or_else(|| {
                "field 'captured_at' is not a recognised date-time (RFC 3339 expected)".to_owned()
            })?),
            Some(Field::Num(n)) => Some(
                n.as_i64()
                    .and_then(time::from_unix_seconds)
                    .ok_or("field 'captured_at' is not a valid Unix time")?,
            ),
            Some(_) => return Err("field 'captured_at' must be a string or a number".into()),
        };
        let region = match opt_string(obj.region, "region")? {
            None => None,
            Some(r) if r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()) => {
                Some(r.to_ascii_uppercase())
            }
            Some(_) => return Err("field 'region' must be a two-letter country code".into()),
        };
        let lang = opt_string(obj.lang, "lang")?.and_then(|l| primary_language(&l));
        let (body, class) = match (opt_string(obj.text, "text")?, opt_string(obj.html, "html")?) {
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
            source: self.source.to_owned(),
            locator: self.locator(),
            url,
            captured_at,
            warc_record_id: None,
        };
        let mut meta = TextMeta {
            id,
            region,
            declared_lang: lang,
            charset: None,
            content_type: Some(
                if class == Class::Html {
                    "text/html"
                } else {
                    "text/plain"
                }
                .into(),
            ),
        };
        // Text is the UTF-8 it is (a byte-order mark aside, which decoding drops); HTML goes
        // through the parser.
        if class == Class::Text && !body.starts_with('\u{FEFF}') {
            let text = body.into_owned();
            return Ok(make_utf8_text_item(cap, text, meta, self.keep_payload));
        }
        meta.charset = Some("utf-8".into());
        let payload = body.into_owned().into_bytes();
        Ok(make_item(cap, payload.clone(), &payload, class, meta))
    }
}

fn opt_string<'a>(field: Option<Field<'a>>, key: &str) -> Result<Option<Cow<'a, str>>, String> {
    match field {
        None | Some(Field::Null) => Ok(None),
        Some(Field::Str(s)) if s.is_empty() => Ok(None),
        Some(Field::Str(s)) => Ok(Some(s)),
        Some(_) => Err(format!("field '{key}' must be a string")),
    }
}

/// The fields of a JSON Lines object that Cairn reads (when a key repeats, the last one counts).
#[derive(Default)]
struct Fields<'a> {
    id: Option<Field<'a>>,
    text: Option<Field<'a>>,
    html: Option<Field<'a>>,
    url: Option<Field<'a>>,
    captured_at: Option<Field<'a>>,
    region: Option<Field<'a>>,
    lang: Option<Field<'a>>,
}

/// One value, as far as Cairn needs to know it.
enum Field<'a> {
    Null,
    Str(Cow<'a, str>),
    Num(Number),
    /// A boolean, an array or an object.
    Other,
}

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Fields::default();
                while let Some(key) = map.next_key::<Key>()? {
                    let slot = match key {
                        Key::Id => &mut fields.id,
                        Key::Text => &mut fields.text,
                        Key::Html => &mut fields.html,
                        Key::Url => &mut fields.url,
                        Key::CapturedAt => &mut fields.captured_at,
                        Key::Region => &mut fields.region,
                        Key::Lang => &mut fields.lang,
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = Some(map.next_value()?);
                }
                Ok(fields)
            }
        }
        d.deserialize_map(Object)
    }
}

/// A key of the object: one of the fields Cairn reads, or another.
enum Key {
    Id,
    Text,
    Html,
    Url,
    CapturedAt,
    Region,
    Lang,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "id" => Key::Id,
                    "text" => Key::Text,
                    "html" => Key::Html,
                    "url" => Key::Url,
                    "captured_at" => Key::CapturedAt,
                    "region" => Key::Region,
                    "lang" => Key::Lang,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_str(Name)
    }
}

impl<'de> Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = Field<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Field<'de>, E> {
                Ok(Field::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Field<'de>, E> {
                Ok(Field::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Field<'de>, E> {
                Ok(Field::Str(Cow::Owned(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Field<'de>, E> {
                Ok(Field::Num(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Field<'de>, E> {
                Ok(Field::Num(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Field<'de>, E> {
                Ok(Number::from_f64(v).map_or(Field::Other, Field::Num))
            }
            fn visit_unit<E>(self) -> Result<Field<'de>, E> {
                Ok(Field::Null)
            }
            fn visit_none<E>(self) -> Result<Field<'de>, E> {
                Ok(Field::Null)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Field<'de>, E> {
                Ok(Field::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Field::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Field::Other)
            }
        }
        d.deserialize_any(Any)
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
            // Without a byte-order mark (first line) and a carriage return.
            let start = if self.line_no == 1 && line.starts_with(b"\xef\xbb\xbf") {
                3
            } else {
                0
            };
            let end = if line[start..].ends_with(b"\r") {
                line.len() - 1
            } else {
                line.len()
            };
            let bytes = &line[start..end];
            if bytes.iter().all(u8::is_ascii_whitespace) {
                self.give_back(line);
                continue;
            }
            if self.defer {
                // The line leaves with its buffer (the next line gets a new one).
                let mut line = line;
                line.truncate(end);
                line.drain(..start);
                return Some(Item::Line(JsonLine {
                    source: Arc::clone(&self.source),
                    line_no: self.line_no,
                    bytes: line,
                    max_value_bytes: self.max_value_bytes,
                    keep_payload: self.keep_payload,
                }));
            }
            let item = self.context().item(bytes);
            self.give_back(line);
            return Some(item);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(max_record_bytes: u64) -> IngestOptions {
        IngestOptions {
            max_record_bytes,
            ..IngestOptions::default()
        }
    }

    fn read(input: &str) -> Vec<Item> {
        JsonlReader::new(input.as_bytes(), "ads.jsonl", limit(1000)).collect()
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

    /// A text value is its own payload; one that starts with a byte-order mark is decoded as
    /// before (the mark dropped from the text, kept in the payload), the same record either way
    /// as through the general decoder.
    #[test]
    fn text_values_are_their_payload_and_a_leading_bom_is_dropped() {
        let items = read(concat!(
            "{\"text\": \"Sofia \\u0431\\u0433 06 12\"}\n",
            "{\"text\": \"\\u00ef\\u00bb\\u00bfnot a bom\"}\n",
            "{\"text\": \"\\ufeffwith bom\"}\n",
        ));
        let texts: Vec<(&str, &[u8])> = items
            .iter()
            .map(|i| match i {
                Item::Record(r) => (r.text.as_str(), r.payload.as_slice()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(texts[0], ("Sofia бг 06 12", "Sofia бг 06 12".as_bytes()));
        assert_eq!(texts[1].0, "\u{ef}\u{bb}\u{bf}not a bom");
        assert_eq!(texts[2], ("with bom", "\u{feff}with bom".as_bytes()));
        for (item, line) in items.iter().zip(1..) {
            let Item::Record(r) = item else { continue };
            assert_eq!(r.provenance.sha256, cairn_core::sha256_hex(&r.payload));
            assert_eq!(r.provenance.locator, format!("line:{line}"));
            assert_eq!(r.content_type.as_deref(), Some("text/plain"));
            let general = make_item(
                Capture {
                    source: "ads.jsonl".into(),
                    locator: format!("line:{line}"),
                    url: None,
                    captured_at: None,
                    warc_record_id: None,
                },
                r.payload.clone(),
                &r.payload,
                Class::Text,
                TextMeta {
                    id: None,
                    region: None,
                    declared_lang: None,
                    charset: Some("utf-8".into()),
                    content_type: Some("text/plain".into()),
                },
            );
            let Item::Record(g) = general else {
                panic!("{general:?}")
            };
            assert_eq!(&g, r);
        }
    }

    #[test]
    fn only_the_known_fields_are_read_whatever_else_the_object_holds() {
        let items = read(concat!(
            // Other fields of any shape are skipped; an escaped key is still its name.
            "{\"meta\": {\"a\": [1, {\"b\": null}], \"c\": true}, \"t\\u0065xt\": \"ok \\u00e9\", \"n\": 1.5e3}\n",
            // A repeated key: the last one counts, as in a JSON object model.
            "{\"text\": \"first\", \"text\": \"second\", \"id\": 2.5}\n",
            "{\"text\": \"x\", \"url\": false}\n",
            "{\"text\": \"x\", \"id\": \"\"}\n",
            "{\"text\": \"x\", \"captured_at\": [1]}\n",
            "42\n",
            "\"text\"\n",
            "{\"text\": \"x\"} trailing\n",
            "{\"text\": \"x\",}\n",
        ));
        let Item::Record(r) = &items[0] else {
            panic!("{:?}", items[0])
        };
        assert_eq!(r.text, "ok \u{e9}");
        let Item::Record(r) = &items[1] else {
            panic!("{:?}", items[1])
        };
        assert_eq!((r.text.as_str(), r.id.as_str()), ("second", "2.5"));
        let messages: Vec<String> = items[2..]
            .iter()
            .map(|i| match i {
                Item::Error(e) => format!("{}: {}", e.locator, e.message),
                other => format!("not an error: {other:?}"),
            })
            .collect();
        assert_eq!(messages[0], "line:3: field 'url' must be a string");
        assert_eq!(
            messages[1],
            "line:4: field 'id' must be a non-empty string or a number"
        );
        assert_eq!(
            messages[2],
            "line:5: field 'captured_at' must be a string or a number"
        );
        assert_eq!(messages[3], "line:6: not a JSON object");
        assert_eq!(messages[4], "line:7: not a JSON object");
        assert!(
            messages[5].starts_with("line:8: invalid JSON: trailing characters"),
            "{}",
            messages[5]
        );
        assert!(
            messages[6].starts_with("line:9: invalid JSON:"),
            "{}",
            messages[6]
        );
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
        let items: Vec<Item> = JsonlReader::new(&bytes[..], "-", limit(1000)).collect();
        assert!(matches!(&items[0], Item::Record(r) if r.text == "caf\u{fffd}"));
    }
}
