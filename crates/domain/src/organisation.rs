//! Organisations: the three statutory partners and the relevant agencies.

use serde::{Deserialize, Serialize};

/// What an organisation is, in the terms of the Children Act 2004 and SI 2018/789.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// Statutory partner: the local authority.
    LocalAuthority,
    /// Statutory partner: the chief officer of police.
    Police,
    /// Statutory partner: the integrated care board.
    IntegratedCareBoard,
    /// A relevant agency (with a category).
    RelevantAgency,
}

impl OrganisationKind {
    /// Every kind.
    pub const ALL: [OrganisationKind; 4] = [
        OrganisationKind::LocalAuthority,
        OrganisationKind::Police,
        OrganisationKind::IntegratedCareBoard,
        OrganisationKind::RelevantAgency,
    ];
    /// Stored identifier.
    pub fn slug(self) -> &'static str {
        match self {
            OrganisationKind::LocalAuthority => "local_authority",
            OrganisationKind::Police => "police",
            OrganisationKind::IntegratedCareBoard => "integrated_care_board",
            OrganisationKind::RelevantAgency => "relevant_agency",
        }
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::LocalAuthority => "Statutory partner: local authority",
            OrganisationKind::Police => "Statutory partner: police",
            OrganisationKind::IntegratedCareBoard => "Statutory partner: integrated care board",
            OrganisationKind::RelevantAgency => "Relevant agency",
        }
    }
    /// Parses a slug.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == s)
    }
    /// True for the three statutory partners.
    pub fn is_statutory_partner(self) -> bool {
        !matches!(self, OrganisationKind::RelevantAgency)
    }
}

/// Categories of relevant agency, following the groupings of the Schedule to SI 2018/789.
pub const AGENCY_CATEGORIES: &[(&str, &str)] = &[
    ("education", "Education and childcare"),
    ("health", "Health and social care"),
    ("criminal_justice", "Police and criminal justice"),
    ("probation", "Probation"),
    ("youth_justice", "Youth justice"),
    ("courts", "Courts and family justice (Cafcass)"),
    ("ambulance", "Ambulance service"),
    ("housing", "Housing"),
    (
        "voluntary",
        "Voluntary, charity, social enterprise, faith and sports",
    ),
    ("other", "Other"),
];

/// The label of a category slug.
pub fn category_label(slug: &str) -> Option<&'static str> {
    AGENCY_CATEGORIES
        .iter()
        .find(|(s, _)| *s == slug)
        .map(|(_, l)| *l)
}
