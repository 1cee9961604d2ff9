//! The rows the reports are made from.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use std::collections::{BTreeMap, HashMap};

use super::rules::{Covered, LearnerFacts, LecturerFacts, YearFacts};
use crate::auth::Scope;
use crate::cohorts::model::EnrollmentStatus;
use crate::cohorts::model::{CohortStatus, Mode};
use crate::db::ids::*;
use crate::db::schema::{
    cohorts as co, enrollments as en, exams as ex, field_reports as fr, grades as g, institutions as i, learners as l,
    lecturers as le, programs as p, result_failures as rf, result_outcomes as ro, result_snapshots as rs,
    sessions as s,
};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::people::model::{Gender, LlctLevel, PartyStatus};
use crate::programs::model::Level;
use crate::timetable::model::SessionStatus;

/// Institutions a report covers: `target` and everything under it (404 outside the scope), or
/// the whole scope; in tree order.
pub fn covered(c: &mut DbConn, scope: &Scope, target: Option<InstitutionId>) -> Result<Vec<Covered>, ApiError> {
    let mut q = i::table.select((i::id, i::name, i::path)).order(i::path).into_boxed();
    if let Some(t) = target {
        let inst = crate::institutions::store::get(c, scope, t)?;
        q = q.filter(i::path.like(format!("{}%", inst.path)));
    } else {
        q = crate::within_scope!(q, scope, i::id);
    }
    Ok(q.load(c)?)
}

pub fn year_facts(c: &mut DbConn, institutions: &[InstitutionId], year: i32) -> Result<YearFacts, ApiError> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
    period_facts(c, institutions, from, to)
}

