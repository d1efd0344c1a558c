//! Store errors. Constraint violations come back as [`StoreError::Conflict`] with the constraint or
//! column that failed, so that the service layer can turn them into field messages.

use thiserror::Error;

/// Something went wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A unique or foreign-key constraint refused the write.
    #[error("conflict on {0}")]
    Conflict(String),
    /// The database is busy or the connection pool is exhausted; the caller may retry.
    #[error("database busy")]
    Busy(#[source] sqlx::Error),
    /// Anything else.
    #[error("database error")]
    Db(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) => {
                if d.is_unique_violation() || d.is_foreign_key_violation() || d.is_check_violation()
                {
                    let what = d
                        .constraint()
                        .map(str::to_owned)
                        .unwrap_or_else(|| d.message().to_owned());
                    return StoreError::Conflict(what);
                }
                // SQLITE_BUSY (5) / SQLITE_LOCKED (6); PostgreSQL serialization failure / deadlock
                match d.code().as_deref() {
                    Some("5") | Some("6") | Some("517") | Some("40001") | Some("40P01") => {
                        StoreError::Busy(e)
                    }
                    _ => StoreError::Db(e),
                }
            }
            sqlx::Error::PoolTimedOut => StoreError::Busy(e),
            _ => StoreError::Db(e),
        }
    }
}

impl StoreError {
    /// True when a unique constraint on something named like `what` refused the write.
    pub fn is_conflict_on(&self, what: &str) -> bool {
        matches!(self, StoreError::Conflict(c) if c.contains(what))
    }
}
