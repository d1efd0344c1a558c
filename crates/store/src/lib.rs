//! All of Safeguard's SQL. One module per domain; every function runs the same SQL text on SQLite and
//! PostgreSQL through [`on_conn!`], and every function that reads or writes partnership data takes the
//! partnership as a parameter and puts it in the `where` clause.
//!
//! Time is always a parameter: no SQL here calls `now()` or `current_timestamp`.

pub mod db;
pub mod error;

pub mod actions;
pub mod activity;
pub mod audit_log;
pub mod bodies;
pub mod calendar;
pub mod case_reviews;
pub mod files;
pub mod funding;
pub mod governance;
pub mod invitations;
pub mod jobs;
pub mod organisations;
pub mod outbox;
pub mod partnerships;
pub mod people;
pub mod performance;
pub mod practice_reviews;
pub mod recommendation_comments;
pub mod recommendations;
pub mod review_learning;
pub mod roles;
pub mod sessions;
pub mod sign_in_attempts;
pub mod signoffs;
pub mod tokens;

pub use db::{Backend, Conn, Db, PoolConn, Tx};
pub use error::StoreError;

/// Result of a store call.
pub type Result<T> = std::result::Result<T, StoreError>;
