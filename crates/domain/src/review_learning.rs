//! The learning of case reviews: the partnership's themes taxonomy, the themes each review carries,
//! and each review's findings and recommendations (`../shared/docs/DOMAIN.md` 12.2–12.3).
//!
//! A *subject* is what learning belongs to: a serious incident notification (with its rapid review)
//! or a child safeguarding practice review (local or thematic). Both are identified by
//! ([`SubjectType`], id); the service checks that the subject exists in the caller's partnership.
//!
//! # Themes
//!
//! Administrators keep the taxonomy. A theme's name is required, at most [`THEME_NAME_MAX`]
//! characters, and unique within the partnership ignoring case and repeated spaces ("Neglect" and
//! " neglect " are the same theme). A theme is never deleted: it is renamed, or retired. A retired
//! theme stays on the reviews that carry it and may be taken off them, but cannot be newly added
//! ([`ThemeChange::plan`]).
//!
//! # Findings and recommendations
//!
//! Each is numbered within its subject, next in sequence ([`next_number`]), with a title and a body. A
//! recommendation may name one finding of the same subject, and is addressed to one or more
//! organisations of the partnership. Neither is ever deleted: the published report fixes the
//! numbering and the recommendations tracker refers to recommendations by id, so a mistake is
//! corrected by an edit (audited with the text before and after), never by removal.
//!
//! # Financial years
//!
//! The across-years view counts a subject in the financial year (April to March) of its start: the
//! date the local authority became aware of the incident for a notification, the decision to
//! commission for a practice review ([`financial_year_of`]).

use crate::ValidationErrors;
use crate::validation::required_text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest theme name, in characters.
pub const THEME_NAME_MAX: usize = 100;
/// Longest theme description, in characters.
pub const THEME_DESCRIPTION_MAX: usize = 1000;
/// Longest finding or recommendation title, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest finding or recommendation body, in characters.
pub const BODY_MAX: usize = 8000;

/// What learning belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectType {
    /// A serious incident notification and its rapid review (`case_notification`).
    Notification,
    /// A child safeguarding practice review, local or thematic (`practice_review`).
    PracticeReview,
}

impl SubjectType {
    /// Both, in display order.
    pub const ALL: [SubjectType; 2] = [SubjectType::Notification, SubjectType::PracticeReview];

    /// Stored and API form.
    pub fn slug(self) -> &'static str {
        match self {
            SubjectType::Notification => "notification",
            SubjectType::PracticeReview => "practice_review",
        }
    }
    /// Parses the stored form; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.slug() == s)
    }
    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            SubjectType::Notification => "Notification and rapid review",
            SubjectType::PracticeReview => "Practice review",
        }
    }
    /// Plural, for column headings.
    pub fn plural(self) -> &'static str {
        match self {
            SubjectType::Notification => "Notifications",
            SubjectType::PracticeReview => "Practice reviews",
        }
    }
    /// The page path of a subject of this type (its learning page adds `/learning`).
    pub fn path(self, id: Uuid) -> String {
        match self {
            SubjectType::Notification => format!("/case-reviews/{id}"),
            SubjectType::PracticeReview => format!("/practice-reviews/{id}"),
        }
    }
}

/// The financial year (April to March) a subject counts in, named by the year it starts, from its
/// start date (aware for a notification, commissioned for a practice review): 18 January 2023 is in
/// 2022 (2022-23).
pub fn financial_year_of(start: NaiveDate) -> i32 {
    crate::activity::financial_year_of(start)
}

/// "2022-23".
pub fn financial_year_label(year: i32) -> String {
    crate::activity::financial_year_label(year)
}

