//! Queries over inspections.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::Inspection;
use crate::auth::Scope;
use crate::db::ids::*;
use crate::db::page::PageRequest;
use crate::db::schema::inspections as t;
use crate::db::DbConn;
use crate::error::ApiError;

/// The inspection if its institution is in `scope`; 404 otherwise.
pub fn in_scope(conn: &mut DbConn, scope: &Scope, id: InspectionId) -> Result<Inspection, ApiError> {
    t::table
        .find(id)
        .select(Inspection::as_select())
        .first(conn)
        .optional()?
        .filter(|x| scope.contains(x.institution_id))
        .ok_or_else(ApiError::not_found)
}

pub struct Filter {
    pub institution_id: Option<InstitutionId>,
    pub held_from: Option<NaiveDate>,
    pub held_to: Option<NaiveDate>,
}

/// Inspections in scope, oldest first (keyset by id).
pub fn list(conn: &mut DbConn, scope: &Scope, f: &Filter, page: &PageRequest) -> Result<Vec<Inspection>, ApiError> {
    let mut q = t::table.select(Inspection::as_select()).into_boxed();
    q = crate::within_scope!(q, scope, t::institution_id);
    if let Some(i) = f.institution_id {
        q = q.filter(t::institution_id.eq(i));
    }
    if let Some(d) = f.held_from {
        q = q.filter(t::held_on.ge(d));
    }
    if let Some(d) = f.held_to {
        q = q.filter(t::held_on.le(d));
    }
    if let Some(after) = &page.after {
        let after: InspectionId =
            after.parse().map_err(|_| ApiError::field("cursor", "is not a cursor this service gave"))?;
        q = q.filter(t::id.gt(after));
    }
    Ok(q.order(t::id.asc()).limit(page.limit + 1).load(conn)?)
}

/// Every inspection with a recommendation that may be overdue: held on or before `today`.
pub fn with_recommendations(conn: &mut DbConn, today: NaiveDate) -> QueryResult<Vec<Inspection>> {
    t::table
        .filter(t::held_on.le(today))
        .filter(t::recommendations.ne("[]"))
        .order(t::id)
        .select(Inspection::as_select())
        .load(conn)
}

pub fn insert(conn: &mut DbConn, row: &Inspection) -> QueryResult<()> {
    crate::insert_rows!(conn, t, std::slice::from_ref(row));
    Ok(())
}

pub fn save(conn: &mut DbConn, row: &Inspection, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, t, row, seen_version)
}
