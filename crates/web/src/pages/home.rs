//! The home page and the organisations page.

use crate::layout::Layout;
use crate::pages::{NoticeQuery, PageResult, html, notice_text};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Extension, Query, State};
use safeguard_domain::organisation::{OrganisationKind, category_label};
use safeguard_domain::policy::{Permission, Role};
use safeguard_service::Actor;
use safeguard_service::auth::Identity;
use safeguard_store::bodies::Body;
use safeguard_ui::components::{Table, TableCell};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    first_name: String,
    partnership: Option<String>,
    roles: Vec<&'static str>,
    bodies: std::sync::Arc<Vec<Body>>,
    content: bool,
    admin: bool,
}

/// The home page: the partnership, the person's roles, the board and sub-groups.
pub async fn show(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    actor: Option<Extension<Actor>>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let content = actor.as_ref().is_some_and(|a| a.can(Permission::ViewHome));
    let bodies = match (&actor, content) {
        (Some(a), true) => safeguard_service::partnerships::bodies(&s.svc, a).await?,
        _ => std::sync::Arc::new(Vec::new()),
    };
    let page = HomePage {
        l: Layout::new("Home", Some(&identity), "/").with_notice(notice_text(q.notice.as_deref())),
        first_name: identity
            .name
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_owned(),
        partnership: identity.partnership.as_ref().map(|p| p.name.clone()),
        roles: identity.roles.iter().map(|r| r.label()).collect(),
        bodies,
        content,
        admin: identity.roles.contains(&Role::PartnershipAdministrator),
    };
    html(&page)
}

fn kind_label(b: &Body) -> &'static str {
    match b.kind.as_str() {
        "board" => "Board",
        "sub_group" => "Sub-group",
        _ => "Task and finish group",
    }
}

impl HomePage {
    fn kind(&self, b: &Body) -> &'static str {
        kind_label(b)
    }
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct OrganisationsPage {
    l: Layout,
    table: Table,
}

/// The organisations that belong to the partnership.
pub async fn organisations(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(actor): Extension<Actor>,
) -> PageResult {
    let orgs = safeguard_service::partnerships::organisations(&s.svc, &actor).await?;
    let mut table = Table::new()
        .caption(format!("{} organisations", orgs.len()))
        .head(["Organisation", "Type", "Category"]);
    for o in &orgs {
        let kind = OrganisationKind::parse(&o.kind).map_or("Unknown", |k| k.label());
        let cat = o.category.as_deref().and_then(category_label).unwrap_or("");
        table = table.row([
            TableCell::new(o.name.clone()),
            TableCell::new(kind),
            TableCell::new(cat),
        ]);
    }
    html(&OrganisationsPage {
        l: Layout::new("Organisations", Some(&identity), "/organisations"),
        table,
    })
}
