//! `/api/v1/credentials/import` (with its template) and `/api/v1/credentials/records`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::import::{self, Batch};
use super::store;
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::db::ids::CredentialRecordId;
use crate::db::page::Page;
use crate::error::ApiError;
use crate::http::export::{self, Format, Table};
use crate::http::extract::paging;
use crate::people::person::read_sheet_with;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(import_records).service(record_template).service(list_records).service(get_record);
}

/// Records credentials copied from a paper register book, from a CSV or XLSX file sent as the
/// request body (headers in Vietnamese or as API field names; see the template). Each holder is
/// the learner named by `learner_id`, else the one of the institution tree with the same
/// national id or the same name and date of birth, else recorded as a new learner. Every row
/// valid or nothing written: the 400 answer lists each problem as `rows[N].field`, N the row
/// number in the file (409 when another import took one of its serials meanwhile).
/// `dry_run=true` only checks.
#[utoipa::path(tag = "certificates", params(RecordImportQuery),
    request_body(content = Vec<u8>, content_type = "text/csv"),
    responses((status = 200, body = RecordImportOut), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/credentials/import")]
async fn import_records(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    q: web::Query<RecordImportQuery>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::IssueCredentials)?;
    let q = q.into_inner();
    let register = crate::text::clean(&q.register);
    if register.is_empty() || register.chars().count() > 200 {
        return Err(ApiError::field("register", "must be 1 to 200 characters"));
    }
    let (rows, problems) = read_sheet_with(&req, body, import::COLUMNS, import::set).await?;
    let (today, dry_run) = (state.clock.today(), q.dry_run.unwrap_or(false));
    let out = audit
        .write(&state.db, move |tx| {
            let institution = crate::people::home_institution(tx, &caller, q.institution_id)?;
            let batch = Batch { caller: &caller, institution, register, today, dry_run };
            import::record_rows(tx, &batch, rows, problems)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A spreadsheet template for register-book imports, with Vietnamese headers and one example
/// row (CSV, or XLSX with `format=xlsx`).
#[utoipa::path(tag = "certificates", params(RecordTemplateQuery), responses((status = 200, content_type = "text/csv", body = String),
    (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/credentials/import/template")]
async fn record_template(caller: Caller, q: web::Query<RecordTemplateQuery>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::IssueCredentials)?;
    let format = if q.format == Some(Format::Xlsx) { Format::Xlsx } else { Format::Csv };
    let table = Table {
        name: "mau-nhap-so-goc".into(),
        headers: crate::people::import::header_row(import::COLUMNS),
        rows: vec![import::example()],
    };
    export::respond(format, &table)
}

/// Credentials copied from register books: administrators see those kept in their scope
/// (search by `serial`), a learner their own.
#[utoipa::path(tag = "certificates", params(RecordFilter),
    responses((status = 200, body = Page<RecordOut>), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/credentials/records")]
async fn list_records(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<RecordFilter>,
) -> Result<HttpResponse, ApiError> {
    if caller.role == Role::Lecturer {
        return Err(ApiError::Forbidden);
    }
    let q = q.into_inner();
    let page = paging(q.limit, q.cursor.as_deref())?;
    let limit = page.limit;
    let rows = state.db.read(move |tx| store::list(tx, &caller, &q, &page)).await?;
    let settings = state.settings.clone();
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |(r, ..)| r.id.to_string(),
        |(r, name, born)| RecordOut::new(r, name, born, &settings),
    )))
}

/// One credential copied from a register book.
#[utoipa::path(tag = "certificates", params(("id" = CredentialRecordId, Path)),
    responses((status = 200, body = RecordOut), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/credentials/records/{id}")]
async fn get_record(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CredentialRecordId>,
) -> Result<HttpResponse, ApiError> {
    if caller.role == Role::Lecturer {
        return Err(ApiError::Forbidden);
    }
    let id = id.into_inner();
    let (r, name, born) = state.db.read(move |tx| store::readable(tx, &caller, id)).await?;
    Ok(HttpResponse::Ok().json(RecordOut::new(r, name, born, &state.settings)))
}
