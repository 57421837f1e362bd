//! C ABI for apps (Android NDK, iOS), behind the `c-api` feature. Build a static or dynamic
//! library with `cargo rustc -p cairn-guard --release --features c-api --crate-type staticlib`
//! (or `cdylib`) and generate the header with `cbindgen --lang c crates/cairn-guard`.
//!
//! ```c
//! CairnGuardSession *s = cairn_guard_session_new();
//! double risk = cairn_guard_session_push(s, "max", "are u home alone?");
//! char *json = cairn_guard_session_assessment_json(s);   /* the Assessment as JSON */
//! cairn_guard_string_free(json);
//! cairn_guard_session_free(s);
//! ```
//!
//! Strings in are NUL-terminated UTF-8 (invalid UTF-8 is replaced, never rejected); strings out
//! are owned by the caller and freed with [`cairn_guard_string_free`]. A session is used by one
//! thread at a time. No function panics across the boundary: failures return null or `-1`.
// The C boundary needs raw pointers; each block below states why it is sound.
#![allow(unsafe_code)]

use crate::{Guard, Message, Session};
use std::ffi::{CStr, CString, c_char};

/// Opaque session handle for C.
pub struct CairnGuardSession(Session<'static>);

/// A new session over the embedded data, or null if the embedded data is unusable.
#[unsafe(no_mangle)]
pub extern "C" fn cairn_guard_session_new() -> *mut CairnGuardSession {
    match Guard::embedded() {
        Ok(g) => Box::into_raw(Box::new(CairnGuardSession(g.session()))),
        Err(_) => std::ptr::null_mut(),
    }
}

/// Adds a message; returns the risk after it (0..1), or -1 when a pointer is null.
///
/// # Safety
/// `session` must come from [`cairn_guard_session_new`] and not be freed; `author` and `text`
/// must be null or point to NUL-terminated strings valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cairn_guard_session_push(
    session: *mut CairnGuardSession,
    author: *const c_char,
    text: *const c_char,
) -> f64 {
    if session.is_null() || author.is_null() || text.is_null() {
        return -1.0;
    }
    // SAFETY: non-null and, by the contract above, a live session from `Box::into_raw` with no
    // other reference in use (one thread at a time), and NUL-terminated strings.
    let (s, author, text) =
        unsafe { (&mut *session, CStr::from_ptr(author), CStr::from_ptr(text)) };
    let msg = Message::new(author.to_string_lossy(), text.to_string_lossy());
    s.0.push(&msg).risk
}

/// The assessment so far as JSON (the library's `Assessment`), or null on failure. Free it with
/// [`cairn_guard_string_free`].
///
/// # Safety
/// `session` must be null or come from [`cairn_guard_session_new`] and not be freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cairn_guard_session_assessment_json(
    session: *const CairnGuardSession,
) -> *mut c_char {
    if session.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: non-null and live by the contract; only read.
    let s = unsafe { &*session };
    serde_json::to_string(&s.0.assessment())
        .ok()
        .and_then(|j| CString::new(j).ok())
        .map_or(std::ptr::null_mut(), CString::into_raw)
}

/// Frees a string returned by this library. Null is ignored.
///
/// # Safety
/// `s` must be null or a pointer returned by this library and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cairn_guard_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: by the contract, `s` came from `CString::into_raw` and is freed once.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// Frees a session. Null is ignored.
///
/// # Safety
/// `session` must be null or come from [`cairn_guard_session_new`] and not be freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cairn_guard_session_free(session: *mut CairnGuardSession) {
    if !session.is_null() {
        // SAFETY: by the contract, `session` came from `Box::into_raw` and is freed once.
        drop(unsafe { Box::from_raw(session) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_through_the_c_functions() {
        let s = cairn_guard_session_new();
        assert!(!s.is_null());
        let author = CString::new("max").unwrap();
        let t1 = CString::new("are u home alone?").unwrap();
        let t2 = CString::new("dont tell anyone, send me a pic").unwrap();
        // SAFETY: live session and NUL-terminated strings from this test.
        unsafe {
            assert!(cairn_guard_session_push(s, author.as_ptr(), t1.as_ptr()) > 0.0);
            assert!(cairn_guard_session_push(s, author.as_ptr(), t2.as_ptr()) >= 0.5);
            assert_eq!(
                cairn_guard_session_push(s, std::ptr::null(), t2.as_ptr()),
                -1.0
            );
            let j = cairn_guard_session_assessment_json(s);
            assert!(!j.is_null());
            let v: serde_json::Value =
                serde_json::from_str(CStr::from_ptr(j).to_str().unwrap()).unwrap();
            assert_eq!(v["messages"], 2);
            assert_eq!(v["signals"][0]["id"], "risk_assessment");
            cairn_guard_string_free(j);
            cairn_guard_session_free(s);
            cairn_guard_session_free(std::ptr::null_mut());
        }
    }
}
