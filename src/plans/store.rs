//! Queries over training plans.

use std::collections::HashMap;

use diesel::prelude::*;

use super::model::{PlanStatus, TrainingPlan};
use crate::auth::Scope;
use crate::db::ids::*;
use crate::db::page::PageRequest;
use crate::db::schema::{programs as p, training_plans as t};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::programs::model::{Level, ProgramStatus};

pub fn find(conn: &mut DbConn, id: TrainingPlanId) -> QueryResult<Option<TrainingPlan>> {
    t::table.find(id).select(TrainingPlan::as_select()).first(conn).optional()
}

/// The plan if its institution is in `scope`; `None` (404) otherwise.
pub fn in_scope(conn: &mut DbConn, scope: &Scope, id: TrainingPlanId) -> QueryResult<Option<TrainingPlan>> {
    Ok(find(conn, id)?.filter(|x| scope.contains(x.institution_id)))
}

/// The latest revision of an institution's plan for a year.
pub fn latest(conn: &mut DbConn, institution: InstitutionId, year: i32) -> QueryResult<Option<TrainingPlan>> {
    t::table
        .filter(t::institution_id.eq(institution))
        .filter(t::year.eq(year))
        .order(t::revision.desc())
        .select(TrainingPlan::as_select())
        .first(conn)
        .optional()
}

pub struct Filter {
    pub institution_id: Option<InstitutionId>,
    pub year: Option<i32>,
    pub status: Option<PlanStatus>,
}

/// Plans in scope, oldest first (keyset by id).
pub fn list(conn: &mut DbConn, scope: &Scope, f: &Filter, page: &PageRequest) -> Result<Vec<TrainingPlan>, ApiError> {
    let mut q = t::table.select(TrainingPlan::as_select()).into_boxed();
    q = crate::within_scope!(q, scope, t::institution_id);
    if let Some(i) = f.institution_id {
        q = q.filter(t::institution_id.eq(i));
    }
    if let Some(y) = f.year {
        q = q.filter(t::year.eq(y));
    }
    if let Some(s) = f.status {
        q = q.filter(t::status.eq(s));
    }
    if let Some(after) = &page.after {
        let after: TrainingPlanId =
            after.parse().map_err(|_| ApiError::field("cursor", "is not a cursor this service gave"))?;
        q = q.filter(t::id.gt(after));
    }
    Ok(q.order(t::id.asc()).limit(page.limit + 1).load(conn)?)
}

/// The latest revision of every plan of the institutions for the years (only approved ones when
/// `approved`), each institution and year once.
pub fn newest_of(
    conn: &mut DbConn,
    institutions: &[InstitutionId],
    years: std::ops::RangeInclusive<i32>,
    approved: bool,
) -> QueryResult<Vec<TrainingPlan>> {
    let mut q = t::table
        .filter(t::institution_id.eq_any(institutions))
        .filter(t::year.between(*years.start(), *years.end()))
        .into_boxed();
    if approved {
        q = q.filter(t::status.eq(PlanStatus::Approved));
    }
    let all: Vec<TrainingPlan> =
        q.order((t::institution_id, t::year, t::revision.desc())).select(TrainingPlan::as_select()).load(conn)?;
    let mut out: Vec<TrainingPlan> = Vec::new();
    for plan in all {
        if out.last().is_none_or(|l| (l.institution_id, l.year) != (plan.institution_id, plan.year)) {
            out.push(plan);
        }
    }
    Ok(out)
}

/// The levels of the named programs an institution may plan: published, national or owned by
/// one of `owners` (the institution and those above it).
pub fn plannable(
    conn: &mut DbConn,
    ids: &[ProgramId],
    owners: &[InstitutionId],
) -> QueryResult<HashMap<ProgramId, Level>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(ProgramId, Level, Option<InstitutionId>)> = p::table
        .filter(p::id.eq_any(ids))
        .filter(p::status.eq(ProgramStatus::Published))
        .select((p::id, p::level, p::owner_institution_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, owner)| owner.is_none_or(|o| owners.contains(&o)))
        .map(|(id, level, _)| (id, level))
        .collect())
}

pub fn insert(conn: &mut DbConn, row: &TrainingPlan) -> QueryResult<()> {
    crate::insert_rows!(conn, t, std::slice::from_ref(row));
    Ok(())
}

pub fn save(conn: &mut DbConn, row: &TrainingPlan, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, t, row, seen_version)
}
