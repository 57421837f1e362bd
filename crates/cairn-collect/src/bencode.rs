//! Bencode (BEP 3) decoder that keeps, for every value, its byte span in the input: the v1 and
//! v2 infohashes are hashes of the `info` dictionary exactly as it was written. Strict where it
//! matters for hashing (canonical integers, no trailing bytes), bounded in depth, never panics.

use std::collections::BTreeMap;

/// Nesting deeper than this is refused (a crafted file must not exhaust the stack).
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    Int(i64),
    Bytes(&'a [u8]),
    List(Vec<Node<'a>>),
    /// Keys in file order are sorted by the format; a map keeps them sorted.
    Dict(BTreeMap<&'a [u8], Node<'a>>),
}

/// A value and the bytes it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node<'a> {
    pub value: Value<'a>,
    pub raw: &'a [u8],
}

impl<'a> Node<'a> {
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match &self.value {
            Value::Dict(d) => d.get(key.as_bytes()),
            _ => None,
        }
    }
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match self.value {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&'a str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }
    pub fn as_int(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }
    pub fn as_list(&self) -> Option<&[Node<'a>]> {
        match &self.value {
            Value::List(l) => Some(l),
            _ => None,
        }
    }
    pub fn as_dict(&self) -> Option<&BTreeMap<&'a [u8], Node<'a>>> {
        match &self.value {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bencode at byte {offset}: {reason}")]
pub struct BencodeError {
    pub offset: usize,
    pub reason: &'static str,
}

/// Decodes one complete value; bytes after it are an error.
pub fn decode(input: &[u8]) -> Result<Node<'_>, BencodeError> {
    let mut p = Parser { input, pos: 0 };
    let node = p.value(0)?;
    if p.pos != input.len() {
        return Err(p.err("trailing bytes after the value"));
    }
    Ok(node)
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, reason: &'static str) -> BencodeError {
        BencodeError {
            offset: self.pos,
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, BencodeError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        let start = self.pos;
        let value = match self.peek() {
            None => return Err(self.err("unexpected end")),
            Some(b'i') => {
                self.pos += 1;
                let n = self.integer(b'e')?;
                Value::Int(n)
            }
            Some(b'l') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    match self.peek() {
                        None => return Err(self.err("unterminated list")),
                        Some(b'e') => {
                            self.pos += 1;
                            break;
                        }
                        Some(_) => items.push(self.value(depth + 1)?),
                    }
                }
                Value::List(items)
            }
            Some(b'd') => {
                self.pos += 1;
                let mut map = BTreeMap::new();
                let mut last: Option<&[u8]> = None;
                loop {
                    match self.peek() {
                        None => return Err(self.err("unterminated dictionary")),
                        Some(b'e') => {
                            self.pos += 1;
                            break;
                        }
                        Some(b'0'..=b'9') => {
                            let key = self.string()?;
                            // Unsorted keys are tolerated (some writers get it wrong and the
                            // hash is over the raw bytes anyway); duplicates are not.
                            if last == Some(key) || map.contains_key(key) {
                                return Err(self.err("duplicate dictionary key"));
                            }
                            last = Some(key);
                            let v = self.value(depth + 1)?;
                            map.insert(key, v);
                        }
                        Some(_) => return Err(self.err("dictionary key is not a string")),
                    }
                }
                Value::Dict(map)
            }
            Some(b'0'..=b'9') => Value::Bytes(self.string()?),
            Some(_) => return Err(self.err("not a bencode value")),
        };
        Ok(Node {
            value,
            raw: &self.input[start..self.pos],
        })
    }

    /// Canonical decimal integer up to `end` (no leading zeros, no `-0`).
    fn integer(&mut self, end: u8) -> Result<i64, BencodeError> {
        let start = self.pos;
        let rest = &self.input[start..];
        let len = rest
            .iter()
            .position(|&b| b == end)
            .ok_or_else(|| self.err("unterminated integer"))?;
        let digits = &rest[..len];
        let (neg, body) = match digits.split_first() {
            Some((b'-', b)) => (true, b),
            _ => (false, digits),
        };
        if body.is_empty()
            || !body.iter().all(u8::is_ascii_digit)
            || (body.len() > 1 && body[0] == b'0')
            || (neg && body == b"0")
        {
            return Err(self.err("malformed integer"));
        }
        let text = std::str::from_utf8(digits).map_err(|_| self.err("malformed integer"))?;
        let n: i64 = text.parse().map_err(|_| self.err("integer out of range"))?;
        self.pos = start + len + 1;
        Ok(n)
    }

    fn string(&mut self) -> Result<&'a [u8], BencodeError> {
        let len = self.integer(b':')?;
        let len = usize::try_from(len).map_err(|_| self.err("negative string length"))?;
        let end = self
            .pos
            .checked_add(len)
            .filter(|&e| e <= self.input.len())
            .ok_or_else(|| self.err("string runs past the end"))?;
        let s = &self.input[self.pos..end];
        self.pos = end;
        Ok(s)
    }
}

