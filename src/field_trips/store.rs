//! Queries over field trips and their reports.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{FieldTrip, Report};
use crate::db::ids::*;
use crate::db::schema::{field_reports as r, field_trip_lecturers as fl, field_trips as f};
use crate::db::DbConn;

pub fn insert(conn: &mut DbConn, row: &FieldTrip) -> QueryResult<()> {
    diesel::insert_into(f::table).values(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut DbConn, id: FieldTripId) -> QueryResult<Option<FieldTrip>> {
    f::table.find(id).select(FieldTrip::as_select()).first(conn).optional()
}

pub fn save(conn: &mut DbConn, row: &FieldTrip, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, f, row, seen_version)
}

/// The lecturers who guide each of `trips`, in their order.
pub fn lecturers_of(
    conn: &mut DbConn,
    trips: &[FieldTripId],
) -> QueryResult<std::collections::HashMap<FieldTripId, Vec<LecturerId>>> {
    let rows: Vec<(FieldTripId, LecturerId)> = fl::table
        .filter(fl::field_trip_id.eq_any(trips))
        .order((fl::field_trip_id, fl::position))
        .select((fl::field_trip_id, fl::lecturer_id))
        .load(conn)?;
    let mut out: std::collections::HashMap<FieldTripId, Vec<LecturerId>> = std::collections::HashMap::new();
    for (t, l) in rows {
        out.entry(t).or_default().push(l);
    }
    Ok(out)
}

/// Puts `lecturers` in the place of the trip's lecturers, in that order.
pub fn set_lecturers(conn: &mut DbConn, trip: FieldTripId, lecturers: &[LecturerId]) -> QueryResult<()> {
    diesel::delete(fl::table.filter(fl::field_trip_id.eq(trip))).execute(conn)?;
    // A study has a few lecturers (at most 20): one row each.
    for (i, l) in lecturers.iter().enumerate() {
        diesel::insert_into(fl::table)
            .values((fl::field_trip_id.eq(trip), fl::lecturer_id.eq(*l), fl::position.eq(i as i32)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn of_cohort(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<FieldTrip>> {
    f::table.filter(f::cohort_id.eq(cohort)).order(f::starts_on.asc()).select(FieldTrip::as_select()).load(conn)
}

pub fn report(conn: &mut DbConn, trip: FieldTripId, learner: LearnerId) -> QueryResult<Option<Report>> {
    r::table
        .filter(r::field_trip_id.eq(trip))
        .filter(r::learner_id.eq(learner))
        .select(Report::as_select())
        .first(conn)
        .optional()
}

pub fn reports(conn: &mut DbConn, trip: FieldTripId) -> QueryResult<Vec<Report>> {
    r::table.filter(r::field_trip_id.eq(trip)).select(Report::as_select()).load(conn)
}

/// Creates the learner's (empty) report if there is none; returns it.
pub fn ensure_report(
    conn: &mut DbConn,
    trip: &FieldTrip,
    learner: LearnerId,
    at: NaiveDateTime,
) -> QueryResult<Report> {
    if let Some(rep) = report(conn, trip.id, learner)? {
        return Ok(rep);
    }
    diesel::insert_into(r::table)
        .values((
            r::id.eq(ReportId::new()),
            r::field_trip_id.eq(trip.id),
            r::learner_id.eq(learner),
            r::institution_id.eq(trip.institution_id),
            r::late.eq(false),
            r::version.eq(1i64),
            r::created_at.eq(at),
            r::updated_at.eq(at),
        ))
        .execute(conn)?;
    report(conn, trip.id, learner)?.ok_or(diesel::result::Error::NotFound)
}

pub fn set_text(conn: &mut DbConn, id: ReportId, body: &str, late: bool, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(r::table.find(id))
        .set((
            r::body.eq(body),
            r::submitted_at.eq(at),
            r::late.eq(late),
            r::updated_at.eq(at),
            r::version.eq(r::version + 1),
        ))
        .execute(conn)
}

pub fn set_file(
    conn: &mut DbConn,
    id: ReportId,
    name: &str,
    mime: &str,
    data: &[u8],
    late: bool,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(r::table.find(id))
        .set((
            r::file_name.eq(name),
            r::file_type.eq(mime),
            r::file_size.eq(data.len() as i32),
            r::file_data.eq(data),
            r::submitted_at.eq(at),
            r::late.eq(late),
            r::updated_at.eq(at),
            r::version.eq(r::version + 1),
        ))
        .execute(conn)
}

pub fn file(conn: &mut DbConn, id: ReportId) -> QueryResult<Option<Vec<u8>>> {
    r::table.find(id).select(r::file_data).first::<Option<Vec<u8>>>(conn)
}

pub fn grade(
    conn: &mut DbConn,
    id: ReportId,
    tenths: i32,
    comment: Option<&str>,
    by: UserId,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(r::table.find(id))
        .set((
            r::grade_tenths.eq(tenths),
            r::grade_comment.eq(comment),
            r::graded_by.eq(by),
            r::graded_at.eq(at),
            r::updated_at.eq(at),
            r::version.eq(r::version + 1),
        ))
        .execute(conn)
}
