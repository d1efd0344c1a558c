//! Safeguard's domain: types, rules and permission decisions.
//!
//! This crate holds no SQL and no HTTP (CI checks it with `cargo tree -i`). Everything that needs the
//! current time takes it as a parameter or through [`clock::Clock`].

pub mod actions;
pub mod activity;
pub mod audit;
pub mod calendar;
pub mod case_reviews;
pub mod clock;
pub mod csv;
pub mod files;
pub mod funding;
pub mod governance;
pub mod ids;
pub mod organisation;
pub mod password;
pub mod people;
pub mod performance;
pub mod policy;
pub mod practice_reviews;
pub mod recommendation_comments;
pub mod recommendations;
pub mod review_learning;
pub mod secret;
pub mod signoffs;
pub mod totp;
pub mod validation;

pub use ids::*;
pub use validation::ValidationErrors;
