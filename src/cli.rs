//! The `llct` command line: `serve` (the default), `migrate`, `create-admin`, `openapi`.

use std::io::Read;

use clap::{Parser, Subcommand};

use crate::auth::password::{self, Passwords};
use crate::auth::Role;
use crate::db::ids::UserId;
use crate::db::{migrate, now, write_tx, Db, DbConn};
use crate::error::ApiError;
use crate::settings::Settings;
use crate::users::model::{User, UserStatus};
use crate::users::store as users;
use crate::{telemetry, AppState};

#[derive(Debug, Parser)]
#[command(name = "llct", version, about = "Political-theory (LLCT) training management service")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (the default): migrate, create the first administrator if there is
    /// none, then listen on server.bind.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a system administrator. The password comes from --password-stdin or
    /// LLCT_ADMIN_PASSWORD.
    CreateAdmin {
        /// E-mail address to sign in with.
        #[arg(long)]
        email: String,
        /// Full name shown in the service.
        #[arg(long, default_value = "Quản trị hệ thống")]
        name: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Print the OpenAPI 3.1 document.
    Openapi,
    /// Fill the database with a realistic sample. `--scale small` (seconds, through the API): a
    /// provincial school, three commune centres, the national catalogue, lecturers, learners, one
    /// class per centre with its timetable, roll calls and a graded exam. `--scale province`
    /// (minutes, batched inserts): a school and ten centres over three years — about 50,000
    /// enrolments, several million roll-call marks, grades, field study, closed classes with their
    /// results and credentials, and classes running today. Deterministic for a given --seed;
    /// prints an administrator login.
    DemoData {
        #[arg(long, value_enum, default_value_t = Scale::Small)]
        scale: Scale,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Learners imported into each centre (small scale).
        #[arg(long, default_value_t = 80)]
        learners_per_centre: usize,
        /// The password of every demo account (province scale); a random one is printed if
        /// not given.
        #[arg(long)]
        password: Option<String>,
    },
    /// Copy the embedded database to a new file while the service runs (PostgreSQL: pg_dump).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// List the scheduled jobs, or run one now (the same code the scheduler runs).
    Jobs {
        #[command(subcommand)]
        action: JobsCommand,
    },
    /// Put a backup back in place of the embedded database (stop the service first).
    Restore {
        /// The backup file.
        #[arg(long)]
        from: std::path::PathBuf,
        /// Replace a database that holds newer data than the backup.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Each job with its schedule, next run and last run.
    List,
    /// Run one job now and print what it did: session-reminders, exam-reminders,
    /// field-report-reminders, grading-reminders, cohorts-ending, close-out, outbox, housekeeping.
    Run { name: String },
}

fn jobs(settings: Settings, db: Db, action: JobsCommand) -> Result<(), String> {
    use diesel::prelude::*;
    migrate_now(&db)?;
    let settings = std::sync::Arc::new(settings);
    match action {
        JobsCommand::List => {
            let mut conn = db.conn().map_err(|e| e.to_string())?;
            for (name, cron) in crate::jobs::schedules(&settings.jobs) {
                use crate::db::schema::job_runs as jr;
                let last: Option<(chrono::NaiveDateTime, String)> = jr::table
                    .filter(jr::job.eq(name))
                    .order(jr::started_at.desc())
                    .select((jr::started_at, jr::outcome))
                    .first(&mut *conn)
                    .optional()
                    .map_err(|e| e.to_string())?;
                let next = cron
                    .next_after(settings.tz(), chrono::Utc::now())
                    .map(|t| t.with_timezone(&settings.tz()).to_rfc3339())
                    .unwrap_or_default();
                let last =
                    last.map(|(t, o)| format!("{} {o}", t.and_utc().to_rfc3339())).unwrap_or_else(|| "never".into());
                println!("{name:<24} {:<20} next {next}  last {last}", cron.as_str());
            }
            Ok(())
        }
        JobsCommand::Run { name } => {
            let name = crate::jobs::JOBS
                .iter()
                .copied()
                .find(|j| *j == name)
                .ok_or_else(|| format!("no job named {name}; see `llct jobs list`"))?;
            let ctx = crate::jobs::Ctx::new(db, settings);
            let occurrence = format!("command-{}", crate::db::ids::JobRunId::default());
            let (id, outcome) =
                crate::jobs::runner::run(&ctx, name, crate::jobs::runner::Trigger::Command, &occurrence)
                    .map_err(|e| e.to_string())?;
            match outcome {
                crate::jobs::runner::Outcome::Succeeded(counts) => {
                    println!("{name} ({id}): {}", serde_json::to_string(&counts).unwrap_or_default());
                    Ok(())
                }
                crate::jobs::runner::Outcome::Failed(e) => Err(format!("{name} failed: {e}")),
                other => Err(format!("{name} did not run: {}", other.as_str())),
            }
        }
    }
}

/// How much demo data to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    Small,
    Province,
}

