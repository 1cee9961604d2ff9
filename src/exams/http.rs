//! `/api/v1/cohorts/{id}/exams`, `/api/v1/exams/{id}…` and `/api/v1/grades/{id}/history`.

use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::grades_http::gap;
use super::model::*;
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::cohorts::model::Standing;
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
    cfg.service(list_exams)
        .service(create_exam)
        .service(get_exam)
        .service(update_exam)
        .service(publish_exam)
        .service(lock_exam);
    super::candidates_http::routes(cfg);
    super::grades_http::routes(cfg);
    super::papers::routes(cfg);
}

pub(super) fn out(tx: &mut DbConn, e: Exam) -> Result<ExamOut, ApiError> {
    let g = store::graders(tx, e.id)?;
    Ok(exam_out(e, g))
}

/// The exam and the caller's standing in its class, as one of its graders (who may be from
/// outside the teaching team) or an administrator of the class; 404 when the class is out of
/// reach, 403 for anyone else who can see it.
/// Saves `row` as the next version of `cur` (409 if someone changed it meanwhile) and answers
/// it as the API shows an exam.
pub(super) fn save_next(
    tx: &mut DbConn,
    cur: &Exam,
    mut row: Exam,
    at: chrono::NaiveDateTime,
) -> Result<ExamOut, ApiError> {
    row.version = cur.version + 1;
    row.updated_at = at;
    crate::http::extract::saved(store::save(tx, &row, cur.version)?, cur.version)?;
    out(tx, row)
}

pub(super) fn seat(tx: &mut DbConn, caller: &Caller, id: ExamId) -> Result<(Exam, Standing), ApiError> {
    let exam = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
    let st = standing_for(tx, caller, &exam)?;
    if st.grader.is_some() {
        return Ok((exam, st));
    }
    st.admin().map(|st| (exam, st))
}

/// The caller's standing in the exam's class, with whether they grade it.
pub(super) fn standing_for(tx: &mut DbConn, caller: &Caller, exam: &Exam) -> Result<Standing, ApiError> {
    let st = cohorts::standing(tx, caller, exam.cohort_id)?;
    if st.lecturer.is_some() {
        return Ok(st.grading(&store::graders(tx, exam.id)?));
    }
    Ok(st)
}

fn check_graders(
    tx: &mut DbConn,
    caller: &Caller,
    graders: &[LecturerId],
    double: bool,
    p: &mut Problems,
) -> Result<(), ApiError> {
    for i in people::lecturers_not_in_scope(tx, &caller.scope, graders)? {
        p.add(&format!("graders[{i}]"), "no such lecturer in your scope");
    }
    let mut distinct = graders.to_vec();
    distinct.sort();
    distinct.dedup();
    p.check(distinct.len() == graders.len(), "graders", "lists a lecturer twice");
    p.check(!graders.is_empty(), "graders", "name at least one grader");
    p.check(!double || graders.len() >= 2, "graders", "double marking needs at least two graders");
    Ok(())
}

/// Every problem with the rooms of `exam` (their invigilators lecturers in scope), then a room
/// another sitting uses at the same time (409 naming it).
pub(super) fn check_rooms(tx: &mut DbConn, caller: &Caller, exam: &Exam, mut p: Problems) -> Result<(), ApiError> {
    p.0.extend(rules::room_problems(&exam.rooms.0));
    for (i, r) in exam.rooms.0.iter().enumerate() {
        for j in people::lecturers_not_in_scope(tx, &caller.scope, &r.invigilators)? {
            p.add(&format!("rooms[{i}].invigilators[{j}]"), "no such lecturer in your scope");
        }
    }
    p.finish(())?;
    if let Some((room, other)) =
        rules::room_clashes(exam, &store::same_day(tx, exam.institution_id, exam.held_on)?).first()
    {
        return Err(ApiError::conflict("room_clash", format!("{room} is taken by «{other}» at that time.")));
    }
    Ok(())
}

