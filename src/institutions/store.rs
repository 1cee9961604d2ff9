//! Queries over institutions. Every read of scoped rows takes the caller's [`Scope`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use super::model::{Institution, InstitutionStatus};
use crate::auth::Scope;
use crate::db::ids::InstitutionId;
use crate::db::page::PageRequest;
use crate::db::schema::{institution_tiers as t, institutions as i};
use crate::db::DbConn;
use crate::error::ApiError;

pub fn insert(conn: &mut DbConn, row: &Institution) -> QueryResult<()> {
    diesel::insert_into(i::table).values(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut DbConn, id: InstitutionId) -> QueryResult<Option<Institution>> {
    i::table.find(id).select(Institution::as_select()).first(conn).optional()
}

/// The levels for which the institution takes a level held only on a credential (none for an
/// unknown id).
pub fn evidence_required(conn: &mut DbConn, id: InstitutionId) -> QueryResult<Vec<crate::programs::model::Level>> {
    Ok(i::table
        .find(id)
        .select(i::evidence_required)
        .first::<crate::programs::model::Levels>(conn)
        .optional()?
        .map(|l| l.0)
        .unwrap_or_default())
}

/// The institutions whose code or id is one of `keys` (as a spreadsheet names them).
pub fn by_codes_or_ids(conn: &mut DbConn, keys: &[String]) -> QueryResult<Vec<Institution>> {
    let ids: Vec<InstitutionId> = keys.iter().filter_map(|k| k.parse().ok()).collect();
    i::table.filter(i::code.eq_any(keys).or(i::id.eq_any(ids))).select(Institution::as_select()).load(conn)
}

/// The institution if it exists and lies in `scope`; otherwise 404.
pub fn get(conn: &mut DbConn, scope: &Scope, id: InstitutionId) -> Result<Institution, ApiError> {
    scope.check(id)?;
    find(conn, id)?.ok_or_else(ApiError::not_found)
}

pub struct Filter {
    pub updated_since: Option<NaiveDateTime>,
    pub tier: Option<String>,
    pub parent_id: Option<InstitutionId>,
    pub status: Option<InstitutionStatus>,
}

/// One page (plus one row) in id order.
pub fn list(conn: &mut DbConn, scope: &Scope, f: &Filter, page: &PageRequest) -> Result<Vec<Institution>, ApiError> {
    let mut q = i::table.select(Institution::as_select()).into_boxed();
    q = crate::within_scope!(q, scope, i::id);
    if let Some(ts) = f.updated_since {
        q = q.filter(i::updated_at.ge(ts));
    }
    if let Some(tier) = &f.tier {
        q = q.filter(i::tier.eq(tier.clone()));
    }
    if let Some(p) = f.parent_id {
        q = q.filter(i::parent_id.eq(p));
    }
    if let Some(s) = f.status {
        q = q.filter(i::status.eq(s));
    }
    if let Some(after) = &page.after {
        let after: InstitutionId =
            after.parse().map_err(|_| ApiError::field("cursor", "is not a cursor this service gave"))?;
        q = q.filter(i::id.gt(after));
    }
    Ok(q.order(i::id.asc()).limit(page.limit + 1).load(conn)?)
}

/// Ids of the institution whose path is `path` and of everything below it.
pub use crate::auth::scope::subtree_ids;

/// Writes the changed row when nobody else changed it meanwhile; returns whether it did.
pub fn save(conn: &mut DbConn, row: &Institution, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, i, row, seen_version)
}

/// Rewrites the paths of a moved subtree: `old_prefix…` becomes `new_prefix…`.
pub fn move_subtree(conn: &mut DbConn, old_prefix: &str, new_prefix: &str) -> QueryResult<usize> {
    diesel::sql_query("UPDATE institutions SET path = $1 || substr(path, $2) WHERE path LIKE $3")
        .bind::<Text, _>(new_prefix)
        .bind::<Integer, _>(old_prefix.len() as i32 + 1)
        .bind::<Text, _>(format!("{old_prefix}%"))
        .execute(conn)
}

pub fn code_taken(conn: &mut DbConn, code: &str, except: Option<InstitutionId>) -> QueryResult<bool> {
    let mut q = i::table.filter(i::code.eq(code)).select(i::id).into_boxed();
    if let Some(id) = except {
        q = q.filter(i::id.ne(id));
    }
    q.first::<InstitutionId>(conn).optional().map(|r| r.is_some())
}

pub fn tier_exists(conn: &mut DbConn, code: &str) -> QueryResult<bool> {
    t::table.find(code).select(t::code).first::<String>(conn).optional().map(|r| r.is_some())
}

#[allow(clippy::type_complexity)]
pub fn tiers(
    conn: &mut DbConn,
) -> QueryResult<Vec<(String, String, String, Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)>> {
    t::table.order(t::position.asc()).select((t::code, t::name, t::name_vi, t::valid_from, t::valid_until)).load(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    i::table.count().get_result(conn)
}

/// A merged institution is read-only: new records go to the institution it was merged into.
pub fn accepts_records(row: &Institution) -> Result<(), ApiError> {
    if row.status == super::model::InstitutionStatus::Merged {
        return Err(ApiError::refused(
            "institution_merged",
            "A merged institution is read-only; record new data at the institution it was merged into.",
        ));
    }
    Ok(())
}
