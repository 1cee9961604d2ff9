//! `/api/v1/cohorts/{id}/field-trips`, `/api/v1/field-trips/{id}` and the reports.

use actix_web::http::header;
use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::model::{FieldTrip, Report};
use super::{safe_name, sniff, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::cohorts::model::{Cohort, CohortStatus, Standing};
use crate::cohorts::store as cohorts;
use crate::db::ids::*;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::http::extract::{ok_versioned, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::people::store as people;
use crate::text::clean;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_trips)
        .service(create_trip)
        .service(get_trip)
        .service(update_trip)
        .service(submit_report)
        .service(list_reports)
        .service(get_report)
        .service(download_report)
        .service(grade_report);
}

crate::required_fields!(CreateFieldTrip from FieldTripInput: "destination", "starts_on", "ends_on", "leader", "report_due_on");

impl FieldTripOut {
    fn new(f: FieldTrip, lecturer_ids: Vec<LecturerId>) -> FieldTripOut {
        FieldTripOut {
            id: f.id,
            cohort_id: f.cohort_id,
            destination: f.destination,
            starts_on: f.starts_on,
            ends_on: f.ends_on,
            leader: f.leader,
            report_due_on: f.report_due_on,
            description: f.description,
            lecturer_ids,
            version: f.version,
        }
    }

    /// The trip with its lecturers as stored.
    fn read(tx: &mut DbConn, f: FieldTrip) -> Result<FieldTripOut, ApiError> {
        let ids = store::lecturers_of(tx, &[f.id])?.remove(&f.id).unwrap_or_default();
        Ok(FieldTripOut::new(f, ids))
    }
}

/// The problems of the guiding lecturers asked for: at most 20, each in the caller's scope and
/// named once.
fn check_guides(tx: &mut DbConn, caller: &Caller, ids: &[LecturerId], p: &mut Problems) -> Result<(), ApiError> {
    if ids.len() > 20 {
        p.add("lecturer_ids", "may list at most 20 lecturers");
        return Ok(());
    }
    let unknown = people::lecturers_not_in_scope(tx, &caller.scope, ids)?;
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            p.add(&format!("lecturer_ids[{i}]"), "names a lecturer already listed");
        } else if unknown.contains(&i) {
            p.add(&format!("lecturer_ids[{i}]"), "no such lecturer in your scope");
        }
    }
    Ok(())
}

/// The field trip and the caller's standing in its class; 404 when the class is out of reach.
/// A lecturer who guides the study is on its staff for it (reads its reports, grades them), as
/// a lecturer who teaches the class is.
fn trip_standing(tx: &mut DbConn, caller: &Caller, id: FieldTripId) -> Result<(FieldTrip, Standing), ApiError> {
    let trip = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
    let mut st = cohorts::standing(tx, caller, trip.cohort_id)?;
    if let Some(me) = st.lecturer.filter(|_| !st.teaches) {
        st.teaches = store::lecturers_of(tx, &[id])?.get(&id).is_some_and(|guides| guides.contains(&me));
    }
    Ok((trip, st.readable()?))
}

fn check_trip(t: &FieldTrip, p: &mut Problems) {
    p.check(
        !t.destination.is_empty() && t.destination.chars().count() <= 300,
        "destination",
        "must be 1 to 300 characters",
    );
    p.check(!t.leader.is_empty() && t.leader.chars().count() <= 200, "leader", "must be 1 to 200 characters");
    p.check(t.ends_on >= t.starts_on, "ends_on", "must be on or after starts_on");
    p.check(t.report_due_on >= t.ends_on, "report_due_on", "must be on or after ends_on");
    p.check(
        t.description.as_ref().is_none_or(|d| d.chars().count() <= 4000),
        "description",
        "must be at most 4000 characters",
    );
}

