//! Fuzz target: the phone finder (and the whole selector pass) on arbitrary text, with and
//! without a default region. Checks that every span maps back to its evidence.
#![no_main]

use cairn_text::selectors::{self, SelectorContext, phone};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for region in [None, Some("FR"), Some("IT")] {
        let ctx = SelectorContext { region };
        for f in phone::find(text, &ctx) {
            assert_eq!(text.get(f.start..f.end), Some(f.evidence.as_str()));
            assert!(f.value.starts_with('+'));
        }
    }
    for f in selectors::extract(text, &SelectorContext { region: Some("DE") }) {
        assert_eq!(text.get(f.start..f.end), Some(f.evidence.as_str()));
    }
});
