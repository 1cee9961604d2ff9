//! `/api/v1/jobs`: each job's schedule with its last and next run, the run history, and running a
//! job now (system administrators: jobs act on every institution).

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::runner::{run_recorded, Trigger};
use super::{cron_of, Ctx, JOBS};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::JobRunId;
use crate::db::page::Page;
use crate::db::schema::job_runs as jr;
use crate::error::ApiError;
use crate::http::extract::paging;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_jobs).service(job_runs).service(run_job);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobRunOut {
    pub id: JobRunId,
    pub job: String,
    /// The scheduled minute (UTC) or `manual-…` / `command-…`.
    pub occurrence: String,
    /// `schedule`, `manual` or `command`.
    pub trigger: String,
    /// Host and process that ran it.
    pub runner: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `running`, `succeeded`, `failed`, `skipped` (another run held the job) or
    /// `claimed_elsewhere`, or `abandoned` (the process running it stopped).
    pub outcome: String,
    #[schema(value_type = Object)]
    pub counts: serde_json::Value,
    pub error: Option<String>,
}

type Row = (
    JobRunId,
    String,
    String,
    String,
    String,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    String,
    String,
    Option<String>,
);

fn out(r: Row) -> JobRunOut {
    JobRunOut {
        id: r.0,
        job: r.1,
        occurrence: r.2,
        trigger: r.3,
        runner: r.4,
        started_at: r.5.and_utc(),
        finished_at: r.6.map(|t| t.and_utc()),
        outcome: r.7,
        counts: serde_json::from_str(&r.8).unwrap_or_default(),
        error: r.9,
    }
}

fn columns() -> (
    jr::id,
    jr::job,
    jr::occurrence,
    jr::trigger,
    jr::runner,
    jr::started_at,
    jr::finished_at,
    jr::outcome,
    jr::counts,
    jr::error,
) {
    (
        jr::id,
        jr::job,
        jr::occurrence,
        jr::trigger,
        jr::runner,
        jr::started_at,
        jr::finished_at,
        jr::outcome,
        jr::counts,
        jr::error,
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobOut {
    pub name: String,
    /// Cron with seconds, in the configured time zone.
    pub cron: String,
    pub time_zone: String,
    /// Whether this process's scheduler runs it (`jobs.scheduler`).
    pub scheduled_here: bool,
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_run: Option<JobRunOut>,
}

fn known(name: &str) -> Result<&'static str, ApiError> {
    JOBS.iter().copied().find(|j| *j == name).ok_or_else(|| ApiError::NotFound(format!("No job named {name}.")))
}

/// Every job: its schedule, last run and next run.
#[utoipa::path(tag = "jobs", responses((status = 200, body = Vec<JobOut>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/jobs")]
async fn list_jobs(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let mut last = state
        .db
        .read(|c| {
            let mut out = Vec::new();
            for j in JOBS {
                let row: Option<Row> = jr::table
                    .filter(jr::job.eq(j))
                    .order(jr::started_at.desc())
                    .select(columns())
                    .first(c)
                    .optional()?;
                out.push(row);
            }
            Ok(out)
        })
        .await?
        .into_iter();
    let s = &state.settings;
    let jobs: Vec<JobOut> = JOBS
        .iter()
        .map(|j| {
            let schedule = cron_of(&s.jobs, j);
            JobOut {
                name: j.to_string(),
                next_run_at: schedule.and_then(|c| c.next_after(s.tz(), Utc::now())),
                cron: schedule.map(|c| c.as_str().to_string()).unwrap_or_default(),
                time_zone: s.tz().name().to_string(),
                scheduled_here: s.jobs.scheduler,
                last_run: last.next().flatten().map(out),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(jobs))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RunsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A job's runs, newest first.
#[utoipa::path(tag = "jobs", params(("name" = String, Path), RunsQuery), responses((status = 200, body = Page<JobRunOut>), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/jobs/{name}/runs")]
async fn job_runs(
    caller: Caller,
    state: web::Data<AppState>,
    name: web::Path<String>,
    q: web::Query<RunsQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let name = known(&name)?;
    let page = paging(q.limit, q.cursor.as_deref())?;
    let limit = page.limit;
    let rows: Vec<Row> = state
        .db
        .read(move |c| {
            let mut qq = jr::table.filter(jr::job.eq(name)).select(columns()).into_boxed();
            if let Some(after) = &page.after {
                qq = qq.filter(jr::id.lt(after.clone()));
            }
            Ok(qq.order(jr::id.desc()).limit(page.limit + 1).load(c)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |r| r.0.to_string(), out)))
}

/// Runs a job now and answers with the finished run (system administrators).
#[utoipa::path(tag = "jobs", params(("name" = String, Path)), responses((status = 200, body = JobRunOut), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/jobs/{name}/run")]
async fn run_job(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageSettings)?;
    let name = known(&name)?;
    let ctx = Ctx::new(state.db.clone(), state.settings.clone());
    let occurrence = format!("manual-{}", JobRunId::default());
    let journal = audit.entry();
    let (id, _) = web::block(move || run_recorded(&ctx, name, Trigger::Manual, &occurrence, Some(&journal)))
        .await
        .map_err(|_| ApiError::Internal("job task failed".into()))??;
    let row: Row = state.db.read(move |c| Ok(jr::table.find(id).select(columns()).first(c)?)).await?;
    Ok(HttpResponse::Ok().json(out(row)))
}
