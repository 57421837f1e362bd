//! Opening an index file of arbitrary bytes: refused or usable, never a panic.
#![no_main]

use cairn_media::{MatchIndex, PdqHash};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = std::env::temp_dir().canonicalize() else { return };
    let path = dir.join(format!("cairn-fuzz-{}.cidx", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(index) = MatchIndex::open(&path) {
        let mut out = Vec::new();
        index.search_pdq(&PdqHash([0x55; 32]), 31, &mut out);
        let _ = index.lookup_md5(&[0; 16]);
        let _ = index.entry(0);
    }
});
