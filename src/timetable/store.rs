//! Queries over sessions and schedules.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamp};

use super::model::{ScheduleEvent, Session, SessionStatus};
use crate::cohorts::model::EnrollmentStatus;
use crate::db::ids::*;
use crate::db::schema::{calendar_tokens as ct, schedule_events as ev, sessions as s};
use crate::db::sql::{Bind, Statement};
use crate::db::DbConn;

pub fn insert(conn: &mut DbConn, rows: &[Session]) -> QueryResult<()> {
    crate::insert_rows!(conn, s, rows);
    Ok(())
}

pub fn find(conn: &mut DbConn, id: SessionId) -> QueryResult<Option<Session>> {
    s::table.find(id).select(Session::as_select()).first(conn).optional()
}

/// Whether a session's roll has been taken (any mark, even one later changed).
pub fn roll_taken(conn: &mut DbConn, id: SessionId) -> QueryResult<bool> {
    use crate::db::schema::attendance as a;
    let bumped = s::table.find(id).select(s::roll_version).first::<i64>(conn)? > 0;
    Ok(bumped || diesel::select(diesel::dsl::exists(a::table.filter(a::session_id.eq(id)))).get_result(conn)?)
}

/// Removes a session whose roll was never taken, with the notices about it.
pub fn remove(conn: &mut DbConn, id: SessionId) -> QueryResult<()> {
    diesel::delete(ev::table.filter(ev::session_id.eq(id))).execute(conn)?;
    diesel::delete(s::table.find(id)).execute(conn)?;
    Ok(())
}

pub fn save(conn: &mut DbConn, row: &Session, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, s, row, seen_version)
}

pub fn add_event(conn: &mut DbConn, e: &ScheduleEvent) -> QueryResult<()> {
    diesel::insert_into(ev::table).values(e).execute(conn).map(|_| ())
}

pub fn events_of(conn: &mut DbConn, session: SessionId) -> QueryResult<Vec<ScheduleEvent>> {
    ev::table
        .filter(ev::session_id.eq(session))
        .order(ev::created_at.asc())
        .select(ScheduleEvent::as_select())
        .load(conn)
}

/// Scheduled sessions that share the lecturer, the class or the place with `[from, to)`.
pub fn clashes(
    conn: &mut DbConn,
    lecturer: LecturerId,
    cohort: CohortId,
    place_key: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
    except: Option<SessionId>,
) -> QueryResult<Vec<Session>> {
    let mut q = s::table
        .filter(s::status.eq(SessionStatus::Scheduled))
        .filter(s::starts_at.lt(to))
        .filter(s::ends_at.gt(from))
        .filter(s::lecturer_id.eq(lecturer).or(s::cohort_id.eq(cohort)).or(s::place_key.eq(place_key)))
        .select(Session::as_select())
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(s::id.ne(id));
    }
    q.order(s::starts_at.asc()).limit(20).load(conn)
}

pub fn count_for(conn: &mut DbConn, cohort: CohortId, module: ModuleId, lecturer: LecturerId) -> QueryResult<i64> {
    s::table
        .filter(s::cohort_id.eq(cohort))
        .filter(s::module_id.eq(module))
        .filter(s::lecturer_id.eq(lecturer))
        .filter(s::status.eq(SessionStatus::Scheduled))
        .count()
        .get_result(conn)
}

pub struct Filter {
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub module_id: Option<ModuleId>,
    pub lecturer_id: Option<LecturerId>,
    pub status: Option<SessionStatus>,
}

