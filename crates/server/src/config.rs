//! Configuration from environment variables (`SAFEGUARD_*`) or a TOML file (`--config FILE`),
//! validated at start with messages that say what to fix. Environment variables win over the file.

use serde::Deserialize;
use std::net::SocketAddr;

/// Settings, as read.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    database_url: Option<String>,
    bind: Option<String>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    log_format: Option<String>,
    trust_proxy: Option<bool>,
    max_connections: Option<u32>,
    files_dir: Option<String>,
    upload_limit_mb: Option<u64>,
}

/// Validated settings.
pub struct Config {
    /// Database URL.
    pub database_url: String,
    /// Listen address.
    pub bind: SocketAddr,
    /// Public base URL.
    pub public_url: String,
    /// SMTP URL.
    pub smtp_url: Option<String>,
    /// From address.
    pub mail_from: String,
    /// text or json.
    pub log_format: String,
    /// Trust X-Forwarded-For.
    pub trust_proxy: bool,
    /// Pool size.
    pub max_connections: u32,
    /// Where uploaded files are stored.
    pub files_dir: std::path::PathBuf,
    /// Largest upload, in bytes.
    pub upload_limit_bytes: u64,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // URLs may carry passwords: print only their schemes.
        let scheme = |u: &str| u.split(':').next().unwrap_or("").to_owned();
        f.debug_struct("Config")
            .field("database", &scheme(&self.database_url))
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("smtp", &self.smtp_url.as_deref().map(scheme))
            .finish()
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Config {
    /// Reads and validates. Every problem found is listed.
    pub fn load(file: Option<&str>, log_format_flag: Option<&str>) -> Result<Config, String> {
        let fc: FileConfig = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read the configuration file {path}: {e}"))?;
                toml::from_str(&text)
                    .map_err(|e| format!("the configuration file {path} is not valid: {e}"))?
            }
            None => FileConfig::default(),
        };
        let mut problems = Vec::new();
        let database_url = env("SAFEGUARD_DATABASE_URL")
            .or(fc.database_url)
            .unwrap_or_else(|| "sqlite://safeguard.db".into());
        if let Err(e) = safeguard_store::Backend::from_url(&database_url) {
            problems.push(format!("SAFEGUARD_DATABASE_URL: {e}"));
        }
        let bind_s = env("SAFEGUARD_BIND")
            .or(fc.bind)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind = match bind_s.parse::<SocketAddr>() {
            Ok(b) => Some(b),
            Err(_) => {
                problems.push(format!(
                    "SAFEGUARD_BIND: {bind_s:?} is not an address and port, such as 127.0.0.1:8080"
                ));
                None
            }
        };
        let public_url = env("SAFEGUARD_PUBLIC_URL")
            .or(fc.public_url)
            .unwrap_or_else(|| format!("http://{bind_s}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            problems.push("SAFEGUARD_PUBLIC_URL: must start with http:// or https://".into());
        }
        let smtp_url = env("SAFEGUARD_SMTP_URL").or(fc.smtp_url);
        if let Some(u) = &smtp_url
            && !(u.starts_with("smtp://") || u.starts_with("smtps://"))
        {
            problems.push("SAFEGUARD_SMTP_URL: must start with smtp:// or smtps://".into());
        }
        let mail_from = env("SAFEGUARD_MAIL_FROM")
            .or(fc.mail_from)
            .unwrap_or_else(|| "Safeguard <no-reply@safeguard.invalid>".into());
        let log_format = log_format_flag
            .map(str::to_owned)
            .or_else(|| env("SAFEGUARD_LOG_FORMAT"))
            .or(fc.log_format)
            .unwrap_or_else(|| "text".into());
        if log_format != "text" && log_format != "json" {
            problems.push("SAFEGUARD_LOG_FORMAT / --log-format: use text or json".into());
        }
        let trust_proxy = env("SAFEGUARD_TRUST_PROXY")
            .map(|v| v == "true" || v == "1")
            .or(fc.trust_proxy)
            .unwrap_or(false);
        let max_connections = match env("SAFEGUARD_MAX_CONNECTIONS") {
            Some(v) => match v.parse::<u32>() {
                Ok(n) if (1..=200).contains(&n) => n,
                _ => {
                    problems.push("SAFEGUARD_MAX_CONNECTIONS: a whole number from 1 to 200".into());
                    8
                }
            },
            None => fc.max_connections.unwrap_or(8),
        };
        // Uploaded files: next to the SQLite database by default, ./safeguard-files for PostgreSQL.
        let files_dir = env("SAFEGUARD_FILES_DIR")
            .or(fc.files_dir)
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| default_files_dir(&database_url));
        let upload_limit_mb = match env("SAFEGUARD_UPLOAD_LIMIT_MB") {
            Some(v) => match v.parse::<u64>() {
                Ok(n) if (1..=1024).contains(&n) => n,
                _ => {
                    problems.push(
                        "SAFEGUARD_UPLOAD_LIMIT_MB: a whole number of megabytes from 1 to 1024"
                            .into(),
                    );
                    20
                }
            },
            None => match fc.upload_limit_mb {
                Some(n) if (1..=1024).contains(&n) => n,
                Some(_) => {
                    problems
                        .push("upload_limit_mb: a whole number of megabytes from 1 to 1024".into());
                    20
                }
                None => 20,
            },
        };
        if !problems.is_empty() {
            return Err(format!(
                "configuration problems:\n  - {}",
                problems.join("\n  - ")
            ));
        }
        Ok(Config {
            database_url,
            bind: bind.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            public_url,
            smtp_url,
            mail_from,
            log_format,
            trust_proxy,
            max_connections,
            files_dir,
            upload_limit_bytes: upload_limit_mb * 1024 * 1024,
        })
    }
}

/// `safeguard-files` next to the SQLite database file, or in the working directory for PostgreSQL.
fn default_files_dir(database_url: &str) -> std::path::PathBuf {
    let here = std::path::PathBuf::from("safeguard-files");
    let Some(rest) = database_url.strip_prefix("sqlite:") else {
        return here;
    };
    let path = rest.trim_start_matches("//");
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() || path.starts_with(":memory:") {
        return here;
    }
    match std::path::Path::new(path).parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join("safeguard-files"),
        _ => here,
    }
}
