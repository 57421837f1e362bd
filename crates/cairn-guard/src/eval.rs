//! Evaluation on labelled conversations: precision, recall, F0.5, false-positive rate and the
//! median number of messages read before the alert. A conversation counts as flagged when its
//! level reaches medium.
//!
//! Labelled input is JSON Lines, one message a line, the chat-check input plus a conversation
//! label: `{"conversation","author","text","risky":true|false,"lang":"en"}` (`lang` optional,
//! used to break figures down by language). `train/generate.py` writes such files.

use crate::{Guard, Message, Stage};
use serde::Serialize;
use std::collections::BTreeMap;

/// A conversation with its ground truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    pub id: String,
    pub risky: bool,
    pub lang: Option<String>,
    pub messages: Vec<Message>,
}

/// Confusion counts and the figures derived from them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub conversations: usize,
    pub true_positives: usize,
    pub false_positives: usize,
    pub true_negatives: usize,
    pub false_negatives: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f05: Option<f64>,
    pub false_positive_rate: Option<f64>,
    /// Median, over flagged risky conversations, of the messages read up to the alert (inclusive).
    pub median_messages_before_alert: Option<f64>,
    /// Among flagged risky conversations that reach the sexual stage (a sexual-stage signal), the
    /// share whose alert came strictly before the first sexual-stage message ("warn early").
    pub alert_before_sexual_stage: Option<f64>,
}

/// Overall figures and figures per language.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub overall: Metrics,
    pub by_lang: BTreeMap<String, Metrics>,
}

#[derive(Default)]
struct Tally {
    tp: usize,
    fp: usize,
    tn: usize,
    fn_: usize,
    delays: Vec<usize>,
    sexual: usize,
    early: usize,
}

impl Tally {
    fn add(&mut self, risky: bool, alert_at: Option<usize>, first_sexual: Option<usize>) {
        if let (true, Some(a), Some(s)) = (risky, alert_at, first_sexual) {
            self.sexual += 1;
            if a < s {
                self.early += 1;
            }
        }
        match (risky, alert_at) {
            (true, Some(a)) => {
                self.tp += 1;
                self.delays.push(a + 1);
            }
            (true, None) => self.fn_ += 1,
            (false, Some(_)) => self.fp += 1,
            (false, None) => self.tn += 1,
        }
    }

    fn metrics(mut self) -> Metrics {
        let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
        let precision = ratio(self.tp, self.tp + self.fp);
        let recall = ratio(self.tp, self.tp + self.fn_);
        let f05 = match (precision, recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(1.25 * p * r / (0.25 * p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
        self.delays.sort_unstable();
        let n = self.delays.len();
        let median = match n {
            0 => None,
            _ if n % 2 == 1 => Some(self.delays[n / 2] as f64),
            _ => Some((self.delays[n / 2 - 1] + self.delays[n / 2]) as f64 / 2.0),
        };
        Metrics {
            conversations: self.tp + self.fp + self.tn + self.fn_,
            true_positives: self.tp,
            false_positives: self.fp,
            true_negatives: self.tn,
            false_negatives: self.fn_,
            precision,
            recall,
            f05,
            false_positive_rate: ratio(self.fp, self.fp + self.tn),
            median_messages_before_alert: median,
            alert_before_sexual_stage: ratio(self.early, self.sexual),
        }
    }
}

/// Assesses every conversation and scores the alerts against the labels.
pub fn evaluate(guard: &Guard, conversations: &[Labelled]) -> Report {
    let mut all = Tally::default();
    let mut by_lang: BTreeMap<String, Tally> = BTreeMap::new();
    for c in conversations {
        let a = guard.assess(&c.messages);
        let alert = a.alert_at;
        let first_sexual = a
            .signals
            .iter()
            .filter(|s| s.stage == Stage::Sexual)
            .map(|s| s.message)
            .min();
        all.add(c.risky, alert, first_sexual);
        if let Some(l) = &c.lang {
            by_lang
                .entry(l.clone())
                .or_default()
                .add(c.risky, alert, first_sexual);
        }
    }
    Report {
        overall: all.metrics(),
        by_lang: by_lang.into_iter().map(|(k, t)| (k, t.metrics())).collect(),
    }
}

/// Parses labelled JSON Lines. Returns the conversations (in order of first appearance) and one
/// `(line, message)` per rejected line.
pub fn parse_labelled(text: &str) -> (Vec<Labelled>, Vec<(usize, String)>) {
    let mut convs: Vec<Labelled> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                errors.push((i + 1, format!("invalid JSON: {e}")));
                continue;
            }
        };
        let s = |k: &str| {
            v.get(k)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        let (Some(id), Some(author), Some(text), Some(risky)) = (
            s("conversation"),
            s("author"),
            s("text"),
            v.get("risky").and_then(serde_json::Value::as_bool),
        ) else {
            errors.push((
                i + 1,
                "needs string `conversation`, `author`, `text` and boolean `risky`".into(),
            ));
            continue;
        };
        let k = *index.entry(id.clone()).or_insert_with(|| {
            convs.push(Labelled {
                id,
                risky,
                lang: s("lang"),
                messages: Vec::new(),
            });
            convs.len() - 1
        });
        convs[k].messages.push(Message {
            author,
            time: s("time"),
            text,
        });
    }
    (convs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_from_counts() {
        let mut t = Tally::default();
        t.add(true, Some(4), Some(6));
        t.add(true, Some(9), Some(9));
        t.add(true, None, None);
        t.add(false, Some(1), None);
        t.add(false, None, None);
        t.add(false, None, None);
        t.add(false, None, None);
        let m = t.metrics();
        assert_eq!(
            (
                m.true_positives,
                m.false_negatives,
                m.false_positives,
                m.true_negatives
            ),
            (2, 1, 1, 3)
        );
        assert_eq!(m.precision, Some(2.0 / 3.0));
        assert_eq!(m.recall, Some(2.0 / 3.0));
        assert!((m.f05.unwrap_or(0.0) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(m.false_positive_rate, Some(0.25));
        assert_eq!(m.median_messages_before_alert, Some(7.5));
        assert_eq!(m.alert_before_sexual_stage, Some(0.5));
    }

    #[test]
    fn parses_labelled_lines() {
        let (c, e) = parse_labelled(
            "{\"conversation\":\"a\",\"author\":\"x\",\"text\":\"hi\",\"risky\":true,\"lang\":\"fr\"}\n{\"conversation\":\"a\"}\n",
        );
        assert_eq!(c.len(), 1);
        assert!(c[0].risky);
        assert_eq!(c[0].lang.as_deref(), Some("fr"));
        assert_eq!(e[0].0, 2);
    }
}
