//! `/api/v1/cohorts`: classes and their lifecycle.

use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{CohortFilter, CohortOut, CreateCohort, TransitionBody, UpdateCohort};
use super::model::{Cohort, CohortStatus};
use super::rules::{self, Action};
use super::store;
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::CohortId;
use crate::db::page::Page;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::http::export::{self, Cell, Table};
use crate::http::extract::{ok_versioned, paging, since, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::programs::model::Level;
use crate::text::clean;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_cohorts)
        .service(create_cohort)
        .service(get_cohort)
        .service(update_cohort)
        .service(open_cohort)
        .service(start_cohort)
        .service(close_cohort)
        .service(cancel_cohort);
}

pub fn level_of(tx: &mut DbConn, c: &Cohort) -> Result<Level, ApiError> {
    Ok(crate::programs::store::get(tx, c.program_id)?.level)
}

/// The level of a class's program and who it is for (refresher courses).
pub fn kind_of(
    tx: &mut DbConn,
    c: &Cohort,
) -> Result<(Level, Option<crate::programs::rule_settings::Audience>), ApiError> {
    let p = crate::programs::store::get(tx, c.program_id)?;
    Ok((p.level, p.rules.audience))
}

fn out(tx: &mut DbConn, c: Cohort) -> Result<CohortOut, ApiError> {
    let level = level_of(tx, &c)?;
    Ok(CohortOut::new(c, level))
}

fn check_code(code: &str, p: &mut Problems) {
    let ok =
        !code.is_empty() && code.len() <= 40 && code.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    p.check(ok, "code", "must be 1 to 40 letters, digits, '-', '_', '.' or '/'");
}

/// Checks the fields every class must have right, listing all problems.
fn check_fields(c: &Cohort, p: &mut Problems) {
    check_code(&c.code, p);
    p.check(!c.title.is_empty() && c.title.chars().count() <= 200, "title", "must be 1 to 200 characters");
    p.check(c.ends_on >= c.starts_on, "ends_on", "must be on or after starts_on");
    p.check((1..=1000).contains(&c.capacity), "capacity", "must be between 1 and 1000");
    p.check(c.capacity >= c.enrolled_count, "capacity", "may not be below the number already enrolled");
    p.check(c.location.as_ref().is_none_or(|x| x.chars().count() <= 200), "location", "must be at most 200 characters");
}

/// Checks the links of a class (venue and head teacher in scope).
fn check_links(tx: &mut DbConn, caller: &Caller, c: &Cohort, p: &mut Problems) -> Result<(), ApiError> {
    if let Some(v) = c.venue_institution_id {
        if crate::institutions::store::find(tx, v)?.is_none() {
            p.add("venue_institution_id", "no such institution");
        }
    }
    if let Some(h) = c.head_teacher_id {
        if crate::people::store::get_lecturer(tx, &caller.scope, h).is_err() {
            p.add("head_teacher_id", "no such lecturer in your scope");
        }
    }
    Ok(())
}

/// Classes the caller may see: administrators their scope's (owned or hosted), lecturers the
/// ones they teach, learners their own. Export with `?format=csv|xlsx`.
#[utoipa::path(tag = "cohorts", params(CohortFilter), responses((status = 200, body = Page<CohortOut>)), security(("bearer" = [])))]
#[get("/cohorts")]
async fn list_cohorts(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<CohortFilter>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let page = crate::http::export::page_or_all(q.format, || paging(q.limit, q.cursor.as_deref()))?;
    let limit = page.limit;
    let filter = store::Filter {
        updated_since: since(q.updated_since),
        status: q.status,
        program_id: q.program_id,
        institution_id: q.institution_id,
        year: q.year,
    };
    let items = state
        .db
        .read(move |c| {
            let rows = store::list(c, &caller, &filter, &page)?;
            with_levels(c, rows)
        })
        .await?;
    export::answer(
        q.format,
        items,
        |items| cohort_table(&items),
        |items| {
            HttpResponse::Ok().json(Page::from_rows(
                items,
                limit,
                |(r, _)| r.id.to_string(),
                |(r, l)| CohortOut::new(r, l),
            ))
        },
    )
}

