//! Everything held about a learner, as it is answered.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Role;
use crate::people::dto::LearnerOut;

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountData {
    pub email: String,
    pub role: Role,
    pub status: crate::users::model::UserStatus,
    pub last_login_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentData {
    pub cohort_code: String,
    pub status: crate::cohorts::model::EnrollmentStatus,
    pub enrolled_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceData {
    pub session_starts_at: DateTime<Utc>,
    pub status: crate::attendance::model::AttendanceStatus,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GradeData {
    pub exam: String,
    pub held_on: NaiveDate,
    pub presence: crate::exams::model::Presence,
    pub grade: Option<f64>,
    pub status: crate::exams::model::GradeStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportData {
    pub destination: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub text: Option<String>,
    pub file_name: Option<String>,
    pub grade: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealData {
    pub reason: String,
    pub status: String,
    pub resolution: Option<String>,
    pub filed_at: DateTime<Utc>,
}

/// All data held about one learner.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalData {
    pub learner: LearnerOut,
    pub account: Option<AccountData>,
    pub enrollments: Vec<EnrollmentData>,
    pub attendance: Vec<AttendanceData>,
    pub grades: Vec<GradeData>,
    pub field_reports: Vec<ReportData>,
    pub appeals: Vec<AppealData>,
    pub conduct: Vec<ConductData>,
    pub generated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConductData {
    pub cohort_code: String,
    pub political: crate::conduct::Rating,
    pub discipline: crate::conduct::Rating,
    pub class_rules: crate::conduct::Rating,
    pub comment: Option<String>,
    pub measure: Option<crate::conduct::Measure>,
    pub measure_reason: Option<String>,
}
