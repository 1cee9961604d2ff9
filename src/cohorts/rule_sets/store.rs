//! Queries over rule sets.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::RuleSet;
use crate::db::ids::RuleSetId;
use crate::db::schema::{cohorts as c, rule_sets as r};
use crate::db::DbConn;

/// Every rule set, oldest first.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<RuleSet>> {
    r::table.order(r::effective_from.asc()).select(RuleSet::as_select()).load(conn)
}

pub fn find(conn: &mut DbConn, id: RuleSetId) -> QueryResult<Option<RuleSet>> {
    r::table.find(id).select(RuleSet::as_select()).first(conn).optional()
}

pub fn by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<RuleSet>> {
    r::table.filter(r::code.eq(code)).select(RuleSet::as_select()).first(conn).optional()
}

/// The set in force on `day`: the latest to take effect by then, or the earliest of all for a
/// day before any (classes from before the first regulation the service knows).
pub fn in_force(conn: &mut DbConn, day: NaiveDate) -> QueryResult<RuleSet> {
    let latest = r::table
        .filter(r::effective_from.le(day))
        .order(r::effective_from.desc())
        .select(RuleSet::as_select())
        .first(conn)
        .optional()?;
    match latest {
        Some(s) => Ok(s),
        None => r::table.order(r::effective_from.asc()).select(RuleSet::as_select()).first(conn),
    }
}

/// The set a class was opened under (its `regulation` code), or the one in force on its first
/// day if that code names none.
pub fn of_class(conn: &mut DbConn, code: &str, starts_on: NaiveDate) -> QueryResult<RuleSet> {
    match by_code(conn, code)? {
        Some(s) => Ok(s),
        None => in_force(conn, starts_on),
    }
}

pub fn insert(conn: &mut DbConn, row: &RuleSet) -> QueryResult<()> {
    crate::insert_rows!(conn, r, std::slice::from_ref(row));
    Ok(())
}

pub fn save(conn: &mut DbConn, row: &RuleSet, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, r, row, seen_version)
}

/// Whether another set already takes effect on `day`, or uses `code`.
pub fn clashes(conn: &mut DbConn, code: &str, day: NaiveDate, except: Option<RuleSetId>) -> QueryResult<(bool, bool)> {
    let mut q = r::table.filter(r::code.eq(code).or(r::effective_from.eq(day))).into_boxed();
    if let Some(x) = except {
        q = q.filter(r::id.ne(x));
    }
    let others = q.select((r::code, r::effective_from)).load::<(String, NaiveDate)>(conn)?;
    Ok((others.iter().any(|(c, _)| c == code), others.iter().any(|(_, d)| *d == day)))
}

/// How many classes were opened under the set.
pub fn classes_under(conn: &mut DbConn, code: &str) -> QueryResult<i64> {
    c::table.filter(c::regulation.eq(code)).count().get_result(conn)
}
