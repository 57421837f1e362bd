//! HTCDS import and export on both backends: validation with rejects by line and field,
//! idempotent re-import, consent-enforced export.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the report

mod common;

use cairn_registry::audit;
use cairn_registry::consent::LegalBasis;
use cairn_registry::htcds::{self, InputFormat};
use cairn_registry::model::{DataCategory, LegalBasisKind, Purpose, Role};
use common::{Env, actor};
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/htcds_persons.csv")
}

async fn import_and_export(env: Env) {
    let r = &env.registry;
    let worker = actor(&env, "ASE 69", Role::CaseWorker).await;
    let stat = actor(&env, "ONPE", Role::Statistician).await;
    let out = tempfile::tempdir().unwrap();
    let rejects = out.path().join("rejects.jsonl");

    let report = htcds::import_file(r, &worker, &fixture(), &rejects)
        .await
        .unwrap();
    assert_eq!(
        (report.rows, report.imported, report.rejected_rows),
        (4, 2, 2),
        "{report:?}"
    );
    let named: Vec<(u64, &str)> = report
        .rejections
        .iter()
        .map(|x| (x.line, x.field.as_str()))
        .collect();
    assert!(named.contains(&(3, "prs_Birthdate")), "{named:?}");
    assert!(
        named.contains(&(4, "prs_Gender"))
            && named.contains(&(4, "prs_Nationality"))
            && named.contains(&(4, "cas_Status")),
        "{named:?}"
    );
    let reject_text = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(reject_text.lines().count(), 2);
    assert!(reject_text.contains("\"line\":3") && reject_text.contains("prs_Birthdate"));

    // A second run adds nothing.
    let again = htcds::import_file(r, &worker, &fixture(), &rejects)
        .await
        .unwrap();
    assert_eq!(
        (again.imported, again.already_present, again.rejected_rows),
        (0, 2, 2)
    );
    assert_eq!(r.person_ids().await.unwrap().len(), 2);

    // The statistician exports case and exploitation data: only the person with consent.
    let mut buf = Vec::new();
    let rep = htcds::export(
        r,
        &stat,
        Purpose::Statistics,
        None,
        &[DataCategory::Case, DataCategory::Exploitation],
        None,
        &mut buf,
    )
    .await
    .unwrap();
    assert_eq!((rep.persons, rep.exported, rep.refused), (2, 1, 1));
    let text = String::from_utf8(buf).unwrap();
    assert!(
        text.contains("\"vic_MethodsOfControl\":\"Debt bondage;Threats\""),
        "{text}"
    );
    assert!(text.contains("\"vic_LocationOfExploitation\":\"Lyon, FR\""));
    assert!(!text.contains("Qwilhelm"), "no identity asked, none given");
    // Identity is not for a statistician, consent or not.
    assert!(
        htcds::export(
            r,
            &stat,
            Purpose::Statistics,
            None,
            &[DataCategory::Identity],
            None,
            &mut Vec::new()
        )
        .await
        .is_err()
    );

    // An authorised case worker gets the identities back: by consent for care, by legal basis for the other.
    let mut buf = Vec::new();
    let basis = LegalBasis {
        kind: LegalBasisKind::ChildProtectionDuty,
        reason: "signalement ASE".into(),
    };
    let rep = htcds::export(
        r,
        &worker,
        Purpose::Care,
        None,
        &[DataCategory::Identity, DataCategory::Case],
        Some(&basis),
        &mut buf,
    )
    .await
    .unwrap();
    assert_eq!(rep.exported, 2);
    let text = String::from_utf8(buf).unwrap();
    assert!(
        text.contains("\"prs_FirstName\":\"Qwilhelmïna\"")
            && text.contains("\"prs_SecondName\":\"Brrjaqueline\""),
        "{text}"
    );
    assert!(text.contains("\"prs_Birthdate\":\"2009-04-12\""));

    // Every decision is in the chain, refusals included, and the chain holds.
    let mut log = Vec::new();
    audit::export_jsonl(r.pool(), &mut log).await.unwrap();
    let log = String::from_utf8(log).unwrap();
    assert!(
        log.lines().any(|l| l.contains("\"share\"")
            && l.contains("\"denied\"")
            && l.contains(&stat.user_id))
    );
    assert!(log.lines().any(|l| l.contains("\"share.legal_basis\"")));
    assert!(
        !log.contains("Qwilhelm"),
        "the audit log holds no personal data"
    );
    assert!(audit::verify(r.pool()).await.unwrap().first_break.is_none());
}
both_backends!(htcds_import_then_export, super::import_and_export);

async fn jsonl_import(env: Env) {
    let r = &env.registry;
    let worker = actor(&env, "NGO", Role::CaseWorker).await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, concat!(
        "{\"prs_FirstName\":\"Aïqa\",\"prs_SecondName\":\"Lqorentz\",\"prs_Birthdate\":\"2012-01-01\",\"vic_Vulnerabilities\":[\"Minor\",\"Homelessness\"]}\n",
        "not json\n",
        "\n",
        "{\"prs_FirstName\":\"B\",\"prs_Shoe\":\"42\"}\n",
    )).unwrap();
    assert_eq!(InputFormat::detect(&input).unwrap(), InputFormat::JsonLines);
    let rep = htcds::import_file(r, &worker, &input, &dir.path().join("rej.jsonl"))
        .await
        .unwrap();
    assert_eq!((rep.rows, rep.imported, rep.rejected_rows), (3, 1, 2));
    let named: Vec<(u64, &str)> = rep
        .rejections
        .iter()
        .map(|x| (x.line, x.field.as_str()))
        .collect();
    assert_eq!(named, vec![(2, "(row)"), (4, "prs_Shoe")]);
}
both_backends!(htcds_jsonl_import, super::jsonl_import);
