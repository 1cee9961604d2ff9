//! Queries over classes, enrolments and lecturer assignments.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::*;
use crate::auth::{Caller, Role, Scope};
use crate::db::ids::*;
use crate::db::page::PageRequest;
use crate::db::schema::{assignments as a, cohorts as c, enrollments as e, learners as l};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::people::store as people;

pub fn insert(conn: &mut DbConn, row: &Cohort) -> QueryResult<()> {
    diesel::insert_into(c::table).values(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut DbConn, id: CohortId) -> QueryResult<Option<Cohort>> {
    c::table.find(id).select(Cohort::as_select()).first(conn).optional()
}

pub fn save(conn: &mut DbConn, row: &Cohort, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, c, row, seen_version)
}

pub fn code_taken(
    conn: &mut DbConn,
    institution: InstitutionId,
    code: &str,
    except: Option<CohortId>,
) -> QueryResult<bool> {
    let mut q = c::table.filter(c::institution_id.eq(institution)).filter(c::code.eq(code)).select(c::id).into_boxed();
    if let Some(id) = except {
        q = q.filter(c::id.ne(id));
    }
    q.first::<CohortId>(conn).optional().map(|r| r.is_some())
}

/// Takes `n` seats if that many are left, in one statement (so two requests for the last seat
/// cannot both win); returns whether it did.
pub fn take_seats(conn: &mut DbConn, id: CohortId, n: i32) -> QueryResult<bool> {
    diesel::update(c::table.find(id).filter((c::enrolled_count + n).le(c::capacity)))
        .set(c::enrolled_count.eq(c::enrolled_count + n))
        .execute(conn)
        .map(|k| k == 1)
}

pub fn release_seat(conn: &mut DbConn, id: CohortId) -> QueryResult<usize> {
    diesel::update(c::table.find(id).filter(c::enrolled_count.gt(0)))
        .set(c::enrolled_count.eq(c::enrolled_count - 1))
        .execute(conn)
}

/// The classes a lecturer teaches (assigned or head teacher) or a learner is enrolled in;
/// `None` for administrators, whose reach is their scope.
pub fn own_cohorts(conn: &mut DbConn, caller: &Caller) -> QueryResult<Option<Vec<CohortId>>> {
    Ok(match caller.role {
        Role::SystemAdmin | Role::InstitutionAdmin | Role::Inspector => None,
        Role::UnitOfficer => Some(Vec::new()),
        Role::Lecturer => {
            let Some(me) = people::lecturer_of_user(conn, caller.user_id)? else { return Ok(Some(Vec::new())) };
            let mut ids: Vec<CohortId> =
                a::table.filter(a::lecturer_id.eq(me)).select(a::cohort_id).distinct().load(conn)?;
            ids.extend(c::table.filter(c::head_teacher_id.eq(me)).select(c::id).load::<CohortId>(conn)?);
            ids.sort();
            ids.dedup();
            Some(ids)
        }
        Role::Learner => {
            let Some(me) = people::learner_of_user(conn, caller.user_id)? else { return Ok(Some(Vec::new())) };
            Some(e::table.filter(e::learner_id.eq(me)).select(e::cohort_id).load(conn)?)
        }
    })
}

/// What the caller is to one class, in one read: the class, whether they administer it (its
/// institution in scope) or read it as the venue's administrators, their lecturer record and
/// whether they teach it (assigned or head teacher), and their learner record when enrolled.
/// 404 when the class does not exist; [`Standing::readable`] and the others answer the rest.
pub fn standing(conn: &mut DbConn, caller: &Caller, id: CohortId) -> Result<Standing, ApiError> {
    let cohort = find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let admin = caller.role.oversees() && caller.scope.contains(cohort.institution_id);
    let venue_admin =
        caller.role.oversees() && !admin && cohort.venue_institution_id.is_some_and(|v| caller.scope.contains(v));
    let (mut lecturer, mut teaches, mut head_teacher, mut learner) = (None, false, false, None);
    match caller.role {
        Role::Lecturer => {
            lecturer = people::lecturer_of_user(conn, caller.user_id)?;
            if let Some(me) = lecturer {
                head_teacher = cohort.head_teacher_id == Some(me);
                teaches = head_teacher
                    || a::table
                        .filter(a::cohort_id.eq(id))
                        .filter(a::lecturer_id.eq(me))
                        .select(a::cohort_id)
                        .first::<CohortId>(conn)
                        .optional()?
                        .is_some();
            }
        }
        Role::Learner => {
            if let Some(me) = people::learner_of_user(conn, caller.user_id)? {
                let enrolled = e::table
                    .filter(e::cohort_id.eq(id))
                    .filter(e::learner_id.eq(me))
                    .select(e::id)
                    .first::<EnrollmentId>(conn)
                    .optional()?;
                learner = enrolled.map(|_| me);
            }
        }
        Role::SystemAdmin | Role::InstitutionAdmin | Role::Inspector | Role::UnitOfficer => {}
    }
    if (admin || venue_admin) && !caller.role.is_admin() && caller.access == crate::auth::Access::Write {
        // An inspector reads the class and changes nothing in it.
        return Err(ApiError::Forbidden);
    }
    Ok(Standing { cohort, admin, venue_admin, lecturer, teaches, head_teacher, learner, grader: None })
}