/// Each class with its program's level, each program read once.
fn with_levels(c: &mut DbConn, rows: Vec<Cohort>) -> Result<Vec<(Cohort, Level)>, ApiError> {
    let mut levels = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let level = match levels.get(&r.program_id) {
            Some(l) => *l,
            None => *levels.entry(r.program_id).or_insert(level_of(c, &r)?),
        };
        out.push((r, level));
    }
    Ok(out)
}

/// A conflict when another class (not `except`) of the institution has the class's code.
fn code_free(tx: &mut DbConn, row: &Cohort, except: Option<CohortId>) -> Result<(), ApiError> {
    if store::code_taken(tx, row.institution_id, &row.code, except)? {
        return Err(ApiError::conflict("duplicate_code", format!("The institution already has a class {}.", row.code)));
    }
    Ok(())
}

/// The class list as a spreadsheet.
fn cohort_table(items: &[(Cohort, Level)]) -> Table {
    let rows = items
        .iter()
        .map(|(c, level)| {
            vec![
                Cell::from(c.code.as_str()),
                c.title.as_str().into(),
                level.as_str().into(),
                c.mode.as_str().into(),
                c.starts_on.format("%d/%m/%Y").to_string().into(),
                c.ends_on.format("%d/%m/%Y").to_string().into(),
                c.capacity.into(),
                c.enrolled_count.into(),
                c.status.as_str().into(),
            ]
        })
        .collect();
    let headers = vec![
        "Mã lớp",
        "Tên lớp",
        "Trình độ",
        "Hình thức",
        "Ngày khai giảng",
        "Ngày kết thúc",
        "Sĩ số tối đa",
        "Đã ghi danh",
        "Trạng thái",
    ];
    Table { name: "lop-hoc".into(), headers, rows }
}

/// Opens a class of a published program at an institution in scope whose tier may run the
/// program's level. 422 lists every reason it cannot.
#[utoipa::path(tag = "cohorts", request_body = CreateCohort,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = CohortOut), (status = 400, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/cohorts")]
async fn create_cohort(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateCohort>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let fp = fingerprint("POST", "/cohorts", &body);
    let b = body;
    b.required()?;
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let mut p = Problems::new();
        let inst_id = crate::people::home_institution(tx, &c, b.institution_id)?;
        let inst = crate::institutions::store::get(tx, &c.scope, inst_id)?;
        let program = crate::programs::store::find(tx, b.program_id.unwrap_or_default())?;
        p.check(program.is_some(), "program_id", "no such program");
        let mut row = b.row(inst_id, program.as_ref());
        // The rule set asked for, or the one in force on the first day.
        if row.regulation.is_empty() {
            row.regulation = super::rule_sets::store::in_force(tx, row.starts_on)?.code;
        } else {
            let known = super::rule_sets::store::by_code(tx, &row.regulation)?.is_some();
            p.check(known, "regulation", "no such rule set; see GET /api/v1/rule-sets");
        }
        check_fields(&row, &mut p);
        check_links(tx, &c, &row, &mut p)?;
        p.finish(())?;
        let program = program.ok_or_else(ApiError::not_found)?;
        let allowed = crate::programs::store::tier_may_run(tx, &inst.tier, program.level)?;
        let refusals = crate::programs::rules::class_refusals(&program, &inst.tier, allowed);
        if !refusals.is_empty() {
            return Err(ApiError::Refused(refusals));
        }
        code_free(tx, &row, None)?;
        store::insert(tx, &row)?;
        let o = CohortOut::new(row, program.level);
        Stored::created(format!("/api/v1/cohorts/{}", o.id), 1, &o)
    })
    .await
}

