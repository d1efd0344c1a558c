//! HTTP integration tests: one binary, a real server per test on port 0 with a fresh database.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod helpers;

mod actions;
mod activity;
mod api;
mod auth;
mod calendar;
mod files;
mod governance;
mod invitations;
mod mail;
mod matrix;
mod ops;
mod people;
mod performance;
mod security;
// sign-offs and funding
mod funding;
mod funding_edits;
mod signoffs;
// case reviews
mod case_review_settings;
mod case_reviews;
mod case_reviews_edits;
mod practice_reviews;
mod review_learning;
// recommendations tracker
mod recommendation_comments;
mod recommendation_progress;
mod recommendations;
// performance framework: comparisons, place profile editing, returns API, approved view
mod performance_views;
// the tracker's reminders and escalation
mod rec_escalations;

use helpers::*;

safeguard_testkit::both_backends!(
    home_page_shows_the_demo_partnership_after_sign_in,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in("admin@safeguard.example").await;
        let (status, body) = app.get_text(&c, "/").await;
        assert_eq!(status, 200);
        assert!(body.contains("Telford and Wrekin Safeguarding Children Partnership"));
        assert!(body.contains("Child Safeguarding Practice Review Panel"));
    }
);
