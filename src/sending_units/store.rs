//! Queries over the registry of sending units.

use diesel::prelude::*;

use super::SendingUnit;
use crate::auth::{Caller, Scope};
use crate::db::ids::*;
use crate::db::page::PageRequest;
use crate::db::schema::sending_units as su;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::text::fold;

pub fn find(conn: &mut DbConn, id: SendingUnitId) -> QueryResult<Option<SendingUnit>> {
    su::table.find(id).select(SendingUnit::as_select()).first(conn).optional()
}

pub fn name_taken(
    conn: &mut DbConn,
    institution: InstitutionId,
    key: &str,
    except: Option<SendingUnitId>,
) -> QueryResult<bool> {
    let mut q =
        su::table.filter(su::institution_id.eq(institution)).filter(su::name_key.eq(key)).select(su::id).into_boxed();
    if let Some(x) = except {
        q = q.filter(su::id.ne(x));
    }
    q.first::<SendingUnitId>(conn).optional().map(|r| r.is_some())
}

/// The registered units among `keys` (folded names) known at an institution on `path` or above
/// it; where two levels know a unit, the nearest wins.
pub fn registered(
    conn: &mut DbConn,
    path: &str,
    keys: &[String],
) -> QueryResult<std::collections::HashMap<String, SendingUnit>> {
    let chain: Vec<InstitutionId> =
        path.split('/').filter_map(|s| s.parse::<uuid::Uuid>().ok()).map(InstitutionId).collect();
    let rows: Vec<SendingUnit> = su::table
        .filter(su::institution_id.eq_any(chain.clone()))
        .filter(su::name_key.eq_any(keys))
        .select(SendingUnit::as_select())
        .load(conn)?;
    let depth = |i: InstitutionId| chain.iter().position(|c| *c == i).unwrap_or(0);
    let mut out: std::collections::HashMap<String, SendingUnit> = std::collections::HashMap::new();
    for r in rows {
        match out.get(&r.name_key) {
            Some(cur) if depth(cur.institution_id) >= depth(r.institution_id) => {}
            _ => {
                out.insert(r.name_key.clone(), r);
            }
        }
    }
    Ok(out)
}

/// The unit if it is registered in the caller's scope; 404 otherwise.
pub fn in_scope(tx: &mut DbConn, caller: &Caller, id: SendingUnitId) -> Result<SendingUnit, ApiError> {
    let u = find(tx, id)?.ok_or_else(ApiError::not_found)?;
    caller.scope.check(u.institution_id)?;
    Ok(u)
}

/// Units in the scope, at one institution when given, whose folded name holds `text`, in
/// creation order; one more than the page.
pub fn list(
    tx: &mut DbConn,
    scope: &Scope,
    institution: Option<InstitutionId>,
    text: Option<&str>,
    page: &PageRequest,
) -> QueryResult<Vec<SendingUnit>> {
    let mut qq = su::table.select(SendingUnit::as_select()).into_boxed();
    qq = crate::within_scope!(qq, scope, su::institution_id);
    if let Some(i) = institution {
        qq = qq.filter(su::institution_id.eq(i));
    }
    if let Some(text) = text.map(fold).filter(|t| !t.is_empty()) {
        qq = qq.filter(su::name_key.like(format!("%{}%", text.replace(['%', '_'], ""))));
    }
    if let Some(after) = page.after.as_deref().and_then(|a| a.parse::<SendingUnitId>().ok()) {
        qq = qq.filter(su::id.gt(after));
    }
    qq.order(su::id.asc()).limit(page.limit + 1).load(tx)
}

pub fn insert(tx: &mut DbConn, row: &SendingUnit) -> QueryResult<()> {
    diesel::insert_into(su::table).values(row).execute(tx).map(|_| ())
}

/// Saves the unit over the version seen; false when someone changed it meanwhile.
pub fn save(tx: &mut DbConn, row: &SendingUnit, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(tx, su, row, seen_version)
}

pub fn delete(tx: &mut DbConn, id: SendingUnitId) -> QueryResult<()> {
    diesel::delete(su::table.find(id)).execute(tx).map(|_| ())
}
