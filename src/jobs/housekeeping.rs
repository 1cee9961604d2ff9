//! Removes what is no longer needed: expired or long-revoked sign-ins, idempotency keys past
//! their replay window, old job runs and expired leases; marks runs whose process died
//! (still `running`, no live lease) as `abandoned`.

use chrono::Duration;
use diesel::prelude::*;

use super::{Counts, Ctx};
use crate::db::schema::{auth_tokens as t, idempotency_keys as ik, job_leases as jl, job_runs as jr};
use crate::db::write_tx;
use crate::error::ApiError;

pub fn run(ctx: &Ctx) -> Result<Counts, ApiError> {
    let now = ctx.now.naive_utc();
    let j = &ctx.settings.jobs;
    let mut conn = ctx.db.conn()?;
    let mut counts = Counts::new();
    write_tx(&mut conn, |tx| {
        let day_ago = now - Duration::days(1);
        let tokens =
            diesel::delete(t::table.filter(t::expires_at.lt(day_ago).or(t::revoked_at.lt(day_ago)))).execute(tx)?;
        let keys = diesel::delete(
            ik::table.filter(ik::created_at.lt(now - Duration::days(i64::from(j.idempotency_keep_days)))),
        )
        .execute(tx)?;
        let runs =
            diesel::delete(jr::table.filter(jr::started_at.lt(now - Duration::days(i64::from(j.job_runs_keep_days)))))
                .execute(tx)?;
        let leases = diesel::delete(jl::table.filter(jl::expires_at.lt(now))).execute(tx)?;
        // A run still "running" whose lease is gone (its process stopped) never finishes by itself.
        let lease = Duration::seconds(i64::try_from(j.lease_secs).unwrap_or(i64::MAX / 2_000_000));
        let abandoned = diesel::update(
            jr::table
                .filter(jr::outcome.eq("running"))
                .filter(jr::started_at.lt(now - lease))
                .filter(diesel::dsl::not(diesel::dsl::exists(jl::table.filter(jl::holder.eq(jr::id))))),
        )
        .set((
            jr::outcome.eq("abandoned"),
            jr::finished_at.eq(Some(now)),
            jr::error.eq(Some("the process running it stopped")),
        ))
        .execute(tx)?;
        counts.insert("abandoned_runs".into(), abandoned as i64);
        counts.insert("tokens".into(), tokens as i64);
        counts.insert("idempotency_keys".into(), keys as i64);
        counts.insert("job_runs".into(), runs as i64);
        counts.insert("leases".into(), leases as i64);
        Ok::<_, ApiError>(())
    })?;
    Ok(counts)
}
