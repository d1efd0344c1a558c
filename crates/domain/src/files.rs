//! Documents: which files Safeguard accepts, decided from their content (never from the name), and
//! the names they are stored and downloaded under. Pure: no I/O.
//!
//! Accepted kinds (SECURITY.md R-FILE-2): PDF (`%PDF-`), PNG, JPEG and GIF by their signatures; Word,
//! Excel and PowerPoint (DOCX, XLSX, PPTX) as ZIP containers whose central directory (read here, no
//! decompression) lists `[Content_Types].xml` and `word/`, `xl/` or `ppt/` entries respectively, with at
//! most [`MAX_ZIP_ENTRIES`] entries, at most [`MAX_ZIP_UNCOMPRESSED`] bytes declared uncompressed and no
//! entry compressed more than [`MAX_ZIP_RATIO`] to 1 (the zip-bomb guard, applied before anything
//! unpacks the file); and CSV: UTF-8 text (a byte-order mark allowed), no NUL bytes, at least one line.
//!
//! Everything else is refused: executables however they are named (`MZ`, `\x7fELF`, `#!` scripts),
//! HTML and SVG (they could run script if ever rendered), empty files, ZIP64 containers.
//!
//! Names: the content decides the kind. A file whose name's extension does not match its content
//! (a PDF named `.docx`) is accepted as what it is, and stored under its name with the extension of
//! the detected kind (`report.pdf`), so the name never lies about the content. CSV is the exception:
//! plain text has no signature, so text is accepted only when it is also *named* `.csv` (a text file
//! renamed `.pdf` is refused).

use sha2::{Digest, Sha256};
use std::fmt;

/// Most entries an Office container may list.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Most bytes an Office container's entries may declare uncompressed, in total (200 MiB).
pub const MAX_ZIP_UNCOMPRESSED: u64 = 200 * 1024 * 1024;
/// Highest compression ratio allowed for an entry larger than 1 MiB uncompressed.
pub const MAX_ZIP_RATIO: u64 = 200;
/// Longest stored file name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A kind of document Safeguard accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// PDF.
    Pdf,
    /// Word (Office Open XML).
    Docx,
    /// Excel (Office Open XML).
    Xlsx,
    /// PowerPoint (Office Open XML).
    Pptx,
    /// Comma-separated values (UTF-8).
    Csv,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
}

impl FileKind {
    /// Every kind.
    pub const ALL: [FileKind; 8] = [
        FileKind::Pdf,
        FileKind::Docx,
        FileKind::Xlsx,
        FileKind::Pptx,
        FileKind::Csv,
        FileKind::Png,
        FileKind::Jpeg,
        FileKind::Gif,
    ];

    /// The stable identifier stored in the database (`stored_file.kind`) and used in the API.
    pub fn slug(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Pptx => "pptx",
            FileKind::Csv => "csv",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpeg",
            FileKind::Gif => "gif",
        }
    }

    /// Parses a slug.
    pub fn parse(s: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.slug() == s)
    }

    /// The media type sent on download.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileKind::Csv => "text/csv; charset=utf-8",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Gif => "image/gif",
        }
    }

    /// The name shown to people ("Word document").
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Docx => "Word document",
            FileKind::Xlsx => "Excel spreadsheet",
            FileKind::Pptx => "PowerPoint presentation",
            FileKind::Csv => "CSV",
            FileKind::Png => "PNG image",
            FileKind::Jpeg => "JPEG image",
            FileKind::Gif => "GIF image",
        }
    }

    /// The extension files of this kind are stored under.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            k => k.slug(),
        }
    }

    fn accepts_extension(self, ext: &str) -> bool {
        ext == self.extension() || (self == FileKind::Jpeg && ext == "jpeg")
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing in it.
    Empty,
    /// Larger than the configured limit (in bytes).
    TooLarge(u64),
    /// Not one of the accepted kinds (including executables, HTML, SVG, text not named `.csv`).
    NotAllowed,
    /// An Office container that lists too many entries or unpacks too large: a possible zip bomb.
    ZipBomb,
}

