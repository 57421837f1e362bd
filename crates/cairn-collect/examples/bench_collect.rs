//! Benchmark driver (see docs/collect.md, "Figures"):
//!
//! - `bench_collect site PAGES PORT`: serve the fictional test site (for `wget` and for us);
//! - `bench_collect crawl URL OUT [CONCURRENCY]`: crawl it with no politeness delay, print
//!   pages per second and peak memory;
//! - `bench_collect frontier N OUT`: put N synthetic URLs in a frontier, then read the whole
//!   queue back in batches; prints times and peak memory (the frontier stays on disk).
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/site.rs"]
mod site;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cairn_collect::frontier::{Commit, FRONTIER_FILE, Frontier, LinkLimits, NewLink};
use cairn_collect::{CrawlConfig, CrawlStats, crawl};

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("site") => {
            let pages: u32 = args[2].parse().unwrap();
            let port: u16 = args[3].parse().unwrap();
            let s = site::start_on(
                port,
                site::SiteOptions {
                    pages,
                    latency: Duration::ZERO,
                    traps: false,
                },
            )
            .await;
            eprintln!("serving {pages} pages on {}", s.url("/"));
            std::future::pending::<()>().await;
        }
        Some("crawl") => {
            let url = url::Url::parse(&args[2]).unwrap();
            let out = std::path::PathBuf::from(&args[3]);
            let conc: usize = args.get(4).map_or(8, |c| c.parse().unwrap());
            let mut cfg = CrawlConfig::new(out, vec![url]);
            cfg.max_depth = 10;
            cfg.concurrency = conc;
            cfg.per_host_concurrency = conc;
            cfg.delay = Duration::ZERO;
            let stats = Arc::new(CrawlStats::default());
            let t = Instant::now();
            let s = crawl(cfg, stats).await.unwrap();
            let secs = t.elapsed().as_secs_f64();
            println!(
                "crawl: {} responses in {secs:.2} s = {:.0} responses/s, peak RSS {:.0} MB",
                s.fetched,
                s.fetched as f64 / secs,
                peak_rss_mb()
            );
        }
        Some("frontier") => {
            let n: u64 = args[2].parse().unwrap();
            let out = std::path::PathBuf::from(&args[3]);
            std::fs::create_dir_all(&out).unwrap();
            let f = Frontier::open(&out.join(FRONTIER_FILE)).await.unwrap();
            let limits = LinkLimits {
                max_urls_per_host: u64::MAX,
                max_query_variants: u64::MAX,
            };
            let t = Instant::now();
            let batch = 50_000;
            let mut i = 0u64;
            while i < n {
                let mut c = Commit::default();
                for j in i..(i + batch).min(n) {
                    let host = format!("host{}.example.org:80", j % 1000);
                    c.links.push(NewLink {
                        url: format!(
                            "http://host{}.example.org/ads/{j}/fictional-listing.html",
                            j % 1000
                        ),
                        host,
                        variant_key: None,
                        depth: 1,
                        hops: 0,
                        via: None,
                    });
                }
                f.commit(&c, limits).await.unwrap();
                i += batch;
                if i.is_multiple_of(1_000_000) {
                    eprintln!(
                        "{i} URLs, {:.0} s, peak RSS {:.0} MB",
                        t.elapsed().as_secs_f64(),
                        peak_rss_mb()
                    );
                }
            }
            let fill = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let mut cursor = 0;
            let mut read = 0u64;
            loop {
                let b = f.load_batch(cursor, 1024).await.unwrap();
                if b.is_empty() {
                    break;
                }
                read += b.len() as u64;
                cursor = b.last().unwrap().seq;
            }
            let size: u64 = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap().metadata().unwrap().len())
                .sum();
            println!(
                "frontier: {n} URLs queued in {fill:.1} s ({:.0}/s), {read} read back in {:.1} s, {:.0} MB on disk, peak RSS {:.0} MB",
                n as f64 / fill,
                t.elapsed().as_secs_f64(),
                size as f64 / 1e6,
                peak_rss_mb()
            );
        }
        _ => eprintln!(
            "usage: bench_collect site PAGES PORT | crawl URL OUT [CONC] | frontier N OUT"
        ),
    }
}
