//! `/api/v1/learners`: learner records, their import from spreadsheets and their export.

use std::collections::HashMap;

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{
    blank_learner, ImportOut, ImportQuery, LearnerFilter, LearnerInput, LearnerOut, LearnerSummary, TemplateQuery,
    SELF_EDITABLE,
};
use super::import::{self, LEARNER_COLUMNS};
use super::model::Learner;
use super::{account_problem, home_institution, in_row, rules, store, MAX_IMPORT_PROBLEMS};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::db::ids::LearnerId;
use crate::db::page::Page;
use crate::db::{now, DbConn};
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

/// Every reason a learner record cannot be written: field problems, a bad account link, or a
/// duplicate of someone already recorded in the institution tree.
fn check_and_dedupe(
    tx: &mut DbConn,
    caller: &Caller,
    row: &Learner,
    mut p: Problems,
    today: NaiveDate,
    account_changed: bool,
) -> Result<(), ApiError> {
    if p.is_empty() {
        p.0.extend(rules::learner_problems(row, today));
    }
    if let (true, Some(u)) = (account_changed, row.user_id) {
        p.0.extend(account_problem(tx, &caller.scope, u, Role::Learner)?);
    }
    p.finish(())?;
    if let Some(existing) = store::learner_duplicate(tx, row)? {
        return Err(ApiError::Duplicate {
            detail: "This person is already recorded in the institution tree (same national id, or same name and date of birth).".into(),
            existing: format!("/api/v1/learners/{existing}"),
        });
    }
    Ok(())
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
        let mut p = Problems::new();
        input.require(&mut p);
        let inst = home_institution(tx, &c, input.institution_id)?;
        let mut row = blank_learner(inst, now());
        row.user_id = input.user_id.flatten();
        input.apply(&mut row);
        check_and_dedupe(tx, &c, &row, p, today, true)?;
        store::insert_learners(tx, std::slice::from_ref(&row))?;
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
    if !caller.role.allows(Permission::ManagePeople) {
        // Someone else's record is not there for a learner (nor any for a lecturer), whatever
        // the body says.
        let c = caller.clone();
        state.db.read(move |tx| store::readable_learner(tx, &c, id).map(|_| ())).await?;
    }
    let input = body.take()?;
    if !caller.role.allows(Permission::ManagePeople) {
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
            check_and_dedupe(tx, &c, &row, Problems::new(), today, account_changed)?;
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
    let content_type = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let sheet = web::block(move || import::read(&body, &content_type)).await.map_err(|_| ApiError::unavailable())??;
    let map = import::map_headers(&sheet.headers, LEARNER_COLUMNS)?;
    let (inputs, mut problems) = import::parse_rows(&sheet, &map, import::set_learner);
    let dry_run = q.dry_run.unwrap_or(false);
    let asked = q.institution_id;
    let today = state.clock.today();
    let out = audit
        .write(&state.db, move |tx| {
            let inst = home_institution(tx, &caller, asked)?;
            let t = now();
            let mut rows: Vec<(usize, Learner)> = Vec::with_capacity(inputs.len());
            for (n, input) in inputs {
                let mut p = Problems::new();
                input.require(&mut p);
                let mut row = blank_learner(inst, t);
                input.apply(&mut row);
                if p.is_empty() {
                    p.0.extend(rules::learner_problems(&row, today));
                }
                problems.extend(in_row(n, p.0));
                rows.push((n, row));
            }
            duplicates_within(&rows, &mut problems);
            duplicates_recorded(tx, inst, &rows, &mut problems)?;
            if !problems.is_empty() {
                problems.sort_by_key(|p| row_number(p.field.as_deref()));
                problems.truncate(MAX_IMPORT_PROBLEMS);
                return Err(ApiError::Validation(problems));
            }
            let count = rows.len();
            if !dry_run {
                let rows: Vec<Learner> = rows.into_iter().map(|(_, r)| r).collect();
                store::insert_learners(tx, &rows)?;
            }
            Ok(ImportOut { dry_run, rows: count, created: if dry_run { 0 } else { count } })
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The row number in a `rows[N].field` name, for ordering problems as the file is.
fn row_number(field: Option<&str>) -> usize {
    field
        .and_then(|f| f.strip_prefix("rows["))
        .and_then(|f| f.split(']').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn duplicates_within(rows: &[(usize, Learner)], problems: &mut Vec<ProblemItem>) {
    let mut by_name: HashMap<(&str, NaiveDate), usize> = HashMap::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (n, r) in rows {
        if r.name_key.is_empty() {
            continue;
        }
        if let Some(first) = by_name.insert((r.name_key.as_str(), r.date_of_birth), *n) {
            problems.push(ProblemItem::field(
                format!("rows[{n}].full_name"),
                format!("same name and date of birth as row {first}"),
            ));
        }
        if let Some(nid) = &r.national_id {
            if let Some(first) = by_id.insert(nid.as_str(), *n) {
                problems.push(ProblemItem::field(
                    format!("rows[{n}].national_id"),
                    format!("same national id as row {first}"),
                ));
            }
        }
    }
}

fn duplicates_recorded(
    tx: &mut DbConn,
    inst: crate::db::ids::InstitutionId,
    rows: &[(usize, Learner)],
    problems: &mut Vec<ProblemItem>,
) -> Result<(), ApiError> {
    let prefix = store::tree_prefix(tx, inst)?;
    let mut names: Vec<String> = rows.iter().map(|(_, r)| r.name_key.clone()).collect();
    names.sort();
    names.dedup();
    let known: HashMap<(String, NaiveDate), LearnerId> =
        store::learners_named(tx, &prefix, &names)?.into_iter().map(|(id, k, d)| ((k, d), id)).collect();
    let mut nids: Vec<String> = rows.iter().filter_map(|(_, r)| r.national_id.clone()).collect();
    nids.sort();
    nids.dedup();
    let known_ids: HashMap<String, LearnerId> =
        store::learners_with_national_ids(tx, &prefix, &nids)?.into_iter().map(|(id, n)| (n, id)).collect();
    for (n, r) in rows {
        if let Some(id) = known.get(&(r.name_key.clone(), r.date_of_birth)) {
            problems.push(ProblemItem::field(
                format!("rows[{n}].full_name"),
                format!("already recorded as /api/v1/learners/{id}"),
            ));
        } else if let Some(id) = r.national_id.as_ref().and_then(|x| known_ids.get(x)) {
            problems.push(ProblemItem::field(
                format!("rows[{n}].national_id"),
                format!("already recorded as /api/v1/learners/{id}"),
            ));
        }
    }
    Ok(())
}

/// A spreadsheet template for learner imports, with Vietnamese headers and one example row.
#[utoipa::path(tag = "people", params(TemplateQuery), responses((status = 200, content_type = "text/csv", body = String)), security(("bearer" = [])))]
#[get("/learners/import/template")]
async fn learner_template(caller: Caller, q: web::Query<TemplateQuery>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let format = if q.format == Some(Format::Xlsx) { Format::Xlsx } else { Format::Csv };
    export::respond(
        format,
        &Table {
            name: "mau-nhap-hoc-vien".into(),
            headers: import::header_row(LEARNER_COLUMNS),
            rows: vec![import::learner_example()],
        },
    )
}
