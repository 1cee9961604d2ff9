//! Grade entry: the marks of an exam (blind and double marking), their reading and history.

use std::collections::HashMap;

use actix_web::{get, put, web, HttpResponse};

use super::dto::*;
use super::http::seat;
use super::model::*;
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::cohorts::model::Cohort;
use crate::db::ids::*;
use crate::db::{now, DbConn};
use crate::error::{ApiError, ProblemItem, Problems};
use crate::http::extract::JsonBody;
use crate::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(put_grades).service(get_grades).service(grade_history);
}

pub(super) fn gap(tx: &mut DbConn, cohort: &Cohort) -> Result<i32, ApiError> {
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
    caller.require(Permission::EnterGrades)?;
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