/// The class if the caller may read it: administrators whose scope holds its institution or its
/// venue, its lecturers, its learners. 404 otherwise.
pub fn readable(conn: &mut DbConn, caller: &Caller, id: CohortId) -> Result<Cohort, ApiError> {
    Ok(standing(conn, caller, id)?.readable()?.cohort)
}

/// The class if the caller is on its staff (administrators in scope, its lecturers); 404 when
/// out of reach, 403 for its learners.
pub fn staff_readable(conn: &mut DbConn, caller: &Caller, id: CohortId) -> Result<Cohort, ApiError> {
    Ok(standing(conn, caller, id)?.staff()?.cohort)
}

/// The class if the caller administers it (its institution in scope); 404 when out of reach,
/// 403 when they may only read it.
pub fn writable(conn: &mut DbConn, caller: &Caller, id: CohortId) -> Result<Cohort, ApiError> {
    Ok(standing(conn, caller, id)?.admin()?.cohort)
}

pub struct Filter {
    pub updated_since: Option<NaiveDateTime>,
    pub status: Option<CohortStatus>,
    pub program_id: Option<ProgramId>,
    pub institution_id: Option<InstitutionId>,
    pub year: Option<i32>,
}

pub fn list(conn: &mut DbConn, caller: &Caller, f: &Filter, page: &PageRequest) -> Result<Vec<Cohort>, ApiError> {
    let own = own_cohorts(conn, caller)?;
    let mut q = c::table.select(Cohort::as_select()).into_boxed();
    match (own, &caller.scope) {
        (Some(ids), _) => q = q.filter(c::id.eq_any(ids)),
        (None, Scope::Within(ids)) => {
            q = q.filter(c::institution_id.eq_any(ids.clone()).or(c::venue_institution_id.eq_any(ids.clone())))
        }
        (None, Scope::All) => {}
    }
    if let Some(ts) = f.updated_since {
        q = q.filter(c::updated_at.ge(ts));
    }
    if let Some(s) = f.status {
        q = q.filter(c::status.eq(s));
    }
    if let Some(p) = f.program_id {
        q = q.filter(c::program_id.eq(p));
    }
    if let Some(i) = f.institution_id {
        q = q.filter(c::institution_id.eq(i));
    }
    if let Some(y) = f.year {
        let (from, to) = (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y, 12, 31));
        if let (Some(from), Some(to)) = (from, to) {
            q = q.filter(c::starts_on.le(to)).filter(c::ends_on.ge(from));
        }
    }
    if let Some(after) = &page.after {
        let after: CohortId =
            after.parse().map_err(|_| ApiError::field("cursor", "is not a cursor this service gave"))?;
        q = q.filter(c::id.gt(after));
    }
    Ok(q.order(c::id.asc()).limit(page.limit + 1).load(conn)?)
}

pub fn find_enrollment(conn: &mut DbConn, id: EnrollmentId) -> QueryResult<Option<Enrollment>> {
    e::table.find(id).select(Enrollment::as_select()).first(conn).optional()
}

pub fn enrollment_of(conn: &mut DbConn, cohort: CohortId, learner: LearnerId) -> QueryResult<Option<Enrollment>> {
    e::table
        .filter(e::cohort_id.eq(cohort))
        .filter(e::learner_id.eq(learner))
        .select(Enrollment::as_select())
        .first(conn)
        .optional()
}

/// The records in the class of those of `learners` who have one (enrolled or withdrawn).
pub fn enrollments_among(
    conn: &mut DbConn,
    cohort: CohortId,
    learners: &[LearnerId],
) -> QueryResult<std::collections::HashMap<LearnerId, Enrollment>> {
    let mut out = std::collections::HashMap::new();
    for chunk in learners.chunks(500) {
        let rows = e::table
            .filter(e::cohort_id.eq(cohort))
            .filter(e::learner_id.eq_any(chunk))
            .select(Enrollment::as_select())
            .load::<Enrollment>(conn)?;
        out.extend(rows.into_iter().map(|r| (r.learner_id, r)));
    }
    Ok(out)
}

