use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::ids::*;
use crate::db::schema::credential_records;
use crate::people::model::LlctLevel;

/// One credential copied from a register book.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Identifiable)]
#[diesel(table_name = credential_records)]
pub struct CredentialRecord {
    pub id: CredentialRecordId,
    /// The institution that keeps the register book.
    pub institution_id: InstitutionId,
    pub learner_id: LearnerId,
    pub level: LlctLevel,
    pub program_title: String,
    pub classification: Option<String>,
    pub serial: String,
    pub register_no: String,
    pub issued_on: NaiveDate,
    /// The issuer when it is (or was, before a merge) an institution of the service.
    pub issuer_id: Option<InstitutionId>,
    /// The issuer's name as the paper prints it.
    pub issuer_name: String,
    /// One serial per issuer: see [`super::rules::issuer_key`].
    pub issuer_key: String,
    pub verification_code: String,
    /// The register book it was copied from.
    pub register: String,
    pub import_id: String,
    pub recorded_by: UserId,
    pub recorded_at: NaiveDateTime,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
