//! The audit log for auditors, with filters (the table part is swapped in place by htmx).

use crate::auth::Ctx;
use crate::error::AppError;
use crate::views::{AuditPage, AuditRow, AuditRows, Chrome, fmt_time, render};
use axum::extract::Query;
use axum::http::HeaderMap;
use axum::response::Response;
use cairn_registry::access::AuditFilter;
use serde::Deserialize;

pub const PAGE: i64 = 100;

#[derive(Debug, Deserialize, Default)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object: Option<String>,
    pub before: Option<i64>,
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 200)
        .map(str::to_owned)
}

impl AuditQuery {
    pub fn filter(&self) -> AuditFilter {
        AuditFilter {
            action: clean(&self.action),
            actor: clean(&self.actor),
            object: clean(&self.object),
            before_seq: self.before,
            limit: PAGE,
        }
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn view(
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    ctx.require("audit.view")?;
    let filter = q.filter();
    let entries = ctx
        .state
        .registry
        .audit_entries(&ctx.actor, &filter)
        .await?;
    let older = (entries.len() as i64 == PAGE)
        .then(|| entries.last().map(|e| e.seq))
        .flatten()
        .map(|seq| {
            let mut qs = format!("before={seq}");
            for (k, v) in [
                ("action", &filter.action),
                ("actor", &filter.actor),
                ("object", &filter.object),
            ] {
                if let Some(v) = v {
                    qs.push_str(&format!("&{k}={}", enc(v)));
                }
            }
            qs
        });
    let rows = entries
        .iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: fmt_time(ctx.lang, &e.at),
            actor: e.actor.clone(),
            organisation: e.organisation.clone(),
            action: e.action.clone(),
            object: e.object.clone(),
            purpose: e.purpose.clone(),
            fields: e.fields.join(", "),
            outcome: e.outcome.clone(),
        })
        .collect();
    let c = Chrome::for_user(&ctx, "audit_title").await;
    if headers.contains_key("hx-request") {
        return render(&AuditRows { c, rows, older });
    }
    render(&AuditPage {
        c,
        rows,
        action: filter.action.unwrap_or_default(),
        actor: filter.actor.unwrap_or_default(),
        object: filter.object.unwrap_or_default(),
        older,
    })
}
