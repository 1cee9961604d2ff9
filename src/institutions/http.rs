//! `/api/v1/institutions`: the institution tree.

use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{CreateInstitution, InstitutionFilter, InstitutionOut, TierOut, UpdateInstitution};
use super::model::{Institution, InstitutionStatus};
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::db::ids::InstitutionId;
use crate::db::page::Page;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::http::extract::{ok_versioned, paging, since, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_tiers)
        .service(list_institutions)
        .service(create_institution)
        .service(get_institution)
        .service(update_institution)
        .service(merge_institution);
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MergeQuery {
    /// Report what would move and every conflict, changing nothing.
    pub dry_run: Option<bool>,
}

/// Merges an institution into another (system administrators): its children, classes,
/// learners, lecturers, users, own programs and sending units move to `target` in one
/// transaction; it stays, read-only and under `target`, for the history its credentials print.
/// Clashing class and program codes get the merged institution's code appended; duplicate people
/// are listed to be merged with `POST /learners/{id}/merge-into/{target}`. `?dry_run=true`
/// reports all of this and changes nothing.
#[utoipa::path(tag = "institutions", params(("id" = InstitutionId, Path), ("target" = InstitutionId, Path), MergeQuery),
    responses((status = 200, body = super::merge::MergeReport), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/institutions/{id}/merge-into/{target}")]
async fn merge_institution(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    path: web::Path<(InstitutionId, InstitutionId)>,
    q: web::Query<MergeQuery>,
) -> Result<HttpResponse, ApiError> {
    if caller.role != Role::SystemAdmin {
        return Err(ApiError::Forbidden);
    }
    let (from, to) = path.into_inner();
    let by = caller.user_id;
    let report = if q.dry_run.unwrap_or(false) {
        state.db.read(move |tx| super::merge::merge(tx, from, to, by, true)).await?
    } else {
        audit.write(&state.db, move |tx| super::merge::merge(tx, from, to, by, false)).await?
    };
    Ok(HttpResponse::Ok().json(report))
}

/// The institution tiers this installation knows, in order (data, not code: the 2025
/// reorganisation added commune-level centres and closed district-level ones).
#[utoipa::path(tag = "institutions", responses((status = 200, body = Vec<TierOut>)), security(("bearer" = [])))]
#[get("/institutions/tiers")]
async fn list_tiers(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadInstitutions)?;
    let rows = state.db.read(|c| Ok(store::tiers(c)?)).await?;
    let out: Vec<TierOut> = rows
        .into_iter()
        .map(|(code, name, name_vi, valid_from, valid_until)| TierOut { code, name, name_vi, valid_from, valid_until })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

/// Institutions in the caller's scope, in creation order.
#[utoipa::path(tag = "institutions", params(InstitutionFilter),
    responses((status = 200, body = Page<InstitutionOut>)), security(("bearer" = [])))]
#[get("/institutions")]
async fn list_institutions(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<InstitutionFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadInstitutions)?;
    let q = q.into_inner();
    let page = paging(q.limit, q.cursor.as_deref())?;
    let limit = page.limit;
    let filter =
        store::Filter { updated_since: since(q.updated_since), tier: q.tier, parent_id: q.parent_id, status: q.status };
    let scope = caller.scope.clone();
    let rows = state.db.read(move |c| store::list(c, &scope, &filter, &page)).await?;
    let page = Page::from_rows(rows, limit, |r| r.id.to_string(), InstitutionOut::from);
    Ok(HttpResponse::Ok().json(page))
}

/// Creates an institution under `parent_id` (in scope); only system administrators create roots.
#[utoipa::path(tag = "institutions", request_body = CreateInstitution,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = InstitutionOut), (status = 400, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/institutions")]
async fn create_institution(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateInstitution>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageInstitutions)?;
    let body = body.take()?;
    let fp = fingerprint("POST", "/institutions", &body);
    let (fields, parent_id, mut p) = body.into_fields();
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let parent =
            parent_of(tx, &c, parent_id, "is required: only system administrators create root institutions", &mut p)?;
        check_tier(tx, &fields.tier, &mut p)?;
        p.finish(())?;
        if parent.as_ref().is_some_and(|x| x.status == InstitutionStatus::Merged) {
            return Err(ApiError::refused("institution_merged", "A merged institution takes no new children."));
        }
        code_free(tx, &fields.code, None)?;
        let id = InstitutionId::new();
        let path = rules::child_path(parent.as_ref().map(|x| x.path.as_str()), &id.to_string());
        let row = fields.into_row(id, parent.as_ref().map(|x| x.id), path, now());
        store::insert(tx, &row)?;
        Stored::created(format!("/api/v1/institutions/{id}"), row.version, &InstitutionOut::from(row))
    })
    .await
}

