//! `cairn scan --out FILE`: the file is written from empty, and a scan never reads its own
//! output, whether a scanned directory holds it or it is named as an input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

fn scan(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["scan", "--format", "jsonl", "--no-store", "--quiet"])
        .args(args)
        .output()
        .expect("run cairn");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ads(dir: &Path) {
    std::fs::write(
        dir.join("ads.jsonl"),
        "{\"id\":\"ad-1\",\"text\":\"Nouvelle en ville, appelle 06 12 34 56 78\",\"region\":\"FR\"}\n\
         {\"id\":\"ad-2\",\"text\":\"Lola, 21 ans, lola.paris@example.fr\"}\n",
    )
    .unwrap();
}

fn lines_of_type(output: &str, kind: &str) -> usize {
    output
        .lines()
        .filter(|l| l.contains(&format!("\"type\":\"{kind}\"")))
        .count()
}

#[test]
fn a_scan_of_the_directory_holding_its_output_does_not_read_it() {
    let dir = tempfile::tempdir().unwrap();
    ads(dir.path());
    let out = dir.path().join("out.jsonl");
    let out_arg = out.to_str().unwrap();
    let dir_arg = dir.path().to_str().unwrap();

    let (code, stderr) = scan(&["--out", out_arg, dir_arg]);
    assert_eq!(code, 0, "{stderr}");
    let first = std::fs::read_to_string(&out).unwrap();
    assert_eq!(lines_of_type(&first, "record"), 2, "{first}");
    assert_eq!(lines_of_type(&first, "error"), 0, "{first}");

    // Again, over the first output: the same lines, not those of the first output read back.
    let (code, stderr) = scan(&["--out", out_arg, dir_arg]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
}

#[test]
fn the_output_named_as_an_input_is_an_error_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    ads(dir.path());
    let out = dir.path().join("out.jsonl");
    std::fs::write(
        &out,
        "an earlier output, much longer than the new one\n".repeat(1000),
    )
    .unwrap();
    let ads = dir.path().join("ads.jsonl");
    let (code, stderr) = scan(&[
        "--out",
        out.to_str().unwrap(),
        ads.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{stderr}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(lines_of_type(&written, "record"), 2, "{written}");
    let errors: Vec<serde_json::Value> = written
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{written}");
    assert_eq!(errors[0]["source"], out.to_str().unwrap());
    assert_eq!(
        errors[0]["message"],
        "is the output file of this command: not read"
    );
    assert!(!written.contains("an earlier output"), "{written}");
}
