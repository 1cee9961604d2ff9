//! `/api/v1/sending-units` (the registry) and `/api/v1/cohorts/{id}/unit-reports[/{unit}]`.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::report::{self, UnitReport};
use super::{store, SendingUnit};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::db::ids::*;
use crate::db::now;
use crate::db::page::Page;
use crate::error::{ApiError, Problems};
use crate::http::export::{self, Format};
use crate::http::extract::{nullable, ok_versioned, paging, saved, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::text::{clean, fold, looks_like_email};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_units)
        .service(create_unit)
        .service(get_unit)
        .service(update_unit)
        .service(delete_unit)
        .service(list_unit_reports)
        .service(get_unit_report);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SendingUnitOut {
    pub id: SendingUnitId,
    pub institution_id: InstitutionId,
    pub name: String,
    pub email: Option<String>,
    pub contact_name: Option<String>,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<SendingUnit> for SendingUnitOut {
    fn from(u: SendingUnit) -> SendingUnitOut {
        SendingUnitOut {
            id: u.id,
            institution_id: u.institution_id,
            name: u.name,
            email: u.email,
            contact_name: u.contact_name,
            version: u.version,
            created_at: u.created_at.and_utc(),
            updated_at: u.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUnit {
    pub institution_id: InstitutionId,
    /// As learners' `sending_unit` names it; matched without accents or case.
    pub name: String,
    /// Where the unit's reports go; without it the reports are only read through the API.
    pub email: Option<String>,
    pub contact_name: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUnit {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub contact_name: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitFilter {
    pub institution_id: Option<InstitutionId>,
    /// Part of the name, accents and case ignored.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Checks a unit's fields, listing every problem; returns the cleaned name, key and e-mail.
fn check(name: &str, email: Option<&str>, contact: Option<&str>) -> Result<(String, String, Option<String>), ApiError> {
    let name = clean(name);
    let email = email.map(str::trim).filter(|e| !e.is_empty()).map(str::to_string);
    let mut p = Problems::new();
    p.check(!name.is_empty(), "name", "must not be empty");
    p.check(name.chars().count() <= 300, "name", "must be at most 300 characters");
    p.check(email.as_deref().is_none_or(looks_like_email), "email", "is not an e-mail address");
    p.check(contact.is_none_or(|c| c.chars().count() <= 200), "contact_name", "must be at most 200 characters");
    let key = fold(&name);
    p.finish((name, key, email))
}

fn duplicate(name: &str) -> ApiError {
    ApiError::conflict("duplicate_sending_unit", format!("The institution already has a sending unit named {name}."))
}

/// The sending units registered in the caller's scope (administrators), in creation order.
#[utoipa::path(tag = "results", params(UnitFilter), responses((status = 200, body = Page<SendingUnitOut>)), security(("bearer" = [])))]
#[get("/sending-units")]
async fn list_units(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<UnitFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let q = q.into_inner();
    let page = paging(q.limit, q.cursor.as_deref())?;
    let limit = page.limit;
    if let Some(i) = q.institution_id {
        caller.scope.check(i)?;
    }
    let rows =
        state.db.read(move |tx| Ok(store::list(tx, &caller.scope, q.institution_id, q.q.as_deref(), &page)?)).await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |r| r.id.to_string(), SendingUnitOut::from)))
}

/// Registers a sending unit at an institution in scope (administrators); names are unique per
/// institution, accents and case ignored.
#[utoipa::path(tag = "results", request_body = CreateUnit,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = SendingUnitOut), (status = 400, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/sending-units")]
async fn create_unit(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateUnit>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let body = body.take()?;
    let fp = fingerprint("POST", "/sending-units", &body);
    let b = body;
    let (name, name_key, email) = check(&b.name, b.email.as_deref(), b.contact_name.as_deref())?;
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let inst = crate::institutions::store::get(tx, &c.scope, b.institution_id)
            .map_err(|_| ApiError::field("institution_id", "no such institution in your scope"))?;
        if store::name_taken(tx, inst.id, &name_key, None)? {
            return Err(duplicate(&name));
        }
        let at = now();
        let row = SendingUnit {
            id: SendingUnitId::new(),
            institution_id: inst.id,
            name,
            name_key,
            email,
            contact_name: b.contact_name.as_deref().map(clean).filter(|x| !x.is_empty()),
            version: 1,
            created_at: at,
            updated_at: at,
        };
        store::insert(tx, &row)?;
        Stored::created(format!("/api/v1/sending-units/{}", row.id), row.version, &SendingUnitOut::from(row))
    })
    .await
}

/// One sending unit in scope.
#[utoipa::path(tag = "results", params(("id" = SendingUnitId, Path)),
    responses((status = 200, body = SendingUnitOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/sending-units/{id}")]
async fn get_unit(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<SendingUnitId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let id = id.into_inner();
    let row = state.db.read(move |tx| store::in_scope(tx, &caller, id)).await?;
    Ok(ok_versioned(row.version, &SendingUnitOut::from(row)))
}

/// Renames a unit or changes where its reports go.
#[utoipa::path(tag = "results", request_body = UpdateUnit,
    params(("id" = SendingUnitId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = SendingUnitOut), (status = 400, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 412, body = crate::error::Problem)), security(("bearer" = [])))]
#[patch("/sending-units/{id}")]
async fn update_unit(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<SendingUnitId>,
    if_match: IfMatch,
    body: JsonBody<UpdateUnit>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let b = body.take()?;
    let id = id.into_inner();
    let row = audit
        .write(&state.db, move |tx| {
            let cur = store::in_scope(tx, &caller, id)?;
            if_match.check(cur.version)?;
            let email = match &b.email {
                Some(e) => e.clone(),
                None => cur.email.clone(),
            };
            let contact = match &b.contact_name {
                Some(c) => c.as_deref().map(clean).filter(|x| !x.is_empty()),
                None => cur.contact_name.clone(),
            };
            let (name, name_key, email) =
                check(b.name.as_deref().unwrap_or(&cur.name), email.as_deref(), contact.as_deref())?;
            if store::name_taken(tx, cur.institution_id, &name_key, Some(cur.id))? {
                return Err(duplicate(&name));
            }
            let row = SendingUnit {
                name,
                name_key,
                email,
                contact_name: contact,
                version: cur.version + 1,
                updated_at: now(),
                ..cur.clone()
            };
            saved(store::save(tx, &row, cur.version)?, cur.version)?;
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &SendingUnitOut::from(row)))
}

/// Removes a unit from the registry; learners keep the name they carry, and reports already
/// sent stay in the outbox.
#[utoipa::path(tag = "results", params(("id" = SendingUnitId, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[delete("/sending-units/{id}")]
async fn delete_unit(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<SendingUnitId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let id = id.into_inner();
    audit
        .write(&state.db, move |tx| {
            store::in_scope(tx, &caller, id)?;
            store::delete(tx, id)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One unit in a class's list of unit reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitSummary {
    pub unit: String,
    pub unit_key: String,
    pub sending_unit_id: Option<SendingUnitId>,
    pub email: Option<String>,
    pub learners: usize,
    pub graduated: usize,
}

async fn reports_of(caller: Caller, state: &AppState, id: CohortId) -> Result<(String, Vec<UnitReport>), ApiError> {
    let tz = state.settings.tz();
    state
        .db
        .read(move |tx| {
            if caller.role == Role::UnitOfficer {
                return own_unit_reports(tx, &caller, id, tz);
            }
            let cohort = crate::cohorts::store::staff_readable(tx, &caller, id)?;
            let results = crate::results::service::for_cohort(tx, &cohort, tz, None)?;
            Ok((cohort.code.clone(), report::build(tx, &cohort, &results)?))
        })
        .await
}

/// A unit officer's view of a class: only their own unit's report, and the class does not
/// exist for them (404) unless their unit sent someone to it.
fn own_unit_reports(
    tx: &mut crate::db::DbConn,
    caller: &Caller,
    id: CohortId,
    tz: chrono_tz::Tz,
) -> Result<(String, Vec<UnitReport>), ApiError> {
    let unit = match caller.sending_unit_id {
        Some(u) => store::find(tx, u)?.ok_or_else(ApiError::not_found)?,
        None => return Err(ApiError::not_found()),
    };
    let cohort = crate::cohorts::store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
    let results = crate::results::service::for_cohort(tx, &cohort, tz, None)?;
    let mut reports = report::build(tx, &cohort, &results)?;
    reports.retain(|r| r.sending_unit_id == Some(unit.id) || r.unit_key == unit.name_key);
    if reports.is_empty() {
        return Err(ApiError::not_found());
    }
    Ok((cohort.code.clone(), reports))
}

/// The units that sent learners to the class, with how many each sent and how many graduated
/// (the class's staff; a unit officer sees their own unit only).
#[utoipa::path(tag = "results", params(("id" = CohortId, Path)),
    responses((status = 200, body = Vec<UnitSummary>), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/cohorts/{id}/unit-reports")]
async fn list_unit_reports(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
) -> Result<HttpResponse, ApiError> {
    let (_, reports) = reports_of(caller, &state, id.into_inner()).await?;
    let out: Vec<UnitSummary> = reports
        .into_iter()
        .map(|r| UnitSummary {
            graduated: r.learners.iter().filter(|x| x.outcome == crate::results::rules::Outcome::Graduated).count(),
            learners: r.learners.len(),
            unit: r.unit,
            unit_key: r.unit_key,
            sending_unit_id: r.sending_unit_id,
            email: r.email,
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitReportQuery {
    pub format: Option<Format>,
}

/// What one sending unit is told about its people in the class: results, classification,
/// conduct, disciplinary measures and credential serials. `unit` is the unit's name as learners
/// carry it (accents and case ignored). Export with `?format=csv|xlsx` (the file the unit is
/// e-mailed at close-out).
#[utoipa::path(tag = "results", params(("id" = CohortId, Path), ("unit" = String, Path), UnitReportQuery),
    responses((status = 200, body = UnitReport), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/cohorts/{id}/unit-reports/{unit}")]
async fn get_unit_report(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(CohortId, String)>,
    q: web::Query<UnitReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, unit) = path.into_inner();
    let key = fold(&unit);
    let (_, reports) = reports_of(caller, &state, id).await?;
    let r = reports.into_iter().find(|r| r.unit_key == key).ok_or_else(ApiError::not_found)?;
    match q.format {
        Some(f @ (Format::Csv | Format::Xlsx)) => export::respond(f, &report::table(&r)),
        _ => {
            let mut r = r;
            for l in &mut r.learners {
                crate::results::rules::localise(&mut l.reasons, crate::error::localised);
            }
            Ok(HttpResponse::Ok().json(r))
        }
    }
}
