//! `/api/v1/cohorts/{id}/conduct` and `/api/v1/cohorts/{id}/conduct/{learner_id}`.

use actix_web::{get, put, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::store::{self, find, of_cohort};
use super::{Conduct, Measure, Rating};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::cohorts::model::Cohort;
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

impl ConductIn {
    /// Texts cleaned, and every problem at once: a disciplinary measure comes with its date and
    /// reason and they come only with one; a comment of at most 2000 characters.
    fn check(mut self) -> Result<ConductIn, ApiError> {
        self.measure_reason = self.measure_reason.as_deref().map(clean).filter(|s| !s.is_empty());
        self.comment = self.comment.as_deref().map(clean).filter(|s| !s.is_empty());
        let mut p = Problems::new();
        p.check(
            self.measure.is_none() || (self.measure_on.is_some() && self.measure_reason.is_some()),
            "measure",
            "a disciplinary measure needs measure_on and measure_reason",
        );
        p.check(
            self.measure.is_some() || (self.measure_on.is_none() && self.measure_reason.is_none()),
            "measure_on",
            "only with a disciplinary measure",
        );
        let short = self.comment.as_ref().is_none_or(|x| x.chars().count() <= 2000);
        p.check(short, "comment", "must be at most 2000 characters");
        p.finish(self)
    }

    /// The learner's conduct in the class as rated now, over the `existing` record if any.
    fn row(self, cohort: &Cohort, learner: LearnerId, existing: Option<&Conduct>, by: UserId) -> Conduct {
        let at = now();
        Conduct {
            id: existing.map(|x| x.id).unwrap_or_default(),
            cohort_id: cohort.id,
            learner_id: learner,
            institution_id: cohort.institution_id,
            political: self.political,
            discipline: self.discipline,
            class_rules: self.class_rules,
            comment: self.comment,
            measure: self.measure,
            measure_on: self.measure_on,
            measure_reason: self.measure_reason,
            recorded_by: by,
            version: existing.map(|x| x.version + 1).unwrap_or(1),
            created_at: existing.map(|x| x.created_at).unwrap_or(at),
            updated_at: at,
        }
    }
}

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
    let b = b.check()?;
    let tz = state.settings.tz();
    let out = audit
        .write(&state.db, move |tx| {
            let cohort = cohorts::standing(tx, &caller, id)?.head_or_admin()?.cohort;
            if cohorts::enrollment_of(tx, id, learner)?.is_none() {
                return Err(ApiError::not_found());
            }
            let existing = find(tx, id, learner)?;
            if let Some(cur) = &existing {
                if_match.check(cur.version)?;
            }
            let row = b.row(&cohort, learner, existing.as_ref(), caller.user_id);
            let seen = existing.as_ref().map(|x| x.version);
            let written = store::save(tx, &row, seen)?;
            crate::http::extract::saved(written, seen.unwrap_or(0))?;
            crate::results::snapshot::refresh(tx, tz, id)?;
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