/// The parent an institution is placed under, when it is in the caller's scope; no parent
/// (a root) only for system administrators (`root` says so otherwise).
fn parent_of(
    tx: &mut DbConn,
    c: &Caller,
    parent_id: Option<InstitutionId>,
    root: &str,
    p: &mut Problems,
) -> Result<Option<Institution>, ApiError> {
    match parent_id {
        None => {
            p.check(c.role == Role::SystemAdmin, "parent_id", root);
            Ok(None)
        }
        Some(pid) => {
            let parent = store::get(tx, &c.scope, pid).ok();
            p.check(parent.is_some(), "parent_id", "no such institution in your scope");
            Ok(parent)
        }
    }
}

/// A conflict when another institution (not `except`) has the code.
fn code_free(tx: &mut DbConn, code: &str, except: Option<InstitutionId>) -> Result<(), ApiError> {
    if store::code_taken(tx, code, except)? {
        return Err(ApiError::conflict(
            "duplicate_code",
            format!("The code {code} is already used by another institution."),
        ));
    }
    Ok(())
}

fn check_tier(tx: &mut DbConn, tier: &str, p: &mut Problems) -> Result<(), ApiError> {
    if !tier.is_empty() && !store::tier_exists(tx, tier)? {
        p.add("tier", "is not a known tier; see GET /api/v1/institutions/tiers");
    }
    Ok(())
}

/// One institution in the caller's scope.
#[utoipa::path(tag = "institutions", params(("id" = InstitutionId, Path)),
    responses((status = 200, body = InstitutionOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/institutions/{id}")]
async fn get_institution(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<InstitutionId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadInstitutions)?;
    let (id, scope) = (id.into_inner(), caller.scope.clone());
    let row = state.db.read(move |c| store::get(c, &scope, id)).await?;
    Ok(ok_versioned(row.version, &InstitutionOut::from(row)))
}

/// Changes an institution; a new `parent_id` moves it with everything below it.
#[utoipa::path(tag = "institutions", request_body = UpdateInstitution,
    params(("id" = InstitutionId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = InstitutionOut), (status = 412, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[patch("/institutions/{id}")]
async fn update_institution(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<InstitutionId>,
    if_match: IfMatch,
    body: JsonBody<UpdateInstitution>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageInstitutions)?;
    let body = body.take()?;
    let id = id.into_inner();
    let c = caller.clone();
    let row = audit
        .write(&state.db, move |tx| {
            let cur = store::get(tx, &c.scope, id)?;
            if_match.check(cur.version)?;
            if cur.status == InstitutionStatus::Merged {
                return Err(ApiError::refused("institution_merged", "A merged institution is read-only."));
            }
            let parent_patch = body.parent_id;
            let fields = body.apply(&cur)?;
            let mut p = Problems::new();
            check_tier(tx, &fields.tier, &mut p)?;
            let mut row = cur.clone();
            match parent_patch {
                Some(new_parent) if new_parent != cur.parent_id => {
                    let root = "only system administrators make root institutions";
                    let parent = parent_of(tx, &c, new_parent, root, &mut p)?;
                    p.finish(())?;
                    if parent.as_ref().is_some_and(|parent| rules::creates_cycle(&cur.path, &parent.path)) {
                        return Err(ApiError::refused(
                            "tree_cycle",
                            "An institution cannot be moved under itself or one of its descendants.",
                        ));
                    }
                    row.parent_id = new_parent;
                    row.path = rules::child_path(parent.as_ref().map(|x| x.path.as_str()), &id.to_string());
                    store::move_subtree(tx, &cur.path, &row.path)?;
                }
                _ => p.finish(())?,
            }
            if fields.code != cur.code {
                code_free(tx, &fields.code, Some(id))?;
            }
            fields.set_on(&mut row);
            row.version = cur.version + 1;
            row.updated_at = now();
            crate::http::extract::saved(store::save(tx, &row, cur.version)?, cur.version)?;
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &InstitutionOut::from(row)))
}
