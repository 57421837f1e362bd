//! The one rule of pattern syntax besides the phrase itself: a trailing `*` (after trailing
//! spaces) drops the end boundary. The same file is compiled into build.rs, which reads the
//! embedded lexicon's patterns as the matcher does. Only std.

/// A pattern's phrase, and whether it ended with `*`.
pub fn phrase_and_prefix(raw: &str) -> (&str, bool) {
    match raw.trim_end().strip_suffix('*') {
        Some(phrase) => (phrase, true),
        None => (raw, false),
    }
}
