//! llct: political-theory (LLCT) training management for Vietnam's political schools and centres.
//!
//! `main.rs` parses the command line; everything else lives here so that the tests drive the very
//! same application through [`app::build_app`].

pub mod account;
pub mod app;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod certificates;
pub mod cli;
pub mod clock;
pub mod cohorts;
pub mod conduct;
pub mod db;
pub mod demo;
pub mod error;
pub mod exams;
pub mod field_trips;
pub mod http;
pub mod inspections;
pub mod institutions;
pub mod jobs;
pub mod nominations;
pub mod notifications;
pub mod people;
pub mod plans;
pub mod problem;
pub mod programs;
pub mod reports;
pub mod results;
pub mod sending_units;
pub mod settings;
pub mod telemetry;
pub mod text;
pub mod timetable;
pub mod users;
pub mod vi;

// For `text_enum!`, which registers every enum where other crates' macros can reach it.
#[doc(hidden)]
pub use inventory;

use std::sync::Arc;

use auth::password::Passwords;
use auth::ratelimit::LoginLimits;
use db::Db;
use http::metrics::Metrics;
use settings::Settings;

/// What every request may use; built once per process.
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub passwords: Passwords,
    pub login_limits: LoginLimits,
    /// Public verification requests per client address.
    pub verify_limits: auth::ratelimit::Keyed<std::net::IpAddr>,
    pub metrics: Metrics,
    /// Now, and today in the configured zone.
    pub clock: clock::Clock,
    /// Callers recently read from their tokens.
    pub callers: auth::cache::CallerCache,
}

impl AppState {
    pub fn new(settings: Settings, db: Db) -> AppState {
        AppState {
            passwords: Passwords::new(&settings.auth),
            login_limits: LoginLimits::new(
                settings.auth.login_attempts_per_minute,
                settings.auth.login_attempts_per_minute_per_client,
            ),
            verify_limits: auth::ratelimit::Keyed::per_minute(settings.certificates.verify_per_minute_per_client),
            metrics: Metrics::new(),
            clock: clock::Clock::system(settings.tz()),
            callers: auth::cache::CallerCache::new(std::time::Duration::from_secs(u64::from(
                settings.auth.caller_cache_secs,
            ))),
            settings: Arc::new(settings),
            db,
        }
    }
}
