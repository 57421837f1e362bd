//! Property tests of the selector finders: no panic on any input, every span maps back to its
//! evidence, planted (obfuscated) numbers, e-mails and IBANs are found inside random text.
#![cfg(feature = "selectors")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cairn_core::{Finding, FindingKind};
use cairn_text::selectors::{self, SelectorContext, email, iban, phone};
use proptest::prelude::*;

fn spans_are_evidence(text: &str, found: &[Finding]) {
    for f in found {
        assert!(f.start <= f.end && f.end <= text.len(), "{f:?}");
        assert_eq!(text.get(f.start..f.end), Some(f.evidence.as_str()), "{f:?}");
        assert!(f.rule.contains('@'), "{f:?}");
    }
}

/// Text made of pieces that stress the scanners: digits of many scripts, separators, number
/// words, keycaps, currency, at/dot words, letters that stand for digits.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("0".to_owned()),
        Just("06".to_owned()),
        Just("+33".to_owned()),
        Just("(0)".to_owned()),
        Just(" ".to_owned()),
        Just(".".to_owned()),
        Just("-".to_owned()),
        Just("/".to_owned()),
        Just("@".to_owned()),
        Just(" at ".to_owned()),
        Just(" dot ".to_owned()),
        Just("[.]".to_owned()),
        Just("(at)".to_owned()),
        Just("zéro".to_owned()),
        Just("six".to_owned()),
        Just("quatre-vingt".to_owned()),
        Just("dix".to_owned()),
        Just("et".to_owned()),
        Just("6\u{FE0F}\u{20E3}".to_owned()),
        Just("６".to_owned()),
        Just("O".to_owned()),
        Just("l".to_owned()),
        Just("€".to_owned()),
        Just("🌹".to_owned()),
        Just("ans".to_owned()),
        Just("FR76".to_owned()),
        Just("FR 76".to_owned()),
        Just(" маймунка ".to_owned()),
        Just(" ТОЧКА ".to_owned()),
        Just(" apenstaartje ".to_owned()),
        Just(" a rond ".to_owned()),
        Just("\u{41C}".to_owned()),
        Just("snap:".to_owned()),
        Just("https://t.me/".to_owned()),
        Just("wa.me/".to_owned()),
        Just("0x".to_owned()),
        Just("\n".to_owned()),
        "[0-9]{1,6}",
        "[a-zA-Z]{1,6}",
        "\\PC{1,3}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn finders_never_panic_on_arbitrary_strings(text in "\\PC{0,200}") {
        for region in [None, Some("FR"), Some("it"), Some("XX")] {
            let found = selectors::extract(&text, &SelectorContext { region });
            spans_are_evidence(&text, &found);
        }
    }

    #[test]
    fn spans_map_to_evidence_on_tricky_text(text in tricky_text()) {
        let ctx = SelectorContext { region: Some("FR") };
        let all = selectors::extract(&text, &ctx);
        spans_are_evidence(&text, &all);
        spans_are_evidence(&text, &phone::find(&text, &ctx));
        spans_are_evidence(&text, &email::find(&text));
        // Sorted by start.
        prop_assert!(all.windows(2).all(|w| w[0].start <= w[1].start));
    }

    #[test]
    fn planted_obfuscated_phones_are_found(
        subscriber in 0u32..9_999_999,
        // Allocated French mobile ranges: 06[0-24-8], 07[3-9].
        prefix in prop::sample::select(vec!["60", "61", "62", "64", "65", "66", "67", "68", "73", "75", "77", "79"]),
        style in 0usize..8,
        before in filler(),
        after in filler(),
    ) {
        let digits = format!("0{prefix}{subscriber:07}");
        let want = format!("+33{}", &digits[1..]);
        let written = obfuscate(&digits, style);
        let text = format!("{before} {written} {after}");
        let found = phone::find(&text, &SelectorContext { region: Some("FR") });
        prop_assert!(
            found.iter().any(|f| f.value == want),
            "{want} not found in {text:?}: {found:?}"
        );
        spans_are_evidence(&text, &found);
    }

    #[test]
    fn planted_emails_are_found(
        local in "[a-z][a-z0-9]{1,10}([._][a-z0-9]{1,6})?",
        domain in "[a-z][a-z0-9]{1,12}",
        tld in prop::sample::select(vec!["fr", "com", "de", "ro", "bg", "it"]),
        style in 0usize..6,
        before in "[A-Za-z ,!]{0,20}",
    ) {
        let (at, dot) = match style {
            0 => ("@", "."),
            1 => (" (at) ", " (dot) "),
            2 => ("[at]", "[.]"),
            3 => (" at ", " dot "),
            4 => (" arobase ", " point "),
            _ => (" @ ", " . "),
        };
        // A platform name before a spaced `@` ("of @ ...") is read as platform + handle by design.
        prop_assume!(!email::PLATFORM_WORDS.iter().any(|w| local.eq_ignore_ascii_case(w)));
        // So is a pronoun before the word ` at ` ("visit us at example dot com").
        prop_assume!(style != 3 || !email::SENTENCE_WORDS.contains(&local.as_str()));
        // And a name of `@` after a space, before a spelled at-word, is read as the at-word
        // (" at at aa dot fr").
        prop_assume!(!matches!(style, 3 | 4) || !email::is_at_name(&local));
        let text = format!("{before} {local}{at}{domain}{dot}{tld} merci");
        let want = format!("{local}@{domain}.{tld}");
        let found = email::find(&text);
        prop_assert!(found.iter().any(|f| f.value == want), "{want} not in {text:?}: {found:?}");
        spans_are_evidence(&text, &found);
    }

    #[test]
    fn planted_ibans_are_found(body in "[0-9]{23}", spaced in any::<bool>()) {
        // A French IBAN with correct check digits.
        let bban = body;
        let mut check = String::new();
        let rearranged = format!("{bban}FR00");
        let mut r: u32 = 0;
        for c in rearranged.chars() {
            r = match c {
                '0'..='9' => (r * 10 + c.to_digit(10).unwrap()) % 97,
                _ => (r * 100 + (c as u32 - 'A' as u32 + 10)) % 97,
            };
        }
        check.push_str(&format!("{:02}", 98 - r));
        let compact = format!("FR{check}{bban}");
        let written = if spaced {
            compact.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(" ")
        } else {
            compact.clone()
        };
        let text = format!("virement sur {written} svp");
        let found = iban::find(&text);
        prop_assert_eq!(found.len(), 1);
        prop_assert_eq!(&found[0].value, &compact);
        let all = selectors::extract(&text, &SelectorContext { region: Some("FR") });
        prop_assert!(all.iter().all(|f| f.kind == FindingKind::Iban), "{:?}", all);
    }
}

