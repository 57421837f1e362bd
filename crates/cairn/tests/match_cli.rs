//! `cairn match --queries` against a CSV list, ad hoc and imported: every pair within the radius
//! that brute force finds, with the same distance, nothing invented, whatever the thread count
//! (the queries are searched in batches spread over the threads). Hashes are synthetic random
//! bits, half of the list in families of near-duplicates.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn cairn(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .expect("run cairn");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rng(s: &mut u64) -> u64 {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    s.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

fn random(s: &mut u64) -> [u8; 32] {
    let mut h = [0u8; 32];
    for c in h.chunks_mut(8) {
        c.copy_from_slice(&rng(s).to_le_bytes());
    }
    h
}

fn near(h: &[u8; 32], max_bits: u64, s: &mut u64) -> [u8; 32] {
    let mut o = *h;
    for _ in 0..rng(s) % (max_bits + 1) {
        let k = (rng(s) % 256) as usize;
        o[k / 8] ^= 1 << (k % 8);
    }
    o
}

fn distance(a: &[u8; 32], b: &[u8; 32]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}

fn hex(h: &[u8; 32]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// (query, entry, distance) of every PDQ match line.
fn pdq_pairs(stdout: &str) -> BTreeSet<(String, String, u64)> {
    stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == "match" && v["kind"] == "pdq")
        .map(|v| {
            (
                v["query"].as_str().unwrap().to_string(),
                v["entry"].as_str().unwrap().to_string(),
                v["distance"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn queries_match_exactly_what_brute_force_finds() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = 0x5eed_cafe;
    let mut list: Vec<[u8; 32]> = Vec::new();
    while list.len() < 3000 {
        let base = random(&mut s);
        list.push(base);
        for _ in 0..1 + rng(&mut s) % 9 {
            list.push(near(&base, 30, &mut s));
        }
    }
    while list.len() < 6000 {
        list.push(random(&mut s));
    }
    let mut csv = String::from("id,pdq,category\n");
    for (i, h) in list.iter().enumerate() {
        csv.push_str(&format!("fict-{i},{},c{}\n", hex(h), i % 3));
    }
    let list_file = dir.path().join("fictional-list.csv");
    std::fs::write(&list_file, csv).unwrap();
    let queries: Vec<[u8; 32]> = (0..600)
        .map(|q| {
            if q % 2 == 0 {
                near(
                    &list[(rng(&mut s) % list.len() as u64) as usize],
                    35,
                    &mut s,
                )
            } else {
                random(&mut s)
            }
        })
        .collect();
    let mut text: String = queries.iter().map(|q| hex(q) + "\n").collect();
    text.push_str("not-a-hash\n");
    let queries_file = dir.path().join("queries.txt");
    std::fs::write(&queries_file, text).unwrap();

    let mut want = BTreeSet::new();
    for q in &queries {
        for (i, h) in list.iter().enumerate() {
            let d = distance(q, h);
            if d <= 31 {
                want.insert((hex(q), format!("fict-{i}"), u64::from(d)));
            }
        }
    }
    assert!(
        want.len() > 250,
        "the queries find too few pairs: {}",
        want.len()
    );

    let data = dir.path().join("data");
    let list_arg = list_file.to_str().unwrap();
    let q_arg = queries_file.to_str().unwrap();
    for jobs in ["1", "2"] {
        let (code, out, err) = cairn(
            &data,
            &[
                "match",
                "--list",
                list_arg,
                "--queries",
                q_arg,
                "--format",
                "jsonl",
                "--jobs",
                jobs,
            ],
        );
        // The bad line is rejected by name and line, the rest matched: exit 3.
        assert_eq!(code, 3, "{err}");
        assert!(out.contains("line 601"), "{out}");
        assert_eq!(pdq_pairs(&out), want, "--jobs {jobs}");
    }

    let (code, _, err) = cairn(&data, &["lists", "add", "fict", list_arg]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = cairn(
        &data,
        &[
            "match",
            "--list",
            "fict",
            "--queries",
            q_arg,
            "--format",
            "jsonl",
            "--max-distance",
            "12",
        ],
    );
    assert_eq!(code, 3, "{err}");
    let near_want: BTreeSet<_> = want.iter().filter(|p| p.2 <= 12).cloned().collect();
    assert!(!near_want.is_empty());
    assert_eq!(pdq_pairs(&out), near_want);
}
