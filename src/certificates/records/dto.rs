//! What the record endpoints take and answer.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::CredentialRecord;
use crate::db::ids::*;
use crate::http::export::Format;
use crate::people::dto::LearnerInput;
use crate::people::model::LlctLevel;

/// Query of `POST /credentials/import`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecordImportQuery {
    /// The institution that keeps the register book, where new holders are recorded; defaults
    /// to the caller's institution.
    pub institution_id: Option<InstitutionId>,
    /// The register book the rows are copied from, as it is labelled, e.g. `Sổ gốc cấp GCN
    /// sơ cấp LLCT 2012–2016, Trung tâm Chính trị huyện Kim Bảng`. 1 to 200 characters.
    pub register: String,
    /// Only check the file; write nothing.
    pub dry_run: Option<bool>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordImportOut {
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    /// Credentials recorded (0 in a dry run).
    pub recorded: usize,
    /// Holders found among the learners already recorded.
    pub learners_matched: usize,
    /// Holders recorded as new learners (counted in a dry run too).
    pub learners_created: usize,
    /// Names this import's records (`GET /credentials/records?import_id=`); `null` in a dry run.
    pub import_id: Option<String>,
}

/// A credential copied from a register book.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordOut {
    pub id: CredentialRecordId,
    /// The institution that keeps the register book.
    pub institution_id: InstitutionId,
    pub learner_id: LearnerId,
    pub holder: String,
    pub date_of_birth: NaiveDate,
    pub level: LlctLevel,
    pub program: String,
    pub classification: Option<String>,
    pub serial: String,
    pub register_no: String,
    pub issued_on: NaiveDate,
    /// The issuing institution when it is one of the service's (merged ones included).
    pub issuer_id: Option<InstitutionId>,
    pub issuer_name: String,
    /// The register book it was copied from.
    pub register: String,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
    pub import_id: String,
    pub verification_code: String,
    pub verify_url: String,
}

impl RecordOut {
    pub fn new(
        r: CredentialRecord,
        holder: String,
        date_of_birth: NaiveDate,
        settings: &crate::settings::Settings,
    ) -> RecordOut {
        RecordOut {
            verify_url: crate::certificates::verify_url(settings, &r.verification_code),
            id: r.id,
            institution_id: r.institution_id,
            learner_id: r.learner_id,
            holder,
            date_of_birth,
            level: r.level,
            program: r.program_title,
            classification: r.classification,
            serial: r.serial,
            register_no: r.register_no,
            issued_on: r.issued_on,
            issuer_id: r.issuer_id,
            issuer_name: r.issuer_name,
            register: r.register,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at.and_utc(),
            import_id: r.import_id,
            verification_code: r.verification_code,
        }
    }
}

/// Filters of `GET /credentials/records`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecordFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// The number printed on the paper.
    pub serial: Option<String>,
    pub learner_id: Option<LearnerId>,
    pub institution_id: Option<InstitutionId>,
    pub import_id: Option<String>,
    /// Issued in this calendar year.
    #[param(minimum = 1900, maximum = 2100)]
    pub year: Option<i32>,
    pub level: Option<LlctLevel>,
}

/// Query of the template endpoint.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecordTemplateQuery {
    pub format: Option<Format>,
}

/// One row of a register-book file as read.
#[derive(Debug, Default)]
pub struct RecordInput {
    pub learner_id: Option<LearnerId>,
    /// The holder as the row describes them: matched, or recorded as a new learner.
    pub holder: LearnerInput,
    pub level: Option<LlctLevel>,
    pub program: Option<String>,
    pub classification: Option<String>,
    pub serial: Option<String>,
    pub register_no: Option<String>,
    pub issued_on: Option<NaiveDate>,
    /// An institution's id or code.
    pub issuer: Option<String>,
    pub issuer_name: Option<String>,
}