/// Encodes a value (for tests and for building fixtures).
pub fn encode(v: &Value<'_>, out: &mut Vec<u8>) {
    match v {
        Value::Int(i) => out.extend_from_slice(format!("i{i}e").as_bytes()),
        Value::Bytes(b) => {
            out.extend_from_slice(format!("{}:", b.len()).as_bytes());
            out.extend_from_slice(b);
        }
        Value::List(l) => {
            out.push(b'l');
            for n in l {
                encode(&n.value, out);
            }
            out.push(b'e');
        }
        Value::Dict(d) => {
            out.push(b'd');
            for (k, n) in d {
                out.extend_from_slice(format!("{}:", k.len()).as_bytes());
                out.extend_from_slice(k);
                encode(&n.value, out);
            }
            out.push(b'e');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_and_keeps_raw_spans() {
        let input = b"d4:infod4:name3:abc6:lengthi5ee3:numi-3e4:listl1:ai0eee";
        let n = decode(input).unwrap();
        let info = n.get("info").unwrap();
        assert_eq!(info.raw, b"d4:name3:abc6:lengthi5ee");
        assert_eq!(info.get("name").unwrap().as_str(), Some("abc"));
        assert_eq!(n.get("num").unwrap().as_int(), Some(-3));
        assert_eq!(n.get("list").unwrap().as_list().unwrap().len(), 2);
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            &b"i03e"[..],
            b"i-0e",
            b"ie",
            b"i12",
            b"5:abc",
            b"d1:ai1e1:ai2ee",
            b"di1ei2ee",
            b"l",
            b"x",
            b"i1ei2e",
            b"-1:a",
            b"99999999999999999999:a",
        ] {
            assert!(decode(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = format!("{}{}", "l".repeat(MAX_DEPTH + 5), "e".repeat(MAX_DEPTH + 5));
        assert!(decode(deep.as_bytes()).is_err());
    }

    fn arb_value() -> impl Strategy<Value = Vec<u8>> {
        let leaf = prop_oneof![
            any::<i64>().prop_map(|i| format!("i{i}e").into_bytes()),
            proptest::collection::vec(any::<u8>(), 0..12).prop_map(|b| {
                let mut out = format!("{}:", b.len()).into_bytes();
                out.extend_from_slice(&b);
                out
            }),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(|items| {
                    let mut out = vec![b'l'];
                    for i in items {
                        out.extend_from_slice(&i);
                    }
                    out.push(b'e');
                    out
                }),
                proptest::collection::btree_map("[a-z]{1,6}", inner, 0..6).prop_map(|m| {
                    let mut out = vec![b'd'];
                    for (k, v) in m {
                        out.extend_from_slice(format!("{}:{k}", k.len()).as_bytes());
                        out.extend_from_slice(&v);
                    }
                    out.push(b'e');
                    out
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn canonical_input_round_trips(bytes in arb_value()) {
            let n = decode(&bytes).unwrap();
            prop_assert_eq!(n.raw, &bytes[..]);
            let mut again = Vec::new();
            encode(&n.value, &mut again);
            prop_assert_eq!(again, bytes);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode(&bytes);
        }
    }
}
