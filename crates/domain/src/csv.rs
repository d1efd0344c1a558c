//! Spreadsheet-safe CSV (RFC 4180, UTF-8, CRLF): the one writer every download uses (the activity
//! log, funding). Cells that a spreadsheet would read as a formula are guarded.

/// One CSV cell (RFC 4180): text that a spreadsheet would read as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading apostrophe; a cell with a comma, quote or
/// line break is quoted, with quotes doubled.
pub fn csv_cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The UTF-8 byte-order mark that starts every CSV download.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// One CSV record with CRLF line ending.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A CSV document: a heading line, then one line per record.
#[derive(Debug, Clone, Default)]
pub struct CsvWriter {
    out: String,
}

impl CsvWriter {
    /// Starts a document with its headings.
    pub fn new<S: AsRef<str>>(headings: &[S]) -> CsvWriter {
        CsvWriter {
            out: csv_line(headings),
        }
    }
    /// Appends a record.
    pub fn record<S: AsRef<str>>(&mut self, cells: &[S]) {
        self.out.push_str(&csv_line(cells));
    }
    /// The document's bytes, starting with the UTF-8 byte-order mark: without it Excel (what most
    /// business units open a CSV with) reads the file as Windows-1252 and garbles "£" and curly quotes.
    /// RFC 4180 readers and spreadsheets other than Excel skip it.
    pub fn into_bytes(self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(UTF8_BOM.len() + self.out.len());
        bytes.extend_from_slice(UTF8_BOM);
        bytes.extend_from_slice(self.out.as_bytes());
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_start_with_the_byte_order_mark_then_crlf_records() {
        let mut w = CsvWriter::new(&["Amount (£)", "Note"]);
        w.record(&["1.00", "=SUM(A1)"]);
        let bytes = w.into_bytes();
        assert!(bytes.starts_with(UTF8_BOM));
        assert_eq!(
            std::str::from_utf8(&bytes[UTF8_BOM.len()..]).unwrap(),
            "Amount (£),Note\r\n1.00,'=SUM(A1)\r\n"
        );
    }

    #[test]
    fn csv_cells_are_quoted_and_guarded() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@cmd"), "'@cmd");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
        assert_eq!(csv_cell("=1,2"), "\"'=1,2\"");
        assert_eq!(csv_line(&["a", "b\nc"]), "a,\"b\nc\"\r\n");
    }

    #[test]
    fn a_document_has_headings_then_records() {
        let mut w = CsvWriter::new(&["A", "B"]);
        w.record(&["=1", "x"]);
        assert_eq!(w.into_bytes(), b"\xEF\xBB\xBFA,B\r\n'=1,x\r\n".to_vec());
    }
}
