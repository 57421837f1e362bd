//! The Python of the test venv (`CAIRN_PYTHON`, else `<repo>/.venv/bin/python`): reference
//! implementations are never optional, so a missing one fails the test with a way to fix it.

use std::path::PathBuf;

pub fn python() -> PathBuf {
    let p = std::env::var_os("CAIRN_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python")
        });
    assert!(
        p.exists(),
        "no Python for reference tests at {}: run scripts/test, or create .venv with scripts/requirements-test.txt",
        p.display()
    );
    p
}
