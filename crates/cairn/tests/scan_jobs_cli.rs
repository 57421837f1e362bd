//! `cairn scan` gives the same output whatever the number of analysis threads, and whether they
//! are pinned to cores (one per core, the default) or not (`--jobs`, `RAYON_NUM_THREADS`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus")
}

fn scan(extra: &[&str], env: Option<(&str, &str)>) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cairn"));
    cmd.args([
        "scan",
        "--format",
        "jsonl",
        "--no-store",
        "--quiet",
        "--region",
        "FR",
    ])
    .args(extra)
    .arg(examples())
    .env_remove("RAYON_NUM_THREADS");
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run cairn");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn the_output_does_not_depend_on_the_analysis_threads() {
    let default = scan(&[], None);
    assert!(
        default
            .lines()
            .filter(|l| l.contains("\"type\":\"record\""))
            .count()
            > 100
    );
    assert!(default.contains("\"kind\":\"phone\""));
    assert_eq!(scan(&["--jobs", "1"], None), default, "--jobs 1");
    assert_eq!(scan(&["--jobs", "3"], None), default, "--jobs 3");
    assert_eq!(
        scan(&[], Some(("RAYON_NUM_THREADS", "1"))),
        default,
        "RAYON_NUM_THREADS=1"
    );
    assert_eq!(
        scan(&[], Some(("RAYON_NUM_THREADS", "5"))),
        default,
        "RAYON_NUM_THREADS=5"
    );
}
