//! The audit trail: every write through the API — who (actor, role, institution), when, from
//! where, the verb and path, the resource and a summary of the request — is recorded in the same
//! transaction as the write, so a change and its audit row stand or fall together.
//!
//! The request middleware opens a task-local [`Context`] for each writing request; the `Caller`
//! extractor adds the actor; [`crate::db::Db::write`] appends the row before committing. Nothing
//! in the API updates or deletes audit rows.

pub mod http;

use std::cell::RefCell;

use diesel::prelude::*;
use serde_json::Value;

use crate::auth::Role;
use crate::db::ids::{InstitutionId, UserId};
use crate::db::schema::audit_log as a;
use crate::db::DbConn;

/// What is known about the request making a write.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub request_id: String,
    pub method: String,
    pub path: String,
    pub client_addr: Option<String>,
    pub summary: Option<String>,
    pub actor: Option<(UserId, Role, Option<InstitutionId>)>,
}

tokio::task_local! {
    static CONTEXT: RefCell<Context>;
}

/// Runs `f` (the rest of a writing request) with `ctx` as its audit context.
pub async fn scope<F: std::future::Future>(ctx: Context, f: F) -> F::Output {
    CONTEXT.scope(RefCell::new(ctx), f).await
}

/// Names the signed-in actor of the current request, if it is being audited.
pub fn set_actor(user: UserId, role: Role, institution: Option<InstitutionId>) {
    let _ = CONTEXT.try_with(|c| c.borrow_mut().actor = Some((user, role, institution)));
}

/// The current request's audit context, when it is a write.
pub fn current() -> Option<Context> {
    CONTEXT.try_with(|c| c.borrow().clone()).ok()
}

/// Secrets never reach the audit trail.
pub fn redact(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                if k.contains("password") || k.contains("token") {
                    *val = Value::String("***".into());
                } else {
                    redact(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Records that `caller` read personal data (a list with personal fields, or a person's whole
/// record): inspections ask who looked, not only who changed.
pub async fn personal_data_read(
    db: &crate::db::Db,
    caller: &crate::auth::Caller,
    req: &actix_web::HttpRequest,
    what: &str,
) -> Result<(), crate::error::ApiError> {
    let ctx = Context {
        request_id: uuid::Uuid::now_v7().to_string(),
        method: "GET".into(),
        path: req.path().to_string(),
        client_addr: req.peer_addr().map(|a| a.ip().to_string()),
        summary: Some(serde_json::json!({"read": what, "query": req.query_string()}).to_string()),
        actor: Some((caller.user_id, caller.role, caller.institution_id)),
    };
    let mut conn = db.conn()?;
    actix_web::web::block(move || crate::db::write_tx(&mut conn, |tx| record(tx, &ctx, None)))
        .await
        .map_err(|_| crate::error::ApiError::Internal("audit task failed".into()))??;
    Ok(())
}

/// The resource a path is about: the first segment after `/api/v1/` and the first id in it.
pub fn resource(path: &str) -> (String, Option<String>) {
    let rest = path.strip_prefix("/api/v1/").unwrap_or(path.trim_start_matches('/'));
    let mut segs = rest.split('/');
    let kind = segs.next().unwrap_or_default().to_string();
    let id = rest.split('/').find(|s| uuid::Uuid::parse_str(s).is_ok()).map(str::to_string);
    (kind, id)
}

/// Appends the audit row of `ctx` (inside the write's transaction); `created` is the path of a
/// resource the write made, which then names the row's resource.
pub fn record(tx: &mut DbConn, ctx: &Context, created: Option<&str>) -> QueryResult<()> {
    let (kind, id) = resource(created.unwrap_or(&ctx.path));
    let (actor, role, inst) = match &ctx.actor {
        Some((u, r, i)) => (Some(*u), Some(r.as_str()), *i),
        None => (None, None, None),
    };
    diesel::insert_into(a::table)
        .values((
            a::id.eq(uuid::Uuid::now_v7().to_string()),
            a::at.eq(crate::db::now()),
            a::request_id.eq(&ctx.request_id),
            a::actor_id.eq(actor),
            a::actor_role.eq(role),
            a::institution_id.eq(inst),
            a::client_addr.eq(&ctx.client_addr),
            a::method.eq(&ctx.method),
            a::path.eq(&ctx.path),
            a::resource_type.eq(kind),
            a::resource_id.eq(id),
            a::summary.eq(&ctx.summary),
        ))
        .execute(tx)
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_and_resources_named() {
        let mut v = serde_json::json!({"email": "a@b.vn", "password": "bí mật", "nested": [{"new_password": "x", "name": "An"}]});
        redact(&mut v);
        assert_eq!(v["password"], "***");
        assert_eq!(v["nested"][0]["new_password"], "***");
        assert_eq!(v["nested"][0]["name"], "An");
        let id = uuid::Uuid::now_v7().to_string();
        assert_eq!(resource(&format!("/api/v1/cohorts/{id}/enrollments")), ("cohorts".to_string(), Some(id.clone())));
        assert_eq!(resource("/api/v1/institutions"), ("institutions".to_string(), None));
    }
}
