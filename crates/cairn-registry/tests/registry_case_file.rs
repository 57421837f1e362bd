//! The case file read (the case page of the web server): one read of the case decides access
//! before anything is opened, the person and the statement grant come with it, and the
//! organisations list kept in memory follows the organisations added. SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the report

mod common;

use cairn_registry::access::{CaseAccess, PersonPart};
use cairn_registry::model::{OrgType, Role, VictimStatus, Vulnerability};
use cairn_registry::statement::MediaKind;
use cairn_registry::{NewCase, PersonFields, RegistryError, system_actor};
use common::{Env, actor};

async fn case_file_reads(env: Env) {
    let lead = actor(&env, "Fictional unit", Role::CaseWorker).await;
    let colleague = actor(&env, "Fictional unit", Role::CaseWorker).await;
    let analyst = actor(&env, "Fictional unit", Role::Analyst).await;
    let stranger = actor(&env, "Fictional other service", Role::CaseWorker).await;
    let r = &env.registry;
    let person = r
        .add_person(
            &lead,
            VictimStatus::Possible,
            &PersonFields {
                first_name: Some("Casefilia".into()),
                second_name: Some("Qwertzuiop-Fictif".into()),
                ..PersonFields::default()
            },
        )
        .await
        .unwrap();
    let case = r
        .open_case(
            &lead,
            &NewCase {
                person_id: person.clone(),
                lead_organisation_id: lead.organisation_id.clone(),
                vulnerabilities: vec![Vulnerability::Minor],
                vulnerability_details: Some("Fictional: ran away from the home".into()),
                ..NewCase::default()
            },
        )
        .await
        .unwrap();

    let file = r.case_file(&lead, &case).await.unwrap();
    assert_eq!(file.access, CaseAccess::Lead);
    assert_eq!(
        (file.case.id.as_str(), file.case.person_id.as_str()),
        (case.as_str(), person.as_str())
    );
    assert_eq!(file.case.lead_organisation_id, lead.organisation_id);
    assert_eq!(
        file.case.vulnerability_details.as_deref(),
        Some("Fictional: ran away from the home")
    );
    let PersonPart::Shown(shown) = &file.person else {
        panic!("the lead case worker sees the person")
    };
    assert_eq!(shown.fields.first_name.as_deref(), Some("Casefilia"));
    assert_eq!(shown.organisation_id, Some(lead.organisation_id.clone()));
    assert!(file.statement.is_none());

    let withheld = r.case_file(&analyst, &case).await.unwrap();
    assert!(matches!(withheld.person, PersonPart::Withheld { .. }));
    assert!(matches!(
        r.case_file(&stranger, &case).await,
        Err(RegistryError::Forbidden { .. })
    ));
    assert!(matches!(
        r.case_file(&lead, "cas-0000000000000000").await,
        Err(RegistryError::NotFound { .. })
    ));

    // The statement and the reader's own grant, in the same file.
    let statement = r
        .record_statement(&lead, &case, MediaKind::Text, Some("Fictional words"), None)
        .await
        .unwrap();
    let info = |f: &cairn_registry::access::CaseFile| {
        f.statement
            .as_ref()
            .map(|s| (s.id.clone(), s.may_view))
            .unwrap()
    };
    assert_eq!(
        info(&r.case_file(&lead, &case).await.unwrap()),
        (statement.clone(), true)
    );
    assert_eq!(
        info(&r.case_file(&colleague, &case).await.unwrap()),
        (statement.clone(), false)
    );
    let request = r
        .request_statement_access(&colleague, &statement, "fictional: hearing preparation")
        .await
        .unwrap();
    r.decide_access_request(&lead, &request, true)
        .await
        .unwrap();
    assert_eq!(
        info(&r.case_file(&colleague, &case).await.unwrap()),
        (statement, true)
    );
    // The other reader's grant does not show as the lead's or the colleague's twice.
    assert!(info(&r.case_file(&lead, &case).await.unwrap()).1);
}
both_backends!(case_file_reads_in_few_queries, super::case_file_reads);

async fn organisations_follow_additions(env: Env) {
    let r = &env.registry;
    let before = r.organisations().await.unwrap();
    // Read twice (the second from memory), then add: the next read has the new one.
    assert_eq!(r.organisations().await.unwrap(), before);
    let id = r
        .create_organisation(
            &system_actor(),
            "Fictional shelter north",
            OrgType::Shelter,
            "BE",
            None,
        )
        .await
        .unwrap();
    let after = r.organisations().await.unwrap();
    assert_eq!(after.len(), before.len() + 1);
    assert!(
        after
            .iter()
            .any(|o| o.id == id && o.name == "Fictional shelter north" && o.country == "BE")
    );
    // Clones of the registry share the copy and its invalidation.
    let clone = r.clone();
    let id2 = clone
        .create_organisation(
            &system_actor(),
            "Fictional shelter south",
            OrgType::Shelter,
            "BE",
            None,
        )
        .await
        .unwrap();
    assert!(r.organisations().await.unwrap().iter().any(|o| o.id == id2));
}
both_backends!(
    organisations_in_memory_follow_additions,
    super::organisations_follow_additions
);
