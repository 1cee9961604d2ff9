//! `/api/v1/nominations`: a sending unit's lists of people to study, sent by the unit's officer
//! (or typed by an administrator) as JSON, CSV or XLSX, and the school's decision on each person.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::model::Nomination;
use super::submit::{self, Asked};
use super::{decide, store, view};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::db::ids::*;
use crate::db::page::Page;
use crate::error::ApiError;
use crate::http::export::{self, Format, Table};
use crate::http::extract::{json_bytes, ok_versioned, paging, IdempotencyKey};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::people::import::{self as sheets, Column};
use crate::people::person::read_sheet_with;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_nominations)
        .service(create_nomination)
        .service(nomination_template)
        .service(get_nomination)
        .service(decide_nomination);
}

/// The file's columns: a learner already recorded, or the learner import's columns.
fn columns() -> &'static [Column] {
    static COLUMNS: std::sync::OnceLock<Vec<Column>> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(|| {
        let mut c = vec![sheets::col("learner_id", &["Mã học viên"], false)];
        c.extend(sheets::LEARNER_COLUMNS.iter().map(|x| Column { required: false, ..*x }));
        c
    })
}

/// One row of a file: a learner named, or the person's fields.
#[derive(Default)]
struct FileRow {
    learner_id: Option<LearnerId>,
    person: Option<crate::people::dto::LearnerInput>,
}

fn set(r: &mut FileRow, key: &str, v: &str) -> Result<(), String> {
    if key == "learner_id" {
        r.learner_id = Some(v.parse().map_err(|_| "is not a learner id".to_string())?);
        return Ok(());
    }
    sheets::set_learner(r.person.get_or_insert_with(Default::default), key, v)
}

/// Sends a unit's list [danh sách cử đi học] under its decision, for a class or for a program and
/// year: as JSON (`CreateNomination`), or as a CSV or XLSX file of people (the template's
/// columns) with the list's fields in the query. Each person is matched to a learner of the
/// institution tree (national id, else name and date of birth) or recorded as a new learner.
/// Every problem is answered at once (400, each on its field: `people[i]…` or `rows[N]…`) and
/// nothing is written; a full or closed class is 422.
#[utoipa::path(tag = "nominations", params(NominationFileQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    request_body(content((CreateNomination = "application/json"), (Vec<u8> = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses((status = 201, body = NominationOut), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 413, body = crate::error::Problem), (status = 415, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/nominations")]
async fn create_nomination(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    q: web::Query<NominationFileQuery>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Nominate)?;
    let fp = fingerprint("POST", "/nominations", &(format!("{:?}", q.0), format!("{:x}", Sha256::digest(&body))));
    let asked = asked(&state, q.into_inner(), &req, body).await?;
    let today = state.clock.today();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let row = submit::submit(tx, &caller, asked, today)?;
        let out = view::out(tx, row)?;
        Stored::created(format!("/api/v1/nominations/{}", out.id), out.version, &out)
    })
    .await
}

/// The list as sent: a JSON body, or a file with the list's fields in the query.
async fn asked(
    state: &AppState,
    q: NominationFileQuery,
    req: &HttpRequest,
    body: web::Bytes,
) -> Result<Asked, ApiError> {
    let json = req.headers().get("content-type").and_then(|v| v.to_str().ok()).is_none_or(|t| t.contains("json"));
    if json {
        let b: CreateNomination = json_bytes(&body, state.settings.server.json_limit_bytes)?;
        let people =
            b.people.into_iter().enumerate().map(|(i, p)| (format!("people[{i}]"), p.learner_id, p.person)).collect();
        return Ok(Asked {
            sending_unit_id: b.sending_unit_id,
            decision_no: b.decision_no,
            decision_on: Some(b.decision_on),
            cohort_id: b.cohort_id,
            program_id: b.program_id,
            year: b.year,
            institution_id: b.institution_id,
            note: b.note,
            people,
            problems: Vec::new(),
        });
    }
    let (rows, problems) = read_sheet_with(req, body, columns(), set).await?;
    let mut problems = problems;
    if q.decision_no.is_none() {
        problems.push(crate::error::ProblemItem::field("decision_no", "is required"));
    }
    Ok(Asked {
        sending_unit_id: q.sending_unit_id,
        decision_no: q.decision_no.unwrap_or_default(),
        decision_on: q.decision_on,
        cohort_id: q.cohort_id,
        program_id: q.program_id,
        year: q.year,
        institution_id: q.institution_id,
        note: q.note,
        people: rows.into_iter().map(|(n, r)| (format!("rows[{n}]"), r.learner_id, r.person)).collect(),
        problems,
    })
}

