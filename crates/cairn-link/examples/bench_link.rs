//! Linking at scale on synthetic input (no store): N records with about 3 selector occurrences
//! each — planted networks sharing pools of phones, e-mails and handles, single ads with their own
//! contacts, a place on every ad, and support-line hubs.
//!
//! ```sh
//! cargo run --release -p cairn-link --example bench_link -- --records 10000000
//! ```
//! Prints the time of each step and the peak resident memory (VmHWM).

use cairn_link::input::{LinkInput, Place, RecordMeta, SelectorKind};
use cairn_link::{LinkConfig, partition};
use std::collections::HashMap;
use std::time::Instant;

/// Small deterministic generator (splitmix64): the benchmark input is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut n: usize = 1_000_000;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--records" => n = args.next().ok_or("--records N")?.parse()?,
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    let t0 = Instant::now();
    let mut rng = Rng(42);
    let mut input = LinkInput::new();
    let cities: Vec<Place> = (0..200)
        .map(|i| Place {
            id: format!("{}", 100_000 + i),
            name: format!("City {i}"),
            country: "XX".into(),
            lat: Some(40.0 + (i % 20) as f64),
            lon: Some((i / 20) as f64),
        })
        .collect();
    let mut planted = 0usize;
    let mut r = 0usize;
    let mut network = 0usize;
    while r < n {
        // About 40 % of the records sit in networks of 3 to 30 ads (16.5 on average): a network
        // starts at 3.9 % of the draws.
        let in_network = rng.below(1000) < 39;
        let size = if in_network {
            (3 + rng.below(28) as usize).min(n - r)
        } else {
            1
        };
        let pool: Vec<(SelectorKind, String)> = if in_network {
            network += 1;
            planted += size;
            vec![
                (SelectorKind::Phone, format!("+3360{network:08}")),
                (SelectorKind::Phone, format!("+3261{network:08}")),
                (SelectorKind::Email, format!("n{network}@example.org")),
                (SelectorKind::Handle, format!("telegram:n{network}")),
            ]
        } else {
            vec![
                (SelectorKind::Phone, format!("+3370{r:09}")),
                (SelectorKind::Email, format!("d{r}@example.net")),
            ]
        };
        let home = rng.below(200) as usize;
        for i in 0..size {
            let id = input.add_record(RecordMeta {
                id: format!("r{:09}", r + i),
                url: None,
                captured_at: Some(format!(
                    "2026-{:02}-{:02}T{:02}:00:00Z",
                    1 + rng.below(12),
                    1 + rng.below(28),
                    rng.below(24)
                )),
                lang: "fr".into(),
                sha256: String::new(),
            });
            if in_network {
                // Two selectors of the pool: the first ad takes the first two, so all are tied.
                let a = if i == 0 { 0 } else { rng.below(4) as usize };
                let b = (a + 1 + rng.below(3) as usize) % 4;
                for k in [a, b] {
                    input.add_selector(id, pool[k].0, &pool[k].1);
                }
            } else {
                for (k, v) in &pool {
                    input.add_selector(id, *k, v);
                }
            }
            // One ad in 500 prints one of ten support lines.
            if rng.below(500) == 0 {
                input.add_selector(
                    id,
                    SelectorKind::Phone,
                    &format!("+322347000{}", rng.below(10)),
                );
            }
            let city = if in_network {
                (home + i / 5) % 200
            } else {
                home
            };
            input.add_place(id, cities[city].clone());
        }
        r += size;
    }
    let build = t0.elapsed();
    let occurrences = input.occurrences.len();
    let selectors = input.selectors.len();

    let config = LinkConfig::default();
    let t = Instant::now();
    let p = partition(&input, &config, &HashMap::new())?;
    let part = t.elapsed();
    let multi = p.groups.iter().filter(|(g, _)| g.len() > 1).count();

    // Summaries streamed as a writer would: made, serialised, dropped.
    let t = Instant::now();
    let mut bytes = 0usize;
    for i in 0..p.len() {
        bytes += serde_json::to_string(&p.summarise(i))?.len();
    }
    let summ = t.elapsed();
    println!(
        "records={n} planted_in_networks={planted} selectors={selectors} occurrences={occurrences} \
         clusters={} clusters_2plus={multi} common={} build_s={:.1} partition_s={:.1} summaries_s={:.1} \
         summary_json_mib={:.0} total_s={:.1} peak_rss_mib={:.0}",
        p.len(),
        p.common_found.len(),
        build.as_secs_f64(),
        part.as_secs_f64(),
        summ.as_secs_f64(),
        bytes as f64 / 1048576.0,
        t0.elapsed().as_secs_f64(),
        peak_rss_mib()
    );
    Ok(())
}
