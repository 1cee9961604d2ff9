//! `/api/v1/rule-sets`: eligibility rule sets by regulation. System administrators add a set
//! when a regulation changes; administrators read them.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{EligibilityRules, RuleSet};
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::RuleSetId;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::http::extract::{ok_versioned, saved, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::text::clean;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_rule_sets).service(create_rule_set).service(get_rule_set).service(update_rule_set);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSetOut {
    pub id: RuleSetId,
    /// What classes carry as their `regulation`, e.g. `qd350-2025`.
    pub code: String,
    pub title: String,
    /// Classes opening on or after this day take this set (until a later one takes effect).
    pub effective_from: NaiveDate,
    pub rules: EligibilityRules,
    /// Shipped with the service: its rules and first day never change (its title may).
    pub builtin: bool,
    /// Classes opened under the set; its rules and date no longer change once there is one.
    pub classes: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn out(tx: &mut DbConn, s: RuleSet) -> Result<RuleSetOut, ApiError> {
    Ok(RuleSetOut {
        classes: store::classes_under(tx, &s.code)?,
        id: s.id,
        code: s.code,
        title: s.title,
        effective_from: s.effective_from,
        rules: s.rules,
        builtin: s.builtin,
        version: s.version,
        created_at: s.created_at.and_utc(),
        updated_at: s.updated_at.and_utc(),
    })
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRuleSet {
    /// 1 to 32 lowercase letters, digits or `-`, e.g. `qd-2027`.
    pub code: String,
    pub title: String,
    /// No other set may take effect on the same day.
    pub effective_from: NaiveDate,
    pub rules: EligibilityRules,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRuleSet {
    pub title: Option<String>,
    /// Only while no class was opened under the set.
    pub effective_from: Option<NaiveDate>,
    /// Only while no class was opened under the set.
    pub rules: Option<EligibilityRules>,
}

/// Every problem with a set, then a code or a first day another set has already (each on its
/// field).
fn check(tx: &mut DbConn, s: &RuleSet) -> Result<(), ApiError> {
    let mut p = Problems(rules::problems(&s.code, &s.title, &s.rules));
    let (code, day) = store::clashes(tx, &s.code, s.effective_from, Some(s.id))?;
    p.check(!code, "code", "another rule set has this code");
    p.check(!day, "effective_from", "another rule set takes effect on that day");
    p.finish(())
}

/// The rule sets, oldest first.
#[utoipa::path(tag = "cohorts", responses((status = 200, body = Vec<RuleSetOut>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/rule-sets")]
async fn list_rule_sets(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let list =
        state.db.read(|tx| store::all(tx)?.into_iter().map(|s| out(tx, s)).collect::<Result<Vec<_>, _>>()).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Adds the rule set of a new regulation (system administrators). Classes that open from
/// `effective_from` take it; classes opened before keep theirs.
#[utoipa::path(tag = "cohorts", request_body = CreateRuleSet,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = RuleSetOut), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/rule-sets")]
async fn create_rule_set(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateRuleSet>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageSettings)?;
    let b = body.take()?;
    let fp = fingerprint("POST", "/rule-sets", &b);
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let t = now();
        let row = RuleSet {
            id: RuleSetId::new(),
            code: b.code.trim().to_string(),
            title: clean(&b.title),
            effective_from: b.effective_from,
            rules: b.rules,
            builtin: false,
            version: 1,
            created_at: t,
            updated_at: t,
        };
        check(tx, &row)?;
        store::insert(tx, &row)?;
        let o = out(tx, row)?;
        Stored::created(format!("/api/v1/rule-sets/{}", o.id), o.version, &o)
    })
    .await
}

/// One rule set.
#[utoipa::path(tag = "cohorts", params(("id" = RuleSetId, Path)),
    responses((status = 200, body = RuleSetOut), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/rule-sets/{id}")]
async fn get_rule_set(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<RuleSetId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let id = id.into_inner();
    let o = state
        .db
        .read(move |tx| {
            let s = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
            out(tx, s)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}

/// Changes a rule set (system administrators): its title at any time; its rules and first day
/// only while no class was opened under it, and never for a built-in set (409).
#[utoipa::path(tag = "cohorts", request_body = UpdateRuleSet,
    params(("id" = RuleSetId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = RuleSetOut), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[patch("/rule-sets/{id}")]
async fn update_rule_set(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<RuleSetId>,
    if_match: IfMatch,
    body: JsonBody<UpdateRuleSet>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageSettings)?;
    let (id, b) = (id.into_inner(), body.take()?);
    let o = audit
        .write(&state.db, move |tx| {
            let cur = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
            if_match.check(cur.version)?;
            let changes_rules = b.rules.as_ref().is_some_and(|r| *r != cur.rules)
                || b.effective_from.is_some_and(|d| d != cur.effective_from);
            if changes_rules && cur.builtin {
                return Err(ApiError::conflict("builtin", "A built-in rule set does not change; add a new one."));
            }
            if changes_rules && store::classes_under(tx, &cur.code)? > 0 {
                return Err(ApiError::conflict(
                    "in_use",
                    "Classes were opened under this rule set: they keep it as it is; add a new one.",
                ));
            }
            let mut row = cur.clone();
            if let Some(t) = b.title {
                row.title = clean(&t);
            }
            if let Some(d) = b.effective_from {
                row.effective_from = d;
            }
            if let Some(r) = b.rules {
                row.rules = r;
            }
            check(tx, &row)?;
            row.version = cur.version + 1;
            row.updated_at = now();
            saved(store::save(tx, &row, cur.version)?, cur.version)?;
            out(tx, row)
        })
        .await?;
    Ok(ok_versioned(o.version, &o))
}
