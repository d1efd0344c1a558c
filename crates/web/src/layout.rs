//! The page frame every HTML page shares: header with the partnership's name, the service navigation
//! (items shown by permission), the partnership switcher, the error summary and notices, the footer.

use safeguard_domain::ValidationErrors;
use safeguard_domain::policy::{self, Permission};
use safeguard_service::auth::Identity;
use safeguard_ui::components::{
    ErrorSummary, Footer, FooterLink, Header, NavigationItem, NotificationBanner, ServiceNavigation,
};

/// One entry of the partnership switcher.
#[derive(Debug, Clone)]
pub struct SwitchOption {
    /// Partnership id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The current one.
    pub current: bool,
}

/// The signed-in bar.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Person's name.
    pub name: String,
    /// Form token.
    pub csrf: String,
    /// Partnerships to switch between (shown when more than one).
    pub partnerships: Vec<SwitchOption>,
    /// Still at the second-factor step.
    pub totp_pending: bool,
}

/// The shared frame.
pub struct Layout {
    /// Page title (without the service name).
    pub title: String,
    /// Service name shown in the header and the title.
    pub service_name: String,
    /// Header.
    pub header: Header,
    /// Navigation.
    pub nav: Option<ServiceNavigation>,
    /// Signed-in bar.
    pub signed_in: Option<SignedIn>,
    /// Error summary.
    pub error_summary: Option<ErrorSummary>,
    /// Notice.
    pub notice: Option<NotificationBanner>,
    /// Cache-busting version of the assets.
    pub v: &'static str,
    /// Footer.
    pub footer: Footer,
}

impl Layout {
    /// A frame for a page; `active` is the path of the navigation item to mark.
    pub fn new(title: impl Into<String>, identity: Option<&Identity>, active: &str) -> Self {
        let service_name = identity
            .filter(|i| !i.stage_totp)
            .and_then(|i| i.partnership.as_ref())
            .map_or_else(|| "Safeguard".to_owned(), |p| p.name.clone());
        let nav = identity
            .filter(|i| !i.stage_totp && !i.must_enrol_totp)
            .map(|i| {
                let can = |p| policy::decide(&i.roles, p).is_allowed();
                let mut items = vec![NavigationItem::new("Home", "/")];
                if can(Permission::ViewPeople) {
                    items.push(NavigationItem::new("People", "/people"));
                }
                if can(Permission::ViewOrganisations) {
                    items.push(NavigationItem::new("Organisations", "/organisations"));
                }
                if can(Permission::ViewActions) {
                    items.push(NavigationItem::new("Actions", "/actions"));
                }
                if can(Permission::ViewFiles) {
                    items.push(NavigationItem::new("Documents", "/files"));
                }
                if can(Permission::ViewGovernance) {
                    items.push(NavigationItem::new("Board and groups", "/bodies"));
                }
                if can(Permission::ViewSignOffs) {
                    items.push(NavigationItem::new("Sign-offs", "/sign-offs"));
                }
                if can(Permission::ViewFunding) {
                    items.push(NavigationItem::new("Funding", "/funding"));
                }
                if can(Permission::ViewActivityLog) {
                    items.push(NavigationItem::new("Activity log", "/activity"));
                }
                if can(Permission::ViewPerformance) {
                    items.push(NavigationItem::new("Performance", "/performance"));
                }
                if can(Permission::ViewCaseReviews) {
                    items.push(NavigationItem::new("Case reviews", "/case-reviews"));
                }
                if can(Permission::ViewSharedReviews) {
                    items.push(NavigationItem::new(
                        "Reviews shared with you",
                        "/shared-reviews",
                    ));
                }
                if can(Permission::ViewRecommendations) {
                    items.push(NavigationItem::new(
                        "Recommendations",
                        "/recommendation-sources",
                    ));
                }
                if can(Permission::CommentOnRecommendations) {
                    items.push(NavigationItem::new(
                        "Recommendations to comment on",
                        "/invited-recommendations",
                    ));
                }
                if can(Permission::ViewAuditTrail) {
                    items.push(NavigationItem::new("Audit trail", "/audit"));
                }
                items.push(NavigationItem::new("Calendar", "/calendar"));
                if can(Permission::ManagePartnershipSettings) {
                    items.push(NavigationItem::new("Settings", "/settings"));
                }
                items.push(NavigationItem::new("Your account", "/account"));
                ServiceNavigation::new().items(items).with_active(active)
            });
        let signed_in = identity.map(|i| SignedIn {
            name: i.name.clone(),
            csrf: i.csrf_token.clone(),
            partnerships: i
                .partnerships
                .iter()
                .map(|(id, name)| SwitchOption {
                    id: id.to_string(),
                    name: name.clone(),
                    current: i.partnership.as_ref().is_some_and(|p| p.id() == *id),
                })
                .collect(),
            totp_pending: i.stage_totp,
        });
        Self {
            title: title.into(),
            header: Header::new(service_name.clone()),
            service_name,
            nav,
            signed_in,
            error_summary: None,
            notice: None,
            v: safeguard_ui::assets::version(),
            footer: Footer::new()
                .meta_links([FooterLink::new("Accessibility statement", "/accessibility")])
                .meta_text("Safeguard: multi-agency safeguarding children partnership platform"),
        }
    }

    /// Adds the error summary for a form's errors (each links to its field).
    pub fn with_errors(mut self, errors: &ValidationErrors) -> Self {
        if !errors.is_empty() {
            self.error_summary = Some(ErrorSummary::new(
                errors
                    .0
                    .iter()
                    .map(|e| (e.message.clone(), format!("#{}", e.field))),
            ));
        }
        self
    }

    /// Adds a success notice.
    pub fn with_notice(mut self, notice: Option<&str>) -> Self {
        self.notice = notice.map(|n| NotificationBanner::success(n.to_owned()));
        self
    }

    /// True when the page shows errors (the title then starts "Error: ").
    pub fn has_errors(&self) -> bool {
        self.error_summary.is_some()
    }

    /// More than one partnership to switch between.
    pub fn show_switcher(&self) -> bool {
        self.signed_in
            .as_ref()
            .is_some_and(|s| s.partnerships.len() > 1 && !s.totp_pending)
    }
}
