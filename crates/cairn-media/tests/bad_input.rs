//! Hostile and broken inputs: errors that say what is wrong, never a panic, never a huge
//! allocation.

#![allow(clippy::unwrap_used)]

use cairn_media::list::{CollectSink, ListFormat, read_list_bytes};
use cairn_media::{HashOptions, MediaError, hash_image_bytes};
use proptest::prelude::*;

fn crc(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// A PNG whose header claims `w × h` pixels, followed by a tiny (wrong) IDAT.
fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    v.extend_from_slice(&13u32.to_be_bytes());
    v.extend_from_slice(&ihdr);
    v.extend_from_slice(&crc(&ihdr).to_be_bytes());
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01".to_vec();
    v.extend_from_slice(&((idat.len() - 4) as u32).to_be_bytes());
    v.extend_from_slice(&idat);
    v.extend_from_slice(&crc(&idat).to_be_bytes());
    v
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 3) as u8, ((x ^ y) * 5) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn decompression_bomb_refused_from_its_header() {
    let bomb = png_header_only(50_000, 50_000);
    match hash_image_bytes(&bomb, &HashOptions::default()) {
        Err(MediaError::TooLarge {
            width: 50_000,
            height: 50_000,
            ..
        }) => {}
        Err(MediaError::Decode(m)) if m.contains("limit") => {}
        other => panic!("bomb not refused as too large: {other:?}"),
    }
}

#[test]
fn empty_truncated_and_foreign_bytes() {
    let opts = HashOptions::default();
    assert!(matches!(
        hash_image_bytes(b"", &opts),
        Err(MediaError::UnknownFormat)
    ));
    assert!(matches!(
        hash_image_bytes(b"hello, world", &opts),
        Err(MediaError::UnknownFormat)
    ));
    let good = png(40, 30);
    assert!(hash_image_bytes(&good, &opts).is_ok());
    for cut in [8, 20, 33, good.len() / 2, good.len() - 13] {
        assert!(
            hash_image_bytes(&good[..cut], &opts).is_err(),
            "truncated at {cut} accepted"
        );
    }
    let jpeg = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/reference/pdq/images/small.jpg"),
    )
    .expect("reference data: ../shared/reference/pdq (next to the workspace) is missing");
    for cut in [2, 100, jpeg.len() / 3] {
        // A truncated JPEG may decode to a partial image or fail; it must not panic.
        let _ = hash_image_bytes(&jpeg[..cut], &opts);
    }
}

#[test]
fn alpha_is_dropped_not_composited() {
    // Same RGB, different alpha: Pillow's convert("RGB") ignores alpha, so must we.
    let mk = |a: u8| {
        let img = image::RgbaImage::from_fn(32, 32, |x, y| {
            image::Rgba([(x * 8) as u8, (y * 8) as u8, 77, a])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let opts = HashOptions::default();
    let (a, b) = (
        hash_image_bytes(&mk(255), &opts).unwrap(),
        hash_image_bytes(&mk(3), &opts).unwrap(),
    );
    assert_eq!((a.pdq, a.quality), (b.pdq, b.quality));
}

#[test]
fn tiny_images_hash_to_zero_quality() {
    let h = hash_image_bytes(&png(4, 100), &HashOptions::default()).unwrap();
    assert_eq!(h.quality, 0);
    assert_eq!(h.pdq.to_hex(), "0".repeat(64));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn image_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048), prefix in 0usize..4) {
        let magic: [&[u8]; 4] = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"BM"];
        let mut v = magic[prefix].to_vec();
        v.extend_from_slice(&bytes);
        let _ = hash_image_bytes(&v, &HashOptions::default());
    }

    #[test]
    fn list_parsers_never_panic(text in "\\PC{0,400}", fmt in 0usize..4) {
        let format = [ListFormat::Csv, ListFormat::Text, ListFormat::Vics, ListFormat::Ncmec][fmt];
        let mut sink = CollectSink::default();
        let _ = read_list_bytes("p", text.as_bytes(), format, &mut sink);
        for i in &sink.issues {
            prop_assert!(!i.location.is_empty());
        }
    }

    #[test]
    fn text_list_round_trips_hashes(hashes in proptest::collection::vec(proptest::array::uniform16(any::<u8>()), 1..40)) {
        let text: String = hashes.iter().map(|h| format!("{}\n", hex::encode(h))).collect();
        let mut sink = CollectSink::default();
        read_list_bytes("p", text.as_bytes(), ListFormat::Text, &mut sink).unwrap();
        prop_assert!(sink.issues.is_empty());
        let got: Vec<[u8; 16]> = sink.entries.iter().map(|e| e.md5.unwrap()).collect();
        prop_assert_eq!(got, hashes);
    }

    #[test]
    fn csv_round_trips_entries(rows in proptest::collection::vec(("[a-z0-9]{1,8}", proptest::array::uniform32(any::<u8>()), "[A-Za-z ]{0,6}"), 1..30)) {
        let mut text = "id,pdq,category,note\n".to_string();
        for (id, h, cat) in &rows {
            text.push_str(&format!("{id},{},{cat},\"x, y\"\n", hex::encode(h)));
        }
        let mut sink = CollectSink::default();
        read_list_bytes("p.csv", text.as_bytes(), ListFormat::Csv, &mut sink).unwrap();
        prop_assert!(sink.issues.is_empty(), "{:?}", sink.issues);
        prop_assert_eq!(sink.entries.len(), rows.len());
        for (e, (id, h, cat)) in sink.entries.iter().zip(&rows) {
            prop_assert_eq!(&e.id, id);
            prop_assert_eq!(e.pdq.unwrap().0, *h);
            prop_assert_eq!(e.category.as_deref(), (!cat.trim().is_empty()).then(|| cat.trim()));
            prop_assert_eq!(&e.labels, &vec![("note".to_string(), "x, y".to_string())]);
        }
    }
}
