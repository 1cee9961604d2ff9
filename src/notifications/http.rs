//! `/api/v1/me/notifications`, `/api/v1/notifications` (the outbox for administrators, with
//! delivery state and resend) and `/api/v1/me/notification-settings` (opting out of reminders).

use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::outbox::{Delivery, Kind, OutboxRow};
use super::store;
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Scope};
use crate::db::ids::*;
use crate::db::page::Page;
use crate::error::ApiError;
use crate::http::extract::{paging, JsonBody};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_notifications)
        .service(list_notifications)
        .service(resend)
        .service(get_settings)
        .service(put_settings);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: MessageId,
    pub kind: Kind,
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub body_text: String,
    /// `pending`, `sent` or `failed`.
    pub status: Delivery,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attachment_name: Option<String>,
    pub user_id: Option<UserId>,
    pub institution_id: Option<InstitutionId>,
    pub created_at: DateTime<Utc>,
}

fn out(r: OutboxRow) -> NotificationOut {
    NotificationOut {
        next_attempt_at: (r.status == Delivery::Pending).then(|| r.next_attempt_at.and_utc()),
        id: r.id,
        kind: r.kind,
        recipient: r.recipient,
        recipient_name: r.recipient_name,
        subject: r.subject,
        body_text: r.body_text,
        status: r.status,
        attempts: r.attempts,
        last_error: r.last_error,
        sent_at: r.sent_at.map(|t| t.and_utc()),
        attachment_name: r.attachment_name,
        user_id: r.user_id,
        institution_id: r.institution_id,
        created_at: r.created_at.and_utc(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub status: Option<Delivery>,
    pub kind: Option<Kind>,
    pub user_id: Option<UserId>,
}

/// Messages sent (or waiting) to the caller, newest first.
#[utoipa::path(tag = "notifications", params(NotificationFilter), responses((status = 200, body = Page<NotificationOut>)), security(("bearer" = [])))]
#[get("/me/notifications")]
async fn my_notifications(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<NotificationFilter>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    if q.user_id.is_some_and(|u| u != caller.user_id) {
        return Err(ApiError::field("user_id", "only your own messages are listed here"));
    }
    let page = paging(q.limit, q.cursor.as_deref())?;
    let limit = page.limit;
    let me = caller.user_id;
    let rows = state.db.read(move |c| store::list(c, Some(me), None, &q, &page)).await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |r| r.id.to_string(), out)))
}

/// The outbox with delivery state, newest first: system administrators see everything,
/// institution administrators the messages of their institutions.
#[utoipa::path(tag = "notifications", params(NotificationFilter), responses((status = 200, body = Page<NotificationOut>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/notifications")]
async fn list_notifications(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<NotificationFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let q = q.into_inner();
    let page = paging(q.limit, q.cursor.as_deref())?;
    let limit = page.limit;
    let rows = state.db.read(move |c| store::list(c, None, Some(&caller.scope), &q, &page)).await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |r| r.id.to_string(), out)))
}

/// Puts a message back in the queue (e.g. after it failed), to go out with the next delivery.
#[utoipa::path(tag = "notifications", params(("id" = MessageId, Path)), responses((status = 200, body = NotificationOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/notifications/{id}/resend")]
async fn resend(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<MessageId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let id = id.into_inner();
    let row = audit
        .write(&state.db, move |tx| {
            let row = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
            if !(matches!(caller.scope, Scope::All) || row.institution_id.is_some_and(|i| caller.scope.contains(i))) {
                return Err(ApiError::not_found());
            }
            Ok(store::requeue(tx, row)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out(row)))
}

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Vi,
    En,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Reminder kinds the caller does not want: `session_reminder`, `exam_reminder`,
    /// `field_report_reminder`, `grading_reminder`, `cohort_ending`, `inspection_overdue`.
    pub opt_out: Vec<Kind>,
    /// `vi` (the default) or `en`; unchanged when absent.
    #[serde(default)]
    pub language: Option<Language>,
}

/// The reminder kinds the caller turned off and the language of their messages.
#[utoipa::path(tag = "notifications", responses((status = 200, body = NotificationSettings)), security(("bearer" = [])))]
#[get("/me/notification-settings")]
async fn get_settings(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let (kinds, language): (Vec<String>, Language) = state
        .db
        .read(move |c| Ok((store::opt_outs(c, caller.user_id)?, store::language_of(c, caller.user_id)?)))
        .await?;
    let opt_out = kinds.iter().filter_map(|k| Kind::ALL.iter().copied().find(|x| x.as_str() == k)).collect();
    Ok(HttpResponse::Ok().json(NotificationSettings { opt_out, language: Some(language) }))
}

/// Replaces the reminder kinds the caller turned off, and sets the language of their messages.
/// Results of a class always go out.
#[utoipa::path(tag = "notifications", request_body = NotificationSettings, responses((status = 200, body = NotificationSettings), (status = 400, body = crate::error::Problem)), security(("bearer" = [])))]
#[put("/me/notification-settings")]
async fn put_settings(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    body: JsonBody<NotificationSettings>,
) -> Result<HttpResponse, ApiError> {
    let body = body.take()?;
    let asked = body.language;
    let mut kinds = body.opt_out;
    kinds.sort();
    kinds.dedup();
    if let Some(i) = kinds.iter().position(|k| !k.is_reminder()) {
        return Err(ApiError::field(&format!("opt_out[{i}]"), "results of a class cannot be turned off"));
    }
    let k2 = kinds.clone();
    let language = audit
        .write(&state.db, move |tx| {
            store::set_preferences(tx, caller.user_id, &k2, asked)?;
            Ok(store::language_of(tx, caller.user_id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(NotificationSettings { opt_out: kinds, language: Some(language) }))
}