/// The themes a new partnership starts with: the themes of the seed partnership's reviews (its
/// 2022-23 yearly report) and common themes of national and local reviews, as (name, description).
pub const DEFAULT_THEMES: &[(&str, &str)] = &[
    (
        "Neglect",
        "Chronic and cumulative neglect, and how agencies recognised it and helped families make lasting change.",
    ),
    (
        "Families moving between local authority areas",
        "Geographical relocation of the family: what agencies knew and shared when a family moved between areas.",
    ),
    (
        "Professional curiosity",
        "Practitioners exploring and questioning what they see and are told, rather than taking it at face value.",
    ),
    (
        "Record keeping",
        "Accurate, timely records of concerns, decisions and the reasons for them.",
    ),
    (
        "Information sharing",
        "Agencies sharing what they know, promptly and with the right people, to keep children safe.",
    ),
    (
        "Domestic abuse",
        "Children living with domestic abuse, and the response to it.",
    ),
    (
        "Parental mental health",
        "The effect of a parent's or carer's mental health on their care of the children.",
    ),
    (
        "Parental substance misuse",
        "The effect of a parent's or carer's use of alcohol or drugs on their care of the children.",
    ),
    (
        "Child sexual exploitation",
        "Recognising and responding to the sexual exploitation of children.",
    ),
    (
        "Child criminal exploitation",
        "Children drawn into crime by others, including county lines; missing episodes seen together.",
    ),
    (
        "Non-accidental injury in babies",
        "Injuries and bruising in babies and children under two, especially those not yet mobile.",
    ),
    (
        "Safe sleep",
        "Safer sleeping advice for babies and how it reached the family.",
    ),
    (
        "Voice of the child",
        "Whether practitioners saw, heard and acted on the child's own experience.",
    ),
    (
        "Escalation and professional challenge",
        "Challenging decisions and escalating concerns between agencies when a child is not safe.",
    ),
];

/// A theme name in the form compared for uniqueness: trimmed, single spaces, lower case.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A theme as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ThemeInput {
    /// The name (required).
    #[serde(default)]
    pub name: String,
    /// What it covers (optional).
    #[serde(default)]
    pub description: String,
}

/// A valid theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Name, with single spaces.
    pub name: String,
    /// Description.
    pub description: String,
}

impl Theme {
    /// Validates the input against the partnership's themes, given as (id, name): the name must differ
    /// from every other theme's ignoring case and spaces (`except` is the theme being renamed).
    pub fn parse(
        input: &ThemeInput,
        existing: &[(Uuid, String)],
        except: Option<Uuid>,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = required_text(
            &mut e,
            "name",
            &input.name,
            "the name of the theme",
            THEME_NAME_MAX,
        );
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let key = name_key(&name);
        if !key.is_empty()
            && existing
                .iter()
                .any(|(id, n)| Some(*id) != except && name_key(n) == key)
        {
            e.add("name", "There is already a theme with this name");
        }
        let description = if input.description.trim().is_empty() {
            String::new()
        } else {
            required_text(
                &mut e,
                "description",
                &input.description,
                "the description",
                THEME_DESCRIPTION_MAX,
            )
        };
        e.into_result(Self { name, description })
    }
}

/// One theme of the taxonomy, as the change of a subject's themes needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxonomyEntry {
    /// Theme.
    pub id: Uuid,
    /// Retired: may stay on a subject, may not be newly added.
    pub retired: bool,
}

/// The change of a subject's themes from the ticked boxes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeChange {
    /// Themes to add.
    pub added: Vec<Uuid>,
    /// Themes to take off.
    pub removed: Vec<Uuid>,
}

