//! The database's change stamp: one number that every write transaction raises just before it
//! commits, in the same transaction, so it is shared by every replica and moves exactly when
//! what a read could see moves. Conditional GETs (`http::conditional`) derive their tags from it.

use diesel::prelude::*;

use super::schema::data_version as dv;
use super::DbConn;

/// Raises the stamp; called last in a write transaction, so the row is held only while it
/// commits and two writers never wait on each other for it in a cycle.
pub fn bump(tx: &mut DbConn) -> QueryResult<()> {
    diesel::update(dv::table.filter(dv::id.eq(1))).set(dv::n.eq(dv::n + 1)).execute(tx)?;
    Ok(())
}

/// The stamp now.
pub fn current(conn: &mut DbConn) -> QueryResult<i64> {
    dv::table.filter(dv::id.eq(1)).select(dv::n).first(conn)
}

/// Raises the stamp past every value this installation can have handed out (`floor`: the
/// clock in microseconds), unless it is already there. Run at every start: a database restored
/// from a backup comes back with an older stamp, and the writes after the restore would give
/// again stamps, and so tags, that clients hold for other answers. A stamp rises by one per
/// write, far slower than the clock, so the clock at a later start is always past it.
pub fn renew(conn: &mut DbConn, floor: i64) -> QueryResult<()> {
    diesel::update(dv::table.filter(dv::id.eq(1)).filter(dv::n.lt(floor))).set(dv::n.eq(floor)).execute(conn)?;
    Ok(())
}
