//! `/api/v1/programs/{id}/modules` and `/api/v1/modules/{id}`: the ordered modules of a draft.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{CreateModule, ModuleOut, UpdateModule};
use super::http::{check_draft, check_owner};
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::{ModuleId, ProgramId};
use crate::db::{now, DbConn};
use crate::error::ApiError;
use crate::http::extract::{ok_versioned, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_modules).service(create_module).service(get_module).service(update_module).service(delete_module);
}

/// A conflict when another module of the program (not `except`) has the code.
fn code_free(tx: &mut DbConn, program: ProgramId, code: &str, except: Option<ModuleId>) -> Result<(), ApiError> {
    if store::code_taken(tx, program, code, except)? {
        return Err(ApiError::conflict("duplicate_module_code", format!("The program already has a module {code}.")));
    }
    Ok(())
}

/// Moves the module to `position` (1-based) among the program's modules and renumbers them;
/// its new position.
fn move_to(tx: &mut DbConn, program: ProgramId, id: ModuleId, position: i32) -> Result<Option<i32>, ApiError> {
    let mut modules = store::modules(tx, program)?;
    let Some(from) = modules.iter().position(|m| m.id == id) else {
        return Ok(None);
    };
    rules::reorder(&mut modules, from, position as usize);
    store::renumber(tx, &modules)?;
    Ok(modules.iter().position(|m| m.id == id).map(|i| i as i32 + 1))
}

/// The modules of a program, in order.
#[utoipa::path(tag = "programs", params(("id" = ProgramId, Path)),
    responses((status = 200, body = Vec<ModuleOut>), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/programs/{id}/modules")]
async fn list_modules(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<ProgramId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadPrograms)?;
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |c| {
            store::get(c, id)?;
            Ok(store::modules(c, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(ModuleOut::from).collect::<Vec<_>>()))
}

/// Adds a module to a draft program, at `position` (default: the end).
#[utoipa::path(tag = "programs", request_body = CreateModule, params(("id" = ProgramId, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = ModuleOut), (status = 400, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/programs/{id}/modules")]
async fn create_module(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ProgramId>,
    key: IdempotencyKey,
    body: JsonBody<CreateModule>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePrograms)?;
    let body = body.take()?;
    let program_id = id.into_inner();
    let fp = fingerprint("POST", &format!("/programs/{program_id}/modules"), &body);
    let position = body.position;
    let t = now();
    // The module's shape is judged before the program is read; its position once it is known.
    let mut row = body.row(program_id, t)?;
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let program = store::get(tx, program_id)?;
        check_owner(&c, program.owner_institution_id)?;
        check_draft(&program)?;
        // Last in the program, until it is moved to `position`.
        row.position = store::modules(tx, program_id)?.len() as i32 + 1;
        code_free(tx, program_id, &row.code, None)?;
        store::insert_module(tx, &row)?;
        if let Some(pos) = position {
            row.position = move_to(tx, program_id, row.id, pos)?.unwrap_or(row.position);
        }
        store::touch(tx, program_id, t)?;
        Stored::created(format!("/api/v1/modules/{}", row.id), 1, &ModuleOut::from(row))
    })
    .await
}

/// One module.
#[utoipa::path(tag = "programs", params(("id" = ModuleId, Path)),
    responses((status = 200, body = ModuleOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/modules/{id}")]
async fn get_module(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<ModuleId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadPrograms)?;
    let id = id.into_inner();
    let m = state.db.read(move |c| store::find_module(c, id)?.ok_or_else(ApiError::not_found)).await?;
    Ok(ok_versioned(m.version, &ModuleOut::from(m)))
}

/// Changes a module of a draft program; a new `position` moves it and renumbers the others.
#[utoipa::path(tag = "programs", request_body = UpdateModule,
    params(("id" = ModuleId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = ModuleOut), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[patch("/modules/{id}")]
async fn update_module(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ModuleId>,
    if_match: IfMatch,
    body: JsonBody<UpdateModule>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePrograms)?;
    let body = body.take()?;
    let (id, b) = (id.into_inner(), body);
    let c = caller.clone();
    let m = audit
        .write(&state.db, move |tx| {
            let cur = store::find_module(tx, id)?.ok_or_else(ApiError::not_found)?;
            let program = store::get(tx, cur.program_id)?;
            check_owner(&c, program.owner_institution_id)?;
            if_match.check(cur.version)?;
            check_draft(&program)?;
            let position = b.position;
            let mut row = b.apply(&cur)?;
            if row.code != cur.code {
                code_free(tx, cur.program_id, &row.code, Some(id))?;
            }
            let t = now();
            row.version = cur.version + 1;
            row.updated_at = t;
            if let Some(pos) = position {
                row.position = move_to(tx, cur.program_id, id, pos)?.unwrap_or(cur.position);
            }
            crate::http::extract::saved(store::save_module(tx, &row, cur.version)?, cur.version)?;
            store::touch(tx, cur.program_id, t)?;
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(m.version, &ModuleOut::from(m)))
}

/// Removes a module from a draft program; the others close the gap.
#[utoipa::path(tag = "programs", params(("id" = ModuleId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 204), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[delete("/modules/{id}")]
async fn delete_module(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<ModuleId>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePrograms)?;
    let id = id.into_inner();
    let c = caller.clone();
    audit
        .write(&state.db, move |tx| {
            let cur = store::find_module(tx, id)?.ok_or_else(ApiError::not_found)?;
            let program = store::get(tx, cur.program_id)?;
            check_owner(&c, program.owner_institution_id)?;
            if_match.check(cur.version)?;
            check_draft(&program)?;
            store::delete_module(tx, id)?;
            let rest = store::modules(tx, cur.program_id)?;
            store::renumber(tx, &rest)?;
            store::touch(tx, cur.program_id, now())?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
