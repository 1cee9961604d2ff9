//! `/api/v1/lecturers`: lecturer records, import and export.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{ImportOut, ImportQuery, LecturerFilter, LecturerInput, LecturerOut, TemplateQuery};
use super::import::{self, LECTURER_COLUMNS};
use super::model::Lecturer;
use super::person::{self, check_and_dedupe};
use super::{home_institution, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::db::ids::LecturerId;
use crate::db::page::Page;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::http::export::{self, Format, Table};
use crate::http::extract::{ok_versioned, paging_by, since, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::text::fold;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_lecturers)
        .service(create_lecturer)
        .service(import_lecturers)
        .service(lecturer_template)
        .service(get_lecturer)
        .service(update_lecturer);
}

/// Lecturers in scope, in Vietnamese list order. Export with `?format=csv|xlsx`.
#[utoipa::path(tag = "people", params(LecturerFilter), responses((status = 200, body = Page<LecturerOut>)), security(("bearer" = [])))]
#[get("/lecturers")]
async fn list_lecturers(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<LecturerFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let q = q.into_inner();
    let page = crate::http::export::page_or_all(q.format, || {
        paging_by(q.limit, q.cursor.as_deref(), |k| store::parse_cursor(k).is_some())
    })?;
    let limit = page.limit;
    let filter = store::LecturerFilter {
        updated_since: since(q.updated_since),
        words: q.q.as_deref().map(fold).unwrap_or_default().split_whitespace().map(str::to_string).collect(),
        institution_id: q.institution_id,
        kind: q.kind,
    };
    let scope = caller.scope.clone();
    let rows = state.db.read(move |c| Ok(store::list_lecturers(c, &scope, &filter, &page)?)).await?;
    match q.format {
        Some(f @ (Format::Csv | Format::Xlsx)) => export::respond(
            f,
            &Table {
                name: "giang-vien".into(),
                headers: import::header_row(LECTURER_COLUMNS),
                rows: rows.iter().map(import::lecturer_cells).collect(),
            },
        ),
        _ => Ok(HttpResponse::Ok().json(Page::from_rows(
            rows,
            limit,
            |r| store::cursor_key(&r.sort_key, &r.id),
            LecturerOut::from,
        ))),
    }
}

/// Records a lecturer at an institution in scope.
#[utoipa::path(tag = "people", request_body = super::dto::CreateLecturer,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = LecturerOut), (status = 400, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/lecturers")]
async fn create_lecturer(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<LecturerInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let body = body.take()?;
    let fp = fingerprint("POST", "/lecturers", &body);
    let input = body;
    let today = state.clock.today();
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let row = person::create::<Lecturer>(tx, &c, input, today)?;
        Stored::created(format!("/api/v1/lecturers/{}", row.id), 1, &LecturerOut::from(row))
    })
    .await
}

fn readable(c: &mut DbConn, caller: &Caller, id: LecturerId) -> Result<Lecturer, ApiError> {
    if caller.may(Permission::ManagePeople) {
        return store::get_lecturer(c, &caller.scope, id);
    }
    match store::find_lecturer(c, id)? {
        Some(l) if caller.role == Role::Lecturer && l.user_id == Some(caller.user_id) => Ok(l),
        _ => Err(ApiError::not_found()),
    }
}

/// One lecturer: administrators in scope, or the lecturer themself.
#[utoipa::path(tag = "people", params(("id" = LecturerId, Path)),
    responses((status = 200, body = LecturerOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/lecturers/{id}")]
async fn get_lecturer(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<LecturerId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = state.db.read(move |c| readable(c, &caller, id)).await?;
    Ok(ok_versioned(row.version, &LecturerOut::from(row)))
}

/// Changes a lecturer record (administrators in scope).
#[utoipa::path(tag = "people", request_body = LecturerInput,
    params(("id" = LecturerId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = LecturerOut), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[patch("/lecturers/{id}")]
async fn update_lecturer(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<LecturerId>,
    if_match: IfMatch,
    body: JsonBody<LecturerInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let body = body.take()?;
    let (id, input) = (id.into_inner(), body);
    let today = state.clock.today();
    let c = caller.clone();
    let row = audit
        .write(&state.db, move |tx| {
            let cur = store::get_lecturer(tx, &c.scope, id)?;
            if_match.check(cur.version)?;
            let mut row = cur.clone();
            let account_changed = input.user_id.is_some_and(|u| u != cur.user_id);
            if let Some(u) = input.user_id {
                row.user_id = u;
            }
            if let Some(inst) = input.institution_id.filter(|i| *i != cur.institution_id) {
                row.institution_id = home_institution(tx, &c, Some(inst))?;
            }
            input.apply(&mut row);
            check_and_dedupe::<Lecturer>(tx, &c, &row, Problems::new(), today, account_changed)?;
            row.version = cur.version + 1;
            row.updated_at = now();
            crate::http::extract::saved(store::save_lecturer(tx, &row, cur.version)?, cur.version)?;
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &LecturerOut::from(row)))
}

/// Imports lecturers from a CSV or XLSX body; all rows or nothing, as for learners.
#[utoipa::path(tag = "people", params(ImportQuery), request_body(content = Vec<u8>, content_type = "text/csv"),
    responses((status = 200, body = ImportOut), (status = 400, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/lecturers/import")]
async fn import_lecturers(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    q: web::Query<ImportQuery>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    person::import::<Lecturer>(caller, audit, &state, &q, &req, body).await
}

/// A spreadsheet template for lecturer imports.
#[utoipa::path(tag = "people", params(TemplateQuery), responses((status = 200, content_type = "text/csv", body = String)), security(("bearer" = [])))]
#[get("/lecturers/import/template")]
async fn lecturer_template(caller: Caller, q: web::Query<TemplateQuery>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    person::template::<Lecturer>(q.format)
}
