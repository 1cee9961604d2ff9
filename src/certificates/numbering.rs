//! Serial [số hiệu] and register numbers [số vào sổ]: one unbroken sequence per institution per
//! year, taken inside the issuing transaction.

use diesel::prelude::*;

use crate::db::dialect::lock_keys;
use crate::db::ids::InstitutionId;
use crate::db::schema::credential_counters as cc;
use crate::db::DbConn;

/// The next number of `institution` in `year`. Holds the counter until the transaction ends (a
/// row lock on PostgreSQL, the single writer on SQLite), so concurrent issuers queue and a
/// rolled-back issue returns its number: the sequence never has a gap.
pub fn next_number(tx: &mut DbConn, institution: InstitutionId, year: i32) -> QueryResult<i32> {
    reserve(tx, institution, year, 1)
}

/// Takes `n` consecutive numbers at once and returns the first; same guarantees as
/// [`next_number`].
pub fn reserve(tx: &mut DbConn, institution: InstitutionId, year: i32, n: i32) -> QueryResult<i32> {
    lock_keys(tx, &[format!("credential-counter:{institution}:{year}")])?;
    let bumped = diesel::update(cc::table.find((institution, year)))
        .set(cc::last_number.eq(cc::last_number + n))
        .returning(cc::last_number)
        .get_result::<i32>(tx)
        .optional()?;
    match bumped {
        Some(last) => Ok(last - n + 1),
        None => {
            diesel::insert_into(cc::table)
                .values((cc::institution_id.eq(institution), cc::year.eq(year), cc::last_number.eq(n)))
                .execute(tx)?;
            Ok(1)
        }
    }
}
