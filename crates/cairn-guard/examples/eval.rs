//! Evaluates the embedded detector on labelled JSON Lines (see `cairn_guard::eval`) and prints the
//! report as JSON. Usage: `cargo run --release -p cairn-guard --example eval -- FILE.jsonl...`
//! (the CLI offers the same as `cairn chat-check --eval`).

use cairn_guard::Guard;
use cairn_guard::eval::{evaluate, parse_labelled};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let guard = Guard::embedded().map_err(|e| e.to_string())?;
    let mut all = Vec::new();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path)?;
        let (convs, errors) = parse_labelled(&text);
        for (line, msg) in errors {
            eprintln!("{path}, line:{line}: {msg}");
        }
        all.extend(convs);
    }
    let report = evaluate(guard, &all);
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
