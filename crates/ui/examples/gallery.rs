//! Prints a page showing the components, for eyeballing them in a browser:
//!
//! ```sh
//! mkdir -p /tmp/gallery && ln -sfn "$PWD/crates/ui/assets" /tmp/gallery/assets
//! cargo run -q -p safeguard-ui --example gallery > /tmp/gallery/index.html
//! (cd /tmp/gallery && python3 -m http.server 8123 --bind 127.0.0.1)
//! ```

use askama::Template;
use safeguard_ui::assets;
use safeguard_ui::components::*;

#[derive(Template)]
#[template(
    ext = "html",
    source = r##"<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>Component gallery – Safeguard</title>
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <link rel="icon" href="/assets/images/favicon.svg?v={{ version }}" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/govuk-frontend.min.css?v={{ version }}">
  <link rel="stylesheet" href="/assets/safeguard.css?v={{ version }}">
</head>
<body class="govuk-template__body">
<script src="/assets/js/init.js?v={{ version }}"></script>
{{ skip }}
{{ header }}
{{ nav }}
<div class="govuk-width-container">
  {{ phase }}
  {{ back }}
  <main class="govuk-main-wrapper" id="main-content">
    {{ errors }}
    {{ banner }}
    <h1 class="govuk-heading-l">Component gallery</h1>
    <div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
    {{ input }}
    {{ textarea }}
    {{ select }}
    {{ radios }}
    {{ checkboxes }}
    {{ details }}
    {{ inset }}
    {{ warning }}
    <div class="govuk-button-group">{{ save }}{{ cancel }}{{ delete }}</div>
    </div></div>
    {{ table }}
    {{ summary }}
    {{ pagination }}
    {{ panel }}
  </main>
</div>
{{ footer }}
<script type="module" src="/assets/js/app.mjs?v={{ version }}"></script>
</body>
</html>"##
)]
struct Gallery {
    version: &'static str,
    skip: SkipLink,
    header: Header,
    nav: ServiceNavigation,
    phase: PhaseBanner,
    back: BackLink,
    errors: ErrorSummary,
    banner: NotificationBanner,
    input: TextInput,
    textarea: Textarea,
    select: Select,
    radios: Radios,
    checkboxes: Checkboxes,
    details: Details,
    inset: InsetText,
    warning: WarningText,
    save: Button,
    cancel: Button,
    delete: Button,
    table: Table,
    summary: SummaryList,
    pagination: Pagination,
    panel: Panel,
    footer: Footer,
}

fn main() -> Result<(), askama::Error> {
    let case_link = r#"<a class="govuk-link" href="/cases/1">A. Child</a>"#;
    let gallery = Gallery {
        version: assets::version(),
        skip: SkipLink::default(),
        header: Header::new("Safeguard"),
        nav: ServiceNavigation::new()
            .items([
                NavigationItem::new("Cases", "/cases"),
                NavigationItem::new("Reviews", "/reviews"),
                NavigationItem::new("Reports", "/reports"),
            ])
            .with_active("/cases/1"),
        phase: PhaseBanner::new(
            "Beta",
            Content::html(
                r#"This is a new service. <a class="govuk-link" href="/feedback">Give feedback</a>."#,
            ),
        ),
        back: BackLink::new("/cases"),
        errors: ErrorSummary::new([("Enter the child’s name", "#name")]),
        banner: NotificationBanner::success("Referral sent"),
        input: TextInput::new("name", "Child’s name")
            .hint("As it appears on the referral")
            .error("Enter the child’s name")
            .autocomplete("off")
            .spellcheck(false),
        textarea: Textarea::new("concern", "What is the concern?").rows(4),
        select: Select::new(
            "agency",
            "Referring agency",
            [
                SelectItem::new("", "Choose an agency"),
                SelectItem::new("police", "Police"),
                SelectItem::new("school", "School"),
            ],
        )
        .value("school"),
        radios: Radios::new("urgent", "Is the child at immediate risk?")
            .inline()
            .items([Choice::new("yes", "Yes"), Choice::new("no", "No")]),
        checkboxes: Checkboxes::new("concerns", "Which concerns apply?")
            .small()
            .items([
                Choice::new("neglect", "Neglect"),
                Choice::new("online", "Online harm").hint("Including exploitation"),
            ])
            .divider("or")
            .items([Choice::new("none", "None of these").exclusive()]),
        details: Details::new("Help with referrals", "Call the duty team."),
        inset: InsetText::new("Referrals are reviewed within one working day."),
        warning: WarningText::new("Do not include information about other children."),
        save: Button::new("Save and continue").prevent_double_click(),
        cancel: Button::link("Cancel", "/cases").secondary(),
        delete: Button::new("Delete").warning(),
        table: Table::new()
            .caption("Open cases")
            .head([
                TableCell::new("Child"),
                TableCell::new("Status"),
                TableCell::numeric("Days open"),
            ])
            .row([
                TableCell::html(case_link),
                TableCell::new(Content::rendered(
                    &Tag::new("Overdue").colour(TagColour::Red),
                )?),
                TableCell::numeric("12"),
            ]),
        summary: SummaryList::new([
            SummaryRow::new("Name", "A. Child").action("Change", "/name", "name"),
            SummaryRow::new("Agency", "School"),
        ])
        .card(SummaryCard::new("Referral")),
        pagination: Pagination::numbered(3, 9, |page| format!("/cases?page={page}")),
        panel: Panel::new("Referral sent")
            .content(Content::html("Your reference<br><strong>SG-1234</strong>")),
        footer: Footer::new()
            .meta_links([
                FooterLink::new("Accessibility", "/accessibility"),
                FooterLink::new("Privacy", "/privacy"),
            ])
            .meta_text("Safeguard, for safeguarding children partnerships"),
    };
    println!("{}", gallery.render()?);
    Ok(())
}
