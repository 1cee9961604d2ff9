//! The database: one body of Diesel code over SQLite (embedded default) and PostgreSQL.
//!
//! Invariants: every write runs in [`write_tx`] (`BEGIN IMMEDIATE` on SQLite so writers queue on
//! the busy timeout instead of failing on a lock upgrade); no handler holds a connection outside a
//! [`Db::read`] / [`Db::write`] closure; blocking Diesel work runs on the blocking thread pool.

pub mod dialect;
pub mod ids;
pub mod migrate;
pub mod page;
pub mod schema;
pub mod sql;
pub mod stamp;
pub mod types;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, CustomizeConnection, ManageConnection, R2D2Connection};

use crate::error::ApiError;
use crate::settings::DatabaseSettings;

/// One connection to either backend; the rest of the code sees only `&mut DbConn`.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs the same source once per concrete backend, for the few things `MultiBackend` cannot
/// express (upserts, batch inserts, row locks).
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Connects by URL prefix and keeps the real driver error (diesel's derived `establish` hides it).
pub struct Manager {
    url: String,
    backend: Backend,
}

impl Manager {
    pub fn new(url: &str) -> Manager {
        let backend = Backend::of_url(url);
        let url = match backend {
            Backend::Postgres => url.to_string(),
            Backend::Sqlite => sqlite_path(url).to_string(),
        };
        Manager { url, backend }
    }
}

/// `sqlite://data/llct.db` and `sqlite:data/llct.db` name the file `data/llct.db`; a bare path is a path.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        Ok(match self.backend {
            Backend::Postgres => DbConn::Pg(PgConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?),
            Backend::Sqlite => {
                DbConn::Sqlite(SqliteConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?)
            }
        })
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// Per-connection settings: pragmas on SQLite, UTC on PostgreSQL.
#[derive(Debug)]
struct Init {
    busy_timeout_ms: u64,
}

impl CustomizeConnection<DbConn, r2d2::Error> for Init {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        match conn {
            DbConn::Sqlite(c) => c.batch_execute(&format!(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; \
                 PRAGMA busy_timeout={};",
                self.busy_timeout_ms
            )),
            DbConn::Pg(c) => c.batch_execute("SET TIME ZONE 'UTC'"),
        }
        .map_err(r2d2::Error::QueryError)
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// The shared handle: a pool plus which backend it talks to.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    /// Write transactions committed through [`Db::write`]: what was read before one may be
    /// stale after it.
    writes: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Db {
    /// Builds the pool without connecting eagerly, so the service starts (and `/healthz`
    /// answers) even while the database is still unreachable.
    pub fn connect(settings: &DatabaseSettings) -> Result<Db, String> {
        let backend = Backend::of_url(&settings.url);
        if backend == Backend::Sqlite {
            let path = std::path::Path::new(sqlite_path(&settings.url));
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("database.url: cannot create {}: {e}", dir.display()))?;
            }
        }
        let pool = r2d2::Pool::builder()
            .max_size(settings.pool_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_millis(settings.pool_timeout_ms))
            .connection_customizer(Box::new(Init { busy_timeout_ms: settings.sqlite_busy_timeout_ms }))
            .build_unchecked(Manager::new(&settings.url));
        Ok(Db { pool, backend, writes: Default::default() })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How many write transactions have committed through this handle; a value read at an
    /// older count may have changed since.
    pub fn writes_committed(&self) -> u64 {
        self.writes.load(std::sync::atomic::Ordering::Acquire)
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// A connection for blocking code outside a request (CLI, jobs, tests).
    pub fn conn(&self) -> Result<PooledConn, ApiError> {
        self.pool.get().map_err(ApiError::from)
    }

    /// Runs read-only work on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|_| ApiError::Internal("a database task failed".into()))?
    }

    /// Runs `f` in one write transaction on the blocking pool. Writes made for a request go
    /// through the request's audit trail instead (`audit::Audit`), which journals them.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.write_journaled((), f, |_| None).await
    }

    /// Like [`Db::write`], and `journal` appends its row in the same transaction just before the
    /// commit, so a change and its record stand or fall together; `created` gives the path of
    /// what the write made, which the journal names.
    pub async fn write_journaled<T, F, J>(
        &self,
        journal: J,
        f: F,
        created: fn(&T) -> Option<String>,
    ) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
        J: Journal,
    {
        let pool = self.pool.clone();
        let writes = self.writes.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            let v = write_tx(&mut conn, |tx| -> Result<T, ApiError> {
                let v = f(tx)?;
                journal.append(tx, created(&v).as_deref())?;
                Ok(v)
            })?;
            writes.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
            Ok(v)
        })
        .await
        .map_err(|_| ApiError::Internal("a database task failed".into()))?
    }
}

impl Db {
    /// Appends `journal`'s row alone, in a transaction of its own: a read that is recorded.
    /// Nothing another request remembered goes stale by it, so the write count stays.
    pub async fn journal(&self, journal: impl Journal) -> Result<(), ApiError> {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            write_tx_quiet(&mut conn, |tx| Ok::<_, ApiError>(journal.append(tx, None)?))
        })
        .await
        .map_err(|_| ApiError::Internal("a database task failed".into()))?
    }
}

/// Something a write appends inside its own transaction (the audit trail's row of a request).
pub trait Journal: Send + 'static {
    fn append(&self, tx: &mut DbConn, created: Option<&str>) -> QueryResult<()>;
}

/// No journal: writes of the scheduler, the command line and start-up.
impl Journal for () {
    fn append(&self, _: &mut DbConn, _: Option<&str>) -> QueryResult<()> {
        Ok(())
    }
}

/// `BEGIN IMMEDIATE` on SQLite, `BEGIN` on PostgreSQL; commits on `Ok`, rolls back on `Err`.
/// The change stamp (`stamp`) is raised last, in the same transaction.
pub fn write_tx<T, E>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    write_tx_stamped(conn, true, f)
}

/// Like [`write_tx`] for writes no reader sees as a change: a read's audit row, a job run's own
/// bookkeeping. The change stamp stays, so what clients hold stays current.
pub fn write_tx_quiet<T, E>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    write_tx_stamped(conn, false, f)
}

fn write_tx_stamped<T, E>(conn: &mut DbConn, stamp: bool, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let done = f(conn).and_then(|v| {
        if stamp {
            self::stamp::bump(conn)?;
        }
        Ok(v)
    });
    match done {
        Ok(v) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(v)
        }
        Err(e) => {
            let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// The current time as stored: UTC, truncated to microseconds (PostgreSQL's precision) so a
/// value compares equal after a round-trip.
pub fn now() -> chrono::NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    t - chrono::Duration::nanoseconds(i64::from(t.and_utc().timestamp_subsec_nanos() % 1000))
}
