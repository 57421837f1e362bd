//! Guard lexicons: versioned data files of phrases per signal and language, expanded and matched
//! on normalised text.
//!
//! File format (`data/lexicon/<lang>.txt`), one phrase pattern a line:
//!
//! ```text
//! @id guard-en
//! @version 1.0.0
//! @lang en
//! [secrecy]
//! (dont|do not) tell (anyone|anybody|ur mum)
//! [its|this is] our [little] secret
//! ```
//!
//! `(a|b)` picks one alternative, `[a|b]` picks one or none, groups nest, `{minor_age}` stands for
//! the ages 10 to 17, `#` starts a comment. Every expanded phrase is normalised like the chat text
//! (see [`crate::norm`]), so the file is written in plain spelling and still matches leetspeak,
//! accents and letter runs.

use crate::norm::NormText;
use std::collections::HashMap;

/// Most phrases one pattern line may expand to: a typo in a pattern must not explode the
/// automaton.
const MAX_EXPANSIONS: usize = 8192;

/// A lexicon file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexiconError {
    #[error("lexicon {file}, line {line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("lexicon {file}: missing header `@{field}`")]
    Header { file: String, field: &'static str },
}

/// Where one phrase came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Index into the signal table.
    pub signal: u16,
    /// Rule id `lexicon-id@version:line`.
    pub rule: String,
}

/// All lexicon files, expanded: normalised phrase (padded with spaces) to its entries.
#[derive(Debug, Default)]
pub struct Lexicon {
    pub phrases: Vec<String>,
    pub entries: Vec<Vec<Entry>>,
    /// `id@version` of every file loaded, for provenance.
    pub versions: Vec<String>,
}

impl Lexicon {
    /// Adds one lexicon file. `signal_index` resolves a section name to its signal, `None` for a
    /// name no signal has (an error: the lexicon may not invent signals).
    pub fn add_file(
        &mut self,
        file: &str,
        text: &str,
        signal_index: &dyn Fn(&str) -> Option<u16>,
    ) -> Result<(), LexiconError> {
        let mut id = None;
        let mut version = None;
        let mut section: Option<u16> = None;
        let mut index: HashMap<String, usize> = self
            .phrases
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i))
            .collect();
        let err = |line: usize, message: String| LexiconError::Syntax {
            file: file.to_owned(),
            line,
            message,
        };
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix('@') {
                let (key, value) = rest.split_once(' ').unwrap_or((rest, ""));
                match key {
                    "id" => id = Some(value.trim().to_owned()),
                    "version" => version = Some(value.trim().to_owned()),
                    "lang" | "source" => {}
                    other => return Err(err(line_no, format!("unknown header `@{other}`"))),
                }
                continue;
            }
            if line.starts_with('[') && line.ends_with(']') && !line[1..].contains('[') {
                let name = &line[1..line.len() - 1];
                section = Some(
                    signal_index(name)
                        .ok_or_else(|| err(line_no, format!("unknown signal `{name}`")))?,
                );
                continue;
            }
            let Some(signal) = section else {
                return Err(err(line_no, "phrase before any [signal] section".into()));
            };
            let (Some(id), Some(version)) = (&id, &version) else {
                return Err(LexiconError::Header {
                    file: file.to_owned(),
                    field: if id.is_none() { "id" } else { "version" },
                });
            };
            let rule = format!("{id}@{version}:{line_no}");
            let phrases = expand(line).map_err(|m| err(line_no, m))?;
            for p in phrases {
                let norm = NormText::new(&p);
                if norm.as_str().trim().is_empty() {
                    continue;
                }
                let key = norm.as_str().to_owned();
                let slot = *index.entry(key.clone()).or_insert_with(|| {
                    self.phrases.push(key);
                    self.entries.push(Vec::new());
                    self.phrases.len() - 1
                });
                let entries = &mut self.entries[slot];
                if !entries.iter().any(|e| e.signal == signal) {
                    entries.push(Entry {
                        signal,
                        rule: rule.clone(),
                    });
                }
            }
        }
        match (id, version) {
            (Some(id), Some(version)) => {
                self.versions.push(format!("{id}@{version}"));
                Ok(())
            }
            (None, _) => Err(LexiconError::Header {
                file: file.to_owned(),
                field: "id",
            }),
            (_, None) => Err(LexiconError::Header {
                file: file.to_owned(),
                field: "version",
            }),
        }
    }
}

/// A parsed pattern: a sequence of literal text and groups.
enum Node {
    Text(String),
    Group {
        alts: Vec<Vec<Node>>,
        optional: bool,
    },
}

