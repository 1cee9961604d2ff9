//! Runs a job once and records it. A scheduled occurrence is claimed by inserting its run row:
//! the unique (job, occurrence) index lets exactly one replica have it. A lease row with an expiry
//! keeps two runs of one job from overlapping (a manual run during a scheduled one) without a dead
//! replica blocking the job for ever.

use diesel::prelude::*;

use super::{execute, Counts, Ctx};
use crate::db::ids::JobRunId;
use crate::db::schema::{job_leases as jl, job_runs as jr};
use crate::db::{now, write_tx_quiet, DbConn, Journal};
use crate::error::ApiError;

crate::text_enum! {
    /// What started a run.
    pub enum Trigger {
        Schedule => "schedule",
        Manual => "manual",
        Command => "command",
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded(Counts),
    Failed(String),
    /// Another replica already has this occurrence.
    AlreadyClaimed,
    /// Another run of the job holds the lease.
    Busy,
}

impl Outcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Succeeded(_) => "succeeded",
            Outcome::Failed(_) => "failed",
            Outcome::AlreadyClaimed => "claimed_elsewhere",
            Outcome::Busy => "skipped",
        }
    }
}

/// Who is running: host and process, for the record.
pub fn runner_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into());
    format!("{host}:{}", std::process::id())
}

fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}

/// Takes the job's lease for `holder` unless someone else holds an unexpired one.
fn take_lease(tx: &mut DbConn, job: &str, holder: &str, secs: u64) -> QueryResult<bool> {
    let at = now();
    let until = at + chrono::Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 2_000_000));
    crate::db::dialect::lock_keys(tx, &[format!("job-lease:{job}")])?;
    let taken = diesel::update(jl::table.find(job).filter(jl::expires_at.lt(at)))
        .set((jl::holder.eq(holder), jl::expires_at.eq(until)))
        .execute(tx)?;
    if taken == 1 {
        return Ok(true);
    }
    let exists = diesel::select(diesel::dsl::exists(jl::table.find(job))).get_result::<bool>(tx)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(jl::table)
        .values((jl::job.eq(job), jl::holder.eq(holder), jl::expires_at.eq(until)))
        .execute(tx)?;
    Ok(true)
}

/// Runs `name` for `occurrence` (a scheduled time, or a fresh key for a manual run), records the
/// run and returns how it ended. Blocking.
pub fn run(ctx: &Ctx, name: &str, trigger: Trigger, occurrence: &str) -> Result<(JobRunId, Outcome), ApiError> {
    run_recorded(ctx, name, trigger, occurrence, None)
}

/// [`run`], with `journal` (the audit row of the request that asked for it) appended in the
/// transaction that claims the run, so the trail names who ran a job and which run it was.
pub fn run_recorded(
    ctx: &Ctx,
    name: &str,
    trigger: Trigger,
    occurrence: &str,
    journal: Option<&dyn Journal>,
) -> Result<(JobRunId, Outcome), ApiError> {
    let mut conn = ctx.db.conn()?;
    let id = JobRunId::default();
    let holder = id.to_string();
    let claimed = write_tx_quiet(&mut conn, |tx| {
        diesel::insert_into(jr::table)
            .values((
                jr::id.eq(id),
                jr::job.eq(name),
                jr::occurrence.eq(occurrence),
                jr::trigger.eq(trigger.as_str()),
                jr::runner.eq(runner_id()),
                jr::started_at.eq(now()),
                jr::outcome.eq("running"),
                jr::counts.eq("{}"),
            ))
            .execute(tx)?;
        match journal {
            Some(j) => j.append(tx, Some(&format!("/api/v1/jobs/{name}/runs/{id}"))),
            None => Ok(()),
        }
    });
    match claimed {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok((id, Outcome::AlreadyClaimed)),
        Err(e) => return Err(e.into()),
    }
    let leased = write_tx_quiet(&mut conn, |tx| take_lease(tx, name, &holder, ctx.settings.jobs.lease_secs))?;
    // The job takes its own connections.
    drop(conn);
    let outcome = if !leased {
        Outcome::Busy
    } else {
        let started = std::time::Instant::now();
        let leased_ctx = Ctx { lease: Some((name.to_string(), holder.clone())), ..ctx.clone() };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| execute(&leased_ctx, name)))
            .unwrap_or_else(|_| Err("the job panicked".into()));
        crate::http::metrics::job_finished(name, result.is_ok(), started.elapsed().as_secs_f64());
        match result {
            Ok(c) => Outcome::Succeeded(c),
            Err(e) => {
                tracing::warn!(job = name, error = %e, "job failed");
                Outcome::Failed(e)
            }
        }
    };
    let (counts, error) = match &outcome {
        Outcome::Succeeded(c) => (serde_json::to_string(c).unwrap_or_default(), None),
        Outcome::Failed(e) => ("{}".to_string(), Some(e.clone())),
        _ => ("{}".to_string(), Some("another run of this job was in progress".to_string())),
    };
    let mut conn = ctx.db.conn()?;
    write_tx_quiet(&mut conn, |tx| {
        diesel::update(jr::table.find(id))
            .set((
                jr::finished_at.eq(Some(now())),
                jr::outcome.eq(outcome.as_str()),
                jr::counts.eq(counts),
                jr::error.eq(error),
            ))
            .execute(tx)?;
        diesel::delete(jl::table.find(name).filter(jl::holder.eq(&holder))).execute(tx)
    })?;
    tracing::info!(job = name, run = %id, outcome = outcome.as_str(), "job run");
    Ok((id, outcome))
}
