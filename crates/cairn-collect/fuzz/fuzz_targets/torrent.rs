//! Bencode, .torrent and magnet parsing on arbitrary bytes: errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cairn_collect::bencode::decode(data);
    let _ = cairn_collect::torrent::parse_torrent(data);
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = cairn_collect::torrent::parse_magnet(s);
    }
});
