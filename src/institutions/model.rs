use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::InstitutionId;
use crate::db::schema::institutions;

crate::text_enum! {
    /// `merged` institutions are kept, read-only, for the history printed on old credentials.
    pub enum InstitutionStatus {
        Active => "active",
        Merged => "merged",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = institutions, treat_none_as_null = true)]
pub struct Institution {
    pub id: InstitutionId,
    pub parent_id: Option<InstitutionId>,
    pub path: String,
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub tier: String,
    pub province: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub status: InstitutionStatus,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub evidence_required: crate::programs::model::Levels,
}
