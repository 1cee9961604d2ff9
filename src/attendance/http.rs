//! `/api/v1/sessions/{id}/attendance`, `/api/v1/cohorts/{id}/attendance-summary`,
//! `/api/v1/cohorts/{id}/makeups` and `/api/v1/me/attendance`.

use std::collections::{HashMap, HashSet};

use actix_web::http::header;
use actix_web::{get, post, put, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::model::{Attendance, Makeup};
use super::rules::{self, MarkIn};
use super::store;
use super::summary::{self, LearnerAttendance};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::cohorts::model::{Cohort, Standing};
use crate::cohorts::store as cohorts;
use crate::db::ids::*;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::http::export::{self, Cell, Format, Table};
use crate::http::extract::{etag, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::people::store as people;
use crate::text::clean;
use crate::timetable::model::{Session, SessionStatus};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_roll)
        .service(put_roll)
        .service(roll_changes)
        .service(attendance_summary)
        .service(my_attendance)
        .service(create_makeup)
        .service(list_makeups);
}

/// The session and the caller's standing in its class: administrators of the class, or the
/// session's own lecturer. 404 for everyone who cannot see the class, 403 for the rest.
fn session_access(tx: &mut DbConn, caller: &Caller, id: SessionId) -> Result<(Session, Standing), ApiError> {
    let session = crate::timetable::store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
    let st = cohorts::standing(tx, caller, session.cohort_id)?.readable()?;
    if st.admin || st.lecturer == Some(session.lecturer_id) {
        return Ok((session, st));
    }
    Err(ApiError::Forbidden)
}

fn roll(tx: &mut DbConn, session: &Session, tz: chrono_tz::Tz) -> Result<Roll, ApiError> {
    let day = session.starts_at.and_utc().with_timezone(&tz).date_naive();
    let marks: HashMap<LearnerId, Attendance> =
        store::marks(tx, session.id)?.into_iter().map(|m| (m.learner_id, m)).collect();
    let entries = store::members(tx, session.cohort_id)?
        .into_iter()
        .filter(|m| store::on_roll(m, day) || marks.contains_key(&m.0))
        .map(|(learner_id, learner_name, ..)| {
            let m = marks.get(&learner_id);
            RollEntry {
                learner_id,
                learner_name,
                status: m.map(|m| m.status),
                minutes_late: m.and_then(|m| m.minutes_late),
                note: m.and_then(|m| m.note.clone()),
                recorded_by: m.map(|m| m.recorded_by),
                updated_at: m.map(|m| m.updated_at.and_utc()),
            }
        })
        .collect();
    Ok(Roll {
        session_id: session.id,
        cohort_id: session.cohort_id,
        roll_version: store::roll_version(tx, session.id)?,
        entries,
    })
}

fn roll_response(r: &Roll) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag(r.roll_version))).json(r)
}

/// Writes a roll call's marks: new ones inserted, changed ones updated, unchanged ones left;
/// every insert and change goes to the roll's history with the correction reason.
fn write_marks(
    tx: &mut DbConn,
    cohort: &Cohort,
    id: SessionId,
    entries: Vec<MarkIn>,
    reason: Option<String>,
    by: UserId,
    at: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    let existing: HashMap<LearnerId, Attendance> =
        store::marks(tx, id)?.into_iter().map(|m| (m.learner_id, m)).collect();
    let (mut new_rows, mut changes) = (Vec::new(), Vec::new());
    for e in entries {
        let note = e.note.as_deref().map(clean).filter(|s| !s.is_empty());
        match existing.get(&e.learner_id) {
            Some(old) if old.status == e.status && old.note == note && old.minutes_late == e.minutes_late => {}
            Some(old) => {
                changes.push((
                    AttendanceChangeId::new(),
                    id,
                    e.learner_id,
                    Some(old.status),
                    e.status,
                    old.note.clone(),
                    note.clone(),
                    reason.clone(),
                    by,
                    at,
                ));
                let row = Attendance {
                    status: e.status,
                    minutes_late: e.minutes_late,
                    note,
                    recorded_by: by,
                    updated_at: at,
                    ..old.clone()
                };
                store::update_mark(tx, &row)?;
            }
            None => {
                changes.push((
                    AttendanceChangeId::new(),
                    id,
                    e.learner_id,
                    None,
                    e.status,
                    None,
                    note.clone(),
                    reason.clone(),
                    by,
                    at,
                ));
                new_rows.push(Attendance {
                    id: AttendanceId::new(),
                    session_id: id,
                    learner_id: e.learner_id,
                    cohort_id: cohort.id,
                    institution_id: cohort.institution_id,
                    status: e.status,
                    minutes_late: e.minutes_late,
                    note,
                    recorded_by: by,
                    created_at: at,
                    updated_at: at,
                });
            }
        }
    }
    store::insert_marks(tx, &new_rows)?;
    store::insert_changes(tx, &changes)?;
    Ok(())
}

