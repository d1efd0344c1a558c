//! Setting a password through an invitation link (single use, 72 hours).

use crate::helpers::*;
use chrono::Duration;

/// Adds a person as the demo administrator and returns the link path from their email.
async fn invite(app: &TestApp, email: &str) -> String {
    let admin = app.signed_in("admin@safeguard.example").await;
    let (_, page) = app.get_text(&admin, "/people/new").await;
    let org = select_options(&page, "organisation_id")
        .into_iter()
        .find(|(v, _)| !v.is_empty())
        .unwrap()
        .0;
    let r = app
        .post_form(
            &admin,
            "/people",
            &[
                ("csrf_token", &csrf_of(&page)),
                ("name", "Ivy Newcomer"),
                ("email", email),
                ("organisation_id", &org),
                ("role", "practitioner"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    link_in_latest_email(app, email).await
}

async fn link_in_latest_email(app: &TestApp, email: &str) -> String {
    let mut pc = app.db.acquire().await.unwrap();
    let messages = safeguard_store::outbox::list_to(&mut pc.conn(), email)
        .await
        .unwrap();
    let body = &messages.last().expect("an email").body_text;
    let at = body.find("/invitations/").expect("a link in the email");
    body[at..at + "/invitations/".len() + 64].to_owned()
}

async fn set_password(
    app: &TestApp,
    c: &reqwest::Client,
    link: &str,
    new: &str,
    confirm: &str,
) -> reqwest::Response {
    let (status, page) = app.get_text(c, link).await;
    assert_eq!(status, 200, "{link}");
    app.post_form(
        c,
        link,
        &[
            ("csrf_token", &csrf_of(&page)),
            ("new_password", new),
            ("confirm_password", confirm),
        ],
    )
    .await
}

safeguard_testkit::both_backends!(
    a_new_person_sets_a_password_through_the_emailed_link_once,
    |backend| async move {
        let app = spawn_app(backend).await;
        let email = "ivy.newcomer@example.org";
        let link = invite(&app, email).await;
        let c = client();
        // A weak password and a mismatch are refused with field errors; the link still works afterwards.
        let r = set_password(&app, &c, &link, "password1234", "password1234").await;
        assert_eq!(r.status().as_u16(), 422);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("govuk-error-summary") && page.contains("href=\"#new_password\""),
            "{page}"
        );
        let r = set_password(
            &app,
            &c,
            &link,
            "amber lantern orchard",
            "amber lantern orchid",
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("The passwords do not match")
        );
        // The right one works, and the person can sign in with it.
        let r = set_password(
            &app,
            &c,
            &link,
            "amber lantern orchard",
            "amber lantern orchard",
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/sign-in?notice=password-set");
        let me = client();
        assert_eq!(
            app.sign_in(&me, email, "amber lantern orchard")
                .await
                .status()
                .as_u16(),
            303
        );
        // The link works once.
        let (status, page) = app.get_text(&client(), &link).await;
        assert_eq!(status, 410);
        assert!(page.contains("This link has expired"));
    }
);

safeguard_testkit::both_backends!(
    an_invitation_expires_after_72_hours_and_a_new_link_replaces_it,
    |backend| async move {
        let app = spawn_app(backend).await;
        let email = "late.reader@example.org";
        let first = invite(&app, email).await;
        app.clock
            .advance(Duration::hours(72) + Duration::seconds(1));
        assert_eq!(app.get_text(&client(), &first).await.0, 410);
        // The administrator sends a new link from the person's page.
        let admin = app.signed_in("admin@safeguard.example").await;
        let (_, list) = app.get_text(&admin, "/people?q=late.reader").await;
        let person_path = list
            .match_indices("href=\"/people/")
            .map(|(i, _)| {
                list[i + "href=\"".len()..]
                    .split('"')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .find(|p| p.len() == "/people/".len() + 36)
            .expect("a link to the person");
        let (_, page) = app.get_text(&admin, &person_path).await;
        let r = app
            .post_form(
                &admin,
                &format!("{person_path}/invite"),
                &[("csrf_token", &csrf_of(&page))],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let second = link_in_latest_email(&app, email).await;
        assert_ne!(first, second);
        let r = set_password(
            &app,
            &client(),
            &second,
            "quiet meadow harbour",
            "quiet meadow harbour",
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
    }
);

safeguard_testkit::both_backends!(made_up_links_are_refused, |backend| async move {
    let app = spawn_app(backend).await;
    for link in [
        "/invitations/0000000000000000000000000000000000000000000000000000000000000000",
        "/invitations/not-a-token",
    ] {
        let (status, page) = app.get_text(&client(), link).await;
        assert_eq!(status, 410, "{link}");
        assert!(page.contains("This link has expired"));
    }
});
