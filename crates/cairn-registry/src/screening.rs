//! Screening: a versioned questionnaire (data/screening.toml, French and English) built from the
//! indicators of sexual exploitation and trafficking, a scoring that flags a level with the answers
//! that raised it and a recommended action, and stored screenings that a professional confirms.
//! The screening never decides: its level is a flag until someone confirms or corrects it.

use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::crypto::random_id;
use crate::db::{Tx, now, on_pool, on_tx};
use crate::model::{Answer, Lang, Role, ScreeningLevel};
use crate::{Registry, RegistryError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The questionnaire shipped with this build.
pub const BUILTIN_QUESTIONNAIRE: &str = include_str!("../data/screening.toml");

/// A text in each language of the data files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Texts {
    pub en: String,
    pub fr: String,
}

impl Texts {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    /// vulnerability, recruitment, control, exploitation or online.
    pub domain: String,
    /// The indicator this question asks about.
    pub indicator: String,
    /// Where the indicator comes from.
    pub source: String,
    pub weight: u32,
    /// A "yes" raises the level to at least this, whatever the total.
    #[serde(default)]
    pub raises: Option<ScreeningLevel>,
    pub en: String,
    pub fr: String,
}

impl Question {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub concern: u32,
    pub high_concern: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actions {
    pub no_concern: Texts,
    pub concern: Texts,
    pub high_concern: Texts,
    pub immediate_danger: Texts,
}

impl Actions {
    pub fn for_level(&self, level: ScreeningLevel) -> &Texts {
        match level {
            ScreeningLevel::NoConcern => &self.no_concern,
            ScreeningLevel::Concern => &self.concern,
            ScreeningLevel::HighConcern => &self.high_concern,
            ScreeningLevel::ImmediateDanger => &self.immediate_danger,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub id: String,
    pub version: u32,
    pub title: Texts,
    pub thresholds: Thresholds,
    pub actions: Actions,
    pub questions: Vec<Question>,
}

const DOMAINS: [&str; 5] = [
    "vulnerability",
    "recruitment",
    "control",
    "exploitation",
    "online",
];

impl Questionnaire {
    /// The questionnaire of this build.
    pub fn builtin() -> Result<Self, RegistryError> {
        Self::from_toml(BUILTIN_QUESTIONNAIRE, "data/screening.toml")
    }

    /// Parses and checks a questionnaire; `what` names the file in errors.
    pub fn from_toml(text: &str, what: &str) -> Result<Self, RegistryError> {
        let q: Self =
            toml::from_str(text).map_err(|e| RegistryError::invalid(what, e.to_string()))?;
        if q.thresholds.concern == 0 || q.thresholds.concern > q.thresholds.high_concern {
            return Err(RegistryError::invalid(
                format!("{what}: thresholds"),
                "need 0 < concern <= high_concern",
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for question in &q.questions {
            let here = format!("{what}: question {}", question.id);
            if !seen.insert(question.id.as_str()) {
                return Err(RegistryError::invalid(here, "duplicate id"));
            }
            if !DOMAINS.contains(&question.domain.as_str()) {
                return Err(RegistryError::invalid(
                    here,
                    format!("domain {:?} is not one of {DOMAINS:?}", question.domain),
                ));
            }
            if question.indicator.trim().is_empty()
                || question.source.trim().is_empty()
                || question.en.trim().is_empty()
                || question.fr.trim().is_empty()
            {
                return Err(RegistryError::invalid(
                    here,
                    "indicator, source, en and fr are required",
                ));
            }
        }
        if q.questions.is_empty() {
            return Err(RegistryError::invalid(what, "no questions"));
        }
        Ok(q)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Scores a set of answers. Unknown question ids are an error naming them; questions without
    /// an answer are listed as unanswered.
    pub fn score(
        &self,
        answers: &BTreeMap<String, Answer>,
    ) -> Result<ScreeningResult, RegistryError> {
        if let Some(bad) = answers.keys().find(|id| self.question(id).is_none()) {
            return Err(RegistryError::invalid(
                format!("screening answer {bad:?}"),
                format!(
                    "no such question in {} v{} (see `cairn case questionnaire`)",
                    self.id, self.version
                ),
            ));
        }
        let mut score = 0u32;
        let mut floor = ScreeningLevel::NoConcern;
        let mut raised_by = Vec::new();
        let mut unknown = Vec::new();
        let mut unanswered = Vec::new();
        for q in &self.questions {
            match answers.get(&q.id) {
                Some(Answer::Yes) => {
                    score += q.weight;
                    if let Some(r) = q.raises {
                        floor = floor.max(r);
                    }
                    if q.weight > 0 || q.raises.is_some() {
                        raised_by.push(RaisedBy {
                            question: q.id.clone(),
                            indicator: q.indicator.clone(),
                            weight: q.weight,
                            raises: q.raises,
                        });
                    }
                }
                Some(Answer::No) => {}
                Some(Answer::Unknown) => unknown.push(q.id.clone()),
                None => unanswered.push(q.id.clone()),
            }
        }
        let by_score = if score >= self.thresholds.high_concern {
            ScreeningLevel::HighConcern
        } else if score >= self.thresholds.concern {
            ScreeningLevel::Concern
        } else {
            ScreeningLevel::NoConcern
        };
        let level = by_score.max(floor);
        // The strongest evidence first: what raised the level on its own, then by weight.
        raised_by.sort_by(|a, b| b.raises.cmp(&a.raises).then(b.weight.cmp(&a.weight)));
        Ok(ScreeningResult {
            questionnaire_id: self.id.clone(),
            questionnaire_version: self.version,
            level,
            score,
            raised_by,
            unknown,
            unanswered,
            action: self.actions.for_level(level).clone(),
        })
    }
}

/// One "yes" that counts towards the level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RaisedBy {
    pub question: String,
    pub indicator: String,
    pub weight: u32,
    pub raises: Option<ScreeningLevel>,
}

/// The level a questionnaire gives, with its evidence and the recommended action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningResult {
    pub questionnaire_id: String,
    pub questionnaire_version: u32,
    pub level: ScreeningLevel,
    pub score: u32,
    pub raised_by: Vec<RaisedBy>,
    /// Answered "unknown": ask again.
    pub unknown: Vec<String>,
    pub unanswered: Vec<String>,
    pub action: Texts,
}

/// A stored screening as its readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningView {
    pub id: String,
    pub case_id: String,
    pub answers: BTreeMap<String, Answer>,
    pub result: ScreeningResult,
    pub screened_by: String,
    pub screened_at: String,
    /// Who confirmed the level (or set another one), and when: until then it is only a flag.
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<String>,
    pub confirmed_level: Option<ScreeningLevel>,
    pub confirmation_note: Option<String>,
}

/// What is sealed in `screening.answers`: the answers and the result computed from them.
#[derive(Serialize, Deserialize)]
struct SealedScreening {
    answers: BTreeMap<String, Answer>,
    result: ScreeningResult,
}

/// Retention: the sealed answers of a screening without the answers and their evidence (the
/// level, score and questionnaire stay); None when they were wiped already.
pub(crate) fn wipe_answers(
    keys: &crate::crypto::KeyRing,
    screening_id: &str,
    blob: &[u8],
) -> Result<Option<Vec<u8>>, RegistryError> {
    let plain = keys.open("screening", "answers", screening_id, blob)?;
    let mut sealed: SealedScreening = serde_json::from_slice(&plain)
        .map_err(|e| RegistryError::invalid(format!("screening {screening_id}"), e.to_string()))?;
    let r = &mut sealed.result;
    if sealed.answers.is_empty()
        && r.raised_by.is_empty()
        && r.unknown.is_empty()
        && r.unanswered.is_empty()
    {
        return Ok(None);
    }
    sealed.answers.clear();
    r.raised_by.clear();
    r.unknown.clear();
    r.unanswered.clear();
    let json = serde_json::to_vec(&sealed)
        .map_err(|e| RegistryError::invalid(format!("screening {screening_id}"), e.to_string()))?;
    Ok(Some(keys.seal(
        "screening",
        "answers",
        screening_id,
        &json,
    )?))
}

fn may_screen(role: Role) -> bool {
    matches!(
        role,
        Role::FirstResponder | Role::CaseWorker | Role::Coordinator
    )
}

impl Registry {
    /// Scores answers with `questionnaire` and stores the screening on a case (answers sealed),
    /// audited. Returns the screening id and its result, unconfirmed.
    pub async fn record_screening(
        &self,
        actor: &Actor,
        case_id: &str,
        questionnaire: &Questionnaire,
        answers: &BTreeMap<String, Answer>,
    ) -> Result<(String, ScreeningResult), RegistryError> {
        let mut tx = self.begin().await?;
        let recorded = self
            .record_screening_tx(&mut tx, actor, case_id, questionnaire, answers)
            .await?;
        tx.commit().await?;
        Ok(recorded)
    }

    /// [`Registry::record_screening`] inside the caller's transaction, so that a screening can be
    /// recorded atomically with what gives rise to it (an accepted signal's new case).
    pub(crate) async fn record_screening_tx(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        case_id: &str,
        questionnaire: &Questionnaire,
        answers: &BTreeMap<String, Answer>,
    ) -> Result<(String, ScreeningResult), RegistryError> {
        if !may_screen(actor.role) {
            return Err(RegistryError::Forbidden {
                what: "screening.create".into(),
                role: actor.role.to_string(),
            });
        }
        let result = questionnaire.score(answers)?;
        let id = random_id("scr")?;
        let sealed = serde_json::to_vec(&SealedScreening {
            answers: answers.clone(),
            result: result.clone(),
        })
        .map_err(|e| RegistryError::invalid("screening", e.to_string()))?;
        let blob = self.keys().seal("screening", "answers", &id, &sealed)?;
        let n = on_tx!(tx, c => sqlx::query("INSERT INTO screening (id, case_id, questionnaire_id, questionnaire_version, level, score, key_version, answers, screened_by, screened_at) \
                SELECT $1, id, $2, $3, $4, $5, $6, $7, $8, $9 FROM case_file WHERE id = $10")
            .bind(&id).bind(&result.questionnaire_id).bind(i64::from(result.questionnaire_version)).bind(result.level.as_str())
            .bind(i64::from(result.score)).bind(i64::from(self.keys().active_version())).bind(blob)
            .bind(&actor.user_id).bind(now()).bind(case_id).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(RegistryError::NotFound {
                what: format!("case {case_id}"),
            });
        }
        audit::append(
            tx,
            actor,
            &AuditEvent {
                action: "screening.create",
                object: &id,
                purpose: "care",
                fields: &["answers", "level", "score"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        Ok((id, result))
    }

    /// A professional confirms a screening's level, or sets another one (a reason is then
    /// required). Stored with who and when; audited. A confirmed screening stays as confirmed.
    pub async fn confirm_screening(
        &self,
        actor: &Actor,
        screening_id: &str,
        level: Option<ScreeningLevel>,
        note: Option<&str>,
    ) -> Result<ScreeningLevel, RegistryError> {
        let what = format!("screening {screening_id}");
        if !may_screen(actor.role) {
            return Err(RegistryError::Forbidden {
                what,
                role: actor.role.to_string(),
            });
        }
        let row: Option<(String, Option<String>, Vec<u8>)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT level, confirmed_by, answers FROM screening WHERE id = $1").bind(screening_id).fetch_optional(p).await?);
        let Some((flagged, confirmed_by, answers)) = row else {
            return Err(RegistryError::NotFound { what });
        };
        if confirmed_by.is_some() {
            return Err(RegistryError::invalid(what, "already confirmed"));
        }
        let flagged: ScreeningLevel = flagged.parse()?;
        let confirmed = level.unwrap_or(flagged);
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if confirmed != flagged && note.is_none() {
            return Err(RegistryError::invalid(
                what,
                format!(
                    "setting {confirmed} instead of the flagged {flagged} needs a reason (--note)"
                ),
            ));
        }
        let sealed_note = match note {
            Some(n) => Some(self.keys().seal(
                "screening",
                "confirmation_note",
                screening_id,
                n.as_bytes(),
            )?),
            None => None,
        };
        // The answers are sealed again with the active key, with the note: one key version per
        // row is what rotate-key relies on.
        let plain = self
            .keys()
            .open("screening", "answers", screening_id, &answers)?;
        let answers = self
            .keys()
            .seal("screening", "answers", screening_id, &plain)?;
        let mut tx = self.begin().await?;
        let n = on_tx!(&mut tx, c => sqlx::query("UPDATE screening SET confirmed_by = $1, confirmed_at = $2, confirmed_level = $3, confirmation_note = $4, answers = $5, key_version = $6 WHERE id = $7 AND confirmed_by IS NULL")
            .bind(&actor.user_id).bind(now()).bind(confirmed.as_str()).bind(sealed_note).bind(answers)
            .bind(i64::from(self.keys().active_version())).bind(screening_id).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(RegistryError::invalid(what, "confirmed meanwhile; reload"));
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "screening.confirm",
                object: screening_id,
                purpose: "care",
                fields: &["confirmed_level", "confirmation_note"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(confirmed)
    }

    /// The screenings of a case, oldest first, with their answers; the read is audited.
    pub async fn screenings_of(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Vec<ScreeningView>, RegistryError> {
        let allowed = may_screen(actor.role);
        audit::append_alone(
            self.pool(),
            actor,
            &AuditEvent {
                action: "screening.read",
                object: case_id,
                purpose: "care",
                fields: &["answers", "level", "confirmation_note"],
                outcome: if allowed {
                    Outcome::Ok
                } else {
                    Outcome::Denied
                },
            },
        )
        .await?;
        if !allowed {
            return Err(RegistryError::Forbidden {
                what: format!("screenings of case {case_id}"),
                role: actor.role.to_string(),
            });
        }
        type Row = (
            String,
            Vec<u8>,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<Vec<u8>>,
        );
        let rows: Vec<Row> = on_pool!(self.pool(), p => sqlx::query_as("SELECT id, answers, screened_by, screened_at, confirmed_by, confirmed_at, confirmed_level, confirmation_note FROM screening WHERE case_id = $1 ORDER BY screened_at, id")
            .bind(case_id).fetch_all(p).await?);
        rows.into_iter()
            .map(|r| {
                let plain = self.keys().open("screening", "answers", &r.0, &r.1)?;
                let sealed: SealedScreening = serde_json::from_slice(&plain).map_err(|e| {
                    RegistryError::invalid(format!("screening {}", r.0), e.to_string())
                })?;
                let note = match r.7 {
                    Some(b) => {
                        Some(
                            self.keys()
                                .open_text("screening", "confirmation_note", &r.0, &b)?,
                        )
                    }
                    None => None,
                };
                Ok(ScreeningView {
                    case_id: case_id.to_owned(),
                    answers: sealed.answers,
                    result: sealed.result,
                    screened_by: r.2,
                    screened_at: r.3,
                    confirmed_by: r.4,
                    confirmed_at: r.5,
                    confirmed_level: r.6.as_deref().map(str::parse).transpose()?,
                    confirmation_note: note,
                    id: r.0,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q() -> Questionnaire {
        Questionnaire::builtin().unwrap()
    }

    fn yes(ids: &[&str]) -> BTreeMap<String, Answer> {
        ids.iter().map(|i| ((*i).to_owned(), Answer::Yes)).collect()
    }

    #[test]
    fn builtin_covers_every_domain_and_names_its_sources() {
        let q = q();
        for d in DOMAINS {
            assert!(
                q.questions.iter().any(|x| x.domain == d),
                "no question for {d}"
            );
        }
        for needed in [
            "recruitment.loverboy",
            "online.sextortion",
            "online.grooming",
            "vulnerability.running_away",
        ] {
            assert!(
                q.questions.iter().any(|x| x.indicator == needed),
                "{needed}"
            );
        }
        assert!(q.questions.iter().all(|x| x.source.contains("DOMAIN.md")));
        assert!(
            q.questions
                .iter()
                .any(|x| x.raises == Some(ScreeningLevel::ImmediateDanger))
        );
    }

    #[test]
    fn levels_from_answers() {
        let q = q();
        let cases: [(&[&str], ScreeningLevel); 6] = [
            (&[], ScreeningLevel::NoConcern),
            (&["vul_placement"], ScreeningLevel::NoConcern),
            (&["vul_placement", "vul_family"], ScreeningLevel::Concern),
            (
                &["vul_runaway", "rec_loverboy", "vul_placement"],
                ScreeningLevel::HighConcern,
            ),
            (&["onl_sextortion"], ScreeningLevel::HighConcern),
            (
                &["vul_placement", "exp_held_now"],
                ScreeningLevel::ImmediateDanger,
            ),
        ];
        for (ids, want) in cases {
            let r = q.score(&yes(ids)).unwrap();
            assert_eq!(r.level, want, "{ids:?}");
            assert_eq!(r.raised_by.len(), ids.len(), "{ids:?}");
            assert_eq!(r.action, *q.actions.for_level(want));
        }
        let r = q.score(&yes(&["vul_placement", "exp_held_now"])).unwrap();
        assert_eq!(
            r.raised_by[0].question, "exp_held_now",
            "the strongest evidence comes first"
        );
        assert!(r.action.en.contains("police now"));
        let high = q.score(&yes(&["onl_sextortion"])).unwrap();
        assert!(high.action.en.contains("within 24 hours"));
    }

    #[test]
    fn unknown_question_is_named_and_unknown_answers_listed() {
        let q = q();
        let mut a = yes(&["vul_runaway"]);
        a.insert("no_such_question".into(), Answer::Yes);
        let e = q.score(&a).unwrap_err().to_string();
        assert!(e.contains("no_such_question"), "{e}");
        let mut a = yes(&["vul_runaway"]);
        a.insert("ctl_threats".into(), Answer::Unknown);
        let r = q.score(&a).unwrap();
        assert_eq!(r.unknown, vec!["ctl_threats".to_owned()]);
        assert_eq!(r.unanswered.len(), q.questions.len() - 2);
    }

    #[test]
    fn bad_files_are_refused_with_the_question_named() {
        let dup = BUILTIN_QUESTIONNAIRE.replace("id = \"vul_family\"", "id = \"vul_placement\"");
        let e = Questionnaire::from_toml(&dup, "x.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("vul_placement") && e.contains("duplicate"),
            "{e}"
        );
        let dom =
            BUILTIN_QUESTIONNAIRE.replacen("domain = \"online\"", "domain = \"elsewhere\"", 1);
        assert!(Questionnaire::from_toml(&dom, "x.toml").is_err());
    }

    proptest! {
        /// More "yes" answers never lower the level, and the level is at least every raising
        /// answer's floor.
        #[test]
        fn monotone(mask in proptest::collection::vec(any::<bool>(), 23), extra in 0usize..23) {
            let q = q();
            let ids: Vec<&str> = q.questions.iter().zip(mask.iter().cycle()).filter(|(_, m)| **m).map(|(x, _)| x.id.as_str()).collect();
            let a = yes(&ids);
            let r = q.score(&a).unwrap();
            let mut more = a.clone();
            more.insert(q.questions[extra % q.questions.len()].id.clone(), Answer::Yes);
            prop_assert!(q.score(&more).unwrap().level >= r.level);
            for x in &q.questions {
                if let (Some(f), Some(Answer::Yes)) = (x.raises, a.get(&x.id)) {
                    prop_assert!(r.level >= f);
                }
            }
            let sum: u32 = r.raised_by.iter().map(|x| x.weight).sum();
            prop_assert_eq!(sum, r.score);
        }
    }
}
