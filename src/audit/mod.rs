//! The audit trail: every write through the API — who (actor, role, institution), when, from
//! where, the verb and path, the resource and a summary of the request — is recorded in the same
//! transaction as the write, so a change and its audit row stand or fall together.
//!
//! A handler that writes takes an [`Audit`] and writes through it: the row names the request
//! (id, verb, path, client, the JSON body the middleware kept with secrets masked) and the
//! signed-in caller, whom the `Caller` extractor left on the request. Writes of the scheduler and
//! the command line use `Db::write` and are not audited. Nothing in the API updates or deletes
//! audit rows.

pub mod http;
pub mod store;

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use diesel::prelude::*;

use crate::auth::{Caller, Role};
use crate::db::ids::{InstitutionId, UserId};
use crate::db::schema::audit_log as a;
use crate::db::{Db, DbConn, Journal};
use crate::error::ApiError;
use crate::http::middleware::RequestFacts;

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

impl Journal for Context {
    fn append(&self, tx: &mut DbConn, created: Option<&str>) -> QueryResult<()> {
        record(tx, self, created)
    }
}

/// The audit trail of the request at hand; writes made through it are recorded.
pub struct Audit {
    req: HttpRequest,
}

impl FromRequest for Audit {
    type Error = ApiError;
    type Future = Ready<Result<Audit, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Audit { req: req.clone() }))
    }
}

impl Audit {
    /// What the row of a write made now would say (the caller as signed in by then).
    pub fn entry(&self) -> Context {
        let ext = self.req.extensions();
        let facts = ext.get::<RequestFacts>();
        Context {
            request_id: facts.map(|f| f.request_id.clone()).unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
            method: self.req.method().to_string(),
            path: self.req.path().to_string(),
            client_addr: self.req.peer_addr().map(|a| a.ip().to_string()),
            summary: facts.and_then(|f| f.body_summary.clone()),
            actor: ext.get::<Caller>().map(|c| (c.user_id, c.role, c.institution_id)),
        }
    }

    /// One write transaction that records this request in the audit trail.
    pub async fn write<T, F>(&self, db: &Db, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        db.write_journaled(self.entry(), f, |_| None).await
    }

    /// Like [`Audit::write`], for writes that create something: `created` gives the path of
    /// what was made, which the audit row names as its resource.
    pub async fn write_locating<T, F>(&self, db: &Db, f: F, created: fn(&T) -> Option<String>) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        db.write_journaled(self.entry(), f, created).await
    }

    /// Records that the caller read personal data (a list with personal fields, or a person's
    /// whole record): inspections ask who looked, not only who changed.
    pub async fn personal_data_read(&self, db: &Db, what: &str) -> Result<(), ApiError> {
        let mut ctx = self.entry();
        ctx.summary = Some(serde_json::json!({"read": what, "query": self.req.query_string()}).to_string());
        db.journal(ctx).await
    }
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
    fn resources_are_named() {
        let id = uuid::Uuid::now_v7().to_string();
        assert_eq!(resource(&format!("/api/v1/cohorts/{id}/enrollments")), ("cohorts".to_string(), Some(id.clone())));
        assert_eq!(resource("/api/v1/institutions"), ("institutions".to_string(), None));
    }
}
