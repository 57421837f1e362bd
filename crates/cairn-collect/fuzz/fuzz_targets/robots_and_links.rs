//! robots.txt parsing and matching, and link extraction from HTML, on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let robots = cairn_collect::robots::Robots::parse(data, "cairn-collect");
    let path = String::from_utf8_lossy(&data[..data.len().min(64)]);
    let _ = robots.allowed(&format!("/{path}"));
    if let Ok(page) = url::Url::parse("http://site.test/dir/page.html") {
        let _ = cairn_collect::links::extract_links(data, &page);
    }
});
