//! The few places where the two databases need different SQL.

use diesel::sql_types::Text;
use diesel::RunQueryDsl;

use super::DbConn;

/// Serialises writers that touch the same named things (a lecturer's, a class's, a room's
/// timetable) until the transaction ends. SQLite's `BEGIN IMMEDIATE` already admits one writer
/// at a time; PostgreSQL takes a transaction-scoped advisory lock per key, in sorted order so two
/// writers never wait on each other crosswise.
pub fn lock_keys(conn: &mut DbConn, keys: &[String]) -> diesel::QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        let mut keys: Vec<&String> = keys.iter().collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))").bind::<Text, _>(k).execute(c)?;
        }
    }
    Ok(())
}
