//! A synthetic registry for tests and demonstrations: fictional persons (names "Fictional
//! Testperson-0001"…, never real), cases, events, consents and referrals written through the
//! registry's own API (sealed fields, audit entries and all). Deterministic for a seed; the
//! distributions loosely follow the field study (mostly girls, entry around 13–15, mostly nationals
//! and Romanian or Bulgarian minors, sexual exploitation first).

use crate::StatsError;
use crate::dp::Noise;
use cairn_registry::audit::Actor;
use cairn_registry::model::{
    Answer, CaseStatus, ConsentGiver, ControlMethod, DataCategory, EventKind, ExploitationType,
    Gender, Purpose, RecruitmentMethod, ReferralStatus, VictimStatus, Vulnerability,
};
use cairn_registry::screening::Questionnaire;
use cairn_registry::{NewCase, NewConsent, NewEvent, PersonFields, Registry};
use serde::Serialize;
use std::collections::BTreeMap;
use time::macros::format_description;

#[derive(Debug, Clone)]
pub struct SyntheticOptions {
    pub persons: usize,
    pub seed: [u8; 32],
    /// Share (percent) of persons with a consent to statistical use in force.
    pub statistics_consent_percent: u32,
    /// Share (percent) of persons referred to the receiving organisation.
    pub referral_percent: u32,
    /// First and last year of registration.
    pub years: (i32, i32),
    /// Share (percent) of persons screened (once, or twice for a tenth of them) by `worker`.
    pub screening_percent: u32,
}

impl Default for SyntheticOptions {
    fn default() -> Self {
        Self {
            persons: 2000,
            seed: [17; 32],
            statistics_consent_percent: 70,
            referral_percent: 20,
            years: (2021, 2025),
            screening_percent: 60,
        }
    }
}

/// What was generated (the truth tests compare with).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyntheticSummary {
    pub persons: u64,
    pub statistics_consent: u64,
    pub statistics_consent_withdrawn: u64,
    pub other_consent_only: u64,
    pub no_consent: u64,
    pub referrals: u64,
    pub screenings: u64,
    /// Screenings of persons whose consent to statistical use is in force (the ones counted).
    pub screenings_of_counted: u64,
}

fn pick<'a, T>(noise: &mut Noise, weighted: &'a [(T, u32)]) -> &'a T {
    let total: u32 = weighted.iter().map(|(_, w)| *w).sum();
    let mut x = noise.below(u128::from(total.max(1))) as u32;
    for (t, w) in weighted {
        if x < *w {
            return t;
        }
        x -= w;
    }
    &weighted[weighted.len() - 1].0
}

fn chance(noise: &mut Noise, percent: u32) -> bool {
    noise.below(100) < u128::from(percent)
}

