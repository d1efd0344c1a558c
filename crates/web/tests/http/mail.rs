//! Outbound email through a real SMTP server, retries, and the scheduler's once-per-slot guarantee.

use crate::helpers::*;
use chrono::Duration;
use safeguard_service::mail::{Mailer, deliver_due};
use safeguard_service::scheduler::{Every, run_once};
use safeguard_testkit::smtp::SmtpSink;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const FROM: &str = "Safeguard <no-reply@safeguard.invalid>";

/// An administrator adds a person through the form (which queues their invitation).
async fn add_person(app: &TestApp, admin: &reqwest::Client, name: &str, email: &str) {
    let (_, page) = app.get_text(admin, "/people/new").await;
    let org = select_options(&page, "organisation_id")
        .into_iter()
        .find(|(v, _)| !v.is_empty())
        .expect("an organisation")
        .0;
    let r = app
        .post_form(
            admin,
            "/people",
            &[
                ("csrf_token", &csrf_of(&page)),
                ("name", name),
                ("email", email),
                ("organisation_id", &org),
                ("role", "practitioner"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "person added");
}

safeguard_testkit::both_backends!(the_outbox_is_delivered_over_smtp, |backend| async move {
    let app = spawn_app(backend).await;
    let sink = SmtpSink::start().await;
    let mailer = Mailer::new(Some(&sink.url()), FROM).unwrap();
    let admin = app.signed_in("admin@safeguard.example").await;
    let email = "ada.lovelace@safeguard.example";
    add_person(&app, &admin, "Ada Lovelace", email).await;
    assert!(
        sink.messages().is_empty(),
        "nothing is sent before the worker runs"
    );

    let (sent, failed) = deliver_due(&app.svc, &mailer).await.unwrap();
    assert_eq!((sent, failed), (1, 0));
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, vec![email.to_owned()]);
    assert_eq!(got[0].from, "no-reply@safeguard.invalid");
    assert!(
        got[0]
            .data
            .contains("Subject: Set your password for Safeguard"),
        "{}",
        got[0].data
    );
    assert!(got[0].data.contains("Hello Ada Lovelace"));
    let row = &app.outbox_to(email).await[0];
    assert_eq!(row.status, "sent");
    assert_eq!(row.sent_at, Some(app.svc.now()));
    assert!(row.last_error.is_none());

    // Running again sends nothing more.
    app.clock.advance(Duration::minutes(30));
    assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (0, 0));
    assert_eq!(sink.messages().len(), 1);
});

safeguard_testkit::both_backends!(
    a_refused_message_is_retried_and_delivered_once,
    |backend| async move {
        let app = spawn_app(backend).await;
        let sink = SmtpSink::start().await;
        let mailer = Mailer::new(Some(&sink.url()), FROM).unwrap();
        let admin = app.signed_in("admin@safeguard.example").await;
        let email = "grace.hopper@safeguard.example";
        sink.set_refusing(true);
        add_person(&app, &admin, "Grace Hopper", email).await;

        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (0, 1));
        let row = app.outbox_to(email).await.remove(0);
        assert_eq!(row.status, "pending");
        assert_eq!(row.attempts, 1);
        let error = row.last_error.clone().expect("the failure is recorded");
        assert!(!error.is_empty());
        assert!(
            row.next_attempt_at > app.svc.now(),
            "retried later, not at once"
        );
        assert!(sink.messages().is_empty());

        // Not due yet, even with the server back.
        sink.set_refusing(false);
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (0, 0));
        assert!(sink.messages().is_empty());

        app.clock.set(row.next_attempt_at + Duration::seconds(1));
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (1, 0));
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (0, 0));
        app.clock.advance(Duration::hours(2));
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (0, 0));
        let to_her: Vec<_> = sink
            .messages()
            .into_iter()
            .filter(|m| m.to == vec![email.to_owned()])
            .collect();
        assert_eq!(to_her.len(), 1, "delivered exactly once");
        let row = app.outbox_to(email).await.remove(0);
        assert_eq!(row.status, "sent");
        assert_eq!(row.attempts, 2);
        assert!(row.last_error.is_none());
    }
);

safeguard_testkit::both_backends!(
    a_failing_message_backs_off_and_gives_up,
    |backend| async move {
        let app = spawn_app(backend).await;
        let sink = SmtpSink::start().await;
        sink.set_refusing(true);
        let mailer = Mailer::new(Some(&sink.url()), FROM).unwrap();
        let admin = app.signed_in("admin@safeguard.example").await;
        let email = "alan.turing@safeguard.example";
        add_person(&app, &admin, "Alan Turing", email).await;
        let mut waits = Vec::new();
        for attempt in 1..=safeguard_service::mail::MAX_ATTEMPTS {
            assert_eq!(
                deliver_due(&app.svc, &mailer).await.unwrap(),
                (0, 1),
                "attempt {attempt}"
            );
            let row = app.outbox_to(email).await.remove(0);
            assert_eq!(row.attempts, attempt);
            if attempt < safeguard_service::mail::MAX_ATTEMPTS {
                assert_eq!(row.status, "pending");
                waits.push((row.next_attempt_at - app.svc.now()).num_minutes());
                app.clock.set(row.next_attempt_at);
            } else {
                assert_eq!(row.status, "failed");
            }
        }
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 32, 64]);
        app.clock.advance(Duration::days(1));
        sink.set_refusing(false);
        assert_eq!(deliver_due(&app.svc, &mailer).await.unwrap(), (0, 0));
        assert!(sink.messages().is_empty());
    }
);

safeguard_testkit::both_backends!(
    a_scheduled_job_runs_once_per_slot_across_instances,
    |backend| async move {
        let app = spawn_app(backend).await;
        let runs = Arc::new(AtomicUsize::new(0));
        let attempt = |instance: &'static str| {
            let svc = app.svc.clone();
            let runs = runs.clone();
            tokio::spawn(async move {
                run_once(&svc, instance, "job", Every::Hour, || async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    Ok("done".to_owned())
                })
                .await
                .unwrap()
            })
        };
        let (a, b) = tokio::join!(attempt("a"), attempt("b"));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(runs.load(Ordering::SeqCst), 1, "the job body ran once");
        assert!(a ^ b, "exactly one instance ran it (a: {a}, b: {b})");
        let mut pc = app.db.acquire().await.unwrap();
        assert_eq!(
            safeguard_store::jobs::runs_of(&mut pc.conn(), "job")
                .await
                .unwrap(),
            1
        );
        drop(pc);

        // Later in the same hour: nothing. The next hour: once more.
        app.clock.advance(Duration::minutes(59));
        let (a, b) = tokio::join!(attempt("a"), attempt("b"));
        assert!(!a.unwrap() && !b.unwrap());
        app.clock.advance(Duration::minutes(1));
        let (a, b) = tokio::join!(attempt("a"), attempt("b"));
        assert!(a.unwrap() ^ b.unwrap());
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
);
