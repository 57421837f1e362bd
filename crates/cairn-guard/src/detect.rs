//! The detector: messages in, signals and a conversation-level risk out, incrementally.
//!
//! Risk is `1 - exp(-Z)` where `Z` is a sum of non-negative contributions of the author with the
//! most evidence (the "adult side" in a grooming conversation):
//! - each signal that author sent: its weight, raised for repeats (`repeat_step`, up to
//!   `repeat_max`), halved every `half_life_messages` messages since its last occurrence, and
//!   multiplied by `minor_context_factor` for sexual and meeting signals once another author said
//!   they are under 18;
//! - progression: `progression_step` for each grooming stage reached beyond the first, scaled by
//!   how much the stages were reached in their usual order (grooming is a sequence);
//! - the model: `model_weight * max(0, 2 * (mean of the author's top message scores) - 1)`.
//!
//! Each contribution's share of the risk is reported, so the risk is fully explained. Updating
//! after one message costs the matching of that message plus a pass over that author's signal
//! states (bounded by the number of signals), independent of the conversation length.

use crate::Guard;
use crate::matcher::PhraseHit;
use crate::norm::NormText;
use crate::signals::Stage;
use serde::Serialize;

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Message {
    pub author: String,
    /// As given by the export (RFC 3339 when the reader could build it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    pub text: String,
}

impl Message {
    pub fn new(author: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            author: author.into(),
            time: None,
            text: text.into(),
        }
    }
}

/// Risk level: medium or high means "warn".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    None,
    Low,
    Medium,
    High,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// One signal found in one message. `start..end` are byte offsets into that message's text and
/// `evidence` is exactly that slice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    pub id: String,
    pub stage: Stage,
    pub message: usize,
    pub start: usize,
    pub end: usize,
    pub evidence: String,
    pub author: String,
    /// Lexicon rule `lexicon-id@version:line`.
    pub rule: String,
}

/// One term of the risk: a signal (`signal:<id>`), `progression`, `minor_context` or `model`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub source: String,
    /// Share of the risk (all shares add up to the risk).
    pub value: f64,
    /// Messages behind it (for the model: the top-scoring ones).
    pub messages: Vec<usize>,
}

/// The assessment of a conversation so far.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub messages: usize,
    pub risk: f64,
    pub level: Level,
    /// Index of the message at which the level first reached medium.
    pub alert_at: Option<usize>,
    pub signals: Vec<Signal>,
    /// The author whose messages carry the risk, when there is any risk.
    pub author: Option<String>,
    pub contributions: Vec<Contribution>,
}

/// What one new message changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Update {
    pub message: usize,
    pub risk: f64,
    pub level: Level,
    pub alert_at: Option<usize>,
    /// Signals found in this message.
    pub signals: Vec<Signal>,
    /// Learned model score of this message (0..1).
    pub model_score: f32,
}

#[derive(Debug, Clone, Copy, Default)]
struct SigState {
    count: u32,
    last: usize,
}

#[derive(Debug, Clone)]
struct AuthorState {
    name: String,
    sig: Vec<SigState>,
    /// First message of each grooming stage (indexed by `Stage::grooming_order`).
    stage_first: [Option<usize>; 6],
    /// Highest model scores with their message, best first.
    top: Vec<(f32, usize)>,
    stated_minor: bool,
    /// Total evidence at the author's last refresh.
    z: f64,
}

/// Incremental assessment of one conversation. Feed messages with [`Session::push`].
#[derive(Debug, Clone)]
pub struct Session<'g> {
    guard: &'g Guard,
    authors: Vec<AuthorState>,
    /// Signals so far, in fixed-size chunks: appending never moves earlier signals, so a push
    /// costs the same in a conversation of any length (no reallocation of a growing vector).
    signals: Vec<Vec<Signal>>,
    n: usize,
    alert_at: Option<usize>,
    risk: f64,
    hits: Vec<PhraseHit>,
    scratch: Vec<(u32, f32)>,
}

/// Signals per storage chunk.
const SIGNAL_CHUNK: usize = 256;

/// Messages between full refreshes of the authors who stay silent (their evidence decays).
const REFRESH_EVERY: usize = 64;