/// A spreadsheet template for a list: the learner import's columns and `learner_id` (CSV, or
/// XLSX with `format=xlsx`).
#[utoipa::path(tag = "nominations", params(crate::certificates::records::dto::RecordTemplateQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/nominations/template")]
async fn nomination_template(
    caller: Caller,
    q: web::Query<crate::certificates::records::dto::RecordTemplateQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Nominate)?;
    let format = if q.format == Some(Format::Xlsx) { Format::Xlsx } else { Format::Csv };
    let mut example = vec![crate::http::export::Cell::from("")];
    example.extend(sheets::learner_example());
    let headers = columns().iter().map(|c| c.headers[0]).collect();
    export::respond(format, &Table { name: "mau-danh-sach-cu-di-hoc".into(), headers, rows: vec![example] })
}

/// The lists the caller may see: a unit officer their unit's, administrators and inspectors those
/// sent to their institutions. Export with `?format=csv|xlsx` (a row per person).
#[utoipa::path(tag = "nominations", params(NominationFilter),
    responses((status = 200, body = Page<NominationSummary>), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/nominations")]
async fn list_nominations(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<NominationFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Nominate)?;
    let q = q.into_inner();
    let page = export::page_or_all(q.format, || paging(q.limit, q.cursor.as_deref()))?;
    let (limit, format) = (page.limit, q.format);
    let f = store::Filter { sending_unit_id: q.sending_unit_id, cohort_id: q.cohort_id, status: q.status };
    let (rows, table): (Vec<Nomination>, Option<Table>) = state
        .db
        .read(move |tx| {
            let rows = store::list(tx, &caller, &f, &page)?;
            let table = if Format::is_file(format) { Some(view::table(tx, &rows)?) } else { None };
            Ok((rows, table))
        })
        .await?;
    export::answer(
        format,
        rows,
        |_| table.unwrap_or_else(|| Table { name: String::new(), headers: Vec::new(), rows: Vec::new() }),
        |rows| HttpResponse::Ok().json(Page::from_rows(rows, limit, |r| r.id.to_string(), NominationSummary::from)),
    )
}

/// One list with its people, their decisions and, while they wait for a class, the eligibility
/// rules each one fails today.
#[utoipa::path(tag = "nominations", params(("id" = NominationId, Path)),
    responses((status = 200, body = NominationOut), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/nominations/{id}")]
async fn get_nomination(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<NominationId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Nominate)?;
    let id = id.into_inner();
    let out = state
        .db
        .read(move |tx| {
            let nom = store::visible(tx, &caller, id)?;
            view::out(tx, nom)
        })
        .await?;
    Ok(ok_versioned(out.version, &localised(out)))
}

fn localised(mut out: NominationOut) -> NominationOut {
    for p in &mut out.people {
        for r in &mut p.eligibility {
            r.message = crate::error::localised(&r.message);
        }
    }
    out
}

/// Decides for some or all of the people waiting on a list (administrators of the institution
/// the list was sent to): `accept` enrols the person with every eligibility rule checked (each
/// rule failed must be overridden with a reason: 422 otherwise, nothing written), `reject`
/// records the reasons. The unit gets the outcome by e-mail.
#[utoipa::path(tag = "nominations", request_body = DecideNomination, params(("id" = NominationId, Path)),
    responses((status = 200, body = NominationOut), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/nominations/{id}/decide")]
async fn decide_nomination(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<NominationId>,
    body: crate::http::extract::JsonBody<DecideNomination>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Nominate)?;
    let (id, body, today) = (id.into_inner(), body.take(), state.clock.today());
    let out = audit
        .write(&state.db, move |tx| {
            let nom = store::visible(tx, &caller, id)?;
            if caller.role == Role::UnitOfficer {
                return Err(ApiError::Forbidden);
            }
            let nom = decide::decide(tx, &caller, nom, body?, today)?;
            view::out(tx, nom)
        })
        .await?;
    Ok(ok_versioned(out.version, &localised(out)))
}
