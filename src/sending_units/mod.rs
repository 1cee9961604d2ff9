//! Units that send people to study [đơn vị cử đi học] and the reports they get back. Learners
//! carry their unit's name as typed (`sending_unit`); the registry here gives a unit an e-mail
//! address, matched by the folded name (no accents, no case) at the class's institution or one
//! above it. At close-out each unit with an address gets the list of its people with results,
//! classification, conduct and credential numbers as an XLSX attachment.

pub mod http;
pub mod report;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::*;
use crate::db::schema::sending_units as su;
use crate::db::DbConn;

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

pub fn find(conn: &mut DbConn, id: SendingUnitId) -> QueryResult<Option<SendingUnit>> {
    su::table.find(id).select(SendingUnit::as_select()).first(conn).optional()
}

pub fn name_taken(
    conn: &mut DbConn,
    institution: InstitutionId,
    key: &str,
    except: Option<SendingUnitId>,
) -> QueryResult<bool> {
    let mut q =
        su::table.filter(su::institution_id.eq(institution)).filter(su::name_key.eq(key)).select(su::id).into_boxed();
    if let Some(x) = except {
        q = q.filter(su::id.ne(x));
    }
    q.first::<SendingUnitId>(conn).optional().map(|r| r.is_some())
}

/// The registered units among `keys` (folded names) known at an institution on `path` or above
/// it; where two levels know a unit, the nearest wins.
pub fn registered(
    conn: &mut DbConn,
    path: &str,
    keys: &[String],
) -> QueryResult<std::collections::HashMap<String, SendingUnit>> {
    let chain: Vec<InstitutionId> =
        path.split('/').filter_map(|s| s.parse::<uuid::Uuid>().ok()).map(InstitutionId).collect();
    let rows: Vec<SendingUnit> = su::table
        .filter(su::institution_id.eq_any(chain.clone()))
        .filter(su::name_key.eq_any(keys))
        .select(SendingUnit::as_select())
        .load(conn)?;
    let depth = |i: InstitutionId| chain.iter().position(|c| *c == i).unwrap_or(0);
    let mut out: std::collections::HashMap<String, SendingUnit> = std::collections::HashMap::new();
    for r in rows {
        match out.get(&r.name_key) {
            Some(cur) if depth(cur.institution_id) >= depth(r.institution_id) => {}
            _ => {
                out.insert(r.name_key.clone(), r);
            }
        }
    }
    Ok(out)
}
