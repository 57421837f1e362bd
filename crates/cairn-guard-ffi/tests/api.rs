//! The C functions called from Rust as a C app would: conversations, and every misuse the
//! library promises to answer with a status code.
#![allow(clippy::unwrap_used, unsafe_code)]

use cairn_guard_ffi::*;
use proptest::prelude::*;
use std::ffi::{CStr, c_char};

fn new_session() -> *mut CairnGuardSession {
    let mut s = std::ptr::null_mut();
    // SAFETY: `&mut s` is a valid out-pointer.
    assert_eq!(
        unsafe { cairn_guard_session_new(&mut s) },
        CairnGuardStatus::Ok
    );
    assert!(!s.is_null());
    s
}

fn push(
    s: *mut CairnGuardSession,
    author: &str,
    text: &[u8],
) -> (CairnGuardStatus, CairnGuardUpdate) {
    let mut u = CairnGuardUpdate {
        message: usize::MAX,
        risk: -1.0,
        level: CairnGuardLevel::None,
        alert_at: -2,
        signals: 0,
    };
    // SAFETY: live session; pointers valid for their lengths during the call.
    let st = unsafe {
        cairn_guard_session_push(
            s,
            author.as_ptr(),
            author.len(),
            std::ptr::null(),
            0,
            text.as_ptr(),
            text.len(),
            &mut u,
        )
    };
    (st, u)
}

fn json(s: *mut CairnGuardSession, lang: &str) -> serde_json::Value {
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: live session, valid lang slice and out-pointer.
    unsafe {
        assert_eq!(
            cairn_guard_session_assessment_json(s, lang.as_ptr(), lang.len(), &mut out),
            CairnGuardStatus::Ok
        );
        let v = serde_json::from_str(CStr::from_ptr(out).to_str().unwrap()).unwrap();
        cairn_guard_string_free(out);
        v
    }
}

const GROOMING: [(&str, &str); 6] = [
    ("max", "hey how old are u?"),
    ("lea", "im 13"),
    ("max", "ur so mature for ur age"),
    ("max", "are u home alone right now?"),
    ("max", "dont tell ur parents about us ok"),
    ("max", "send me a pic of u pls"),
];

const BENIGN: [(&str, &str); 5] = [
    ("sam", "did you finish the maths homework?"),
    ("lea", "almost, question 4 is hard"),
    ("sam", "we can do it together at lunch tomorrow"),
    ("lea", "ok see you at school"),
    ("sam", "dont forget your football boots"),
];

#[test]
fn grooming_warns_and_benign_stays_none() {
    let s = new_session();
    let mut last = None;
    for (a, t) in GROOMING {
        let (st, u) = push(s, a, t.as_bytes());
        assert_eq!(st, CairnGuardStatus::Ok);
        last = Some(u);
    }
    let u = last.unwrap();
    assert_eq!(u.message, GROOMING.len() - 1);
    assert!(matches!(
        u.level,
        CairnGuardLevel::Medium | CairnGuardLevel::High
    ));
    assert!(u.alert_at >= 0);
    let v = json(s, "fr");
    assert_eq!(v["messages"], GROOMING.len());
    assert_eq!(v["author"], "max");
    assert!(v["signals"].as_array().unwrap().len() >= 3);
    let c = &v["contributions"][0];
    assert!(!c["explanation"].as_str().unwrap().is_empty());
    // SAFETY: live session, freed once.
    unsafe { cairn_guard_session_free(s) };

    let s = new_session();
    for (a, t) in BENIGN {
        let (st, u) = push(s, a, t.as_bytes());
        assert_eq!(st, CairnGuardStatus::Ok);
        assert_eq!(u.level, CairnGuardLevel::None);
        assert_eq!(u.alert_at, -1);
    }
    let v = json(s, "en");
    assert_eq!(v["level"], "none");
    assert!(v["signals"].as_array().unwrap().is_empty());
    // SAFETY: live session, freed once.
    unsafe { cairn_guard_session_free(s) };
}

