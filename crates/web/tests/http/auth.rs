//! Sign-in, sessions and their protections: cookies, sign-out, throttling, TOTP, required two-factor,
//! idle and absolute expiry, switching partnership.

use crate::helpers::*;
use chrono::Duration;
use safeguard_web::Access;

const ADMIN: &str = "admin@safeguard.example";

safeguard_testkit::both_backends!(
    wrong_password_is_refused_with_the_same_message_as_unknown_email,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = client();
        let r = app.sign_in(&c, ADMIN, "not the password at all").await;
        assert_eq!(r.status().as_u16(), 401);
        let wrong = r.text().await.unwrap();
        let r = app
            .sign_in(&c, "nobody@safeguard.example", "not the password at all")
            .await;
        assert_eq!(r.status().as_u16(), 401);
        let unknown = r.text().await.unwrap();
        assert!(wrong.contains("Enter a correct email address and password"));
        assert!(unknown.contains("Enter a correct email address and password"));
    }
);

safeguard_testkit::both_backends!(
    sign_in_sets_a_new_http_only_lax_cookie_each_time,
    |backend| async move {
        let app = spawn_app(backend).await;
        let (c1, c2) = (client(), client());
        let r1 = app.sign_in(&c1, ADMIN, PASSWORD).await;
        assert_eq!(r1.status().as_u16(), 303);
        assert_eq!(location(&r1), "/");
        let line = set_cookie_line(&r1, "sg_session").expect("session cookie set");
        let attrs: Vec<&str> = line.split(';').map(str::trim).collect();
        assert!(attrs.contains(&"HttpOnly"), "{line}");
        assert!(attrs.contains(&"SameSite=Lax"), "{line}");
        assert!(attrs.contains(&"Path=/"), "{line}");
        let t1 = set_cookie_value(&r1, "sg_session").unwrap();
        assert_eq!(t1.len(), 64, "a 256-bit token");
        let r2 = app.sign_in(&c2, ADMIN, PASSWORD).await;
        assert_eq!(r2.status().as_u16(), 303);
        let t2 = set_cookie_value(&r2, "sg_session").unwrap();
        assert_ne!(t1, t2, "each sign-in gets its own token");
        // Both sessions work, independently.
        assert_eq!(app.get_text(&c1, "/").await.0, 200);
        assert_eq!(app.get_text(&c2, "/").await.0, 200);
    }
);

safeguard_testkit::both_backends!(
    the_session_token_never_appears_in_a_page,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = client();
        let r = app.sign_in(&c, ADMIN, PASSWORD).await;
        let token = set_cookie_value(&r, "sg_session").unwrap();
        let hashed = safeguard_domain::secret::hash_token(&token);
        for path in [
            "/",
            "/account",
            "/account/sessions",
            "/account/tokens",
            "/account/two-factor",
            "/account/password",
            "/people",
            "/audit",
            "/settings",
            "/organisations",
        ] {
            let (status, body) = app.get_text(&c, path).await;
            assert_eq!(status, 200, "{path}");
            assert!(!body.contains(&token), "{path} shows the session token");
            assert!(!body.contains(&hashed), "{path} shows the token's hash");
        }
    }
);

