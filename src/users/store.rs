//! Queries over user accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{User, UserStatus};
use crate::auth::{Role, Scope};
use crate::db::ids::{InstitutionId, UserId};
use crate::db::page::PageRequest;
use crate::db::schema::{auth_tokens as t, users as u};
use crate::db::DbConn;
use crate::error::ApiError;

pub fn insert(conn: &mut DbConn, row: &User) -> QueryResult<()> {
    diesel::insert_into(u::table).values(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut DbConn, id: UserId) -> QueryResult<Option<User>> {
    u::table.find(id).select(User::as_select()).first(conn).optional()
}

/// A user's full name (empty for an id that names nobody).
pub fn display_name(conn: &mut DbConn, id: UserId) -> QueryResult<String> {
    Ok(u::table.find(id).select(u::full_name).first(conn).optional()?.unwrap_or_default())
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    u::table.filter(u::email.eq(email)).select(User::as_select()).first(conn).optional()
}

/// The account if it belongs to an institution in `scope` (system administrators' accounts are
/// visible only to system administrators); otherwise 404.
pub fn get(conn: &mut DbConn, scope: &Scope, id: UserId) -> Result<User, ApiError> {
    let user = find(conn, id)?.ok_or_else(ApiError::not_found)?;
    match (scope, user.institution_id) {
        (Scope::All, _) => Ok(user),
        (Scope::Within(ids), Some(inst)) if ids.contains(&inst) => Ok(user),
        _ => Err(ApiError::not_found()),
    }
}

pub struct Filter {
    pub updated_since: Option<NaiveDateTime>,
    pub role: Option<Role>,
    pub institution_id: Option<InstitutionId>,
    pub status: Option<UserStatus>,
}

pub fn list(conn: &mut DbConn, scope: &Scope, f: &Filter, page: &PageRequest) -> Result<Vec<User>, ApiError> {
    let mut q = u::table.select(User::as_select()).into_boxed();
    q = crate::within_scope!(q, scope, u::institution_id);
    if let Some(ts) = f.updated_since {
        q = q.filter(u::updated_at.ge(ts));
    }
    if let Some(r) = f.role {
        q = q.filter(u::role.eq(r));
    }
    if let Some(i) = f.institution_id {
        q = q.filter(u::institution_id.eq(i));
    }
    if let Some(s) = f.status {
        q = q.filter(u::status.eq(s));
    }
    if let Some(after) = &page.after {
        let after: UserId =
            after.parse().map_err(|_| ApiError::field("cursor", "is not a cursor this service gave"))?;
        q = q.filter(u::id.gt(after));
    }
    Ok(q.order(u::id.asc()).limit(page.limit + 1).load(conn)?)
}

pub fn save(conn: &mut DbConn, row: &User, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, u, row, seen_version)
}

pub fn email_taken(conn: &mut DbConn, email: &str, except: Option<UserId>) -> QueryResult<bool> {
    let mut q = u::table.filter(u::email.eq(email)).select(u::id).into_boxed();
    if let Some(id) = except {
        q = q.filter(u::id.ne(id));
    }
    q.first::<UserId>(conn).optional().map(|r| r.is_some())
}

/// Revokes every live token of the user ("sign out everywhere").
pub fn revoke_tokens(conn: &mut DbConn, user: UserId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(t::table.filter(t::user_id.eq(user)).filter(t::revoked_at.is_null()))
        .set(t::revoked_at.eq(at))
        .execute(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    u::table.count().get_result(conn)
}