impl ThemeChange {
    /// Works out the change from the subject's `current` themes to the `wanted` ones (the ids ticked,
    /// as typed). Every wanted theme must be in the partnership's `taxonomy`; a retired theme may stay
    /// but not be newly added. Errors are on the field `theme_ids`.
    pub fn plan(
        current: &[Uuid],
        wanted: &[String],
        taxonomy: &[TaxonomyEntry],
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let mut ids: Vec<Uuid> = Vec::new();
        for raw in wanted.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
            let found = raw
                .parse::<Uuid>()
                .ok()
                .and_then(|id| taxonomy.iter().find(|t| t.id == id));
            match found {
                None => e.add("theme_ids", "Select themes from the list"),
                Some(t) if t.retired && !current.contains(&t.id) => e.add(
                    "theme_ids",
                    "A retired theme cannot be added to a review: choose a current theme",
                ),
                Some(t) => {
                    if !ids.contains(&t.id) {
                        ids.push(t.id);
                    }
                }
            }
        }
        let added = ids
            .iter()
            .filter(|id| !current.contains(id))
            .copied()
            .collect();
        let removed = current
            .iter()
            .filter(|id| !ids.contains(id))
            .copied()
            .collect();
        e.into_result(Self { added, removed })
    }

    /// True when nothing changes.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// The number for a new finding or recommendation: one more than the highest so far, from 1.
pub fn next_number(existing: &[i32]) -> i32 {
    existing
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}

/// A finding as typed. `version` is the version the edit form was built from (empty when adding).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FindingInput {
    /// Short title.
    #[serde(default)]
    pub title: String,
    /// The finding.
    #[serde(default)]
    pub body: String,
    /// For an edit: the version shown.
    #[serde(default)]
    pub version: String,
}

/// A valid finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
}

fn title_and_body(
    e: &mut ValidationErrors,
    title: &str,
    body: &str,
    what: &str,
) -> (String, String) {
    let title = required_text(
        e,
        "title",
        title,
        &format!("the title of the {what}"),
        TITLE_MAX,
    );
    let body = required_text(e, "body", body, &format!("the {what}"), BODY_MAX);
    (title, body)
}

impl Finding {
    /// Validates the title and body.
    pub fn parse(input: &FindingInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let (title, body) = title_and_body(&mut e, &input.title, &input.body, "finding");
        e.into_result(Self { title, body })
    }
}

/// A recommendation as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RecommendationInput {
    /// Short title.
    #[serde(default)]
    pub title: String,
    /// The recommendation.
    #[serde(default)]
    pub body: String,
    /// The finding it follows from (an id of the same subject's findings), or empty.
    #[serde(default)]
    pub finding_id: String,
    /// The organisations it is addressed to (ids of the partnership's organisations).
    #[serde(default)]
    pub addressees: Vec<String>,
    /// For an edit: the version shown.
    #[serde(default)]
    pub version: String,
}

/// A valid recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// The finding of the same subject it follows from.
    pub finding_id: Option<Uuid>,
    /// Organisations of the partnership, at least one, each once.
    pub addressees: Vec<Uuid>,
}

impl Recommendation {
    /// Validates the input: the finding, if any, must be one of `findings` (the subject's), and the
    /// addressees, at least one, must be among `organisations` (the partnership's).
    pub fn parse(
        input: &RecommendationInput,
        findings: &[Uuid],
        organisations: &[Uuid],
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let (title, body) = title_and_body(&mut e, &input.title, &input.body, "recommendation");
        let finding = input.finding_id.trim();
        let finding_id = if finding.is_empty() {
            None
        } else {
            match finding
                .parse::<Uuid>()
                .ok()
                .filter(|f| findings.contains(f))
            {
                Some(f) => Some(f),
                None => {
                    e.add(
                        "finding_id",
                        "Select a finding of this review, or no finding",
                    );
                    None
                }
            }
        };
        let mut addressees: Vec<Uuid> = Vec::new();
        for raw in input
            .addressees
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            match raw
                .parse::<Uuid>()
                .ok()
                .filter(|o| organisations.contains(o))
            {
                Some(o) if !addressees.contains(&o) => addressees.push(o),
                Some(_) => {}
                None => e.add("addressees", "Select organisations of this partnership"),
            }
        }
        if addressees.is_empty() {
            e.add(
                "addressees",
                "Select at least one organisation the recommendation is addressed to",
            );
        }
        e.into_result(Self {
            title,
            body,
            finding_id,
            addressees,
        })
    }
}

