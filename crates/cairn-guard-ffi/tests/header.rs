//! include/cairn_guard.h is what cbindgen generates from src/lib.rs: this test regenerates it and
//! fails when the committed header differs. `CAIRN_BLESS=1` rewrites the header instead.
#![allow(clippy::unwrap_used)]

use std::path::Path;

#[test]
fn committed_header_is_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).unwrap();
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src/lib.rs"))
        .generate()
        .unwrap()
        .write(&mut generated);
    let generated = String::from_utf8(generated).unwrap();
    let path = dir.join("include/cairn_guard.h");
    if std::env::var_os("CAIRN_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: regenerate it with CAIRN_BLESS=1 cargo test -p cairn-guard-ffi --test header",
        path.display()
    );
    for f in [
        "cairn_guard_session_new",
        "cairn_guard_session_push",
        "cairn_guard_session_assessment_json",
        "cairn_guard_string_free",
        "cairn_guard_session_free",
        "cairn_guard_status_message",
        "cairn_guard_version",
        "CAIRN_GUARD_STATUS_INVALID_UTF8",
        "CAIRN_GUARD_LEVEL_NONE",
    ] {
        assert!(generated.contains(f), "header lacks {f}");
    }
}
