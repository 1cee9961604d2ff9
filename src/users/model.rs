use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Role;
use crate::db::ids::{InstitutionId, SendingUnitId, UserId};
use crate::db::schema::users;

pub use crate::auth::UserStatus;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
    pub full_name: String,
    pub role: Role,
    pub institution_id: Option<InstitutionId>,
    pub status: UserStatus,
    pub last_login_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The sending unit a `unit_officer` speaks for.
    pub sending_unit_id: Option<SendingUnitId>,
}
