//! `GET /api/v1/reports/plan-vs-actual`: for any period and institution subtree, each plan line
//! against the classes opened, learners enrolled, graduated and failed, rolled up the tree.

use actix_web::{get, web, HttpResponse};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{PlanCounted, PlanStatus, PlanVsActual, TrainingPlan};
use super::store;
use crate::auth::{Caller, Permission};
use crate::certificates::issue::{level_name, mode_name};
use crate::db::ids::*;
use crate::error::ApiError;
use crate::http::export::{Cell, Table};
use crate::reports::dto::ReportFormat;
use crate::reports::{chart, render, store as reports};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanVsActualQuery {
    /// This institution and those under it; the caller's scope when absent.
    pub institution_id: Option<InstitutionId>,
    /// First day of the period, inclusive: classes that open from then count.
    pub from: NaiveDate,
    /// Last day of the period, inclusive (at most ten years after `from`).
    pub to: NaiveDate,
    /// `json` (default), `csv`, `xlsx` or `svg` (a chart of the top institution by level).
    pub format: Option<ReportFormat>,
}

/// Plan against actual: per institution and plan line, the approved plans of the years the
/// period touches against the classes that opened in it. Export with `?format=csv|xlsx|svg`.
#[utoipa::path(tag = "reports", params(PlanVsActualQuery),
    responses((status = 200, body = PlanVsActual), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/reports/plan-vs-actual")]
pub async fn plan_vs_actual(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<PlanVsActualQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlanTraining)?;
    let q = q.into_inner();
    if let Some(p) = crate::reports::rules::span_problem(q.from, q.to) {
        return Err(ApiError::Validation(vec![p]));
    }
    let (target, from, to) = (q.institution_id, q.from, q.to);
    let report = state
        .db
        .read(move |c| {
            let insts = reports::covered(c, &caller.scope, target)?;
            let ids: Vec<InstitutionId> = insts.iter().map(|x| x.0).collect();
            let (approved, rows) = super::service::compared(c, &insts, (from, to))?;
            let unapproved: Vec<TrainingPlan> = store::newest_of(c, &ids, from.year()..=to.year(), false)?
                .into_iter()
                .filter(|p| p.status != PlanStatus::Approved)
                .collect();
            let counted = |p: &TrainingPlan| PlanCounted {
                institution_id: p.institution_id,
                year: p.year,
                plan_id: p.id,
                revision: p.revision,
            };
            Ok(PlanVsActual {
                from,
                to,
                plans: approved.iter().map(counted).collect(),
                unapproved: unapproved.iter().map(counted).collect(),
                rows,
            })
        })
        .await?;
    render::respond(q.format, &report, || table(&report), || svg(&report))
}

fn table(r: &PlanVsActual) -> Table {
    let pct = |x: Option<f64>| x.map(Cell::from).unwrap_or(Cell::Empty);
    let rows = r
        .rows
        .iter()
        .map(|x| {
            let f = &x.including_children;
            vec![
                Cell::from(x.institution_name.as_str()),
                level_name(x.level).into(),
                x.program_id.map(|p| p.to_string()).unwrap_or_default().into(),
                mode_name(x.mode).into(),
                f.planned_classes.into(),
                f.classes_opened.into(),
                pct(f.classes_percent),
                f.planned_trainee_turns.into(),
                f.enrolled.into(),
                pct(f.trainee_turns_percent),
                f.graduated.into(),
                f.failed.into(),
            ]
        })
        .collect();
    let headers = vec![
        "Cơ sở (gồm đơn vị trực thuộc)",
        "Trình độ",
        "Chương trình",
        "Hình thức",
        "Số lớp kế hoạch",
        "Số lớp đã mở",
        "Tỷ lệ lớp (%)",
        "Lượt học viên kế hoạch",
        "Lượt học viên",
        "Tỷ lệ học viên (%)",
        "Tốt nghiệp",
        "Không tốt nghiệp",
    ];
    Table { name: format!("ke-hoach-thuc-hien-{}-{}", r.from, r.to), headers, rows }
}

/// Planned and enrolled trainee-turns by level at the first (top) institution.
fn svg(r: &PlanVsActual) -> Result<String, ApiError> {
    let top = r.rows.first().map(|x| x.institution_id);
    let mut by_level: std::collections::BTreeMap<_, (f64, f64)> = Default::default();
    for x in r.rows.iter().filter(|x| Some(x.institution_id) == top) {
        let e = by_level.entry(x.level).or_default();
        e.0 += x.including_children.planned_trainee_turns as f64;
        e.1 += x.including_children.enrolled as f64;
    }
    let labels: Vec<String> = by_level.keys().map(|l| level_name(*l).to_string()).collect();
    let series = vec![
        ("Kế hoạch".to_string(), by_level.values().map(|v| v.0).collect()),
        ("Thực hiện".to_string(), by_level.values().map(|v| v.1).collect()),
    ];
    chart::bars(
        &format!("Kế hoạch và thực hiện {} – {}", r.from.format("%d/%m/%Y"), r.to.format("%d/%m/%Y")),
        &labels,
        &series,
    )
}
