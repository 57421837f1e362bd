//! Every list reader on arbitrary bytes: issues and errors, never a panic. The entries read are
//! then built into an index and searched, so the builder is exercised on whatever parsed.
#![no_main]

use cairn_media::list::{ListFormat, read_list_bytes};
use cairn_media::{IndexBuilder, PdqHash};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let format = [ListFormat::Csv, ListFormat::Text, ListFormat::Vics, ListFormat::Ncmec][usize::from(sel % 4)];
    let mut b = IndexBuilder::new();
    let _ = read_list_bytes("fuzz", rest, format, &mut b);
    if let Ok((index, _)) = b.build() {
        let mut out = Vec::new();
        index.search_pdq(&PdqHash([0; 32]), 31, &mut out);
        for m in &out {
            let _ = index.entry(m.entry);
        }
    }
});
