use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{Session, SessionStatus};
use crate::db::ids::*;
use crate::error::{ApiError, Problems};
use crate::http::extract::nullable;
use crate::text::clean;

/// A weekly series: each of `weekdays` (1 = Monday … 7 = Sunday) from `from` to `to`, between
/// local `start_time` and `end_time` in the configured time zone.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Series {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub weekdays: Vec<u32>,
    #[schema(value_type = String, example = "07:30")]
    pub start_time: NaiveTime,
    #[schema(value_type = String, example = "11:00")]
    pub end_time: NaiveTime,
}

/// One session (`starts_at`, `ends_at`) or a weekly `series`; all are checked for clashes
/// before any is written.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSessions {
    pub module_id: Option<ModuleId>,
    pub lecturer_id: Option<LecturerId>,
    #[schema(example = "Phòng 201")]
    pub place: Option<String>,
    pub note: Option<String>,
    pub starts_at: Option<DateTime<FixedOffset>>,
    pub ends_at: Option<DateTime<FixedOffset>>,
    pub series: Option<Series>,
}

crate::max_lengths!("CreateSessions": "place" => 200);

crate::required_fields!("CreateSessions": "module_id", "lecturer_id", "place");

/// Moves, re-assigns or annotates a session; the people concerned are told.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSession {
    pub starts_at: Option<DateTime<FixedOffset>>,
    pub ends_at: Option<DateTime<FixedOffset>>,
    pub place: Option<String>,
    pub lecturer_id: Option<LecturerId>,
    pub module_id: Option<ModuleId>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub note: Option<Option<String>>,
}

crate::max_lengths!("UpdateSession": "place" => 200);

impl UpdateSession {
    /// The session with the change applied, or every problem with the result: it ends after
    /// it starts, at a place of 1 to 200 characters.
    pub fn apply(self, cur: &Session) -> Result<Session, ApiError> {
        let mut row = cur.clone();
        if let Some(a) = self.starts_at {
            row.starts_at = a.naive_utc();
        }
        if let Some(z) = self.ends_at {
            row.ends_at = z.naive_utc();
        }
        if let Some(p) = self.place {
            row.place = clean(&p);
            row.place_key = super::rules::place_key(&row.place);
        }
        row.lecturer_id = self.lecturer_id.unwrap_or(cur.lecturer_id);
        row.module_id = self.module_id.unwrap_or(cur.module_id);
        if let Some(n) = self.note {
            row.note = n.map(|s| clean(&s)).filter(|s| !s.is_empty());
        }
        let mut p = Problems::new();
        p.check(row.ends_at > row.starts_at, "ends_at", "must be after starts_at");
        p.check(!row.place.is_empty() && row.place.chars().count() <= 200, "place", "must be 1 to 200 characters");
        p.finish(row)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub id: SessionId,
    pub cohort_id: CohortId,
    pub module_id: ModuleId,
    pub lecturer_id: LecturerId,
    /// In the configured time zone.
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub place: String,
    pub status: SessionStatus,
    pub note: Option<String>,
    pub version: i64,
}

pub fn local(t: chrono::NaiveDateTime, tz: chrono_tz::Tz) -> DateTime<FixedOffset> {
    t.and_utc().with_timezone(&tz).fixed_offset()
}

impl SessionOut {
    pub fn new(s: Session, tz: chrono_tz::Tz) -> SessionOut {
        SessionOut {
            id: s.id,
            cohort_id: s.cohort_id,
            module_id: s.module_id,
            lecturer_id: s.lecturer_id,
            starts_at: local(s.starts_at, tz),
            ends_at: local(s.ends_at, tz),
            place: s.place,
            status: s.status,
            note: s.note,
            version: s.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionsCreated {
    pub items: Vec<SessionOut>,
}

/// Filters of `GET /cohorts/{id}/sessions`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SessionFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub module_id: Option<ModuleId>,
    pub lecturer_id: Option<LecturerId>,
    pub status: Option<SessionStatus>,
}

/// `from` (default today) and `to` (default 30 days on), local dates, at most a year apart.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScheduleQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// An administrator's view of one class's, one lecturer's or one place's timetable.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AdminScheduleQuery {
    pub cohort_id: Option<CohortId>,
    pub lecturer_id: Option<LecturerId>,
    pub place: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One entry of a schedule: a teaching session, or a field trip or an exam (all day).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScheduleItem {
    /// `session`, `field_trip` or `exam`.
    pub kind: &'static str,
    pub id: uuid::Uuid,
    pub status: SessionStatus,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    /// Field trips take whole days: `starts_at` is the first day's midnight, `ends_at` the
    /// midnight after the last day.
    pub all_day: bool,
    pub title: String,
    pub cohort_id: CohortId,
    pub cohort_code: String,
    pub module_code: Option<String>,
    pub module_title: Option<String>,
    pub lecturer_id: Option<LecturerId>,
    pub lecturer_name: Option<String>,
    pub place: String,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarOut {
    /// A secret address for calendar apps; anyone holding it can read the schedule.
    pub calendar_url: String,
}
