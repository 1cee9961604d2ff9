//! Queries over nomination lists and their people.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::*;
use crate::auth::{Caller, Role};
use crate::db::ids::*;
use crate::db::page::PageRequest;
use crate::db::schema::{learners as l, nominated_people as p, nominations as n};
use crate::db::DbConn;
use crate::error::ApiError;

/// A person on a list with their name and date of birth.
pub type Row = (NominatedPerson, String, NaiveDate);

pub fn insert(tx: &mut DbConn, row: &Nomination, people: &[NominatedPerson]) -> QueryResult<()> {
    crate::insert_rows!(tx, n, std::slice::from_ref(row));
    crate::insert_rows!(tx, p, people);
    Ok(())
}

/// The list if the caller may see it: a unit officer their unit's lists, everyone else those of
/// the institutions in their scope; 404 otherwise.
pub fn visible(tx: &mut DbConn, caller: &Caller, id: NominationId) -> Result<Nomination, ApiError> {
    n::table
        .find(id)
        .select(Nomination::as_select())
        .first(tx)
        .optional()?
        .filter(|x| match caller.role {
            Role::UnitOfficer => caller.sending_unit_id == Some(x.sending_unit_id),
            _ => caller.scope.contains(x.institution_id),
        })
        .ok_or_else(ApiError::not_found)
}

/// The list's people in list order.
pub fn people_of(tx: &mut DbConn, ids: &[NominationId]) -> QueryResult<Vec<Row>> {
    p::table
        .inner_join(l::table)
        .filter(p::nomination_id.eq_any(ids))
        .order((p::nomination_id, p::position))
        .select((NominatedPerson::as_select(), l::full_name, l::date_of_birth))
        .load(tx)
}

/// Those of `learners` already waiting on another list for the class.
pub fn pending_for_class(tx: &mut DbConn, cohort: CohortId, learners: &[LearnerId]) -> QueryResult<Vec<LearnerId>> {
    let mut out = Vec::new();
    for chunk in learners.chunks(500) {
        out.extend(
            p::table
                .inner_join(n::table)
                .filter(n::cohort_id.eq(cohort))
                .filter(p::status.eq(PersonStatus::Pending))
                .filter(p::learner_id.eq_any(chunk))
                .select(p::learner_id)
                .load::<LearnerId>(tx)?,
        );
    }
    Ok(out)
}

pub struct Filter {
    pub sending_unit_id: Option<SendingUnitId>,
    pub cohort_id: Option<CohortId>,
    pub status: Option<NominationStatus>,
}

/// The lists the caller may see, oldest first (keyset by id).
pub fn list(tx: &mut DbConn, caller: &Caller, f: &Filter, page: &PageRequest) -> Result<Vec<Nomination>, ApiError> {
    let mut q = n::table.select(Nomination::as_select()).into_boxed();
    if caller.role == Role::UnitOfficer {
        let own = caller.sending_unit_id.ok_or_else(ApiError::not_found)?;
        q = q.filter(n::sending_unit_id.eq(own));
    } else {
        q = crate::within_scope!(q, &caller.scope, n::institution_id);
    }
    if let Some(u) = f.sending_unit_id {
        q = q.filter(n::sending_unit_id.eq(u));
    }
    if let Some(c) = f.cohort_id {
        q = q.filter(n::cohort_id.eq(c));
    }
    if let Some(s) = f.status {
        q = q.filter(n::status.eq(s));
    }
    if let Some(after) = &page.after {
        let after: NominationId =
            after.parse().map_err(|_| ApiError::field("cursor", "is not a cursor this service gave"))?;
        q = q.filter(n::id.gt(after));
    }
    Ok(q.order(n::id.asc()).limit(page.limit + 1).load(tx)?)
}

/// Writes one person's decision.
pub fn save_person(tx: &mut DbConn, row: &NominatedPerson) -> QueryResult<()> {
    diesel::update(p::table.find(row.id)).set(row).execute(tx).map(|_| ())
}

/// Saves the list over the version seen; false when someone changed it meanwhile.
pub fn save(tx: &mut DbConn, row: &Nomination, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(tx, n, row, seen_version)
}

/// Whether the unit already sent a list under this decision.
pub fn decision_taken(tx: &mut DbConn, unit: SendingUnitId, no: &str, on: NaiveDate) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        n::table.filter(n::sending_unit_id.eq(unit)).filter(n::decision_no.eq(no)).filter(n::decision_on.eq(on)),
    ))
    .get_result(tx)
}
