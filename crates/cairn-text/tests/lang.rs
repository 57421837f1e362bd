//! Language identification on the labelled set `data/lang_testset.tsv`.
#![cfg(feature = "lang")]

use cairn_text::lang::{LANGUAGES, detect, detect_or_und};

fn testset() -> Vec<(&'static str, &'static str)> {
    include_str!("../data/lang_testset.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_once('\t').unwrap_or(("?", l)))
        .collect()
}

#[test]
fn testset_is_balanced_and_well_formed() {
    let set = testset();
    for l in LANGUAGES {
        let n = set.iter().filter(|(x, _)| *x == l).count();
        assert!(n >= 15, "{l}: {n} sentences");
    }
    assert!(set.iter().all(|(l, _)| LANGUAGES.contains(l)));
}

#[test]
fn chosen_detector_is_accurate_on_short_and_long_texts() {
    let set = testset();
    let short = |s: &str| s.split_whitespace().count() <= 8;
    let (mut ok, mut ok_short, mut n_short) = (0, 0, 0);
    let mut misses = Vec::new();
    for (l, s) in &set {
        let got = detect(s);
        if got == Some(*l) {
            ok += 1;
            ok_short += usize::from(short(s));
        } else {
            misses.push(format!("{l} -> {got:?}: {s}"));
        }
        n_short += usize::from(short(s));
    }
    let acc = ok as f64 / set.len() as f64;
    let acc_short = ok_short as f64 / n_short as f64;
    assert!(acc >= 0.95, "accuracy {acc:.3}: {misses:#?}");
    assert!(
        acc_short >= 0.93,
        "short-text accuracy {acc_short:.3}: {misses:#?}"
    );
}

#[test]
fn too_short_or_empty_is_und() {
    for s in [
        "",
        "   ",
        "ok",
        "06 12 34 56 78",
        "🌹🌹🌹",
        "hi :)",
        "instagram.com/someone_fictional contact@example.org",
    ] {
        assert_eq!(detect(s), None, "{s:?}");
        assert_eq!(detect_or_und(s), "und");
    }
}

#[test]
fn exclusive_letters_and_scripts_decide() {
    assert_eq!(
        detect("Der Stadtrat hat gestern Abend einen neuen Haushalt beschlossen."),
        Some("de")
    );
    assert_eq!(detect("Vând bicicletă de oraș 28 inch cu coș"), Some("ro"));
    assert_eq!(detect("Нова в града, пиши ми в Телеграм"), Some("bg"));
    assert_eq!(detect("¿Nueva en la ciudad? Escríbeme mañana"), Some("es"));
    // Very long input is cut, not refused; odd input never panics.
    let long = "Le conseil municipal a voté un nouveau budget. ".repeat(10_000);
    assert_eq!(detect(&long), Some("fr"));
    let _ = detect("\u{0}\u{FFFF}ééééééééé\u{200B}");
}

proptest::proptest! {
    #[test]
    fn any_text_gets_one_of_our_languages_or_none(s in "\\PC{0,300}") {
        if let Some(l) = detect(&s) {
            proptest::prop_assert!(LANGUAGES.contains(&l));
        }
    }
}

/// The early stop changes no answer on the labelled set, nor on longer texts made of its
/// sentences in one language or mixed (an ad in one language quoting another).
#[test]
fn early_stop_gives_the_exhaustive_answer() {
    use cairn_text::lang::detect_exhaustive;
    let set = testset();
    let mut texts: Vec<String> = set.iter().map(|(_, s)| (*s).to_owned()).collect();
    for l in LANGUAGES {
        let same: Vec<&str> = set
            .iter()
            .filter(|(x, _)| *x == l)
            .map(|(_, s)| *s)
            .collect();
        texts.push(same.join(" "));
    }
    for pair in set.windows(2) {
        texts.push(format!("{} {}", pair[0].1, pair[1].1));
    }
    for t in &texts {
        assert_eq!(detect(t), detect_exhaustive(t), "{t}");
    }
}
