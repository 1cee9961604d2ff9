use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::*;
use crate::db::schema::{certificates, register_entries, signing_keys};

crate::text_enum! {
    /// `valid`; `revoked` (the record stays, with reason and date); `replaced` by a reissue.
    pub enum CertificateStatus {
        Valid => "valid",
        Revoked => "revoked",
        Replaced => "replaced",
    }
}

crate::text_enum! {
    /// What happened, as the register book [sổ gốc] records it.
    pub enum RegisterEvent {
        Issued => "issued",
        Revoked => "revoked",
        Replaced => "replaced",
        Reissued => "reissued",
        CopyIssued => "copy_issued",
    }
}

crate::text_enum! {
    /// Why a credential is reissued.
    pub enum ReissueCause {
        Lost => "lost",
        Damaged => "damaged",
        Correction => "correction",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = certificates, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct Certificate {
    pub id: CertificateId,
    pub institution_id: InstitutionId,
    pub issuer_id: InstitutionId,
    pub cohort_id: CohortId,
    pub learner_id: LearnerId,
    pub kind: crate::programs::model::Credential,
    pub status: CertificateStatus,
    pub year: i32,
    pub number: i32,
    pub serial: String,
    pub register_no: String,
    pub verification_code: String,
    pub facts: String,
    pub key_id: KeyId,
    pub signature: String,
    pub replaces_id: Option<CertificateId>,
    pub replaced_by_id: Option<CertificateId>,
    pub issued_at: NaiveDateTime,
    pub issued_by: Option<UserId>,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoke_reason: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The entry in the issuer's revocation status list (0, 1, 2 … in the order issued).
    pub status_index: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = register_entries, treat_none_as_default_value = false)]
pub struct RegisterEntry {
    pub id: RegisterEntryId,
    pub certificate_id: CertificateId,
    pub institution_id: InstitutionId,
    pub cohort_id: CohortId,
    pub event: RegisterEvent,
    pub serial: String,
    pub register_no: String,
    pub holder: String,
    pub related_id: Option<CertificateId>,
    pub reason: Option<String>,
    pub at: NaiveDateTime,
    pub actor_id: Option<UserId>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = signing_keys)]
pub struct SigningKey {
    pub id: KeyId,
    pub institution_id: InstitutionId,
    pub algorithm: String,
    pub public_key: String,
    pub secret_key: String,
    pub created_at: NaiveDateTime,
    pub retired_at: Option<NaiveDateTime>,
}