/// The exam `b` asks for in the class, or every problem with it: what is examined (a module of
/// the class's program, a graduation subject or the paper, a module exam retaken), its graders,
/// its dates.
fn new_exam(
    tx: &mut DbConn,
    c: &Caller,
    cohort: &crate::cohorts::model::Cohort,
    b: &CreateExam,
    defaults: &crate::settings::ExamSettings,
) -> Result<Exam, ApiError> {
    let id = cohort.id;
    let program = crate::programs::store::get(tx, cohort.program_id)?;
    let mut p = Problems::new();
    p.check(b.kind.is_some(), "kind", "is required");
    p.check(b.held_on.is_some(), "held_on", "is required");
    p.check(b.grading_deadline.is_some(), "grading_deadline", "is required");
    let kind = b.kind.unwrap_or(ExamKind::Module);
    let mut module_id = b.module_id;
    let mut subject = b.subject_code.as_deref().map(str::trim).map(str::to_string).filter(|s| !s.is_empty());
    match kind {
        ExamKind::Module => {
            let m = crate::programs::store::find_module(tx, module_id.unwrap_or_default())?;
            p.check(
                m.is_some_and(|m| m.program_id == cohort.program_id),
                "module_id",
                "not a module of this class's program",
            );
            subject = None;
        }
        ExamKind::Graduation => {
            // Without a subject, it is drawn by lot from the program's subjects later.
            let known = match subject.as_deref() {
                Some(s) => {
                    program.rules.graduation_subjects.iter().any(|g| g.code == s)
                        || (s == "essay" && program.rules.graduation_essay)
                }
                None => !program.rules.graduation_subjects.is_empty(),
            };
            p.check(known, "subject_code", "not a graduation subject of the program (or `essay` for the paper)");
            module_id = None;
        }
        ExamKind::Retake => {
            let first = match b.retake_of_id {
                Some(r) => store::find(tx, r)?.filter(|x| x.cohort_id == id && x.kind != ExamKind::Graduation),
                None => None,
            };
            p.check(first.is_some(), "retake_of_id", "must name a module exam of this class");
            module_id = first.and_then(|f| f.module_id);
            subject = None;
        }
    }
    let double = b.double_marking.unwrap_or(false);
    check_graders(tx, c, &b.graders, double, &mut p)?;
    let start_time = b.start_time.as_deref().map(str::trim);
    p.0.extend(rules::sitting_problems(start_time, b.duration_minutes));
    let minutes = b.duration_minutes.unwrap_or(if kind == ExamKind::Graduation {
        defaults.graduation_minutes as i32
    } else {
        defaults.module_minutes as i32
    });
    p.check(
        b.grading_deadline.zip(b.held_on).is_none_or(|(d, h)| d >= h),
        "grading_deadline",
        "must be on or after held_on",
    );
    let title =
        b.title.as_deref().map(clean).filter(|t| !t.is_empty()).unwrap_or_else(|| match (&module_id, &subject) {
            (Some(_), _) => format!("Thi {} – {}", kind.as_str(), cohort.code),
            (_, Some(s)) => format!("Thi tốt nghiệp {s} – {}", cohort.code),
            _ if kind == ExamKind::Graduation => format!("Thi tốt nghiệp – {}", cohort.code),
            _ => format!("Thi – {}", cohort.code),
        });
    let t = now();
    let exam = Exam {
        id: ExamId::new(),
        cohort_id: id,
        institution_id: cohort.institution_id,
        kind,
        module_id,
        subject_code: subject,
        retake_of_id: if kind == ExamKind::Retake { b.retake_of_id } else { None },
        title,
        held_on: b.held_on.unwrap_or_default(),
        place: b.place.as_deref().map(clean).filter(|s| !s.is_empty()),
        form: b.form.unwrap_or(ExamForm::Written),
        blind: b.blind.unwrap_or(false),
        double_marking: double,
        grading_deadline: b.grading_deadline.unwrap_or_default(),
        status: ExamStatus::Planned,
        sealed_at: None,
        published_at: None,
        locked_at: None,
        version: 1,
        created_at: t,
        updated_at: t,
        start_time: start_time.map(str::to_string),
        duration_minutes: Some(minutes),
        drawn_by: None,
        drawn_at: None,
        rooms: Rooms(tidy(b.rooms.clone().unwrap_or_default())),
    };
    check_rooms(tx, c, &exam, p)?;
    Ok(exam)
}

/// Room names as typed, trimmed and NFC.
fn tidy(rooms: Vec<Room>) -> Vec<Room> {
    rooms.into_iter().map(|r| Room { name: clean(&r.name), ..r }).collect()
}

/// Schedules an exam of a class: a module exam, a graduation subject (or the paper, `essay`), or
/// a retake of an earlier exam.
#[utoipa::path(tag = "exams", request_body = CreateExam, params(("id" = CohortId, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = ExamOut), (status = 400, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/cohorts/{id}/exams")]
async fn create_exam(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    key: IdempotencyKey,
    body: JsonBody<CreateExam>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let id = id.into_inner();
    let fp = fingerprint("POST", &format!("/cohorts/{id}/exams"), &body);
    let b = body;
    let c = caller.clone();
    let defaults = state.settings.exams.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let cohort = cohorts::writable(tx, &c, id)?;
        let row = new_exam(tx, &c, &cohort, &b, &defaults)?;
        store::insert(tx, &row)?;
        store::set_graders(tx, row.id, &b.graders)?;
        let o = out(tx, row)?;
        Stored::created(format!("/api/v1/exams/{}", o.id), 1, &o)
    })
    .await
}

