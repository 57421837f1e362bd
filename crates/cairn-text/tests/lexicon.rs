//! The indicator lexicon: loading and validation, matching on obfuscated text, spans, score.

use std::collections::HashSet;

use cairn_core::{FindingKind, IndicatorCategory};
use cairn_text::lexicon::matcher::{Matcher, drop_contained};
use cairn_text::lexicon::{LANGUAGES, Lexicon, LexiconError, score};
use cairn_text::normalize::normalize;
use proptest::prelude::*;

fn lexicon() -> &'static Lexicon {
    match Lexicon::embedded() {
        Ok(l) => l,
        Err(e) => panic!("embedded lexicon does not load: {e}"),
    }
}

#[test]
fn embedded_lexicon_is_complete_and_sourced() {
    let lex = lexicon();
    assert_eq!(lex.id(), "cairn-ads-indicators");
    assert!(!lex.version().is_empty());
    let cats: HashSet<_> = lex.entries().iter().map(|e| e.category).collect();
    for c in IndicatorCategory::ALL {
        assert!(cats.contains(&c), "no entry for category {c}");
    }
    let langs: HashSet<_> = lex
        .entries()
        .iter()
        .flat_map(|e| e.languages.iter().cloned())
        .collect();
    for l in LANGUAGES {
        assert!(langs.contains(l), "no entry for language {l}");
    }
    for e in lex.entries() {
        assert!(e.source.len() > 10, "{} has no real source", e.id);
        let text = e.patterns.join(" ").to_lowercase();
        assert!(
            !text.contains("prostitu"),
            "{}: use 'sexual exploitation of minors'",
            e.id
        );
    }
}

#[test]
fn findings_carry_rule_category_and_details() {
    let lex = lexicon();
    let text = "Salut, NOUVELLE EN VILLE 🌹🌹, toute jeune, dispo 24/7 ✈️";
    let f = lex.find(text);
    let ids: Vec<_> = f.iter().map(|f| f.value.as_str()).collect();
    assert!(ids.contains(&"new_in_town.new.fr"), "{ids:?}");
    assert!(ids.contains(&"youth.young.fr"), "{ids:?}");
    assert!(ids.contains(&"always_available.any"), "{ids:?}");
    assert!(ids.contains(&"emoji_code.new_in_town"), "{ids:?}");
    assert!(ids.contains(&"emoji_code.rose_price"), "{ids:?}");
    for x in &f {
        assert_eq!(x.kind, FindingKind::Indicator);
        assert_eq!(&text[x.start..x.end], x.evidence);
        assert_eq!(x.rule, format!("{}@{}", x.value, lex.version()));
        assert!(x.category.is_some());
        assert_eq!(x.detail["lexicon"], "cairn-ads-indicators");
        assert!(x.detail["weight"].as_f64().is_some_and(|w| w > 0.0));
    }
    let new = f
        .iter()
        .find(|x| x.value == "new_in_town.new.fr")
        .map(|x| x.evidence.as_str());
    assert_eq!(new, Some("NOUVELLE EN VILLE"));
    // The two roses are two findings of the same entry.
    assert_eq!(
        f.iter()
            .filter(|x| x.value == "emoji_code.rose_price")
            .count(),
        2
    );
}

#[test]
fn obfuscated_forms_match_with_original_evidence() {
    let lex = lexicon();
    let cases = [
        ("Nеwww in t0wn!!", "new_in_town.new.en", "Nеwww in t0wn"),
        (
            "JU\u{200B}ST TURNED 18",
            "youth.just_18.en",
            "JU\u{200B}ST TURNED 18",
        ),
        (
            "Ｎｅｕ in der Stadt",
            "new_in_town.new.de",
            "Ｎｅｕ in der Stadt",
        ),
        ("fugueuses bienvenues", "runaway.runaway.fr", "fugueuses"),
        (
            "Нова в града, току-що пристигнала",
            "new_in_town.new.bg",
            "Нова в града",
        ),
        (
            "daddy’s little girl",
            "youth.little_girl.en",
            "daddy’s little girl",
        ),
        ("fetița lui tati", "youth.little_girl.ro", "fetița lui tati"),
    ];
    for (text, id, evidence) in cases {
        let f = lex.find(text);
        let hit = f.iter().find(|x| x.value == id);
        assert_eq!(
            hit.map(|x| x.evidence.as_str()),
            Some(evidence),
            "{text}: {f:?}"
        );
    }
}

#[test]
fn word_boundaries_hold() {
    let lex = lexicon();
    for text in [
        "the canteen",
        "teenagers",
        "prototype",
        "photography",
        "hotellerie",
    ] {
        let f = lex.find(text);
        assert!(f.is_empty(), "{text}: {f:?}");
    }
    // Numbers stay numbers: a price is not leetspeak for a word.
    assert!(
        lex.find("100 euros 24h")
            .iter()
            .all(|x| x.value != "youth.young.en")
    );
}

