//! A small `multipart/form-data` reader (RFC 7578) for bodies the gate has already buffered and
//! bounded (upload routes only). It borrows the parts from the buffer; it never writes anything.
//! Written here rather than pulling in `multer` (and its async stack) because the whole body is in
//! memory already: the gate must read the `csrf_token` field before any handler runs.

/// One part of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    /// The field name.
    pub name: String,
    /// The file name the browser sent, for file fields.
    pub filename: Option<String>,
    /// The part's bytes.
    pub data: &'a [u8],
}

/// Most parts a form may have.
pub const MAX_PARTS: usize = 20;

/// The boundary of a `multipart/form-data` content type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut it = content_type.split(';');
    let mime = it.next()?.trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    it.find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    })
    .filter(|b| (1..=70).contains(&b.len()))
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The parameters of a `Content-Disposition: form-data; name="…"; filename="…"` header value,
/// with quoted strings read as browsers write them (`\"` unescaped; `;` allowed inside quotes).
fn disposition_params(value: &str) -> Option<(String, Option<String>)> {
    let mut rest = value.trim();
    let first = rest.split(';').next()?.trim();
    if !first.eq_ignore_ascii_case("form-data") {
        return None;
    }
    rest = rest.get(first.len()..)?;
    let (mut name, mut filename) = (None, None);
    loop {
        rest = rest.trim_start();
        let Some(r) = rest.strip_prefix(';') else {
            break;
        };
        let r = r.trim_start();
        let eq = r.find('=')?;
        let key = r.get(..eq)?.trim().to_ascii_lowercase();
        let mut r = r.get(eq + 1..)?.trim_start();
        let mut val = String::new();
        if let Some(q) = r.strip_prefix('"') {
            let mut chars = q.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            val.push(n);
                        }
                    }
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    c => val.push(c),
                }
            }
            r = q.get(end?..)?;
        } else {
            let end = r.find(';').unwrap_or(r.len());
            val = r.get(..end)?.trim().to_owned();
            r = r.get(end..)?;
        }
        match key.as_str() {
            "name" => name = Some(val),
            "filename" => filename = Some(val),
            _ => {}
        }
        rest = r;
    }
    Some((name?, filename))
}

/// Splits a buffered body into its parts; `None` when it is not well-formed multipart.
pub fn parse<'a>(body: &'a [u8], boundary: &str) -> Option<Vec<Part<'a>>> {
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    let next_delim = format!("\r\n--{boundary}").into_bytes();
    let mut pos = find(body, delim, 0)? + delim.len();
    let mut parts = Vec::new();
    loop {
        let after = body.get(pos..)?;
        if after.starts_with(b"--") {
            return Some(parts);
        }
        // Transport padding, then CRLF.
        let line_end = find(body, b"\r\n", pos)?;
        if !body
            .get(pos..line_end)?
            .iter()
            .all(|b| *b == b' ' || *b == b'\t')
        {
            return None;
        }
        let head_start = line_end + 2;
        let head_end = find(body, b"\r\n\r\n", head_start)?;
        let head = std::str::from_utf8(body.get(head_start..head_end)?).ok()?;
        let mut disposition = None;
        for line in head.split("\r\n") {
            if let Some((k, v)) = line.split_once(':')
                && k.trim().eq_ignore_ascii_case("content-disposition")
            {
                disposition = disposition_params(v);
            }
        }
        let (name, filename) = disposition?;
        let data_start = head_end + 4;
        let data_end = find(body, &next_delim, data_start)?;
        parts.push(Part {
            name,
            filename,
            data: body.get(data_start..data_end)?,
        });
        if parts.len() > MAX_PARTS {
            return None;
        }
        pos = data_end + next_delim.len();
    }
}

/// The text of the first field called `name` (not a file), if any.
pub fn text_field(parts: &[Part<'_>], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|p| p.name == name && p.filename.is_none())
        .and_then(|p| std::str::from_utf8(p.data).ok())
        .map(str::to_owned)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const B: &str = "----x1";

    fn body() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(b"preamble\r\n------x1\r\n");
        b.extend_from_slice(b"Content-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n");
        b.extend_from_slice(b"------x1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\"; c.pdf\"\r\nContent-Type: application/pdf\r\n\r\n");
        b.extend_from_slice(b"%PDF-1.4\r\n------x\r\nbinary\0");
        b.extend_from_slice(b"\r\n------x1--\r\n");
        b
    }

    #[test]
    fn boundary_is_read_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----x1").as_deref(),
            Some("----x1")
        );
        assert_eq!(
            boundary("Multipart/Form-Data; charset=utf-8; boundary=\"q r\"").as_deref(),
            Some("q r")
        );
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }

    #[test]
    fn parts_are_split_with_names_files_and_binary_data() {
        let b = body();
        let parts = parse(&b, B).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(text_field(&parts, "csrf_token").as_deref(), Some("abc"));
        assert_eq!(parts[1].name, "file");
        assert_eq!(parts[1].filename.as_deref(), Some("a \"b\"; c.pdf"));
        assert_eq!(parts[1].data, b"%PDF-1.4\r\n------x\r\nbinary\0");
        assert_eq!(
            text_field(&parts, "file"),
            None,
            "a file is not a text field"
        );
    }

    #[test]
    fn malformed_bodies_are_refused() {
        assert_eq!(parse(b"", B), None);
        assert_eq!(parse(b"------x1\r\nno headers end", B), None);
        let b = body();
        assert_eq!(parse(&b[..b.len() - 12], B), None, "truncated");
        let no_name = b"------x1\r\nContent-Disposition: form-data\r\n\r\nx\r\n------x1--";
        assert_eq!(parse(no_name, B), None);
        let mut many = Vec::new();
        for _ in 0..=MAX_PARTS {
            many.extend_from_slice(
                b"------x1\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n",
            );
        }
        many.extend_from_slice(b"------x1--");
        assert_eq!(parse(&many, B), None);
    }
}
