//! The gazetteer: data integrity, exonyms, ambiguous names, spans and details.
#![cfg(feature = "places")]

use cairn_core::FindingKind;
use cairn_text::gazetteer::{Gazetteer, Tier};

fn gaz() -> &'static Gazetteer {
    match Gazetteer::embedded() {
        Ok(g) => g,
        Err(e) => panic!("embedded gazetteer does not load: {e}"),
    }
}

fn places(text: &str) -> Vec<(String, String)> {
    gaz()
        .find(text)
        .into_iter()
        .map(|f| (f.value, f.evidence))
        .collect()
}

#[test]
fn data_loads_with_known_cities() {
    let g = gaz();
    assert!(g.len() > 5000, "{}", g.len());
    assert!(g.version().starts_with("geonames-cities15000"));
    let paris = g
        .get(2988507)
        .map(|c| (c.name.to_string(), c.country.to_string()));
    assert_eq!(paris, Some(("Paris".into(), "FR".into())));
    let sofia = g
        .get(727011)
        .map(|c| (c.lat.round(), c.lon.round(), c.tier));
    assert_eq!(sofia, Some((43.0, 23.0, Tier::Plain)));
    assert!(g.get(1).is_none());
}

/// A line with too few or too many fields, or a field that does not parse, is an error naming
/// the file and line; a good line with alternate names is read.
#[test]
fn bad_lines_are_errors_naming_file_and_line() {
    let good =
        "# version: test-1\n1\tTestville\tTestville\tFR\t1.5\t2.5\t100\t0\tTestburg|Tstv^1\n";
    let g = match Gazetteer::parse(good, "g.tsv") {
        Ok(g) => g,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(g.version(), "test-1");
    let city = g
        .get(1)
        .map(|c| (c.name.to_string(), c.alternate_names.len()));
    assert_eq!(city, Some(("Testville".into(), 2)));
    assert_eq!(g.find("in Testburg")[0].value, "1");
    for (bad, problem) in [
        (
            "1\tTestville\tTestville\tFR\t1.5\t2.5\t100\t0",
            "expected 9 tab-separated fields",
        ),
        (
            "1\tA\tA\tFR\t1.5\t2.5\t100\t0\t\textra",
            "expected 9 tab-separated fields",
        ),
        ("x\tA\tA\tFR\t1.5\t2.5\t100\t0\t", "bad geonameid"),
        ("1\tA\tA\tFR\tnorth\t2.5\t100\t0\t", "bad latitude"),
        ("1\tA\tA\tFR\t1.5\t2.5\t100\t7\t", "bad tier"),
    ] {
        let src = format!("# header\n{bad}\n");
        match Gazetteer::parse(&src, "g.tsv") {
            Ok(_) => panic!("accepted: {bad}"),
            Err(e) => assert_eq!(e.to_string(), format!("g.tsv:2: {problem}")),
        }
    }
}

#[test]
fn names_and_exonyms_in_our_languages() {
    let text =
        "Nouvelle sur Paris, puis Bruxelles, Brussel, Brüssel et Брюксел; ensuite București.";
    let found = places(text);
    let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "2988507", "2800866", "2800866", "2800866", "2800866", "683506"
        ],
        "{found:?}"
    );
    assert_eq!(found[5].1, "București");
    // Accents and case are folded for plain names.
    assert_eq!(places("bucuresti")[0].0, "683506");
}

#[test]
fn findings_carry_details_and_exact_evidence() {
    let text = "Just arrived in Frankfurt am Main ✈️";
    let f = gaz().find(text);
    assert_eq!(f.len(), 1, "{f:?}");
    let f = &f[0];
    assert_eq!(f.kind, FindingKind::Place);
    assert_eq!(f.value, "2925533");
    assert_eq!(&text[f.start..f.end], "Frankfurt am Main");
    assert_eq!(f.detail["country"], "DE");
    assert_eq!(f.detail["name"], "Frankfurt am Main");
    assert!(
        f.detail["lat"]
            .as_f64()
            .is_some_and(|x| (x - 50.1).abs() < 0.1)
    );
    assert!(f.rule.starts_with("gazetteer@geonames"));
}

#[test]
fn ambiguous_names_need_capitals_and_context() {
    // Common words are not places.
    for text in [
        "a nice girl",
        "most of the time",
        "NICE and NEW",
        "split the bill",
        "Nice to meet you",
        "gut essen gehen",
        "Essen ist fertig",
    ] {
        assert!(places(text).is_empty(), "{text}: {:?}", places(text));
    }
    // The same names written as places are.
    assert_eq!(places("Nouvelle sur Nice ce soir")[0].0, "2990440");
    assert_eq!(places("new in Split this week")[0].0, "3190261");
    assert_eq!(places("Ich bin nach Essen gekommen")[0].0, "2928810");
    // Tier 1 (capitalised): not at the start of a sentence, not in upper case.
    assert_eq!(places("rendez-vous à Gent demain")[0].0, "2797656");
    assert!(places("gent").is_empty());
    // Alternate names that are first names are left out; "Roma" needs a capital mid-sentence.
    assert!(places("Salut, c'est Lila 🌹").is_empty());
    assert_eq!(places("Nuova a Roma, 💗")[0].0, "3169070");
    assert!(places("roma").is_empty());
}

#[test]
fn no_panic_on_odd_text() {
    for text in [
        "",
        " ",
        "\u{200B}",
        "🌹🌹🌹",
        "Paris\u{0}Paris",
        "ПАРИЖ",
        "à",
    ] {
        let _ = gaz().find(text);
    }
}

proptest::proptest! {
    #[test]
    fn any_text_gives_places_with_exact_evidence(s in "\\PC{0,60}( Paris| Nice| à Nice| Гент)?") {
        for f in gaz().find(&s) {
            proptest::prop_assert_eq!(s.get(f.start..f.end), Some(f.evidence.as_str()));
            proptest::prop_assert!(gaz().get(f.value.parse().unwrap_or(0)).is_some());
        }
    }
}
