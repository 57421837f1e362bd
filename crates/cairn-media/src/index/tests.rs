use super::*;
use crate::list::{ListEntry, ListSink};

fn rng(seed: &mut u64) -> u64 {
    // xorshift64*: deterministic synthetic hashes for tests.
    *seed ^= *seed >> 12;
    *seed ^= *seed << 25;
    *seed ^= *seed >> 27;
    seed.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

fn random_hash(seed: &mut u64) -> PdqHash {
    let mut h = [0u8; 32];
    for c in h.chunks_mut(8) {
        c.copy_from_slice(&rng(seed).to_le_bytes());
    }
    PdqHash(h)
}

fn flip(h: &PdqHash, bits: u32, seed: &mut u64) -> PdqHash {
    let mut out = *h;
    let mut done = 0;
    while done < bits {
        let k = (rng(seed) % 256) as usize;
        let before = out;
        out.0[k / 8] ^= 1 << (k % 8);
        if out.distance(h) > before.distance(h) {
            done += 1;
        } else {
            out = before;
        }
    }
    out
}

fn build(hashes: &[PdqHash]) -> MatchIndex {
    let mut b = IndexBuilder::new();
    for (i, h) in hashes.iter().enumerate() {
        b.entry(
            ListEntry {
                id: format!("e{i}"),
                pdq: Some(*h),
                ..Default::default()
            },
            "test",
        );
    }
    b.build().unwrap().0
}

#[test]
fn mih_equals_brute_force_at_every_radius() {
    let mut seed = 0x1234_5678_9abc_def1;
    let mut hashes = Vec::new();
    for _ in 0..3000 {
        hashes.push(random_hash(&mut seed));
    }
    // Families of near-duplicates at every distance up to 40.
    for f in 0..200 {
        let base = hashes[f];
        hashes.push(flip(&base, (f % 41) as u32, &mut seed));
    }
    let index = build(&hashes);
    let mut out = Vec::new();
    for q in 0..60 {
        let query = if q % 2 == 0 {
            flip(&hashes[q * 7], (q % 33) as u32, &mut seed)
        } else {
            random_hash(&mut seed)
        };
        for r in [0u32, 1, 5, 10, 16, 20, 31, 32, 40] {
            out.clear();
            index.search_pdq(&query, r, &mut out);
            let got: Vec<(u32, u32)> = out.iter().map(|m| (m.hash_index, m.distance)).collect();
            let want: Vec<(u32, u32)> = hashes
                .iter()
                .enumerate()
                .filter_map(|(i, h)| {
                    let d = h.distance(&query);
                    (d <= r).then_some((i as u32, d))
                })
                .collect();
            assert_eq!(got, want, "query {q} radius {r}");
        }
    }
}

#[test]
fn small_plans_are_exact_too() {
    // Plans with many narrow parts (chosen for small lists) and thresholds of -1.
    let mut seed = 99;
    let hashes: Vec<PdqHash> = (0..50).map(|_| random_hash(&mut seed)).collect();
    let index = build(&hashes);
    assert!(index.plan().widths.len() >= 16);
    for (i, h) in hashes.iter().enumerate() {
        for bits in [0u32, 3, 15, 31] {
            let q = flip(h, bits, &mut seed);
            let mut out = Vec::new();
            index.search_pdq(&q, 31, &mut out);
            assert!(
                out.iter()
                    .any(|m| m.hash_index == i as u32 && m.distance == bits),
                "{i} {bits}"
            );
        }
    }
}

#[test]
fn crypto_lookups_duplicates_and_deletions() {
    let mut b = IndexBuilder::new();
    b.set_source("l.csv");
    let md5 = [7u8; 16];
    b.entry(
        ListEntry {
            id: "a".into(),
            md5: Some(md5),
            category: Some("1".into()),
            ..Default::default()
        },
        "line 2",
    );
    b.entry(
        ListEntry {
            id: "a".into(),
            md5: Some([8u8; 16]),
            ..Default::default()
        },
        "line 3",
    );
    b.entry(
        ListEntry {
            id: "b".into(),
            sha1: Some([1u8; 20]),
            ..Default::default()
        },
        "line 4",
    );
    b.entry(
        ListEntry {
            id: "c".into(),
            sha256: Some([2u8; 32]),
            labels: vec![("k".into(), "v".into())],
            ..Default::default()
        },
        "line 5",
    );
    b.delete("b", "x");
    b.delete("zz", "x");
    let (index, report) = b.build().unwrap();
    assert_eq!(report.duplicate_ids, 1);
    assert_eq!(report.issues[0].location, "line 3");
    assert_eq!(report.deletions_applied, 1);
    assert_eq!(report.deletions_unmatched, 1);
    assert_eq!(report.entries, 2);
    let hits = index.lookup_md5(&md5);
    assert_eq!(hits.len(), 1);
    let meta = index.entry(hits[0]).unwrap();
    assert_eq!(
        (meta.id.as_str(), meta.category.as_deref()),
        ("a", Some("1"))
    );
    assert!(index.lookup_md5(&[8u8; 16]).is_empty());
    assert!(index.lookup_sha1(&[1u8; 20]).is_empty(), "deleted");
    let c = index.lookup_sha256(&[2u8; 32]);
    assert_eq!(
        index.entry(c[0]).unwrap().labels,
        vec![("k".to_string(), "v".to_string())]
    );
}

#[test]
fn file_round_trip_and_corruption_detected() {
    let mut seed = 5;
    let hashes: Vec<PdqHash> = (0..500).map(|_| random_hash(&mut seed)).collect();
    let mut b = IndexBuilder::new();
    for (i, h) in hashes.iter().enumerate() {
        b.entry(
            ListEntry {
                id: format!("e{i}"),
                pdq: Some(*h),
                ..Default::default()
            },
            "t",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.cidx");
    b.write(&path).unwrap();
    let index = MatchIndex::open(&path).unwrap();
    let mut out = Vec::new();
    index.search_pdq(&hashes[42], 0, &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(index.entry(out[0].entry).unwrap().id, "e42");
    drop(index);

    let good = std::fs::read(&path).unwrap();
    // Flip one byte at many places: open must fail cleanly (never panic, never accept).
    for at in (0..good.len()).step_by(good.len() / 97 + 1) {
        let mut bad = good.clone();
        bad[at] ^= 0x40;
        std::fs::write(&path, &bad).unwrap();
        assert!(
            MatchIndex::open(&path).is_err(),
            "corruption at {at} accepted"
        );
    }
    // Truncations.
    for len in [0, 7, 64, 127, 128, good.len() / 2, good.len() - 1] {
        std::fs::write(&path, &good[..len]).unwrap();
        assert!(
            MatchIndex::open(&path).is_err(),
            "truncation to {len} accepted"
        );
    }
}

#[test]
fn reference_needles_against_haystack() {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/pdq");
    assert!(
        dir.join("needles.txt").is_file(),
        "reference data missing in {}",
        dir.display()
    );
    let read = |f: &str| -> Vec<PdqHash> {
        std::fs::read_to_string(dir.join(f))
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.parse().unwrap())
            .collect()
    };
    let needles = read("needles.txt");
    let haystack = read("haystack.txt");
    let index = build(&haystack);
    let mut got = Vec::new();
    for (n, q) in needles.iter().enumerate() {
        let mut out = Vec::new();
        index.search_pdq(q, 31, &mut out);
        got.extend(out.iter().map(|m| (n as u32, m.hash_index, m.distance)));
    }
    got.sort();
    let mut want: Vec<(u32, u32, u32)> = std::fs::read_to_string(dir.join("matches_d31.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<u32> = l.split(',').map(|x| x.parse().unwrap()).collect();
            (f[0], f[1], f[2])
        })
        .collect();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn streamed_file_equals_the_index_built_in_memory() {
    let mut seed = 9;
    let make = |seed: &mut u64| {
        let mut b = IndexBuilder::new();
        for i in 0..700u32 {
            b.entry(
                ListEntry {
                    id: format!("e{i}"),
                    pdq: (i % 3 != 0).then(|| random_hash(seed)),
                    md5: (i % 2 == 0).then_some([(i % 251) as u8; 16]),
                    sha1: (i % 5 == 0).then_some([(i % 13) as u8; 20]),
                    sha256: (i % 7 == 0).then_some([(i % 11) as u8; 32]),
                    category: (i % 4 == 0).then(|| "A1".to_string()),
                    labels: vec![("n".into(), i.to_string())],
                    ..Default::default()
                },
                "t",
            );
        }
        b.delete("e10", "t");
        b
    };
    let start = seed;
    let (memory, _) = make(&mut seed).build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.cidx");
    let mut seed = start;
    make(&mut seed).write(&path).unwrap();
    let file = std::fs::read(&path).unwrap();
    assert_eq!(file.as_slice(), memory.storage.bytes());
    // The mapped file answers like the index in memory.
    let mapped = MatchIndex::open(&path).unwrap();
    let q = memory.pdq_hash(3).unwrap();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    memory.search_pdq(&q, 31, &mut a);
    mapped.search_pdq(&q, 20, &mut b);
    assert!(!a.is_empty() && a.iter().any(|m| m.distance == 0));
    assert_eq!(a.iter().filter(|m| m.distance <= 20).count(), b.len());
}

#[test]
fn crowded_buckets_spill_to_overflow_and_stay_exact() {
    // Exact duplicates and tight families fill buckets past the two ids a slot holds.
    let mut seed = 0xfeed;
    let mut hashes: Vec<PdqHash> = (0..400).map(|_| random_hash(&mut seed)).collect();
    let base = hashes[0];
    for k in 0..60u32 {
        hashes.push(if k < 20 {
            base
        } else {
            flip(&base, k % 7, &mut seed)
        });
    }
    let index = build(&hashes);
    assert!(
        index.layout.overflow.iter().any(|r| !r.is_empty()),
        "no bucket spilled: the test does not cover the overflow path"
    );
    let mut out = Vec::new();
    for q in 0..40 {
        let query = match q % 3 {
            0 => flip(&base, (q % 12) as u32, &mut seed),
            1 => flip(&hashes[q * 5], (q % 33) as u32, &mut seed),
            _ => random_hash(&mut seed),
        };
        for r in [0u32, 2, 6, 17, 31] {
            out.clear();
            index.search_pdq(&query, r, &mut out);
            let got: Vec<(u32, u32)> = out.iter().map(|m| (m.hash_index, m.distance)).collect();
            let want: Vec<(u32, u32)> = hashes
                .iter()
                .enumerate()
                .filter_map(|(i, h)| {
                    let d = h.distance(&query);
                    (d <= r).then_some((i as u32, d))
                })
                .collect();
            assert_eq!(got, want, "query {q} radius {r}");
        }
    }
}

#[test]
fn version_1_files_are_refused_with_a_way_out() {
    let mut seed = 7;
    let mut b = IndexBuilder::new();
    for i in 0..20 {
        b.entry(
            ListEntry {
                id: format!("e{i}"),
                pdq: Some(random_hash(&mut seed)),
                ..Default::default()
            },
            "t",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.cidx");
    b.write(&path).unwrap();
    // Rewrite the header as an older Cairn would have stamped it, with a valid checksum, so
    // that the version check (not the checksum) is what refuses it.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
    let header_len = format::read_u32(&bytes, 12).unwrap() as usize;
    bytes[124..128].fill(0);
    let crc = crc32fast::hash(&bytes[..header_len]);
    bytes[124..128].copy_from_slice(&crc.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let message = MatchIndex::open(&path).unwrap_err().to_string();
    assert!(message.contains("version 1"), "{message}");
    assert!(message.contains("cairn lists add"), "{message}");
    assert!(message.contains("old.cidx"), "{message}");
}

fn build_with_plan(hashes: &[PdqHash], plan: Option<Plan>) -> MatchIndex {
    let mut b = IndexBuilder::new();
    b.plan = plan;
    for (i, h) in hashes.iter().enumerate() {
        b.entry(
            ListEntry {
                id: format!("e{i}"),
                pdq: Some(*h),
                ..Default::default()
            },
            "test",
        );
    }
    b.build().unwrap().0
}

#[test]
fn batched_search_equals_brute_force_and_single_search_at_every_radius() {
    // Random hashes, families of near-duplicates and exact duplicates (overflow buckets), and
    // more queries than one batch holds, so the chunking is covered too.
    let mut seed = 0xba7c_4ed5;
    let mut hashes: Vec<PdqHash> = (0..2500).map(|_| random_hash(&mut seed)).collect();
    for f in 0..400 {
        let base = hashes[f % 50];
        hashes.push(if f % 9 == 0 {
            base
        } else {
            flip(&base, (f % 37) as u32, &mut seed)
        });
    }
    let queries: Vec<PdqHash> = (0..batch::BATCH + 150)
        .map(|q| match q % 3 {
            0 => flip(&hashes[q % hashes.len()], (q % 36) as u32, &mut seed),
            1 => flip(&hashes[q % 50], (q % 20) as u32, &mut seed),
            _ => random_hash(&mut seed),
        })
        .collect();
    let distances: Vec<Vec<u32>> = queries
        .iter()
        .map(|q| hashes.iter().map(|h| h.distance(q)).collect())
        .collect();
    // The plan chosen for this size has 8-bit parts, one slot per region of the batched
    // search; 16- and 18/19-bit parts (as for large lists) put many slots and mask groups in a
    // region, with thresholds of 1 and 2.
    // All the queries (several batches) with the planned parts; a few hundred with the others
    // (the test runs unoptimised).
    for (plan, nq, radii) in [
        (None, queries.len(), &[0u32, 4, 17, 31, 32][..]),
        (Some(Plan::equal(16)), 400, &[3, 31][..]),
        (Some(Plan::equal(14)), 400, &[17, 31][..]),
    ] {
        let index = build_with_plan(&hashes, plan.clone());
        if let Some(p) = &plan {
            assert_eq!(index.plan(), p);
        }
        assert!(index.layout.overflow.iter().any(|r| !r.is_empty()));
        let queries = &queries[..nq];
        for &r in radii {
            let got = index.search_pdq_batch(queries, r);
            assert_eq!(got.len(), queries.len());
            let mut pairs = 0;
            for (qi, (found, dist)) in got.iter().zip(&distances).enumerate() {
                let want: Vec<(u32, u32)> = dist
                    .iter()
                    .enumerate()
                    .filter(|&(_, &d)| d <= r)
                    .map(|(i, &d)| (i as u32, d))
                    .collect();
                let mine: Vec<(u32, u32)> =
                    found.iter().map(|m| (m.hash_index, m.distance)).collect();
                assert_eq!(mine, want, "{plan:?} query {qi} radius {r}");
                assert!(found.iter().all(|m| m.entry == m.hash_index));
                if qi % 10 == 0 {
                    let mut one = Vec::new();
                    index.search_pdq(&queries[qi], r, &mut one);
                    assert_eq!(found, &one, "{plan:?} query {qi} radius {r}");
                }
                pairs += want.len();
            }
            // Not vacuous: 277 exact pairs at radius 0 for all the queries, more above.
            assert!(pairs >= nq / 16, "radius {r}: only {pairs} pairs");
        }
    }
}

#[test]
fn batched_search_of_nothing_and_on_a_file() {
    let mut seed = 31;
    let hashes: Vec<PdqHash> = (0..300).map(|_| random_hash(&mut seed)).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.idx");
    let mut b = IndexBuilder::new();
    for (i, h) in hashes.iter().enumerate() {
        b.entry(
            ListEntry {
                id: format!("e{i}"),
                pdq: Some(*h),
                ..Default::default()
            },
            "test",
        );
    }
    b.write(&path).unwrap();
    let mapped = MatchIndex::open(&path).unwrap();
    assert!(mapped.search_pdq_batch(&[], 31).is_empty());
    let queries: Vec<PdqHash> = hashes.iter().map(|h| flip(h, 9, &mut seed)).collect();
    for (i, found) in mapped.search_pdq_batch(&queries, 31).iter().enumerate() {
        let mut one = Vec::new();
        mapped.search_pdq(&queries[i], 31, &mut one);
        assert_eq!(found, &one);
        assert!(
            found
                .iter()
                .any(|m| m.hash_index == i as u32 && m.distance == 9)
        );
    }
    // An index without PDQ hashes answers every query with nothing.
    let mut b = IndexBuilder::new();
    b.entry(
        ListEntry {
            id: "m".into(),
            md5: Some([1; 16]),
            ..Default::default()
        },
        "test",
    );
    let empty = b.build().unwrap().0;
    assert_eq!(
        empty.search_pdq_batch(&queries[..3], 31),
        vec![Vec::new(); 3]
    );
}
