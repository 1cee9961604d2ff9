//! What the field study routes take and give.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::Report;
use crate::db::ids::*;
use crate::http::extract::nullable;

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldTripInput {
    #[schema(example = "Xã Tam Chúc, huyện Kim Bảng")]
    pub destination: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// Who leads the field study [trưởng đoàn].
    pub leader: Option<String>,
    pub report_due_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// The lecturers who guide the study [giảng viên hướng dẫn], in order; each at most once
    /// (a repeat is refused). Each earns the field-study weight for every day of it in the
    /// workload report, a day of two studies that overlap counting for both. A change replaces
    /// the whole list.
    #[schema(max_items = 20)]
    pub lecturer_ids: Option<Vec<LecturerId>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldTripOut {
    pub id: FieldTripId,
    pub cohort_id: CohortId,
    pub destination: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub leader: String,
    pub report_due_on: NaiveDate,
    pub description: Option<String>,
    /// The lecturers who guide the study, in order.
    pub lecturer_ids: Vec<LecturerId>,
    pub version: i64,
}

/// A learner's report: submission, file and grade (the file itself is downloaded separately).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    pub learner_id: LearnerId,
    pub learner_name: String,
    pub submitted: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Submitted after the due date.
    pub late: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub file_name: Option<String>,
    pub file_type: Option<String>,
    pub file_size: Option<i32>,
    pub grade: Option<f64>,
    pub grade_comment: Option<String>,
    pub graded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportText {
    pub text: String,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[schema(as = ReportGradeIn)]
#[serde(deny_unknown_fields)]
pub struct GradeIn {
    /// 0–10 with one decimal.
    #[schema(minimum = 0, maximum = 10)]
    pub grade: f64,
    pub comment: Option<String>,
}

impl ReportOut {
    /// The learner's report as the routes give it (`with_text`: with the text itself).
    pub fn new(name: String, learner_id: LearnerId, r: Option<Report>, with_text: bool) -> ReportOut {
        match r {
            None => ReportOut {
                learner_id,
                learner_name: name,
                submitted: false,
                submitted_at: None,
                late: false,
                text: None,
                file_name: None,
                file_type: None,
                file_size: None,
                grade: None,
                grade_comment: None,
                graded_at: None,
            },
            Some(r) => ReportOut {
                learner_id,
                learner_name: name,
                submitted: r.submitted_at.is_some(),
                submitted_at: r.submitted_at.map(|t| t.and_utc()),
                late: r.late,
                text: if with_text { r.body } else { None },
                file_name: r.file_name,
                file_type: r.file_type,
                file_size: r.file_size,
                grade: r.grade_tenths.map(crate::exams::rules::mark),
                grade_comment: r.grade_comment,
                graded_at: r.graded_at.map(|t| t.and_utc()),
            },
        }
    }
}