#[test]
fn language_filter_keeps_any_entries() {
    let lex = lexicon();
    let text = "nouvelle en ville 🌱";
    let n = cairn_text::normalize::Normalized::new(text);
    let en: Vec<_> = lex
        .find_in(text, &n, Some("en"))
        .into_iter()
        .map(|f| f.value)
        .collect();
    assert_eq!(en, vec!["emoji_code.growing".to_owned()]);
    let fr = lex.find_in(text, &n, Some("fr"));
    assert_eq!(fr.len(), 2);
}

#[test]
fn longest_pattern_of_an_entry_wins() {
    let lex = lexicon();
    let f = lex.find("just turned 18 yesterday");
    let hits: Vec<_> = f.iter().filter(|x| x.value == "youth.just_18.en").collect();
    assert_eq!(hits.len(), 1, "{f:?}");
    assert_eq!(hits[0].evidence, "just turned 18");
}

#[test]
fn score_lists_the_entries_behind_each_number() {
    let lex = lexicon();
    let f = lex.find(
        "Nouvelle en ville, toute jeune, toute jeune, 🍒 🌸, tout juste 18 ans, lycéenne, vierge",
    );
    let s = score(&f);
    let youth = s
        .per_category
        .iter()
        .find(|c| c.category == IndicatorCategory::Youth);
    let Some(youth) = youth else {
        panic!("no youth score: {s:?}")
    };
    // young 1.0 + just_18 2.0 + school 1.5 + virgin 1.5 = 6.0, capped at 3.
    assert_eq!(youth.score, cairn_text::lexicon::score::CATEGORY_CAP);
    assert_eq!(youth.entries.len(), 4, "{youth:?}");
    let total: f32 = s.per_category.iter().map(|c| c.score).sum();
    assert!((s.total - total).abs() < 1e-6);
    assert_eq!(s.per_category[0].category, IndicatorCategory::Youth);
    // 🍒 and 🌸 are two patterns of one entry: it counts once.
    let emoji = s
        .per_category
        .iter()
        .find(|c| c.category == IndicatorCategory::EmojiCode);
    assert_eq!(emoji.map(|c| (c.score, c.entries.len())), Some((1.5, 1)));
    assert_eq!(score(&[]).total, 0.0);
}

fn write_temp(name: &str, body: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("cairn-lexicon-{}-{name}.toml", std::process::id()));
    std::fs::write(&p, body).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
    p
}

const GOOD: &str = r#"
id = "test"
version = "0.1"
[[entry]]
id = "a"
category = "youth"
languages = ["en"]
patterns = ["fresh"]
weight = 1
source = "test fixture"
"#;

#[test]
fn loads_from_a_path_and_rejects_bad_files_naming_them() {
    let p = write_temp("good", GOOD);
    let lex = Lexicon::load(&p).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((lex.id(), lex.version()), ("test", "0.1"));
    assert_eq!(lex.find("so fresh")[0].rule, "a@0.1");
    let _ = std::fs::remove_file(&p);

    let bad = [
        (
            "category",
            GOOD.replace("\"youth\"", "\"child_prostitution\""),
            "unknown variant",
        ),
        (
            "field",
            GOOD.replace("weight = 1", "weight = 1\ncolour = 2"),
            "unknown field",
        ),
        (
            "lang",
            GOOD.replace("[\"en\"]", "[\"xx\"]"),
            "unknown language",
        ),
        ("weight", GOOD.replace("weight = 1", "weight = 0"), "weight"),
        (
            "empty",
            GOOD.replace("[\"fresh\"]", "[\"\u{200B}\"]"),
            "empty once normalised",
        ),
        (
            "source",
            GOOD.replace("\"test fixture\"", "\" \""),
            "source",
        ),
        (
            "dup",
            format!("{GOOD}{}", &GOOD[GOOD.find("[[entry]]").unwrap_or(0)..]),
            "duplicate",
        ),
        ("version", GOOD.replace("\"0.1\"", "\"\""), "version"),
    ];
    for (name, body, needle) in bad {
        let p = write_temp(name, &body);
        let err = match Lexicon::load(&p) {
            Ok(_) => panic!("{name}: bad lexicon accepted"),
            Err(e) => e.to_string(),
        };
        assert!(
            err.contains(&p.display().to_string()),
            "{name}: error does not name the file: {err}"
        );
        assert!(err.contains(needle), "{name}: {err}");
        let _ = std::fs::remove_file(&p);
    }
    let missing = Lexicon::load("/nonexistent/lexicon.toml");
    assert!(matches!(missing, Err(LexiconError::Io { .. })));
}

