//! What the credential routes take and give, and their printed tables.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::facts::Facts;
use super::model::*;
use crate::db::ids::*;
use crate::http::export::{Cell, Format, Table};
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateOut {
    pub id: CertificateId,
    /// The institution that holds the record now.
    pub institution_id: InstitutionId,
    /// The institution printed on the paper.
    pub issuer_id: InstitutionId,
    pub cohort_id: CohortId,
    pub learner_id: LearnerId,
    /// `certificate` or `diploma`.
    pub kind: crate::programs::model::Credential,
    pub status: CertificateStatus,
    pub year: i32,
    pub number: i32,
    pub serial: String,
    pub register_no: String,
    pub verification_code: String,
    /// Where the QR code points.
    pub verify_url: String,
    pub facts: Facts,
    pub key_id: KeyId,
    pub signature: String,
    pub replaces_id: Option<CertificateId>,
    pub replaced_by_id: Option<CertificateId>,
    pub issued_at: DateTime<Utc>,
    pub issued_by: Option<UserId>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoke_reason: Option<String>,
    pub version: i64,
}

pub fn verify_url(state: &AppState, code: &str) -> String {
    super::verify_url(&state.settings, code)
}

pub fn out(state: &AppState, x: Certificate) -> CertificateOut {
    CertificateOut {
        verify_url: verify_url(state, &x.verification_code),
        facts: Facts::parse(&x.facts).unwrap_or_else(|| panic!("stored facts of {} unreadable", x.id)),
        id: x.id,
        institution_id: x.institution_id,
        issuer_id: x.issuer_id,
        cohort_id: x.cohort_id,
        learner_id: x.learner_id,
        kind: x.kind,
        status: x.status,
        year: x.year,
        number: x.number,
        serial: x.serial,
        register_no: x.register_no,
        verification_code: x.verification_code,
        key_id: x.key_id,
        signature: x.signature,
        replaces_id: x.replaces_id,
        replaced_by_id: x.replaced_by_id,
        issued_at: x.issued_at.and_utc(),
        issued_by: x.issued_by,
        revoked_at: x.revoked_at.map(|t| t.and_utc()),
        revoke_reason: x.revoke_reason,
        version: x.version,
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueIn {
    /// The signer's name as printed, e.g. `Trần Văn Bình`; the issuing institution's
    /// `signer_name` when absent.
    pub signer_name: Option<String>,
    /// The signer's title as printed, e.g. `Giám đốc`; the institution's `signer_title` when
    /// absent.
    pub signer_title: Option<String>,
    /// The date printed on the papers; today (local time) when absent.
    pub issued_on: Option<NaiveDate>,
}

crate::max_lengths!("IssueIn": "signer_name" => 120, "signer_title" => 120);

#[derive(Debug, Serialize, ToSchema)]
pub struct IssueOut {
    /// Credentials issued by this call, in numbering order.
    pub issued: Vec<CertificateOut>,
    /// Graduates who already had one.
    pub already_issued: usize,
    /// Enrolled learners who have not graduated.
    pub not_graduated: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CertificateFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub cohort_id: Option<CohortId>,
    pub learner_id: Option<LearnerId>,
    pub institution_id: Option<InstitutionId>,
    pub status: Option<CertificateStatus>,
    pub year: Option<i32>,
    /// Exact serial [số hiệu].
    pub serial: Option<String>,
    pub format: Option<Format>,
}

pub fn table_of(rows: Vec<CertificateOut>) -> Table {
    let headers = vec![
        "Số hiệu",
        "Số vào sổ",
        "Họ và tên",
        "Ngày sinh",
        "Loại",
        "Chương trình",
        "Lớp",
        "Xếp loại",
        "Ngày cấp",
        "Trạng thái",
        "Mã tra cứu",
    ];
    let rows = rows
        .into_iter()
        .map(|x| {
            vec![
                Cell::from(x.serial),
                x.register_no.into(),
                x.facts.holder.into(),
                x.facts.date_of_birth.to_string().into(),
                x.facts.kind.into(),
                x.facts.program.into(),
                x.facts.cohort.into(),
                x.facts.classification.into(),
                x.facts.issued_on.to_string().into(),
                x.status.as_str().into(),
                x.verification_code.into(),
            ]
        })
        .collect();
    Table { name: "van-bang".into(), headers, rows }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PdfQuery {
    /// Print as a certified copy from the register [bản sao từ sổ gốc] (administrators).
    pub copy: Option<bool>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeIn {
    pub reason: String,
}

crate::max_lengths!("RevokeIn": "reason" => 1000);

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReissueIn {
    /// `lost`, `damaged` or `correction` (of the issuer's error; takes the learner record's
    /// current name and date of birth).
    pub cause: ReissueCause,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReissueOut {
    /// `reissued` (a new number, replacing the old one) or `copy` (a certified copy from the
    /// register: same number, printed with `?copy=true`).
    pub outcome: String,
    pub certificate: CertificateOut,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegisterFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub institution_id: Option<InstitutionId>,
    pub cohort_id: Option<CohortId>,
    /// Entries made in this year (UTC).
    pub year: Option<i32>,
    pub format: Option<Format>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterLine {
    pub id: RegisterEntryId,
    pub at: DateTime<Utc>,
    /// `issued`, `revoked`, `replaced`, `reissued` or `copy_issued`.
    pub event: RegisterEvent,
    pub certificate_id: CertificateId,
    pub serial: String,
    pub register_no: String,
    pub holder: String,
    pub cohort_id: CohortId,
    pub institution_id: InstitutionId,
    /// The other credential of a reissue.
    pub related_id: Option<CertificateId>,
    pub reason: Option<String>,
    pub actor_id: Option<UserId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyOut {
    pub key_id: KeyId,
    pub institution_id: InstitutionId,
    pub algorithm: String,
    pub public_key: String,
    pub created_at: DateTime<Utc>,
}
