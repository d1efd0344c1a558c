//! Safeguard's use cases. Each public function that changes data opens a transaction, checks the
//! caller's permission through the policy module, makes the change, writes its audit entry in the
//! same transaction, and commits. Nothing here knows about HTTP.

pub mod actions;
pub mod activity;
pub mod actor;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod calendar;
pub mod case_review_admin;
pub mod case_review_reminders;
pub mod case_reviews;
pub mod demo;
pub mod demo_activity;
mod demo_case_reviews;
mod demo_governance;
pub mod demo_performance;
mod demo_practice_reviews;
mod demo_recommendation_comments;
mod demo_recommendations;
mod demo_review_learning;
pub mod error;
pub mod files;
pub mod funding;
pub mod generate;
mod generate_case_reviews;
mod generate_funding;
mod generate_governance;
mod generate_performance;
mod generate_practice_reviews;
mod generate_review_learning;
pub mod governance;
pub mod invitations;
pub mod mail;
pub mod partnerships;
pub mod passwords;
pub mod people;
pub mod performance;
pub mod performance_import;
pub mod practice_reviews;
pub mod recommendation_comments;
pub mod recommendations;
pub mod review_learning;
pub mod scheduler;
pub mod signoffs;
pub mod tokens;
// the tracker's reminders and escalation, and its generated data (issue 5)
pub mod action_escalations;
mod generate_recommendations;

pub use actor::{Actor, RequestMeta};
pub use error::{ServiceError, ServiceResult};

use safeguard_domain::clock::SharedClock;
use safeguard_store::Db;
use std::sync::Arc;

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Shown in emails and the TOTP issuer.
    pub service_name: String,
    /// The public base URL (for links in email), such as `https://safeguard.example.org`.
    pub public_url: String,
    /// The sender address for email.
    pub mail_from: String,
    /// How long API tokens last by default, in days.
    pub api_token_days: i64,
    /// Per-address limit: failed sign-ins from one address in 5 minutes.
    pub ip_failure_limit: usize,
    /// Where uploaded files are stored (`SAFEGUARD_FILES_DIR`); see [`files`].
    pub files_dir: std::path::PathBuf,
    /// Largest file accepted, in bytes (`SAFEGUARD_UPLOAD_LIMIT_MB`, 20 MB by default).
    pub upload_limit_bytes: u64,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            service_name: "Safeguard".into(),
            public_url: "http://127.0.0.1:8080".into(),
            mail_from: "Safeguard <no-reply@safeguard.invalid>".into(),
            api_token_days: 90,
            ip_failure_limit: 50,
            files_dir: std::path::PathBuf::from("safeguard-files"),
            upload_limit_bytes: files::DEFAULT_UPLOAD_LIMIT_BYTES,
        }
    }
}

/// Everything a use case needs: the database, the clock, the password hasher and settings.
#[derive(Clone)]
pub struct Services {
    /// The database.
    pub db: Db,
    /// The clock.
    pub clock: SharedClock,
    /// Password hashing, off the async runtime.
    pub passwords: passwords::Passwords,
    /// Settings.
    pub config: Arc<ServiceConfig>,
    /// In-memory per-address sign-in throttle.
    pub ip_throttle: Arc<auth::IpThrottle>,
    /// Cache of live sessions and API tokens for the request path.
    pub identities: Arc<auth::IdentityCache>,
    /// Each partnership's board and sub-groups, read on every home page (5 seconds).
    pub bodies:
        Arc<cache::TtlCache<safeguard_domain::PartnershipId, Vec<safeguard_store::bodies::Body>>>,
}

impl Services {
    /// Builds the services.
    pub fn new(
        db: Db,
        clock: SharedClock,
        passwords: passwords::Passwords,
        config: ServiceConfig,
    ) -> Self {
        Self {
            db,
            clock,
            passwords,
            config: Arc::new(config),
            ip_throttle: Arc::new(auth::IpThrottle::default()),
            identities: Arc::new(auth::IdentityCache::default()),
            bodies: Arc::new(cache::TtlCache::new(chrono::Duration::seconds(5), 10_000)),
        }
    }

    /// The current time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
