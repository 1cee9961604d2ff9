//! The installed signing certificates: one per institution, replaced by the next upload.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{InstitutionId, UserId};
use crate::db::schema::signing_certificates as sc;
use crate::db::DbConn;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sc)]
pub struct SigningCertificate {
    pub institution_id: InstitutionId,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: NaiveDateTime,
    pub not_after: NaiveDateTime,
    /// The private key and the chain, sealed with the server's key.
    pub sealed: String,
    pub installed_by: UserId,
    pub installed_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, institution: InstitutionId) -> QueryResult<Option<SigningCertificate>> {
    sc::table.find(institution).select(SigningCertificate::as_select()).first(conn).optional()
}

/// Installs `row`, replacing the institution's certificate if it had one.
pub fn put(tx: &mut DbConn, row: &SigningCertificate) -> QueryResult<()> {
    diesel::delete(sc::table.find(row.institution_id)).execute(tx)?;
    diesel::insert_into(sc::table).values(row).execute(tx)?;
    Ok(())
}
