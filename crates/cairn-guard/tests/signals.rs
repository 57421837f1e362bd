//! Synthetic test messages: every signal fires in every language, ordinary chats fire none.
#![allow(clippy::unwrap_used)]

use cairn_guard::{Guard, Level, Message};
use std::collections::BTreeSet;

const CASES: &str = include_str!("data/signal_cases.tsv");
const ORDINARY: &str = include_str!("data/ordinary.tsv");
const LANGS: [&str; 8] = ["en", "fr", "nl", "de", "it", "es", "ro", "bg"];

fn rows(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

#[test]
fn every_signal_fires_in_every_language() {
    let g = Guard::embedded().unwrap();
    let mut missing = Vec::new();
    let mut covered = BTreeSet::new();
    for r in rows(CASES) {
        let (lang, signal, text) = (r[0], r[1], r[2]);
        let a = g.assess(&[Message::new("x", text)]);
        let s = a.signals.iter().find(|s| s.id == signal);
        match s {
            Some(s) => {
                assert_eq!(
                    &text[s.start..s.end],
                    s.evidence,
                    "span of {signal} in {text:?}"
                );
                covered.insert((lang, signal));
            }
            None => missing.push(format!(
                "{lang} {signal}: {text:?} gave {:?}",
                a.signals.iter().map(|s| &s.id).collect::<Vec<_>>()
            )),
        }
    }
    assert!(
        missing.is_empty(),
        "signals not found:\n{}",
        missing.join("\n")
    );
    for lang in LANGS {
        for (signal, _) in g.signal_ids() {
            assert!(
                covered.contains(&(lang, signal)),
                "no test case for {signal} in {lang}"
            );
        }
    }
}

#[test]
fn ordinary_messages_fire_nothing() {
    let g = Guard::embedded().unwrap();
    let mut fired = Vec::new();
    for r in rows(ORDINARY) {
        let a = g.assess(&[Message::new("x", r[1])]);
        if !a.signals.is_empty() {
            fired.push(format!(
                "{} {:?}: {:?}",
                r[0],
                r[1],
                a.signals.iter().map(|s| &s.id).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        fired.is_empty(),
        "signals on ordinary messages:\n{}",
        fired.join("\n")
    );
}

#[test]
fn an_ordinary_conversation_stays_at_none_in_every_language() {
    let g = Guard::embedded().unwrap();
    for lang in LANGS {
        let msgs: Vec<Message> = rows(ORDINARY)
            .filter(|r| r[0] == lang)
            .enumerate()
            .map(|(i, r)| Message::new(if i % 2 == 0 { "a" } else { "b" }, r[1]))
            .collect();
        let a = g.assess(&msgs);
        assert_eq!(a.level, Level::None, "{lang}: {a:?}");
        assert_eq!(a.alert_at, None);
    }
}

#[test]
fn grooming_progression_outweighs_isolated_hits() {
    let g = Guard::embedded().unwrap();
    let isolated = g.assess(&[
        Message::new("a", "dont tell anyone ok"),
        Message::new("b", "ok"),
    ]);
    let staged = g.assess(&[
        Message::new("a", "ur so mature for ur age"),
        Message::new("a", "nobody gets u like i do"),
        Message::new("a", "are ur parents home?"),
        Message::new("a", "dont tell anyone ok"),
        Message::new("a", "send me a pic"),
    ]);
    assert!(isolated.level < Level::Medium, "{isolated:?}");
    assert!(staged.level >= Level::Medium, "{staged:?}");
    assert!(
        staged
            .contributions
            .iter()
            .any(|c| c.source == "progression")
    );
    let sum: f64 = staged.contributions.iter().map(|c| c.value).sum();
    assert!(
        (sum - staged.risk).abs() < 1e-9,
        "contributions add up to the risk"
    );
}

#[test]
fn stated_minor_age_raises_sexual_requests_from_the_other_author() {
    let g = Guard::embedded().unwrap();
    let without = g.assess(&[Message::new("a", "send me a pic"), Message::new("b", "why")]);
    let with = g.assess(&[
        Message::new("b", "im 13"),
        Message::new("a", "send me a pic"),
        Message::new("b", "why"),
    ]);
    assert!(with.risk > without.risk);
    assert!(
        with.contributions
            .iter()
            .any(|c| c.source == "minor_context")
    );
    assert_eq!(with.author.as_deref(), Some("a"));
}

#[test]
fn sextortion_alerts_at_the_threat() {
    let g = Guard::embedded().unwrap();
    let msgs = [
        Message::new("a", "hey cutie"),
        Message::new("b", "hi"),
        Message::new(
            "a",
            "i have your pics. send 200 euros or i send them to all your followers",
        ),
        Message::new("a", "you have 1 hour"),
    ];
    let a = g.assess(&msgs);
    assert!(a.level >= Level::Medium, "{a:?}");
    assert_eq!(a.alert_at, Some(2));
}

#[test]
fn incremental_equals_batch() {
    let g = Guard::embedded().unwrap();
    let msgs: Vec<Message> = rows(CASES)
        .take(40)
        .enumerate()
        .map(|(i, r)| Message::new(["a", "b", "c"][i % 3], r[2]))
        .collect();
    let mut s = g.session();
    let mut alert = None;
    for m in &msgs {
        let u = s.push(m);
        if alert.is_none() && u.level >= Level::Medium {
            alert = Some(u.message);
        }
        assert_eq!(u.alert_at, alert);
    }
    assert_eq!(s.assessment(), g.assess(&msgs));
}

#[test]
fn explanations_exist_in_english_and_french() {
    let g = Guard::embedded().unwrap();
    for (id, stage) in g.signal_ids() {
        for lang in ["en", "fr"] {
            assert!(
                g.explain(id, lang).is_some_and(|t| t.len() > 20),
                "{id} {lang}"
            );
            assert!(g.explain(stage.as_str(), lang).is_some(), "{stage} {lang}");
        }
    }
    assert_ne!(g.explain("secrecy", "fr"), g.explain("secrecy", "en"));
    for extra in ["progression", "minor_context", "model"] {
        assert!(g.explain(extra, "fr").is_some());
    }
}
