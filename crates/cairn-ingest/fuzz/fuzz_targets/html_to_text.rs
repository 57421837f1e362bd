//! HTML to text on arbitrary bytes, with and without a declared charset.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (label, html) = match data.split_first() {
        Some((b, rest)) if b % 4 == 0 => (Some("windows-1251"), rest),
        Some((b, rest)) if b % 4 == 1 => (Some("utf-8"), rest),
        _ => (None, data),
    };
    let out = cairn_ingest::html_to_text(html, label);
    assert!(!out.text.starts_with(char::is_whitespace));
});
