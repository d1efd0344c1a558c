//! `safeguard`: the command line. Thin: configuration, logging, database, then the web layer or a
//! one-off command.

mod bench_import;
mod config;
mod progress;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use config::Config;
use safeguard_domain::clock::{SharedClock, SystemClock};
use safeguard_service::passwords::{Cost, Passwords};
use safeguard_service::{ServiceConfig, Services};
use safeguard_store::db::PoolSettings;
use safeguard_store::{Backend, Db};
use std::io::Read;
use std::sync::Arc;

/// Safeguard: the platform for a multi-agency safeguarding children partnership.
#[derive(Parser)]
#[command(name = "safeguard", version, about, long_about = None)]
struct Cli {
    /// A TOML configuration file (environment variables SAFEGUARD_* override it).
    #[arg(long, global = true, env = "SAFEGUARD_CONFIG")]
    config: Option<String>,
    /// Log format: text or json.
    #[arg(long, global = true)]
    log_format: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (applies migrations first).
    Serve {
        /// Load the demo partnership and print its sign-ins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo partnership (idempotent) and print new sign-ins.
    Demo,
    /// Manage people.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The working-day calendar of England and Wales (bank holidays 2000–2040).
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Write a consistent backup of the database to FILE.
    Backup {
        /// Where to write it.
        file: String,
    },
    /// Replace the database with a backup (stop the server first).
    Restore {
        /// The backup.
        file: String,
    },
    /// Write deterministic synthetic data for benchmarks.
    Generate {
        /// How many partnerships.
        #[arg(long, default_value_t = 150)]
        partnerships: u32,
        /// Years of history.
        #[arg(long, default_value_t = 5)]
        years: u32,
        /// Random seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// People per partnership.
        #[arg(long, default_value_t = 30)]
        people: u32,
        /// Audit entries per partnership per year.
        #[arg(long, default_value_t = 200)]
        entries_per_year: u32,
        /// The password of every generated person.
        #[arg(
            long,
            env = "SAFEGUARD_GENERATED_PASSWORD",
            default_value = "generated people share this password"
        )]
        password: String,
    },
    /// Import data from a file.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Time importing a return of ROWS rows against a raw bulk insert of the same rows (SQLite
    /// files in DIR; for bench/import.sh).
    #[command(hide = true)]
    BenchImport {
        /// Rows in the return.
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        /// Runs of each (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Where the databases and the return file are written.
        #[arg(long, default_value = "target/bench-import")]
        dir: String,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// An agency's return (CSV or Excel .xlsx, headings indicator_code, numerator, denominator),
    /// through the same checks as the upload: accepted whole or not at all, every row problem
    /// printed to standard error as "row R, column C: reason".
    Indicators {
        /// The file (.csv or .xlsx; a workbook is recognised by its content too).
        file: String,
        /// Partnership slug.
        #[arg(long)]
        partnership: String,
        /// The agency whose return it is: its name or id.
        #[arg(long)]
        agency: String,
        /// month, quarter or year.
        #[arg(long)]
        frequency: String,
        /// The first day of the period, YYYY-MM-DD (2024-04-01 for April 2024, Q1 2024-25 or 2024-25).
        #[arg(long)]
        period: String,
        /// The email of the person sending it (an administrator, or the agency's lead).
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a person (the password is read from standard input).
    Add {
        /// Email address.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Organisation name (must belong to the partnership).
        #[arg(long)]
        organisation: String,
        /// Partnership slug.
        #[arg(long)]
        partnership: String,
        /// Role, such as partnership_administrator.
        #[arg(long)]
        role: String,
    },
    /// Disable an account (ends its sessions and revokes its tokens).
    Disable {
        /// Email address.
        #[arg(long)]
        email: String,
    },
    /// Set a new password (read from standard input) and end the person's sessions.
    ResetPassword {
        /// Email address.
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Print the date N working days after DATE (DATE is day 0; with N = 0, DATE itself when it is a
    /// working day, else the next working day), as YYYY-MM-DD.
    AddWorkingDays {
        /// The start date, YYYY-MM-DD.
        date: String,
        /// Working days to add (0 to 1000).
        #[arg(allow_negative_numbers = true)]
        n: String,
    },
    /// Print the number of working days d with A < d <= B (negative when B is before A).
    WorkingDaysBetween {
        /// YYYY-MM-DD.
        a: String,
        /// YYYY-MM-DD.
        b: String,
    },
    /// Import gov.uk's bank-holidays.json (england-and-wales): adds the dates the calendar lacks and
    /// reports dates the file lacks (never removes them).
    Import {
        /// The JSON file (from https://www.gov.uk/bank-holidays.json).
        file: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every partnership's hash chain; names the first broken link.
    Verify,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Issue an API token for a person (printed on standard output).
    Issue {
        /// Email address.
        #[arg(long)]
        email: String,
        /// Days until it expires.
        #[arg(long, default_value_t = 30)]
        days: i64,
    },
}

/// Logs go to standard error through a background writer, so a request never waits on the write. The
/// returned guard flushes what is queued when it is dropped at exit.
fn init_logging(format: &str) -> tracing_appender::non_blocking::WorkerGuard {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SAFEGUARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(64 * 1024)
        .finish(std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    if format == "json" {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
    guard
}

fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("reading the password from standard input")?;
    let pw = s.trim_end_matches(['\n', '\r']).to_owned();
    if pw.is_empty() {
        bail!(
            "no password on standard input (pipe it in, for example: printf '%s' \"$PASSWORD\" | safeguard user add ...)"
        );
    }
    Ok(pw)
}

async fn open(cfg: &Config) -> Result<Db> {
    let db = Db::connect(
        &cfg.database_url,
        &PoolSettings {
            max_connections: cfg.max_connections,
            ..PoolSettings::default()
        },
    )
    .await
    .map_err(anyhow::Error::msg)?;
    db.migrate().await.map_err(anyhow::Error::msg)?;
    let settings = db.verify_settings().await.map_err(anyhow::Error::msg)?;
    tracing::info!(%settings, "database ready");
    Ok(db)
}

fn services(db: Db, cfg: &Config) -> Result<Services> {
    let clock: SharedClock = Arc::new(SystemClock);
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    // Hashing is CPU-bound: more at once than there are cores only adds memory (19 MiB each).
    let passwords = Passwords::new(Cost::default(), cores)?;
    Ok(Services::new(
        db,
        clock,
        passwords,
        ServiceConfig {
            public_url: cfg.public_url.clone(),
            mail_from: cfg.mail_from.clone(),
            files_dir: cfg.files_dir.clone(),
            upload_limit_bytes: cfg.upload_limit_bytes,
            ..ServiceConfig::default()
        },
    ))
}

fn print_demo(created: &[safeguard_service::demo::DemoSignIn], cfg: &Config) {
    println!("Demo partnership: Telford and Wrekin Safeguarding Children Partnership");
    if created.iter().any(|d| d.password.is_some()) {
        println!("Demo sign-ins (passwords are shown only now, when the accounts are created):");
        for d in created {
            if let Some(pw) = &d.password {
                println!("  {:<32} {:<28} {}", d.email, d.role.label(), pw);
            }
        }
    } else {
        println!(
            "Demo sign-ins exist already; their passwords were printed when this database was created."
        );
        for d in created {
            println!("  {:<32} {}", d.email, d.role.label());
        }
    }
    let _ = cfg;
}

async fn shutdown_signal(tx: tokio::sync::watch::Sender<bool>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
    let _ = tx.send(true);
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let cfg = match Config::load(cli.config.as_deref(), cli.log_format.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("safeguard: {e}");
            std::process::exit(2);
        }
    };
    let guard = init_logging(&cfg.log_format);
    let result = run(cli.command, cfg).await;
    drop(guard); // flush the log before exiting
    if let Err(e) = result {
        eprintln!("safeguard: {e:#}");
        std::process::exit(1);
    }
}

async fn run(command: Command, cfg: Config) -> Result<()> {
    match command {
        Command::Serve { demo } => serve(cfg, demo).await,
        Command::Migrate => {
            let db = open(&cfg).await?;
            db.close().await;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo => {
            let db = open(&cfg).await?;
            let svc = services(db.clone(), &cfg)?;
            let pw = std::env::var("SAFEGUARD_DEMO_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty());
            let created = safeguard_service::demo::load(&svc, pw.as_deref())
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            print_demo(&created, &cfg);
            db.close().await;
            Ok(())
        }
        Command::User { command } => {
            let db = open(&cfg).await?;
            let svc = services(db.clone(), &cfg)?;
            let r = match command {
                UserCommand::Add {
                    email,
                    name,
                    organisation,
                    partnership,
                    role,
                } => {
                    let pw = read_password()?;
                    safeguard_service::people::add_from_cli(
                        &svc,
                        &email,
                        &name,
                        &organisation,
                        &partnership,
                        &role,
                        &pw,
                    )
                    .await
                    .map(|id| println!("added {email} ({id})"))
                }
                UserCommand::Disable { email } => {
                    safeguard_service::people::disable_by_email(&svc, &email)
                        .await
                        .map(|()| println!("disabled {email}"))
                }
                UserCommand::ResetPassword { email } => {
                    let pw = read_password()?;
                    safeguard_service::people::reset_password_by_email(&svc, &email, &pw)
                        .await
                        .map(|()| println!("password set for {email}; their sessions have ended"))
                }
            };
            db.close().await;
            r.map_err(describe)
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let db = open(&cfg).await?;
            let svc = services(db.clone(), &cfg)?;
            let report = safeguard_service::audit::verify_all(&svc)
                .await
                .map_err(describe)?;
            db.close().await;
            for (chain, n) in &report.ok {
                println!("ok      chain {chain}: {n} entries");
            }
            for b in &report.broken {
                println!(
                    "BROKEN  chain {}: first broken link at entry {}: {}",
                    b.chain, b.seq, b.reason
                );
            }
            if report.broken.is_empty() {
                println!("{} chains intact", report.ok.len());
                Ok(())
            } else {
                bail!("{} chain(s) broken", report.broken.len())
            }
        }
        Command::Token {
            command: TokenCommand::Issue { email, days },
        } => {
            let db = open(&cfg).await?;
            let svc = services(db.clone(), &cfg)?;
            let t = safeguard_service::tokens::issue_for_email(&svc, &email, days.clamp(1, 365))
                .await
                .map_err(describe)?;
            db.close().await;
            println!("{t}");
            Ok(())
        }
        Command::Calendar { command } => {
            let bytes = match &command {
                CalendarCommand::Import { file } => {
                    Some(std::fs::read(file).with_context(|| format!("cannot read {file}"))?)
                }
                _ => None,
            };
            let db = open(&cfg).await?;
            let svc = services(db.clone(), &cfg)?;
            let r = match command {
                CalendarCommand::AddWorkingDays { date, n } => {
                    safeguard_service::calendar::add_working_days(&svc, &date, &n)
                        .await
                        .map(|d| println!("{d}"))
                }
                CalendarCommand::WorkingDaysBetween { a, b } => {
                    safeguard_service::calendar::working_days_between(&svc, &a, &b)
                        .await
                        .map(|n| println!("{n}"))
                }
                CalendarCommand::Import { .. } => safeguard_service::calendar::import_gov_uk_json(
                    &svc,
                    None,
                    bytes.as_deref().unwrap_or_default(),
                )
                .await
                .map(|report| {
                    for line in report.lines() {
                        println!("{line}");
                    }
                }),
            };
            db.close().await;
            r.map_err(describe)
        }
        Command::Backup { file } => backup(&cfg, &file).await,
        Command::Restore { file } => restore(&cfg, &file).await,
        Command::Generate {
            partnerships,
            years,
            seed,
            people,
            entries_per_year,
            password,
        } => {
            let db = open(&cfg).await?;
            let svc = services(db.clone(), &cfg)?;
            let plan = safeguard_service::generate::Plan {
                partnerships,
                years,
                seed,
                people_per_partnership: people,
                entries_per_year,
                password,
            };
            let started = std::time::Instant::now();
            let out = safeguard_service::generate::run(&svc, &plan, |n| {
                if n % 10 == 0 || n == partnerships {
                    eprintln!("generated {n}/{partnerships} partnerships");
                }
            })
            .await
            .map_err(describe)?;
            db.close().await;
            println!(
                "generated {} partnerships, {} people, {} audit entries, {} actions, {} activity entries, \
                 {} funding years, {} spend lines, {} sign-offs, {} practice reviews in {:.1}s",
                out.partnerships,
                out.people,
                out.audit_entries,
                out.actions,
                out.activity_entries,
                out.funding_years,
                out.spend_lines,
                out.sign_offs,
                out.practice_reviews,
                started.elapsed().as_secs_f64()
            );
            println!(
                "generated {} case review notifications in {:.1}s; case review panel member for benchmarks: {}",
                out.notifications,
                out.case_review_time.as_secs_f64(),
                out.panel_member.as_deref().unwrap_or("none")
            );
            println!(
                "generated {} tracker sources, {} tracked recommendations and {} tracker actions in {:.1}s; \
                 largest tracker source for benchmarks: {}",
                out.tracker_sources,
                out.tracked_recommendations,
                out.tracker_actions,
                out.tracker_time.as_secs_f64(),
                out.largest_tracker_source
                    .map_or_else(|| "none".to_owned(), |id| id.to_string())
            );
            println!(
                "generated {} performance indicators, {} returns with {} values and {} benchmark values in {:.1}s",
                out.perf_indicators,
                out.perf_returns,
                out.perf_values,
                out.perf_benchmarks,
                out.performance_time.as_secs_f64()
            );
            Ok(())
        }
        Command::Import {
            command:
                ImportCommand::Indicators {
                    file,
                    partnership,
                    agency,
                    frequency,
                    period,
                    as_email,
                },
        } => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {file}"))?;
            let db = open(&cfg).await?;
            let svc = services(db.clone(), &cfg)?;
            let r = import_indicators(
                &svc,
                &file,
                bytes,
                &partnership,
                &agency,
                &frequency,
                &period,
                &as_email,
            )
            .await;
            db.close().await;
            r
        }
        Command::BenchImport { rows, runs, dir } => {
            bench_import::run(&cfg, rows, runs.max(1), &dir).await
        }
    }
}

/// `import indicators`: a progress bar on a terminal, plain lines otherwise (both on stderr).
#[allow(clippy::too_many_arguments)]
async fn import_indicators(
    svc: &Services,
    file: &str,
    bytes: Vec<u8>,
    partnership: &str,
    agency: &str,
    frequency: &str,
    period: &str,
    as_email: &str,
) -> Result<()> {
    use safeguard_service::performance_import as import;
    let actor = import::cli_actor(svc, partnership, as_email)
        .await
        .map_err(describe)?;
    let body = import::body_of_file(file, bytes);
    let mut bar = progress::Bar::new(file);
    let started = std::time::Instant::now();
    let r = import::import_file(svc, &actor, agency, frequency, period, &body, |p| {
        bar.update(p);
    })
    .await
    .map_err(describe)?;
    bar.finish();
    match r {
        Ok(id) => {
            println!(
                "imported {} values from {file} as return {id} in {:.2}s",
                bar.values(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("{}", import::cli_message(p));
            }
            bail!(
                "{file} was refused with {} problem{}: nothing was imported",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            )
        }
    }
}

fn describe(e: safeguard_service::ServiceError) -> anyhow::Error {
    match e {
        safeguard_service::ServiceError::Invalid(v) => {
            anyhow::anyhow!(
                "{}",
                v.0.iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
        safeguard_service::ServiceError::NotFound => anyhow::anyhow!("not found"),
        other => anyhow::anyhow!("{other}: {:?}", other),
    }
}

async fn serve(cfg: Config, demo: bool) -> Result<()> {
    let db = open(&cfg).await?;
    let svc = services(db.clone(), &cfg)?;
    safeguard_service::files::prepare_dir(&cfg.files_dir, svc.now()).map_err(anyhow::Error::msg)?;
    if demo {
        let pw = std::env::var("SAFEGUARD_DEMO_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty());
        let created = safeguard_service::demo::load(&svc, pw.as_deref())
            .await
            .map_err(describe)?;
        print_demo(&created, &cfg);
    }
    let mailer = safeguard_service::mail::Mailer::new(cfg.smtp_url.as_deref(), &cfg.mail_from)?;
    if !mailer.is_configured() {
        tracing::warn!("SAFEGUARD_SMTP_URL is not set: email stays queued in the outbox");
    }
    let listener = tokio::net::TcpListener::bind(cfg.bind)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.bind))?;
    let addr = listener.local_addr()?;
    let tls = cfg.public_url.starts_with("https://");
    let state = safeguard_web::AppState::new(
        svc.clone(),
        safeguard_web::WebConfig {
            tls,
            trust_proxy: cfg.trust_proxy,
            ..safeguard_web::WebConfig::default()
        },
    );
    let (tx, rx) = tokio::sync::watch::channel(false);
    let instance = format!("{}-{}", std::process::id(), addr.port());
    let worker = tokio::spawn(safeguard_service::scheduler::run(
        svc.clone(),
        mailer,
        instance,
        rx.clone(),
    ));
    println!(
        "Safeguard is listening on http://{addr}  (database: {})",
        match db.backend() {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    );
    let mut rx2 = rx.clone();
    let shutdown = async move {
        let _ = rx2.changed().await;
    };
    tokio::spawn(shutdown_signal(tx));
    safeguard_web::serve(listener, state, shutdown).await?;
    let _ = worker.await;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn backup(cfg: &Config, file: &str) -> Result<()> {
    match Backend::from_url(&cfg.database_url).map_err(anyhow::Error::msg)? {
        Backend::Sqlite => {
            let db = open(cfg).await?;
            let target = std::path::Path::new(file);
            if target.exists() {
                bail!("{file} exists already: choose a new file name");
            }
            let tmp = format!("{file}.partial");
            let _ = std::fs::remove_file(&tmp);
            db.sqlite_backup(&tmp)
                .await
                .map_err(|e| anyhow::anyhow!("backup failed: {e:?}"))?;
            db.close().await;
            // Check the copy before it takes the final name.
            let copy = Db::connect(
                &format!("sqlite://{tmp}"),
                &PoolSettings {
                    create_if_missing: false,
                    max_connections: 1,
                    ..PoolSettings::default()
                },
            )
            .await
            .map_err(anyhow::Error::msg)?;
            let ok = match &copy {
                Db::Sqlite(p) => {
                    sqlx::query_scalar::<_, String>("pragma integrity_check")
                        .fetch_one(p)
                        .await?
                }
                Db::Pg(_) => String::new(),
            };
            copy.close().await;
            if ok != "ok" {
                bail!("the backup copy failed its integrity check: {ok}");
            }
            std::fs::File::open(&tmp)?.sync_all()?;
            std::fs::rename(&tmp, target)?;
            if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
            }
            for ext in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{tmp}{ext}"));
            }
            println!("backup written to {file} (integrity check ok)");
            Ok(())
        }
        Backend::Postgres => {
            let status = std::process::Command::new("pg_dump")
                .args([
                    "--format=custom",
                    "--file",
                    file,
                    "--dbname",
                    &cfg.database_url,
                ])
                .status()
                .context("running pg_dump (install PostgreSQL's client tools)")?;
            if !status.success() {
                bail!("pg_dump failed");
            }
            println!("backup written to {file}");
            Ok(())
        }
    }
}

async fn restore(cfg: &Config, file: &str) -> Result<()> {
    match Backend::from_url(&cfg.database_url).map_err(anyhow::Error::msg)? {
        Backend::Sqlite => {
            let check = Db::connect(
                &format!("sqlite://{file}"),
                &PoolSettings {
                    create_if_missing: false,
                    max_connections: 1,
                    ..PoolSettings::default()
                },
            )
            .await
            .map_err(anyhow::Error::msg)?;
            let ok = match &check {
                Db::Sqlite(p) => {
                    sqlx::query_scalar::<_, String>("pragma integrity_check")
                        .fetch_one(p)
                        .await?
                }
                Db::Pg(_) => String::new(),
            };
            check.close().await;
            if ok != "ok" {
                bail!("{file} is not a sound SQLite database: {ok}");
            }
            let path = cfg
                .database_url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or(path);
            let tmp = format!("{path}.restoring");
            std::fs::copy(file, &tmp).with_context(|| format!("copying {file}"))?;
            std::fs::File::open(&tmp)?.sync_all()?;
            for ext in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{ext}"));
            }
            std::fs::rename(&tmp, path)?;
        }
        Backend::Postgres => {
            let status = std::process::Command::new("pg_restore")
                .args([
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--dbname",
                    &cfg.database_url,
                    file,
                ])
                .status()
                .context("running pg_restore (install PostgreSQL's client tools)")?;
            if !status.success() {
                bail!("pg_restore failed");
            }
        }
    }
    // Record the restore in the platform chain, then check every chain.
    let db = open(cfg).await?;
    let svc = services(db.clone(), cfg)?;
    let mut tx = db.begin().await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let entry =
        safeguard_domain::audit::NewEntry::new("platform.restored_from_backup", "database", None);
    safeguard_store::audit_log::append(&mut tx.conn(), &entry, svc.now())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    tx.commit().await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let report = safeguard_service::audit::verify_all(&svc)
        .await
        .map_err(describe)?;
    db.close().await;
    println!(
        "restored from {file}; {} audit chains intact, {} broken",
        report.ok.len(),
        report.broken.len()
    );
    Ok(())
}
