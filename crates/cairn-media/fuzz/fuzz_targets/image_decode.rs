//! The decoding wrapper (format sniffing, limits, Pillow-style RGB, PDQ) on arbitrary bytes.
#![no_main]

use cairn_media::{DecodeLimits, HashOptions, hash_image_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the limit checks themselves are under test.
    let opts = HashOptions { dihedral: true, limits: DecodeLimits { max_pixels: 4_000_000, max_alloc: 64 << 20 } };
    let _ = hash_image_bytes(data, &opts);
});