/// How many subjects of each type carry a theme in one financial year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct YearCount {
    /// Notifications (with their rapid reviews).
    pub notifications: usize,
    /// Practice reviews.
    pub practice_reviews: usize,
}

impl YearCount {
    fn add(&mut self, kind: SubjectType) {
        match kind {
            SubjectType::Notification => self.notifications += 1,
            SubjectType::PracticeReview => self.practice_reviews += 1,
        }
    }
    /// The count of one type.
    pub fn of(&self, kind: SubjectType) -> usize {
        match kind {
            SubjectType::Notification => self.notifications,
            SubjectType::PracticeReview => self.practice_reviews,
        }
    }
}

/// Themes by financial years: for each theme, how many notifications and practice reviews carrying it
/// started in each year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AcrossYears {
    /// Every financial year from the first to the last in which a themed subject started, in order
    /// (a year with nothing in it stays, so the columns read as a time line).
    pub years: Vec<i32>,
    /// One row per theme, in the order given: (theme, one count per year, total).
    pub rows: Vec<(Uuid, Vec<YearCount>, YearCount)>,
}

impl AcrossYears {
    /// Counts `items`, each (theme, subject type, the subject's start date), for the `themes` given.
    /// Items of other themes are ignored.
    pub fn build(themes: &[Uuid], items: &[(Uuid, SubjectType, NaiveDate)]) -> Self {
        let items: Vec<(Uuid, SubjectType, i32)> = items
            .iter()
            .filter(|(t, _, _)| themes.contains(t))
            .map(|(t, k, d)| (*t, *k, financial_year_of(*d)))
            .collect();
        let years: Vec<i32> = match (
            items.iter().map(|i| i.2).min(),
            items.iter().map(|i| i.2).max(),
        ) {
            (Some(a), Some(b)) => (a..=b).collect(),
            _ => Vec::new(),
        };
        let rows = themes
            .iter()
            .map(|theme| {
                let mut cells = vec![YearCount::default(); years.len()];
                let mut total = YearCount::default();
                for (_, kind, year) in items.iter().filter(|(t, _, _)| t == theme) {
                    if let Some(cell) = years
                        .iter()
                        .position(|y| y == year)
                        .and_then(|i| cells.get_mut(i))
                    {
                        cell.add(*kind);
                    }
                    total.add(*kind);
                }
                (*theme, cells, total)
            })
            .collect();
        Self { years, rows }
    }
}

