//! `/api/v1/cohorts/{id}/exams`, `/api/v1/exams/{id}…` and `/api/v1/grades/{id}/history`.

use std::collections::HashMap;

use actix_web::{get, patch, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::*;
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::cohorts::model::{Cohort, EnrollmentStatus, Standing};
use crate::cohorts::store as cohorts;
use crate::db::ids::*;
use crate::db::{now, DbConn};
use crate::error::{ApiError, ProblemItem, Problems};
use crate::http::extract::{ok_versioned, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::people::store as people;
use crate::results::rules::Reason;
use crate::text::clean;
use crate::AppState;
use serde_json::json;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_exams)
        .service(create_exam)
        .service(get_exam)
        .service(update_exam)
        .service(candidates)
        .service(seal_exam)
        .service(put_grades)
        .service(get_grades)
        .service(publish_exam)
        .service(lock_exam)
        .service(grade_history);
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExam {
    pub kind: Option<ExamKind>,
    /// The module examined (module exams and retakes).
    pub module_id: Option<ModuleId>,
    /// The graduation subject's code from the program's rules, or `essay` for the paper.
    pub subject_code: Option<String>,
    /// For a retake: the exam it retakes.
    pub retake_of_id: Option<ExamId>,
    pub title: Option<String>,
    pub held_on: Option<NaiveDate>,
    pub place: Option<String>,
    pub form: Option<ExamForm>,
    pub blind: Option<bool>,
    pub double_marking: Option<bool>,
    pub grading_deadline: Option<NaiveDate>,
    /// Lecturers who grade it (two or more under double marking).
    #[serde(default)]
    pub graders: Vec<LecturerId>,
}

crate::required_fields!("CreateExam": "kind", "held_on", "grading_deadline");

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateExam {
    pub title: Option<String>,
    pub held_on: Option<NaiveDate>,
    pub place: Option<String>,
    /// An administrator may extend it.
    pub grading_deadline: Option<NaiveDate>,
    pub graders: Option<Vec<LecturerId>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExamOut {
    pub id: ExamId,
    pub cohort_id: CohortId,
    pub kind: ExamKind,
    pub module_id: Option<ModuleId>,
    pub subject_code: Option<String>,
    pub retake_of_id: Option<ExamId>,
    pub title: String,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub form: ExamForm,
    pub blind: bool,
    pub double_marking: bool,
    pub grading_deadline: NaiveDate,
    pub status: ExamStatus,
    pub graders: Vec<LecturerId>,
    pub published_at: Option<DateTime<Utc>>,
    pub version: i64,
}

fn exam_out(e: Exam, graders: Vec<LecturerId>) -> ExamOut {
    ExamOut {
        id: e.id,
        cohort_id: e.cohort_id,
        kind: e.kind,
        module_id: e.module_id,
        subject_code: e.subject_code,
        retake_of_id: e.retake_of_id,
        title: e.title,
        held_on: e.held_on,
        place: e.place,
        form: e.form,
        blind: e.blind,
        double_marking: e.double_marking,
        grading_deadline: e.grading_deadline,
        status: e.status,
        graders,
        published_at: e.published_at.map(|t| t.and_utc()),
        version: e.version,
    }
}

fn out(tx: &mut DbConn, e: Exam) -> Result<ExamOut, ApiError> {
    let g = store::graders(tx, e.id)?;
    Ok(exam_out(e, g))
}

/// The exam and the caller's standing in its class, as one of its graders (who may be from
/// outside the teaching team) or an administrator of the class; 404 when the class is out of
/// reach, 403 for anyone else who can see it.
fn seat(tx: &mut DbConn, caller: &Caller, id: ExamId) -> Result<(Exam, Standing), ApiError> {
    let exam = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
    let st = cohorts::standing(tx, caller, exam.cohort_id)?.grading(&store::graders(tx, id)?);
    if st.grader.is_some() {
        return Ok((exam, st));
    }
    st.admin().map(|st| (exam, st))
}

fn check_graders(
    tx: &mut DbConn,
    caller: &Caller,
    graders: &[LecturerId],
    double: bool,
    p: &mut Problems,
) -> Result<(), ApiError> {
    for (i, g) in graders.iter().enumerate() {
        if people::get_lecturer(tx, &caller.scope, *g).is_err() {
            p.add(&format!("graders[{i}]"), "no such lecturer in your scope");
        }
    }
    let mut distinct = graders.to_vec();
    distinct.sort();
    distinct.dedup();
    p.check(distinct.len() == graders.len(), "graders", "lists a lecturer twice");
    p.check(!graders.is_empty(), "graders", "name at least one grader");
    p.check(!double || graders.len() >= 2, "graders", "double marking needs at least two graders");
    Ok(())
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
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let cohort = cohorts::writable(tx, &c, id)?;
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
                let known = subject.as_deref().is_some_and(|s| {
                    program.rules.graduation_subjects.iter().any(|g| g.code == s)
                        || (s == "essay" && program.rules.graduation_essay)
                });
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
        check_graders(tx, &c, &b.graders, double, &mut p)?;
        p.check(
            b.grading_deadline.zip(b.held_on).is_none_or(|(d, h)| d >= h),
            "grading_deadline",
            "must be on or after held_on",
        );
        p.finish(())?;
        let title =
            b.title.as_deref().map(clean).filter(|t| !t.is_empty()).unwrap_or_else(|| match (&module_id, &subject) {
                (Some(_), _) => format!("Thi {} – {}", kind.as_str(), cohort.code),
                (_, Some(s)) => format!("Thi tốt nghiệp {s} – {}", cohort.code),
                _ => format!("Thi – {}", cohort.code),
            });
        let t = now();
        let row = Exam {
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
        };
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
            let mut row = cur.clone();
            if let Some(t) = b.title {
                row.title = clean(&t);
            }
            if let Some(h) = b.held_on {
                row.held_on = h;
            }
            if let Some(pl) = b.place {
                row.place = Some(clean(&pl)).filter(|s| !s.is_empty());
            }
            if let Some(d) = b.grading_deadline {
                row.grading_deadline = d;
            }
            let mut p = Problems::new();
            if let Some(g) = &b.graders {
                check_graders(tx, &caller, g, row.double_marking, &mut p)?;
            }
            p.check(row.grading_deadline >= row.held_on, "grading_deadline", "must be on or after held_on");
            p.finish(())?;
            row.version = cur.version + 1;
            row.updated_at = now();
            crate::http::extract::saved(store::save(tx, &row, cur.version)?, cur.version)?;
            if let Some(g) = &b.graders {
                store::set_graders(tx, id, g)?;
            }
            out(tx, row)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

/// One learner's standing for an exam.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Candidate {
    /// Hidden from the graders of a blind exam.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner_id: Option<LearnerId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner_name: Option<String>,
    pub eligible: bool,
    /// Why not: `withdrawn`, `attendance`, `no_first_sitting`, `already_passed`, `retakes_used`.
    pub reasons: Vec<Reason>,
}

/// Who may sit `exam`, and why not for the others.
fn candidate_list(
    tx: &mut DbConn,
    exam: &Exam,
    cohort: &Cohort,
    tz: chrono_tz::Tz,
) -> Result<Vec<Candidate>, ApiError> {
    let rules = crate::programs::store::get(tx, cohort.program_id)?.rules;
    let attendance = crate::attendance::summary::for_cohort(tx, cohort, tz, now(), None)?;
    let pass = (rules.pass_mark * 10.0).round() as i32;
    // For retakes: each learner's sittings of this module so far, in this class.
    let mut sittings: HashMap<LearnerId, Vec<Option<i32>>> = HashMap::new();
    if exam.kind == ExamKind::Retake {
        for (x, g) in store::published_of_cohort(tx, cohort.id)? {
            if x.module_id == exam.module_id && x.kind != ExamKind::Graduation && x.id != exam.id {
                sittings.entry(g.learner_id).or_default().push(if g.presence == Presence::Sat {
                    g.value_tenths
                } else {
                    None
                });
            }
        }
    }
    let mut out = Vec::new();
    for a in attendance {
        let mut reasons = Vec::new();
        if a.enrollment_status != EnrollmentStatus::Enrolled {
            reasons.push(Reason::new("withdrawn", json!({}), "Withdrawn from the class.".into()));
        }
        match exam.kind {
            ExamKind::Module | ExamKind::Retake => {
                if let Some(m) = a.modules.iter().find(|m| Some(m.figures.module_id) == exam.module_id) {
                    if let Some(r) = &m.figures.reason {
                        reasons.push(Reason::new("attendance", json!({}), r.clone()));
                    }
                }
            }
            ExamKind::Graduation => {
                if let Some(r) = &a.program.reason {
                    reasons.push(Reason::new("attendance", json!({}), r.clone()));
                }
            }
        }
        if exam.kind == ExamKind::Retake {
            let s = sittings.get(&a.learner_id).cloned().unwrap_or_default();
            let passed = s.iter().flatten().any(|v| *v >= pass);
            if s.is_empty() {
                reasons.push(Reason::new(
                    "no_first_sitting",
                    json!({}),
                    "Has not sat the first exam of this module.".into(),
                ));
            } else if passed {
                reasons.push(Reason::new("already_passed", json!({}), "Already passed this module.".into()));
            } else if (s.len() as u32) > rules.max_retakes {
                reasons.push(Reason::new(
                    "retakes_used",
                    json!({"max_retakes": rules.max_retakes}),
                    format!(
                        "Has used the {} retake(s) allowed; repeat the module with a later class.",
                        rules.max_retakes
                    ),
                ));
            }
        }
        out.push(Candidate {
            learner_id: Some(a.learner_id),
            learner_name: Some(a.learner_name),
            eligible: reasons.is_empty(),
            reasons,
        });
    }
    Ok(out)
}

/// Everyone of the class with whether they may sit the exam and, if not, why (attendance,
/// withdrawal, retake rules).
#[utoipa::path(tag = "exams", params(("id" = ExamId, Path)), responses((status = 200, body = Vec<Candidate>)), security(("bearer" = [])))]
#[get("/exams/{id}/candidates")]
async fn candidates(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let tz = state.settings.tz();
    let list = state
        .db
        .read(move |tx| {
            let (exam, seat) = seat(tx, &caller, id)?;
            let cohort = &seat.cohort;
            let mut list = candidate_list(tx, &exam, cohort, tz)?;
            if exam.blind && !seat.admin {
                // Graders of a blind exam see no names.
                for c in &mut list {
                    c.learner_id = None;
                    c.learner_name = None;
                }
            }
            Ok(list)
        })
        .await?;
    let mut list = list;
    for c in &mut list {
        crate::results::rules::localise(&mut c.reasons, crate::error::localised);
    }
    Ok(HttpResponse::Ok().json(list))
}

/// Seals the exam: the eligible candidates are fixed and each gets a random code [số phách].
#[utoipa::path(tag = "exams", params(("id" = ExamId, Path)), responses((status = 200, body = ExamOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/exams/{id}/seal")]
async fn seal_exam(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let id = id.into_inner();
    let tz = state.settings.tz();
    let o = audit
        .write(&state.db, move |tx| {
            let (exam, seat) = seat(tx, &caller, id)?;
            let cohort = &seat.cohort;
            if !seat.admin {
                return Err(ApiError::Forbidden);
            }
            if exam.status != ExamStatus::Planned {
                return Err(ApiError::conflict("already_sealed", format!("The exam is {}.", exam.status)));
            }
            let list: Vec<Candidate> =
                candidate_list(tx, &exam, cohort, tz)?.into_iter().filter(|c| c.eligible).collect();
            let t = now();
            let rows: Vec<Grade> = list
                .iter()
                .zip(rules::codes(list.len()))
                .map(|(c, code)| Grade {
                    id: GradeId::new(),
                    exam_id: id,
                    learner_id: c.learner_id.unwrap_or_default(),
                    institution_id: cohort.institution_id,
                    code,
                    presence: Presence::Sat,
                    value_tenths: None,
                    first_tenths: None,
                    first_by: None,
                    second_tenths: None,
                    second_by: None,
                    third_tenths: None,
                    third_by: None,
                    status: GradeStatus::Draft,
                    version: 1,
                    created_at: t,
                    updated_at: t,
                })
                .collect();
            store::insert_grades(tx, &rows)?;
            let row = Exam {
                status: ExamStatus::Sealed,
                sealed_at: Some(t),
                version: exam.version + 1,
                updated_at: t,
                ..exam.clone()
            };
            crate::http::extract::saved(store::save(tx, &row, exam.version)?, exam.version)?;
            out(tx, row)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

/// One mark to enter: by candidate code (required under blind marking) or learner id.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeIn {
    pub code: Option<String>,
    pub learner_id: Option<LearnerId>,
    /// 0–10 with one decimal; omit for an absent or excused candidate.
    #[schema(minimum = 0, maximum = 10)]
    pub grade: Option<f64>,
    /// `absent` or `excused` when the candidate did not sit; default `sat`.
    pub presence: Option<Presence>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeEntry {
    pub entries: Vec<GradeIn>,
}

/// A grade as the caller may see it: administrators see names; graders of a blind exam see only
/// codes, and under double marking only their own mark until both first marks are in.
#[derive(Debug, Serialize, ToSchema)]
pub struct GradeOut {
    pub id: GradeId,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner_id: Option<LearnerId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner_name: Option<String>,
    pub presence: Presence,
    /// The mark that counts.
    pub grade: Option<f64>,
    pub first: Option<f64>,
    pub second: Option<f64>,
    pub third: Option<f64>,
    /// Under double marking: the two marks differ by more than the program's gap.
    pub needs_third_grader: bool,
    pub status: GradeStatus,
}

fn grade_view(g: Grade, name: String, exam: &Exam, seat: &Standing, gap: i32) -> GradeOut {
    let names = seat.admin || !exam.blind || exam.status != ExamStatus::Sealed;
    let (first, second, third) = match seat.grader {
        Some(me) if exam.double_marking => rules::visible_to(&g, me),
        _ => (g.first_tenths, g.second_tenths, g.third_tenths),
    };
    let hide_value = matches!(seat.grader, Some(me) if exam.double_marking && !(g.first_tenths.is_some() && g.second_tenths.is_some()) && g.first_by != Some(me));
    let t = |v: Option<i32>| v.map(rules::mark);
    GradeOut {
        id: g.id,
        code: g.code.clone(),
        learner_id: names.then_some(g.learner_id),
        learner_name: names.then_some(name),
        presence: g.presence,
        grade: if hide_value { None } else { t(g.value_tenths) },
        first: t(first),
        second: t(second),
        third: t(third),
        needs_third_grader: exam.double_marking && rules::needs_third(&g, gap) && g.third_tenths.is_none(),
        status: g.status,
    }
}

fn gap(tx: &mut DbConn, cohort: &Cohort) -> Result<i32, ApiError> {
    Ok((crate::programs::store::get(tx, cohort.program_id)?.rules.double_marking_gap * 10.0).round() as i32)
}

/// Enters marks in bulk: only the exam's graders, only once it is sealed and before the grading
/// deadline (local date). Under blind marking, by candidate code only. Every change is recorded.
#[utoipa::path(tag = "exams", request_body = GradeEntry, params(("id" = ExamId, Path)),
    responses((status = 200, body = Vec<GradeOut>), (status = 400, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[put("/exams/{id}/grades")]
async fn put_grades(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
    body: JsonBody<GradeEntry>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::EnterMarks)?;
    let b = body.take()?;
    let id = id.into_inner();
    let day = state.clock.today();
    let list = audit
        .write(&state.db, move |tx| {
            let (exam, seat) = seat(tx, &caller, id)?;
            let cohort = &seat.cohort;
            let Some(me) = seat.grader else {
                return Err(ApiError::refused("not_a_grader", "Only the exam's graders enter marks."));
            };
            // The marks are judged only once the caller is known to grade this exam.
            let mut p = Problems::new();
            p.check(!b.entries.is_empty() && b.entries.len() <= 2000, "entries", "must list 1 to 2000 marks");
            let mut parsed = Vec::new();
            for (i, e) in b.entries.iter().enumerate() {
                p.check(
                    e.code.is_some() != e.learner_id.is_some(),
                    &format!("entries[{i}]"),
                    "give either code or learner_id",
                );
                let presence = e.presence.unwrap_or(Presence::Sat);
                let mark = match (presence, e.grade) {
                    (Presence::Sat, Some(g)) => match rules::tenths(g) {
                        Ok(t) => Some(t),
                        Err(m) => {
                            p.add(&format!("entries[{i}].grade"), m);
                            None
                        }
                    },
                    (Presence::Sat, None) => {
                        p.add(&format!("entries[{i}].grade"), "is required for a candidate who sat");
                        None
                    }
                    (_, Some(_)) => {
                        p.add(&format!("entries[{i}].grade"), "an absent or excused candidate has no grade");
                        None
                    }
                    (_, None) => None,
                };
                parsed.push((e.clone(), presence, mark));
            }
            p.finish(())?;
            if exam.status != ExamStatus::Sealed {
                return Err(ApiError::refused(
                    "not_open",
                    format!("Marks are entered while the exam is sealed; it is {}.", exam.status),
                ));
            }
            if day > exam.grading_deadline {
                return Err(ApiError::refused(
                    "deadline_passed",
                    "The grading deadline has passed; an administrator may extend it.",
                ));
            }
            let gap = gap(tx, cohort)?;
            let all = store::grades(tx, id)?;
            let by_code: HashMap<&str, usize> =
                all.iter().enumerate().map(|(i, (g, _))| (g.code.as_str(), i)).collect();
            let by_learner: HashMap<LearnerId, usize> =
                all.iter().enumerate().map(|(i, (g, _))| (g.learner_id, i)).collect();
            let mut refusals = Vec::new();
            let mut updates = Vec::new();
            for (i, (e, presence, mark)) in parsed.iter().enumerate() {
                if exam.blind && e.learner_id.is_some() {
                    refusals.push(
                        ProblemItem::rule("blind_marking", "This exam is marked blind: use the candidate code.")
                            .at(format!("entries[{i}]")),
                    );
                    continue;
                }
                let idx = match (&e.code, e.learner_id) {
                    (Some(c), _) => by_code.get(c.as_str()).copied(),
                    (_, Some(l)) => by_learner.get(&l).copied(),
                    _ => None,
                };
                let Some(idx) = idx else {
                    refusals.push(
                        ProblemItem::rule("not_a_candidate", "No such candidate in this exam.")
                            .at(format!("entries[{i}]")),
                    );
                    continue;
                };
                let cur = all[idx].0.clone();
                let mut row = cur.clone();
                row.presence = *presence;
                match mark {
                    Some(m) => {
                        if let Err(msg) = rules::apply_mark(&mut row, me, *m, exam.double_marking, gap) {
                            refusals.push(ProblemItem::rule("grader_slot", msg).at(format!("entries[{i}]")));
                            continue;
                        }
                    }
                    None => {
                        row.value_tenths = None;
                    }
                }
                updates.push((cur, row, e.reason.clone()));
            }
            if !refusals.is_empty() {
                return Err(ApiError::Refused(refusals));
            }
            let at = now();
            for (cur, mut row, reason) in updates {
                if row == cur {
                    continue;
                }
                store::add_change(
                    tx,
                    cur.id,
                    caller.user_id,
                    at,
                    GradeChangeKind::Mark,
                    Some(&GradeState::of(&cur)),
                    Some(&GradeState::of(&row)),
                    reason.as_deref(),
                )?;
                row.version = cur.version + 1;
                row.updated_at = at;
                if !store::save_grade(tx, &row, cur.version)? {
                    return Err(ApiError::conflict(
                        "concurrent_change",
                        "Another grader changed this script at the same moment; send it again.",
                    ));
                }
            }
            Ok(store::grades(tx, id)?.into_iter().map(|(g, n)| grade_view(g, n, &exam, &seat, gap)).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The grades of an exam as the caller may see them.
#[utoipa::path(tag = "exams", params(("id" = ExamId, Path)), responses((status = 200, body = Vec<GradeOut>)), security(("bearer" = [])))]
#[get("/exams/{id}/grades")]
async fn get_grades(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let list = state
        .db
        .read(move |tx| {
            let (exam, seat) = seat(tx, &caller, id)?;
            let cohort = &seat.cohort;
            let gap = gap(tx, cohort)?;
            Ok(store::grades(tx, id)?.into_iter().map(|(g, n)| grade_view(g, n, &exam, &seat, gap)).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
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
            let from = if to == ExamStatus::Published { ExamStatus::Sealed } else { ExamStatus::Published };
            if exam.status != from {
                return Err(ApiError::conflict(
                    "invalid_transition",
                    format!("The exam is {}; it must be {from} first.", exam.status),
                ));
            }
            let at = now();
            if to == ExamStatus::Published {
                let gap = gap(tx, cohort)?;
                let missing: Vec<ProblemItem> = store::grades(tx, id)?
                    .into_iter()
                    .filter(|(g, _)| {
                        g.presence == Presence::Sat
                            && (g.value_tenths.is_none()
                                || (exam.double_marking && rules::needs_third(g, gap) && g.third_tenths.is_none()))
                    })
                    .map(|(g, name)| {
                        ProblemItem::rule("grade_missing", format!("{name} (code {}) has no final grade yet.", g.code))
                    })
                    .collect();
                if !missing.is_empty() {
                    return Err(ApiError::Refused(missing));
                }
            }
            let status = if to == ExamStatus::Published { GradeStatus::Published } else { GradeStatus::Locked };
            store::set_status(tx, id, status, at)?;
            let kind = if to == ExamStatus::Published { GradeChangeKind::Published } else { GradeChangeKind::Locked };
            for (g, _) in store::grades(tx, id)? {
                let state = GradeState::of(&g);
                store::add_change(tx, g.id, caller.user_id, at, kind, Some(&state), Some(&state), None)?;
            }
            let row = Exam {
                status: to,
                published_at: if to == ExamStatus::Published { Some(at) } else { exam.published_at },
                locked_at: if to == ExamStatus::Locked { Some(at) } else { exam.locked_at },
                version: exam.version + 1,
                updated_at: at,
                ..exam.clone()
            };
            crate::http::extract::saved(store::save(tx, &row, exam.version)?, exam.version)?;
            out(tx, row)
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

/// One change of a grade.
#[derive(Debug, Serialize, ToSchema)]
pub struct GradeChange {
    pub changed_by: UserId,
    pub changed_by_name: String,
    pub changed_at: DateTime<Utc>,
    pub what: GradeChangeKind,
    /// The grade before and after (the same for publishing and locking).
    pub old: Option<GradeState>,
    pub new: Option<GradeState>,
    pub reason: Option<String>,
}

/// Every change of a grade: who, when, old, new, why (administrators).
#[utoipa::path(tag = "exams", params(("id" = GradeId, Path)), responses((status = 200, body = Vec<GradeChange>)), security(("bearer" = [])))]
#[get("/grades/{id}/history")]
async fn grade_history(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<GradeId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |tx| {
            let g = store::find_grade(tx, id)?.ok_or_else(ApiError::not_found)?;
            let (_, seat) = seat(tx, &caller, g.exam_id)?;
            if !seat.admin {
                return Err(ApiError::Forbidden);
            }
            Ok(store::changes(tx, id)?)
        })
        .await?;
    let out: Vec<GradeChange> = rows
        .into_iter()
        .map(|(by, by_name, at, what, old, new, reason)| GradeChange {
            changed_by: by,
            changed_by_name: by_name,
            changed_at: at.and_utc(),
            what: GradeChangeKind::parse(&what).unwrap_or(GradeChangeKind::Mark),
            old: old.as_deref().and_then(GradeState::parse),
            new: new.as_deref().and_then(GradeState::parse),
            reason,
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}
