//! Password hashes are upgraded at sign-in when the configured cost has risen (SECURITY.md R-AUTHN-4).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use safeguard_domain::clock::FixedClock;
use safeguard_service::auth::{SignIn, sign_in};
use safeguard_service::passwords::{Cost, Passwords};
use safeguard_service::{RequestMeta, ServiceConfig, Services};
use safeguard_store::Db;
use safeguard_store::db::PoolSettings;
use std::sync::Arc;

const PASSWORD: &str = "correct horse battery staple";

async fn services(db: &Db, cost: Cost) -> Services {
    Services::new(
        db.clone(),
        Arc::new(FixedClock::new(safeguard_testkit::test_now())),
        Passwords::new(cost, 2).unwrap(),
        ServiceConfig::default(),
    )
}

async fn stored_hash(db: &Db) -> String {
    let mut pc = db.acquire().await.unwrap();
    safeguard_store::people::find_by_email(&mut pc.conn(), "admin@safeguard.example")
        .await
        .unwrap()
        .unwrap()
        .password_hash
        .unwrap()
}

safeguard_testkit::both_backends!(
    a_weaker_hash_is_upgraded_at_the_next_sign_in,
    |backend| async move {
        let url = safeguard_testkit::fresh_database_url(backend).await;
        let db = Db::connect(&url, &PoolSettings::default()).await.unwrap();
        db.migrate().await.unwrap();
        // Accounts created when the configured cost was lower.
        let old = services(
            &db,
            Cost {
                m_kib: 8_192,
                t: 1,
                p: 1,
            },
        )
        .await;
        safeguard_service::demo::load(&old, Some(PASSWORD))
            .await
            .unwrap();
        assert!(
            stored_hash(&db)
                .await
                .starts_with("$argon2id$v=19$m=8192,t=1,p=1$")
        );
        // The cost rises; the next successful sign-in stores a hash at the new cost.
        let new = services(&db, Cost::default()).await;
        let outcome = sign_in(
            &new,
            "admin@safeguard.example",
            PASSWORD,
            &RequestMeta::default(),
        )
        .await
        .unwrap();
        assert!(matches!(
            outcome,
            SignIn::Started {
                needs_totp: false,
                ..
            }
        ));
        let upgraded = stored_hash(&db).await;
        assert!(
            upgraded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{upgraded}"
        );
        // And the password still works with it.
        let again = sign_in(
            &new,
            "admin@safeguard.example",
            PASSWORD,
            &RequestMeta::default(),
        )
        .await
        .unwrap();
        assert!(matches!(again, SignIn::Started { .. }));
        // A wrong password never rehashes.
        let before = stored_hash(&db).await;
        let wrong = sign_in(
            &new,
            "admin@safeguard.example",
            "not the password at all",
            &RequestMeta::default(),
        )
        .await
        .unwrap();
        assert!(matches!(wrong, SignIn::Refused));
        assert_eq!(stored_hash(&db).await, before);
    }
);
