//! Test helpers shared by every crate's tests: fresh databases on both backends, a fixed clock and a
//! real (minimal) SMTP server that records what it receives.
//!
//! PostgreSQL comes from `SAFEGUARD_TEST_POSTGRES_URL` (the test command sets it); when that is unset,
//! `postgres://postgres@127.0.0.1:5432/test` is tried. If neither answers, the PostgreSQL half of a
//! test fails loudly: it is never skipped.

#![allow(clippy::panic)] // test support: failing loudly is the point

pub mod smtp;

use chrono::{DateTime, TimeZone, Utc};
use sqlx::{Connection, PgConnection};
use std::path::PathBuf;

pub use safeguard_domain::clock::FixedClock;

/// The two backends every store test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    /// A temporary SQLite file.
    Sqlite,
    /// A fresh PostgreSQL database.
    Postgres,
}

/// The PostgreSQL server tests use.
pub fn postgres_admin_url() -> String {
    std::env::var("SAFEGUARD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A directory for one test's files, under the system temp dir.
pub fn temp_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "safeguard-test-{label}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Creates an empty database and returns its URL (not migrated).
pub async fn fresh_database_url(backend: TestBackend) -> String {
    match backend {
        TestBackend::Sqlite => {
            let dir = temp_dir("db");
            format!("sqlite://{}", dir.join("safeguard.db").display())
        }
        TestBackend::Postgres => {
            let admin = postgres_admin_url();
            let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL tests need a server: could not connect to {admin} ({e}). Run the README's test command \
                     (scripts/test), which starts one, or set SAFEGUARD_TEST_POSTGRES_URL."
                )
            });
            let name = format!("sg_test_{}", uuid::Uuid::new_v4().simple());
            sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
            let _ = conn.close().await;
            replace_database(&admin, &name)
        }
    }
}

/// `url` with its database name replaced.
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let prefix = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

/// A fixed instant used by tests: 2026-11-26 09:00 UTC, a Thursday.
pub fn test_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Generates a test for each backend: `both_backends!(name, |backend| async move { ... })` expands to a
/// module `name` with `sqlite` and `postgres` tests.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$b:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $b = $crate::TestBackend::Sqlite;
                $body.await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let $b = $crate::TestBackend::Postgres;
                $body.await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_database_keeps_the_rest() {
        assert_eq!(
            replace_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            replace_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