/// A class's sessions in time order, paged by (start, id).
pub fn of_cohort(
    conn: &mut DbConn,
    cohort: CohortId,
    f: &Filter,
    after: Option<(NaiveDateTime, SessionId)>,
    limit: i64,
) -> QueryResult<Vec<Session>> {
    let mut q = s::table.filter(s::cohort_id.eq(cohort)).select(Session::as_select()).into_boxed();
    if let Some(t) = f.from {
        q = q.filter(s::starts_at.ge(t));
    }
    if let Some(t) = f.to {
        q = q.filter(s::starts_at.lt(t));
    }
    if let Some(x) = f.module_id {
        q = q.filter(s::module_id.eq(x));
    }
    if let Some(x) = f.lecturer_id {
        q = q.filter(s::lecturer_id.eq(x));
    }
    if let Some(x) = f.status {
        q = q.filter(s::status.eq(x));
    }
    if let Some((t, id)) = after {
        q = q.filter(s::starts_at.gt(t).or(s::starts_at.eq(t).and(s::id.gt(id))));
    }
    q.order((s::starts_at.asc(), s::id.asc())).limit(limit + 1).load(conn)
}

/// Whose sessions a schedule shows. A learner's and a lecturer's classes are read inside each
/// query (scalar parameters only), so PostgreSQL keeps one plan per statement instead of
/// planning the joins again on every request.
pub enum Whose {
    /// These classes (an administrator's view of one class).
    Cohorts(Vec<CohortId>),
    /// The classes the learner with this account is enrolled in.
    Learner(UserId),
    /// The sessions this lecturer teaches; field trips of the classes they are assigned to;
    /// exams of those classes and the ones they grade.
    Lecturer(LecturerId),
    Place(String, Option<Vec<InstitutionId>>),
}

pub fn calendar_token(conn: &mut DbConn, user: UserId) -> QueryResult<Option<String>> {
    ct::table.find(user).select(ct::token).first(conn).optional()
}

