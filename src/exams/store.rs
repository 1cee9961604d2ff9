//! Queries over exams, graders and grades.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::*;
use crate::db::ids::*;
use crate::db::schema::{exam_graders as eg, exams as e, grade_changes as gc, grades as g, learners as l};
use crate::db::DbConn;
use crate::error::ApiError;

pub fn insert(conn: &mut DbConn, row: &Exam) -> QueryResult<()> {
    diesel::insert_into(e::table).values(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut DbConn, id: ExamId) -> QueryResult<Option<Exam>> {
    e::table.find(id).select(Exam::as_select()).first(conn).optional()
}

pub fn save(conn: &mut DbConn, row: &Exam, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, e, row, seen_version)
}

pub fn of_cohort(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<Exam>> {
    e::table.filter(e::cohort_id.eq(cohort)).order((e::held_on.asc(), e::id.asc())).select(Exam::as_select()).load(conn)
}

/// The institution's exams held on `day` (to find rooms used twice at once).
pub fn same_day(conn: &mut DbConn, institution: InstitutionId, day: chrono::NaiveDate) -> QueryResult<Vec<Exam>> {
    e::table.filter(e::institution_id.eq(institution)).filter(e::held_on.eq(day)).select(Exam::as_select()).load(conn)
}

/// The candidates of a sealed exam in Vietnamese name order, with name and date of birth: the
/// order they are seated and listed in.
pub fn sitting(conn: &mut DbConn, exam: ExamId) -> QueryResult<Vec<(Grade, String, chrono::NaiveDate)>> {
    g::table
        .inner_join(l::table.on(l::id.eq(g::learner_id)))
        .filter(g::exam_id.eq(exam))
        .order((l::sort_key.asc(), l::id.asc()))
        .select((Grade::as_select(), l::full_name, l::date_of_birth))
        .load(conn)
}

pub fn graders(conn: &mut DbConn, exam: ExamId) -> QueryResult<Vec<LecturerId>> {
    eg::table.filter(eg::exam_id.eq(exam)).select(eg::lecturer_id).load(conn)
}

pub fn set_graders(conn: &mut DbConn, exam: ExamId, lecturers: &[LecturerId]) -> QueryResult<()> {
    diesel::delete(eg::table.filter(eg::exam_id.eq(exam))).execute(conn)?;
    for lid in lecturers {
        diesel::insert_into(eg::table).values((eg::exam_id.eq(exam), eg::lecturer_id.eq(*lid))).execute(conn)?;
    }
    Ok(())
}

pub fn insert_grades(conn: &mut DbConn, rows: &[Grade]) -> QueryResult<()> {
    crate::insert_rows!(conn, g, rows);
    Ok(())
}

/// The grades of an exam with the learner's name, in class-list order.
pub fn grades(conn: &mut DbConn, exam: ExamId) -> QueryResult<Vec<(Grade, String)>> {
    g::table
        .inner_join(l::table)
        .filter(g::exam_id.eq(exam))
        .order((l::sort_key.asc(), l::id.asc()))
        .select((Grade::as_select(), l::full_name))
        .load(conn)
}

pub fn find_grade(conn: &mut DbConn, id: GradeId) -> QueryResult<Option<Grade>> {
    g::table.find(id).select(Grade::as_select()).first(conn).optional()
}

pub fn save_grade(conn: &mut DbConn, row: &Grade, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, g, row, seen_version)
}

pub fn set_status(conn: &mut DbConn, exam: ExamId, status: GradeStatus, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(g::table.filter(g::exam_id.eq(exam)))
        .set((g::status.eq(status), g::updated_at.eq(at), g::version.eq(g::version + 1)))
        .execute(conn)
}

/// One recorded change of a grade: what, the grade before and after, and why.
/// Who a change is recorded as made by: the account that made it and, for marks typed from a
/// grader's signed paper score sheet, the grader they stand for and the sheet's reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Typist {
    pub by: UserId,
    pub for_grader: Option<LecturerId>,
    pub sheet: Option<String>,
}

impl Typist {
    /// A change made by `by` in their own name.
    pub fn user(by: UserId) -> Typist {
        Typist { by, for_grader: None, sheet: None }
    }
}

