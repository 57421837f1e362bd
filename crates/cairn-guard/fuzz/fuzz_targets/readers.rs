//! Chat-export readers on arbitrary bytes: no panic, and every conversation is assessable.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let out = cairn_guard::readers::read("fuzz", data);
    if let Ok(g) = cairn_guard::Guard::embedded() {
        for c in out.conversations.iter().take(2) {
            let _ = g.assess(&c.messages);
        }
    }
});