pub fn set_calendar_token(conn: &mut DbConn, user: UserId, token: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::delete(ct::table.find(user)).execute(conn)?;
    diesel::insert_into(ct::table)
        .values((ct::user_id.eq(user), ct::token.eq(token), ct::created_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

pub fn user_of_calendar(conn: &mut DbConn, token: &str) -> QueryResult<Option<UserId>> {
    ct::table.filter(ct::token.eq(token)).select(ct::user_id).first(conn).optional()
}

/// One line of a schedule as read: a session, or a field trip or exam over whole local days.
#[derive(Debug, QueryableByName)]
pub struct Entry {
    /// `session`, `field_trip` or `exam`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub status: SessionStatus,
    /// A session's times.
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub starts_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub ends_at: Option<NaiveDateTime>,
    /// A field trip's or exam's days.
    #[diesel(sql_type = Nullable<Date>)]
    pub first_day: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub last_day: Option<NaiveDate>,
    #[diesel(sql_type = Text)]
    pub cohort_id: CohortId,
    #[diesel(sql_type = Text)]
    pub cohort_code: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub module_code: Option<String>,
    /// The module's title, the trip's destination or the exam's title.
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub lecturer_id: Option<LecturerId>,
    /// The session's lecturer or the trip's leader.
    #[diesel(sql_type = Nullable<Text>)]
    pub lecturer_name: Option<String>,
    #[diesel(sql_type = Text)]
    pub place: String,
    #[diesel(sql_type = BigInt)]
    pub version: i64,
}

/// The sessions of `whose` starting in `[from, to)` and, but for a place's timetable, the field
/// trips and exams of their classes on the local days `[first, last]` (a lecturer's: of the
/// classes they are assigned to, and the exams they grade): one statement, one round trip.
/// The range is at most 366 days, which bounds what it reads.
///
/// The classes are read once, at the head of the statement (`mine`), and each part keeps its
/// rows whose class is among them. (Joining `mine` instead lets SQLite build a Bloom filter
/// over every exam for a learner's one or two classes: 5 ms instead of 0.1.) A learner's and
/// a lecturer's classes are read inside the statement from scalar parameters, so PostgreSQL
/// keeps one generic plan for it (see [`Statement`]).
pub fn entries(
    conn: &mut DbConn,
    whose: &Whose,
    (from, to): (NaiveDateTime, NaiveDateTime),
    (first, last): (NaiveDate, NaiveDate),
) -> QueryResult<Vec<Entry>> {
    let text = |v: String| Bind::Text(v);
    let mut q = Statement::default();
    match whose {
        Whose::Cohorts(ids) if ids.is_empty() => return Ok(Vec::new()),
        Whose::Cohorts(ids) => {
            q.push("WITH mine AS (SELECT c.id FROM cohorts c WHERE ", []).any("c.id", ids).push(") ", [])
        }
        Whose::Learner(user) => q.push(
            "WITH mine AS (SELECT en.cohort_id AS id FROM enrollments en JOIN learners le ON le.id = en.learner_id \
             WHERE le.user_id = ? AND en.status = ?) ",
            [text(user.to_string()), Bind::from(EnrollmentStatus::Enrolled.as_str())],
        ),
        Whose::Lecturer(me) => q.push(
            "WITH mine AS (SELECT a.cohort_id AS id FROM assignments a WHERE a.lecturer_id = ?) ",
            [text(me.to_string())],
        ),
        Whose::Place(..) => &mut q,
    };
    q.push(
        "SELECT 'session' AS kind, s.id, s.status, s.starts_at, s.ends_at, NULL AS first_day, NULL AS last_day, \
         s.cohort_id, c.code AS cohort_code, m.code AS module_code, m.title, s.lecturer_id, \
         l.full_name AS lecturer_name, s.place, s.version FROM sessions s JOIN cohorts c ON c.id = s.cohort_id \
         JOIN program_modules m ON m.id = s.module_id JOIN lecturers l ON l.id = s.lecturer_id \
         WHERE s.starts_at >= ? AND s.starts_at < ? AND ",
        [Bind::At(from), Bind::At(to)],
    );
    // A lecturer's sessions are the ones they teach, a place's the ones held there.
    match whose {
        Whose::Cohorts(_) | Whose::Learner(_) => q.push("s.cohort_id IN (SELECT id FROM mine)", []),
        Whose::Lecturer(me) => q.push("s.lecturer_id = ?", [text(me.to_string())]),
        Whose::Place(key, scope) => {
            q.push("s.place_key = ?", [text(key.clone())]);
            if let Some(ids) = scope {
                q.push(" AND ", []).any("s.institution_id", ids);
            }
            // Field trips and exams belong to classes; a place's timetable has sessions only.
            return q.load::<Entry>(conn);
        }
    };
    let scheduled = || Bind::from(SessionStatus::Scheduled.as_str());
    // Field trips and exams: those of the classes, then for a lecturer those of other classes
    // they guide or grade (a part of its own: an OR of the two would read every row).
    let parts = [
        (
            "SELECT 'field_trip', f.id, ?, NULL, NULL, f.starts_on, f.ends_on, f.cohort_id, c.code, NULL, \
             f.destination, NULL, f.leader, f.destination, f.version FROM field_trips f \
             JOIN cohorts c ON c.id = f.cohort_id WHERE f.starts_on <= ? AND f.ends_on >= ? AND",
            [Bind::Day(last), Bind::Day(first)],
            "f.cohort_id",
            "f.id IN (SELECT fl.field_trip_id FROM field_trip_lecturers fl WHERE fl.lecturer_id = ?)",
        ),
        (
            "SELECT 'exam', e.id, ?, NULL, NULL, e.held_on, e.held_on, e.cohort_id, c.code, NULL, e.title, NULL, \
             NULL, COALESCE(e.place, ''), e.version FROM exams e JOIN cohorts c ON c.id = e.cohort_id \
             WHERE e.held_on >= ? AND e.held_on <= ? AND",
            [Bind::Day(first), Bind::Day(last)],
            "e.cohort_id",
            "e.id IN (SELECT g.exam_id FROM exam_graders g WHERE g.lecturer_id = ?)",
        ),
    ];
    for (select, [a, b], cohort, theirs) in parts {
        let binds = || [scheduled(), a.clone(), b.clone()];
        q.push(&format!(" UNION ALL {select} {cohort} IN (SELECT id FROM mine)"), binds());
        if let Whose::Lecturer(me) = whose {
            let values = binds().into_iter().chain([text(me.to_string())]);
            q.push(&format!(" UNION ALL {select} {theirs} AND {cohort} NOT IN (SELECT id FROM mine)"), values);
        }
    }
    q.load::<Entry>(conn)
}
