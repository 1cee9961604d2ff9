//! The graduation council's decision [quyết định công nhận tốt nghiệp]: its number, date and
//! signer, and per-learner overrides of the computed outcome with reasons. Required before
//! credentials only when the program's `council_confirmation` setting is on.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::*;
use crate::db::schema::graduation_decisions as gd;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::http::extract::JsonBody;
use crate::text::clean;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(record).service(show);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ruling {
    Graduated,
    Failed,
}

/// One learner whose outcome the graduation council decided otherwise, with its reason.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = CouncilOverride)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub learner_id: LearnerId,
    /// What the council decided for this learner, whatever the computed result says.
    pub outcome: Ruling,
    pub reason: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// The decision's number, e.g. `125/QĐ-TCT`.
    pub number: String,
    pub decided_on: NaiveDate,
    pub signer_name: String,
    pub signer_title: String,
    #[serde(default)]
    pub overrides: Vec<Override>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOut {
    pub cohort_id: CohortId,
    pub number: String,
    pub decided_on: NaiveDate,
    pub signer_name: String,
    pub signer_title: String,
    pub overrides: Vec<Override>,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
}

impl DecisionIn {
    /// Cleans and checks what needs no database: number and signer, and each override's reason
    /// (one per learner).
    fn check(self) -> Result<DecisionIn, ApiError> {
        let (number, signer_name, signer_title) =
            (clean(&self.number), clean(&self.signer_name), clean(&self.signer_title));
        let mut p = Problems::new();
        p.check(!number.is_empty() && number.chars().count() <= 60, "number", "must be 1 to 60 characters");
        let ok = |s: &str| !s.is_empty() && s.chars().count() <= 120;
        p.check(ok(&signer_name), "signer_name", "must be 1 to 120 characters");
        p.check(ok(&signer_title), "signer_title", "must be 1 to 120 characters");
        let mut seen = std::collections::HashSet::new();
        for (i, o) in self.overrides.iter().enumerate() {
            p.check(!clean(&o.reason).is_empty(), &format!("overrides[{i}].reason"), "is required");
            p.check(seen.insert(o.learner_id), &format!("overrides[{i}].learner_id"), "appears twice");
        }
        let overrides = self.overrides.into_iter().map(|o| Override { reason: clean(&o.reason), ..o }).collect();
        p.finish(DecisionIn { number, signer_name, signer_title, overrides, ..self })
    }
}

fn insert(tx: &mut DbConn, cohort: &crate::cohorts::model::Cohort, b: &DecisionIn, by: UserId) -> QueryResult<()> {
    diesel::insert_into(gd::table)
        .values((
            gd::cohort_id.eq(cohort.id),
            gd::institution_id.eq(cohort.institution_id),
            gd::number.eq(&b.number),
            gd::decided_on.eq(b.decided_on),
            gd::signer_name.eq(&b.signer_name),
            gd::signer_title.eq(&b.signer_title),
            gd::overrides.eq(serde_json::to_string(&b.overrides).unwrap_or_default()),
            gd::recorded_by.eq(by),
            gd::recorded_at.eq(now()),
        ))
        .execute(tx)
        .map(|_| ())
}

type Row = (CohortId, String, NaiveDate, String, String, String, UserId, chrono::NaiveDateTime);

fn out(r: Row) -> DecisionOut {
    DecisionOut {
        cohort_id: r.0,
        number: r.1,
        decided_on: r.2,
        signer_name: r.3,
        signer_title: r.4,
        overrides: serde_json::from_str(&r.5).unwrap_or_default(),
        recorded_by: r.6,
        recorded_at: r.7.and_utc(),
    }
}

/// The decision recorded for `cohort`, if any.
pub fn find(c: &mut DbConn, cohort: CohortId) -> QueryResult<Option<DecisionOut>> {
    Ok(gd::table
        .find(cohort)
        .select((
            gd::cohort_id,
            gd::number,
            gd::decided_on,
            gd::signer_name,
            gd::signer_title,
            gd::overrides,
            gd::recorded_by,
            gd::recorded_at,
        ))
        .first::<Row>(c)
        .optional()?
        .map(out))
}

/// Records the council's decision once; a class that is not closing or closed, or a learner not
/// enrolled in it, is refused.
#[utoipa::path(tag = "certificates", request_body = DecisionIn, params(("id" = CohortId, Path)),
    responses((status = 201, body = DecisionOut), (status = 400, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/cohorts/{id}/graduation-decision")]
async fn record(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    body: JsonBody<DecisionIn>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::IssueCredentials)?;
    let b = body.take()?;
    let id = id.into_inner();
    let b = b.check()?;
    let o = audit
        .write_locating(
            &state.db,
            move |tx| {
                let cohort = crate::cohorts::store::writable(tx, &caller, id)?;
                use crate::cohorts::model::CohortStatus;
                if !matches!(cohort.status, CohortStatus::Closing | CohortStatus::Closed) {
                    return Err(ApiError::conflict(
                        "cohort_not_closed",
                        format!("The class is {}; the council decides once it is closing or closed.", cohort.status),
                    ));
                }
                if find(tx, id)?.is_some() {
                    return Err(ApiError::conflict(
                        "decision_exists",
                        "The class's graduation decision is already recorded.",
                    ));
                }
                let mut refused = Vec::new();
                for (i, o) in b.overrides.iter().enumerate() {
                    if crate::cohorts::store::enrollment_of(tx, id, o.learner_id)?.is_none() {
                        refused.push(
                            crate::error::ProblemItem::rule("not_enrolled", "The learner is not in this class.")
                                .at(format!("overrides[{i}].learner_id")),
                        );
                    }
                }
                if !refused.is_empty() {
                    return Err(ApiError::Refused(refused));
                }
                insert(tx, &cohort, &b, caller.user_id)?;
                find(tx, id)?.ok_or_else(ApiError::not_found)
            },
            |d: &DecisionOut| Some(format!("/api/v1/cohorts/{}/graduation-decision", d.cohort_id)),
        )
        .await?;
    Ok(HttpResponse::Created().insert_header(("location", format!("/api/v1/cohorts/{id}/graduation-decision"))).json(o))
}

/// The class's graduation decision (its staff and administrators).
#[utoipa::path(tag = "certificates", params(("id" = CohortId, Path)), responses((status = 200, body = DecisionOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/cohorts/{id}/graduation-decision")]
async fn show(caller: Caller, state: web::Data<AppState>, id: web::Path<CohortId>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let d = state
        .db
        .read(move |c| {
            crate::cohorts::store::readable(c, &caller, id)?;
            find(c, id)?.ok_or_else(|| ApiError::NotFound("No graduation decision is recorded for this class.".into()))
        })
        .await?;
    Ok(HttpResponse::Ok().json(d))
}
