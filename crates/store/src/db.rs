//! The database handle: SQLite or PostgreSQL behind one enum, and the [`on_conn!`] macro that runs the
//! same body against whichever backend is in use.
//!
//! SQLite is opened in WAL mode with `synchronous=FULL`, foreign keys on and a busy timeout, and the
//! settings are read back and checked at start. Write transactions on SQLite begin `IMMEDIATE` so that
//! two writers queue on the busy timeout rather than failing when a read lock is upgraded.

use crate::{Result, StoreError};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL, for larger deployments.
    Postgres,
}

impl Backend {
    /// Works out the backend from a URL, refusing anything else.
    pub fn from_url(url: &str) -> std::result::Result<Backend, String> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            let scheme = url.split(':').next().unwrap_or("");
            Err(format!(
                "unsupported database URL scheme {scheme:?}: use sqlite://PATH (for example sqlite://safeguard.db) or postgres://USER@HOST/DATABASE"
            ))
        }
    }
}

/// A pool for one of the two backends.
#[derive(Clone, Debug)]
pub enum Db {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Pg(PgPool),
}

/// A connection borrowed for the length of a store call.
pub enum Conn<'c> {
    /// SQLite.
    Sqlite(&'c mut SqliteConnection),
    /// PostgreSQL.
    Pg(&'c mut PgConnection),
}

/// A pooled connection.
pub enum PoolConn {
    /// SQLite.
    Sqlite(PoolConnection<Sqlite>),
    /// PostgreSQL.
    Pg(PoolConnection<Postgres>),
}

/// An open transaction. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    /// SQLite.
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Pg(sqlx::Transaction<'static, Postgres>),
}

/// Runs `$body` with `$e` bound to the backend's `&mut Connection`.
#[macro_export]
macro_rules! on_conn {
    ($c:expr, |$e:ident| $body:expr) => {
        match $c {
            $crate::db::Conn::Sqlite($e) => {
                let $e = &mut **$e;
                $body
            }
            $crate::db::Conn::Pg($e) => {
                let $e = &mut **$e;
                $body
            }
        }
    };
}

impl PoolConn {
    /// The connection.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            PoolConn::Sqlite(c) => Conn::Sqlite(&mut *c),
            PoolConn::Pg(c) => Conn::Pg(&mut *c),
        }
    }
}

impl Tx {
    /// The transaction's connection.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(&mut *t),
            Tx::Pg(t) => Conn::Pg(&mut *t),
        }
    }
    /// Commits.
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// Pool settings.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Most connections.
    pub max_connections: u32,
    /// How long a writer waits for SQLite's lock.
    pub busy_timeout: Duration,
    /// Create the SQLite file if it does not exist.
    pub create_if_missing: bool,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 8,
            busy_timeout: Duration::from_secs(5),
            create_if_missing: true,
        }
    }
}

impl Db {
    /// Connects (without migrating).
    pub async fn connect(url: &str, settings: &PoolSettings) -> std::result::Result<Db, String> {
        match Backend::from_url(url)? {
            Backend::Sqlite => {
                let opts = SqliteConnectOptions::from_str(url)
                    .map_err(|e| format!("invalid SQLite URL: {e}"))?
                    .create_if_missing(settings.create_if_missing)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(settings.busy_timeout)
                    .disable_statement_logging();
                let pool = SqlitePoolOptions::new()
                    .max_connections(settings.max_connections)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await
                    .map_err(|e| format!("cannot open the SQLite database: {e}"))?;
                Ok(Db::Sqlite(pool))
            }
            Backend::Postgres => {
                let opts = PgConnectOptions::from_str(url)
                    .map_err(|e| format!("invalid PostgreSQL URL: {e}"))?
                    .disable_statement_logging();
                let pool = PgPoolOptions::new()
                    .max_connections(settings.max_connections)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await
                    .map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
                Ok(Db::Pg(pool))
            }
        }
    }

