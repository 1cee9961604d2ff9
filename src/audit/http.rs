//! `GET /api/v1/audit`: the audit trail for inspectors — system administrators see everything,
//! institution administrators what was done within their scope.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::store::{self, Row};
use crate::auth::{Caller, Permission};
use crate::db::ids::{InstitutionId, UserId};
use crate::db::page::Page;
use crate::error::ApiError;
use crate::http::export::{self, Cell, Format, Table};
use crate::http::extract::paging;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_audit);
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// The first path segment after `/api/v1/`, e.g. `institutions`, `exams`, `sessions`.
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub actor_id: Option<UserId>,
    pub from: Option<DateTime<FixedOffset>>,
    pub to: Option<DateTime<FixedOffset>>,
    pub format: Option<Format>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: String,
    pub at: DateTime<Utc>,
    pub request_id: Option<String>,
    pub actor_id: Option<UserId>,
    pub actor_role: Option<String>,
    pub institution_id: Option<InstitutionId>,
    pub client_addr: Option<String>,
    pub method: String,
    pub path: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    /// The request body as sent (JSON), with secrets masked.
    pub summary: Option<String>,
}

/// Writes made through the API, newest last, with filters; export with `?format=csv|xlsx`.
#[utoipa::path(tag = "ops", params(AuditFilter), responses((status = 200, body = Page<AuditEntry>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/audit")]
async fn list_audit(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<AuditFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let q = q.into_inner();
    let page = crate::http::export::page_or_all(q.format, || paging(q.limit, q.cursor.as_deref()))?;
    let (limit, format) = (page.limit, q.format);
    let rows = state.db.read(move |c| store::list(c, &caller.scope, &q, &page)).await?;
    let entry = |r: Row| AuditEntry {
        id: r.0,
        at: r.1.and_utc(),
        request_id: r.2,
        actor_id: r.3,
        actor_role: r.4,
        institution_id: r.5,
        client_addr: r.6,
        method: r.7,
        path: r.8,
        resource_type: r.9,
        resource_id: r.10,
        summary: r.11,
    };
    export::answer(
        format,
        rows,
        |rows| {
            let rows = rows
                .into_iter()
                .map(entry)
                .map(|e| {
                    vec![
                        Cell::from(e.at.to_rfc3339()),
                        e.actor_id.map(|x| x.to_string()).into(),
                        e.actor_role.into(),
                        e.method.as_str().into(),
                        e.path.as_str().into(),
                        e.resource_type.as_str().into(),
                        e.resource_id.into(),
                        e.summary.into(),
                    ]
                })
                .collect();
            let headers =
                vec!["Thời điểm", "Người thực hiện", "Vai trò", "Thao tác", "Đường dẫn", "Loại", "Mã", "Nội dung"];
            Table { name: "nhat-ky".into(), headers, rows }
        },
        |rows| HttpResponse::Ok().json(Page::from_rows(rows, limit, |r| r.0.clone(), entry)),
    )
}