/// Plans a field study for a class.
#[utoipa::path(tag = "field_trips", request_body = CreateFieldTrip, params(("id" = CohortId, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = FieldTripOut), (status = 400, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/cohorts/{id}/field-trips")]
async fn create_trip(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    key: IdempotencyKey,
    body: JsonBody<FieldTripInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let id = id.into_inner();
    let fp = fingerprint("POST", &format!("/cohorts/{id}/field-trips"), &body);
    let b = body;
    let mut p = Problems::new();
    for (ok, f) in [
        (b.destination.is_some(), "destination"),
        (b.starts_on.is_some(), "starts_on"),
        (b.ends_on.is_some(), "ends_on"),
        (b.leader.is_some(), "leader"),
        (b.report_due_on.is_some(), "report_due_on"),
    ] {
        p.check(ok, f, "is required");
    }
    p.finish(())?;
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let cohort = cohorts::writable(tx, &c, id)?;
        if matches!(cohort.status, CohortStatus::Closed | CohortStatus::Cancelled) {
            return Err(ApiError::conflict("cohort_finished", format!("The class is {}.", cohort.status)));
        }
        let t = now();
        let row = FieldTrip {
            id: FieldTripId::new(),
            cohort_id: id,
            institution_id: cohort.institution_id,
            destination: clean(&b.destination.unwrap_or_default()),
            starts_on: b.starts_on.unwrap_or_default(),
            ends_on: b.ends_on.unwrap_or_default(),
            leader: clean(&b.leader.unwrap_or_default()),
            report_due_on: b.report_due_on.unwrap_or_default(),
            description: b.description.flatten().map(|d| clean(&d)).filter(|d| !d.is_empty()),
            version: 1,
            created_at: t,
            updated_at: t,
        };
        let guides = b.lecturer_ids.unwrap_or_default();
        let mut p = Problems::new();
        check_trip(&row, &mut p);
        check_guides(tx, &c, &guides, &mut p)?;
        p.finish(())?;
        store::insert(tx, &row)?;
        store::set_lecturers(tx, row.id, &guides)?;
        Stored::created(format!("/api/v1/field-trips/{}", row.id), 1, &FieldTripOut::new(row, guides))
    })
    .await
}

