//! The detector on arbitrary text: no panic, spans always slice the message.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(g) = cairn_guard::Guard::embedded() else { return };
    let mut s = g.session();
    for (i, part) in text.split('\n').take(16).enumerate() {
        let u = s.push(&cairn_guard::Message::new(if i % 2 == 0 { "a" } else { "b" }, part));
        for sig in u.signals {
            assert_eq!(part.get(sig.start..sig.end), Some(sig.evidence.as_str()));
        }
    }
});