/// The exams of a class.
#[utoipa::path(tag = "exams", params(("id" = CohortId, Path)), responses((status = 200, body = Vec<ExamOut>)), security(("bearer" = [])))]
#[get("/cohorts/{id}/exams")]
async fn list_exams(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |tx| {
            cohorts::readable(tx, &caller, id)?;
            let mut v = Vec::new();
            for e in store::of_cohort(tx, id)? {
                v.push(out(tx, e)?);
            }
            Ok(v)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// One exam.
#[utoipa::path(tag = "exams", params(("id" = ExamId, Path)), responses((status = 200, body = ExamOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/exams/{id}")]
async fn get_exam(caller: Caller, state: web::Data<AppState>, id: web::Path<ExamId>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let o = state
        .db
        .read(move |tx| {
            let e = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
            cohorts::readable(tx, &caller, e.cohort_id)?;
            out(tx, e)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

/// The exam with the fields of a change put on it (checked by the caller).
fn changed(cur: &Exam, b: &UpdateExam) -> Exam {
    let mut row = cur.clone();
    if let Some(t) = &b.title {
        row.title = clean(t);
    }
    if let Some(h) = b.held_on {
        row.held_on = h;
    }
    if let Some(pl) = &b.place {
        row.place = Some(clean(pl)).filter(|s| !s.is_empty());
    }
    if let Some(d) = b.grading_deadline {
        row.grading_deadline = d;
    }
    if let Some(t) = &b.start_time {
        row.start_time = Some(t.trim().to_string());
    }
    if let Some(m) = b.duration_minutes {
        row.duration_minutes = Some(m);
    }
    if let Some(rooms) = &b.rooms {
        row.rooms = Rooms(tidy(rooms.clone()));
    }
    row
}

/// Changes an exam: date, place, graders, or a later grading deadline.
#[utoipa::path(tag = "exams", request_body = UpdateExam, params(("id" = ExamId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = ExamOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[patch("/exams/{id}")]
async fn update_exam(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
    if_match: IfMatch,
    body: JsonBody<UpdateExam>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let (id, b) = (id.into_inner(), body);
    let o = audit
        .write(&state.db, move |tx| {
            let (cur, seat) = seat(tx, &caller, id)?;
            if !seat.admin {
                return Err(ApiError::Forbidden);
            }
            if_match.check(cur.version)?;
            if matches!(cur.status, ExamStatus::Published | ExamStatus::Locked) {
                return Err(ApiError::conflict(
                    "exam_published",
                    "The exam's grades are published; it no longer changes.",
                ));
            }
            let row = changed(&cur, &b);
            let mut p = Problems::new();
            if b.rooms.is_some() {
                p.check(cur.status == ExamStatus::Planned, "rooms", "change only before the exam is sealed");
            }
            p.0.extend(rules::sitting_problems(b.start_time.as_deref().map(str::trim), b.duration_minutes));
            if let Some(g) = &b.graders {
                check_graders(tx, &caller, g, row.double_marking, &mut p)?;
            }
            p.check(row.grading_deadline >= row.held_on, "grading_deadline", "must be on or after held_on");
            check_rooms(tx, &caller, &row, p)?;
            if let Some(g) = &b.graders {
                store::set_graders(tx, id, g)?;
            }
            save_next(tx, &cur, row, now())
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

async fn finish(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: ExamId,
    to: ExamStatus,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let o = audit
        .write(&state.db, move |tx| {
            let (exam, seat) = seat(tx, &caller, id)?;
            let cohort = &seat.cohort;
            if !seat.admin {
                return Err(ApiError::Forbidden);
            }
            if let Some(from) = rules::finishes_from(exam.status, to) {
                return Err(ApiError::conflict(
                    "invalid_transition",
                    format!("The exam is {}; it must be {from} first.", exam.status),
                ));
            }
            let at = now();
            if to == ExamStatus::Published {
                let missing = rules::missing_grades(&exam, &store::grades(tx, id)?, gap(tx, cohort)?);
                if !missing.is_empty() {
                    return Err(ApiError::Refused(missing));
                }
            }
            let status = if to == ExamStatus::Published { GradeStatus::Published } else { GradeStatus::Locked };
            store::set_status(tx, id, status, at)?;
            let kind = if to == ExamStatus::Published { GradeChangeKind::Published } else { GradeChangeKind::Locked };
            for (g, _) in store::grades(tx, id)? {
                let state = GradeState::of(&g);
                store::add_change(
                    tx,
                    g.id,
                    &store::Typist::user(caller.user_id),
                    at,
                    kind,
                    Some(&state),
                    Some(&state),
                    None,
                )?;
            }
            let row = Exam {
                status: to,
                published_at: if to == ExamStatus::Published { Some(at) } else { exam.published_at },
                locked_at: if to == ExamStatus::Locked { Some(at) } else { exam.locked_at },
                ..exam.clone()
            };
            save_next(tx, &exam, row, at)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

/// Publishes the grades (names joined back to codes): learners see them. 422 lists every
/// candidate still without a final grade.
#[utoipa::path(tag = "exams", params(("id" = ExamId, Path)), responses((status = 200, body = ExamOut), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/exams/{id}/publish")]
async fn publish_exam(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
) -> Result<HttpResponse, ApiError> {
    finish(caller, audit, state, id.into_inner(), ExamStatus::Published).await
}

/// Locks published grades: from now on they change only through an appeal.
#[utoipa::path(tag = "exams", params(("id" = ExamId, Path)), responses((status = 200, body = ExamOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/exams/{id}/lock")]
async fn lock_exam(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
) -> Result<HttpResponse, ApiError> {
    finish(caller, audit, state, id.into_inner(), ExamStatus::Locked).await
}
