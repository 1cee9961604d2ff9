//! The in-process scheduler (tokio-cron-scheduler): each job fires at its cron time in the
//! configured zone and runs on the blocking pool. The occurrence key is the minute it fired for,
//! so replicas that fire together claim it once.

use chrono::Timelike;
use tokio_cron_scheduler::{Job, JobScheduler};

use super::runner::{run, Trigger};
use super::{schedules, Ctx};
use crate::db::Db;
use crate::settings::Settings;

/// Starts every job's schedule; the returned scheduler must be kept alive.
pub async fn start(db: Db, settings: std::sync::Arc<Settings>) -> Result<JobScheduler, String> {
    let sched = JobScheduler::new().await.map_err(|e| format!("scheduler: {e}"))?;
    let tz = settings.tz();
    for (name, cron) in schedules(&settings.jobs) {
        let (db, settings) = (db.clone(), settings.clone());
        let job = Job::new_async_tz(cron.as_str(), tz, move |_id, _lock| {
            let ctx = Ctx::new(db.clone(), settings.clone());
            Box::pin(async move {
                let occurrence = ctx
                    .now
                    .with_nanosecond(0)
                    .and_then(|t| t.with_second(0))
                    .map(|t| t.format("%Y-%m-%dT%H:%MZ").to_string())
                    .unwrap_or_default();
                let result = tokio::task::spawn_blocking(move || run(&ctx, name, Trigger::Schedule, &occurrence)).await;
                if let Ok(Err(e)) = result {
                    tracing::warn!(job = name, error = %e, "scheduled run could not start");
                }
            })
        })
        .map_err(|e| format!("jobs.{}: {e}", name.replace('-', "_")))?;
        sched.add(job).await.map_err(|e| format!("scheduler: {e}"))?;
    }
    sched.start().await.map_err(|e| format!("scheduler: {e}"))?;
    tracing::info!("scheduler started");
    Ok(sched)
}