/// One class.
#[utoipa::path(tag = "cohorts", params(("id" = CohortId, Path)),
    responses((status = 200, body = CohortOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/cohorts/{id}")]
async fn get_cohort(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let o = state
        .db
        .read(move |c| {
            let row = store::readable(c, &caller, id)?;
            out(c, row)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

/// Changes a class that is not closed or cancelled.
#[utoipa::path(tag = "cohorts", request_body = UpdateCohort,
    params(("id" = CohortId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = CohortOut), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[patch("/cohorts/{id}")]
async fn update_cohort(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    if_match: IfMatch,
    body: JsonBody<UpdateCohort>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let (id, b) = (id.into_inner(), body);
    let o = audit
        .write(&state.db, move |tx| {
            let cur = store::writable(tx, &caller, id)?;
            if_match.check(cur.version)?;
            if matches!(cur.status, CohortStatus::Closed | CohortStatus::Cancelled) {
                return Err(ApiError::conflict(
                    "cohort_finished",
                    format!("The class is {}; it can no longer change.", cur.status),
                ));
            }
            let mut row = b.apply(&cur);
            let mut p = Problems::new();
            check_fields(&row, &mut p);
            check_links(tx, &caller, &row, &mut p)?;
            p.finish(())?;
            if row.code != cur.code {
                code_free(tx, &row, Some(id))?;
            }
            row.version = cur.version + 1;
            row.updated_at = now();
            crate::http::extract::saved(store::save(tx, &row, cur.version)?, cur.version)?;
            out(tx, row)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

async fn act(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: CohortId,
    if_match: IfMatch,
    action: Action,
    body: TransitionBody,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let reason = body.reason.as_deref().map(clean).filter(|s| !s.is_empty());
    if action == Action::Cancel && reason.is_none() {
        return Err(ApiError::field("reason", "is required to cancel a class"));
    }
    let o = audit
        .write(&state.db, move |tx| {
            let cur = store::writable(tx, &caller, id)?;
            if_match.check(cur.version)?;
            let to = rules::transition(cur.status, action).map_err(|m| ApiError::conflict("invalid_transition", m))?;
            let mut row = cur.clone();
            row.status = to;
            if action == Action::Cancel {
                row.cancel_reason = reason;
            }
            row.version = cur.version + 1;
            row.updated_at = now();
            crate::http::extract::saved(store::save(tx, &row, cur.version)?, cur.version)?;
            out(tx, row)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

/// Opens enrolment: `planned → enrolling`.
#[utoipa::path(tag = "cohorts", params(("id" = CohortId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body(content = Option<TransitionBody>), responses((status = 200, body = CohortOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/cohorts/{id}/open")]
async fn open_cohort(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    if_match: IfMatch,
    body: Option<web::Json<TransitionBody>>,
) -> Result<HttpResponse, ApiError> {
    act(
        caller,
        audit,
        state,
        id.into_inner(),
        if_match,
        Action::OpenEnrolment,
        body.map(|b| b.into_inner()).unwrap_or_default(),
    )
    .await
}

/// Starts teaching: `planned | enrolling → in_progress`.
#[utoipa::path(tag = "cohorts", params(("id" = CohortId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body(content = Option<TransitionBody>), responses((status = 200, body = CohortOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/cohorts/{id}/start")]
async fn start_cohort(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    if_match: IfMatch,
    body: Option<web::Json<TransitionBody>>,
) -> Result<HttpResponse, ApiError> {
    act(
        caller,
        audit,
        state,
        id.into_inner(),
        if_match,
        Action::Start,
        body.map(|b| b.into_inner()).unwrap_or_default(),
    )
    .await
}

/// Closes a class that is in progress, as the nightly close-out does: locks its published
/// grades, issues credentials to its graduates when the institution has a signer set, tells every
/// learner their result.
#[utoipa::path(tag = "cohorts", params(("id" = CohortId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body(content = Option<TransitionBody>), responses((status = 200, body = CohortOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/cohorts/{id}/close")]
async fn close_cohort(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    if_match: IfMatch,
    body: Option<web::Json<TransitionBody>>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let _ = body;
    let (id, today, st) = (id.into_inner(), state.clock.today(), state.clone());
    let o = audit
        .write(&state.db, move |tx| {
            let cur = store::writable(tx, &caller, id)?;
            if_match.check(cur.version)?;
            let (row, _) = crate::jobs::closeout::close_one(tx, &st.settings, id, Some(caller.user_id), today)?;
            out(tx, row)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

/// Cancels a class before it is closed; `reason` is required. Enrolments are kept.
#[utoipa::path(tag = "cohorts", params(("id" = CohortId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body = super::dto::CancelCohort, responses((status = 200, body = CohortOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/cohorts/{id}/cancel")]
async fn cancel_cohort(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    if_match: IfMatch,
    body: JsonBody<TransitionBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take_optional()?.unwrap_or_default();
    act(caller, audit, state, id.into_inner(), if_match, Action::Cancel, body).await
}
