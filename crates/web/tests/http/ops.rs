//! Operations endpoints: liveness, readiness, metrics.

use crate::helpers::*;

safeguard_testkit::both_backends!(healthz_answers_without_a_session, |backend| async move {
    let app = spawn_app(backend).await;
    let r = app.get(&raw_client(), "/healthz").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap(), "ok");
});

// Regression test. This failed on PostgreSQL when written: `Db::ping` decoded `select 1` as `i64`,
// PostgreSQL types the literal as int4 and sqlx refused the decode, so GET /readyz always answered 503
// "database unavailable" with the database up (fixed in crates/store/src/db.rs meanwhile).
safeguard_testkit::both_backends!(
    readyz_reports_ready_when_the_database_answers,
    |backend| async move {
        let app = spawn_app(backend).await;
        let ping = app.db.ping().await;
        let r = app.get(&raw_client(), "/readyz").await;
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert_eq!(
            (status, body.as_str()),
            (200, "ready"),
            "BUG on {backend:?}: GET /readyz with a working database; Db::ping() = {ping:?}"
        );
        // And it does report a database that has gone away.
        app.db.close().await;
        assert_eq!(
            app.get(&raw_client(), "/readyz").await.status().as_u16(),
            503
        );
    }
);

safeguard_testkit::both_backends!(
    metrics_are_for_platform_operators_only,
    |backend| async move {
        let app = spawn_app(backend).await;
        let operator = app.signed_in("operator@safeguard.example").await;
        let r = app.get(&operator, "/metrics").await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(header(&r, "content-type").starts_with("text/plain"));
        let body = r.text().await.unwrap();
        assert!(
            !body.contains("@safeguard.example"),
            "no personal data in metrics"
        );
        let token =
            safeguard_service::tokens::issue_for_email(&app.svc, "operator@safeguard.example", 5)
                .await
                .unwrap();
        // /metrics is a page route: a bearer token is not a session there.
        let r = raw_client()
            .get(app.url("/metrics"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(location(&r), "/sign-in");
        let admin = app.signed_in("admin@safeguard.example").await;
        assert_eq!(app.get(&admin, "/metrics").await.status().as_u16(), 403);
        assert_eq!(
            location(&app.get(&raw_client(), "/metrics").await),
            "/sign-in"
        );
    }
);
