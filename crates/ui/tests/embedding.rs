//! Components embedded in another crate's askama templates, and escaping.

use askama::Template;
use safeguard_ui::components::{
    Button, Choice, Content, ErrorSummary, Radios, SummaryList, SummaryRow, Table, TableCell, Tag,
    TagColour, TextInput, Textarea,
};

/// A page template such as a handler crate would write: components are
/// fields, written with a plain `{{ … }}` (they are `HtmlSafe`).
#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<main id="main-content">
<h1 class="govuk-heading-l">{{ title }}</h1>
{% if let Some(summary) = errors %}{{ summary }}{% endif %}
<form method="post" novalidate>
{{ email }}
{{ submit }}
</form>
</main>"#
)]
struct SignInPage {
    title: String,
    errors: Option<ErrorSummary>,
    email: TextInput,
    submit: Button,
}

/// The same with `|safe`, which askama's documentation recommends when a
/// value must never be escaped: it gives the same output.
#[derive(Template)]
#[template(
    ext = "html",
    source = "<form>{{ email|safe }}{{ submit|safe }}</form>"
)]
struct WithSafeFilter {
    email: TextInput,
    submit: Button,
}

/// Components in loops and from method calls.
#[derive(Template)]
#[template(
    ext = "html",
    source = "{% for tag in tags %}<p>{{ tag }}</p>{% endfor %}{{ self.table() }}"
)]
struct Loops {
    tags: Vec<Tag>,
}

impl Loops {
    fn table(&self) -> Table {
        Table::new().head(["Name"]).row(["<b>x</b>"])
    }
}

fn sign_in_page(title: &str) -> SignInPage {
    SignInPage {
        title: title.to_owned(),
        errors: Some(ErrorSummary::new([("Enter your email address", "#email")])),
        email: TextInput::new("email", "Email address")
            .input_type("email")
            .autocomplete("email")
            .spellcheck(false)
            .error("Enter your email address"),
        submit: Button::new("Continue").prevent_double_click(),
    }
}

#[test]
fn a_page_template_embeds_components_without_escaping_them() {
    let page = sign_in_page("Sign in & continue");
    let html = page.render().unwrap();
    // Markup of the components is there as markup...
    assert!(
        html.contains(r#"<div class="govuk-form-group govuk-form-group--error">"#),
        "{html}"
    );
    assert!(html.contains(
        r#"<input class="govuk-input govuk-input--error" id="email" name="email" type="email" spellcheck="false" aria-describedby="email-error" autocomplete="email">"#
    ), "{html}");
    assert!(html.contains(r#"<button type="submit" data-prevent-double-click="true" class="govuk-button" data-module="govuk-button">"#), "{html}");
    assert!(
        html.contains(r##"<a href="#email">Enter your email address</a>"##),
        "{html}"
    );
    // ...not escaped (no double escaping)...
    assert!(!html.contains("&lt;"), "{html}");
    assert!(!html.contains("&amp;lt;"), "{html}");
    // ...while the page's own text is still escaped.
    assert!(
        html.contains("Sign in &#38; continue") || html.contains("Sign in &amp; continue"),
        "{html}"
    );
}

#[test]
fn the_safe_filter_gives_the_same_markup() {
    let page = sign_in_page("t");
    let plain = format!("<form>{}{}</form>", page.email, page.submit);
    let with_filter = WithSafeFilter {
        email: page.email,
        submit: page.submit,
    }
    .render()
    .unwrap();
    assert_eq!(with_filter, plain);
    assert!(!with_filter.contains("&lt;"));
}

#[test]
fn components_in_loops_and_from_methods() {
    let html = Loops {
        tags: vec![
            Tag::new("Open").colour(TagColour::Green),
            Tag::new("<Closed>"),
        ],
    }
    .render()
    .unwrap();
    assert!(
        html.contains(r#"<p><strong class="govuk-tag govuk-tag--green">"#),
        "{html}"
    );
    assert!(
        html.contains("&#60;Closed&#62;") || html.contains("&lt;Closed&gt;"),
        "{html}"
    );
    assert!(
        html.contains(r#"<th scope="col" class="govuk-table__header">Name</th>"#),
        "{html}"
    );
    assert!(!html.contains("<b>x</b>"), "{html}");
}

const XSS: &str = "<script>alert(1)</script>";

fn assert_escaped(html: &str) {
    assert!(!html.contains("<script>"), "unescaped script in:\n{html}");
    assert!(
        html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"),
        "expected escaped script in:\n{html}"
    );
}

#[test]
fn text_given_to_components_is_escaped() {
    let input = TextInput::new("name", XSS).hint(XSS).error(XSS).value(XSS);
    let html = input.to_string();
    assert_escaped(&html);
    // Label, hint, error message and value: four escaped copies.
    assert_eq!(
        html.matches("script&#62;").count() + html.matches("script&gt;").count(),
        8,
        "{html}"
    );

    let textarea = Textarea::new("notes", XSS).hint(XSS).error(XSS).value(XSS);
    assert_escaped(&textarea.to_string());

    let radios = Radios::new("r", XSS)
        .hint(XSS)
        .error(XSS)
        .items([Choice::new(XSS, XSS).hint(XSS)]);
    assert_escaped(&radios.to_string());

    let list = SummaryList::new([SummaryRow::new(XSS, XSS).action("Change", "/x?a=1&b=2", XSS)]);
    let html = list.to_string();
    assert_escaped(&html);
    assert!(
        html.contains("/x?a=1&#38;b=2") || html.contains("/x?a=1&amp;b=2"),
        "{html}"
    );

    let table = Table::new()
        .caption(XSS)
        .head([XSS])
        .row([TableCell::numeric(XSS)]);
    assert_escaped(&table.to_string());

    let summary = ErrorSummary::new([(XSS, "#x\"onmouseover=\"alert(1)")]);
    let html = summary.to_string();
    assert_escaped(&html);
    assert!(!html.contains("\"onmouseover"), "{html}");

    let button = Button::link(XSS, "javascript:void(0)\"><script>").attribute("data-x", XSS);
    assert_escaped(&button.to_string());
}

#[test]
fn attribute_names_cannot_inject_markup() {
    let tag = Tag::new("ok")
        .attribute("onclick=\"alert(1)\" x", "y")
        .attribute("data-ok", "1");
    let html = tag.to_string();
    assert!(!html.contains("onclick"), "{html}");
    assert!(html.contains(r#" data-ok="1""#), "{html}");
}

#[test]
fn trusted_html_is_written_as_is() {
    let link = r#"<a class="govuk-link" href="/cases/1">Case 1</a>"#;
    let table = Table::new().row([TableCell::html(link), TableCell::numeric("3")]);
    let html = table.to_string();
    assert!(html.contains(link), "{html}");

    let tag = Tag::new("Open").colour(TagColour::Blue);
    let cell = TableCell::new(Content::rendered(&tag).unwrap());
    let html = Table::new().row([cell]).to_string();
    assert!(
        html.contains(r#"<td class="govuk-table__cell"><strong class="govuk-tag">"#),
        "{html}"
    );
}
