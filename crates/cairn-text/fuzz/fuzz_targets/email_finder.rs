//! Fuzz target: the e-mail finder on arbitrary text. Checks spans and the shape of values.
#![no_main]

use cairn_text::selectors::email;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for f in email::find(text) {
        assert_eq!(text.get(f.start..f.end), Some(f.evidence.as_str()));
        assert_eq!(f.value.matches('@').count(), 1, "{}", f.value);
        assert_eq!(f.value, f.value.to_lowercase());
    }
});
