use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::ids::*;
use crate::db::schema::{field_reports, field_trips};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = field_trips, treat_none_as_null = true)]
pub struct FieldTrip {
    pub id: FieldTripId,
    pub cohort_id: CohortId,
    pub institution_id: InstitutionId,
    pub destination: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub leader: String,
    pub report_due_on: NaiveDate,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A report without its file's bytes (those are read only for a download).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = field_reports)]
pub struct Report {
    pub id: ReportId,
    pub field_trip_id: FieldTripId,
    pub learner_id: LearnerId,
    pub institution_id: InstitutionId,
    pub body: Option<String>,
    pub file_name: Option<String>,
    pub file_type: Option<String>,
    pub file_size: Option<i32>,
    pub submitted_at: Option<NaiveDateTime>,
    pub late: bool,
    pub grade_tenths: Option<i32>,
    pub grade_comment: Option<String>,
    pub graded_by: Option<UserId>,
    pub graded_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
