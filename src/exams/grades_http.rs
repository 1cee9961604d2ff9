//! Grade entry: the marks of an exam (blind and double marking), their reading and history.

use actix_web::{get, put, web, HttpResponse};

use super::dto::*;
use super::http::seat;
use super::model::*;
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::cohorts::model::{Cohort, Standing};
use crate::db::ids::*;
use crate::db::{now, DbConn};
use crate::error::ApiError;
use crate::http::extract::JsonBody;
use crate::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(put_grades).service(get_grades).service(grade_history);
}

pub(super) fn gap(tx: &mut DbConn, cohort: &Cohort) -> Result<i32, ApiError> {
    Ok((crate::programs::store::get(tx, cohort.program_id)?.rules.double_marking_gap * 10.0).round() as i32)
}

/// The exam's grades as the caller may see them (names, other graders' marks).
fn visible_grades(tx: &mut DbConn, exam: &Exam, seat: &Standing, gap: i32) -> Result<Vec<GradeOut>, ApiError> {
    Ok(store::grades(tx, exam.id)?.into_iter().map(|(g, n)| grade_view(g, n, exam, seat, gap)).collect())
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
    caller.require(Permission::EnterGrades)?;
    let b = body.take()?;
    let id = id.into_inner();
    let day = state.clock.today();
    let list = audit
        .write(&state.db, move |tx| {
            let (exam, seat) = seat(tx, &caller, id)?;
            let cohort = &seat.cohort;
            // The graders are looked up only for marks typed on one's behalf.
            let graders = if b.on_behalf_of.is_some() { store::graders(tx, id)? } else { Vec::new() };
            let sheet = b.sheet_reference.as_deref().map(crate::text::clean);
            let typed = rules::typed_for(seat.admin, seat.grader, b.on_behalf_of, &graders, sheet.as_deref()).map_err(
                |why| match why {
                    rules::NotTyped::Forbidden => ApiError::Forbidden,
                    rules::NotTyped::Refused(p) => ApiError::Refused(vec![p]),
                    rules::NotTyped::Invalid(p) => ApiError::Validation(vec![p]),
                },
            )?;
            let (me, typist) = (typed, store::Typist { by: caller.user_id, for_grader: b.on_behalf_of, sheet });
            // The marks are judged only once the caller is known to grade this exam.
            let marks = rules::read_marks(&b.entries).map_err(ApiError::Validation)?;
            let refusals = rules::entry_refusals(exam.status, exam.grading_deadline, day);
            if !refusals.is_empty() {
                return Err(ApiError::Refused(refusals));
            }
            let gap = gap(tx, cohort)?;
            let grades: Vec<Grade> = store::grades(tx, id)?.into_iter().map(|(g, _)| g).collect();
            let changes = rules::plan_marks(&exam, &grades, &b.entries, &marks, me, gap).map_err(ApiError::Refused)?;
            let at = now();
            for (cur, row, reason) in changes {
                store::change_grade(tx, &typist, at, GradeChangeKind::Mark, &cur, row, reason.as_deref())?;
            }
            visible_grades(tx, &exam, &seat, gap)
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
            visible_grades(tx, &exam, &seat, gap)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
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
        .map(|(by, by_name, at, what, old, new, reason, on_behalf_of, sheet_reference)| GradeChange {
            changed_by: by,
            changed_by_name: by_name,
            changed_at: at.and_utc(),
            what: GradeChangeKind::parse(&what).unwrap_or(GradeChangeKind::Mark),
            old: old.as_deref().and_then(GradeState::parse),
            new: new.as_deref().and_then(GradeState::parse),
            reason,
            on_behalf_of,
            sheet_reference,
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}