/// Parses the version an edit form was built from (error on the field `version`).
pub fn parse_version(errors: &mut ValidationErrors, raw: &str) -> Option<i32> {
    crate::activity::parse_version(errors, raw).and_then(|v| i32::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn subject_types_round_trip_and_have_paths() {
        for t in SubjectType::ALL {
            assert_eq!(SubjectType::parse(t.slug()), Some(t));
        }
        assert_eq!(SubjectType::parse("rapid_review"), None);
        let id = Uuid::nil();
        assert_eq!(
            SubjectType::PracticeReview.path(id),
            format!("/practice-reviews/{id}")
        );
    }

    #[test]
    fn financial_years_run_april_to_march() {
        assert_eq!(financial_year_of(d("2023-01-18")), 2022);
        assert_eq!(financial_year_of(d("2022-03-31")), 2021);
        assert_eq!(financial_year_of(d("2022-04-01")), 2022);
        assert_eq!(financial_year_label(2019), "2019-20");
        assert_eq!(financial_year_label(2099), "2099-00");
    }

    #[test]
    fn theme_names_are_required_bounded_and_unique_ignoring_case() {
        let neglect = Uuid::new_v4();
        let existing = vec![(neglect, "Neglect".to_owned())];
        let e = Theme::parse(&ThemeInput::default(), &existing, None).unwrap_err();
        assert_eq!(e.get("name"), Some("Enter the name of the theme"));
        let e = Theme::parse(
            &ThemeInput {
                name: "  NEGLECT ".into(),
                ..Default::default()
            },
            &existing,
            None,
        )
        .unwrap_err();
        assert_eq!(
            e.get("name"),
            Some("There is already a theme with this name")
        );
        // renaming a theme to itself in another case is allowed
        let t = Theme::parse(
            &ThemeInput {
                name: "neglect".into(),
                description: " ".into(),
            },
            &existing,
            Some(neglect),
        )
        .unwrap();
        assert_eq!(t.name, "neglect");
        assert_eq!(t.description, "");
        let long = ThemeInput {
            name: "x".repeat(THEME_NAME_MAX + 1),
            description: "y".repeat(THEME_DESCRIPTION_MAX + 1),
        };
        let e = Theme::parse(&long, &existing, None).unwrap_err();
        assert!(e.get("name").unwrap().contains("100 characters or fewer"));
        assert!(e.get("description").unwrap().contains("1000 characters"));
        let t = Theme::parse(
            &ThemeInput {
                name: "Safe   sleep".into(),
                description: "Babies".into(),
            },
            &existing,
            None,
        )
        .unwrap();
        assert_eq!(t.name, "Safe sleep");
    }

    #[test]
    fn the_default_themes_are_distinct_valid_and_include_the_seed_themes() {
        let mut seen: Vec<(Uuid, String)> = Vec::new();
        for (name, description) in DEFAULT_THEMES {
            let t = Theme::parse(
                &ThemeInput {
                    name: (*name).into(),
                    description: (*description).into(),
                },
                &seen,
                None,
            )
            .unwrap();
            seen.push((Uuid::new_v4(), t.name));
        }
        for seed in [
            "Neglect",
            "Families moving between local authority areas",
            "Professional curiosity",
            "Record keeping",
            "Information sharing",
        ] {
            assert!(seen.iter().any(|(_, n)| n == seed), "{seed}");
        }
    }

    #[test]
    fn a_retired_theme_stays_but_is_not_newly_added() {
        let (current, retired, spare, old) = (
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
        );
        let taxonomy = [
            TaxonomyEntry {
                id: current,
                retired: false,
            },
            TaxonomyEntry {
                id: retired,
                retired: true,
            },
            TaxonomyEntry {
                id: spare,
                retired: false,
            },
            TaxonomyEntry {
                id: old,
                retired: true,
            },
        ];
        // the subject carries `current` and the retired `old`; keeps `old`, adds `spare`, drops `current`
        let c = ThemeChange::plan(
            &[current, old],
            &[old.to_string(), spare.to_string(), spare.to_string()],
            &taxonomy,
        )
        .unwrap();
        assert_eq!(c.added, vec![spare]);
        assert_eq!(c.removed, vec![current]);
        // a retired theme the subject does not carry cannot be added
        let e = ThemeChange::plan(&[current], &[retired.to_string()], &taxonomy).unwrap_err();
        assert!(e.get("theme_ids").unwrap().contains("retired"));
        // an id outside the taxonomy (another partnership's, or made up)
        let e = ThemeChange::plan(&[], &[Uuid::new_v4().to_string()], &taxonomy).unwrap_err();
        assert_eq!(e.get("theme_ids"), Some("Select themes from the list"));
        assert!(ThemeChange::plan(&[], &["x".into()], &taxonomy).is_err());
        // nothing ticked takes everything off
        let c = ThemeChange::plan(&[current, old], &[], &taxonomy).unwrap();
        assert_eq!(c.removed, vec![current, old]);
        assert!(
            ThemeChange::plan(&[current], &[current.to_string()], &taxonomy)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn numbers_follow_the_highest() {
        assert_eq!(next_number(&[]), 1);
        assert_eq!(next_number(&[1, 2, 3]), 4);
        assert_eq!(next_number(&[2, 7]), 8);
    }

    #[test]
    fn a_finding_needs_a_title_and_body() {
        let e = Finding::parse(&FindingInput::default()).unwrap_err();
        assert_eq!(e.get("title"), Some("Enter the title of the finding"));
        assert_eq!(e.get("body"), Some("Enter the finding"));
        let e = Finding::parse(&FindingInput {
            title: "t".repeat(TITLE_MAX + 1),
            body: "Records did not move with the family.".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.get("title").unwrap().contains("200 characters or fewer"));
        let f = Finding::parse(&FindingInput {
            title: " Records ".into(),
            body: "Records did not move with the family.".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(f.title, "Records");
    }

    #[test]
    fn a_recommendation_names_a_finding_of_its_subject_and_organisations_of_the_partnership() {
        let (finding, other_finding) = (Uuid::new_v4(), Uuid::new_v4());
        let (council, police, foreign) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let good = RecommendationInput {
            title: "Transfer of records".into(),
            body: "Agree a protocol with neighbouring areas.".into(),
            finding_id: finding.to_string(),
            addressees: vec![council.to_string(), police.to_string(), council.to_string()],
            version: String::new(),
        };
        let r = Recommendation::parse(&good, &[finding], &[council, police]).unwrap();
        assert_eq!(r.finding_id, Some(finding));
        assert_eq!(r.addressees, vec![council, police]);
        let mut i = good.clone();
        i.finding_id = other_finding.to_string();
        i.addressees = vec![foreign.to_string()];
        let e = Recommendation::parse(&i, &[finding], &[council, police]).unwrap_err();
        assert!(e.get("finding_id").is_some());
        assert_eq!(
            e.get("addressees"),
            Some("Select organisations of this partnership")
        );
        let mut i = good.clone();
        i.finding_id = String::new();
        i.addressees = vec![];
        let e = Recommendation::parse(&i, &[finding], &[council]).unwrap_err();
        assert_eq!(
            e.get("addressees"),
            Some("Select at least one organisation the recommendation is addressed to")
        );
        assert!(e.get("finding_id").is_none());
    }

    #[test]
    fn across_years_counts_each_type_in_its_financial_year_with_empty_years_kept() {
        let (neglect, moving, unused) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let items = [
            (neglect, SubjectType::PracticeReview, d("2019-06-01")),
            (neglect, SubjectType::Notification, d("2023-01-18")),
            (neglect, SubjectType::Notification, d("2022-05-10")),
            (moving, SubjectType::Notification, d("2022-09-05")),
            (moving, SubjectType::PracticeReview, d("2022-03-31")),
            // another theme's (or a theme not shown): ignored
            (Uuid::new_v4(), SubjectType::Notification, d("2010-01-01")),
        ];
        let a = AcrossYears::build(&[neglect, moving, unused], &items);
        assert_eq!(a.years, vec![2019, 2020, 2021, 2022]);
        let (id, cells, total) = &a.rows[0];
        assert_eq!(*id, neglect);
        assert_eq!(cells[0].practice_reviews, 1);
        assert_eq!(cells[1], YearCount::default());
        assert_eq!(cells[3].notifications, 2);
        assert_eq!((total.notifications, total.practice_reviews), (2, 1));
        let (_, cells, _) = &a.rows[1];
        assert_eq!(cells[2].of(SubjectType::PracticeReview), 1);
        assert_eq!(cells[3].of(SubjectType::Notification), 1);
        assert_eq!(a.rows[2].2, YearCount::default());
        assert!(AcrossYears::build(&[neglect], &[]).years.is_empty());
    }

    #[test]
    fn versions_must_be_positive_numbers() {
        let mut e = ValidationErrors::new();
        assert_eq!(parse_version(&mut e, "3"), Some(3));
        assert_eq!(parse_version(&mut e, ""), None);
        assert!(e.get("version").is_some());
    }
}
