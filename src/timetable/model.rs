use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{CohortId, EventId, InstitutionId, LecturerId, ModuleId, SessionId};
use crate::db::schema::{schedule_events, sessions};

crate::text_enum! {
    pub enum SessionStatus {
        Scheduled => "scheduled",
        Cancelled => "cancelled",
    }
}

crate::text_enum! {
    pub enum EventKind {
        Rescheduled => "session_rescheduled",
        Cancelled => "session_cancelled",
    }
}

/// One teaching session [buổi học].
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = sessions, treat_none_as_null = true)]
pub struct Session {
    pub id: SessionId,
    pub cohort_id: CohortId,
    pub module_id: ModuleId,
    pub lecturer_id: LecturerId,
    pub institution_id: InstitutionId,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place: String,
    pub place_key: String,
    pub status: SessionStatus,
    pub note: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = schedule_events)]
pub struct ScheduleEvent {
    pub id: EventId,
    pub kind: EventKind,
    pub session_id: SessionId,
    pub cohort_id: CohortId,
    pub detail: String,
    pub created_at: NaiveDateTime,
}