/// Those of `learners` enrolled in the class now.
pub fn enrolled_among(conn: &mut DbConn, cohort: CohortId, learners: &[LearnerId]) -> QueryResult<Vec<LearnerId>> {
    let mut out = Vec::new();
    for chunk in learners.chunks(500) {
        out.extend(
            e::table
                .filter(e::cohort_id.eq(cohort))
                .filter(e::status.eq(EnrollmentStatus::Enrolled))
                .filter(e::learner_id.eq_any(chunk))
                .select(e::learner_id)
                .load::<LearnerId>(conn)?,
        );
    }
    Ok(out)
}

pub fn insert_enrollment(conn: &mut DbConn, row: &Enrollment) -> QueryResult<()> {
    diesel::insert_into(e::table).values(row).execute(conn).map(|_| ())
}

pub fn save_enrollment(conn: &mut DbConn, row: &Enrollment, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, e, row, seen_version)
}

/// Codes of the learner's other live classes whose dates overlap `[from, to]`.
pub fn overlapping_codes(
    conn: &mut DbConn,
    learners: &[LearnerId],
    except: Option<CohortId>,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(LearnerId, String)>> {
    let mut q = e::table
        .inner_join(c::table)
        .filter(e::learner_id.eq_any(learners))
        .filter(e::status.eq(EnrollmentStatus::Enrolled))
        .filter(c::status.ne_all(vec![CohortStatus::Cancelled, CohortStatus::Closed]))
        .filter(c::starts_on.le(to))
        .filter(c::ends_on.ge(from))
        .order((e::learner_id, c::starts_on, c::code))
        .select((e::learner_id, c::code))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(c::id.ne(id));
    }
    q.load(conn)
}

/// A class's enrolments with the learner's name, in class-list order.
pub fn enrollments(
    conn: &mut DbConn,
    cohort: CohortId,
    status: Option<EnrollmentStatus>,
    page: &PageRequest,
) -> QueryResult<Vec<(Enrollment, String, String)>> {
    let mut q = e::table
        .inner_join(l::table)
        .filter(e::cohort_id.eq(cohort))
        .select((Enrollment::as_select(), l::full_name, l::sort_key))
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(e::status.eq(s));
    }
    if let Some((k, id)) = page.after.as_deref().and_then(people::parse_cursor) {
        // `sort_key >= k` lets the index start at the cursor; the rest breaks ties.
        q = q.filter(l::sort_key.ge(k.clone())).filter(l::sort_key.gt(k).or(e::id.gt(id)));
    }
    q.order((l::sort_key.asc(), e::id.asc())).limit(page.limit + 1).load(conn)
}

pub fn insert_assignment(conn: &mut DbConn, row: &Assignment) -> QueryResult<()> {
    diesel::insert_into(a::table).values(row).execute(conn).map(|_| ())
}

pub fn assignments(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<Assignment>> {
    a::table.filter(a::cohort_id.eq(cohort)).order(a::id.asc()).select(Assignment::as_select()).load(conn)
}

pub fn find_assignment(conn: &mut DbConn, id: AssignmentId) -> QueryResult<Option<Assignment>> {
    a::table.find(id).select(Assignment::as_select()).first(conn).optional()
}

pub fn delete_assignment(conn: &mut DbConn, id: AssignmentId) -> QueryResult<usize> {
    diesel::delete(a::table.find(id)).execute(conn)
}

pub fn is_assigned(conn: &mut DbConn, cohort: CohortId, module: ModuleId, lecturer: LecturerId) -> QueryResult<bool> {
    a::table
        .filter(a::cohort_id.eq(cohort))
        .filter(a::module_id.eq(module))
        .filter(a::lecturer_id.eq(lecturer))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// Writes an enrolment: a re-enrolment after a withdrawal reuses the earlier record (`existing`),
/// keeping its id and history; otherwise a new one.
pub fn enrol(conn: &mut DbConn, existing: Option<Enrollment>, row: Enrollment) -> QueryResult<Enrollment> {
    match existing {
        Some(old) => {
            let again = Enrollment { id: old.id, version: old.version + 1, created_at: old.created_at, ..row };
            save_enrollment(conn, &again, old.version)?;
            Ok(again)
        }
        None => {
            insert_enrollment(conn, &row)?;
            Ok(row)
        }
    }
}
