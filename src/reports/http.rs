//! `GET /api/v1/reports/summary` and `GET /api/v1/reports/lecturer-workload`.

use actix_web::{get, web, HttpResponse};
use chrono::{Datelike, NaiveDate};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::{render, rules, store};
use crate::auth::{Caller, Permission};
use crate::db::ids::*;
use crate::error::ApiError;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(summary).service(workload).service(super::yearly::yearly);
}

/// The year's classes by level and mode: classes opened, trainee-turns, graduates by
/// classification, failures by reason, per institution and rolled up the tree.
#[utoipa::path(tag = "reports", params(SummaryQuery), responses((status = 200, body = Summary), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/reports/summary")]
async fn summary(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<SummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let q = q.into_inner();
    let this_year = state.clock.today().year();
    let (from, to) = rules::period(q.year, q.from, q.to, this_year).map_err(ApiError::Validation)?;
    let year = q.year.or((q.from.is_none()).then_some(this_year));
    let (target, group_by) = (q.institution_id, q.group_by);
    let report =
        state.db.read(move |c| super::summary::build(c, &caller.scope, target, (year, from, to), group_by)).await?;
    render::respond(q.format, &report, || render::summary_table(&report), || render::summary_chart(&report))
}

/// Teaching hours per lecturer in a period against their norm: what pays concurrent lecturers.
#[utoipa::path(tag = "reports", params(WorkloadQuery), responses((status = 200, body = Vec<WorkloadRow>), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/reports/lecturer-workload")]
async fn workload(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<WorkloadQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let q = q.into_inner();
    if let Some(p) = crate::reports::rules::span_problem(q.from, q.to) {
        return Err(ApiError::Validation(vec![p]));
    }
    let tz = state.settings.tz();
    let utc = |d: NaiveDate| crate::clock::local_midnight(tz, d);
    let (start, end) = (utc(q.from), utc(q.to + chrono::Duration::days(1)));
    let days = (q.to - q.from).num_days() + 1;
    let w = &state.settings.workload;
    let norms = rules::Norms {
        lecturer: w.lecturer_norm,
        principal_lecturer: w.principal_lecturer_norm,
        senior_lecturer: w.senior_lecturer_norm,
        probation: w.probation_norm,
        paper_hours: w.paper_grading_hours,
        report_hours: w.report_grading_hours,
        field_day_hours: w.field_study_day_hours,
        invigilation_hours: w.invigilation_hours,
    };
    let year = chrono::Datelike::year(&q.from);
    let (target, from, until) = (q.institution_id, q.from, q.to + chrono::Duration::days(1));
    let rows = state
        .db
        .read(move |c| {
            let ids: Vec<InstitutionId> = store::covered(c, &caller.scope, target)?.into_iter().map(|x| x.0).collect();
            let taught = store::taught(c, &ids, start, end)?;
            let other = rules::OtherWork {
                papers: store::papers_marked(c, &ids, from, until)?,
                reports: store::reports_graded(c, &ids, start, end)?,
                field_days: store::field_days(c, &ids, from, q.to)?,
                sittings: store::sittings_invigilated(c, &ids, from, until)?,
            };
            let mut who: Vec<LecturerId> = taught.iter().map(|t| t.0).collect();
            who.extend(other.lecturers());
            who.sort();
            who.dedup();
            Ok(rules::workload(&taught, &other, store::lecturers(c, &who)?, (days, year), &norms))
        })
        .await?;
    render::respond(q.format, &rows, || render::workload_table(&q, &rows), || render::workload_chart(&q, &rows))
}
