//! Backups of the embedded database: `llct backup --to FILE` takes a consistent copy while the
//! service runs (SQLite's `VACUUM INTO`, which reads one snapshot); `llct restore --from FILE`
//! puts one back, refusing to replace a database holding newer data unless forced. PostgreSQL
//! installations use pg_dump and pg_restore (README).

use std::path::Path;

use diesel::sql_types::{Nullable, Text, Timestamp};
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};

use crate::db::{sqlite_path, Backend, Db, DbConn};

#[derive(QueryableByName)]
struct Newest {
    #[diesel(sql_type = Nullable<Timestamp>)]
    t: Option<chrono::NaiveDateTime>,
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// The latest change recorded in a database (the newest `updated_at` of the main tables).
fn newest(conn: &mut SqliteConnection) -> Result<Option<chrono::NaiveDateTime>, String> {
    let sql = "SELECT MAX(t) AS t FROM (SELECT MAX(updated_at) AS t FROM users UNION ALL SELECT MAX(updated_at) FROM institutions \
               UNION ALL SELECT MAX(updated_at) FROM learners UNION ALL SELECT MAX(updated_at) FROM cohorts UNION ALL SELECT MAX(updated_at) FROM grades \
               UNION ALL SELECT MAX(updated_at) FROM attendance)";
    diesel::sql_query(sql).get_result::<Newest>(conn).map(|n| n.t).map_err(|e| format!("reading the database: {e}"))
}

/// Copies the running database into `to` (which must not exist yet).
pub fn backup(db: &Db, to: &Path) -> Result<(), String> {
    if db.backend() == Backend::Postgres {
        return Err("this installation uses PostgreSQL: back it up with `pg_dump --format=custom --file=llct.dump \"$DATABASE_URL\"` \
                    and restore with `pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" llct.dump`"
            .into());
    }
    if to.exists() {
        return Err(format!("{} already exists; choose a new file", to.display()));
    }
    let target = to.to_str().ok_or("the backup path is not valid UTF-8")?.to_string();
    let mut conn = db.conn().map_err(|_| "database: cannot connect".to_string())?;
    match &mut *conn {
        DbConn::Sqlite(c) => {
            // The file name is bound, never spliced into the statement.
            diesel::sql_query("VACUUM INTO ?")
                .bind::<Text, _>(target)
                .execute(c)
                .map(|_| ())
                .map_err(|e| format!("backup failed: {e}"))
        }
        DbConn::Pg(_) => Err("not a SQLite database".into()),
    }
}

/// Checks that `file` is an intact llct database; returns its newest change.
fn inspect(file: &Path) -> Result<Option<chrono::NaiveDateTime>, String> {
    let mut c = SqliteConnection::establish(file.to_str().ok_or("the path is not valid UTF-8")?)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let check = diesel::sql_query("PRAGMA integrity_check")
        .get_result::<Check>(&mut c)
        .map_err(|e| format!("{}: not a database ({e})", file.display()))?;
    if check.integrity_check != "ok" {
        return Err(format!("{}: damaged ({})", file.display(), check.integrity_check));
    }
    newest(&mut c).map_err(|_| format!("{}: not an llct database", file.display()))
}

/// Replaces the database at `database_url` with the backup `from`. Stop the service first.
pub fn restore(database_url: &str, from: &Path, force: bool) -> Result<(), String> {
    if Backend::of_url(database_url) == Backend::Postgres {
        return Err("this installation uses PostgreSQL: restore with `pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" llct.dump`".into());
    }
    let backup_newest = inspect(from)?;
    let target = Path::new(sqlite_path(database_url));
    if target.exists() && !force {
        let current = inspect(target)?;
        if current > backup_newest {
            return Err(format!(
                "the database holds newer data ({}) than the backup ({}); add --force to replace it",
                current.map(|t| t.to_string()).unwrap_or_default(),
                backup_newest.map(|t| t.to_string()).unwrap_or_else(|| "empty".into())
            ));
        }
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    // Copy beside the target, then rename over it, so a failure never leaves half a database.
    let staging = target.with_extension("db.restoring");
    std::fs::copy(from, &staging).map_err(|e| format!("copying the backup: {e}"))?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
    }
    std::fs::rename(&staging, target).map_err(|e| format!("replacing the database: {e}"))?;
    Ok(())
}
