//! Release computation on in-memory records (the registry read is measured by the CLI run in
//! docs/stats.md): suppression with its audit over the report's tables and the Eurostat cube,
//! discrete Laplace noise, and k-anonymous microdata.

#![allow(clippy::unwrap_used)] // benches may unwrap

use cairn_registry::model::{ControlMethod, ExploitationType, RecruitmentMethod, VictimStatus};
use cairn_stats::dp::Noise;
use cairn_stats::extract::{Basis, Population};
use cairn_stats::microdata;
use cairn_stats::record::{AgeBand, CitizenshipGroup, Sex, SexExploitationType, StatRecord};
use cairn_stats::release::{self, Protection, ReleaseRequest};
use criterion::{Criterion, criterion_group, criterion_main};

fn records(n: usize) -> Vec<StatRecord> {
    let mut noise = Noise::from_seed([3; 32]);
    let mut pick = |m: u128| noise.below(m) as usize;
    let nats = ["FR", "RO", "BG", "NG", "MA", "BE", "AL", "VN"];
    (0..n)
        .map(|_| {
            let nat = nats[pick(8)].to_owned();
            StatRecord {
                year: Some(2021 + pick(5) as i32),
                status: if pick(2) == 0 {
                    VictimStatus::Possible
                } else {
                    VictimStatus::Confirmed
                },
                sex: [Sex::Female, Sex::Female, Sex::Male, Sex::OtherOrUnknown][pick(4)],
                age_band: Some(AgeBand::of_age(10 + pick(30) as u32)),
                citizenship: CitizenshipGroup::of(Some(&nat), "FR"),
                nationality: Some(nat),
                exploitation: vec![
                    [
                        ExploitationType::SexualExploitation,
                        ExploitationType::ForcedCriminality,
                        ExploitationType::ForcedLabour,
                    ][pick(3)],
                ],
                sexual_exploitation: vec![SexExploitationType::ALL[pick(5)]],
                recruitment: vec![RecruitmentMethod::ALL[pick(8)]],
                control: vec![ControlMethod::ALL[pick(11)], ControlMethod::ALL[pick(11)]],
                country_of_exploitation: Some(["FR", "BE", "ES"][pick(3)].to_owned()),
                referrals: vec![],
                screenings: vec![],
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let recs = records(5000);
    let population = Population {
        registered: 5000,
        counted: 5000,
        left_out: vec![],
        basis: Basis::Consent,
        reporting_country: "FR".into(),
        extracted_at: String::new(),
    };
    let req = |protection| ReleaseRequest {
        dataset: "bench".into(),
        tables: release::default_tables(),
        referrals: true,
        screenings: false,
        eurostat: true,
        protection,
        basis: Basis::Consent,
        reporting_country: None,
    };
    let mut g = c.benchmark_group("release_5000_persons");
    g.sample_size(10);
    let sup = req(Protection::Suppression {
        k: 11,
        round_to: None,
    });
    g.bench_function("suppression_and_audit_11_tables", |b| {
        b.iter(|| release::compute(&recs, &population, &sup, None).unwrap())
    });
    let dp = req(Protection::DiscreteLaplace {
        micro_epsilon: 1_000_000,
    });
    g.bench_function("discrete_laplace_11_tables", |b| {
        b.iter(|| release::compute(&recs, &population, &dp, Some([1; 32])).unwrap())
    });
    let gauss = req(Protection::DiscreteGaussian {
        micro_epsilon: 1_000_000,
        inverse_delta: 1_000_000,
        micro_rho: cairn_stats::dp::rho_for(1_000_000, 1_000_000),
    });
    g.bench_function("discrete_gaussian_11_tables", |b| {
        b.iter(|| release::compute(&recs, &population, &gauss, Some([1; 32])).unwrap())
    });
    g.bench_function("k_anonymous_microdata", |b| {
        b.iter(|| microdata::k_anonymise(&recs, 11, "FR", 0.05).unwrap())
    });
    g.finish();
    let mut noise = Noise::from_seed([5; 32]);
    c.bench_function("discrete_laplace_sample_scale_20", |b| {
        b.iter(|| noise.discrete_laplace(1, 20))
    });
    c.bench_function("discrete_gaussian_sample_sigma2_120", |b| {
        b.iter(|| noise.discrete_gaussian(120, 1))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
