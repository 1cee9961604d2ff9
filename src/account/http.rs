//! `/api/v1/auth/login`, `/auth/logout` and `/me`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::audit::Audit;
use crate::auth::ratelimit::client_ip;
use crate::auth::{store, tokens, Caller, Role, UserStatus};
use crate::db::ids::{InstitutionId, LearnerId, LecturerId, UserId};
use crate::db::now;
use crate::error::{ApiError, Problems};
use crate::http::extract::JsonBody;
use crate::users::dto::normalise_email;
use crate::users::model::User;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login).service(logout).service(me).service(change_password);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: Option<String>,
    pub password: Option<String>,
}

crate::required_fields!("LoginRequest": "email", "password");

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_at: DateTime<Utc>,
    pub user: MeOut,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    pub id: UserId,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub institution_id: Option<InstitutionId>,
    pub institution_name: Option<String>,
    pub status: UserStatus,
    pub last_login_at: Option<DateTime<Utc>>,
    /// The learner record linked to this account, if any.
    pub learner_id: Option<LearnerId>,
    /// The lecturer record linked to this account, if any.
    pub lecturer_id: Option<LecturerId>,
    /// The secret calendar feed address, once made with `POST /me/calendar-token`.
    pub calendar_url: Option<String>,
}

impl MeOut {
    fn new(u: User, linked: Linked) -> MeOut {
        MeOut {
            id: u.id,
            email: u.email,
            full_name: u.full_name,
            role: u.role,
            institution_id: u.institution_id,
            institution_name: linked.institution_name,
            status: u.status,
            last_login_at: u.last_login_at.map(|t| t.and_utc()),
            learner_id: linked.learner_id,
            lecturer_id: linked.lecturer_id,
            calendar_url: linked.calendar_url,
        }
    }
}

/// What an account is linked to.
struct Linked {
    institution_name: Option<String>,
    learner_id: Option<LearnerId>,
    lecturer_id: Option<LecturerId>,
    calendar_url: Option<String>,
}

fn linked(
    tx: &mut crate::db::DbConn,
    user: UserId,
    institution: Option<InstitutionId>,
    base_url: &str,
) -> Result<Linked, ApiError> {
    use crate::people::store as people;
    Ok(Linked {
        institution_name: match institution {
            Some(id) => crate::institutions::store::find(tx, id)?.map(|i| i.name),
            None => None,
        },
        learner_id: people::learner_of_user(tx, user)?,
        lecturer_id: people::lecturer_of_user(tx, user)?,
        calendar_url: crate::timetable::store::calendar_token(tx, user)?
            .map(|t| format!("{}/api/v1/calendar/{t}.ics", base_url.trim_end_matches('/'))),
    })
}

/// Signs in with e-mail and password. Failures never say whether the e-mail exists, and are
/// rate limited per e-mail and client address (429 with `Retry-After`).
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::error::Problem),
        (status = 429, body = crate::error::Problem)))]
#[post("/auth/login")]
async fn login(
    audit: Audit,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.take()?;
    let mut p = Problems::new();
    p.check(body.email.as_deref().is_some_and(|e| !e.trim().is_empty()), "email", "is required");
    p.check(body.password.as_deref().is_some_and(|e| !e.is_empty()), "password", "is required");
    p.finish(())?;
    let email = normalise_email(body.email.as_deref().unwrap_or_default());
    let password = body.password.unwrap_or_default();
    state.login_limits.check(&email, client_ip(&req))?;

    let e = email.clone();
    let user = state.db.read(move |c| Ok(crate::users::store::find_by_email(c, &e)?)).await?;
    let passwords = state.passwords.clone();
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let verified =
        web::block(move || passwords.verify(&password, hash.as_deref())).await.map_err(|_| ApiError::unavailable())?;
    let user = match user {
        Some(u) if verified && u.status == UserStatus::Active => u,
        _ => {
            tracing::info!(target: "llct::auth", email = %email, "login refused");
            return Err(ApiError::Unauthorized("Wrong e-mail or password."));
        }
    };

    let token = tokens::generate();
    let hash = tokens::hash(&token);
    let at = now();
    let expires = at + chrono::Duration::hours(i64::from(state.settings.auth.token_ttl_hours));
    let (user_id, inst) = (user.id, user.institution_id);
    let base = state.settings.server.public_base_url.clone();
    let links = audit
        .write(&state.db, move |tx| {
            store::insert_token(tx, user_id, &hash, at, expires)?;
            linked(tx, user_id, inst, &base)
        })
        .await?;
    let mut user = user;
    user.last_login_at = Some(at);
    Ok(HttpResponse::Ok().json(LoginResponse {
        access_token: token,
        token_type: "Bearer",
        expires_at: expires.and_utc(),
        user: MeOut::new(user, links),
    }))
}

/// Revokes the token used for this request.
#[utoipa::path(tag = "auth", responses((status = 204)), security(("bearer" = [])))]
#[post("/auth/logout")]
async fn logout(caller: Caller, audit: Audit, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let token = caller.token_id;
    audit.write(&state.db, move |tx| Ok(store::revoke_token(tx, token, now())?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's account, role and institution.
#[utoipa::path(tag = "auth", responses((status = 200, body = MeOut), (status = 401, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/me")]
async fn me(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let id = caller.user_id;
    let base = state.settings.server.public_base_url.clone();
    let out = state
        .db
        .read(move |c| {
            let user = crate::users::store::find(c, id)?.ok_or_else(ApiError::not_found)?;
            let links = linked(c, user.id, user.institution_id, &base)?;
            Ok(MeOut::new(user, links))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the caller's own password; every other session of the account is signed out.
#[utoipa::path(tag = "auth", request_body = ChangePassword,
    responses((status = 204), (status = 400, body = crate::error::Problem), (status = 422, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/me/password")]
async fn change_password(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    body: JsonBody<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let b = body.take()?;
    let mut p = Problems::new();
    for m in crate::auth::password::problems(&b.new_password, state.settings.auth.min_password_length) {
        p.add("new_password", m);
    }
    p.check(b.new_password != b.current_password, "new_password", "must differ from the current password");
    p.finish(())?;
    let id = caller.user_id;
    let user = state.db.read(move |c| crate::users::store::find(c, id)?.ok_or_else(ApiError::not_found)).await?;
    let passwords = state.passwords.clone();
    let (current, stored, new) = (b.current_password, user.password_hash.clone(), b.new_password);
    let (ok, hash) = web::block(move || (passwords.verify(&current, Some(&stored)), passwords.hash(&new)))
        .await
        .map_err(|_| ApiError::Internal("password hashing failed".into()))?;
    if !ok {
        return Err(ApiError::refused("wrong_password", "The current password is not right."));
    }
    let hash = hash.map_err(ApiError::Internal)?;
    let token = caller.token_id;
    audit
        .write(&state.db, move |tx| {
            use crate::db::schema::{auth_tokens as t, users as u};
            use diesel::prelude::*;
            let at = now();
            diesel::update(u::table.find(id))
                .set((u::password_hash.eq(hash), u::updated_at.eq(at), u::version.eq(u::version + 1)))
                .execute(tx)?;
            diesel::update(t::table.filter(t::user_id.eq(id)).filter(t::id.ne(token)).filter(t::revoked_at.is_null()))
                .set(t::revoked_at.eq(at))
                .execute(tx)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
