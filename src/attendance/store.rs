//! Queries behind roll calls and the attendance summary.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::{Attendance, AttendanceStatus, Makeup};
use crate::cohorts::model::EnrollmentStatus;
use crate::db::ids::*;
use crate::db::schema::{
    attendance as a, attendance_changes as ch, enrollments as e, learners as l, makeups as mk, sessions as s,
};
use crate::db::DbConn;
use crate::timetable::model::SessionStatus;

pub fn roll_version(conn: &mut DbConn, session: SessionId) -> QueryResult<i64> {
    s::table.find(session).select(s::roll_version).first(conn)
}

/// Raises the session's roll version; with `expected`, only if it is still that (the If-Match
/// of the roll call), in one statement so two writers cannot both pass.
pub fn bump_roll(conn: &mut DbConn, session: SessionId, expected: Option<i64>) -> QueryResult<bool> {
    let n = match expected {
        Some(v) => diesel::update(s::table.find(session).filter(s::roll_version.eq(v)))
            .set(s::roll_version.eq(s::roll_version + 1))
            .execute(conn)?,
        None => diesel::update(s::table.find(session)).set(s::roll_version.eq(s::roll_version + 1)).execute(conn)?,
    };
    Ok(n == 1)
}

pub fn marks(conn: &mut DbConn, session: SessionId) -> QueryResult<Vec<Attendance>> {
    a::table.filter(a::session_id.eq(session)).select(Attendance::as_select()).load(conn)
}

pub fn insert_marks(conn: &mut DbConn, rows: &[Attendance]) -> QueryResult<()> {
    crate::insert_rows!(conn, a, rows);
    Ok(())
}

pub fn update_mark(conn: &mut DbConn, row: &Attendance) -> QueryResult<usize> {
    diesel::update(a::table.find(row.id)).set(row).execute(conn)
}

/// One change of one mark, for the audit trail.
pub type Change = (
    AttendanceChangeId,
    SessionId,
    LearnerId,
    Option<AttendanceStatus>,
    AttendanceStatus,
    Option<String>,
    Option<String>,
    Option<String>,
    UserId,
    NaiveDateTime,
);

pub fn insert_changes(conn: &mut DbConn, rows: &[Change]) -> QueryResult<()> {
    let values: Vec<_> = rows
        .iter()
        .map(|(id, sess, learner, old, new, old_note, new_note, reason, by, at)| {
            (
                ch::id.eq(*id),
                ch::session_id.eq(*sess),
                ch::learner_id.eq(*learner),
                ch::old_status.eq(*old),
                ch::new_status.eq(*new),
                ch::old_note.eq(old_note.clone()),
                ch::new_note.eq(new_note.clone()),
                ch::reason.eq(reason.clone()),
                ch::changed_by.eq(*by),
                ch::changed_at.eq(*at),
            )
        })
        .collect();
    crate::insert_rows!(conn, ch, values);
    Ok(())
}

pub type ChangeRow = (
    LearnerId,
    Option<AttendanceStatus>,
    AttendanceStatus,
    Option<String>,
    Option<String>,
    Option<String>,
    UserId,
    NaiveDateTime,
);

pub fn changes(conn: &mut DbConn, session: SessionId) -> QueryResult<Vec<ChangeRow>> {
    ch::table
        .filter(ch::session_id.eq(session))
        .order((ch::changed_at.asc(), ch::id.asc()))
        .select((
            ch::learner_id,
            ch::old_status,
            ch::new_status,
            ch::old_note,
            ch::new_note,
            ch::reason,
            ch::changed_by,
            ch::changed_at,
        ))
        .load(conn)
}

/// A learner on a class's list: (learner, name, sort key, enrolled on, status, withdrawn on).
pub type Member = (LearnerId, String, String, NaiveDate, EnrollmentStatus, Option<NaiveDate>);