#[allow(clippy::too_many_arguments)]
pub fn add_change(
    conn: &mut DbConn,
    grade: GradeId,
    by: &Typist,
    at: NaiveDateTime,
    what: GradeChangeKind,
    old: Option<&GradeState>,
    new: Option<&GradeState>,
    reason: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(gc::table)
        .values((
            gc::id.eq(GradeChangeId::new()),
            gc::grade_id.eq(grade),
            gc::changed_by.eq(by.by),
            gc::on_behalf_of.eq(by.for_grader),
            gc::sheet_reference.eq(by.sheet.as_deref()),
            gc::changed_at.eq(at),
            gc::what.eq(what.as_str()),
            gc::old_value.eq(old.map(GradeState::to_text)),
            gc::new_value.eq(new.map(GradeState::to_text)),
            gc::reason.eq(reason),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Saves a script's new state over `cur` and records the change, who made it and why, in the
/// caller's transaction; a script changed meanwhile by someone else is a conflict.
pub fn change_grade(
    conn: &mut DbConn,
    by: &Typist,
    at: NaiveDateTime,
    what: GradeChangeKind,
    cur: &Grade,
    mut row: Grade,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    row.version = cur.version + 1;
    row.updated_at = at;
    if !save_grade(conn, &row, cur.version)? {
        return Err(ApiError::conflict(
            "concurrent_change",
            "Someone changed this script at the same moment; send it again.",
        ));
    }
    add_change(conn, cur.id, by, at, what, Some(&GradeState::of(cur)), Some(&GradeState::of(&row)), reason)?;
    Ok(())
}

/// A recorded change with the name of who made it:
/// (by, by name, at, what, old, new, reason, on behalf of, sheet).
pub type ChangeRow = (
    UserId,
    String,
    NaiveDateTime,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<LecturerId>,
    Option<String>,
);

pub fn changes(conn: &mut DbConn, grade: GradeId) -> QueryResult<Vec<ChangeRow>> {
    use crate::db::schema::users as u;
    gc::table
        .inner_join(u::table.on(u::id.eq(gc::changed_by)))
        .filter(gc::grade_id.eq(grade))
        .order((gc::changed_at.asc(), gc::id.asc()))
        .select((
            gc::changed_by,
            u::full_name,
            gc::changed_at,
            gc::what,
            gc::old_value,
            gc::new_value,
            gc::reason,
            gc::on_behalf_of,
            gc::sheet_reference,
        ))
        .load(conn)
}

/// The marks of a class's published or locked exams (of its learner `only`), in the order the
/// exams were held.
pub fn published_of_cohort(
    conn: &mut DbConn,
    cohort: CohortId,
    only: Option<LearnerId>,
) -> QueryResult<Vec<PublishedMark>> {
    let mut q = g::table
        .inner_join(e::table)
        .filter(e::cohort_id.eq(cohort))
        .filter(g::status.ne(GradeStatus::Draft))
        .order((e::held_on.asc(), e::id.asc()))
        .select((e::id, e::kind, e::module_id, e::subject_code, g::learner_id, g::presence, g::value_tenths))
        .into_boxed();
    if let Some(l) = only {
        q = q.filter(g::learner_id.eq(l));
    }
    Ok(q.load::<(ExamId, ExamKind, Option<ModuleId>, Option<String>, LearnerId, Presence, Option<i32>)>(conn)?
        .into_iter()
        .map(|(exam_id, kind, module_id, subject_code, learner_id, presence, value)| PublishedMark {
            exam_id,
            kind,
            module_id,
            subject_code,
            learner_id,
            mark: value.filter(|_| presence == Presence::Sat),
        })
        .collect())
}

/// A published (or locked) grade as results read it: the exam's kind and what it examined, the
/// learner, and the mark in tenths if they sat (absent or excused: none).
pub struct PublishedMark {
    pub exam_id: ExamId,
    pub kind: ExamKind,
    pub module_id: Option<ModuleId>,
    pub subject_code: Option<String>,
    pub learner_id: LearnerId,
    pub mark: Option<i32>,
}