/// The roll of a session: every learner enrolled at its date, with their mark or `null`.
#[utoipa::path(tag = "attendance", params(("id" = SessionId, Path)),
    responses((status = 200, body = Roll), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/sessions/{id}/attendance")]
async fn get_roll(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<SessionId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let tz = state.settings.tz();
    let r = state
        .db
        .read(move |tx| {
            let (s, _) = session_access(tx, &caller, id)?;
            roll(tx, &s, tz)
        })
        .await?;
    Ok(roll_response(&r))
}

/// Takes or corrects the roll of a whole session in one request. The session's lecturer may do
/// so from its start until `attendance.correction_days` after its end; later corrections need an
/// administrator and a `reason`. With `If-Match` (the roll's ETag) a concurrent roll call answers
/// 412 instead of being overwritten; every change is recorded.
#[utoipa::path(tag = "attendance", request_body = RollCall,
    params(("id" = SessionId, Path), ("If-Match" = Option<String>, Header, description = "The roll's ETag last read")),
    responses((status = 200, body = Roll), (status = 400, body = crate::error::Problem), (status = 412, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[put("/sessions/{id}/attendance")]
async fn put_roll(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<SessionId>,
    if_match: IfMatch,
    body: JsonBody<RollCall>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::TakeRoll)?;
    let body = body.take()?;
    let (id, body) = (id.into_inner(), body);
    let tz = state.settings.tz();
    let window = chrono::Duration::days(i64::from(state.settings.attendance.correction_days));
    let reason = body.reason.as_deref().map(clean).filter(|s| !s.is_empty());
    let r = audit
        .write(&state.db, move |tx| {
            let (session, st) = session_access(tx, &caller, id)?;
            let cohort = &st.cohort;
            // The entries are judged only once the caller is known to take this roll.
            let problems = rules::entry_problems(&body.entries);
            if !problems.is_empty() {
                return Err(ApiError::Validation(problems));
            }
            let at = now();
            let w = rules::RollWindow {
                cancelled: session.status == SessionStatus::Cancelled,
                starts_at: session.starts_at,
                ends_at: session.ends_at,
                correction: window,
            };
            let refusals = rules::roll_refusals(w, at, st.admin, reason.is_some());
            if !refusals.is_empty() {
                return Err(ApiError::Refused(refusals));
            }
            let day = session.starts_at.and_utc().with_timezone(&tz).date_naive();
            let on_roll: HashSet<LearnerId> =
                store::members(tx, cohort.id)?.into_iter().filter(|m| store::on_roll(m, day)).map(|m| m.0).collect();
            let off = rules::off_roll(&body.entries, &on_roll);
            if !off.is_empty() {
                return Err(ApiError::Validation(off));
            }
            if !store::bump_roll(tx, id, if_match.expected())? {
                return Err(ApiError::PreconditionFailed { current: store::roll_version(tx, id)? });
            }
            write_marks(tx, cohort, id, body.entries, reason, caller.user_id, at)?;
            crate::results::snapshot::refresh(tx, tz, cohort.id)?;
            roll(tx, &session, tz)
        })
        .await?;
    Ok(roll_response(&r))
}

/// Every change made to a session's roll: who, when, old and new mark, why.
#[utoipa::path(tag = "attendance", params(("id" = SessionId, Path)), responses((status = 200, body = Vec<RollChange>)), security(("bearer" = [])))]
#[get("/sessions/{id}/attendance/changes")]
async fn roll_changes(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<SessionId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |tx| {
            session_access(tx, &caller, id)?;
            Ok(store::changes(tx, id)?)
        })
        .await?;
    let out: Vec<RollChange> = rows
        .into_iter()
        .map(|(learner_id, old_status, new_status, old_note, new_note, reason, changed_by, at)| RollChange {
            learner_id,
            old_status,
            new_status,
            old_note,
            new_note,
            reason,
            changed_by,
            changed_at: at.and_utc(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

/// Per learner and module: time attended and missed, rates, `exam_eligible` under the program's
/// rules, and the best rate still reachable; per learner for the program: `graduation_eligible`.
/// For administrators and the class's lecturers. Export with `?format=csv|xlsx`.
#[utoipa::path(tag = "attendance", params(("id" = CohortId, Path), SummaryQuery),
    responses((status = 200, body = Vec<LearnerAttendance>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/cohorts/{id}/attendance-summary")]
async fn attendance_summary(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    q: web::Query<SummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let q = q.into_inner();
    let tz = state.settings.tz();
    let (cohort, rows) = state
        .db
        .read(move |tx| {
            let cohort = cohorts::staff_readable(tx, &caller, id)?;
            let rows = summary::for_cohort(tx, &cohort, tz, now(), q.learner_id)?;
            Ok((cohort, rows))
        })
        .await?;
    match q.format {
        Some(f @ (Format::Csv | Format::Xlsx)) => {
            let mut out = Vec::new();
            for r in &rows {
                for m in &r.modules {
                    out.push(vec![
                        Cell::from(r.learner_name.as_str()),
                        m.module_code.as_str().into(),
                        m.module_title.as_str().into(),
                        m.figures.hours_attended.into(),
                        m.figures.hours_missed.into(),
                        m.figures.missed_pct.into(),
                        m.figures.best_reachable_rate.into(),
                        (if m.figures.exam_eligible { "Đủ điều kiện" } else { "Không đủ điều kiện" }).into(),
                        (if r.program.graduation_eligible {
                            "Đủ điều kiện"
                        } else {
                            "Không đủ điều kiện"
                        })
                        .into(),
                    ]);
                }
            }
            let headers = vec![
                "Họ và tên",
                "Mã học phần",
                "Học phần",
                "Số tiết dự học",
                "Số tiết vắng",
                "Tỷ lệ vắng (%)",
                "Tỷ lệ tối đa có thể đạt (%)",
                "Dự thi",
                "Xét tốt nghiệp",
            ];
            export::respond(
                f,
                &Table { name: format!("chuyen-can-{}", cohort.code.replace('/', "-")), headers, rows: out },
            )
        }
        _ => Ok(HttpResponse::Ok().json(rows)),
    }
}

impl MySession {
    fn new(r: store::LearnerSessionRow, tz: chrono_tz::Tz) -> MySession {
        use crate::timetable::dto::local;
        let (session_id, starts_at, ends_at, module_id, module_code, module_title, status, minutes_late, marked_by) = r;
        MySession {
            session_id,
            starts_at: local(starts_at, tz),
            ends_at: local(ends_at, tz),
            module_id,
            module_code,
            module_title,
            status,
            minutes_late,
            marked_by,
        }
    }
}

/// The caller's own attendance in each of their classes (learners).
#[utoipa::path(tag = "attendance", responses((status = 200, body = Vec<MyAttendance>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/me/attendance")]
async fn my_attendance(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if caller.role != Role::Learner {
        return Err(ApiError::Forbidden);
    }
    let tz = state.settings.tz();
    let out = state
        .db
        .read(move |tx| {
            let Some(me) = people::learner_of_user(tx, caller.user_id)? else { return Ok(Vec::new()) };
            let mut out = Vec::new();
            for id in cohorts::own_cohorts(tx, &caller)?.unwrap_or_default() {
                let Some(cohort) = cohorts::find(tx, id)? else { continue };
                let at = now();
                for a in summary::for_cohort(tx, &cohort, tz, at, Some(me))? {
                    let sessions = store::sessions_of_learner(tx, cohort.id, me, at)?
                        .into_iter()
                        .map(|s| MySession::new(s, tz))
                        .collect();
                    let makeups =
                        store::makeups_of_learner(tx, cohort.id, me)?.into_iter().map(MakeupOut::from).collect();
                    out.push(MyAttendance {
                        cohort_id: cohort.id,
                        cohort_code: cohort.code.clone(),
                        attendance: a,
                        sessions,
                        makeups,
                    });
                }
            }
            Ok(out)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

impl From<Makeup> for MakeupOut {
    fn from(m: Makeup) -> MakeupOut {
        MakeupOut {
            id: m.id,
            learner_id: m.learner_id,
            module_id: m.module_id,
            hours: f64::from(m.minutes) / 45.0,
            reason: m.reason,
            recorded_by: m.recorded_by,
            created_at: m.created_at.and_utc(),
        }
    }
}

/// Records hours a learner made up for a module; they count against what was missed.
#[utoipa::path(tag = "attendance", request_body = CreateMakeup, params(("id" = CohortId, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = MakeupOut), (status = 400, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/cohorts/{id}/makeups")]
async fn create_makeup(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    key: IdempotencyKey,
    body: JsonBody<CreateMakeup>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let id = id.into_inner();
    let fp = fingerprint("POST", &format!("/cohorts/{id}/makeups"), &body);
    let tz = state.settings.tz();
    let b = body;
    let reason = b.reason.as_deref().map(clean).unwrap_or_default();
    let mut p = Problems::new();
    p.check(b.learner_id.is_some(), "learner_id", "is required");
    p.check(b.module_id.is_some(), "module_id", "is required");
    p.check(b.hours.is_some_and(|h| h > 0.0 && h <= 500.0), "hours", "must be more than 0 and at most 500");
    p.check(!reason.is_empty(), "reason", "is required");
    p.finish(())?;
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let cohort = cohorts::writable(tx, &c, id)?;
        let mut p = Problems::new();
        let learner = b.learner_id.unwrap_or_default();
        p.check(cohorts::enrollment_of(tx, id, learner)?.is_some(), "learner_id", "is not enrolled in this class");
        let module = crate::programs::store::find_module(tx, b.module_id.unwrap_or_default())?;
        p.check(
            module.is_some_and(|m| m.program_id == cohort.program_id),
            "module_id",
            "not a module of this class's program",
        );
        p.finish(())?;
        let row = Makeup {
            id: MakeupId::new(),
            cohort_id: id,
            learner_id: learner,
            module_id: b.module_id.unwrap_or_default(),
            minutes: (b.hours.unwrap_or_default() * 45.0).round() as i32,
            reason,
            recorded_by: c.user_id,
            created_at: now(),
        };
        store::insert_makeup(tx, &row)?;
        crate::results::snapshot::refresh(tx, tz, id)?;
        Stored::created(format!("/api/v1/cohorts/{id}/makeups"), 1, &MakeupOut::from(row))
    })
    .await
}

/// The make-up hours recorded in a class.
#[utoipa::path(tag = "attendance", params(("id" = CohortId, Path)), responses((status = 200, body = Vec<MakeupOut>)), security(("bearer" = [])))]
#[get("/cohorts/{id}/makeups")]
async fn list_makeups(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |tx| {
            cohorts::readable(tx, &caller, id)?;
            Ok(store::makeups(tx, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(MakeupOut::from).collect::<Vec<_>>()))
}
