//! Queries over sessions and schedules.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{ScheduleEvent, Session, SessionStatus};
use crate::db::ids::*;
use crate::db::schema::{
    calendar_tokens as ct, cohorts as c, lecturers as l, program_modules as m, schedule_events as ev, sessions as s,
};
use crate::db::DbConn;

/// The classes the learner with account `$user` is enrolled in, as a subquery.
macro_rules! enrolled {
    ($user:expr) => {{
        use crate::db::schema::{enrollments as en, learners as le};
        en::table
            .inner_join(le::table)
            .filter(le::user_id.eq($user))
            .filter(en::status.eq(crate::cohorts::model::EnrollmentStatus::Enrolled))
            .select(en::cohort_id)
    }};
}

/// The classes lecturer `$id` is assigned to, as a subquery.
macro_rules! assigned {
    ($id:expr) => {{
        use crate::db::schema::assignments as asg;
        asg::table.filter(asg::lecturer_id.eq($id)).select(asg::cohort_id)
    }};
}

pub fn insert(conn: &mut DbConn, rows: &[Session]) -> QueryResult<()> {
    for chunk in rows.chunks(500) {
        crate::per_backend!(conn, |c| diesel::insert_into(s::table).values(chunk).execute(c))?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: SessionId) -> QueryResult<Option<Session>> {
    s::table.find(id).select(Session::as_select()).first(conn).optional()
}

pub fn save(conn: &mut DbConn, row: &Session, seen_version: i64) -> QueryResult<bool> {
    diesel::update(s::table.find(row.id).filter(s::version.eq(seen_version))).set(row).execute(conn).map(|n| n == 1)
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

pub type Row = (Session, String, String, String, String);

/// Sessions with their class code, module code and title and lecturer name, in time order.
pub fn schedule(conn: &mut DbConn, whose: &Whose, from: NaiveDateTime, to: NaiveDateTime) -> QueryResult<Vec<Row>> {
    let mut q = s::table
        .inner_join(c::table)
        .inner_join(m::table)
        .inner_join(l::table)
        .filter(s::starts_at.ge(from))
        .filter(s::starts_at.lt(to))
        .select((Session::as_select(), c::code, m::code, m::title, l::full_name))
        .into_boxed();
    match whose {
        Whose::Cohorts(ids) => q = q.filter(s::cohort_id.eq_any(ids.clone())),
        Whose::Learner(user) => q = q.filter(s::cohort_id.eq_any(enrolled!(*user))),
        Whose::Lecturer(id) => q = q.filter(s::lecturer_id.eq(*id)),
        Whose::Place(key, scope) => {
            q = q.filter(s::place_key.eq(key.clone()));
            if let Some(ids) = scope {
                q = q.filter(s::institution_id.eq_any(ids.clone()));
            }
        }
    }
    q.order((s::starts_at.asc(), s::id.asc())).limit(5000).load(conn)
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

/// (trip, class code) of the field trips of `whose` classes overlapping `[from, to]` (local dates).
pub fn trips(
    conn: &mut DbConn,
    whose: &Whose,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> QueryResult<Vec<(crate::field_trips::model::FieldTrip, String)>> {
    use crate::db::schema::field_trips as f;
    let mut q = f::table
        .inner_join(c::table)
        .filter(f::starts_on.le(to))
        .filter(f::ends_on.ge(from))
        .order(f::starts_on.asc())
        .select((crate::field_trips::model::FieldTrip::as_select(), c::code))
        .into_boxed();
    q = match whose {
        Whose::Cohorts(ids) => q.filter(f::cohort_id.eq_any(ids.clone())),
        Whose::Learner(user) => q.filter(f::cohort_id.eq_any(enrolled!(*user))),
        Whose::Lecturer(id) => q.filter(f::cohort_id.eq_any(assigned!(*id))),
        Whose::Place(..) => return Ok(Vec::new()),
    };
    q.load(conn)
}

/// (exam, class code) of the exams of `whose` classes (and, for a lecturer, the ones they
/// grade) held in `[from, to]`.
pub fn exams(
    conn: &mut DbConn,
    whose: &Whose,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> QueryResult<Vec<(crate::exams::model::Exam, String)>> {
    use crate::db::schema::{exam_graders as eg, exams as e};
    let mut q = e::table
        .inner_join(c::table)
        .filter(e::held_on.ge(from))
        .filter(e::held_on.le(to))
        .order((e::held_on.asc(), e::id.asc()))
        .select((crate::exams::model::Exam::as_select(), c::code))
        .into_boxed();
    q = match whose {
        Whose::Cohorts(ids) => q.filter(e::cohort_id.eq_any(ids.clone())),
        Whose::Learner(user) => q.filter(e::cohort_id.eq_any(enrolled!(*user))),
        Whose::Lecturer(id) => q.filter(
            e::cohort_id
                .eq_any(assigned!(*id))
                .or(e::id.eq_any(eg::table.filter(eg::lecturer_id.eq(*id)).select(eg::exam_id))),
        ),
        Whose::Place(..) => return Ok(Vec::new()),
    };
    q.load(conn)
}