/// Expands one pattern line into its phrases.
pub fn expand(pattern: &str) -> Result<Vec<String>, String> {
    let pattern = pattern.replace("{minor_age}", "(10|11|12|13|14|15|16|17)");
    let chars: Vec<char> = pattern.chars().collect();
    let mut pos = 0;
    let seq = parse_seq(&chars, &mut pos, None)?;
    if pos != chars.len() {
        return Err(format!("unexpected `{}`", chars[pos]));
    }
    let mut out = expand_seq(&seq)?;
    for p in &mut out {
        *p = p.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    out.retain(|p| !p.is_empty());
    out.sort();
    out.dedup();
    Ok(out)
}

fn parse_seq(chars: &[char], pos: &mut usize, close: Option<char>) -> Result<Vec<Node>, String> {
    let mut seq = Vec::new();
    let mut text = String::new();
    while *pos < chars.len() {
        let c = chars[*pos];
        match c {
            '(' | '[' => {
                if !text.is_empty() {
                    seq.push(Node::Text(std::mem::take(&mut text)));
                }
                *pos += 1;
                let end = if c == '(' { ')' } else { ']' };
                let mut alts = vec![parse_seq(chars, pos, Some(end))?];
                while *pos < chars.len() && chars[*pos] == '|' {
                    *pos += 1;
                    alts.push(parse_seq(chars, pos, Some(end))?);
                }
                if *pos >= chars.len() || chars[*pos] != end {
                    return Err(format!("unclosed `{c}`"));
                }
                *pos += 1;
                seq.push(Node::Group {
                    alts,
                    optional: c == '[',
                });
            }
            '|' | ')' | ']' if close.is_some() => break,
            ')' | ']' | '|' => return Err(format!("unexpected `{c}`")),
            _ => {
                text.push(c);
                *pos += 1;
            }
        }
    }
    if !text.is_empty() {
        seq.push(Node::Text(text));
    }
    Ok(seq)
}

fn expand_seq(seq: &[Node]) -> Result<Vec<String>, String> {
    let mut acc = vec![String::new()];
    for node in seq {
        let options: Vec<String> = match node {
            Node::Text(t) => vec![t.clone()],
            Node::Group { alts, optional } => {
                let mut v = Vec::new();
                for alt in alts {
                    v.extend(expand_seq(alt)?);
                }
                if *optional {
                    v.push(String::new());
                }
                v
            }
        };
        if acc.len().saturating_mul(options.len()) > MAX_EXPANSIONS {
            return Err(format!(
                "pattern expands to more than {MAX_EXPANSIONS} phrases"
            ));
        }
        acc = acc
            .iter()
            .flat_map(|a| options.iter().map(move |o| format!("{a}{o}")))
            .collect();
    }
    Ok(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_groups_and_options() {
        let got = expand("(dont|do not) tell [any]one").unwrap_or_default();
        assert_eq!(
            got,
            vec![
                "do not tell anyone",
                "do not tell one",
                "dont tell anyone",
                "dont tell one"
            ]
        );
        let got = expand("[its|this is] our secret").unwrap_or_default();
        assert_eq!(
            got,
            vec!["its our secret", "our secret", "this is our secret"]
        );
        assert_eq!(expand("im {minor_age}").map(|v| v.len()), Ok(8));
    }

    #[test]
    fn rejects_bad_patterns() {
        assert!(expand("(a|b").is_err());
        assert!(expand("a)").is_err());
        assert!(
            expand(
                "(a|b|c|d|e|f|g|h) (a|b|c|d|e|f|g|h) (a|b|c|d|e|f|g|h) (a|b|c|d|e|f|g|h) (a|b|c)"
            )
            .is_err()
        );
    }

    #[test]
    fn file_errors_name_file_and_line() {
        let mut lex = Lexicon::default();
        let idx = |s: &str| (s == "secrecy").then_some(0u16);
        let e = lex.add_file("x.txt", "@id x\n@version 1\n[nope]\nfoo\n", &idx);
        assert_eq!(
            e,
            Err(LexiconError::Syntax {
                file: "x.txt".into(),
                line: 3,
                message: "unknown signal `nope`".into()
            })
        );
        assert!(
            lex.add_file(
                "y.txt",
                "@id y\n@version 2\n[secrecy]\nour secret # c\n",
                &idx
            )
            .is_ok()
        );
        assert_eq!(lex.phrases, vec![" our secret "]);
        assert_eq!(lex.entries[0][0].rule, "y@2:4");
    }
}