/// Writes `opts.persons` fictional persons. `worker` records them (its organisation leads the
/// cases); `receiver`, of another organisation, receives, accepts or declines the referrals.
pub async fn populate(
    reg: &Registry,
    worker: &Actor,
    receiver: &Actor,
    opts: &SyntheticOptions,
) -> Result<SyntheticSummary, StatsError> {
    let mut noise = Noise::from_seed(opts.seed);
    let mut summary = SyntheticSummary::default();
    let questionnaire = Questionnaire::builtin()?;
    let ymd = format_description!("[year]-[month]-[day]");
    for n in 0..opts.persons {
        let year = opts.years.0
            + noise.below(u128::from((opts.years.1 - opts.years.0 + 1).max(1) as u32)) as i32;
        let registered = time::Date::from_ordinal_date(year, 1 + noise.below(365) as u16)
            .map_err(|e| StatsError::invalid("generator", e.to_string()))?;
        let age = *pick(
            &mut noise,
            &[
                (11u32, 4),
                (12, 6),
                (13, 12),
                (14, 16),
                (15, 16),
                (16, 12),
                (17, 8),
                (8, 1),
                (19, 5),
                (22, 5),
                (25, 4),
                (28, 3),
                (33, 4),
                (41, 2),
                (50, 2),
            ],
        );
        let birth = registered
            .replace_year(year - age as i32)
            .unwrap_or(registered)
            .saturating_sub(time::Duration::days(1 + noise.below(360) as i64));
        let gender = *pick(
            &mut noise,
            &[
                (Gender::Female, 70),
                (Gender::Male, 25),
                (Gender::Other, 2),
                (Gender::Unknown, 3),
            ],
        );
        let nationality = *pick(
            &mut noise,
            &[
                ("FR", 55),
                ("RO", 14),
                ("BG", 8),
                ("BE", 4),
                ("NG", 8),
                ("MA", 5),
                ("AL", 3),
                ("VN", 3),
            ],
        );
        let status = *pick(
            &mut noise,
            &[(VictimStatus::Possible, 60), (VictimStatus::Confirmed, 40)],
        );
        let fields = PersonFields {
            first_name: Some("Fictional".into()),
            second_name: Some(format!("Testperson-{n:05}")),
            birthdate: Some(birth.format(&ymd).unwrap_or_default()),
            gender: Some(gender),
            nationality: Some(nationality.into()),
            ..PersonFields::default()
        };
        let mut tx = reg.begin().await?;
        let Some(person_id) = reg
            .insert_person_tx(&mut tx, worker, status, &fields, None)
            .await?
        else {
            continue;
        };
        let mut vulnerabilities = vec![];
        if age < 18 {
            vulnerabilities.push(Vulnerability::Minor);
            if chance(&mut noise, 30) {
                vulnerabilities.push(Vulnerability::PlacementInCare);
            }
            if chance(&mut noise, 35) {
                vulnerabilities.push(Vulnerability::RunawayOrMissing);
            }
        }
        let case = NewCase {
            person_id: person_id.clone(),
            status: Some(*pick(
                &mut noise,
                &[
                    (CaseStatus::Active, 60),
                    (CaseStatus::FollowUp, 20),
                    (CaseStatus::Closed, 20),
                ],
            )),
            lead_organisation_id: worker.organisation_id.clone(),
            worker_id: Some(worker.user_id.clone()),
            vulnerabilities,
            incoming_referral_date: Some(registered.format(&ymd).unwrap_or_default()),
            ..NewCase::default()
        };
        let case_id = reg.insert_case_tx(&mut tx, worker, &case).await?;
        let recruitment = *pick(
            &mut noise,
            &[
                (RecruitmentMethod::Romance, 35),
                (RecruitmentMethod::Friend, 20),
                (RecruitmentMethod::Online, 20),
                (RecruitmentMethod::Family, 8),
                (RecruitmentMethod::JobOffer, 7),
                (RecruitmentMethod::Sold, 3),
                (RecruitmentMethod::Abduction, 2),
                (RecruitmentMethod::Other, 5),
            ],
        );
        reg.insert_event_tx(
            &mut tx,
            worker,
            &case_id,
            &NewEvent {
                kind: Some(EventKind::Recruitment),
                place_country: Some(nationality.into()),
                means: vec![recruitment.as_str().to_owned()],
                ..NewEvent::default()
            },
        )
        .await?;
        let mut forms = vec![*pick(
            &mut noise,
            &[
                (ExploitationType::SexualExploitation, 78),
                (ExploitationType::ForcedCriminality, 10),
                (ExploitationType::ForcedLabour, 5),
                (ExploitationType::ForcedBegging, 4),
                (ExploitationType::ForcedMarriage, 3),
            ],
        )];
        if forms[0] == ExploitationType::SexualExploitation && chance(&mut noise, 12) {
            forms.push(ExploitationType::ForcedCriminality);
        }
        let mut control: Vec<String> = Vec::new();
        for (m, p) in [
            (ControlMethod::EmotionalManipulation, 55),
            (ControlMethod::Threats, 45),
            (ControlMethod::PhysicalViolence, 30),
            (ControlMethod::Substances, 25),
            (ControlMethod::Debt, 20),
            (ControlMethod::SexualViolence, 15),
            (ControlMethod::RestrictedMovement, 10),
            (ControlMethod::DocumentsWithheld, 4),
        ] {
            if chance(&mut noise, p) {
                control.push(m.as_str().to_owned());
            }
        }
        let detail = forms
            .contains(&ExploitationType::SexualExploitation)
            .then(|| {
                (*pick(
                    &mut noise,
                    &[
                        ("Prostitution", 70),
                        ("Pornography", 12),
                        ("Remote interactive services", 10),
                        ("Private sexual services", 3),
                        ("unspecified", 5),
                    ],
                ))
                .to_owned()
            });
        let place = *pick(
            &mut noise,
            &[("FR", 75), ("BE", 10), ("ES", 5), ("DE", 5), ("IT", 5)],
        );
        reg.insert_event_tx(
            &mut tx,
            worker,
            &case_id,
            &NewEvent {
                kind: Some(EventKind::Exploitation),
                place_country: Some(place.into()),
                means: control,
                form: Some(
                    forms
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                ),
                detail,
                ..NewEvent::default()
            },
        )
        .await?;
        let given = registered.format(&ymd).unwrap_or_default();
        let consent = |purpose: Purpose, recipient: Option<String>| NewConsent {
            person_id: person_id.clone(),
            purpose,
            recipient_organisation_id: recipient,
            categories: vec![
                DataCategory::Case,
                DataCategory::Exploitation,
                DataCategory::Identity,
            ],
            giver: if age < 18 {
                ConsentGiver::Parent
            } else {
                ConsentGiver::Person
            },
            given_at: Some(given.clone()),
            expires_at: None,
        };
        let mut withdraw: Option<String> = None;
        let mut counted = false;
        if chance(&mut noise, opts.statistics_consent_percent) {
            let id = reg
                .insert_consent_tx(&mut tx, worker, &consent(Purpose::Statistics, None))
                .await?;
            // A few withdraw later: they must drop out of every later release.
            if chance(&mut noise, 5) {
                withdraw = Some(id);
            } else {
                summary.statistics_consent += 1;
                counted = true;
            }
        } else if chance(&mut noise, 50) {
            reg.insert_consent_tx(&mut tx, worker, &consent(Purpose::Research, None))
                .await?;
            summary.other_consent_only += 1;
        } else {
            summary.no_consent += 1;
        }
        let refer = chance(&mut noise, opts.referral_percent);
        if refer {
            reg.insert_consent_tx(
                &mut tx,
                worker,
                &consent(Purpose::Referral, Some(receiver.organisation_id.clone())),
            )
            .await?;
        }
        tx.commit().await?;
        if let Some(id) = withdraw {
            reg.withdraw_consent(worker, &id).await?;
            summary.statistics_consent_withdrawn += 1;
        }
        if refer {
            let rid = reg
                .send_referral(
                    worker,
                    &case_id,
                    &receiver.organisation_id,
                    "specialised support",
                    None,
                )
                .await?;
            summary.referrals += 1;
            match noise.below(4) {
                0 => {}
                1 => {
                    reg.update_referral(receiver, &rid, ReferralStatus::Received, None)
                        .await?
                }
                2 => {
                    reg.update_referral(receiver, &rid, ReferralStatus::Received, None)
                        .await?;
                    reg.update_referral(receiver, &rid, ReferralStatus::Accepted, None)
                        .await?;
                }
                _ => {
                    reg.update_referral(
                        receiver,
                        &rid,
                        ReferralStatus::Declined,
                        Some("no capacity"),
                    )
                    .await?
                }
            }
        }
        if chance(&mut noise, opts.screening_percent) {
            let times = if chance(&mut noise, 10) { 2 } else { 1 };
            for _ in 0..times {
                let answers: BTreeMap<String, Answer> = questionnaire
                    .questions
                    .iter()
                    .map(|q| {
                        let a = match noise.below(10) {
                            0..=2 => Answer::Yes,
                            3 => Answer::Unknown,
                            _ => Answer::No,
                        };
                        (q.id.clone(), a)
                    })
                    .collect();
                reg.record_screening(worker, &case_id, &questionnaire, &answers)
                    .await?;
                summary.screenings += 1;
                if counted {
                    summary.screenings_of_counted += 1;
                }
            }
        }
        summary.persons += 1;
    }
    Ok(summary)
}