safeguard_testkit::both_backends!(sign_out_ends_the_server_session, |backend| async move {
    let app = spawn_app(backend).await;
    let c = client();
    let r = app.sign_in(&c, ADMIN, PASSWORD).await;
    let token = set_cookie_value(&r, "sg_session").unwrap();
    let other = app.signed_in(ADMIN).await;
    // Sign-out needs the form token like any other form.
    let r = app.post_form(&c, "/sign-out", &[]).await;
    assert_eq!(r.status().as_u16(), 403, "sign-out without csrf_token");
    let r = app.sign_out(&c).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/sign-in");
    let cleared = set_cookie_line(&r, "sg_session").expect("cookie cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // Replaying the old cookie by hand: the server no longer knows it.
    let replay = raw_client()
        .get(app.url("/"))
        .header("Cookie", format!("sg_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status().as_u16(), 303);
    assert_eq!(location(&replay), "/sign-in");
    // Also after the identity cache has expired.
    app.clock.advance(Duration::seconds(10));
    let replay = raw_client()
        .get(app.url("/account"))
        .header("Cookie", format!("sg_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&replay), "/sign-in");
    // The audit trail records it, and the person's other session is untouched.
    assert_eq!(
        app.audit("telford-wrekin", "session.sign_out").await.len(),
        1
    );
    assert_eq!(app.get_text(&other, "/").await.0, 200);
});

safeguard_testkit::both_backends!(
    ten_failures_lock_the_account_for_five_minutes,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = client();
        for i in 0..10 {
            let r = app.sign_in(&c, ADMIN, "wrong password here").await;
            assert_eq!(r.status().as_u16(), 401, "attempt {}", i + 1);
        }
        // The right password is refused now, without a session.
        let r = app.sign_in(&c, ADMIN, PASSWORD).await;
        assert_eq!(r.status().as_u16(), 429, "11th attempt, right password");
        assert!(set_cookie_line(&r, "sg_session").is_none());
        assert!(r.text().await.unwrap().contains("too many attempts"));
        // Other accounts are not affected.
        let r = app
            .sign_in(&client(), "board@safeguard.example", PASSWORD)
            .await;
        assert_eq!(r.status().as_u16(), 303);
        // Still refused just before the window ends.
        app.clock.advance(Duration::minutes(4));
        assert_eq!(
            app.sign_in(&c, ADMIN, PASSWORD).await.status().as_u16(),
            429
        );
        app.clock
            .advance(Duration::minutes(1) + Duration::seconds(1));
        let r = app.sign_in(&c, ADMIN, PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303, "works again after 5 minutes");
        assert_eq!(app.get_text(&c, "/").await.0, 200);
        assert!(
            !app.audit("telford-wrekin", "session.sign_in")
                .await
                .is_empty()
        );
    }
);

safeguard_testkit::both_backends!(
    fifty_failures_from_one_address_block_it,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = client();
        for i in 0..50 {
            let r = app
                .sign_in(
                    &c,
                    &format!("nobody{i}@safeguard.example"),
                    "wrong password",
                )
                .await;
            assert_eq!(r.status().as_u16(), 401, "attempt {}", i + 1);
        }
        // The administrator's account has no failures, but the address is blocked.
        let r = app.sign_in(&client(), ADMIN, PASSWORD).await;
        assert_eq!(r.status().as_u16(), 429);
        assert!(set_cookie_line(&r, "sg_session").is_none());
        app.clock
            .advance(Duration::minutes(5) + Duration::seconds(1));
        let r = app.sign_in(&client(), ADMIN, PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303, "the address is unblocked later");
    }
);

safeguard_testkit::both_backends!(
    totp_enrolment_then_sign_in_needs_the_code,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        let secret = app.enrol_totp(&c).await;
        let (_, account) = app.get_text(&c, "/account?notice=totp-on").await;
        assert!(account.contains("Two-factor authentication is now on"));
        assert!(app.person(ADMIN).await.unwrap().has_totp());
        assert_eq!(
            app.audit("telford-wrekin", "person.enable_totp")
                .await
                .len(),
            1
        );
        assert_eq!(app.sign_out(&c).await.status().as_u16(), 303);
        // The enrolment code's step is used up; move to the next step.
        app.clock.advance(Duration::seconds(30));

        let c = client();
        let r = app.sign_in(&c, ADMIN, PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/sign-in/two-factor");
        let half = set_cookie_value(&r, "sg_session").unwrap();
        // Nothing else is reachable at this stage.
        for path in ["/", "/people", "/account", "/settings"] {
            let r = app.get(&c, path).await;
            assert_eq!(r.status().as_u16(), 303, "{path}");
            assert_eq!(location(&r), "/sign-in/two-factor", "{path}");
        }
        let api = raw_client()
            .get(app.url("/api/v1/me"))
            .header("Cookie", format!("sg_session={half}"))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status().as_u16(), 401);
        let (status, page) = app.get_text(&c, "/sign-in/two-factor").await;
        assert_eq!(status, 200);
        assert!(
            !page.contains(TELFORD),
            "no partnership content before the code"
        );
        let csrf = csrf_of(&page);
        // A wrong code is refused.
        let right = app.totp_code(&secret);
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        let r = app
            .post_form(
                &c,
                "/sign-in/two-factor",
                &[("csrf_token", &csrf), ("code", wrong)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 401);
        assert!(set_cookie_line(&r, "sg_session").is_none());
        assert_eq!(location(&app.get(&c, "/").await), "/sign-in/two-factor");
        // The right code gives a new session.
        let r = app
            .post_form(
                &c,
                "/sign-in/two-factor",
                &[("csrf_token", &csrf), ("code", &right)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/");
        let full = set_cookie_value(&r, "sg_session").expect("a new cookie");
        assert_ne!(
            full, half,
            "the session is replaced after the second factor"
        );
        let (status, home) = app.get_text(&c, "/").await;
        assert_eq!(status, 200);
        assert!(home.contains(TELFORD));
        // The half-signed-in token is dead.
        let old = raw_client()
            .get(app.url("/sign-in/two-factor"))
            .header("Cookie", format!("sg_session={half}"))
            .send()
            .await
            .unwrap();
        assert_eq!(location(&old), "/sign-in");

        // The same code cannot be used twice, even within its 30 seconds.
        app.clock.advance(Duration::seconds(10));
        let c2 = client();
        let r = app.sign_in(&c2, ADMIN, PASSWORD).await;
        assert_eq!(location(&r), "/sign-in/two-factor");
        let (_, page) = app.get_text(&c2, "/sign-in/two-factor").await;
        let r = app
            .post_form(
                &c2,
                "/sign-in/two-factor",
                &[("csrf_token", &csrf_of(&page)), ("code", &right)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 401, "replayed code");
        assert_eq!(location(&app.get(&c2, "/").await), "/sign-in/two-factor");
        // The next step's code works.
        app.clock.advance(Duration::seconds(30));
        let r = app
            .post_form(
                &c2,
                "/sign-in/two-factor",
                &[
                    ("csrf_token", &csrf_of(&page)),
                    ("code", &app.totp_code(&secret)),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(app.get_text(&c2, "/").await.0, 200);
    }
);

safeguard_testkit::both_backends!(
    required_two_factor_sends_people_without_it_to_enrol,
    |backend| async move {
        let app = spawn_app(backend).await;
        let admin = app.signed_in(ADMIN).await;
        let r = app
            .post_with_csrf(
                &admin,
                "/settings",
                &[
                    ("require_totp", "yes"),
                    ("session_idle_minutes", "30"),
                    ("session_absolute_minutes", "720"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/settings?notice=settings-saved");
        assert_eq!(
            app.partnership_settings("telford-wrekin").await,
            (true, 30, 720)
        );

        let c = app.signed_in("board@safeguard.example").await;
        // Every other page of the manifest (signed-in HTML GET routes) redirects to enrolment.
        let mut checked = 0;
        for spec in safeguard_web::manifest() {
            let page_get = spec.method == reqwest::Method::GET && !spec.is_api();
            let signed_in = matches!(spec.access, Access::Account | Access::Perm(_));
            if !page_get || !signed_in || spec.path == "/account/two-factor" {
                continue;
            }
            let path = spec.path.replace("{id}", &uuid::Uuid::new_v4().to_string());
            let r = app.get(&c, &path).await;
            assert_eq!(r.status().as_u16(), 303, "{path}");
            assert_eq!(location(&r), "/account/two-factor", "{path}");
            checked += 1;
        }
        assert!(checked >= 10, "checked {checked} pages");
        let (status, page) = app.get_text(&c, "/account/two-factor").await;
        assert_eq!(status, 200);
        assert!(page.contains("Your partnership requires two-factor authentication"));
        // Enrolling lets them in.
        app.enrol_totp(&c).await;
        assert_eq!(app.get_text(&c, "/people").await.0, 200);
    }
);

safeguard_testkit::both_backends!(
    an_idle_session_expires_after_thirty_minutes,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        assert_eq!(app.get_text(&c, "/").await.0, 200);
        app.clock.advance(Duration::minutes(31));
        let r = app.get(&c, "/").await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/sign-in");
        // It stays ended even if activity resumes.
        assert_eq!(location(&app.get(&c, "/account").await), "/sign-in");
    }
);

safeguard_testkit::both_backends!(activity_keeps_a_session_alive, |backend| async move {
    let app = spawn_app(backend).await;
    let c = app.signed_in(ADMIN).await;
    // 29 minutes idle, then a request: still alive, and the idle clock restarts.
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.get_text(&c, "/").await.0, 200);
    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        app.get_text(&c, "/").await.0,
        200,
        "58 minutes after sign-in"
    );
    app.clock.advance(Duration::minutes(31));
    assert_eq!(location(&app.get(&c, "/").await), "/sign-in");
});

safeguard_testkit::both_backends!(
    a_session_ends_after_twelve_hours_whatever_the_activity,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in(ADMIN).await;
        // A request every 20 minutes for 11 h 40 min.
        for i in 1..=35 {
            app.clock.advance(Duration::minutes(20));
            let r = app.get(&c, "/").await;
            assert_eq!(r.status().as_u16(), 200, "request {i} at {} min", i * 20);
        }
        app.clock.advance(Duration::minutes(20)); // 12 h exactly
        let r = app.get(&c, "/").await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/sign-in");
    }
);

/// The "You are working in …" sentence of the home page.
fn working_in(home: &str) -> String {
    home.split("You are working in ")
        .nth(1)
        .and_then(|s| s.split('.').next())
        .unwrap_or_default()
        .to_owned()
}

safeguard_testkit::both_backends!(
    switching_partnership_changes_what_the_home_page_names,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in("lead@safeguard.example").await;
        let (_, home) = app.get_text(&c, "/").await;
        let options = select_options(&home, "partnership_id");
        assert_eq!(
            options.len(),
            2,
            "the switcher lists both partnerships: {options:?}"
        );
        let id_of = |name: &str| {
            options
                .iter()
                .find(|(_, t)| t == name)
                .map(|(v, _)| v.clone())
                .unwrap_or_else(|| panic!("{name} in the switcher"))
        };
        let (telford, shropshire) = (id_of(TELFORD), id_of(SHROPSHIRE));
        assert_eq!(
            shropshire,
            app.partnership_id("shropshire").await.to_string()
        );
        let csrf = csrf_of(&home);
        let r = app
            .post_form(
                &c,
                "/partnership/switch",
                &[("csrf_token", &csrf), ("partnership_id", &telford)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(working_in(&app.get_text(&c, "/").await.1), TELFORD);
        let r = app
            .post_form(
                &c,
                "/partnership/switch",
                &[("csrf_token", &csrf), ("partnership_id", &shropshire)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), "/?notice=switched");
        let (_, home) = app.get_text(&c, "/").await;
        assert_eq!(working_in(&home), SHROPSHIRE);
        assert!(home.contains("Shropshire Safeguarding Community Partnership Executive"));
        assert!(!home.contains("Child Safeguarding Practice Review Panel"));
        assert!(
            !app.audit("shropshire", "session.switch_partnership")
                .await
                .is_empty()
        );

        // A partnership the person holds no role in.
        let admin = app.signed_in(ADMIN).await;
        for target in [
            shropshire.clone(),
            uuid::Uuid::new_v4().to_string(),
            "nonsense".into(),
        ] {
            let r = app
                .post_with_csrf(
                    &admin,
                    "/partnership/switch",
                    &[("partnership_id", &target)],
                )
                .await;
            assert_eq!(r.status().as_u16(), 404, "switch to {target}");
        }
        assert_eq!(working_in(&app.get_text(&admin, "/").await.1), TELFORD);
    }
);

safeguard_testkit::both_backends!(
    the_next_sign_in_starts_in_the_partnership_last_worked_in,
    |backend| async move {
        let app = spawn_app(backend).await;
        let c = app.signed_in("lead@safeguard.example").await;
        let (_, home) = app.get_text(&c, "/").await;
        let first = working_in(&home);
        let other = if first == TELFORD {
            SHROPSHIRE
        } else {
            TELFORD
        };
        let target = select_options(&home, "partnership_id")
            .into_iter()
            .find(|(_, t)| t == other)
            .unwrap()
            .0;
        let r = app
            .post_form(
                &c,
                "/partnership/switch",
                &[("csrf_token", &csrf_of(&home)), ("partnership_id", &target)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        app.clock.advance(chrono::Duration::seconds(90));
        assert_eq!(working_in(&app.get_text(&c, "/").await.1), other);
        let again = app.signed_in("lead@safeguard.example").await;
        assert_eq!(working_in(&app.get_text(&again, "/").await.1), other);
    }
);
