//! Practice reviews.

use crate::helpers::*;

const ADMIN: &str = "admin@safeguard.example";
const DEMO: &str = "telford-wrekin";

async fn admin_actor(app: &TestApp) -> safeguard_service::Actor {
    let admin = app.person(ADMIN).await.expect("admin");
    safeguard_service::Actor {
        person_id: admin.id(),
        organisation_id: safeguard_domain::OrganisationId(admin.organisation_id),
        partnership_id: app.partnership_id(DEMO).await,
        roles: vec![safeguard_domain::policy::Role::PartnershipAdministrator],
        session_id: None,
        meta: safeguard_service::RequestMeta::default(),
    }
}

safeguard_testkit::both_backends!(scratch, |backend| async move {
    let app = spawn_app(backend).await;
    let actor = admin_actor(&app).await;
    let d = safeguard_service::case_reviews::dashboard(&app.svc, &actor).await;
    println!(
        "{:?}",
        d.as_ref()
            .map(|d| d.practice_reviews.len())
            .map_err(|e| format!("{e:?}"))
    );
    d.unwrap();
});
