//! Golden test of the Easter computation against python-dateutil's `easter` (the Gregorian
//! method), for every year from 1583 to 4099. The holiday calendars derive Good Friday, Easter
//! Monday, Ascension and Whit Monday from it.
//!
//! The interpreter is `$CAIRN_PYTHON`, else `<workspace>/.venv/bin/python` (made by
//! `scripts/test` from scripts/requirements-test.txt). Without one the test fails: it never skips.

#![allow(clippy::unwrap_used)]

use cairn_registry::calendar::easter_sunday;
use std::path::{Path, PathBuf};
use std::process::Command;

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("CAIRN_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    assert!(
        venv.exists(),
        "no Python for the Easter golden test: set CAIRN_PYTHON or run scripts/test \
         (it creates {} with python-dateutil)",
        venv.display()
    );
    venv
}

#[test]
fn easter_matches_dateutil_for_every_gregorian_year_to_4099() {
    let out = Command::new(python())
        .args([
            "-c",
            "from dateutil.easter import easter, EASTER_WESTERN\n\
             for y in range(1583, 4100): print(y, easter(y, EASTER_WESTERN).isoformat())",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python-dateutil failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut years = 0;
    for line in text.lines() {
        let (year, date) = line.split_once(' ').unwrap();
        let ours = easter_sunday(year.parse().unwrap()).unwrap();
        assert_eq!(cairn_registry::workflow::format_date(ours), date, "{year}");
        years += 1;
    }
    assert_eq!(years, 4100 - 1583);
}
