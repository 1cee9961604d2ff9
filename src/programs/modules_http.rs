//! `/api/v1/programs/{id}/modules` and `/api/v1/modules/{id}`: the ordered modules of a draft.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{check_module, CreateModule, ModuleOut, UpdateModule};
use super::http::{check_draft, check_owner};
use super::model::{Assessment, ProgramModule};
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::{ModuleId, ProgramId};
use crate::db::now;
use crate::error::{ApiError, Problems};
use crate::http::extract::{ok_versioned, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::text::clean;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_modules).service(create_module).service(get_module).service(update_module).service(delete_module);
}

fn opt(s: Option<String>) -> Option<String> {
    s.map(|s| clean(&s)).filter(|s| !s.is_empty())
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
    let b = body;
    let mut p = Problems::new();
    p.check(b.code.is_some(), "code", "is required");
    p.check(b.title.is_some(), "title", "is required");
    p.check(b.hours.is_some(), "hours", "is required");
    let code = b.code.clone().map(|c| c.trim().to_string()).unwrap_or_default();
    let title = b.title.clone().map(|t| clean(&t)).unwrap_or_default();
    let hours = b.hours.unwrap_or(0);
    let mut more = Problems::new();
    check_module(&code, &title, hours, &mut more);
    for item in more.0 {
        if !p.0.iter().any(|x| x.field == item.field) {
            p.0.push(item);
        }
    }
    p.check(b.position.is_none_or(|x| x >= 1), "position", "must be 1 or more");
    p.finish(())?;
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let program = store::get(tx, program_id)?;
        check_owner(&c, program.owner_institution_id)?;
        check_draft(&program)?;
        if store::code_taken(tx, program_id, &code, None)? {
            return Err(ApiError::conflict(
                "duplicate_module_code",
                format!("The program already has a module {code}."),
            ));
        }
        let mut modules = store::modules(tx, program_id)?;
        let t = now();
        let row = ProgramModule {
            id: ModuleId::new(),
            program_id,
            code,
            title,
            hours,
            position: modules.len() as i32 + 1,
            assessment: b.assessment.unwrap_or(Assessment::Written),
            part: opt(b.part),
            graduation_exam: b.graduation_exam.unwrap_or(false),
            description: opt(b.description),
            version: 1,
            created_at: t,
            updated_at: t,
        };
        store::insert_module(tx, &row)?;
        let mut row = row;
        if let Some(pos) = b.position {
            modules.push(row.clone());
            let last = modules.len() - 1;
            rules::reorder(&mut modules, last, pos as usize);
            store::renumber(tx, &modules)?;
            row.position = modules.iter().position(|m| m.id == row.id).map(|i| i as i32 + 1).unwrap_or(row.position);
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
            let mut row = cur.clone();
            if let Some(x) = b.code {
                row.code = x.trim().to_string();
            }
            if let Some(x) = b.title {
                row.title = clean(&x);
            }
            if let Some(x) = b.hours {
                row.hours = x;
            }
            if let Some(x) = b.assessment {
                row.assessment = x;
            }
            if let Some(x) = b.part {
                row.part = opt(x);
            }
            if let Some(x) = b.graduation_exam {
                row.graduation_exam = x;
            }
            if let Some(x) = b.description {
                row.description = opt(x);
            }
            let mut p = Problems::new();
            check_module(&row.code, &row.title, row.hours, &mut p);
            p.check(b.position.is_none_or(|x| x >= 1), "position", "must be 1 or more");
            p.finish(())?;
            if row.code != cur.code && store::code_taken(tx, cur.program_id, &row.code, Some(id))? {
                return Err(ApiError::conflict(
                    "duplicate_module_code",
                    format!("The program already has a module {}.", row.code),
                ));
            }
            let t = now();
            row.version = cur.version + 1;
            row.updated_at = t;
            if let Some(pos) = b.position {
                let mut modules = store::modules(tx, cur.program_id)?;
                if let Some(from) = modules.iter().position(|m| m.id == id) {
                    rules::reorder(&mut modules, from, pos as usize);
                    store::renumber(tx, &modules)?;
                    row.position =
                        modules.iter().position(|m| m.id == id).map(|i| i as i32 + 1).unwrap_or(cur.position);
                }
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
