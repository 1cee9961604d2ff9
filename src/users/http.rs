//! `/api/v1/users`: accounts, managed by administrators within their scope.

use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::{CreateUser, UpdateUser, UserFilter, UserOut};
use super::model::{User, UserStatus};
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::{InstitutionId, SendingUnitId, UserId};
use crate::db::now;
use crate::db::page::Page;
use crate::error::{ApiError, Problems};
use crate::http::extract::{ok_versioned, paging, since, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::institutions::store as institutions;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_users).service(create_user).service(get_user).service(update_user).service(sign_out_everywhere);
}

/// Hashes off the async workers: Argon2id is deliberately slow.
pub async fn hash_password(state: &AppState, password: String) -> Result<String, ApiError> {
    let passwords = state.passwords.clone();
    web::block(move || passwords.hash(&password))
        .await
        .map_err(|_| ApiError::unavailable())?
        .map_err(ApiError::Internal)
}

/// Accounts in the caller's scope.
#[utoipa::path(tag = "users", params(UserFilter), responses((status = 200, body = Page<UserOut>)), security(("bearer" = [])))]
#[get("/users")]
async fn list_users(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<UserFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let q = q.into_inner();
    let page = paging(q.limit, q.cursor.as_deref())?;
    let limit = page.limit;
    let filter = store::Filter {
        updated_since: since(q.updated_since),
        role: q.role,
        institution_id: q.institution_id,
        status: q.status,
    };
    let scope = caller.scope.clone();
    let rows = state.db.read(move |c| store::list(c, &scope, &filter, &page)).await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |r| r.id.to_string(), UserOut::from)))
}

/// Creates an account at an institution in scope.
#[utoipa::path(tag = "users", request_body = CreateUser,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = UserOut), (status = 400, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/users")]
async fn create_user(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let body = body.take()?;
    let fp = fingerprint("POST", "/users", &body);
    let f = body.check(state.settings.auth.min_password_length)?;
    if !rules::can_grant(caller.role, f.role) {
        return Err(ApiError::field("role", "you may not grant this role"));
    }
    let hash = hash_password(&state, f.password.clone()).await?;
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        if let Some(inst) = f.institution_id {
            institutions::get(tx, &c.scope, inst)
                .map_err(|_| ApiError::field("institution_id", "no such institution in your scope"))?;
        }
        let mut p = Problems::new();
        unit_of(tx, f.sending_unit_id, f.institution_id, &mut p)?;
        p.finish(())?;
        if store::email_taken(tx, &f.email, None)? {
            return Err(ApiError::conflict("duplicate_email", "An account with this e-mail address already exists."));
        }
        let t = now();
        let row = User {
            id: UserId::new(),
            email: f.email,
            password_hash: hash,
            full_name: f.full_name,
            role: f.role,
            institution_id: f.institution_id,
            status: UserStatus::Active,
            last_login_at: None,
            version: 1,
            created_at: t,
            updated_at: t,
            sending_unit_id: f.sending_unit_id,
        };
        store::insert(tx, &row)?;
        Stored::created(format!("/api/v1/users/{}", row.id), 1, &UserOut::from(row))
    })
    .await
}

/// A unit officer's sending unit must be registered at the account's institution.
fn unit_of(
    tx: &mut crate::db::DbConn,
    unit: Option<SendingUnitId>,
    institution: Option<InstitutionId>,
    p: &mut Problems,
) -> Result<(), ApiError> {
    if let Some(unit) = unit {
        let at = crate::sending_units::store::find(tx, unit)?.map(|u| u.institution_id);
        p.check(at.is_some() && at == institution, "sending_unit_id", "is not a sending unit of this institution");
    }
    Ok(())
}

/// One account in scope.
#[utoipa::path(tag = "users", params(("id" = UserId, Path)),
    responses((status = 200, body = UserOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/users/{id}")]
async fn get_user(caller: Caller, state: web::Data<AppState>, id: web::Path<UserId>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let (id, scope) = (id.into_inner(), caller.scope.clone());
    let row = state.db.read(move |c| store::get(c, &scope, id)).await?;
    Ok(ok_versioned(row.version, &UserOut::from(row)))
}

/// Changes an account; nobody changes their own role, institution or status.
#[utoipa::path(tag = "users", request_body = UpdateUser,
    params(("id" = UserId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = UserOut), (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[patch("/users/{id}")]
async fn update_user(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
    if_match: IfMatch,
    body: JsonBody<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let body = body.take()?;
    let id = id.into_inner();
    let patch = body.check(state.settings.auth.min_password_length)?;
    if let Some(role) = patch.role {
        if !rules::can_grant(caller.role, role) {
            return Err(ApiError::field("role", "you may not grant this role"));
        }
    }
    let new_hash = match patch.password.clone() {
        Some(pw) => Some(hash_password(&state, pw).await?),
        None => None,
    };
    let c = caller.clone();
    let row = audit
        .write(&state.db, move |tx| {
            let cur = store::get(tx, &c.scope, id)?;
            if_match.check(cur.version)?;
            let refusals = rules::own_account_refusals(&cur, &patch, cur.id == c.user_id);
            if !refusals.is_empty() {
                return Err(ApiError::Refused(refusals));
            }
            let (mut row, sign_out) = rules::updated(&cur, patch, new_hash);
            let mut p = Problems::new();
            p.0.extend(rules::institution_problem(row.role, row.institution_id.is_some()));
            p.0.extend(rules::unit_problem(row.role, row.sending_unit_id.is_some()));
            unit_of(tx, row.sending_unit_id, row.institution_id, &mut p)?;
            if let Some(inst) = row.institution_id.filter(|i| Some(*i) != cur.institution_id) {
                let known = institutions::get(tx, &c.scope, inst).is_ok();
                p.check(known, "institution_id", "no such institution in your scope");
            }
            p.finish(())?;
            if row.email != cur.email && store::email_taken(tx, &row.email, Some(id))? {
                return Err(ApiError::conflict(
                    "duplicate_email",
                    "An account with this e-mail address already exists.",
                ));
            }
            let t = now();
            row.version = cur.version + 1;
            row.updated_at = t;
            crate::http::extract::saved(store::save(tx, &row, cur.version)?, cur.version)?;
            if sign_out {
                store::revoke_tokens(tx, id, t)?;
            }
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &UserOut::from(row)))
}

/// Signs the account out everywhere: every token it holds is revoked.
#[utoipa::path(tag = "users", params(("id" = UserId, Path)), responses((status = 204), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/users/{id}/sign-out")]
async fn sign_out_everywhere(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let id = id.into_inner();
    audit
        .write(&state.db, move |tx| {
            store::get(tx, &caller.scope, id)?;
            store::revoke_tokens(tx, id, now())?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
