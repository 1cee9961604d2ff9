//! Scheduled work: reminders, the close-out of finished classes, outbox delivery and
//! housekeeping. Each job is one blocking function; the scheduler inside `llct serve`, `llct jobs
//! run NAME` and `POST /jobs/{name}/run` all go through [`runner::run`], which records the run
//! and makes sure one replica runs each scheduled occurrence.

pub mod closeout;
pub mod housekeeping;
pub mod http;
pub mod reminders;
pub mod runner;
pub mod scheduler;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::error::ApiError;
use crate::settings::{JobSettings, Schedule, Settings};

/// Every job, by name.
pub const JOBS: [&str; 9] = [
    "session-reminders",
    "exam-reminders",
    "field-report-reminders",
    "grading-reminders",
    "cohorts-ending",
    "inspections-overdue",
    "close-out",
    "outbox",
    "housekeeping",
];

/// What a run did, by counter name.
pub type Counts = BTreeMap<String, i64>;

/// What a job needs: the database, the settings and the time it runs for.
#[derive(Clone)]
pub struct Ctx {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub now: DateTime<Utc>,
    /// The (job, holder) lease this run holds, renewed as long work goes on.
    pub lease: Option<(String, String)>,
}

impl Ctx {
    pub fn new(db: Db, settings: Arc<Settings>) -> Ctx {
        Ctx { db, settings, now: Utc::now(), lease: None }
    }

    /// Pushes the lease's expiry out again: long jobs call this between units of work so that
    /// only a run that stopped loses it.
    pub fn renew_lease(&self) -> Result<(), ApiError> {
        use crate::db::schema::job_leases as jl;
        use diesel::prelude::*;
        if let Some((job, holder)) = &self.lease {
            let secs = i64::try_from(self.settings.jobs.lease_secs).unwrap_or(i64::MAX / 2_000_000);
            let until = crate::db::now() + chrono::Duration::seconds(secs);
            let mut conn = self.db.conn()?;
            crate::db::write_tx(&mut conn, |tx| {
                diesel::update(jl::table.find(job).filter(jl::holder.eq(holder)))
                    .set(jl::expires_at.eq(until))
                    .execute(tx)
            })?;
        }
        Ok(())
    }
}

/// Each job with its cron expression from the settings.
pub fn schedules(j: &JobSettings) -> Vec<(&'static str, &Schedule)> {
    vec![
        ("session-reminders", &j.session_reminders),
        ("exam-reminders", &j.exam_reminders),
        ("field-report-reminders", &j.field_report_reminders),
        ("grading-reminders", &j.grading_reminders),
        ("cohorts-ending", &j.cohorts_ending),
        ("inspections-overdue", &j.inspections_overdue),
        ("close-out", &j.close_out),
        ("outbox", &j.outbox),
        ("housekeeping", &j.housekeeping),
    ]
}

pub fn cron_of<'a>(j: &'a JobSettings, name: &str) -> Option<&'a Schedule> {
    schedules(j).into_iter().find(|(n, _)| *n == name).map(|(_, c)| c)
}

/// Runs job `name` once, now, in the calling thread.
pub fn execute(ctx: &Ctx, name: &str) -> Result<Counts, String> {
    match name {
        "session-reminders" => reminders::sessions(ctx),
        "exam-reminders" => reminders::exams(ctx),
        "field-report-reminders" => reminders::field_reports(ctx),
        "grading-reminders" => reminders::grading(ctx),
        "cohorts-ending" => reminders::cohorts_ending(ctx),
        "inspections-overdue" => reminders::inspections_overdue(ctx),
        "close-out" => closeout::run(ctx),
        "outbox" => crate::notifications::sender::deliver_due(&ctx.db, &ctx.settings.mail).map_err(ApiError::Internal),
        "housekeeping" => housekeeping::run(ctx),
        other => Err(ApiError::NotFound(format!("No job named {other}."))),
    }
    .map_err(|e| e.to_string())
}
