//! `/api/v1/exams/{id}/appeals` and `/api/v1/appeals/{id}/resolve`: score reviews [phúc khảo].
//! A learner files within the program's window after publication; an administrator resolves it
//! with the reviewer's new grade (or none) and the reason. This is the only way a locked grade
//! changes, and it is recorded in the grade's history.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::GradeChangeKind;
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::cohorts::store as cohorts;
use crate::db::ids::*;
use crate::db::schema::appeals as ap;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::http::extract::JsonBody;
use crate::people::store as people;
use crate::text::clean;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(file_appeal).service(list_appeals).service(resolve_appeal);
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ap)]
pub struct Appeal {
    pub id: AppealId,
    pub exam_id: ExamId,
    pub grade_id: GradeId,
    pub learner_id: LearnerId,
    pub institution_id: InstitutionId,
    pub reason: String,
    pub status: String,
    pub reviewer_id: Option<LecturerId>,
    pub old_tenths: Option<i32>,
    pub new_tenths: Option<i32>,
    pub resolution: Option<String>,
    pub resolved_by: Option<UserId>,
    pub filed_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealOut {
    pub id: AppealId,
    pub exam_id: ExamId,
    pub grade_id: GradeId,
    pub learner_id: LearnerId,
    pub reason: String,
    /// `filed` or `resolved`.
    pub status: String,
    pub reviewer_id: Option<LecturerId>,
    pub old_grade: Option<f64>,
    pub new_grade: Option<f64>,
    pub resolution: Option<String>,
    pub filed_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

impl From<Appeal> for AppealOut {
    fn from(a: Appeal) -> AppealOut {
        let t = |v: Option<i32>| v.map(rules::mark);
        AppealOut {
            id: a.id,
            exam_id: a.exam_id,
            grade_id: a.grade_id,
            learner_id: a.learner_id,
            reason: a.reason,
            status: a.status,
            reviewer_id: a.reviewer_id,
            old_grade: t(a.old_tenths),
            new_grade: t(a.new_tenths),
            resolution: a.resolution,
            filed_at: a.filed_at.and_utc(),
            resolved_at: a.resolved_at.map(|x| x.and_utc()),
        }
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileAppeal {
    pub reason: String,
}

crate::max_lengths!("FileAppeal": "reason" => 2000);

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveAppeal {
    /// The lecturer who reviewed the script.
    pub reviewer_id: Option<LecturerId>,
    /// The reviewed grade; omit to keep the grade as it was.
    pub new_grade: Option<f64>,
    pub resolution: String,
}

fn find(conn: &mut DbConn, id: AppealId) -> QueryResult<Option<Appeal>> {
    ap::table.find(id).select(Appeal::as_select()).first(conn).optional()
}

/// The caller files a review of their published grade in this exam, within the program's
/// appeal window (days after publication).
#[utoipa::path(tag = "exams", request_body = FileAppeal, params(("id" = ExamId, Path)),
    responses((status = 201, body = AppealOut), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/exams/{id}/appeals")]
async fn file_appeal(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
    body: JsonBody<FileAppeal>,
) -> Result<HttpResponse, ApiError> {
    if caller.role != Role::Learner {
        return Err(ApiError::Forbidden);
    }
    let body = body.take()?;
    let id = id.into_inner();
    let reason = clean(&body.reason);
    let mut p = Problems::new();
    p.check(!reason.is_empty() && reason.chars().count() <= 2000, "reason", "must be 1 to 2000 characters");
    p.finish(())?;
    let out = audit
        .write(&state.db, move |tx| {
            let exam = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
            let cohort = cohorts::readable(tx, &caller, exam.cohort_id)?;
            let me = people::learner_of_user(tx, caller.user_id)?.ok_or_else(ApiError::not_found)?;
            let grade = store::grades(tx, id)?
                .into_iter()
                .map(|(g, _)| g)
                .find(|g| g.learner_id == me)
                .ok_or_else(ApiError::not_found)?;
            let window = crate::programs::store::get(tx, cohort.program_id)?.rules.appeal_window_days;
            let at = now();
            let refusals = rules::appeal_refusals(&exam, at, window);
            if !refusals.is_empty() {
                return Err(ApiError::Refused(refusals));
            }
            let open: i64 =
                ap::table.filter(ap::grade_id.eq(grade.id)).filter(ap::status.eq("filed")).count().get_result(tx)?;
            if open > 0 {
                return Err(ApiError::conflict("appeal_open", "An appeal of this grade is already waiting."));
            }
            let row = Appeal {
                id: AppealId::new(),
                exam_id: id,
                grade_id: grade.id,
                learner_id: me,
                institution_id: exam.institution_id,
                reason,
                status: "filed".into(),
                reviewer_id: None,
                old_tenths: grade.value_tenths,
                new_tenths: None,
                resolution: None,
                resolved_by: None,
                filed_at: at,
                resolved_at: None,
            };
            diesel::insert_into(ap::table).values(&row).execute(tx)?;
            Ok(AppealOut::from(row))
        })
        .await?;
    Ok(HttpResponse::Created().json(out))
}

/// The appeals of an exam (administrators).
#[utoipa::path(tag = "exams", params(("id" = ExamId, Path)), responses((status = 200, body = Vec<AppealOut>)), security(("bearer" = [])))]
#[get("/exams/{id}/appeals")]
async fn list_appeals(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |tx| {
            let exam = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
            cohorts::writable(tx, &caller, exam.cohort_id)?;
            Ok(ap::table.filter(ap::exam_id.eq(id)).order(ap::filed_at.asc()).select(Appeal::as_select()).load(tx)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(AppealOut::from).collect::<Vec<_>>()))
}

/// Resolves an appeal: the reviewed grade (if any) replaces the grade, even a locked one, and the
/// change is recorded with the resolution as its reason.
#[utoipa::path(tag = "exams", request_body = ResolveAppeal, params(("id" = AppealId, Path)),
    responses((status = 200, body = AppealOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/appeals/{id}/resolve")]
async fn resolve_appeal(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<AppealId>,
    body: JsonBody<ResolveAppeal>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let b = body.take()?;
    let id = id.into_inner();
    let resolution = clean(&b.resolution);
    let mut p = Problems::new();
    p.check(!resolution.is_empty(), "resolution", "is required");
    let new = match b.new_grade.map(rules::tenths) {
        Some(Err(m)) => {
            p.add("new_grade", m);
            None
        }
        Some(Ok(t)) => Some(t),
        None => None,
    };
    p.finish(())?;
    let tz = state.settings.tz();
    let out = audit
        .write(&state.db, move |tx| {
            let a = find(tx, id)?.ok_or_else(ApiError::not_found)?;
            let exam = store::find(tx, a.exam_id)?.ok_or_else(ApiError::not_found)?;
            cohorts::writable(tx, &caller, exam.cohort_id)?;
            if a.status != "filed" {
                return Err(ApiError::conflict("appeal_resolved", "The appeal is already resolved."));
            }
            if let Some(r) = b.reviewer_id {
                people::get_lecturer(tx, &caller.scope, r)
                    .map_err(|_| ApiError::field("reviewer_id", "no such lecturer in your scope"))?;
            }
            let at = now();
            let grade = store::find_grade(tx, a.grade_id)?.ok_or_else(ApiError::not_found)?;
            if let Some(t) = new.filter(|t| Some(*t) != grade.value_tenths) {
                let row = super::model::Grade { value_tenths: Some(t), ..grade.clone() };
                let by = store::Typist::user(caller.user_id);
                store::change_grade(tx, &by, at, GradeChangeKind::Appeal, &grade, row, Some(&resolution))?;
                crate::results::snapshot::refresh(tx, tz, exam.cohort_id)?;
            }
            diesel::update(ap::table.find(id))
                .set((
                    ap::status.eq("resolved"),
                    ap::reviewer_id.eq(b.reviewer_id),
                    ap::new_tenths.eq(new),
                    ap::resolution.eq(&resolution),
                    ap::resolved_by.eq(caller.user_id),
                    ap::resolved_at.eq(at),
                ))
                .execute(tx)?;
            Ok(AppealOut::from(find(tx, id)?.ok_or_else(ApiError::not_found)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