pub fn members(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<Member>> {
    e::table
        .inner_join(l::table)
        .filter(e::cohort_id.eq(cohort))
        .order((l::sort_key.asc(), l::id.asc()))
        .select((e::learner_id, l::full_name, l::sort_key, e::enrolled_on, e::status, e::withdrawn_on))
        .load(conn)
}

/// Whether a member was on the class's list on `day`.
pub fn on_roll(m: &Member, day: NaiveDate) -> bool {
    m.3 <= day && (m.4 == EnrollmentStatus::Enrolled || m.5.is_some_and(|w| w > day))
}

/// (session, module, start, end) of every scheduled session of a class.
pub fn scheduled(
    conn: &mut DbConn,
    cohort: CohortId,
) -> QueryResult<Vec<(SessionId, ModuleId, NaiveDateTime, NaiveDateTime)>> {
    s::table
        .filter(s::cohort_id.eq(cohort))
        .filter(s::status.eq(SessionStatus::Scheduled))
        .order(s::starts_at.asc())
        .select((s::id, s::module_id, s::starts_at, s::ends_at))
        .load(conn)
}

/// (learner, session, status) of every mark of a class, or of its learner `only`.
pub fn cohort_marks(
    conn: &mut DbConn,
    cohort: CohortId,
    only: Option<LearnerId>,
) -> QueryResult<Vec<(LearnerId, SessionId, AttendanceStatus)>> {
    let mut q = a::table.filter(a::cohort_id.eq(cohort)).select((a::learner_id, a::session_id, a::status)).into_boxed();
    if let Some(l) = only {
        q = q.filter(a::learner_id.eq(l));
    }
    q.load(conn)
}

pub fn insert_makeup(conn: &mut DbConn, row: &Makeup) -> QueryResult<()> {
    diesel::insert_into(mk::table).values(row).execute(conn).map(|_| ())
}

/// One session of a learner's class and their mark in it: (session, starts, ends, module, its
/// code and title, status, minutes late, who took the roll).
pub type LearnerSessionRow = (
    SessionId,
    NaiveDateTime,
    NaiveDateTime,
    ModuleId,
    String,
    String,
    Option<AttendanceStatus>,
    Option<i32>,
    Option<String>,
);

/// Every session of the class that has begun by `until` and was not cancelled, in time order,
/// with the learner's mark (none until the roll is taken) and who recorded it.
pub fn sessions_of_learner(
    conn: &mut DbConn,
    cohort: CohortId,
    learner: LearnerId,
    until: NaiveDateTime,
) -> QueryResult<Vec<LearnerSessionRow>> {
    use crate::db::schema::{program_modules as m, users as u};
    s::table
        .inner_join(m::table.on(m::id.eq(s::module_id)))
        .left_join(a::table.on(a::session_id.eq(s::id).and(a::learner_id.eq(learner))))
        .left_join(u::table.on(u::id.nullable().eq(a::recorded_by.nullable())))
        .filter(s::cohort_id.eq(cohort))
        .filter(s::status.eq(SessionStatus::Scheduled))
        .filter(s::starts_at.le(until))
        .order((s::starts_at.asc(), s::id.asc()))
        .select((
            s::id,
            s::starts_at,
            s::ends_at,
            s::module_id,
            m::code,
            m::title,
            a::status.nullable(),
            a::minutes_late.nullable(),
            u::full_name.nullable(),
        ))
        .load(conn)
}

/// One learner's make-up hours in a class.
pub fn makeups_of_learner(conn: &mut DbConn, cohort: CohortId, learner: LearnerId) -> QueryResult<Vec<Makeup>> {
    mk::table
        .filter(mk::cohort_id.eq(cohort))
        .filter(mk::learner_id.eq(learner))
        .order(mk::created_at.asc())
        .select(Makeup::as_select())
        .load(conn)
}

pub fn makeups(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<Makeup>> {
    mk::table.filter(mk::cohort_id.eq(cohort)).order(mk::created_at.asc()).select(Makeup::as_select()).load(conn)
}