pub fn run(cli: Cli) -> std::process::ExitCode {
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            serde_json::to_string_pretty(&crate::app::openapi()).map(|s| println!("{s}")).map_err(|e| e.to_string())
        }
        Command::Serve => load().and_then(|(s, db)| serve(s, db)),
        Command::DemoData { scale: Scale::Province, seed, password, .. } => {
            if std::env::var_os("RUST_LOG").is_none() {
                std::env::set_var("RUST_LOG", "warn");
            }
            load().and_then(|(s, db)| {
                crate::demo::province::run(s, db, seed, password, crate::demo::province::Size::PROVINCE).map(|m| {
                    println!(
                        "province demo data: {} institutions, {} lecturers, {} learners ({} accounts), {} classes, \
                         {} enrolments, {} sessions, {} attendance marks, {} grades in {:.1} s; {} classes closed, \
                         {} credentials issued in {:.1} s",
                        m.institutions,
                        m.lecturers,
                        m.learners,
                        m.accounts,
                        m.cohorts,
                        m.enrollments,
                        m.sessions,
                        m.marks,
                        m.grades,
                        m.build_secs,
                        m.closed,
                        m.certificates,
                        m.close_secs
                    );
                    println!("sign in as {} with password {}", m.admin_email, m.admin_password);
                    if let (Some(l), Some(t)) = (&m.learner_email, &m.lecturer_email) {
                        println!("a learner of a class running today: {l}; its lecturer: {t} (same password)");
                    }
                })
            })
        }
        Command::DemoData { seed, learners_per_centre, .. } => {
            // One log line per request would drown the summary.
            if std::env::var_os("RUST_LOG").is_none() {
                std::env::set_var("RUST_LOG", "warn");
            }
            load().and_then(|(s, db)| {
            crate::demo::run(s, db, seed, learners_per_centre).map(|m| {
                println!(
                    "demo data: {} institutions, {} lecturers, {} learners, {} classes, {} sessions, {} attendance marks, {} grades",
                    m.institutions, m.lecturers, m.learners, m.cohorts, m.sessions, m.marks, m.grades
                );
                println!("sign in as {} with password {}", m.admin_email, m.admin_password);
            })
            })
        }
        Command::Backup { to } => load()
            .and_then(|(_, db)| crate::backup::backup(&db, &to).map(|_| println!("backed up to {}", to.display()))),
        Command::Jobs { action } => load().and_then(|(s, db)| jobs(s, db, action)),
        Command::Restore { from, force } => Settings::load().and_then(|s| {
            crate::backup::restore(&s.database.url, &from, force).map(|_| println!("restored from {}", from.display()))
        }),
        Command::Migrate => {
            load().and_then(|(_, db)| migrate_now(&db).map(|v| println!("applied {} migration(s)", v.len())))
        }
        Command::CreateAdmin { email, name, password_stdin } => load().and_then(|(s, db)| {
            migrate_now(&db)?;
            let pw = if password_stdin {
                let mut buf = String::new();
                std::io::stdin().read_to_string(&mut buf).map_err(|e| e.to_string())?;
                buf.trim_end_matches(['\r', '\n']).to_string()
            } else {
                std::env::var("LLCT_ADMIN_PASSWORD")
                    .map_err(|_| "give the password with --password-stdin or LLCT_ADMIN_PASSWORD".to_string())?
            };
            create_admin(&s, &db, &email, &name, &pw).map(|id| println!("created system_admin {email} ({id})"))
        }),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("llct: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn load() -> Result<(Settings, Db), String> {
    let settings = Settings::load()?;
    telemetry::init(&settings.log);
    let db = Db::connect(&settings.database)?;
    Ok((settings, db))
}

/// Brings the schema up to date and renews the change stamp (`db::stamp::renew`): what every
/// start of the service does first.
pub fn migrate_now(db: &Db) -> Result<Vec<String>, String> {
    let mut conn = db.conn().map_err(|_| "database: cannot connect".to_string())?;
    let applied = migrate::run(&mut conn)?;
    let floor = chrono::Utc::now().timestamp_micros();
    crate::db::stamp::renew(&mut conn, floor).map_err(|e| format!("database: renewing the change stamp: {e}"))?;
    Ok(applied)
}

/// Creates a system administrator; refuses a weak password or a taken e-mail.
pub fn create_admin(s: &Settings, db: &Db, email: &str, name: &str, pw: &str) -> Result<UserId, String> {
    let email = crate::users::dto::normalise_email(email);
    if !crate::text::looks_like_email(&email) {
        return Err(format!("{email:?} is not an e-mail address"));
    }
    let problems = password::problems(pw, s.auth.min_password_length);
    if !problems.is_empty() {
        return Err(format!("password {}", problems.join(", ")));
    }
    let hash = Passwords::new(&s.auth).hash(pw)?;
    let mut conn = db.conn().map_err(|_| "database: cannot connect".to_string())?;
    write_tx(&mut conn, |tx| {
        if users::email_taken(tx, &email, None)? {
            return Err(ApiError::conflict("duplicate_email", "exists"));
        }
        insert_admin(tx, &email, name, hash)
    })
    .map_err(|e| match e {
        ApiError::Conflict { .. } => format!("an account with e-mail {email} already exists"),
        other => other.to_string(),
    })
}

