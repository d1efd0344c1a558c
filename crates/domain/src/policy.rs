//! The one policy module. Every permission decision in Safeguard is made here, from data: the table
//! [`ROLE_PERMISSIONS`] says which role grants which permission. Anything not granted is denied
//! (default deny). Roles are granted per partnership, so a decision is always about the caller's roles
//! in the partnership the request is scoped to.
//!
//! Failure mode: an unknown role string never parses, so it grants nothing.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A role a person holds in one partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the partnership's business unit: people, roles, settings, audit trail.
    PartnershipAdministrator,
    /// Sits on the board.
    BoardMember,
    /// Sits on one or more sub-groups.
    SubGroupMember,
    /// Leads safeguarding for their agency.
    AgencyLead,
    /// A practitioner who books training and reads guidance.
    Practitioner,
    /// Independent scrutiny of the arrangements.
    IndependentScrutineer,
    /// A lived-experience consultant with narrow access to what is shared with them.
    LivedExperienceConsultant,
    /// Operates the platform: health and metrics, no access to content.
    PlatformOperator,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 8] = [
        Role::PartnershipAdministrator,
        Role::BoardMember,
        Role::SubGroupMember,
        Role::AgencyLead,
        Role::Practitioner,
        Role::IndependentScrutineer,
        Role::LivedExperienceConsultant,
        Role::PlatformOperator,
    ];

    /// The stable identifier stored in the database and used in the API.
    pub fn slug(self) -> &'static str {
        match self {
            Role::PartnershipAdministrator => "partnership_administrator",
            Role::BoardMember => "board_member",
            Role::SubGroupMember => "sub_group_member",
            Role::AgencyLead => "agency_lead",
            Role::Practitioner => "practitioner",
            Role::IndependentScrutineer => "independent_scrutineer",
            Role::LivedExperienceConsultant => "lived_experience_consultant",
            Role::PlatformOperator => "platform_operator",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::PartnershipAdministrator => "Partnership administrator",
            Role::BoardMember => "Board member",
            Role::SubGroupMember => "Sub-group member",
            Role::AgencyLead => "Agency safeguarding lead",
            Role::Practitioner => "Practitioner",
            Role::IndependentScrutineer => "Independent scrutineer",
            Role::LivedExperienceConsultant => "Lived-experience consultant",
            Role::PlatformOperator => "Platform operator",
        }
    }

    /// Parses a slug; `None` for anything unknown.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.slug() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// Something a person may be allowed to do within a partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See the partnership's home page and its name in the switcher.
    ViewHome,
    /// See the people directory (names, organisations, roles).
    ViewPeople,
    /// Add people, grant and revoke roles, disable accounts.
    ManagePeople,
    /// Read and filter the audit trail.
    ViewAuditTrail,
    /// Verify the audit chain on demand.
    VerifyAuditTrail,
    /// Change partnership settings (such as requiring two-factor authentication).
    ManagePartnershipSettings,
    /// See the organisations that belong to the partnership.
    ViewOrganisations,
    /// Read platform metrics (no content).
    ViewPlatformMetrics,
    /// Add and remove bank holidays in the platform's working-day calendar (shared by every
    /// partnership; anyone signed in may read it).
    ManageCalendar,
    /// See the partnership's actions (from meetings, reviews, recommendations, audits).
    ViewActions,
    /// Create actions, assign and change them, and update any action (owners may update their own).
    ManageActions,
    /// See and download the partnership's documents (not board-only papers).
    ViewFiles,
    /// Upload documents.
    UploadFiles,
    /// See and download papers marked for the board only.
    ViewBoardPapers,
    /// See the board, sub-groups and task-and-finish groups, their members, meetings, agendas,
    /// attendance, minutes and decisions.
    ViewGovernance,
    /// Set up bodies and their members, plan meetings, keep agendas, attendance, minutes and decisions.
    ManageGovernance,
    /// See the items that need all three lead safeguarding partners to sign them off, and their history.
    ViewSignOffs,
    /// Ask the lead partners to sign an item off (arrangements, budget, yearly report, threshold document).
    RequestSignOffs,
    /// Sign off or return an item for one statutory partner. Object-level rule in the sign-off module:
    /// the person's organisation must be one of the partnership's three statutory partners.
    SignOffForPartner,
    /// See the partnership's budget, contributions, spending and summary.
    ViewFunding,
    /// Keep the budget: financial years, contributions and spend lines.
    ManageFunding,
    /// Read the activity and impact log and export it.
    ViewActivityLog,
    /// Add and change entries in the activity and impact log.
    ManageActivityLog,
    /// See serious incident notifications and rapid reviews (pseudonymised). Object-level rule in the
    /// case review module: anyone but an administrator must be a current member of a body that
    /// handles case reviews (the case review panel); every view is audit-logged.
    ViewCaseReviews,
    /// Record and change notifications, children, rapid reviews, decisions and the Panel's response;
    /// set the case review settings and mark which body is the case review panel.
    ManageCaseReviews,
    /// Reveal the real identities of the children in a notification (each reveal audit-logged).
    ViewChildIdentities,
    /// Keep the case review themes taxonomy: add, rename, describe, retire and reinstate themes.
    ManageCaseReviewThemes,
    /// See the practice reviews an administrator has explicitly shared with you, pseudonymised and
    /// read-only (lived-experience consultants). Object-level rule in the practice review module: only
    /// reviews shared with the caller and not revoked; every view is audit-logged. Grants nothing
    /// else of case reviews.
    ViewSharedReviews,
    /// See the recommendations tracker: sources, recommendations, status, actions, evidence, progress.
    ViewRecommendations,
    /// Add sources and recommendations and their actions; self-assess any recommendation (a
    /// recommendation's lead may self-assess theirs: an object-level rule in the tracker module).
    ManageRecommendations,
    /// Verify the owners' self-assessments independently (the independent chair or scrutineer).
    VerifyRecommendations,
    /// See the performance framework: the indicator catalogue, place profile, dashboard, indicator
    /// pages, exception report, returns and their exports.
    ViewPerformance,
    /// Keep the indicator catalogue, benchmarks and place profile; check and approve data returns.
    ManagePerformance,
    /// Send an agency's data return (by form or file) and download its template.
    SubmitPerformanceReturns,
    /// See the tracked recommendations an administrator has invited you to (number, title, text,
    /// source title, addressees and statuses only) and comment on them, named or anonymous, and read
    /// the answers to your comments (lived-experience consultants). Object-level rule in the
    /// recommendation comments module: only invitations not revoked; every view is audit-logged.
    /// Grants nothing else of the tracker.
    CommentOnRecommendations,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 35] = [
        Permission::ViewHome,
        Permission::ViewPeople,
        Permission::ManagePeople,
        Permission::ViewAuditTrail,
        Permission::VerifyAuditTrail,
        Permission::ManagePartnershipSettings,
        Permission::ViewOrganisations,
        Permission::ViewPlatformMetrics,
        Permission::ManageCalendar,
        Permission::ViewActions,
        Permission::ManageActions,
        Permission::ViewFiles,
        Permission::UploadFiles,
        Permission::ViewBoardPapers,
        Permission::ViewGovernance,
        Permission::ManageGovernance,
        Permission::ViewSignOffs,
        Permission::RequestSignOffs,
        Permission::SignOffForPartner,
        Permission::ViewFunding,
        Permission::ManageFunding,
        Permission::ViewActivityLog,
        Permission::ManageActivityLog,
        Permission::ViewCaseReviews,
        Permission::ManageCaseReviews,
        Permission::ViewChildIdentities,
        Permission::ManageCaseReviewThemes,
        Permission::ViewSharedReviews,
        Permission::ViewRecommendations,
        Permission::ManageRecommendations,
        Permission::VerifyRecommendations,
        Permission::ViewPerformance,
        Permission::ManagePerformance,
        Permission::SubmitPerformanceReturns,
        Permission::CommentOnRecommendations,
    ];
}

