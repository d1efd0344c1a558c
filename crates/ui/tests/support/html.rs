//! A small HTML normaliser for comparing markup: parses into a tree (enough
//! for govuk-frontend's output), collapses runs of whitespace and trims each
//! text node (so whitespace next to tags is not compared), drops
//! whitespace-only text and comments, sorts attributes, normalises class
//! lists and decodes the common character references, then prints one node
//! per line.

/// An element's attributes, in source order.
pub type Attrs = Vec<(String, Option<String>)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element {
        name: String,
        attrs: Attrs,
        children: Vec<Node>,
    },
    Text(String),
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

pub fn parse(html: &str) -> Vec<Node> {
    // Stack of open elements: (name, attrs, children).
    let mut stack: Vec<(String, Attrs, Vec<Node>)> = vec![(String::new(), Vec::new(), Vec::new())];
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").map_or(after.len(), |i| i + 3);
            rest = &after[end..];
        } else if rest.starts_with("<!") {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            rest = &rest[end..];
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').unwrap_or(after.len());
            let name = after[..end].trim().to_ascii_lowercase();
            rest = after.get(end + 1..).unwrap_or("");
            if stack.iter().skip(1).any(|(n, _, _)| *n == name) {
                loop {
                    let (n, attrs, children) = stack.pop().unwrap();
                    let node = Node::Element {
                        name: n.clone(),
                        attrs,
                        children,
                    };
                    stack.last_mut().unwrap().2.push(node);
                    if n == name {
                        break;
                    }
                }
            }
        } else if rest.starts_with('<') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            let (name, attrs, self_closing, consumed) = parse_tag(rest);
            rest = &rest[consumed..];
            if self_closing || VOID.contains(&name.as_str()) {
                stack.last_mut().unwrap().2.push(Node::Element {
                    name,
                    attrs,
                    children: Vec::new(),
                });
            } else {
                stack.push((name, attrs, Vec::new()));
            }
        } else {
            let end = if let Some(after) = rest.strip_prefix('<') {
                after.find('<').map_or(rest.len(), |i| i + 1)
            } else {
                rest.find('<').unwrap_or(rest.len())
            };
            let text = collapse(&decode(&rest[..end]));
            if !text.is_empty() {
                stack.last_mut().unwrap().2.push(Node::Text(text));
            }
            rest = &rest[end..];
        }
    }
    while stack.len() > 1 {
        let (name, attrs, children) = stack.pop().unwrap();
        stack.last_mut().unwrap().2.push(Node::Element {
            name,
            attrs,
            children,
        });
    }
    stack.pop().unwrap().2
}

/// Parses `<name attr="v" ...>` at the start of `s`: (name, attrs, self-closing, bytes consumed).
fn parse_tag(s: &str) -> (String, Attrs, bool, usize) {
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/'
    {
        i += 1;
    }
    let name = s[1..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b'>' {
            i += 1;
            break;
        }
        if bytes[i] == b'/' {
            self_closing = true;
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let attr = s[start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let value = if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let vstart = i + 1;
                let mut j = vstart;
                while j < bytes.len() && bytes[j] != quote {
                    j += 1;
                }
                i = (j + 1).min(bytes.len());
                &s[vstart..j]
            } else {
                let vstart = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                &s[vstart..i]
            };
            attrs.push((attr, Some(decode(value))));
        } else {
            attrs.push((attr, None));
        }
    }
    (name, attrs, self_closing, i)
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let entity = &rest[1..e];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    if let Some(hex) = entity
                        .strip_prefix("#x")
                        .or_else(|| entity.strip_prefix("#X"))
                    {
                        u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                    } else if let Some(dec) = entity.strip_prefix('#') {
                        dec.parse().ok().and_then(char::from_u32)
                    } else {
                        None
                    }
                }
            };
            c.map(|c| (c, e))
        });
        if let Some((c, e)) = decoded {
            out.push(c);
            rest = &rest[e + 1..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// One line per node, attributes sorted, class lists whitespace-normalised.
pub fn pretty(nodes: &[Node]) -> Vec<String> {
    let mut lines = Vec::new();
    write_nodes(nodes, 0, &mut lines);
    lines
}

fn write_nodes(nodes: &[Node], depth: usize, lines: &mut Vec<String>) {
    for node in nodes {
        let indent = "  ".repeat(depth);
        match node {
            Node::Text(text) => lines.push(format!("{indent}{text}")),
            Node::Element {
                name,
                attrs,
                children,
            } => {
                let mut attrs: Vec<String> = attrs
                    .iter()
                    .map(|(k, v)| match v {
                        Some(v) if k == "class" => format!("{k}=\"{}\"", collapse(v)),
                        Some(v) => format!("{k}=\"{v}\""),
                        None => k.clone(),
                    })
                    .collect();
                attrs.sort();
                let open = if attrs.is_empty() {
                    format!("{indent}<{name}>")
                } else {
                    format!("{indent}<{name} {}>", attrs.join(" "))
                };
                lines.push(open);
                if !VOID.contains(&name.as_str()) {
                    write_nodes(children, depth + 1, lines);
                    lines.push(format!("{indent}</{name}>"));
                }
            }
        }
    }
}

/// Removes (recursively) every element for which `pred(name, attrs)` holds.
pub fn remove_where(nodes: &mut Vec<Node>, pred: &dyn Fn(&str, &Attrs) -> bool) {
    nodes.retain(|n| match n {
        Node::Element { name, attrs, .. } => !pred(name, attrs),
        Node::Text(_) => true,
    });
    for node in nodes {
        if let Node::Element { children, .. } = node {
            remove_where(children, pred);
        }
    }
}

/// The element's class list.
pub fn class_list(attrs: &Attrs) -> Vec<&str> {
    attrs
        .iter()
        .find(|(k, _)| k == "class")
        .and_then(|(_, v)| v.as_deref())
        .map(|v| v.split_whitespace().collect())
        .unwrap_or_default()
}

/// A readable diff: the first differing line with context, both sides.
pub fn diff(expected: &[String], actual: &[String]) -> Option<String> {
    if expected == actual {
        return None;
    }
    let first = expected
        .iter()
        .zip(actual)
        .position(|(e, a)| e != a)
        .unwrap_or(expected.len().min(actual.len()));
    let from = first.saturating_sub(4);
    let mut out = format!("first difference at normalised line {}\n", first + 1);
    out.push_str("--- expected (govuk-frontend fixture)\n");
    for (i, line) in expected.iter().enumerate().skip(from).take(14) {
        let mark = if i == first { ">" } else { " " };
        out.push_str(&format!("{mark}{line}\n"));
    }
    out.push_str("+++ actual (our template)\n");
    for (i, line) in actual.iter().enumerate().skip(from).take(14) {
        let mark = if i == first { ">" } else { " " };
        out.push_str(&format!("{mark}{line}\n"));
    }
    Some(out)
}
