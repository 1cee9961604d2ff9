//! What the attendance routes take and give.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::rules::MarkIn;
use super::summary::LearnerAttendance;
use crate::db::ids::*;
use crate::http::export::Format;

/// A roll call: marks for some or all learners of the session (others stay as they are).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollCall {
    pub entries: Vec<MarkIn>,
    /// Required for corrections after the lecturer's window has closed.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RollEntry {
    pub learner_id: LearnerId,
    pub learner_name: String,
    /// `null` until the roll is taken for this learner.
    pub status: Option<AttendanceStatus>,
    pub minutes_late: Option<i32>,
    pub note: Option<String>,
    pub recorded_by: Option<UserId>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Roll {
    pub session_id: SessionId,
    pub cohort_id: CohortId,
    /// Changes with every roll call; send it back as `If-Match`.
    pub roll_version: i64,
    pub entries: Vec<RollEntry>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RollChange {
    pub learner_id: LearnerId,
    pub old_status: Option<AttendanceStatus>,
    pub new_status: AttendanceStatus,
    pub old_note: Option<String>,
    pub new_note: Option<String>,
    pub reason: Option<String>,
    pub changed_by: UserId,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    pub learner_id: Option<LearnerId>,
    pub format: Option<Format>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyAttendance {
    pub cohort_id: CohortId,
    pub cohort_code: String,
    #[serde(flatten)]
    pub attendance: LearnerAttendance,
    /// Every session held so far (cancelled ones left out), in time order, with the mark.
    pub sessions: Vec<MySession>,
    /// Hours made up [học bù], with their reason.
    pub makeups: Vec<MakeupOut>,
}

/// One session of the learner's class and how they were marked in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MySession {
    pub session_id: SessionId,
    /// In the configured time zone.
    pub starts_at: DateTime<chrono::FixedOffset>,
    pub ends_at: DateTime<chrono::FixedOffset>,
    pub module_id: ModuleId,
    pub module_code: String,
    pub module_title: String,
    /// `present`, `late`, `excused` or `absent`; none until the roll is taken.
    pub status: Option<AttendanceStatus>,
    pub minutes_late: Option<i32>,
    /// Who took the roll.
    pub marked_by: Option<String>,
}

/// Hours a learner made up for a module [học bù], with the reason.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMakeup {
    pub learner_id: Option<LearnerId>,
    pub module_id: Option<ModuleId>,
    /// Periods [tiết] of 45 minutes.
    pub hours: Option<f64>,
    pub reason: Option<String>,
}

crate::required_fields!("CreateMakeup": "learner_id", "module_id", "reason");

#[derive(Debug, Serialize, ToSchema)]
pub struct MakeupOut {
    pub id: MakeupId,
    pub learner_id: LearnerId,
    pub module_id: ModuleId,
    pub hours: f64,
    pub reason: String,
    pub recorded_by: UserId,
    pub created_at: DateTime<Utc>,
}
