//! `GET /learners/{id}/personal-data`: everything the service holds about a learner, for a
//! subject-access request under Nghị định 13/2023/NĐ-CP. Administrators in scope, or the learner.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::LearnerOut;
use super::store;
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::db::ids::*;
use crate::db::schema::{
    appeals as ap, attendance as at, cohorts as c, conduct as cd, enrollments as e, exams as x, field_reports as fr,
    field_trips as ft, grades as g, sessions as s,
};
use crate::error::ApiError;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(personal_data);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountData {
    pub email: String,
    pub role: Role,
    pub status: crate::users::model::UserStatus,
    pub last_login_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentData {
    pub cohort_code: String,
    pub status: crate::cohorts::model::EnrollmentStatus,
    pub enrolled_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceData {
    pub session_starts_at: DateTime<Utc>,
    pub status: crate::attendance::model::AttendanceStatus,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GradeData {
    pub exam: String,
    pub held_on: NaiveDate,
    pub presence: crate::exams::model::Presence,
    pub grade: Option<f64>,
    pub status: crate::exams::model::GradeStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportData {
    pub destination: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub text: Option<String>,
    pub file_name: Option<String>,
    pub grade: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealData {
    pub reason: String,
    pub status: String,
    pub resolution: Option<String>,
    pub filed_at: DateTime<Utc>,
}

/// All data held about one learner.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalData {
    pub learner: LearnerOut,
    pub account: Option<AccountData>,
    pub enrollments: Vec<EnrollmentData>,
    pub attendance: Vec<AttendanceData>,
    pub grades: Vec<GradeData>,
    pub field_reports: Vec<ReportData>,
    pub appeals: Vec<AppealData>,
    pub conduct: Vec<ConductData>,
    pub generated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConductData {
    pub cohort_code: String,
    pub political: crate::conduct::Rating,
    pub discipline: crate::conduct::Rating,
    pub class_rules: crate::conduct::Rating,
    pub comment: Option<String>,
    pub measure: Option<crate::conduct::Measure>,
    pub measure_reason: Option<String>,
}

/// Everything held about a learner (a subject-access request): administrators in scope, or the
/// learner themself. A learner sees only published grades.
#[utoipa::path(tag = "people", params(("id" = LearnerId, Path)),
    responses((status = 200, body = PersonalData), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/learners/{id}/personal-data")]
async fn personal_data(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<LearnerId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let reader = caller.clone();
    let out = state
        .db
        .read(move |tx| {
            let admin = caller.role.allows(Permission::ManagePeople);
            let learner = if admin {
                store::get_learner(tx, &caller.scope, id)?
            } else {
                store::find_learner(tx, id)?
                    .filter(|l| caller.role == Role::Learner && l.user_id == Some(caller.user_id))
                    .ok_or_else(ApiError::not_found)?
            };
            let account = match learner.user_id {
                Some(uid) => crate::users::store::find(tx, uid)?.map(|a| AccountData {
                    email: a.email,
                    role: a.role,
                    status: a.status,
                    last_login_at: a.last_login_at.map(|t| t.and_utc()),
                }),
                None => None,
            };
            let enrollments = e::table
                .inner_join(c::table)
                .filter(e::learner_id.eq(id))
                .order(e::enrolled_on.asc())
                .select((c::code, e::status, e::enrolled_on, e::withdrawn_on, e::withdraw_reason))
                .load::<(String, _, NaiveDate, Option<NaiveDate>, Option<String>)>(tx)?
                .into_iter()
                .map(|(cohort_code, status, enrolled_on, withdrawn_on, withdraw_reason)| EnrollmentData {
                    cohort_code,
                    status,
                    enrolled_on,
                    withdrawn_on,
                    withdraw_reason,
                })
                .collect();
            let attendance = at::table
                .inner_join(s::table)
                .filter(at::learner_id.eq(id))
                .order(s::starts_at.asc())
                .select((s::starts_at, at::status, at::note))
                .load::<(chrono::NaiveDateTime, _, Option<String>)>(tx)?
                .into_iter()
                .map(|(t, status, note)| AttendanceData { session_starts_at: t.and_utc(), status, note })
                .collect();
            let mut gq = g::table.inner_join(x::table).filter(g::learner_id.eq(id)).into_boxed();
            if !admin {
                gq = gq.filter(g::status.ne(crate::exams::model::GradeStatus::Draft));
            }
            let grades = gq
                .order(x::held_on.asc())
                .select((x::title, x::held_on, g::presence, g::value_tenths, g::status))
                .load::<(String, NaiveDate, _, Option<i32>, _)>(tx)?
                .into_iter()
                .map(|(exam, held_on, presence, v, status)| GradeData {
                    exam,
                    held_on,
                    presence,
                    grade: v.map(crate::exams::rules::mark),
                    status,
                })
                .collect();
            let field_reports = fr::table
                .inner_join(ft::table)
                .filter(fr::learner_id.eq(id))
                .select((ft::destination, fr::submitted_at, fr::body, fr::file_name, fr::grade_tenths))
                .load::<(String, Option<chrono::NaiveDateTime>, Option<String>, Option<String>, Option<i32>)>(tx)?
                .into_iter()
                .map(|(destination, sub, text, file_name, g)| ReportData {
                    destination,
                    submitted_at: sub.map(|t| t.and_utc()),
                    text,
                    file_name,
                    grade: g.map(crate::exams::rules::mark),
                })
                .collect();
            let appeals = ap::table
                .filter(ap::learner_id.eq(id))
                .order(ap::filed_at.asc())
                .select((ap::reason, ap::status, ap::resolution, ap::filed_at))
                .load::<(String, String, Option<String>, chrono::NaiveDateTime)>(tx)?
                .into_iter()
                .map(|(reason, status, resolution, t)| AppealData { reason, status, resolution, filed_at: t.and_utc() })
                .collect();
            let conduct = cd::table
                .inner_join(c::table.on(c::id.eq(cd::cohort_id)))
                .filter(cd::learner_id.eq(id))
                .select((
                    c::code,
                    cd::political,
                    cd::discipline,
                    cd::class_rules,
                    cd::comment,
                    cd::measure,
                    cd::measure_reason,
                ))
                .load::<(String, _, _, _, Option<String>, Option<crate::conduct::Measure>, Option<String>)>(tx)?
                .into_iter()
                .map(|(cohort_code, political, discipline, class_rules, comment, measure, measure_reason)| {
                    ConductData { cohort_code, political, discipline, class_rules, comment, measure, measure_reason }
                })
                .collect();
            Ok(PersonalData {
                learner: LearnerOut::from(learner),
                account,
                enrollments,
                attendance,
                grades,
                field_reports,
                appeals,
                conduct,
                generated_at: Utc::now(),
            })
        })
        .await?;
    // An administrator reading someone's whole record is recorded; the person reading their own is not.
    if reader.role.allows(Permission::ManagePeople) {
        audit.personal_data_read(&state.db, "personal data of a learner").await?;
    }
    Ok(HttpResponse::Ok().json(out))
}
