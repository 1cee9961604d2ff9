//! Queries over conduct ratings.

use diesel::prelude::*;

use super::Conduct;
use crate::db::ids::*;
use crate::db::schema::conduct;
use crate::db::DbConn;

pub fn of_cohort(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<Conduct>> {
    conduct::table.filter(conduct::cohort_id.eq(cohort)).select(Conduct::as_select()).load(conn)
}

pub fn find(conn: &mut DbConn, cohort: CohortId, learner: LearnerId) -> QueryResult<Option<Conduct>> {
    conduct::table
        .filter(conduct::cohort_id.eq(cohort))
        .filter(conduct::learner_id.eq(learner))
        .select(Conduct::as_select())
        .first(conn)
        .optional()
}

/// Writes a learner's conduct: inserted when `seen_version` is `None`, otherwise updated when
/// nobody changed it since that version; returns whether it was written.
pub fn save(conn: &mut DbConn, row: &Conduct, seen_version: Option<i64>) -> QueryResult<bool> {
    match seen_version {
        Some(v) => diesel::update(conduct::table.find(row.id).filter(conduct::version.eq(v)))
            .set(row)
            .execute(conn)
            .map(|n| n == 1),
        None => diesel::insert_into(conduct::table).values(row).execute(conn).map(|n| n == 1),
    }
}
