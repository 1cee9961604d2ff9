//! Units that send people to study [đơn vị cử đi học] and the reports they get back. Learners
//! carry their unit's name as typed (`sending_unit`); the registry here gives a unit an e-mail
//! address, matched by the folded name (no accents, no case) at the class's institution or one
//! above it. At close-out each unit with an address gets the list of its people with results,
//! classification, conduct and credential numbers as an XLSX attachment.

pub mod http;
pub mod report;
pub mod store;

pub use store::{find, name_taken, registered};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::*;
use crate::db::schema::sending_units as su;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = su, treat_none_as_null = true)]
pub struct SendingUnit {
    pub id: SendingUnitId,
    pub institution_id: InstitutionId,
    pub name: String,
    pub name_key: String,
    pub email: Option<String>,
    pub contact_name: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
