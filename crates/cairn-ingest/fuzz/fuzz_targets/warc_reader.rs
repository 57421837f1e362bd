//! WARC reader, then HTTP parsing, decoding and text extraction of every record, on arbitrary
//! bytes (plain, or gzip members when the input starts with the gzip magic).
#![no_main]

use cairn_ingest::warc::{WarcReader, WarcReaderOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = WarcReaderOptions { max_block_bytes: 1 << 20 };
    for rec in WarcReader::new(data, opts).take(1000).flatten() {
        let _ = cairn_ingest::warc_record_item("fuzz", rec, 1 << 20);
    }
});