#[test]
fn generic_matcher_reports_original_spans() {
    let m =
        Matcher::new(["are you alone", "alone", "snap*", "📸"]).unwrap_or_else(|e| panic!("{e}"));
    let text = "ARE   YOU ALONE?? add my snapchat 📸\u{FE0F}";
    let found = m.find(text);
    let spans: Vec<_> = found
        .iter()
        .map(|x| (x.pattern, &text[x.start..x.end]))
        .collect();
    assert_eq!(
        spans,
        vec![
            (0, "ARE   YOU ALONE"),
            (1, "ALONE"),
            (2, "snapchat"),
            (3, "📸")
        ],
    );
    let kept = drop_contained(found, |_| 0);
    assert_eq!(kept.len(), 3);
    assert!(Matcher::new(["ok", " \u{200B} "]).is_err());
    assert!(m.find("").is_empty());
}

/// Leet symbol for a letter, from the published table in data/leet.tsv.
fn leet_for(c: char) -> Option<char> {
    match c {
        'a' => Some('4'),
        'e' => Some('3'),
        'i' => Some('1'),
        'o' => Some('0'),
        's' => Some('5'),
        't' => Some('7'),
        _ => None,
    }
}

fn cyrillic_for(c: char) -> Option<char> {
    match c {
        'a' => Some('а'),
        'e' => Some('е'),
        'o' => Some('о'),
        'p' => Some('р'),
        'c' => Some('с'),
        'x' => Some('х'),
        _ => None,
    }
}

/// Obfuscates an ASCII-lowercase pattern: upper case, one leet symbol, one Cyrillic look-alike,
/// one letter repeated four times, one zero-width space, as chosen by the flags.
fn obfuscate(p: &str, flags: u8, pos: usize) -> String {
    let chars: Vec<char> = p.chars().collect();
    let n = chars.len();
    let inside = |i: usize| {
        i > 0 && i + 1 < n && chars[i - 1].is_ascii_lowercase() && chars[i + 1].is_ascii_lowercase()
    };
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let target = i == pos % n.max(1);
        let mut c2 = c.to_string();
        if target && flags & 1 != 0 && inside(i) {
            if let Some(l) = leet_for(c) {
                c2 = l.to_string();
            }
        } else if target && flags & 2 != 0 && inside(i) {
            if let Some(l) = cyrillic_for(c) {
                c2 = l.to_string();
            }
        } else if target && flags & 4 != 0 && c.is_ascii_lowercase() {
            let same_next = chars.get(i + 1) == Some(&c);
            let same_prev = i > 0 && chars[i - 1] == c;
            if !same_next && !same_prev {
                c2 = c.to_string().repeat(4);
            }
        }
        if flags & 8 != 0 {
            c2 = c2.to_uppercase();
        }
        out.push_str(&c2);
        if target && flags & 16 != 0 && inside(i) {
            out.push('\u{200B}');
        }
    }
    out
}

proptest! {
    #[test]
    fn every_plain_pattern_is_found_through_obfuscation(
        entry in 0usize..1000, pat in 0usize..100, flags in 0u8..32, pos in 0usize..40,
        left in "[a-z ]{0,12}", right in "[a-z ]{0,12}",
    ) {
        let lex = lexicon();
        let e = &lex.entries()[entry % lex.entries().len()];
        let p = &e.patterns[pat % e.patterns.len()];
        prop_assume!(p.chars().all(|c| c.is_ascii_lowercase() || c == ' ') && !p.ends_with('*'));
        let obf = obfuscate(p, flags, pos);
        let text = format!("{left} {obf}, {right}");
        let found = lex.find(&text);
        let hit = found.iter().find(|f| f.value == e.id);
        prop_assert!(hit.is_some(), "{:?} not found in {:?}: {:?}", p, text, found);
        for f in &found {
            prop_assert_eq!(&text[f.start..f.end], f.evidence.as_str());
        }
        if let Some(f) = hit {
            // The evidence is exactly the obfuscated phrase (or a longer pattern of the entry
            // containing it), and normalises to a pattern of the entry.
            let ev = normalize(&f.evidence);
            prop_assert!(e.patterns.iter().any(|q| normalize(q) == ev), "{:?} -> {:?}", f.evidence, ev);
        }
    }
}

proptest! {
    #[test]
    fn any_text_gives_findings_with_exact_evidence(s in any::<String>()) {
        for f in lexicon().find(&s) {
            prop_assert_eq!(s.get(f.start..f.end), Some(f.evidence.as_str()));
        }
    }
}
