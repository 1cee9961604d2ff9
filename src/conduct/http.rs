//! `/api/v1/cohorts/{id}/conduct` and `/api/v1/cohorts/{id}/conduct/{learner_id}`.

use actix_web::{get, put, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::store::{self, find, of_cohort};
use super::{Conduct, Measure, Rating};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::cohorts::store as cohorts;
use crate::db::ids::*;
use crate::db::now;
use crate::error::{ApiError, Problems};
use crate::http::extract::{IfMatch, JsonBody};
use crate::text::clean;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_conduct).service(put_conduct);
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConductIn {
    pub political: Rating,
    pub discipline: Rating,
    pub class_rules: Rating,
    pub comment: Option<String>,
    pub measure: Option<Measure>,
    pub measure_on: Option<NaiveDate>,
    pub measure_reason: Option<String>,
}

crate::max_lengths!("ConductIn": "comment" => 2000);

#[derive(Debug, Serialize, ToSchema)]
pub struct ConductOut {
    pub learner_id: LearnerId,
    pub political: Rating,
    pub discipline: Rating,
    pub class_rules: Rating,
    pub comment: Option<String>,
    pub measure: Option<Measure>,
    pub measure_on: Option<NaiveDate>,
    pub measure_reason: Option<String>,
    pub blocks_graduation: bool,
    pub version: i64,
}

impl From<Conduct> for ConductOut {
    fn from(x: Conduct) -> ConductOut {
        ConductOut {
            blocks_graduation: x.block().is_some(),
            learner_id: x.learner_id,
            political: x.political,
            discipline: x.discipline,
            class_rules: x.class_rules,
            comment: x.comment,
            measure: x.measure,
            measure_on: x.measure_on,
            measure_reason: x.measure_reason,
            version: x.version,
        }
    }
}

/// Records or corrects a learner's conduct in the class: the head teacher or an administrator.
/// A disciplinary measure needs its date and reason.
#[utoipa::path(tag = "results", request_body = ConductIn,
    params(("id" = CohortId, Path), ("learner_id" = LearnerId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = ConductOut), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[put("/cohorts/{id}/conduct/{learner_id}")]
async fn put_conduct(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    path: web::Path<(CohortId, LearnerId)>,
    if_match: IfMatch,
    body: JsonBody<ConductIn>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::EnterGrades)?;
    let b = body.take()?;
    let (id, learner) = path.into_inner();
    let reason = b.measure_reason.as_deref().map(clean).filter(|s| !s.is_empty());
    let mut p = Problems::new();
    p.check(
        b.measure.is_none() || (b.measure_on.is_some() && reason.is_some()),
        "measure",
        "a disciplinary measure needs measure_on and measure_reason",
    );
    p.check(
        b.measure.is_some() || (b.measure_on.is_none() && reason.is_none()),
        "measure_on",
        "only with a disciplinary measure",
    );
    p.check(b.comment.as_ref().is_none_or(|x| x.chars().count() <= 2000), "comment", "must be at most 2000 characters");
    p.finish(())?;
    let out = audit
        .write(&state.db, move |tx| {
            let cohort = cohorts::readable(tx, &caller, id)?;
            let head = caller.role == Role::Lecturer
                && cohort.head_teacher_id.is_some()
                && crate::people::store::lecturer_of_user(tx, caller.user_id)? == cohort.head_teacher_id;
            let admin = caller.role.is_admin() && caller.scope.contains(cohort.institution_id);
            if !(head || admin) {
                return Err(ApiError::Forbidden);
            }
            if cohorts::enrollment_of(tx, id, learner)?.is_none() {
                return Err(ApiError::not_found());
            }
            let at = now();
            let existing = find(tx, id, learner)?;
            if let Some(cur) = &existing {
                if_match.check(cur.version)?;
            }
            let row = Conduct {
                id: existing.as_ref().map(|x| x.id).unwrap_or_default(),
                cohort_id: id,
                learner_id: learner,
                institution_id: cohort.institution_id,
                political: b.political,
                discipline: b.discipline,
                class_rules: b.class_rules,
                comment: b.comment.as_deref().map(clean).filter(|s| !s.is_empty()),
                measure: b.measure,
                measure_on: b.measure_on,
                measure_reason: reason,
                recorded_by: caller.user_id,
                version: existing.as_ref().map(|x| x.version + 1).unwrap_or(1),
                created_at: existing.as_ref().map(|x| x.created_at).unwrap_or(at),
                updated_at: at,
            };
            let seen = existing.as_ref().map(|x| x.version);
            let written = store::save(tx, &row, seen)?;
            crate::http::extract::saved(written, seen.unwrap_or(0))?;
            Ok(ConductOut::from(row))
        })
        .await?;
    Ok(crate::http::extract::ok_versioned(out.version, &out))
}

/// The conduct recorded in a class (its staff).
#[utoipa::path(tag = "results", params(("id" = CohortId, Path)), responses((status = 200, body = Vec<ConductOut>)), security(("bearer" = [])))]
#[get("/cohorts/{id}/conduct")]
async fn list_conduct(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |tx| {
            cohorts::staff_readable(tx, &caller, id)?;
            Ok(of_cohort(tx, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(ConductOut::from).collect::<Vec<_>>()))
}