impl Refusal {
    /// The message shown next to the file field (GOV.UK wording).
    pub fn message(self) -> String {
        match self {
            Refusal::Empty => "The selected file is empty".into(),
            Refusal::TooLarge(limit) => format!(
                "The selected file must be smaller than {}",
                describe_limit(limit)
            ),
            Refusal::NotAllowed => {
                "The selected file must be a PDF, Word, Excel, PowerPoint, CSV or image file".into()
            }
            Refusal::ZipBomb => "The selected file is too large when unpacked: save it again or split it into smaller documents".into(),
        }
    }
}

/// "20 MB" for a limit of 20 × 1024 × 1024 bytes; "2000 bytes" for small test limits.
pub fn describe_limit(limit: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if limit >= MB && limit.is_multiple_of(MB) {
        format!("{} MB", limit / MB)
    } else if limit >= 1024 && limit.is_multiple_of(1024) {
        format!("{} KB", limit / 1024)
    } else {
        format!("{limit} bytes")
    }
}

/// Checks a whole file against the limit and works out its kind from its content and, for CSV only,
/// its name. See the module documentation for the rules.
pub fn check(name: &str, bytes: &[u8], limit: u64) -> Result<FileKind, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(Refusal::TooLarge(limit));
    }
    detect(bytes, extension_of(name).as_deref())
}

/// The kind of a non-empty file from its content; `ext` (lower-case, without the dot) matters only
/// for text, which is accepted as CSV only when named `.csv`.
pub fn detect(bytes: &[u8], ext: Option<&str>) -> Result<FileKind, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if bytes.starts_with(b"MZ") || bytes.starts_with(b"\x7fELF") || bytes.starts_with(b"#!") {
        return Err(Refusal::NotAllowed);
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(FileKind::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(FileKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(FileKind::Jpeg);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(FileKind::Gif);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return office_kind(bytes);
    }
    if ext == Some("csv") && is_csv(bytes) {
        return Ok(FileKind::Csv);
    }
    Err(Refusal::NotAllowed)
}

fn is_csv(bytes: &[u8]) -> bool {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    if text.contains('\0') || text.trim().is_empty() {
        return false;
    }
    // Markup (HTML, SVG, XML) is refused even when named .csv: a browser could run its script.
    let start = text.trim_start();
    !(start.starts_with('<') || start.starts_with("#!"))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

const EOCD_SIG: u32 = 0x0605_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;

/// Reads the ZIP's central directory (never decompressing anything) and decides which Office kind it
/// is, refusing zip bombs and anything that is not Word, Excel or PowerPoint.
fn office_kind(b: &[u8]) -> Result<FileKind, Refusal> {
    // The end-of-central-directory record: 22 bytes plus a comment of up to 65,535 bytes.
    let min_start = b.len().saturating_sub(22 + 65_535);
    let eocd = (min_start..=b.len().saturating_sub(22))
        .rev()
        .find(|&i| u32_at(b, i) == Some(EOCD_SIG))
        .ok_or(Refusal::NotAllowed)?;
    let total = u16_at(b, eocd + 10).ok_or(Refusal::NotAllowed)?;
    let cd_size = u32_at(b, eocd + 12).ok_or(Refusal::NotAllowed)?;
    let cd_offset = u32_at(b, eocd + 16).ok_or(Refusal::NotAllowed)?;
    if total == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF {
        return Err(Refusal::NotAllowed); // ZIP64: not produced by Office for files of this size
    }
    if usize::from(total) > MAX_ZIP_ENTRIES {
        return Err(Refusal::ZipBomb);
    }
    let start = usize::try_from(cd_offset).map_err(|_| Refusal::NotAllowed)?;
    let end = start
        .checked_add(usize::try_from(cd_size).map_err(|_| Refusal::NotAllowed)?)
        .ok_or(Refusal::NotAllowed)?;
    if end > eocd {
        return Err(Refusal::NotAllowed);
    }
    let (mut content_types, mut word, mut xl, mut ppt) = (false, false, false, false);
    let mut uncompressed_total: u64 = 0;
    let mut entries = 0usize;
    let mut at = start;
    while at < end {
        if u32_at(b, at) != Some(CENTRAL_SIG) {
            return Err(Refusal::NotAllowed);
        }
        entries += 1;
        if entries > MAX_ZIP_ENTRIES {
            return Err(Refusal::ZipBomb);
        }
        let compressed = u64::from(u32_at(b, at + 20).ok_or(Refusal::NotAllowed)?);
        let uncompressed = u64::from(u32_at(b, at + 24).ok_or(Refusal::NotAllowed)?);
        if uncompressed == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF {
            return Err(Refusal::ZipBomb);
        }
        let name_len = usize::from(u16_at(b, at + 28).ok_or(Refusal::NotAllowed)?);
        let extra_len = usize::from(u16_at(b, at + 30).ok_or(Refusal::NotAllowed)?);
        let comment_len = usize::from(u16_at(b, at + 32).ok_or(Refusal::NotAllowed)?);
        let name = b
            .get(at + 46..at + 46 + name_len)
            .ok_or(Refusal::NotAllowed)?;
        uncompressed_total = uncompressed_total.saturating_add(uncompressed);
        if uncompressed_total > MAX_ZIP_UNCOMPRESSED {
            return Err(Refusal::ZipBomb);
        }
        if uncompressed > 1024 * 1024 && uncompressed / compressed.max(1) > MAX_ZIP_RATIO {
            return Err(Refusal::ZipBomb);
        }
        content_types |= name == b"[Content_Types].xml";
        word |= name.starts_with(b"word/");
        xl |= name.starts_with(b"xl/");
        ppt |= name.starts_with(b"ppt/");
        at += 46 + name_len + extra_len + comment_len;
    }
    if at != end || !content_types {
        return Err(Refusal::NotAllowed);
    }
    match (word, xl, ppt) {
        (true, false, false) => Ok(FileKind::Docx),
        (false, true, false) => Ok(FileKind::Xlsx),
        (false, false, true) => Ok(FileKind::Pptx),
        _ => Err(Refusal::NotAllowed),
    }
}

/// The lower-cased extension of a file name, if it has one.
pub fn extension_of(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = base.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && ext.len() <= 10).then(|| ext.to_ascii_lowercase())
}

/// The name a file is stored and offered under: the last path component of what the browser sent,
/// without control characters or path separators, at most [`MAX_NAME_CHARS`] characters, with the
/// extension of its detected kind (replacing a wrong one, or added when there is none).
pub fn stored_name(original: &str, kind: FileKind) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or(original);
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .collect();
    let clean = clean.trim().trim_matches('.').trim().to_owned();
    let (stem, ext) = match extension_of(&clean) {
        // A right extension is kept as written (photo.JPEG); a wrong one (up to 5 letters or digits:
        // report.docx, budget.xls) is replaced; anything else stays part of the name and the kind's
        // extension is added.
        Some(ext) if ext.len() <= 5 && ext.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            let cut = clean.len() - ext.len() - 1;
            let written = clean.get(cut + 1..).unwrap_or("").to_owned();
            let stem = clean.get(..cut).unwrap_or("").to_owned();
            if kind.accepts_extension(&ext) {
                (stem, written)
            } else {
                (stem, kind.extension().to_owned())
            }
        }
        _ => (clean, kind.extension().to_owned()),
    };
    let max_stem = MAX_NAME_CHARS.saturating_sub(ext.len() + 1);
    let mut stem: String = stem.trim().chars().take(max_stem).collect();
    if stem.is_empty() {
        stem = "document".into();
    }
    format!("{stem}.{ext}")
}

