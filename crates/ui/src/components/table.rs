use askama::Template;

use super::common::{Attributes, Content, classes, common_builders, html_safe};

/// A cell of a [`Table`] (head or body).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableCell {
    /// The cell's text, or trusted HTML such as a rendered link or tag.
    pub content: Content,
    /// `numeric` right-aligns the cell (`govuk-table__cell--numeric`).
    pub format: Option<String>,
    /// `colspan`.
    pub colspan: Option<u32>,
    /// `rowspan`.
    pub rowspan: Option<u32>,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl TableCell {
    /// A cell with text (or trusted HTML).
    pub fn new(content: impl Into<Content>) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }

    /// A cell holding trusted HTML (e.g. a link built from escaped parts).
    pub fn html(html: impl Into<String>) -> Self {
        Self::new(Content::Html(html.into()))
    }

    /// A right-aligned numeric cell.
    pub fn numeric(content: impl Into<Content>) -> Self {
        Self {
            format: Some("numeric".to_owned()),
            ..Self::new(content)
        }
    }

    /// Sets `colspan`.
    #[must_use]
    pub fn colspan(mut self, colspan: u32) -> Self {
        self.colspan = Some(colspan);
        self
    }

    fn format_class(&self, element: &str) -> String {
        match self.format.as_deref() {
            Some(format) if !format.is_empty() => format!("govuk-table__{element}--{format}"),
            _ => String::new(),
        }
    }
}

impl<T: Into<Content>> From<T> for TableCell {
    fn from(content: T) -> Self {
        Self::new(content)
    }
}

/// The GOV.UK [table](https://design-system.service.gov.uk/components/table/).
///
/// ```
/// use safeguard_ui::components::{Table, TableCell};
/// let table = Table::new()
///     .caption("Open cases")
///     .head([TableCell::new("Child"), TableCell::numeric("Days open")])
///     .row([TableCell::html(r#"<a class="govuk-link" href="/cases/1">A. Smith</a>"#), TableCell::numeric("12")]);
/// assert!(table.to_string().contains(r#"<td class="govuk-table__cell govuk-table__cell--numeric">"#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Template)]
#[template(path = "components/table.html")]
pub struct Table {
    /// The caption.
    pub caption: Option<Content>,
    /// Extra classes on the caption, e.g. `govuk-table__caption--m`.
    pub caption_classes: String,
    /// The header cells; no `<thead>` if empty.
    pub head: Vec<TableCell>,
    /// The body rows.
    pub rows: Vec<Vec<TableCell>>,
    /// Render each row's first cell as a row header (`<th scope="row">`).
    pub first_cell_is_header: bool,
    /// Extra classes.
    pub classes: String,
    /// Extra attributes.
    pub attributes: Attributes,
}

impl Table {
    /// An empty table.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the caption, with `govuk-table__caption--m`.
    #[must_use]
    pub fn caption(mut self, caption: impl Into<Content>) -> Self {
        self.caption = Some(caption.into());
        if self.caption_classes.is_empty() {
            "govuk-table__caption--m".clone_into(&mut self.caption_classes);
        }
        self
    }

    /// Sets the header cells.
    #[must_use]
    pub fn head<C: Into<TableCell>>(mut self, head: impl IntoIterator<Item = C>) -> Self {
        self.head = head.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a row.
    #[must_use]
    pub fn row<C: Into<TableCell>>(mut self, row: impl IntoIterator<Item = C>) -> Self {
        self.rows.push(row.into_iter().map(Into::into).collect());
        self
    }

    /// Renders each row's first cell as a row header.
    #[must_use]
    pub fn first_cell_is_header(mut self) -> Self {
        self.first_cell_is_header = true;
        self
    }

    fn head_class(cell: &TableCell) -> String {
        classes([
            "govuk-table__header",
            cell.format_class("header").as_str(),
            cell.classes.as_str(),
        ])
    }

    fn cell_class(cell: &TableCell) -> String {
        classes([
            "govuk-table__cell",
            cell.format_class("cell").as_str(),
            cell.classes.as_str(),
        ])
    }

    fn row_header_class(cell: &TableCell) -> String {
        classes(["govuk-table__header", cell.classes.as_str()])
    }
}

common_builders!(Table);
html_safe!(Table);
