//! Feature extraction for the training script (`train/train.py`): reads the generator's JSON
//! Lines on standard input and writes, per message, `label<TAB>index:value ...` with exactly the
//! features the Rust inference computes, so training and inference cannot drift apart.
//!
//! Usage: `cargo run -p cairn-guard --example featurize -- BITS < train.jsonl > train.feat`

use cairn_guard::model::features;
use cairn_guard::norm::NormText;
use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bits: u32 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(16);
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut feats = Vec::new();
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line?;
        let v: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let text = v["text"].as_str().unwrap_or("");
        let label = u8::from(v["msg_risky"].as_bool().unwrap_or(false));
        features(&NormText::new(text), bits, &mut feats);
        write!(out, "{label}\t")?;
        for (i, (idx, val)) in feats.iter().enumerate() {
            if i > 0 {
                out.write_all(b" ")?;
            }
            write!(out, "{idx}:{val}")?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}
