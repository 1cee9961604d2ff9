//! The rows the yearly report reads, each in one query over the period's classes.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::rules::{Planned, Sitting};
use crate::cohorts::model::{CohortStatus, EnrollmentStatus, Mode};
use crate::db::ids::*;
use crate::db::schema::{
    certificates as ce, cohorts as co, enrollments as en, exams as ex, field_trips as ft, program_modules as pm,
    programs as p, sessions as s,
};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::programs::model::Level;
use crate::timetable::model::SessionStatus;

/// A class of the period: id, institution, program, code, title, level, mode, first and last day,
/// status.
pub type Class = (CohortId, InstitutionId, ProgramId, String, String, Level, Mode, NaiveDate, NaiveDate, CohortStatus);

/// The classes at the institutions that opened in `[from, until)`, not cancelled, by first day.
pub fn classes(
    c: &mut DbConn,
    institutions: &[InstitutionId],
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Class>, ApiError> {
    Ok(co::table
        .inner_join(p::table)
        .filter(co::institution_id.eq_any(institutions))
        .filter(co::starts_on.ge(from))
        .filter(co::starts_on.lt(until))
        .filter(co::status.ne(CohortStatus::Cancelled))
        .order((co::starts_on, co::code))
        .select((
            co::id,
            co::institution_id,
            co::program_id,
            co::code,
            co::title,
            p::level,
            co::mode,
            co::starts_on,
            co::ends_on,
            co::status,
        ))
        .load(c)?)
}

/// Each program's modules in their order.
pub fn modules(c: &mut DbConn, programs: &[ProgramId]) -> Result<HashMap<ProgramId, Vec<Planned>>, ApiError> {
    let rows: Vec<(ProgramId, ModuleId, String, String, i32)> = pm::table
        .filter(pm::program_id.eq_any(programs))
        .order((pm::program_id, pm::position))
        .select((pm::program_id, pm::id, pm::code, pm::title, pm::hours))
        .load(c)?;
    let mut out: HashMap<ProgramId, Vec<Planned>> = HashMap::new();
    for (program, id, code, title, hours) in rows {
        out.entry(program).or_default().push((id, code, title, hours));
    }
    Ok(out)
}

/// Each class's sessions still scheduled: module, minutes, whether the roll was taken.
pub fn sittings(c: &mut DbConn, cohorts: &[CohortId]) -> Result<HashMap<CohortId, Vec<Sitting>>, ApiError> {
    let rows: Vec<(CohortId, ModuleId, NaiveDateTime, NaiveDateTime, i64)> = s::table
        .filter(s::cohort_id.eq_any(cohorts))
        .filter(s::status.eq(SessionStatus::Scheduled))
        .select((s::cohort_id, s::module_id, s::starts_at, s::ends_at, s::roll_version))
        .load(c)?;
    let mut out: HashMap<CohortId, Vec<Sitting>> = HashMap::new();
    for (cohort, module, start, end, roll) in rows {
        out.entry(cohort).or_default().push((module, (end - start).num_minutes(), roll > 0));
    }
    Ok(out)
}

/// Per class: trainee-turns, field trips begun by `day`, exams held by `day`, credentials
/// issued and revoked.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub trainee_turns: i64,
    pub field_trips: i64,
    pub exams_held: i64,
    pub credentials_issued: i64,
    pub credentials_revoked: i64,
}

pub fn counts(c: &mut DbConn, cohorts: &[CohortId], day: NaiveDate) -> Result<HashMap<CohortId, Counts>, ApiError> {
    let mut out: HashMap<CohortId, Counts> = HashMap::new();
    let turns: Vec<(CohortId, i64)> = en::table
        .filter(en::cohort_id.eq_any(cohorts))
        .filter(en::status.ne(EnrollmentStatus::Withdrawn))
        .group_by(en::cohort_id)
        .select((en::cohort_id, count_star()))
        .load(c)?;
    for (k, n) in turns {
        out.entry(k).or_default().trainee_turns = n;
    }
    let trips: Vec<(CohortId, i64)> = ft::table
        .filter(ft::cohort_id.eq_any(cohorts))
        .filter(ft::starts_on.le(day))
        .group_by(ft::cohort_id)
        .select((ft::cohort_id, count_star()))
        .load(c)?;
    for (k, n) in trips {
        out.entry(k).or_default().field_trips = n;
    }
    let exams: Vec<(CohortId, i64)> = ex::table
        .filter(ex::cohort_id.eq_any(cohorts))
        .filter(ex::held_on.le(day))
        .group_by(ex::cohort_id)
        .select((ex::cohort_id, count_star()))
        .load(c)?;
    for (k, n) in exams {
        out.entry(k).or_default().exams_held = n;
    }
    let certs: Vec<(CohortId, Option<NaiveDateTime>)> =
        ce::table.filter(ce::cohort_id.eq_any(cohorts)).select((ce::cohort_id, ce::revoked_at)).load(c)?;
    for (k, revoked) in certs {
        let e = out.entry(k).or_default();
        e.credentials_issued += 1;
        e.credentials_revoked += i64::from(revoked.is_some());
    }
    Ok(out)
}
