use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::*;
use crate::db::schema::{attendance, makeups};

crate::text_enum! {
    /// Roll-call mark: present, late, excused [nghỉ có phép] or absent [nghỉ không phép].
    pub enum AttendanceStatus {
        Present => "present",
        Late => "late",
        Excused => "excused",
        Absent => "absent",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = attendance, treat_none_as_null = true)]
pub struct Attendance {
    pub id: AttendanceId,
    pub session_id: SessionId,
    pub learner_id: LearnerId,
    pub cohort_id: CohortId,
    pub institution_id: InstitutionId,
    pub status: AttendanceStatus,
    pub minutes_late: Option<i32>,
    pub note: Option<String>,
    pub recorded_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = makeups)]
pub struct Makeup {
    pub id: MakeupId,
    pub cohort_id: CohortId,
    pub learner_id: LearnerId,
    pub module_id: ModuleId,
    pub minutes: i32,
    pub reason: String,
    pub recorded_by: UserId,
    pub created_at: NaiveDateTime,
}
