//! The front-end assets, embedded in the binary with rust-embed.
//!
//! The files come from the crate's `assets/` folder and are embedded at
//! compile time in every profile (rust-embed's `debug-embed` feature), so a
//! binary needs nothing on disk. They are served under `/assets/`. Paths passed to [`get`] are relative to `/assets/`:
//!
//! | path | what |
//! | --- | --- |
//! | `govuk-frontend.min.css` | govuk-frontend 6.6 recompiled with a system font stack (no GDS Transport, no crest) |
//! | `govuk-frontend.min.js` | govuk-frontend's ES module (exports `initAll`) |
//! | `safeguard.css` | our own small additions, to load after govuk-frontend's CSS |
//! | `js/init.js` | classic script for right after `<body>` opens: adds `js-enabled` and `govuk-frontend-supported` |
//! | `js/app.mjs` | ES module for the end of `<body>`: imports and runs govuk-frontend's `initAll()` |
//! | `images/favicon.svg` | Safeguard's favicon (a shield with an "S") |
//!
//! The compiled CSS refers to no other file (`scripts/vendor-govuk.sh` checks
//! that every `url(...)` in it resolves to a file here).
//!
//! A page would typically include:
//!
//! ```html
//! <link rel="icon" href="/assets/images/favicon.svg?v={{ version }}" type="image/svg+xml">
//! <link rel="stylesheet" href="/assets/govuk-frontend.min.css?v={{ version }}">
//! <link rel="stylesheet" href="/assets/safeguard.css?v={{ version }}">
//! ...
//! <body class="govuk-template__body">
//! <script src="/assets/js/init.js?v={{ version }}"></script>
//! ...
//! <script type="module" src="/assets/js/app.mjs?v={{ version }}"></script>
//! ```
//!
//! where `version` is [`version()`]. Note that `app.mjs` imports
//! `/assets/govuk-frontend.min.js` without a query string, so serve that path
//! with revalidation (its [`Asset::etag`]) rather than as immutable.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::LazyLock;

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/"]
struct Files;

/// One embedded file, ready to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The file's bytes.
    pub body: Cow<'static, [u8]>,
    /// The body gzipped (best compression), for text types (CSS, JavaScript,
    /// SVG, JSON, plain text) when that is smaller than `body`; serve it with
    /// `Content-Encoding: gzip` to clients that accept gzip.
    pub gzip: Option<Vec<u8>>,
    /// The `Content-Type` header value, e.g. `text/css; charset=utf-8`.
    pub content_type: String,
    /// A strong `ETag` header value: a quoted hex SHA-256 prefix of `body`,
    /// e.g. `"3f2a…"` (quotes included). The same for both encodings' bodies:
    /// add `Vary: Accept-Encoding` when choosing between them.
    pub etag: String,
}

struct Catalogue {
    assets: BTreeMap<String, Asset>,
    version: String,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(build);

/// The asset at `path`, relative to `/assets/` (e.g. `"govuk-frontend.min.css"`,
/// `"js/init.js"`, `"images/favicon.svg"`), or `None` if there is none.
///
/// `path` must not start with `/` and must not carry a query string: strip
/// `/assets/` and `?v=…` first. All assets are prepared (hashed, gzipped) once,
/// on the first call.
#[must_use]
pub fn get(path: &str) -> Option<&'static Asset> {
    CATALOGUE.assets.get(path)
}

/// A short hash over every asset's path and contents, for cache-busting query
/// strings (`/assets/safeguard.css?v=…`). It changes whenever any asset does.
#[must_use]
pub fn version() -> &'static str {
    &CATALOGUE.version
}

/// The paths of all assets, relative to `/assets/`, in sorted order.
pub fn paths() -> impl Iterator<Item = &'static str> {
    CATALOGUE.assets.keys().map(String::as_str)
}