/// The facts of the classes at the institutions that opened in `[from, until)`, not cancelled.
pub fn period_facts(
    c: &mut DbConn,
    institutions: &[InstitutionId],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<YearFacts, ApiError> {
    let cohorts: Vec<(CohortId, InstitutionId, ProgramId, Level, Mode, CohortStatus)> = co::table
        .inner_join(p::table)
        .filter(co::institution_id.eq_any(institutions))
        .filter(co::starts_on.ge(from))
        .filter(co::starts_on.lt(to))
        .filter(co::status.ne(CohortStatus::Cancelled))
        .select((co::id, co::institution_id, co::program_id, p::level, co::mode, co::status))
        .load(c)?;
    let cids: Vec<CohortId> = cohorts.iter().map(|x| x.0).collect();
    let enrolled = en::table
        .filter(en::cohort_id.eq_any(&cids))
        .group_by((en::cohort_id, en::status))
        .select((en::cohort_id, en::status, count_star()))
        .load(c)?;
    // The counts kept with each class's results, a few rows per class.
    let outcomes = ro::table
        .filter(ro::cohort_id.eq_any(&cids))
        .select((ro::cohort_id, ro::outcome, ro::classification, ro::learners))
        .load::<(CohortId, String, String, i32)>(c)?
        .into_iter()
        .map(|(id, outcome, k, n)| (id, outcome, Some(k).filter(|k| !k.is_empty()), i64::from(n)))
        .collect();
    let failures = rf::table
        .filter(rf::cohort_id.eq_any(&cids))
        .select((rf::cohort_id, rf::reason, rf::learners))
        .load::<(CohortId, String, i32)>(c)?
        .into_iter()
        .map(|(id, reason, n)| (id, reason, i64::from(n)))
        .collect();
    Ok(YearFacts { cohorts, enrolled, outcomes, failures })
}

/// Credentials copied from paper registers, dated in `[from, until)`, kept at the institutions:
/// how many per institution and level.
pub fn recorded(
    c: &mut DbConn,
    institutions: &[InstitutionId],
    from: NaiveDate,
    until: NaiveDate,
) -> Result<BTreeMap<(InstitutionId, LlctLevel), i64>, ApiError> {
    use crate::db::schema::credential_records as cr;
    Ok(cr::table
        .filter(cr::institution_id.eq_any(institutions))
        .filter(cr::issued_on.ge(from))
        .filter(cr::issued_on.lt(until))
        .group_by((cr::institution_id, cr::level))
        .select((cr::institution_id, cr::level, count_star()))
        .load::<(InstitutionId, LlctLevel, i64)>(c)?
        .into_iter()
        .map(|(i, level, n)| ((i, level), n))
        .collect())
}

/// Sessions still scheduled that start in `[start, end)` at the institutions: who taught, when.
pub fn taught(
    c: &mut DbConn,
    institutions: &[InstitutionId],
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<Vec<(LecturerId, NaiveDateTime, NaiveDateTime)>, ApiError> {
    Ok(s::table
        .filter(s::institution_id.eq_any(institutions))
        .filter(s::starts_at.ge(start))
        .filter(s::starts_at.lt(end))
        .filter(s::status.eq(SessionStatus::Scheduled))
        .select((s::lecturer_id, s::starts_at, s::ends_at))
        .load(c)?)
}

/// Exam papers marked per lecturer, each grader of a paper counted once, for the exams held in
/// `[from, until)` at the institutions (a paper absent or excused has no mark and counts for no one).
pub fn papers_marked(
    c: &mut DbConn,
    institutions: &[InstitutionId],
    from: NaiveDate,
    until: NaiveDate,
) -> Result<HashMap<LecturerId, i64>, ApiError> {
    let mut out: HashMap<LecturerId, i64> = HashMap::new();
    let rows: Vec<(Option<LecturerId>, Option<LecturerId>, Option<LecturerId>)> = g::table
        .inner_join(ex::table)
        .filter(ex::institution_id.eq_any(institutions))
        .filter(ex::held_on.ge(from))
        .filter(ex::held_on.lt(until))
        .filter(g::presence.eq(crate::exams::model::Presence::Sat))
        .select((g::first_by, g::second_by, g::third_by))
        .load(c)?;
    for by in rows.into_iter().flat_map(|(a, b, t)| [a, b, t]).flatten() {
        *out.entry(by).or_default() += 1;
    }
    Ok(out)
}

/// Exam sittings invigilated per lecturer: each exam of a class not cancelled, held in
/// `[from, until)` at the institutions and sealed (or later: its rooms no longer change), counts
/// once for every lecturer in any of its rooms.
pub fn sittings_invigilated(
    c: &mut DbConn,
    institutions: &[InstitutionId],
    from: NaiveDate,
    until: NaiveDate,
) -> Result<HashMap<LecturerId, i64>, ApiError> {
    let rows: Vec<crate::exams::model::Rooms> = ex::table
        .inner_join(co::table)
        .filter(co::status.ne(CohortStatus::Cancelled))
        .filter(ex::institution_id.eq_any(institutions))
        .filter(ex::held_on.ge(from))
        .filter(ex::held_on.lt(until))
        .filter(ex::status.ne(crate::exams::model::ExamStatus::Planned))
        .select(ex::rooms)
        .load(c)?;
    let mut out: HashMap<LecturerId, i64> = HashMap::new();
    for rooms in rows {
        let mut who: Vec<LecturerId> = rooms.0.iter().flat_map(|r| r.invigilators.iter().copied()).collect();
        who.sort();
        who.dedup();
        for l in who {
            *out.entry(l).or_default() += 1;
        }
    }
    Ok(out)
}

/// Field study reports graded in `[start, end)` at the institutions, per lecturer (the grader's
/// account is the lecturer's).
pub fn reports_graded(
    c: &mut DbConn,
    institutions: &[InstitutionId],
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<HashMap<LecturerId, i64>, ApiError> {
    Ok(fr::table
        .inner_join(le::table.on(le::user_id.eq(fr::graded_by)))
        .filter(fr::institution_id.eq_any(institutions))
        .filter(fr::graded_at.ge(start))
        .filter(fr::graded_at.lt(end))
        .group_by(le::id)
        .select((le::id, count_star()))
        .load::<(LecturerId, i64)>(c)?
        .into_iter()
        .collect())
}

/// Days of field study guided per lecturer: each study of a class not cancelled at the
/// institutions, its days within `[from, to]`, counted for each of its lecturers.
pub fn field_days(
    c: &mut DbConn,
    institutions: &[InstitutionId],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<LecturerId, i64>, ApiError> {
    use crate::db::schema::{field_trip_lecturers as fl, field_trips as ft};
    let rows: Vec<(LecturerId, NaiveDate, NaiveDate)> = fl::table
        .inner_join(ft::table.inner_join(co::table))
        .filter(ft::institution_id.eq_any(institutions))
        .filter(ft::starts_on.le(to))
        .filter(ft::ends_on.ge(from))
        .filter(co::status.ne(CohortStatus::Cancelled))
        .select((fl::lecturer_id, ft::starts_on, ft::ends_on))
        .load(c)?;
    let mut out: HashMap<LecturerId, i64> = HashMap::new();
    for (l, a, b) in rows {
        *out.entry(l).or_default() += super::rules::days_within(a, b, from, to);
    }
    Ok(out)
}

/// The lecturers named, in name order.
/// A lecturer's kind and rank, as the facts are read.
type Kind = crate::people::model::LecturerKind;
type Rank = crate::people::model::LecturerRank;

pub fn lecturers(c: &mut DbConn, ids: &[LecturerId]) -> Result<Vec<LecturerFacts>, ApiError> {
    Ok(le::table
        .filter(le::id.eq_any(ids))
        .order((le::sort_key, le::id))
        .select((
            le::id,
            le::full_name,
            le::institution_id,
            le::kind,
            le::rank,
            le::probation_year,
            le::norm_adjustment_pct,
        ))
        .load::<(LecturerId, String, InstitutionId, Kind, Rank, Option<i32>, Option<i32>)>(c)?
        .into_iter()
        .map(|(id, full_name, institution_id, kind, rank, probation_year, adjustment_pct)| LecturerFacts {
            id,
            full_name,
            institution_id,
            kind,
            rank,
            probation_year,
            adjustment_pct,
        })
        .collect())
}

/// One enrolment as the per-learner groupings read it: the class, whether the learner withdrew,
/// the learner's unit and categories, and the result kept at close-out (if any).
pub struct EnrolmentRow {
    pub cohort: CohortId,
    /// The class's institution and first day.
    pub institution: InstitutionId,
    pub starts_on: NaiveDate,
    pub withdrawn: bool,
    pub sending_unit: Option<String>,
    pub learner: LearnerFacts,
    pub outcome: Option<String>,
    pub classification: Option<String>,
    pub failed_on: Option<String>,
}

/// Every enrolment in the classes, with its learner and result, in one pass per chunk of
/// classes.
pub fn enrolments(c: &mut DbConn, cohorts: &[CohortId]) -> Result<Vec<EnrolmentRow>, ApiError> {
    type Row = (
        CohortId,
        InstitutionId,
        NaiveDate,
        EnrollmentStatus,
        Option<String>,
        Gender,
        Option<String>,
        PartyStatus,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<String>,
        Option<NaiveDate>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let mut out = Vec::new();
    for chunk in cohorts.chunks(5000) {
        let rows: Vec<Row> = en::table
            .inner_join(l::table)
            .inner_join(co::table)
            .left_join(rs::table.on(rs::cohort_id.eq(en::cohort_id).and(rs::learner_id.eq(en::learner_id))))
            .filter(en::cohort_id.eq_any(chunk))
            .select((
                en::cohort_id,
                co::institution_id,
                co::starts_on,
                en::status,
                l::sending_unit,
                l::gender,
                l::ethnicity,
                l::party_status,
                l::party_admission_date,
                l::committee_member_since,
                l::succession_post,
                l::succession_since,
                rs::outcome.nullable(),
                rs::classification.nullable(),
                rs::failed_on.nullable(),
            ))
            .load(c)?;
        out.extend(rows.into_iter().map(|r| EnrolmentRow {
            cohort: r.0,
            institution: r.1,
            starts_on: r.2,
            withdrawn: r.3 == EnrollmentStatus::Withdrawn,
            sending_unit: r.4,
            learner: LearnerFacts {
                female: r.5 == Gender::Female,
                ethnicity: r.6,
                probationary: r.7 == PartyStatus::Probationary,
                party_admission_date: r.8,
                committee_member_since: r.9,
                succession_post: r.10,
                succession_since: r.11,
            },
            outcome: r.12,
            classification: r.13,
            failed_on: r.14,
        }));
    }
    Ok(out)
}

/// The titles of programs.
pub fn program_titles(c: &mut DbConn, ids: &[ProgramId]) -> Result<HashMap<ProgramId, String>, ApiError> {
    Ok(p::table
        .filter(p::id.eq_any(ids))
        .select((p::id, p::title))
        .load::<(ProgramId, String)>(c)?
        .into_iter()
        .collect())
}
