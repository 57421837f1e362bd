//! Fuzz target: the IBAN finder on arbitrary text. Checks spans, and that every value is a
//! compact, upper-case IBAN that passes the mod-97 check.
#![no_main]

use cairn_text::selectors::iban;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut last_end = 0;
    for f in iban::find(text) {
        assert_eq!(text.get(f.start..f.end), Some(f.evidence.as_str()));
        assert!(f.start >= last_end, "overlapping IBANs");
        last_end = f.end;
        assert!(
            f.value
                .bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
            "{}",
            f.value
        );
        assert!(iban::mod97_ok(f.value.as_bytes()), "{}", f.value);
    }
});
