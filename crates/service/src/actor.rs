//! Who is asking, in which partnership, with which roles: the identity threaded through every use case.

use safeguard_domain::audit::NewEntry;
use safeguard_domain::policy::{self, Decision, Permission, Role};
use safeguard_domain::{OrganisationId, PartnershipId, PersonId, SessionId};

/// Facts about the request, for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// The request id (also in the logs and on error pages).
    pub request_id: Option<String>,
    /// The client address.
    pub ip: Option<String>,
    /// The browser.
    pub user_agent: Option<String>,
}

/// A signed-in person acting in one partnership.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Who.
    pub person_id: PersonId,
    /// Their organisation.
    pub organisation_id: OrganisationId,
    /// The partnership they are acting in.
    pub partnership_id: PartnershipId,
    /// Their roles there.
    pub roles: Vec<Role>,
    /// Their session (none for API tokens and the CLI).
    pub session_id: Option<SessionId>,
    /// Request facts.
    pub meta: RequestMeta,
}

impl Actor {
    /// Asks the policy module.
    pub fn decide(&self, p: Permission) -> Decision {
        policy::decide(&self.roles, p)
    }
    /// True when allowed.
    pub fn can(&self, p: Permission) -> bool {
        self.decide(p).is_allowed()
    }
    /// `Ok` when allowed, `Forbidden` otherwise (and a security log line).
    pub fn require(&self, p: Permission) -> crate::ServiceResult<()> {
        match self.decide(p) {
            Decision::Allow => Ok(()),
            Decision::Deny(reason) => {
                tracing::warn!(target: "security.denied", person = %self.person_id, partnership = %self.partnership_id, permission = ?p, reason, "permission denied");
                Err(crate::ServiceError::Forbidden(reason))
            }
        }
    }
    /// An audit entry by this actor in their partnership.
    pub fn entry(&self, action: &str, target_type: &str, target_id: Option<String>) -> NewEntry {
        NewEntry {
            partnership_id: Some(self.partnership_id.0),
            actor_person_id: Some(self.person_id.0),
            actor_organisation_id: Some(self.organisation_id.0),
            request_id: self.meta.request_id.clone(),
            ip: self.meta.ip.clone(),
            ..NewEntry::new(action, target_type, target_id)
        }
    }
}
