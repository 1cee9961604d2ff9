//! Queries behind authentication.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::scope::subtree_ids;
use super::{Caller, Role, Scope, UserStatus};
use crate::db::ids::{InstitutionId, SendingUnitId, TokenId, UserId};
use crate::db::schema::{auth_tokens as t, institutions as i, users as u};
use crate::db::DbConn;
use crate::error::ApiError;

/// The caller behind a live token of an active account, with their institution scope and the
/// token's expiry.
pub fn caller_by_token(
    conn: &mut DbConn,
    hash: &str,
    at: NaiveDateTime,
) -> Result<Option<(Caller, NaiveDateTime)>, ApiError> {
    type Row = (TokenId, UserId, Role, Option<InstitutionId>, Option<SendingUnitId>, NaiveDateTime);
    let row: Option<Row> = t::table
        .inner_join(u::table)
        .filter(t::token_hash.eq(hash))
        .filter(t::revoked_at.is_null())
        .filter(t::expires_at.gt(at))
        .filter(u::status.eq(UserStatus::Active))
        .select((t::id, u::id, u::role, u::institution_id, u::sending_unit_id, t::expires_at))
        .first(conn)
        .optional()?;
    let Some((token_id, user_id, role, institution_id, sending_unit_id, expires_at)) = row else {
        return Ok(None);
    };
    let scope = match (role, institution_id) {
        (Role::SystemAdmin, _) => Scope::All,
        // A unit officer reads people by the unit that sent them, never by institution.
        (Role::UnitOfficer, _) | (_, None) => Scope::Within(Vec::new()),
        (_, Some(inst)) => {
            let path: String = i::table.find(inst).select(i::path).first(conn)?;
            Scope::Within(subtree_ids(conn, &path)?)
        }
    };
    let access = super::Access::Read;
    Ok(Some((Caller { user_id, token_id, role, institution_id, sending_unit_id, scope, access }, expires_at)))
}

pub fn insert_token(
    conn: &mut DbConn,
    user: UserId,
    hash: &str,
    at: NaiveDateTime,
    expires: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(t::table)
        .values((
            t::id.eq(TokenId::new()),
            t::user_id.eq(user),
            t::token_hash.eq(hash),
            t::created_at.eq(at),
            t::expires_at.eq(expires),
        ))
        .execute(conn)?;
    diesel::update(u::table.find(user)).set(u::last_login_at.eq(at)).execute(conn)?;
    Ok(())
}

pub fn revoke_token(conn: &mut DbConn, token: TokenId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(t::table.find(token).filter(t::revoked_at.is_null())).set(t::revoked_at.eq(at)).execute(conn)
}

/// Removes tokens that expired or were revoked more than `keep_days` ago.
pub fn purge_tokens(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(t::table.filter(t::expires_at.lt(before).or(t::revoked_at.lt(before)))).execute(conn)
}