/// A `Content-Disposition: attachment` value for a name (RFC 6266): an ASCII `filename` fallback and
/// the exact name as `filename*=UTF-8''…` (percent-encoded), with no path separators, quotes or
/// control characters.
pub fn content_disposition(name: &str) -> String {
    let safe: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '/' || c == '\\' { '_' } else { c })
        .collect();
    let fallback: String = safe
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '%' && c != ';') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in safe.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte);
        if keep {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Lower-case hex SHA-256 of the bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Tiny ZIP writer for tests (stored entries with declared sizes; no real compression).
#[cfg(test)]
pub(crate) mod testzip {
    /// Builds a ZIP with the given entry names, each with `data` stored and the declared sizes.
    pub fn build(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data, uncompressed) in entries {
            let offset = u32::try_from(out.len()).unwrap_or(0);
            let csize = u32::try_from(data.len()).unwrap_or(0);
            out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&0u32.to_le_bytes()); // crc
            out.extend_from_slice(&csize.to_le_bytes());
            out.extend_from_slice(&uncompressed.to_le_bytes());
            out.extend_from_slice(&u16::try_from(name.len()).unwrap_or(0).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&0u32.to_le_bytes()); // crc
            central.extend_from_slice(&csize.to_le_bytes());
            central.extend_from_slice(&uncompressed.to_le_bytes());
            central.extend_from_slice(&u16::try_from(name.len()).unwrap_or(0).to_le_bytes());
            central.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = u32::try_from(out.len()).unwrap_or(0);
        let cd_size = u32::try_from(central.len()).unwrap_or(0);
        out.extend_from_slice(&central);
        let n = u16::try_from(entries.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&cd_size.to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    /// A minimal Office container of the given family (`word`, `xl`, `ppt`).
    pub fn office(family: &str) -> Vec<u8> {
        let part = format!("{family}/document.xml");
        build(&[
            ("[Content_Types].xml", b"<Types/>", 8),
            ("_rels/.rels", b"<Relationships/>", 16),
            (&part, b"<doc/>", 6),
        ])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::testzip::{build, office};
    use super::*;

    const LIMIT: u64 = 20 * 1024 * 1024;

    #[test]
    fn signatures_decide_the_kind() {
        assert_eq!(
            check("a.pdf", b"%PDF-1.4\n%%EOF\n", LIMIT),
            Ok(FileKind::Pdf)
        );
        assert_eq!(
            check("a.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", LIMIT),
            Ok(FileKind::Png)
        );
        assert_eq!(
            check("a.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16], LIMIT),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(
            check("a.gif", b"GIF89a\x01\0\x01\0", LIMIT),
            Ok(FileKind::Gif)
        );
        assert_eq!(check("a.docx", &office("word"), LIMIT), Ok(FileKind::Docx));
        assert_eq!(check("a.xlsx", &office("xl"), LIMIT), Ok(FileKind::Xlsx));
        assert_eq!(check("a.pptx", &office("ppt"), LIMIT), Ok(FileKind::Pptx));
        assert_eq!(
            check("a.csv", b"\xEF\xBB\xBFname,age\nA,1\n", LIMIT),
            Ok(FileKind::Csv)
        );
    }

    #[test]
    fn the_content_wins_over_the_name() {
        // A PDF named .docx is a PDF, and is stored as report.pdf.
        assert_eq!(check("report.docx", b"%PDF-1.7", LIMIT), Ok(FileKind::Pdf));
        assert_eq!(stored_name("report.docx", FileKind::Pdf), "report.pdf");
        assert_eq!(stored_name("Minutes", FileKind::Pdf), "Minutes.pdf");
        assert_eq!(stored_name("photo.JPEG", FileKind::Jpeg), "photo.JPEG");
        assert_eq!(stored_name("budget.xls", FileKind::Xlsx), "budget.xlsx");
        assert_eq!(stored_name("v1.2 final", FileKind::Pdf), "v1.2 final.pdf");
    }

    #[test]
    fn executables_markup_and_empty_files_are_refused() {
        assert_eq!(check("a.pdf", b"", LIMIT), Err(Refusal::Empty));
        assert_eq!(
            check("setup.pdf", b"MZ\x90\0\x03", LIMIT),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            check("tool.docx", b"\x7fELF\x02\x01", LIMIT),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            check("run.csv", b"#!/bin/sh\nrm -rf /\n", LIMIT),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            check("page.csv", b"  <html><script>alert(1)</script>", LIMIT),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            check("img.csv", b"<svg onload=alert(1)>", LIMIT),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            check("page.html", b"<!doctype html>", LIMIT),
            Err(Refusal::NotAllowed)
        );
        // Text is CSV only when named .csv; a text file renamed .pdf is refused.
        assert_eq!(
            check("notes.pdf", b"just some notes\n", LIMIT),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            check("bin.csv", b"a,b\n\0\0", LIMIT),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            check("latin1.csv", b"caf\xe9\n", LIMIT),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(check("blank.csv", b" \n", LIMIT), Err(Refusal::NotAllowed));
    }

    #[test]
    fn the_limit_is_checked() {
        assert_eq!(check("a.pdf", b"%PDF-1.4", 8), Ok(FileKind::Pdf));
        assert_eq!(check("a.pdf", b"%PDF-1.4 ", 8), Err(Refusal::TooLarge(8)));
        assert_eq!(
            Refusal::TooLarge(LIMIT).message(),
            "The selected file must be smaller than 20 MB"
        );
    }

    #[test]
    fn zip_containers_need_content_types_and_one_office_family() {
        // A plain ZIP (no [Content_Types].xml).
        let plain = build(&[("word/document.xml", b"<doc/>", 6)]);
        assert_eq!(check("a.docx", &plain, LIMIT), Err(Refusal::NotAllowed));
        // An OOXML package of none of the three (for example an OpenDocument-like layout).
        let other = build(&[("[Content_Types].xml", b"<T/>", 4), ("x/y.xml", b"<y/>", 4)]);
        assert_eq!(check("a.docx", &other, LIMIT), Err(Refusal::NotAllowed));
        // Truncated: no end-of-central-directory record.
        let full = office("word");
        assert_eq!(
            check("a.docx", &full[..full.len() - 10], LIMIT),
            Err(Refusal::NotAllowed)
        );
    }

    #[test]
    fn zip_bombs_are_refused_from_the_central_directory() {
        // Declares 4 GiB - 2 uncompressed in one entry of 6 bytes.
        let bomb = build(&[
            ("[Content_Types].xml", b"<T/>", 4),
            ("word/document.xml", b"<doc/>", 0xFFFF_FFFE),
        ]);
        assert_eq!(check("a.docx", &bomb, LIMIT), Err(Refusal::ZipBomb));
        // Many entries each declaring 150 MiB: the total goes over 200 MiB.
        let wide = build(&[
            ("[Content_Types].xml", b"<T/>", 4),
            ("word/a.xml", &[0u8; 1024 * 1024], 150 * 1024 * 1024),
            ("word/b.xml", &[0u8; 1024 * 1024], 150 * 1024 * 1024),
        ]);
        assert_eq!(check("a.docx", &wide, LIMIT), Err(Refusal::ZipBomb));
        // A high ratio on one entry.
        let dense = build(&[
            ("[Content_Types].xml", b"<T/>", 4),
            ("xl/sheet.xml", &[0u8; 1000], 100 * 1024 * 1024),
        ]);
        assert_eq!(check("a.xlsx", &dense, LIMIT), Err(Refusal::ZipBomb));
    }

    #[test]
    fn too_many_entries_are_refused() {
        let names: Vec<String> = (0..=MAX_ZIP_ENTRIES)
            .map(|i| format!("ppt/s{i}.xml"))
            .collect();
        let mut entries: Vec<(&str, &[u8], u32)> = vec![("[Content_Types].xml", b"<T/>", 4)];
        entries.extend(names.iter().map(|n| (n.as_str(), &b""[..], 0)));
        let zip = build(&entries);
        assert_eq!(check("a.pptx", &zip, LIMIT), Err(Refusal::ZipBomb));
        // Exactly at the limit is fine.
        let zip = build(&entries[..MAX_ZIP_ENTRIES]);
        assert_eq!(check("a.pptx", &zip, LIMIT), Ok(FileKind::Pptx));
    }

    #[test]
    fn stored_names_lose_paths_and_control_characters() {
        assert_eq!(
            stored_name("C:\\Users\\x\\..\\board\npaper.pdf", FileKind::Pdf),
            "boardpaper.pdf"
        );
        assert_eq!(stored_name("../../etc/passwd", FileKind::Csv), "passwd.csv");
        assert_eq!(stored_name("...", FileKind::Png), "document.png");
        assert_eq!(stored_name(".pdf", FileKind::Pdf), "pdf.pdf");
        let long = "a".repeat(500) + ".pdf";
        let n = stored_name(&long, FileKind::Pdf);
        assert_eq!(n.chars().count(), MAX_NAME_CHARS);
        assert!(n.ends_with(".pdf"));
    }

    #[test]
    fn content_disposition_encodes_per_rfc_6266() {
        assert_eq!(
            content_disposition("Board paper.pdf"),
            "attachment; filename=\"Board paper.pdf\"; filename*=UTF-8''Board%20paper.pdf"
        );
        let v = content_disposition("Café \"x\";\r\n/..\\é.pdf");
        assert!(!v.contains('\r') && !v.contains('\n'));
        assert!(
            v.starts_with("attachment; filename=\"Caf_ _x___..__.pdf\""),
            "{v}"
        );
        assert!(
            v.ends_with("filename*=UTF-8''Caf%C3%A9%20%22x%22%3B_.._%C3%A9.pdf"),
            "{v}"
        );
    }

    #[test]
    fn sha256_is_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