/// Neutral words around a planted number (reference words such as `ref` or `code` would rightly
/// keep a number from being read as a phone).
fn filler() -> impl Strategy<Value = String> {
    let words = vec![
        "Salut",
        "je",
        "suis",
        "Lola,",
        "appelle-moi",
        "au",
        "dispo",
        "ce",
        "soir",
        "!",
        "bisous",
        "tél",
        "Tel:",
        "WhatsApp",
        "merci",
        "Paris",
        "nouvelle",
        "ville",
        "😘",
        "...",
        "(",
        ")",
    ];
    prop::collection::vec(prop::sample::select(words), 0..6).prop_map(|v| v.join(" "))
}

const FR_UNITS: [&str; 10] = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
];

/// Writes a French national number in one of the ways ads do.
fn obfuscate(digits: &str, style: usize) -> String {
    let d: Vec<u32> = digits.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let pairs: Vec<String> = digits
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    match style {
        0 => pairs.join(" "),
        1 => pairs.join("."),
        2 => d
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(" "),
        3 => digits.replace('0', "O").replace('1', "l"),
        4 => digits
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap())
            .collect(),
        5 => digits
            .chars()
            .map(|c| format!("{c}\u{FE0F}\u{20E3}"))
            .collect(),
        6 => d
            .iter()
            .map(|&x| FR_UNITS[x as usize])
            .collect::<Vec<_>>()
            .join(" "),
        _ => format!("+33 (0){} {}", &digits[1..2], pairs[1..].join("-")),
    }
}