fn insert_admin(tx: &mut DbConn, email: &str, name: &str, hash: String) -> Result<UserId, ApiError> {
    let t = now();
    let row = User {
        id: UserId::new(),
        email: email.to_string(),
        password_hash: hash,
        full_name: crate::text::clean(name),
        role: Role::SystemAdmin,
        institution_id: None,
        status: UserStatus::Active,
        last_login_at: None,
        version: 1,
        created_at: t,
        updated_at: t,
        sending_unit_id: None,
    };
    users::insert(tx, &row)?;
    Ok(row.id)
}

/// On an empty database, creates the first system administrator from LLCT_ADMIN_EMAIL and
/// LLCT_ADMIN_PASSWORD, or with a generated password printed once.
fn bootstrap_admin(s: &Settings, db: &Db) -> Result<(), String> {
    let mut conn = db.conn().map_err(|_| "database: cannot connect".to_string())?;
    if users::count(&mut conn).map_err(|e| e.to_string())? > 0 {
        return Ok(());
    }
    let email = std::env::var("LLCT_ADMIN_EMAIL").unwrap_or_else(|_| "admin@llct.local".into());
    let (pw, generated) = match std::env::var("LLCT_ADMIN_PASSWORD") {
        Ok(p) => (p, false),
        Err(_) => (crate::auth::tokens::generate()[5..25].to_string(), true),
    };
    create_admin(s, db, &email, "Quản trị hệ thống", &pw)?;
    if generated {
        println!("Created the first system administrator: {email} with password {pw}");
        println!("This password is shown only once; change it after signing in.");
    } else {
        println!("Created the first system administrator: {email}");
    }
    Ok(())
}

/// Large allocations (an Argon2 hash's 19 MiB, a PDF or spreadsheet being built) are mapped
/// and unmapped on their own instead of staying in the arena of whichever worker thread freed
/// them: glibc otherwise raises its mapping threshold after the first such free, and every
/// blocking thread that once hashed a password keeps that memory for the life of the process.
///
/// Small allocations freed by one thread stay in its arena, and glibc gives back only the top of
/// a heap: after a busy hour (hundreds of learners at once, each answer built from thousands of
/// rows) the arenas hold hundreds of megabytes nobody uses. A thread returns the free pages of
/// every arena to the system every ten seconds (`malloc_trim`).
fn release_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only changes allocator settings; called once at start, before the
        // server's threads exist.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
            libc::mallopt(libc::M_ARENA_MAX, 4);
        }
        let trim = std::thread::Builder::new().name("malloc-trim".into()).spawn(|| loop {
            std::thread::sleep(std::time::Duration::from_secs(10));
            // SAFETY: malloc_trim only releases free memory; it is safe from any thread.
            unsafe {
                libc::malloc_trim(0);
            }
        });
        if let Err(e) = trim {
            tracing::warn!(error = %e, "no thread to return freed memory");
        }
    }
}

fn serve(settings: Settings, db: Db) -> Result<(), String> {
    release_large_allocations();
    let applied = migrate_now(&db)?;
    tracing::info!(backend = db.backend().name(), applied = applied.len(), "database ready");
    bootstrap_admin(&settings, &db)?;
    let bind = settings.server.bind.clone();
    let workers = match settings.server.workers {
        0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
        n => n,
    };
    let shutdown = settings.server.shutdown_timeout_secs;
    let client_timeout = settings.server.client_request_timeout_secs;
    let state = actix_web::web::Data::new(AppState::new(settings, db));
    actix_web::rt::System::new().block_on(async move {
        // Kept alive for as long as the server runs.
        let _scheduler = if state.settings.jobs.scheduler {
            Some(crate::jobs::scheduler::start(state.db.clone(), state.settings.clone()).await?)
        } else {
            tracing::info!("scheduler off (jobs.scheduler = false)");
            None
        };
        let server = actix_web::HttpServer::new(move || crate::app::build_app(state.clone()))
            .workers(workers)
            .shutdown_timeout(shutdown)
            .client_request_timeout(std::time::Duration::from_secs(client_timeout))
            .bind(&bind)
            .map_err(|e| format!("server.bind {bind}: {e}"))?;
        tracing::info!(%bind, workers, "listening");
        println!("llct listening on http://{bind}");
        server.run().await.map_err(|e| e.to_string())
    })
}