use Permission as P;
use Role as R;

/// Which role grants which permissions. This table is the policy; nothing else grants access.
pub const ROLE_PERMISSIONS: &[(Role, &[Permission])] = &[
    (
        R::PartnershipAdministrator,
        &[
            P::ViewHome,
            P::ViewPeople,
            P::ManagePeople,
            P::ViewAuditTrail,
            P::VerifyAuditTrail,
            P::ManagePartnershipSettings,
            P::ViewOrganisations,
            P::ViewActions,
            P::ManageActions,
            P::ViewFiles,
            P::UploadFiles,
            P::ViewBoardPapers,
            P::ViewGovernance,
            P::ManageGovernance,
            P::ViewSignOffs,
            P::RequestSignOffs,
            P::ViewFunding,
            P::ManageFunding,
            P::ViewActivityLog,
            P::ManageActivityLog,
            P::ViewCaseReviews,
            P::ManageCaseReviews,
            P::ViewChildIdentities,
            P::ManageCaseReviewThemes,
            P::ViewRecommendations,
            P::ManageRecommendations,
            P::ViewPerformance,
            P::ManagePerformance,
            P::SubmitPerformanceReturns,
        ],
    ),
    // Board members from the three statutory partners sign off for their organisation.
    (
        R::BoardMember,
        &[
            P::ViewHome,
            P::ViewPeople,
            P::ViewOrganisations,
            P::ViewActions,
            P::ViewFiles,
            P::UploadFiles,
            P::ViewBoardPapers,
            P::ViewGovernance,
            P::ViewSignOffs,
            P::SignOffForPartner,
            P::ViewFunding,
            P::ViewActivityLog,
            P::ViewCaseReviews,
            P::ViewRecommendations,
            P::ViewPerformance,
        ],
    ),
    (
        R::SubGroupMember,
        &[
            P::ViewHome,
            P::ViewPeople,
            P::ViewOrganisations,
            P::ViewActions,
            P::ViewFiles,
            P::UploadFiles,
            P::ViewGovernance,
            P::ViewActivityLog,
            P::ViewCaseReviews,
            P::ViewRecommendations,
            P::ViewPerformance,
        ],
    ),
    // A statutory partner's safeguarding lead may be its delegated partner and sign off for it.
    (
        R::AgencyLead,
        &[
            P::ViewHome,
            P::ViewPeople,
            P::ViewOrganisations,
            P::ViewActions,
            P::ViewFiles,
            P::UploadFiles,
            P::ViewGovernance,
            P::ViewSignOffs,
            P::SignOffForPartner,
            P::ViewActivityLog,
            P::ViewCaseReviews,
            P::ViewRecommendations,
            P::ViewPerformance,
            P::SubmitPerformanceReturns,
        ],
    ),
    // Practitioners see the actions they own (an object-level rule in the action module), not all.
    (R::Practitioner, &[P::ViewHome, P::ViewOrganisations]),
    (
        R::IndependentScrutineer,
        &[
            P::ViewHome,
            P::ViewPeople,
            P::ViewAuditTrail,
            P::ViewOrganisations,
            P::ViewActions,
            P::ViewFiles,
            P::ViewBoardPapers,
            P::ViewGovernance,
            P::ViewSignOffs,
            P::ViewFunding,
            P::ViewActivityLog,
            P::ViewRecommendations,
            P::VerifyRecommendations,
            P::ViewPerformance,
        ],
    ),
    // Consultants see only what is explicitly shared with them; later modules add narrow permissions.
    (
        R::LivedExperienceConsultant,
        &[
            P::ViewHome,
            P::ViewSharedReviews,
            P::CommentOnRecommendations,
        ],
    ),
    // Operators have no access to partnership content; the calendar is platform data, not content.
    (
        R::PlatformOperator,
        &[P::ViewPlatformMetrics, P::ManageCalendar],
    ),
];

