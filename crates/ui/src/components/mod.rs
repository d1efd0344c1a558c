//! GOV.UK Design System components (govuk-frontend 6.6) as askama templates.
//!
//! Each component is a struct with public fields (mirroring the Nunjucks
//! macro's options, in snake case) and builder-style methods, deriving
//! [`askama::Template`]. Text given to a component is always escaped; only
//! [`Content::Html`] is written as it is.
//!
//! # Embedding components in other templates
//!
//! Every component implements askama's [`HtmlSafe`](askama::filters::HtmlSafe)
//! marker trait, so a page template that holds a component as a field (or
//! gets one from a method) writes it with a plain `{{ … }}`, without double
//! escaping; `{{ …|safe }}` works too and is equivalent:
//!
//! ```
//! use askama::Template;
//! use safeguard_ui::components::{Button, TextInput};
//!
//! #[derive(Template)]
//! #[template(
//!     source = r#"<form method="post">{{ email }}{{ submit }}</form>"#,
//!     ext = "html"
//! )]
//! struct SignInPage {
//!     email: TextInput,
//!     submit: Button,
//! }
//!
//! let page = SignInPage {
//!     email: TextInput::new("email", "Email address")
//!         .input_type("email")
//!         .autocomplete("email")
//!         .spellcheck(false)
//!         .value("jo@example.org"),
//!     submit: Button::new("Sign in").prevent_double_click(),
//! };
//! let html = page.render().unwrap();
//! assert!(html.contains(r#"<input class="govuk-input" id="email" name="email" type="email""#));
//! assert!(html.contains("Sign in"));
//! ```
//!
//! Components are also `Display` (through askama), so `component.to_string()`
//! renders one on its own, and [`Content::rendered`] wraps a rendered
//! component as trusted HTML to place inside another (for example a link or
//! a tag in a [`TableCell`]).

mod back_link;
mod button;
mod checkboxes;
pub(crate) mod common;
mod details;
mod error_message;
mod error_summary;
mod fieldset;
mod footer;
mod header;
mod hint;
mod inset_text;
mod label;
mod notification_banner;
mod pagination;
mod panel;
mod phase_banner;
mod radios;
mod select;
mod service_navigation;
mod skip_link;
mod summary_list;
mod table;
mod tag;
mod text_input;
mod textarea;
mod warning_text;

pub use back_link::BackLink;
pub use button::Button;
pub use checkboxes::Checkboxes;
pub use common::{Attributes, Content, Wrapper};
pub use details::Details;
pub use error_message::ErrorMessage;
pub use error_summary::{ErrorSummary, ErrorSummaryItem};
pub use fieldset::{Fieldset, Legend};
pub use footer::{Footer, FooterLink, FooterMeta, FooterSection};
pub use header::Header;
pub use hint::Hint;
pub use inset_text::InsetText;
pub use label::Label;
pub use notification_banner::NotificationBanner;
pub use pagination::{Pagination, PaginationItem, PaginationLink};
pub use panel::Panel;
pub use phase_banner::PhaseBanner;
pub use radios::{Choice, ChoiceItem, Radios};
pub use select::{Select, SelectItem};
pub use service_navigation::{NavigationItem, ServiceNavigation};
pub use skip_link::SkipLink;
pub use summary_list::{SummaryAction, SummaryCard, SummaryList, SummaryRow};
pub use table::{Table, TableCell};
pub use tag::{Tag, TagColour};
pub use text_input::{Affix, InputWidth, TextInput};
pub use textarea::Textarea;
pub use warning_text::WarningText;
