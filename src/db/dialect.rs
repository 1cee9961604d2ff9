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

/// Bind parameters one statement may carry: SQLite's `SQLITE_MAX_VARIABLE_NUMBER` (32,766 since
/// 3.32, the bundled build) and PostgreSQL's wire protocol limit (65,535).
pub fn bind_limit(conn: &DbConn) -> usize {
    match conn {
        DbConn::Sqlite(_) => 32_766,
        DbConn::Pg(_) => 65_535,
    }
}

/// How many rows of `columns` binds each fit one INSERT on `conn`'s backend (at least one).
pub fn rows_per_insert(conn: &DbConn, columns: usize) -> usize {
    (bind_limit(conn) / columns.max(1)).max(1)
}

/// The number of columns of a table, from its `AllColumns` tuple.
pub trait Arity {
    const ARITY: usize;
}

macro_rules! arity {
    () => {};
    ($head:ident $(, $tail:ident)*) => {
        impl<$head $(, $tail)*> Arity for ($head, $($tail,)*) {
            const ARITY: usize = 1 + <[&str]>::len(&[$(stringify!($tail)),*]);
        }
        arity!($($tail),*);
    };
}

arity!(
    A01, A02, A03, A04, A05, A06, A07, A08, A09, A10, A11, A12, A13, A14, A15, A16, A17, A18, A19, A20, A21, A22, A23,
    A24, A25, A26, A27, A28, A29, A30, A31, A32, A33, A34, A35, A36, A37, A38, A39, A40
);

/// Inserts every row of a slice into `$table` (a schema module) in as few statements as the
/// backend's bind limit allows for that table's width; evaluates to the rows inserted.
/// `$rows` may be model structs or tuples of `column.eq(value)`; `$($tail)*` adds to each
/// statement (for example `.on_conflict_do_nothing()`).
#[macro_export]
macro_rules! insert_rows {
    ($conn:expr, $table:ident, $rows:expr $(, $($tail:tt)*)?) => {{
        use diesel::RunQueryDsl as _;
        let conn: &mut $crate::db::DbConn = $conn;
        let per = $crate::db::dialect::rows_per_insert(
            conn,
            <<$table::table as diesel::Table>::AllColumns as $crate::db::dialect::Arity>::ARITY,
        );
        let mut inserted = 0usize;
        for chunk in $rows.chunks(per) {
            inserted += $crate::per_backend!(&mut *conn, |c| diesel::insert_into($table::table)
                .values(chunk)
                $($($tail)*)?
                .execute(c))?;
        }
        inserted
    }};
}

/// Saves `$row` (a model with `id` and `version`) into `$table` (a schema module) over the
/// version the caller read: `Ok(true)` when that version was still current, `Ok(false)` when
/// someone changed the row meanwhile (optimistic concurrency, the ETag of the API). The new
/// version is the row's own: the caller sets it.
#[macro_export]
macro_rules! save_versioned {
    ($conn:expr, $table:ident, $row:expr, $seen:expr) => {{
        use diesel::{ExpressionMethods as _, QueryDsl as _, RunQueryDsl as _};
        let row = $row;
        diesel::update($table::table.find(row.id).filter($table::version.eq($seen)))
            .set(row)
            .execute($conn)
            .map(|n| n == 1)
    }};
}

#[cfg(test)]
mod tests {
    use super::Arity;

    #[test]
    fn a_table_knows_its_width() {
        use crate::db::schema::{attendance_changes, learner_words};
        assert_eq!(<<learner_words::table as diesel::Table>::AllColumns as Arity>::ARITY, 3);
        assert_eq!(<<attendance_changes::table as diesel::Table>::AllColumns as Arity>::ARITY, 10);
    }
}
