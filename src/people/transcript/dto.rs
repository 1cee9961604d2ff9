//! A transcript as it is answered.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::certificates::model::CertificateStatus;
use crate::cohorts::model::EnrollmentStatus;
use crate::db::ids::*;
use crate::results::rules::ModuleResult;

#[derive(Debug, Serialize, ToSchema)]
pub struct ClassRecord {
    pub cohort_id: CohortId,
    pub cohort: String,
    pub institution: String,
    pub program: String,
    pub level: crate::programs::model::Level,
    pub mode: crate::cohorts::model::Mode,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub enrollment_status: EnrollmentStatus,
    pub cohort_status: crate::cohorts::model::CohortStatus,
    /// `graduated`, `failed` or `pending`: as kept at closing for a closed class, else as it
    /// stands now.
    pub outcome: Option<String>,
    pub average: Option<f64>,
    pub classification: Option<String>,
    pub modules: Vec<ModuleResult>,
    pub field_study: Option<f64>,
    pub conduct: Option<ConductRecord>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConductRecord {
    pub political: crate::conduct::Rating,
    pub discipline: crate::conduct::Rating,
    pub class_rules: crate::conduct::Rating,
    /// The head teacher's comment [nhận xét của giáo viên chủ nhiệm].
    pub comment: Option<String>,
    pub measure: Option<crate::conduct::Measure>,
    /// When the disciplinary measure was taken, and why.
    pub measure_on: Option<chrono::NaiveDate>,
    pub measure_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialRecord {
    pub id: CertificateId,
    pub cohort_id: CohortId,
    pub kind: crate::programs::model::Credential,
    pub serial: String,
    pub register_no: String,
    pub status: CertificateStatus,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    pub verify_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Transcript {
    pub learner_id: LearnerId,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    pub institution_id: InstitutionId,
    pub classes: Vec<ClassRecord>,
    pub credentials: Vec<CredentialRecord>,
    /// Credentials issued on paper before the service, copied from register books.
    pub recorded_credentials: Vec<crate::certificates::records::dto::RecordOut>,
}

/// `json` (default), `csv`, `xlsx` or `pdf` (to print).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TranscriptFormat {
    Json,
    Csv,
    Xlsx,
    Pdf,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TranscriptQuery {
    pub format: Option<TranscriptFormat>,
}
