//! `/api/v1/cohorts/{id}/assignments` and `/api/v1/assignments/{id}`: who teaches which module.

use actix_web::{delete, get, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{AssignmentOut, CreateAssignment, OverrideIn};
use super::model::{Assignment, AssignmentRole, Cohort, CohortStatus, Override, Overrides};
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::{AssignmentId, CohortId};
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::http::extract::{IdempotencyKey, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::people::model::Lecturer;
use crate::programs::model::ProgramModule;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_assignments).service(create_assignment).service(delete_assignment);
}

/// Assigns a lecturer in scope to a module of the class's program. With the
/// `cohorts.enforce_lecturer_subjects` setting, the module must be among the lecturer's subjects.
/// The lecturer's standards overridden for this class, or every one broken and not overridden
/// (422, each with its code; an override needs a reason).
fn standards_kept(
    tx: &mut DbConn,
    c: &Caller,
    cohort: &Cohort,
    lecturer: &crate::people::model::Lecturer,
    sent: &[OverrideIn],
) -> Result<Overrides, ApiError> {
    let level = super::http::level_of(tx, cohort)?;
    let failed = rules::standard_refusals(lecturer, level);
    let (refused, kept) = rules::apply_overrides("lecturer_id", &lecturer.full_name, &failed, sent);
    if !refused.is_empty() {
        return Err(ApiError::Refused(refused));
    }
    let at = now().and_utc();
    Ok(Overrides(kept.into_iter().map(|(rule, reason)| Override { rule, reason, by: c.user_id, at }).collect()))
}

#[utoipa::path(tag = "cohorts", request_body = CreateAssignment, params(("id" = CohortId, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = AssignmentOut), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/cohorts/{id}/assignments")]
async fn create_assignment(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    key: IdempotencyKey,
    body: JsonBody<CreateAssignment>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let id = id.into_inner();
    let fp = fingerprint("POST", &format!("/cohorts/{id}/assignments"), &body);
    let b = body;
    let mut p = Problems::new();
    p.check(b.module_id.is_some(), "module_id", "is required");
    p.check(b.lecturer_id.is_some(), "lecturer_id", "is required");
    p.check(b.planned_hours.is_none_or(|h| (0..=2000).contains(&h)), "planned_hours", "must be between 0 and 2000");
    p.finish(())?;
    let enforce = state.settings.cohorts.enforce_lecturer_subjects;
    let standards = state.settings.cohorts.enforce_lecturer_standards;
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let cohort = store::writable(tx, &c, id)?;
        if matches!(cohort.status, CohortStatus::Closed | CohortStatus::Cancelled) {
            return Err(ApiError::conflict("cohort_finished", format!("The class is {}.", cohort.status)));
        }
        let (module, lecturer) = module_and_lecturer(tx, &c, &cohort, &b)?;
        if enforce && !rules::qualified(&lecturer.subjects.0, &module.code, &module.title) {
            return Err(ApiError::refused(
                "not_qualified",
                format!(
                    "{} does not list {} ({}) among their subjects.",
                    lecturer.full_name, module.code, module.title
                ),
            ));
        }
        let overrides =
            if standards { standards_kept(tx, &c, &cohort, &lecturer, &b.overrides)? } else { Overrides::default() };
        if store::is_assigned(tx, id, module.id, lecturer.id)? {
            return Err(ApiError::conflict(
                "already_assigned",
                "This lecturer is already assigned to this module of the class.",
            ));
        }
        let row = Assignment {
            id: AssignmentId::new(),
            cohort_id: id,
            module_id: module.id,
            lecturer_id: lecturer.id,
            institution_id: cohort.institution_id,
            role: b.role.unwrap_or(AssignmentRole::Lead),
            planned_hours: b.planned_hours.unwrap_or(module.hours),
            created_at: now(),
            overrides,
        };
        store::insert_assignment(tx, &row)?;
        Stored::created(format!("/api/v1/assignments/{}", row.id), 1, &AssignmentOut::from(row))
    })
    .await
}

/// The module (of the class's program) and the lecturer (in the caller's scope) asked for, or
/// both problems at once.
fn module_and_lecturer(
    tx: &mut DbConn,
    c: &Caller,
    cohort: &Cohort,
    b: &CreateAssignment,
) -> Result<(ProgramModule, Lecturer), ApiError> {
    let mut p = Problems::new();
    let module = crate::programs::store::find_module(tx, b.module_id.unwrap_or_default())?
        .filter(|m| m.program_id == cohort.program_id);
    p.check(module.is_some(), "module_id", "not a module of this class's program");
    let lecturer = crate::people::store::get_lecturer(tx, &c.scope, b.lecturer_id.unwrap_or_default()).ok();
    p.check(lecturer.is_some(), "lecturer_id", "no such lecturer in your scope");
    p.finish(())?;
    Ok((module.ok_or_else(ApiError::not_found)?, lecturer.ok_or_else(ApiError::not_found)?))
}

/// The lecturer assignments of a class.
#[utoipa::path(tag = "cohorts", params(("id" = CohortId, Path)), responses((status = 200, body = Vec<AssignmentOut>)), security(("bearer" = [])))]
#[get("/cohorts/{id}/assignments")]
async fn list_assignments(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |c| {
            store::readable(c, &caller, id)?;
            Ok(store::assignments(c, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(AssignmentOut::from).collect::<Vec<_>>()))
}

/// Removes an assignment that no scheduled session uses.
#[utoipa::path(tag = "cohorts", params(("id" = AssignmentId, Path)), responses((status = 204), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[delete("/assignments/{id}")]
async fn delete_assignment(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<AssignmentId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let id = id.into_inner();
    audit
        .write(&state.db, move |tx| {
            let a = store::find_assignment(tx, id)?.ok_or_else(ApiError::not_found)?;
            store::writable(tx, &caller, a.cohort_id)?;
            if crate::timetable::store::count_for(tx, a.cohort_id, a.module_id, a.lecturer_id)? > 0 {
                return Err(ApiError::conflict(
                    "has_sessions",
                    "Sessions are scheduled for this lecturer and module; move or cancel them first.",
                ));
            }
            store::delete_assignment(tx, id)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