#[test]
fn misuse_gets_status_codes_and_pushes_nothing() {
    let s = new_session();
    let (st, _) = push(s, "max", b"caf\xc3");
    assert_eq!(st, CairnGuardStatus::InvalidUtf8);
    let long = vec![b'a'; CAIRN_GUARD_MAX_TEXT_BYTES + 1];
    assert_eq!(push(s, "max", &long).0, CairnGuardStatus::TooLong);
    // SAFETY: every pointer is null or valid; a null text with a length must be refused unread.
    unsafe {
        assert_eq!(
            cairn_guard_session_push(
                s,
                std::ptr::null(),
                0,
                std::ptr::null(),
                0,
                std::ptr::null(),
                5,
                std::ptr::null_mut()
            ),
            CairnGuardStatus::NullArgument
        );
        assert_eq!(
            cairn_guard_session_push(
                std::ptr::null_mut(),
                b"a".as_ptr(),
                1,
                std::ptr::null(),
                0,
                b"x".as_ptr(),
                1,
                std::ptr::null_mut()
            ),
            CairnGuardStatus::NullArgument
        );
        let time = "2026-11-30T21:15:00+01:00";
        assert_eq!(
            cairn_guard_session_push(
                s,
                b"lea".as_ptr(),
                3,
                time.as_ptr(),
                time.len(),
                b"hi".as_ptr(),
                2,
                std::ptr::null_mut()
            ),
            CairnGuardStatus::Ok
        );
        // Null author and text with length 0 are empty strings.
        assert_eq!(
            cairn_guard_session_push(
                s,
                std::ptr::null(),
                0,
                std::ptr::null(),
                0,
                std::ptr::null(),
                0,
                std::ptr::null_mut()
            ),
            CairnGuardStatus::Ok
        );
        let mut out: *mut c_char = std::ptr::null_mut();
        assert_eq!(
            cairn_guard_session_assessment_json(std::ptr::null(), std::ptr::null(), 0, &mut out),
            CairnGuardStatus::NullArgument
        );
        assert_eq!(
            cairn_guard_session_assessment_json(s, std::ptr::null(), 0, std::ptr::null_mut()),
            CairnGuardStatus::NullArgument
        );
        assert_eq!(
            cairn_guard_session_new(std::ptr::null_mut()),
            CairnGuardStatus::NullArgument
        );
        // A misaligned out-pointer is refused, not written.
        let mut buf = [0u64; 8];
        let misaligned = buf
            .as_mut_ptr()
            .cast::<u8>()
            .add(1)
            .cast::<CairnGuardUpdate>();
        assert_eq!(
            cairn_guard_session_push(
                s,
                b"a".as_ptr(),
                1,
                std::ptr::null(),
                0,
                b"x".as_ptr(),
                1,
                misaligned
            ),
            CairnGuardStatus::InvalidArgument
        );
        assert_eq!(buf, [0u64; 8]);
        cairn_guard_string_free(std::ptr::null_mut());
        cairn_guard_session_free(std::ptr::null_mut());
    }
    // The refused messages were not pushed; the misaligned one was (only its update was refused).
    assert_eq!(json(s, "en")["messages"], 3);
    // SAFETY: live session, freed once.
    unsafe { cairn_guard_session_free(s) };
}

#[test]
fn status_messages_and_version_are_static_strings() {
    for code in [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, i32::MAX] {
        // SAFETY: the library returns static NUL-terminated strings.
        let m = unsafe { CStr::from_ptr(cairn_guard_status_message(code)) };
        assert!(!m.to_bytes().is_empty());
    }
    // SAFETY: as above.
    let v = unsafe { CStr::from_ptr(cairn_guard_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Arbitrary bytes never crash: valid UTF-8 is pushed, anything else is refused.
    #[test]
    fn arbitrary_bytes_get_a_status(texts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 1..8)) {
        let s = new_session();
        let mut pushed = 0;
        for t in &texts {
            let (st, u) = push(s, "x", t);
            if std::str::from_utf8(t).is_ok() {
                prop_assert_eq!(st, CairnGuardStatus::Ok);
                prop_assert_eq!(u.message, pushed);
                prop_assert!((0.0..=1.0).contains(&u.risk));
                pushed += 1;
            } else {
                prop_assert_eq!(st, CairnGuardStatus::InvalidUtf8);
            }
        }
        prop_assert_eq!(&json(s, "en")["messages"], pushed);
        // SAFETY: live session, freed once.
        unsafe { cairn_guard_session_free(s) };
    }
}