/// The field trips of a class.
#[utoipa::path(tag = "field_trips", params(("id" = CohortId, Path)), responses((status = 200, body = Vec<FieldTripOut>)), security(("bearer" = [])))]
#[get("/cohorts/{id}/field-trips")]
async fn list_trips(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |tx| {
            cohorts::readable(tx, &caller, id)?;
            let trips = store::of_cohort(tx, id)?;
            let mut guides = store::lecturers_of(tx, &trips.iter().map(|t| t.id).collect::<Vec<_>>())?;
            Ok(trips
                .into_iter()
                .map(|t| {
                    let ids = guides.remove(&t.id).unwrap_or_default();
                    FieldTripOut::new(t, ids)
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// One field trip.
#[utoipa::path(tag = "field_trips", params(("id" = FieldTripId, Path)), responses((status = 200, body = FieldTripOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/field-trips/{id}")]
async fn get_trip(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<FieldTripId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let trip = state
        .db
        .read(move |tx| {
            let (trip, _) = trip_standing(tx, &caller, id)?;
            FieldTripOut::read(tx, trip)
        })
        .await?;
    Ok(ok_versioned(trip.version, &trip))
}

/// Changes a field trip.
#[utoipa::path(tag = "field_trips", request_body = FieldTripInput,
    params(("id" = FieldTripId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = FieldTripOut), (status = 412, body = crate::error::Problem)), security(("bearer" = [])))]
#[patch("/field-trips/{id}")]
async fn update_trip(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<FieldTripId>,
    if_match: IfMatch,
    body: JsonBody<FieldTripInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let (id, b) = (id.into_inner(), body);
    let row = audit
        .write(&state.db, move |tx| {
            let cur = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
            cohorts::writable(tx, &caller, cur.cohort_id)?;
            if_match.check(cur.version)?;
            let mut row = cur.clone();
            if let Some(x) = b.destination {
                row.destination = clean(&x);
            }
            if let Some(x) = b.starts_on {
                row.starts_on = x;
            }
            if let Some(x) = b.ends_on {
                row.ends_on = x;
            }
            if let Some(x) = b.leader {
                row.leader = clean(&x);
            }
            if let Some(x) = b.report_due_on {
                row.report_due_on = x;
            }
            if let Some(x) = b.description {
                row.description = x.map(|d| clean(&d)).filter(|d| !d.is_empty());
            }
            let mut p = Problems::new();
            check_trip(&row, &mut p);
            if let Some(ids) = &b.lecturer_ids {
                check_guides(tx, &caller, ids, &mut p)?;
            }
            p.finish(())?;
            row.version = cur.version + 1;
            row.updated_at = now();
            crate::http::extract::saved(store::save(tx, &row, cur.version)?, cur.version)?;
            if let Some(ids) = &b.lecturer_ids {
                store::set_lecturers(tx, id, ids)?;
            }
            FieldTripOut::read(tx, row)
        })
        .await?;
    Ok(ok_versioned(row.version, &row))
}

/// The caller submits their report: `application/json` `{"text": …}` for text, or the file
/// itself as the body (PDF, DOCX or ODT, judged by content; name in `X-File-Name`). Both may be
/// given, one request each. A report after the due date is flagged late; a graded one is final.
#[utoipa::path(tag = "field_trips", params(("id" = FieldTripId, Path), ("X-File-Name" = Option<String>, Header, description = "The file's name")),
    request_body(content = ReportText, content_type = "application/json"),
    responses((status = 200, body = ReportOut), (status = 409, body = crate::error::Problem), (status = 413, body = crate::error::Problem),
        (status = 415, body = crate::error::Problem)), security(("bearer" = [])))]
#[put("/field-trips/{id}/reports/me")]
async fn submit_report(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<FieldTripId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    if caller.role != Role::Learner {
        return Err(ApiError::Forbidden);
    }
    let id = id.into_inner();
    let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let limit = state.settings.field_trips.max_report_bytes;
    enum Upload {
        Text(String),
        File(String, &'static str, Vec<u8>),
    }
    let upload = if ct.starts_with("application/json") {
        let t: ReportText = serde_json::from_slice(&body)
            .map_err(|e| ApiError::BadRequest(format!("The JSON body does not fit this endpoint: {e}.")))?;
        let text = t.text.trim().to_string();
        let mut p = Problems::new();
        p.check(!text.is_empty() && text.chars().count() <= 200_000, "text", "must be 1 to 200000 characters");
        p.finish(())?;
        Upload::Text(text)
    } else {
        if body.len() > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        let (mime, ext) = sniff(&body).ok_or_else(|| {
            ApiError::UnsupportedMediaType("A report file must be a PDF, DOCX or ODT document.".into())
        })?;
        let given = req.headers().get("x-file-name").and_then(|v| v.to_str().ok()).unwrap_or_default();
        Upload::File(safe_name(given, ext), mime, body.to_vec())
    };
    let day = state.clock.today();
    let out = audit
        .write(&state.db, move |tx| {
            let (trip, st) = trip_standing(tx, &caller, id)?;
            let me = st.learner.ok_or_else(ApiError::not_found)?;
            let at = now();
            let rep = store::ensure_report(tx, &trip, me, at)?;
            if rep.grade_tenths.is_some() {
                return Err(ApiError::conflict(
                    "report_graded",
                    "The report has been graded; it can no longer change.",
                ));
            }
            let late = day > trip.report_due_on;
            match &upload {
                Upload::Text(t) => store::set_text(tx, rep.id, t, late, at)?,
                Upload::File(name, mime, data) => store::set_file(tx, rep.id, name, mime, data, late, at)?,
            };
            let name = people::find_learner(tx, me)?.map(|l| l.full_name).unwrap_or_default();
            Ok(ReportOut::new(name, me, store::report(tx, id, me)?, true))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Every learner of the class with their report's state and grade (missing reports included).
/// For administrators and the class's lecturers.
#[utoipa::path(tag = "field_trips", params(("id" = FieldTripId, Path)), responses((status = 200, body = Vec<ReportOut>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/field-trips/{id}/reports")]
async fn list_reports(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<FieldTripId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let out = state
        .db
        .read(move |tx| {
            let (_, st) = trip_standing(tx, &caller, id)?;
            let cohort = st.staff()?.cohort;
            let mut reports: std::collections::HashMap<LearnerId, Report> =
                store::reports(tx, id)?.into_iter().map(|r| (r.learner_id, r)).collect();
            Ok(crate::attendance::store::members(tx, cohort.id)?
                .into_iter()
                .map(|(learner, name, ..)| ReportOut::new(name, learner, reports.remove(&learner), false))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Whose report the caller may read: their own, or any as staff of the class.
fn readable_report(
    tx: &mut DbConn,
    caller: &Caller,
    id: FieldTripId,
    learner: LearnerId,
) -> Result<(FieldTrip, Cohort), ApiError> {
    let (trip, st) = trip_standing(tx, caller, id)?;
    if !(st.learner == Some(learner) || st.is_staff()) {
        return Err(ApiError::not_found());
    }
    Ok((trip, st.cohort))
}

/// One learner's report, with its text: the learner themself or the class's staff.
#[utoipa::path(tag = "field_trips", params(("id" = FieldTripId, Path), ("learner_id" = LearnerId, Path)),
    responses((status = 200, body = ReportOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/field-trips/{id}/reports/{learner_id}")]
async fn get_report(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(FieldTripId, LearnerId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, learner) = path.into_inner();
    let out = state
        .db
        .read(move |tx| {
            readable_report(tx, &caller, id, learner)?;
            let name = people::find_learner(tx, learner)?.ok_or_else(ApiError::not_found)?.full_name;
            Ok(ReportOut::new(name, learner, store::report(tx, id, learner)?, true))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Downloads a report's file: the learner themself or the class's staff.
#[utoipa::path(tag = "field_trips", params(("id" = FieldTripId, Path), ("learner_id" = LearnerId, Path)),
    responses(
        (status = 200, description = "The report file as it was uploaded", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/vnd.oasis.opendocument.text"))),
        (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/field-trips/{id}/reports/{learner_id}/file")]
async fn download_report(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(FieldTripId, LearnerId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, learner) = path.into_inner();
    let (rep, data) = state
        .db
        .read(move |tx| {
            readable_report(tx, &caller, id, learner)?;
            let rep =
                store::report(tx, id, learner)?.filter(|r| r.file_name.is_some()).ok_or_else(ApiError::not_found)?;
            let data = store::file(tx, rep.id)?.ok_or_else(ApiError::not_found)?;
            Ok((rep, data))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(rep.file_type.unwrap_or_else(|| "application/octet-stream".into()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", rep.file_name.unwrap_or_default()),
        ))
        .body(data))
}

/// Grades a submitted report (the class's lecturers or administrators).
#[utoipa::path(tag = "field_trips", request_body = GradeIn, params(("id" = FieldTripId, Path), ("learner_id" = LearnerId, Path)),
    responses((status = 200, body = ReportOut), (status = 400, body = crate::error::Problem), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[put("/field-trips/{id}/reports/{learner_id}/grade")]
async fn grade_report(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    path: web::Path<(FieldTripId, LearnerId)>,
    body: JsonBody<GradeIn>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::EnterGrades)?;
    let b = body.take()?;
    let (id, learner) = path.into_inner();
    let tenths = (b.grade * 10.0).round();
    let mut p = Problems::new();
    p.check(
        (0.0..=10.0).contains(&b.grade) && (tenths - b.grade * 10.0).abs() < 1e-6,
        "grade",
        "must be between 0 and 10 with one decimal",
    );
    p.finish(())?;
    let comment = b.comment.as_deref().map(clean).filter(|s| !s.is_empty());
    let tz = state.settings.tz();
    let out = audit
        .write(&state.db, move |tx| {
            let (trip, st) = trip_standing(tx, &caller, id)?;
            st.staff()?;
            let rep = store::report(tx, id, learner)?.filter(|r| r.submitted_at.is_some());
            let Some(rep) = rep else {
                return Err(ApiError::refused("no_report", "The learner has not submitted a report."));
            };
            store::grade(tx, rep.id, tenths as i32, comment.as_deref(), caller.user_id, now())?;
            crate::results::snapshot::refresh(tx, tz, trip.cohort_id)?;
            let name = people::find_learner(tx, learner)?.map(|l| l.full_name).unwrap_or_default();
            Ok(ReportOut::new(name, learner, store::report(tx, id, learner)?, true))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
