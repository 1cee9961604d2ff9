//! Queries over the audit trail.

use diesel::prelude::*;

use super::http::AuditFilter;
use crate::auth::Scope;
use crate::db::ids::{InstitutionId, UserId};
use crate::db::page::PageRequest;
use crate::db::schema::audit_log as a;
use crate::db::DbConn;
use crate::error::ApiError;

/// An audit row as listed: id, at, request id, actor, role, institution, client, method, path,
/// resource type and id, summary.
pub type Row = (
    String,
    chrono::NaiveDateTime,
    Option<String>,
    Option<UserId>,
    Option<String>,
    Option<InstitutionId>,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// The rows in the scope that pass the filter, oldest first, one more than the page to tell
/// whether another follows.
pub fn list(c: &mut DbConn, scope: &Scope, q: &AuditFilter, page: &PageRequest) -> Result<Vec<Row>, ApiError> {
    let mut qq = a::table
        .select((
            a::id,
            a::at,
            a::request_id,
            a::actor_id,
            a::actor_role,
            a::institution_id,
            a::client_addr,
            a::method,
            a::path,
            a::resource_type,
            a::resource_id,
            a::summary,
        ))
        .into_boxed();
    qq = crate::within_scope!(qq, scope, a::institution_id);
    if let Some(x) = &q.resource_type {
        qq = qq.filter(a::resource_type.eq(x.clone()));
    }
    if let Some(x) = &q.resource_id {
        qq = qq.filter(a::resource_id.eq(x.clone()));
    }
    if let Some(x) = q.actor_id {
        qq = qq.filter(a::actor_id.eq(x));
    }
    if let Some(x) = q.from {
        qq = qq.filter(a::at.ge(x.naive_utc()));
    }
    if let Some(x) = q.to {
        qq = qq.filter(a::at.lt(x.naive_utc()));
    }
    if let Some(after) = &page.after {
        qq = qq.filter(a::id.gt(after.clone()));
    }
    Ok(qq.order(a::id.asc()).limit(page.limit + 1).load(c)?)
}