    /// Which backend.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Pg(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations for this backend.
    pub async fn migrate(&self) -> std::result::Result<(), String> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("../../migrations/sqlite").run(p).await,
            Db::Pg(p) => sqlx::migrate!("../../migrations/postgres").run(p).await,
        }
        .map_err(|e| format!("migration failed: {e}"))
    }

    /// Reads the durability settings back and refuses to go on when they are not what Safeguard needs
    /// (SQLite: WAL, synchronous FULL, foreign keys, a busy timeout; PostgreSQL: fsync and
    /// synchronous_commit on). Returns a line describing them.
    pub async fn verify_settings(&self) -> std::result::Result<String, String> {
        match self {
            Db::Sqlite(p) => {
                let mut c = p.acquire().await.map_err(|e| e.to_string())?;
                let jm: String = sqlx::query_scalar("pragma journal_mode")
                    .fetch_one(&mut *c)
                    .await
                    .map_err(|e| e.to_string())?;
                let sync: i64 = sqlx::query_scalar("pragma synchronous")
                    .fetch_one(&mut *c)
                    .await
                    .map_err(|e| e.to_string())?;
                let fk: i64 = sqlx::query_scalar("pragma foreign_keys")
                    .fetch_one(&mut *c)
                    .await
                    .map_err(|e| e.to_string())?;
                let bt: i64 = sqlx::query_scalar("pragma busy_timeout")
                    .fetch_one(&mut *c)
                    .await
                    .map_err(|e| e.to_string())?;
                if !jm.eq_ignore_ascii_case("wal") {
                    return Err(format!(
                        "SQLite journal_mode is {jm}, expected wal (is the database on a filesystem that supports WAL?)"
                    ));
                }
                if sync < 2 {
                    return Err(format!(
                        "SQLite synchronous is {sync}, expected 2 (FULL) or 3 (EXTRA)"
                    ));
                }
                if fk != 1 {
                    return Err("SQLite foreign_keys is off".into());
                }
                if bt <= 0 {
                    return Err("SQLite busy_timeout is not set".into());
                }
                Ok(format!(
                    "sqlite journal_mode={jm} synchronous={sync} foreign_keys={fk} busy_timeout={bt}ms"
                ))
            }
            Db::Pg(p) => {
                let mut c = p.acquire().await.map_err(|e| e.to_string())?;
                let mut out = Vec::new();
                for setting in ["fsync", "synchronous_commit", "full_page_writes"] {
                    let v: String =
                        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("show {setting}")))
                            .fetch_one(&mut *c)
                            .await
                            .map_err(|e| e.to_string())?;
                    if v == "off" {
                        return Err(format!(
                            "PostgreSQL {setting} is off: Safeguard needs it on so that acknowledged writes are durable"
                        ));
                    }
                    out.push(format!("{setting}={v}"));
                }
                Ok(format!("postgres {}", out.join(" ")))
            }
        }
    }

    /// Borrows a connection.
    pub async fn acquire(&self) -> Result<PoolConn> {
        Ok(match self {
            Db::Sqlite(p) => PoolConn::Sqlite(p.acquire().await?),
            Db::Pg(p) => PoolConn::Pg(p.acquire().await?),
        })
    }

    /// Begins a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Pg(p) => Tx::Pg(p.begin().await?),
        })
    }

    /// `select 1`, for the readiness probe.
    pub async fn ping(&self) -> Result<()> {
        let mut c = self.acquire().await?;
        let mut conn = c.conn();
        let _: i64 = on_conn!(&mut conn, |e| sqlx::query_scalar(
            "select cast(1 as bigint)"
        )
        .fetch_one(e)
        .await)?;
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Pg(p) => p.close().await,
        }
    }

    /// Writes a consistent copy of a SQLite database to `path` (`VACUUM INTO`) and checks it.
    pub async fn sqlite_backup(&self, path: &str) -> Result<()> {
        match self {
            Db::Sqlite(p) => {
                sqlx::query("vacuum into $1").bind(path).execute(p).await?;
                Ok(())
            }
            Db::Pg(_) => Err(StoreError::Conflict(
                "sqlite_backup called on PostgreSQL".into(),
            )),
        }
    }
}
