//! The candidates of an exam (who may sit it and why not), the graduation subject drawn by lot,
//! and sealing their papers.

use std::collections::HashMap;

use actix_web::{get, post, web, HttpResponse};
use serde_json::json;

use super::dto::*;
use super::http::{save_next, seat};
use super::model::*;
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::cohorts::model::{Cohort, EnrollmentStatus};
use crate::db::ids::*;
use crate::db::{now, DbConn};
use crate::error::ApiError;
use crate::http::extract::ok_versioned;
use crate::problem::ProblemItem;
use crate::results::rules::Reason;
use crate::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(candidates).service(seal_exam).service(draw_subject);
}

/// Who may sit `exam`, and why not for the others.
pub(super) fn candidate_list(
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
        for g in store::published_of_cohort(tx, cohort.id, None)? {
            if g.module_id == exam.module_id && g.kind != ExamKind::Graduation && g.exam_id != exam.id {
                sittings.entry(g.learner_id).or_default().push(g.mark);
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

/// One unmarked script per candidate, each with its random code [số phách].
fn blank_scripts(list: &[Candidate], exam: ExamId, institution: InstitutionId, t: chrono::NaiveDateTime) -> Vec<Grade> {
    list.iter()
        .zip(rules::codes(list.len()))
        .map(|(c, code)| Grade {
            id: GradeId::new(),
            exam_id: exam,
            learner_id: c.learner_id.unwrap_or_default(),
            institution_id: institution,
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
        .collect()
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
            if exam.kind == ExamKind::Graduation && exam.subject_code.is_none() {
                return Err(ApiError::refused(
                    "subject_not_drawn",
                    "Draw the graduation subject by lot before sealing the exam.",
                ));
            }
            let list: Vec<Candidate> =
                candidate_list(tx, &exam, cohort, tz)?.into_iter().filter(|c| c.eligible).collect();
            if let Err(missing) = rules::seat_rooms(list.len(), &exam.rooms.0) {
                return Err(ApiError::Refused(vec![ProblemItem::rule(
                    "rooms_too_small",
                    format!("The rooms seat {missing} fewer candidates than sit the exam."),
                )
                .with("missing", missing)]));
            }
            let t = now();
            let rows = blank_scripts(&list, id, cohort.institution_id, t);
            store::insert_grades(tx, &rows)?;
            let row = Exam { status: ExamStatus::Sealed, sealed_at: Some(t), ..exam.clone() };
            save_next(tx, &exam, row, t)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

/// Draws a graduation exam's subject by lot, in front of the candidates, among the program's
/// graduation subjects that no other graduation exam of the class examines. Who drew it and
/// when are kept on the exam (and in the audit trail); everyone who reads the exam sees it.
#[utoipa::path(tag = "exams", params(("id" = ExamId, Path)),
    responses((status = 200, body = ExamOut), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/exams/{id}/draw")]
async fn draw_subject(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let id = id.into_inner();
    let o = audit
        .write(&state.db, move |tx| {
            let (exam, seat) = seat(tx, &caller, id)?;
            if !seat.admin {
                return Err(ApiError::Forbidden);
            }
            let program = crate::programs::store::get(tx, seat.cohort.program_id)?;
            let subjects: Vec<String> = program.rules.graduation_subjects.iter().map(|g| g.code.clone()).collect();
            let taken: Vec<String> =
                store::of_cohort(tx, exam.cohort_id)?.into_iter().filter_map(|e| e.subject_code).collect();
            let pool = rules::draw_pool(&exam, &subjects, &taken).map_err(|why| match why {
                rules::NoDraw::NotGraduation => {
                    ApiError::refused("not_graduation", "Only a graduation exam has its subject drawn by lot.")
                }
                rules::NoDraw::AlreadyDrawn => {
                    ApiError::conflict("already_drawn", "The exam's subject is already known.")
                }
                rules::NoDraw::NoSubjects => ApiError::refused(
                    "no_subjects",
                    "The program has no graduation subject left to draw: every one is examined already.",
                ),
            })?;
            let at = now();
            let drawn = pool[rand::random_range(0..pool.len())].clone();
            let row =
                Exam { subject_code: Some(drawn), drawn_by: Some(caller.user_id), drawn_at: Some(at), ..exam.clone() };
            save_next(tx, &exam, row, at)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}
