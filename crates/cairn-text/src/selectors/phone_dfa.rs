//! How a pattern of libphonenumber's metadata becomes a DFA. Shared, as one file, by `build.rs`
//! (which compiles the main regions' patterns ahead of time) and [`super::phone_meta`] (the other
//! patterns, on first use), so that both build the same automaton.

use regex_automata::dfa::{StartKind, dense};
use regex_automata::util::syntax;

/// Above this many bytes a pattern's DFA is not kept (a regex is used instead).
pub const DFA_SIZE_LIMIT: usize = 1 << 20;

/// `pattern` anchored at its start, and at its end too when `full`.
pub fn anchored(pattern: &str, full: bool) -> String {
    if full {
        format!("^(?:{pattern})$")
    } else {
        format!("^(?:{pattern})")
    }
}

/// The DFA of [`anchored`]`(pattern, full)`; `None` when it would be larger than
/// [`DFA_SIZE_LIMIT`] (or the pattern does not compile).
pub fn build(pattern: &str, full: bool) -> Option<dense::DFA<Vec<u32>>> {
    // The metadata patterns are written with insignificant whitespace. They are only ever run on
    // ASCII digits: without Unicode, `\d` is `[0-9]` instead of every decimal digit of Unicode,
    // which made compiling the patterns a scan meets cost as much as analysing a few hundred
    // records.
    dense::Builder::new()
        .syntax(syntax::Config::new().unicode(false).ignore_whitespace(true))
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .dfa_size_limit(Some(DFA_SIZE_LIMIT))
                .determinize_size_limit(Some(4 * DFA_SIZE_LIMIT)),
        )
        .build(&anchored(pattern, full))
        .ok()
}
