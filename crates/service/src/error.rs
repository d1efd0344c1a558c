//! Errors of the use cases. The web layer maps each to one status in one place.

use safeguard_domain::ValidationErrors;
use safeguard_store::StoreError;
use thiserror::Error;

/// What went wrong.
#[derive(Debug, Error)]
pub enum ServiceError {
    /// Missing, or outside the caller's partnership (the two look the same to the caller).
    #[error("not found")]
    NotFound,
    /// The caller may not do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The input is wrong; each field has its message.
    #[error("invalid input")]
    Invalid(ValidationErrors),
    /// The change conflicts with the current state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Too many attempts.
    #[error("too many attempts")]
    Throttled,
    /// The database is busy; try again.
    #[error("busy")]
    Busy,
    /// Anything else (logged, never shown).
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Busy(_) => ServiceError::Busy,
            StoreError::Conflict(c) => ServiceError::Conflict(c),
            StoreError::Db(e) => ServiceError::Internal(anyhow::Error::new(e)),
        }
    }
}

impl From<ValidationErrors> for ServiceError {
    fn from(e: ValidationErrors) -> Self {
        ServiceError::Invalid(e)
    }
}

/// Result of a use case.
pub type ServiceResult<T> = Result<T, ServiceError>;
