//! Services directory: specialised services (psychotrauma care, shelters, legal aid, health,
//! education, family support) with area, ages, languages and capacity; a case's needs matched to
//! them; service plans on a case. Services are organisations' offers, not personal data; plans
//! are, and their reads are audited.

use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::crypto::random_id;
use crate::db::{now, on_pool, on_tx};
use crate::model::Role;
use crate::{Registry, RegistryError, check_country};
use serde::{Deserialize, Serialize};

crate::model::vocabulary!(
    /// What a service offers.
    ServiceKind {
        Psychotrauma = "psychotrauma",
        Shelter = "shelter",
        LegalAid = "legal_aid",
        Health = "health",
        Education = "education",
        FamilySupport = "family_support",
    }
);

crate::model::vocabulary!(
    /// A service plan's life: planned, started, then completed or cancelled.
    PlanStatus {
        Planned = "planned",
        Started = "started",
        Completed = "completed",
        Cancelled = "cancelled",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    pub id: String,
    pub organisation_id: Option<String>,
    pub name: String,
    pub kind: ServiceKind,
    pub country: String,
    /// Region or city served; none means the whole country.
    pub area: Option<String>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// Places; none means not limited.
    pub capacity: Option<u32>,
}

/// What a case needs, for matching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    pub kinds: Vec<ServiceKind>,
    pub country: String,
    pub area: Option<String>,
    pub age: Option<u32>,
    /// Languages the child speaks; a service matches if it offers one of them.
    pub languages: Vec<String>,
}

/// A service that fits, with what makes it fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceMatch {
    pub service: Service,
    /// Places left (capacity minus planned and started plans); none when not limited.
    pub places_left: Option<u32>,
    pub same_area: bool,
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServicePlan {
    pub id: String,
    pub case_id: String,
    pub service_id: String,
    pub service_name: String,
    pub kind: ServiceKind,
    pub status: PlanStatus,
    pub planned_by: String,
    pub planned_at: String,
    pub updated_at: String,
}

fn may_plan(role: Role) -> bool {
    matches!(
        role,
        Role::FirstResponder | Role::CaseWorker | Role::Coordinator
    )
}

type ServiceRow = (
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    String,
    Option<i64>,
    i64,
);

fn service_of(r: ServiceRow) -> Result<(Service, i64), RegistryError> {
    let what = format!("service {}", r.0);
    let n = |v: Option<i64>| v.map(|x| u32::try_from(x).unwrap_or(0));
    Ok((
        Service {
            kind: r.3.parse()?,
            languages: serde_json::from_str(&r.8)
                .map_err(|e| RegistryError::invalid(&what, e.to_string()))?,
            id: r.0,
            organisation_id: r.1,
            name: r.2,
            country: r.4,
            area: r.5,
            min_age: n(r.6),
            max_age: n(r.7),
            capacity: n(r.9),
        },
        r.10,
    ))
}

/// Services with their count of active (planned or started) plans.
const SELECT_SERVICES: &str = "SELECT s.id, s.organisation_id, s.name, s.kind, s.country, s.area, s.min_age, s.max_age, s.languages, s.capacity, \
     (SELECT COUNT(*) FROM service_plan p WHERE p.service_id = s.id AND p.status IN ('planned', 'started')) \
     FROM service s";

fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Ranks the services that fit `needs`: the kind needed, the country, the area (a service
/// without area serves the whole country), the age and a shared language. Services with places
/// left come first, then those of the same area, then by name.
pub fn match_services(services: &[(Service, i64)], needs: &Needs) -> Vec<ServiceMatch> {
    let languages: Vec<String> = needs.languages.iter().map(|l| fold(l)).collect();
    let mut out: Vec<ServiceMatch> = services
        .iter()
        .filter(|(s, _)| needs.kinds.contains(&s.kind) && s.country == needs.country)
        .filter(|(s, _)| match (&s.area, &needs.area) {
            (Some(a), Some(b)) => fold(a) == fold(b),
            _ => true,
        })
        .filter(|(s, _)| match needs.age {
            Some(age) => s.min_age.is_none_or(|m| age >= m) && s.max_age.is_none_or(|m| age <= m),
            None => true,
        })
        .filter_map(|(s, active)| {
            let language = if languages.is_empty() {
                None
            } else {
                let found = s
                    .languages
                    .iter()
                    .find(|l| languages.contains(&fold(l)))
                    .cloned();
                found.as_ref()?;
                found
            };
            let places_left = s
                .capacity
                .map(|c| c.saturating_sub(u32::try_from(*active).unwrap_or(u32::MAX)));
            Some(ServiceMatch {
                same_area: s.area.is_some()
                    && s.area.as_deref().map(fold) == needs.area.as_deref().map(fold),
                service: s.clone(),
                places_left,
                language,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        let full = |m: &ServiceMatch| m.places_left == Some(0);
        full(a)
            .cmp(&full(b))
            .then(b.same_area.cmp(&a.same_area))
            .then(a.service.name.cmp(&b.service.name))
    });
    out
}

impl Registry {
    /// Adds a service to the directory (admins and coordinators). Audited.
    pub async fn add_service(
        &self,
        actor: &Actor,
        service: &Service,
    ) -> Result<String, RegistryError> {
        if !matches!(actor.role, Role::Admin | Role::Coordinator | Role::System) {
            return Err(RegistryError::Forbidden {
                what: "service.create".into(),
                role: actor.role.to_string(),
            });
        }
        if service.name.trim().is_empty() {
            return Err(RegistryError::invalid("service name", "empty"));
        }
        check_country(&service.country, "service country")?;
        if let (Some(a), Some(b)) = (service.min_age, service.max_age)
            && a > b
        {
            return Err(RegistryError::invalid(
                format!("service {}", service.name),
                format!("min age {a} is above max age {b}"),
            ));
        }
        let id = random_id("svc")?;
        let languages = serde_json::to_string(&service.languages)
            .map_err(|e| RegistryError::invalid("languages", e.to_string()))?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO service (id, organisation_id, name, kind, country, area, min_age, max_age, languages, capacity) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(&id).bind(service.organisation_id.as_deref()).bind(service.name.trim()).bind(service.kind.as_str()).bind(&service.country)
            .bind(service.area.as_deref()).bind(service.min_age.map(i64::from)).bind(service.max_age.map(i64::from)).bind(&languages)
            .bind(service.capacity.map(i64::from)).execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "service.create",
                object: &id,
                purpose: "administration",
                fields: &[
                    "name",
                    "kind",
                    "country",
                    "area",
                    "ages",
                    "languages",
                    "capacity",
                ],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The directory, by name, with active plan counts.
    pub async fn services(&self) -> Result<Vec<(Service, i64)>, RegistryError> {
        let sql = format!("{SELECT_SERVICES} ORDER BY s.name, s.id");
        let rows: Vec<ServiceRow> = on_pool!(self.pool(), p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await?);
        rows.into_iter().map(service_of).collect()
    }

    /// Services that fit a case's needs (see [`match_services`]).
    pub async fn match_services(&self, needs: &Needs) -> Result<Vec<ServiceMatch>, RegistryError> {
        if needs.kinds.is_empty() {
            return Err(RegistryError::invalid(
                "needs",
                "name at least one kind of service",
            ));
        }
        Ok(match_services(&self.services().await?, needs))
    }

    /// Puts a service in a case's plan. Refused when the service is full. Audited.
    pub async fn plan_service(
        &self,
        actor: &Actor,
        case_id: &str,
        service_id: &str,
    ) -> Result<String, RegistryError> {
        if !may_plan(actor.role) {
            return Err(RegistryError::Forbidden {
                what: "service_plan.create".into(),
                role: actor.role.to_string(),
            });
        }
        let id = random_id("spl")?;
        let at = now();
        let mut tx = self.begin().await?;
        // Counted inside the write transaction, so two plans cannot take the last place together
        // (SQLite holds the write lock; PostgreSQL locks the service row).
        let svc: Option<(Option<i64>,)> = match &mut tx {
            crate::db::Tx::Sqlite(t) => {
                sqlx::query_as("SELECT capacity FROM service WHERE id = $1")
                    .bind(service_id)
                    .fetch_optional(&mut **t)
                    .await?
            }
            crate::db::Tx::Postgres(t) => {
                sqlx::query_as("SELECT capacity FROM service WHERE id = $1 FOR UPDATE")
                    .bind(service_id)
                    .fetch_optional(&mut **t)
                    .await?
            }
        };
        let Some((capacity,)) = svc else {
            return Err(RegistryError::NotFound {
                what: format!("service {service_id}"),
            });
        };
        let (active,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as("SELECT COUNT(*) FROM service_plan WHERE service_id = $1 AND status IN ('planned', 'started')").bind(service_id).fetch_one(&mut *c).await?);
        if capacity.is_some_and(|c| active >= c) {
            return Err(RegistryError::Refused {
                what: format!("service {service_id}"),
                reason: "no place left".into(),
            });
        }
        let n = on_tx!(&mut tx, c => sqlx::query("INSERT INTO service_plan (id, case_id, service_id, status, planned_by, planned_at, updated_at) SELECT $1, id, $2, 'planned', $3, $4, $4 FROM case_file WHERE id = $5")
            .bind(&id).bind(service_id).bind(&actor.user_id).bind(&at).bind(case_id).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(RegistryError::NotFound {
                what: format!("case {case_id}"),
            });
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "service_plan.create",
                object: &id,
                purpose: "care",
                fields: &["case_id", "service_id", "status"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves a plan on (planned -> started -> completed; cancelled from planned or started).
    pub async fn set_plan_status(
        &self,
        actor: &Actor,
        plan_id: &str,
        to: PlanStatus,
    ) -> Result<(), RegistryError> {
        if !may_plan(actor.role) {
            return Err(RegistryError::Forbidden {
                what: "service_plan.update".into(),
                role: actor.role.to_string(),
            });
        }
        let from: &[&str] = match to {
            PlanStatus::Started => &["planned"],
            PlanStatus::Completed => &["started"],
            PlanStatus::Cancelled => &["planned", "started"],
            PlanStatus::Planned => &[],
        };
        let what = format!("service plan {plan_id}");
        let mut tx = self.begin().await?;
        let mut n = 0;
        for f in from {
            n += on_tx!(&mut tx, c => sqlx::query("UPDATE service_plan SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
                .bind(to.as_str()).bind(now()).bind(plan_id).bind(*f).execute(&mut *c).await?.rows_affected());
        }
        if n == 0 {
            return Err(RegistryError::invalid(
                what,
                format!("cannot move to {to} from its status"),
            ));
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "service_plan.update",
                object: plan_id,
                purpose: "care",
                fields: &["status"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await
    }

    /// A case's service plans; the read is audited.
    pub async fn service_plans(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Vec<ServicePlan>, RegistryError> {
        let allowed = may_plan(actor.role);
        audit::append_alone(
            self.pool(),
            actor,
            &AuditEvent {
                action: "service_plan.read",
                object: case_id,
                purpose: "care",
                fields: &["service_id", "status"],
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
                what: format!("service plans of case {case_id}"),
                role: actor.role.to_string(),
            });
        }
        type Row = (
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
        );
        let rows: Vec<Row> = on_pool!(self.pool(), p => sqlx::query_as("SELECT p.id, p.service_id, s.name, s.kind, p.status, p.planned_by, p.planned_at, p.updated_at FROM service_plan p JOIN service s ON s.id = p.service_id WHERE p.case_id = $1 ORDER BY p.planned_at, p.id")
            .bind(case_id).fetch_all(p).await?);
        rows.into_iter()
            .map(|r| {
                Ok(ServicePlan {
                    id: r.0,
                    case_id: case_id.to_owned(),
                    service_id: r.1,
                    service_name: r.2,
                    kind: r.3.parse()?,
                    status: r.4.parse()?,
                    planned_by: r.5,
                    planned_at: r.6,
                    updated_at: r.7,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(
        name: &str,
        kind: ServiceKind,
        area: Option<&str>,
        ages: (u32, u32),
        langs: &[&str],
        cap: Option<u32>,
    ) -> Service {
        Service {
            id: format!("svc-{name}"),
            organisation_id: None,
            name: name.into(),
            kind,
            country: "FR".into(),
            area: area.map(Into::into),
            min_age: Some(ages.0),
            max_age: Some(ages.1),
            languages: langs.iter().map(|l| (*l).to_owned()).collect(),
            capacity: cap,
        }
    }

    #[test]
    fn matching_filters_and_ranks() {
        let dir = vec![
            (
                svc(
                    "A shelter Lyon",
                    ServiceKind::Shelter,
                    Some("Lyon"),
                    (12, 17),
                    &["fr"],
                    Some(2),
                ),
                2,
            ),
            (
                svc(
                    "B shelter national",
                    ServiceKind::Shelter,
                    None,
                    (13, 21),
                    &["fr", "ro"],
                    None,
                ),
                5,
            ),
            (
                svc(
                    "C shelter Paris",
                    ServiceKind::Shelter,
                    Some("Paris"),
                    (12, 17),
                    &["fr"],
                    Some(4),
                ),
                0,
            ),
            (
                svc(
                    "D trauma Lyon",
                    ServiceKind::Psychotrauma,
                    Some("lyon"),
                    (6, 17),
                    &["fr", "en"],
                    Some(3),
                ),
                1,
            ),
            (
                svc(
                    "E trauma adults",
                    ServiceKind::Psychotrauma,
                    None,
                    (18, 99),
                    &["fr"],
                    None,
                ),
                0,
            ),
            (
                svc(
                    "F legal aid",
                    ServiceKind::LegalAid,
                    None,
                    (0, 17),
                    &["fr"],
                    None,
                ),
                0,
            ),
        ];
        let needs = Needs {
            kinds: vec![ServiceKind::Shelter, ServiceKind::Psychotrauma],
            country: "FR".into(),
            area: Some("Lyon".into()),
            age: Some(15),
            languages: vec!["RO".into(), "fr".into()],
        };
        let matched = match_services(&dir, &needs);
        let got: Vec<(&str, Option<u32>)> = matched
            .iter()
            .map(|m| (m.service.name.as_str(), m.places_left))
            .collect();
        // Paris is another area, adults are too old, legal aid not needed; the full Lyon
        // shelter comes last.
        assert_eq!(
            got,
            vec![
                ("D trauma Lyon", Some(2)),
                ("B shelter national", None),
                ("A shelter Lyon", Some(0))
            ]
        );
        let romanian_only = Needs {
            languages: vec!["ro".into()],
            ..needs.clone()
        };
        let names: Vec<String> = match_services(&dir, &romanian_only)
            .into_iter()
            .map(|m| m.service.name)
            .collect();
        assert_eq!(names, vec!["B shelter national"]);
        let too_young = Needs {
            age: Some(12),
            ..needs
        };
        assert!(
            match_services(&dir, &too_young)
                .iter()
                .all(|m| m.service.name != "B shelter national")
        );
    }
}
