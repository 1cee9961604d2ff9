//! Embedded migrations, one tree per backend with the same version names.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use diesel::RunQueryDsl;

use super::DbConn;

pub const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies every pending migration and returns the versions applied.
pub fn run(conn: &mut DbConn) -> Result<Vec<String>, String> {
    let migrations = match conn {
        DbConn::Sqlite(_) => SQLITE,
        DbConn::Pg(_) => POSTGRES,
    };
    // Several replicas may start at once against one PostgreSQL: only one migrates at a time.
    let locked = matches!(conn, DbConn::Pg(_));
    if locked {
        diesel::sql_query("SELECT pg_advisory_lock(7142026001)")
            .execute(conn)
            .map_err(|e| format!("migration lock: {e}"))?;
    }
    let result = conn
        .run_pending_migrations(migrations)
        .map(|applied| applied.iter().map(|v| v.to_string()).collect())
        .map_err(|e| format!("migration failed: {e}"));
    if locked {
        let _ = diesel::sql_query("SELECT pg_advisory_unlock(7142026001)").execute(conn);
    }
    result
}
