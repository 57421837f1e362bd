//! Components of records linked through selectors, from an edge-list file: the Cairn side of
//! `scripts/bench_link.py` (networkx comparison).
//!
//! ```sh
//! cargo run --release -p cairn-link --example components -- \
//!     --records N --edges edges.tsv --out cairn-components.tsv
//! ```
//! Input: `<record>\t<selector>` per line (integers; separate id spaces). Output: for every record
//! 0..N-1, `<record>\t<smallest record id of its component>`. Timings on standard error as
//! `read_ms=… components_ms=… write_ms=… total_ms=…`. Every selector links (no hub suppression).

use cairn_link::unionfind::UnionFind;
use std::io::{BufRead, BufWriter, Write};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut records: Option<usize> = None;
    let (mut edges, mut out) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--records" => records = Some(args.next().ok_or("--records N")?.parse()?),
            "--edges" => edges = Some(args.next().ok_or("--edges FILE")?),
            "--out" => out = Some(args.next().ok_or("--out FILE")?),
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    let (Some(n), Some(edges), Some(out)) = (records, edges, out) else {
        return Err("usage: components --records N --edges FILE --out FILE".into());
    };

    let start = Instant::now();
    let reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&edges)?);
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line?;
        let Some((r, s)) = line.split_once('\t') else {
            continue;
        };
        let r: u32 = r
            .trim()
            .parse()
            .map_err(|_| format!("{edges}:{}: bad record", i + 1))?;
        let s: u32 = s
            .trim()
            .parse()
            .map_err(|_| format!("{edges}:{}: bad selector", i + 1))?;
        if r as usize >= n {
            return Err(format!("{edges}:{}: record {r} >= --records {n}", i + 1).into());
        }
        pairs.push((r, s));
    }
    let read = start.elapsed();

    let t = Instant::now();
    // A selector joins each record that carries it to the first record seen with it.
    let m = pairs.iter().map(|p| p.1 as usize + 1).max().unwrap_or(0);
    let mut first = vec![u32::MAX; m];
    let mut uf = UnionFind::new(n);
    for &(r, s) in &pairs {
        let f = &mut first[s as usize];
        if *f == u32::MAX {
            *f = r;
        } else {
            uf.union(*f, r);
        }
    }
    let (labels, k) = uf.labels();
    // Labels are in first-record order, so a component's first record is its smallest id.
    let mut smallest = vec![u32::MAX; k];
    for (r, l) in labels.iter().enumerate() {
        if smallest[*l as usize] == u32::MAX {
            smallest[*l as usize] = r as u32;
        }
    }
    let components = t.elapsed();

    let t = Instant::now();
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&out)?);
    for (r, l) in labels.iter().enumerate() {
        writeln!(w, "{r}\t{}", smallest[*l as usize])?;
    }
    w.flush()?;
    let write = t.elapsed();
    eprintln!(
        "records={n} occurrences={} components={k} read_ms={:.1} components_ms={:.1} write_ms={:.1} total_ms={:.1}",
        pairs.len(),
        read.as_secs_f64() * 1e3,
        components.as_secs_f64() * 1e3,
        write.as_secs_f64() * 1e3,
        start.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}