fn build() -> Catalogue {
    let mut assets = BTreeMap::new();
    let mut all = Sha256::new();
    for path in Files::iter() {
        let Some(file) = Files::get(&path) else {
            continue;
        };
        let body = file.data;
        let digest = Sha256::digest(&body);
        all.update(path.as_bytes());
        all.update([0]);
        all.update(digest);
        let content_type = content_type(&path);
        let gzip = if is_compressible(&path) {
            gzip(&body).filter(|gz| gz.len() < body.len())
        } else {
            None
        };
        let etag = format!("\"{}\"", hex::encode(&digest[..12]));
        assets.insert(
            path.into_owned(),
            Asset {
                body,
                gzip,
                content_type,
                etag,
            },
        );
    }
    let version = hex::encode(&all.finalize()[..5]);
    Catalogue { assets, version }
}

fn extension(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(_, ext)| ext)
}

fn content_type(path: &str) -> String {
    let known = match extension(path) {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "",
    };
    if known.is_empty() {
        Files::get(path).map_or_else(
            || "application/octet-stream".to_owned(),
            |file| file.metadata.mimetype().to_owned(),
        )
    } else {
        known.to_owned()
    }
}

fn is_compressible(path: &str) -> bool {
    matches!(
        extension(path),
        "css" | "js" | "mjs" | "svg" | "json" | "map" | "webmanifest" | "txt"
    )
}

fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 3), Compression::best());
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn serves_the_expected_files() {
        for path in [
            "govuk-frontend.min.css",
            "govuk-frontend.min.js",
            "safeguard.css",
            "js/init.js",
            "js/app.mjs",
            "images/favicon.svg",
        ] {
            let asset = get(path).unwrap_or_else(|| panic!("missing asset {path}"));
            assert!(!asset.body.is_empty(), "{path} is empty");
        }
        assert!(get("/govuk-frontend.min.css").is_none());
        assert!(get("nope.css").is_none());
        assert!(get("images/govuk-crest.svg").is_none());
    }

    #[test]
    fn content_types() {
        let ct = |p: &str| get(p).map(|a| a.content_type.as_str());
        assert_eq!(
            ct("govuk-frontend.min.css"),
            Some("text/css; charset=utf-8")
        );
        assert_eq!(ct("js/app.mjs"), Some("text/javascript; charset=utf-8"));
        assert_eq!(ct("js/init.js"), Some("text/javascript; charset=utf-8"));
        assert_eq!(ct("images/favicon.svg"), Some("image/svg+xml"));
    }

    #[test]
    fn gzip_round_trips_and_is_smaller() {
        let asset = get("govuk-frontend.min.css").unwrap();
        let gz = asset.gzip.as_ref().expect("CSS is gzipped");
        assert!(gz.len() < asset.body.len() / 3);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gz.as_slice())
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, asset.body.as_ref());
    }

    #[test]
    fn etags_and_version() {
        let css = get("govuk-frontend.min.css").unwrap();
        let js = get("govuk-frontend.min.js").unwrap();
        assert!(css.etag.starts_with('"') && css.etag.ends_with('"'));
        assert_eq!(css.etag.len(), 26);
        assert_ne!(css.etag, js.etag);
        assert_eq!(version().len(), 10);
        assert!(version().chars().all(|c| c.is_ascii_hexdigit()));
        assert!(std::ptr::eq(
            get("safeguard.css").unwrap(),
            get("safeguard.css").unwrap()
        ));
    }

    #[test]
    fn css_uses_no_gds_transport_or_missing_files() {
        let css = std::str::from_utf8(&get("govuk-frontend.min.css").unwrap().body).unwrap();
        assert!(!css.contains("GDS Transport"));
        assert!(!css.contains("@font-face"));
        assert!(css.contains("system-ui"));
        for (i, _) in css.match_indices("url(") {
            let rest = &css[i + 4..];
            let end = rest.find(')').unwrap();
            let url = rest[..end].trim_matches(|c| c == '"' || c == '\'');
            let path = url
                .strip_prefix("/assets/")
                .unwrap_or_else(|| panic!("unexpected url({url})"));
            assert!(
                get(path).is_some(),
                "the CSS refers to {url}, which is not embedded"
            );
        }
    }
}
