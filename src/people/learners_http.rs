//! `/api/v1/learners`: learner records, their import from spreadsheets and their export.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{
    ImportOut, ImportQuery, LearnerFilter, LearnerInput, LearnerOut, LearnerSummary, TemplateQuery, SELF_EDITABLE,
};
use super::import::{self, LEARNER_COLUMNS};
use super::model::Learner;
use super::person::{self, check_and_dedupe};
use super::{home_institution, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::LearnerId;
use crate::db::now;
use crate::db::page::Page;
use crate::error::{ApiError, ProblemItem, Problems};
use crate::http::export::{self, Cell, Format, Table};
use crate::http::extract::{ok_versioned, paging_by, since, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::text::fold;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_learners)
        .service(create_learner)
        .service(import_learners)
        .service(learner_template)
        .service(get_learner)
        .service(update_learner);
}

/// The words of a name search, folded; LIKE's wildcards separate words rather than match.
fn words(q: Option<&str>) -> Vec<String> {
    q.map(fold)
        .unwrap_or_default()
        .split(|c: char| c.is_whitespace() || matches!(c, '%' | '_' | '\\'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Learners in scope, in Vietnamese list order (given name, middle names, family name).
/// Export with `?format=csv|xlsx`. Learners get 403 here and read themselves by id or `/me`.
#[utoipa::path(tag = "people", params(LearnerFilter),
    responses((status = 200, body = Page<LearnerSummary>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/learners")]
async fn list_learners(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    q: web::Query<LearnerFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let q = q.into_inner();
    let page = crate::http::export::page_or_all(q.format, || {
        paging_by(q.limit, q.cursor.as_deref(), |k| store::parse_cursor(k).is_some())
    })?;
    let limit = page.limit;
    let personal = q.include_personal.unwrap_or(false);
    let filter = store::LearnerFilter {
        updated_since: since(q.updated_since),
        words: words(q.q.as_deref()),
        institution_id: q.institution_id,
        date_of_birth: q.date_of_birth,
        party_status: q.party_status,
        prior_llct_level: q.prior_llct_level,
        national_id: q.national_id.clone(),
        sending_unit: q.sending_unit.as_deref().map(crate::text::clean).filter(|x| !x.is_empty()),
        credential_serial: q.credential_serial.as_deref().map(str::trim).filter(|x| !x.is_empty()).map(str::to_string),
    };
    if personal {
        audit.personal_data_read(&state.db, "learner list with personal fields").await?;
    }
    let scope = caller.scope.clone();
    let rows = state.db.read(move |c| Ok(store::list_learners(c, &scope, &filter, &page)?)).await?;
    match q.format {
        Some(f @ (Format::Csv | Format::Xlsx)) => {
            let rows = rows
                .iter()
                .map(|l| {
                    let mut cells = import::learner_cells(l);
                    if !personal {
                        for (i, c) in LEARNER_COLUMNS.iter().enumerate() {
                            if matches!(c.key, "date_of_birth" | "national_id" | "email" | "phone") {
                                cells[i] = Cell::Empty;
                            }
                        }
                    }
                    cells
                })
                .collect();
            export::respond(f, &Table { name: "hoc-vien".into(), headers: import::header_row(LEARNER_COLUMNS), rows })
        }
        _ => Ok(HttpResponse::Ok().json(Page::from_rows(
            rows,
            limit,
            |r| store::cursor_key(&r.sort_key, &r.id),
            |r| LearnerSummary::new(r, personal),
        ))),
    }
}

/// Records a learner at an institution in scope. 409 with `existing` when the same person is
/// already recorded in the institution tree.
#[utoipa::path(tag = "people", request_body = super::dto::CreateLearner,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = LearnerOut), (status = 400, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/learners")]
async fn create_learner(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<LearnerInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let body = body.take()?;
    let fp = fingerprint("POST", "/learners", &body);
    let input = body;
    let today = state.clock.today();
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let row = person::create::<Learner>(tx, &c, input, today)?;
        Stored::created(format!("/api/v1/learners/{}", row.id), 1, &LearnerOut::from(row))
    })
    .await
}

/// One learner: administrators in scope, or the learner themself.
#[utoipa::path(tag = "people", params(("id" = LearnerId, Path)),
    responses((status = 200, body = LearnerOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/learners/{id}")]
async fn get_learner(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<LearnerId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = state.db.read(move |c| store::readable_learner(c, &caller, id)).await?;
    Ok(ok_versioned(row.version, &LearnerOut::from(row)))
}

/// Changes a learner record. Learners may correct their own contact details, workplace and
/// position; everything else needs an administrator in scope.
#[utoipa::path(tag = "people", request_body = LearnerInput,
    params(("id" = LearnerId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = LearnerOut), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[patch("/learners/{id}")]
async fn update_learner(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<LearnerId>,
    if_match: IfMatch,
    body: JsonBody<LearnerInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if caller.role.oversees() && !caller.may(Permission::ManagePeople) {
        // An inspector reads records and changes none.
        return Err(ApiError::Forbidden);
    }
    if !caller.may(Permission::ManagePeople) {
        // Someone else's record is not there for a learner (nor any for a lecturer), whatever
        // the body says.
        let c = caller.clone();
        state.db.read(move |tx| store::readable_learner(tx, &c, id).map(|_| ())).await?;
    }
    let input = body.take()?;
    if !caller.may(Permission::ManagePeople) {
        let refused: Vec<ProblemItem> = input
            .present()
            .into_iter()
            .filter(|f| !SELF_EDITABLE.contains(f))
            .map(|f| ProblemItem::rule("not_self_editable", "only an administrator may change this").at(f))
            .collect();
        if !refused.is_empty() {
            return Err(ApiError::Refused(refused));
        }
    }
    let today = state.clock.today();
    let c = caller.clone();
    let row = audit
        .write(&state.db, move |tx| {
            let cur = store::readable_learner(tx, &c, id)?;
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
            check_and_dedupe::<Learner>(tx, &c, &row, Problems::new(), today, account_changed)?;
            row.version = cur.version + 1;
            row.updated_at = now();
            crate::http::extract::saved(store::save_learner(tx, &row, cur.version)?, cur.version)?;
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &LearnerOut::from(row)))
}

/// Imports learners from a CSV or XLSX file sent as the request body (headers in Vietnamese or
/// as API field names). Every row valid or nothing written: the 400 answer lists each problem as
/// `rows[N].field` with N the row number in the file. `dry_run=true` only checks.
#[utoipa::path(tag = "people", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "text/csv"),
    responses((status = 200, body = ImportOut), (status = 400, body = crate::error::Problem), (status = 413, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/learners/import")]
async fn import_learners(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    q: web::Query<ImportQuery>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    person::import::<Learner>(caller, audit, &state, &q, &req, body).await
}

/// A spreadsheet template for learner imports, with Vietnamese headers and one example row.
#[utoipa::path(tag = "people", params(TemplateQuery), responses((status = 200, content_type = "text/csv", body = String)), security(("bearer" = [])))]
#[get("/learners/import/template")]
async fn learner_template(caller: Caller, q: web::Query<TemplateQuery>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    person::template::<Learner>(q.format)
}