/// The outcome of a policy check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// Refuse; the reason is for logs, never for the response.
    Deny(&'static str),
}

impl Decision {
    /// True for `Allow`.
    pub fn is_allowed(self) -> bool {
        matches!(self, Decision::Allow)
    }
}

/// Does any of `roles` (held in the partnership in question) grant `permission`?
pub fn decide(roles: &[Role], permission: Permission) -> Decision {
    let granted = roles.iter().any(|role| {
        ROLE_PERMISSIONS
            .iter()
            .any(|(r, perms)| r == role && perms.contains(&permission))
    });
    if granted {
        Decision::Allow
    } else {
        Decision::Deny("no role grants this permission")
    }
}

/// The roles that grant a permission (used by the route matrix test and the role descriptions page).
pub fn roles_granting(permission: Permission) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| decide(&[*r], permission).is_allowed())
        .collect()
}

/// Can this person sign in to this partnership's pages at all? Anyone holding a role there can
/// (operators included: they see their own account pages and the switcher, nothing else).
pub fn may_enter(roles: &[Role]) -> bool {
    !roles.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_roles_means_deny_for_every_permission() {
        for p in Permission::ALL {
            assert_eq!(
                decide(&[], p),
                Decision::Deny("no role grants this permission")
            );
        }
    }

    #[test]
    fn administrator_manages_people_and_practitioner_does_not() {
        assert!(decide(&[Role::PartnershipAdministrator], Permission::ManagePeople).is_allowed());
        assert!(!decide(&[Role::Practitioner], Permission::ManagePeople).is_allowed());
        assert!(!decide(&[Role::BoardMember], Permission::ManagePeople).is_allowed());
    }

    #[test]
    fn platform_operator_has_no_content_permission() {
        for p in Permission::ALL {
            let allowed = decide(&[Role::PlatformOperator], p).is_allowed();
            assert_eq!(
                allowed,
                matches!(
                    p,
                    Permission::ViewPlatformMetrics | Permission::ManageCalendar
                ),
                "{p:?}"
            );
        }
    }

    #[test]
    fn only_the_scrutineer_verifies_recommendations() {
        assert_eq!(
            roles_granting(Permission::VerifyRecommendations),
            vec![Role::IndependentScrutineer]
        );
        assert_eq!(
            roles_granting(Permission::ManageRecommendations),
            vec![Role::PartnershipAdministrator]
        );
        assert!(decide(&[Role::AgencyLead], Permission::ViewRecommendations).is_allowed());
        assert!(!decide(&[Role::Practitioner], Permission::ViewRecommendations).is_allowed());
        assert!(
            !decide(
                &[Role::LivedExperienceConsultant],
                Permission::ViewRecommendations
            )
            .is_allowed()
        );
    }

    #[test]
    fn consultant_sees_home_and_what_is_shared_only() {
        for p in Permission::ALL {
            assert_eq!(
                decide(&[Role::LivedExperienceConsultant], p).is_allowed(),
                matches!(
                    p,
                    Permission::ViewHome
                        | Permission::ViewSharedReviews
                        | Permission::CommentOnRecommendations
                ),
                "{p:?}"
            );
        }
    }

    #[test]
    fn only_consultants_have_the_shared_review_view() {
        // Administrators share reviews (ManageCaseReviews); the pseudonymised view is the consultants'
        // alone, and gives them nothing else of case reviews.
        assert_eq!(
            roles_granting(Permission::ViewSharedReviews),
            vec![Role::LivedExperienceConsultant]
        );
        for p in [
            Permission::ViewCaseReviews,
            Permission::ManageCaseReviews,
            Permission::ViewChildIdentities,
            Permission::ViewFiles,
        ] {
            assert!(
                !decide(&[Role::LivedExperienceConsultant], p).is_allowed(),
                "{p:?}"
            );
        }
    }

    #[test]
    fn scrutineer_reads_audit_but_cannot_verify_or_manage() {
        assert!(decide(&[Role::IndependentScrutineer], Permission::ViewAuditTrail).is_allowed());
        assert!(!decide(&[Role::IndependentScrutineer], Permission::ManagePeople).is_allowed());
        assert!(!decide(&[Role::IndependentScrutineer], Permission::VerifyAuditTrail).is_allowed());
    }

    #[test]
    fn the_shared_calendar_is_managed_by_platform_operators_only() {
        // Bank holidays are the same for every partnership: no partnership's role may change them.
        assert_eq!(
            roles_granting(Permission::ManageCalendar),
            vec![Role::PlatformOperator]
        );
    }

    #[test]
    fn only_administrators_change_governance_funding_and_the_log() {
        for p in [
            Permission::ManageGovernance,
            Permission::RequestSignOffs,
            Permission::ManageFunding,
            Permission::ManageActivityLog,
            Permission::ManagePerformance,
        ] {
            assert_eq!(
                roles_granting(p),
                vec![Role::PartnershipAdministrator],
                "{p:?}"
            );
        }
    }

    #[test]
    fn partners_sign_off_and_scrutineers_only_read() {
        assert_eq!(
            roles_granting(Permission::SignOffForPartner),
            vec![Role::BoardMember, Role::AgencyLead]
        );
        assert!(decide(&[Role::IndependentScrutineer], Permission::ViewSignOffs).is_allowed());
        assert!(
            !decide(
                &[Role::IndependentScrutineer],
                Permission::SignOffForPartner
            )
            .is_allowed()
        );
        assert!(!decide(&[Role::Practitioner], Permission::ViewGovernance).is_allowed());
    }

    #[test]
    fn case_reviews_are_for_the_panel_and_identities_for_administrators() {
        // Viewing also needs panel membership (object-level rule in the case review module).
        assert_eq!(
            roles_granting(Permission::ViewCaseReviews),
            vec![
                Role::PartnershipAdministrator,
                Role::BoardMember,
                Role::SubGroupMember,
                Role::AgencyLead
            ]
        );
        assert_eq!(
            roles_granting(Permission::ManageCaseReviews),
            vec![Role::PartnershipAdministrator]
        );
        assert_eq!(
            roles_granting(Permission::ViewChildIdentities),
            vec![Role::PartnershipAdministrator]
        );
        // The themes taxonomy is the partnership's, kept by its administrators.
        assert_eq!(
            roles_granting(Permission::ManageCaseReviewThemes),
            vec![Role::PartnershipAdministrator]
        );
        for r in [
            Role::Practitioner,
            Role::IndependentScrutineer,
            Role::LivedExperienceConsultant,
        ] {
            assert!(
                !decide(&[r], Permission::ViewCaseReviews).is_allowed(),
                "{r:?}"
            );
        }
    }

    #[test]
    fn role_slugs_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.slug()), Some(r));
        }
        assert_eq!(Role::parse("superuser"), None);
    }

    #[test]
    fn agency_leads_send_returns_and_only_administrators_keep_the_framework() {
        assert_eq!(
            roles_granting(Permission::SubmitPerformanceReturns),
            vec![Role::PartnershipAdministrator, Role::AgencyLead]
        );
        assert!(!decide(&[Role::Practitioner], Permission::ViewPerformance).is_allowed());
        assert!(decide(&[Role::IndependentScrutineer], Permission::ViewPerformance).is_allowed());
    }

    #[test]
    fn only_consultants_comment_on_recommendations() {
        // Administrators invite consultants (ManageRecommendations); the narrow view and the comments
        // are the consultants' alone, and give them nothing else of the tracker.
        assert_eq!(
            roles_granting(Permission::CommentOnRecommendations),
            vec![Role::LivedExperienceConsultant]
        );
        for p in [
            Permission::ViewRecommendations,
            Permission::ManageRecommendations,
            Permission::VerifyRecommendations,
            Permission::ViewActions,
        ] {
            assert!(
                !decide(&[Role::LivedExperienceConsultant], p).is_allowed(),
                "{p:?}"
            );
        }
    }
}
