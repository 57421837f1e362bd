//! Normalisation: examples of each step and properties of the offset map.

use cairn_text::normalize::{Normalized, is_word_char, normalize};
use proptest::prelude::*;

#[test]
fn case_diacritics_and_compatibility_forms_fold() {
    assert_eq!(normalize("Nouvelle À PARIS"), "nouvelle a paris");
    assert_eq!(normalize("Straße Ärger"), "strasse arger");
    assert_eq!(normalize("Bucureşti București"), "bucuresti bucuresti");
    assert_eq!(normalize("ＮＥＷ ｉｎ ｔｏｗｎ"), "new in town");
    assert_eq!(normalize("𝐍𝐄𝐖 ⓝⓔⓦ"), "new new");
    assert_eq!(normalize("œuvre Ærø łódź"), "oeuvre aero lodz");
    assert_eq!(normalize("НОВА в града"), "нова в града");
}

#[test]
fn confusables_follow_the_word_script() {
    // Cyrillic а, е, о inside Latin words become Latin.
    assert_eq!(normalize("nеw in tоwn"), "new in town");
    assert_eq!(normalize("pаypal"), "paypal");
    // A Bulgarian word with a Latin o and a stays Cyrillic.
    assert_eq!(normalize("нoва"), "нова");
    assert_eq!(normalize("мaлка"), "малка");
}

#[test]
fn leetspeak_only_inside_words() {
    assert_eq!(
        normalize("n3w g1rl y0ung t33n b4by"),
        "new girl young teen baby"
    );
    // Numbers, ages, durations, prices and handles stay.
    assert_eq!(
        normalize("18yo 24h h24 100$ @anna 2024 06 12 34"),
        "18yo 24h h24 100$ @anna 2024 06 12 34"
    );
    assert_eq!(normalize("em@il"), "email");
}

#[test]
fn three_or_more_repeats_collapse_doubles_stay() {
    assert_eq!(normalize("newwww in townnnn"), "new in town");
    assert_eq!(normalize("sooo cool Anna belle"), "so cool anna belle");
    assert_eq!(normalize("1000 🌹🌹🌹"), "1000 🌹🌹🌹");
}

#[test]
fn invisible_characters_and_whitespace() {
    assert_eq!(
        normalize("ne\u{200B}w\u{200D} in\u{00AD}town"),
        "new intown"
    );
    assert_eq!(normalize("✈\u{FE0F} 1\u{FE0F}\u{20E3} 👑🏽"), "✈ 1 👑");
    assert_eq!(normalize("  a \t\n\u{00A0} b\r\n"), "a b");
    assert_eq!(normalize(""), "");
    assert_eq!(normalize(" \u{200B} "), "");
}

#[test]
fn spans_map_back_to_original_evidence() {
    let original = "Nеwww  IN T0WN ✈\u{FE0F}!";
    let n = Normalized::new(original);
    assert_eq!(n.text(), "new in town ✈!");
    let at = n.text().find("new in town").unwrap_or(usize::MAX);
    let r = n.original_range(at, at + "new in town".len());
    assert_eq!(&original[r], "Nеwww  IN T0WN");
    let at = n.text().find('✈').unwrap_or(usize::MAX);
    let r = n.original_range(at, at + '✈'.len_utf8());
    assert_eq!(&original[r], "✈");
    // ß → ss: half of the expansion maps to the whole character.
    let n = Normalized::new("Große");
    assert_eq!(n.text(), "grosse");
    assert_eq!(n.original_range(3, 4), 3..5);
    // Requests out of range never panic.
    assert_eq!(n.original_range(100, 200), 6..6);
    assert_eq!(Normalized::new("").original_range(0, 5), 0..0);
}

fn texty() -> impl Strategy<Value = String> {
    // Mix of ASCII, accented Latin, Cyrillic, Greek, digits, leet symbols, emoji and invisibles.
    let alphabet = prop::sample::select(vec![
        'a',
        'e',
        'n',
        'w',
        'o',
        'N',
        'E',
        'W',
        ' ',
        ' ',
        '\t',
        '\n',
        '0',
        '1',
        '3',
        '4',
        '7',
        '@',
        '$',
        '.',
        '-',
        'é',
        'È',
        'ș',
        'ß',
        'ẞ',
        'æ',
        'ø',
        'ł',
        'ı',
        'İ',
        'а',
        'е',
        'о',
        'н',
        'Д',
        'я',
        'й',
        'ο',
        'Σ',
        'ς',
        'ﬁ',
        'Ａ',
        '１',
        '𝐍',
        '✈',
        '🌹',
        '👑',
        '\u{FE0F}',
        '\u{200B}',
        '\u{200D}',
        '\u{301}',
        '\u{20E3}',
        '\u{1F3FD}',
        '\u{A0}',
        '\u{2028}',
        '\u{0}',
        '中',
    ]);
    prop::collection::vec(alphabet, 0..40).prop_map(|v| v.into_iter().collect())
}

proptest! {
    /// The word starts recorded while normalising are exactly the characters of the matching
    /// form that are word characters after a non-word character (or at the start).
    #[test]
    fn word_starts_and_ends_are_where_words_start_and_end(s in prop_oneof![texty(), any::<String>()]) {
        let n = Normalized::new(&s);
        let mut expected = Vec::new();
        let mut words: Vec<std::ops::Range<usize>> = Vec::new();
        let mut prev = false;
        for (i, c) in n.text().char_indices() {
            let w = is_word_char(c);
            if w && !prev {
                expected.push(i);
                words.push(i..n.text().len());
            }
            if !w && prev && let Some(last) = words.last_mut() {
                last.end = i;
            }
            prev = w;
        }
        prop_assert_eq!(n.word_starts().collect::<Vec<_>>(), expected);
        prop_assert_eq!(n.words().collect::<Vec<_>>(), words);
    }

    #[test]
    fn normalising_twice_equals_once(s in texty()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn normalising_twice_equals_once_any_text(s in any::<String>()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn every_span_maps_to_whole_original_characters(s in texty(), a in 0usize..60, b in 0usize..60) {
        let n = Normalized::new(&s);
        let (start, end) = (a.min(b), a.max(b));
        let r = n.original_range(start, end);
        prop_assert!(r.start <= r.end && r.end <= s.len());
        prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
        if start < end && start < n.text().len() {
            prop_assert!(r.start < r.end);
        }
    }

    #[test]
    fn matches_map_back_to_text_that_normalises_to_them(s in texty()) {
        // Every single word of the matching form maps back to original text whose own
        // normalisation contains that word: the evidence really says what was matched.
        let n = Normalized::new(&s);
        let mut pos = 0;
        for w in n.text().split(' ') {
            if !w.is_empty() {
                let r = n.original_range(pos, pos + w.len());
                let evidence = &s[r];
                prop_assert!(normalize(evidence).contains(w), "{:?} -> {:?} vs {:?}", s, evidence, w);
            }
            pos += w.len() + 1;
        }
    }

    #[test]
    fn original_ranges_are_monotonic(s in texty()) {
        let n = Normalized::new(&s);
        let mut last = 0;
        for (i, _) in n.text().char_indices() {
            let r = n.original_range(i, i + 1);
            prop_assert!(r.start >= last);
            last = r.start;
        }
    }
}

#[test]
fn idempotent_on_words_whose_script_changes_while_folding() {
    // Found by proptest: collapsing `sss` or turning `3` into `e` changes the majority script.
    for s in ["нșßн ", "нe3eн", "нs5sн", "eеe", "нeеeн"] {
        let once = normalize(s);
        assert_eq!(normalize(&once), once, "{s:?}");
    }
}
