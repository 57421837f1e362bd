//! CI gate for the PDQ port against hashes from Meta's reference (see
//! `../shared/reference/pdq/README.md`): bit-identical hash, quality and dihedral hashes on the
//! lossless PNGs of `exact/`, and at most 10 bits away on every JPEG of `images/` (where another
//! JPEG decoder may move a few pixels by one level).

#![allow(clippy::unwrap_used)]

use cairn_media::{HashOptions, PdqHash, hash_image_file};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn reference_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/pdq");
    assert!(
        dir.join("expected.csv").is_file(),
        "reference data missing: expected {} (the shared directory next to the workspace)",
        dir.display()
    );
    dir
}

struct Expected {
    pdq: PdqHash,
    quality: u32,
    dihedral: [PdqHash; 8],
}

fn expected() -> BTreeMap<String, Expected> {
    let text = std::fs::read_to_string(reference_dir().join("expected.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[3], "pdq");
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let dihedral: Vec<PdqHash> = f[5..13].iter().map(|h| h.parse().unwrap()).collect();
            (
                f[0].to_string(),
                Expected {
                    pdq: f[3].parse().unwrap(),
                    quality: f[4].parse().unwrap(),
                    dihedral: dihedral.try_into().unwrap(),
                },
            )
        })
        .collect()
}

#[test]
fn exact_pngs_are_bit_identical() {
    let dir = reference_dir();
    let exp = expected();
    let opts = HashOptions {
        dihedral: true,
        ..Default::default()
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(dir.join("exact")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let key = format!("images/{stem}.jpg");
        let e = exp
            .get(&key)
            .unwrap_or_else(|| panic!("no expected.csv row {key} for {}", path.display()));
        let got = hash_image_file(&path, &opts).unwrap();
        let dihedral = got.pdq_dihedral.unwrap();
        if got.pdq != e.pdq || got.quality != e.quality || dihedral != e.dihedral {
            failures.push(format!(
                "{}: pdq {} (want {}, distance {}), quality {} (want {}), dihedral distances {:?}",
                path.display(),
                got.pdq,
                e.pdq,
                got.pdq.distance(&e.pdq),
                got.quality,
                e.quality,
                dihedral
                    .iter()
                    .zip(&e.dihedral)
                    .map(|(a, b)| a.distance(b))
                    .collect::<Vec<_>>()
            ));
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} files in exact/");
    assert!(
        failures.is_empty(),
        "not bit-identical:\n{}",
        failures.join("\n")
    );
}

#[test]
fn jpegs_within_ten_bits() {
    let dir = reference_dir();
    let exp = expected();
    let opts = HashOptions {
        dihedral: true,
        ..Default::default()
    };
    let mut histogram = BTreeMap::<u32, usize>::new();
    let mut failures = Vec::new();
    for (file, e) in &exp {
        if !file.ends_with(".jpg") {
            continue;
        }
        let got = hash_image_file(&dir.join(file), &opts).unwrap();
        let d = got.pdq.distance(&e.pdq);
        let dd: Vec<u32> = got
            .pdq_dihedral
            .unwrap()
            .iter()
            .zip(&e.dihedral)
            .map(|(a, b)| a.distance(b))
            .collect();
        *histogram.entry(d).or_default() += 1;
        println!(
            "{file}: distance {d}, quality {} (reference {}), dihedral {dd:?}",
            got.quality, e.quality
        );
        if d > 10 || dd.iter().any(|&x| x > 10) {
            failures.push(format!("{file}: distance {d}, dihedral {dd:?}"));
        }
    }
    println!("distance distribution (distance: files): {histogram:?}");
    assert!(histogram.values().sum::<usize>() >= 20);
    assert!(
        failures.is_empty(),
        "over 10 bits:\n{}",
        failures.join("\n")
    );
}

#[test]
fn pngs_of_images_are_identical_too() {
    // PNG decoding is lossless, so these must match exactly like exact/.
    let dir = reference_dir();
    let opts = HashOptions {
        dihedral: true,
        ..Default::default()
    };
    for (file, e) in expected().iter().filter(|(f, _)| f.ends_with(".png")) {
        let got = hash_image_file(&dir.join(file), &opts).unwrap();
        assert_eq!((got.pdq, got.quality), (e.pdq, e.quality), "{file}");
        assert_eq!(got.pdq_dihedral.unwrap(), e.dihedral, "{file}");
    }
}