impl<'g> Session<'g> {
    pub(crate) fn new(guard: &'g Guard) -> Self {
        Self {
            guard,
            authors: Vec::new(),
            signals: Vec::new(),
            n: 0,
            alert_at: None,
            risk: 0.0,
            hits: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The detector this session runs on.
    pub fn guard(&self) -> &'g Guard {
        self.guard
    }

    /// Number of messages seen.
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Adds the next message and updates the assessment.
    pub fn push(&mut self, msg: &Message) -> Update {
        let idx = self.n;
        self.n += 1;
        let g = self.guard;
        let a = match self.authors.iter().position(|x| x.name == msg.author) {
            Some(a) => a,
            None => {
                self.authors.push(AuthorState {
                    name: msg.author.clone(),
                    sig: vec![SigState::default(); g.table.signals.len()],
                    stage_first: [None; 6],
                    top: Vec::new(),
                    stated_minor: false,
                    z: 0.0,
                });
                self.authors.len() - 1
            }
        };
        let norm = NormText::new(&msg.text);
        self.hits.clear();
        g.matcher.find(norm.as_str(), &mut self.hits);
        let new_signals = self.signals_of(&norm, msg, idx);
        let mut context_changed = false;
        let author = &mut self.authors[a];
        for s in &new_signals {
            let Some(si) = g.table.index(&s.id) else {
                continue;
            };
            let st = &mut author.sig[usize::from(si)];
            if st.count == 0 || st.last != idx {
                st.count += 1;
            }
            st.last = idx;
            if let Some(o) = s.stage.grooming_order() {
                author.stage_first[o].get_or_insert(idx);
            }
            if s.id == "minor_age" && !author.stated_minor {
                author.stated_minor = true;
                context_changed = true;
            }
        }
        let score = g.model.score(&norm, &mut self.scratch);
        let top_n = g.table.combine.model_top;
        let pos = author.top.partition_point(|(s, _)| *s >= score);
        if pos < top_n {
            author.top.insert(pos, (score, idx));
            author.top.truncate(top_n);
        }
        if context_changed || idx.is_multiple_of(REFRESH_EVERY) {
            for k in 0..self.authors.len() {
                self.authors[k].z = self.evidence(k, idx).iter().map(|c| c.1).sum();
            }
        } else {
            self.authors[a].z = self.evidence(a, idx).iter().map(|c| c.1).sum();
        }
        let z = self.authors.iter().map(|x| x.z).fold(0.0, f64::max);
        self.risk = 1.0 - (-z).exp();
        let level = self.level();
        if level >= Level::Medium && self.alert_at.is_none() {
            self.alert_at = Some(idx);
        }
        for sig in &new_signals {
            match self.signals.last_mut() {
                Some(chunk) if chunk.len() < SIGNAL_CHUNK => chunk.push(sig.clone()),
                _ => {
                    let mut chunk = Vec::with_capacity(SIGNAL_CHUNK);
                    chunk.push(sig.clone());
                    self.signals.push(chunk);
                }
            }
        }
        Update {
            message: idx,
            risk: self.risk,
            level,
            alert_at: self.alert_at,
            signals: new_signals,
            model_score: score,
        }
    }

    /// The assessment after the last message pushed.
    pub fn assessment(&self) -> Assessment {
        let best = self
            .authors
            .iter()
            .enumerate()
            .filter(|(_, x)| x.z > 0.0)
            .max_by(|x, y| x.1.z.total_cmp(&y.1.z));
        let mut contributions = Vec::new();
        if let Some((k, _)) = best {
            let terms = self.evidence(k, self.n.saturating_sub(1));
            let total: f64 = terms.iter().map(|t| t.1).sum();
            // Terms at the last refresh; shares are scaled to the risk reported.
            if total > 0.0 {
                for (source, value, messages) in terms {
                    if value > 0.0 {
                        contributions.push(Contribution {
                            source,
                            value: self.risk * value / total,
                            messages,
                        });
                    }
                }
            }
            contributions.sort_by(|x, y| y.value.total_cmp(&x.value));
        }
        Assessment {
            messages: self.n,
            risk: self.risk,
            level: self.level(),
            alert_at: self.alert_at,
            signals: self.signals.iter().flatten().cloned().collect(),
            author: best.map(|(_, x)| x.name.clone()),
            contributions,
        }
    }

    fn level(&self) -> Level {
        let l = &self.guard.table.levels;
        if self.risk >= l.high {
            Level::High
        } else if self.risk >= l.medium {
            Level::Medium
        } else if self.risk >= l.low {
            Level::Low
        } else {
            Level::None
        }
    }

    /// The signals of one message from the phrase hits, one per signal and span, spans nested in
    /// a longer span of the same signal dropped.
    fn signals_of(&self, norm: &NormText, msg: &Message, idx: usize) -> Vec<Signal> {
        let g = self.guard;
        let mut found: Vec<(u16, usize, usize, &str)> = Vec::new();
        for h in &self.hits {
            for e in g.lexicon.entries.get(h.phrase).into_iter().flatten() {
                found.push((e.signal, h.start, h.end, &e.rule));
            }
        }
        found.sort_by_key(|&(s, a, b, _)| (s, a, std::cmp::Reverse(b)));
        let mut out: Vec<Signal> = Vec::new();
        let mut kept: Vec<(u16, usize, usize)> = Vec::new();
        for (s, a, b, rule) in found {
            if kept
                .iter()
                .any(|&(ks, ka, kb)| ks == s && ka <= a && b <= kb)
            {
                continue;
            }
            kept.push((s, a, b));
            let r = norm.original_range(a..b);
            let Some(evidence) = msg.text.get(r.clone()) else {
                continue;
            };
            let def = &g.table.signals[usize::from(s)];
            out.push(Signal {
                id: def.id.clone(),
                stage: def.stage,
                message: idx,
                start: r.start,
                end: r.end,
                evidence: evidence.to_owned(),
                author: msg.author.clone(),
                rule: rule.to_owned(),
            });
        }
        out.sort_by_key(|s| (s.start, s.end));
        out
    }

    /// The evidence terms of author `k` as of message `now`: `(source, Z contribution, messages)`.
    fn evidence(&self, k: usize, now: usize) -> Vec<(String, f64, Vec<usize>)> {
        let g = self.guard;
        let c = &g.table.combine;
        let author = &self.authors[k];
        let minor_elsewhere = self
            .authors
            .iter()
            .enumerate()
            .any(|(j, x)| j != k && x.stated_minor);
        let mut terms = Vec::new();
        let mut minor_extra = 0.0;
        for (si, st) in author.sig.iter().enumerate() {
            if st.count == 0 {
                continue;
            }
            let def = &g.table.signals[si];
            let repeat = (1.0 + c.repeat_step * f64::from(st.count - 1)).min(c.repeat_max);
            let age = now.saturating_sub(st.last) as f64;
            let decay = 0.5f64.powf(age / c.half_life_messages);
            let value = def.weight * repeat * decay;
            if minor_elsewhere && matches!(def.stage, Stage::Sexual | Stage::Meeting) {
                minor_extra += value * (c.minor_context_factor - 1.0);
            }
            terms.push((format!("signal:{}", def.id), value, vec![st.last]));
        }
        if minor_extra > 0.0 {
            terms.push(("minor_context".to_owned(), minor_extra, Vec::new()));
        }
        let reached: Vec<usize> = author.stage_first.iter().flatten().copied().collect();
        if reached.len() > 1 {
            let mut pairs = 0.0;
            let mut ordered = 0.0;
            for i in 0..reached.len() {
                for j in i + 1..reached.len() {
                    pairs += 1.0;
                    if reached[i] <= reached[j] {
                        ordered += 1.0;
                    }
                }
            }
            let order = if pairs > 0.0 { ordered / pairs } else { 1.0 };
            let value = c.progression_step * (reached.len() - 1) as f64 * (0.5 + 0.5 * order);
            terms.push(("progression".to_owned(), value, reached));
        }
        if !author.top.is_empty() {
            let mean: f64 =
                author.top.iter().map(|t| f64::from(t.0)).sum::<f64>() / c.model_top as f64;
            let value = c.model_weight * (2.0 * mean - 1.0).max(0.0);
            if value > 0.0 {
                terms.push((
                    "model".to_owned(),
                    value,
                    author.top.iter().map(|t| t.1).collect(),
                ));
            }
        }
        terms
    }
}
