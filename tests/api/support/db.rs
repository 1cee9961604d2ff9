//! Fresh databases for tests: SQLite copies a migrated template file; PostgreSQL clones a
//! migrated template database (`CREATE DATABASE … TEMPLATE`), dropped when the test ends.

use std::path::PathBuf;
use std::sync::OnceLock;

use diesel::{Connection, PgConnection, RunQueryDsl};

pub struct TestDb {
    pub url: String,
    kind: Kind,
}

enum Kind {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Another address for a database that `inner` owns (e.g. through a proxy).
    Shared(#[allow(dead_code)] Box<TestDb>),
}

fn migrate(url: &str) {
    let settings = llct::settings::Settings::load_from(&super::test_env(url)).unwrap();
    let db = llct::db::Db::connect(&settings.database).unwrap();
    llct::cli::migrate_now(&db).expect("migrations apply");
    if let Ok(mut c) = db.conn() {
        let _ = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *c);
    }
}

fn sqlite_template() -> &'static PathBuf {
    static T: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &T.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("template.db");
        migrate(&format!("sqlite://{}", path.display()));
        (dir, path)
    })
    .1
}

/// The server to make test databases on, or `None` (skipped) when unreachable and not required.
fn postgres_admin() -> Option<&'static (String, String)> {
    static P: OnceLock<Option<(String, String)>> = OnceLock::new();
    P.get_or_init(|| {
        let mode = std::env::var("LLCT_TEST_POSTGRES").unwrap_or_default();
        if mode == "skip" {
            say("LLCT_TEST_POSTGRES=skip: skipping the PostgreSQL tests");
            return None;
        }
        let admin = std::env::var("LLCT_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let mut conn = match PgConnection::establish(&admin) {
            Ok(c) => c,
            Err(e) if mode == "required" => panic!("LLCT_TEST_POSTGRES=required but PostgreSQL is unreachable: {e}"),
            Err(e) => {
                say(&format!("PostgreSQL unreachable at {admin} ({}): skipping the PostgreSQL tests (set LLCT_TEST_POSTGRES=required to fail instead)", e.to_string().split_whitespace().collect::<Vec<_>>().join(" ")));
                return None;
            }
        };
        // Leftovers of earlier runs that were killed before they could clean up.
        let stale: Vec<String> = diesel::sql_query("SELECT datname AS name FROM pg_database WHERE datname LIKE 'llct\\_t\\_%' OR datname LIKE 'llct\\_tpl\\_%'")
            .load::<Name>(&mut conn)
            .map(|v| v.into_iter().map(|n| n.name).collect())
            .unwrap_or_default();
        for name in stale {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
        }
        let template = format!("llct_tpl_{}", std::process::id());
        diesel::sql_query(format!("CREATE DATABASE \"{template}\"")).execute(&mut conn).expect("create template");
        migrate(&with_db(&admin, &template));
        Some((admin, template))
    })
    .as_ref()
}

/// Writes straight to the terminal: the test harness captures `eprintln!` of passing tests, and
/// a skipped PostgreSQL half must be seen.
fn say(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{message}");
}

#[derive(diesel::QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

fn with_db(url: &str, db: &str) -> String {
    let mut u = url::Url::parse(url).unwrap();
    u.set_path(&format!("/{db}"));
    u.to_string()
}

impl TestDb {
    /// The database owned by `inner`, reached at `url`.
    #[allow(non_snake_case)]
    pub fn Shared(url: String, inner: Box<TestDb>) -> TestDb {
        TestDb { url, kind: Kind::Shared(inner) }
    }

    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("llct.db");
        std::fs::copy(sqlite_template(), &path).unwrap();
        TestDb { url: format!("sqlite://{}", path.display()), kind: Kind::Sqlite(dir) }
    }

    pub fn postgres() -> Option<TestDb> {
        let (admin, template) = postgres_admin()?;
        let name = format!("llct_t_{}", uuid::Uuid::now_v7().simple());
        let mut conn = PgConnection::establish(admin).expect("admin connection");
        diesel::sql_query(format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""))
            .execute(&mut conn)
            .expect("create test database");
        Some(TestDb { url: with_db(admin, &name), kind: Kind::Postgres { admin_url: admin.clone(), name } })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Kind::Postgres { admin_url, name } = &self.kind {
            if let Ok(mut c) = PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut c);
            }
        }
    }
}
