//! `GET /api/v1/reports/summary` and `GET /api/v1/reports/lecturer-workload`.

use std::collections::{BTreeMap, HashMap};

use actix_web::{get, web, HttpResponse};
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone};
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::chart;
use crate::auth::{Caller, Permission};
use crate::cohorts::model::{CohortStatus, Mode};
use crate::db::ids::*;
use crate::db::schema::{
    cohorts as co, enrollments as en, institutions as i, lecturers as le, programs as p, result_snapshots as rs,
    sessions as s,
};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::http::export::{self, Cell, Format, Table};
use crate::people::model::{LecturerKind, LecturerRank};
use crate::programs::model::Level;
use crate::timetable::model::SessionStatus;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(summary).service(workload);
}

/// `json` (default), `csv`, `xlsx` or `svg` (a chart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Json,
    Csv,
    Xlsx,
    Svg,
}

fn file(format: Option<ReportFormat>, table: Table) -> Option<Result<HttpResponse, ApiError>> {
    match format {
        Some(ReportFormat::Csv) => Some(export::respond(Format::Csv, &table)),
        Some(ReportFormat::Xlsx) => Some(export::respond(Format::Xlsx, &table)),
        _ => None,
    }
}

fn svg(body: String) -> HttpResponse {
    HttpResponse::Ok().content_type("image/svg+xml").body(body)
}

/// Institutions the report covers: `target` and everything under it, or the caller's scope.
fn covered(
    c: &mut DbConn,
    caller: &Caller,
    target: Option<InstitutionId>,
) -> Result<Vec<(InstitutionId, String, String)>, ApiError> {
    let mut q = i::table.select((i::id, i::name, i::path)).order(i::path).into_boxed();
    if let Some(t) = target {
        let inst = crate::institutions::store::get(c, &caller.scope, t)?;
        q = q.filter(i::path.like(format!("{}%", inst.path)));
    } else {
        q = crate::within_scope!(q, &caller.scope, i::id);
    }
    Ok(q.load(c)?)
}

#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct Figures {
    /// Classes that opened in the year (not cancelled).
    pub cohorts: i64,
    pub closed_cohorts: i64,
    /// Trainee-turns [lượt học viên]: enrolments still on the list.
    pub trainee_turns: i64,
    pub withdrawn: i64,
    /// Graduates of closed classes, in total and by classification label.
    pub graduated: i64,
    pub by_classification: BTreeMap<String, i64>,
    pub failed: i64,
    /// Closed with a result still missing something.
    pub pending: i64,
    /// Failures by what they failed on (a learner may count under several).
    pub failed_on: BTreeMap<String, i64>,
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.cohorts += o.cohorts;
        self.closed_cohorts += o.closed_cohorts;
        self.trainee_turns += o.trainee_turns;
        self.withdrawn += o.withdrawn;
        self.graduated += o.graduated;
        self.failed += o.failed;
        self.pending += o.pending;
        for (k, v) in &o.by_classification {
            *self.by_classification.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.failed_on {
            *self.failed_on.entry(k.clone()).or_default() += v;
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryRow {
    pub institution_id: InstitutionId,
    pub institution_name: String,
    pub level: Level,
    pub mode: Mode,
    /// The institution's own classes.
    pub own: Figures,
    /// Its own and every institution's under it.
    pub including_children: Figures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    pub year: i32,
    pub rows: Vec<SummaryRow>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Classes that opened in this year; this year when absent.
    pub year: Option<i32>,
    /// This institution and those under it; the caller's scope when absent.
    pub institution_id: Option<InstitutionId>,
    pub format: Option<ReportFormat>,
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
    let year = q.year.unwrap_or_else(|| state.clock.today().year());
    if !(1990..=2200).contains(&year) {
        return Err(ApiError::field("year", "must be between 1990 and 2200"));
    }
    let target = q.institution_id;
    let report = state
        .db
        .read(move |c| {
            let insts = covered(c, &caller, target)?;
            let ids: Vec<InstitutionId> = insts.iter().map(|x| x.0).collect();
            let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
            let to = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
            let cohorts: Vec<(CohortId, InstitutionId, Level, Mode, CohortStatus)> = co::table
                .inner_join(p::table)
                .filter(co::institution_id.eq_any(&ids))
                .filter(co::starts_on.ge(from))
                .filter(co::starts_on.lt(to))
                .filter(co::status.ne(CohortStatus::Cancelled))
                .select((co::id, co::institution_id, p::level, co::mode, co::status))
                .load(c)?;
            let cids: Vec<CohortId> = cohorts.iter().map(|x| x.0).collect();
            let enrolled: Vec<(CohortId, String, i64)> = en::table
                .filter(en::cohort_id.eq_any(&cids))
                .group_by((en::cohort_id, en::status))
                .select((en::cohort_id, en::status, count_star()))
                .load(c)?;
            let outcomes: Vec<(CohortId, String, Option<String>, i64)> = rs::table
                .filter(rs::cohort_id.eq_any(&cids))
                .group_by((rs::cohort_id, rs::outcome, rs::classification))
                .select((rs::cohort_id, rs::outcome, rs::classification, count_star()))
                .load(c)?;
            let failures: Vec<(CohortId, String)> = rs::table
                .filter(rs::cohort_id.eq_any(&cids))
                .filter(rs::outcome.eq("failed"))
                .select((rs::cohort_id, rs::failed_on))
                .load(c)?;
            // Figures per class, then per (institution, level, mode).
            let mut per: HashMap<CohortId, Figures> = HashMap::new();
            for (cid, status, n) in enrolled {
                let f = per.entry(cid).or_default();
                if status == "withdrawn" {
                    f.withdrawn += n;
                } else {
                    f.trainee_turns += n;
                }
            }
            for (cid, outcome, class, n) in outcomes {
                let f = per.entry(cid).or_default();
                match outcome.as_str() {
                    "graduated" => {
                        f.graduated += n;
                        *f.by_classification.entry(class.unwrap_or_else(|| "none".into())).or_default() += n;
                    }
                    "failed" => f.failed += n,
                    _ => f.pending += n,
                }
            }
            for (cid, on) in failures {
                let f = per.entry(cid).or_default();
                for k in on.split(',').filter(|k| !k.is_empty()) {
                    *f.failed_on.entry(k.to_string()).or_default() += 1;
                }
            }
            let mut own: BTreeMap<(InstitutionId, Level, Mode), Figures> = BTreeMap::new();
            for (cid, inst, level, mode, status) in cohorts {
                let mut f = per.remove(&cid).unwrap_or_default();
                f.cohorts = 1;
                f.closed_cohorts = i64::from(status == CohortStatus::Closed);
                own.entry((inst, level, mode)).or_default().add(&f);
            }
            let path: HashMap<InstitutionId, &str> = insts.iter().map(|x| (x.0, x.2.as_str())).collect();
            let mut rows = Vec::new();
            for (id, name, ipath) in &insts {
                let mut keys: Vec<(Level, Mode)> = own
                    .keys()
                    .filter(|(x, ..)| path.get(x).is_some_and(|p| p.starts_with(ipath.as_str())))
                    .map(|(_, l, m)| (*l, *m))
                    .collect();
                keys.sort();
                keys.dedup();
                for (level, mode) in keys {
                    let mut all = Figures::default();
                    for ((x, l, m), f) in &own {
                        if *l == level && *m == mode && path.get(x).is_some_and(|p| p.starts_with(ipath.as_str())) {
                            all.add(f);
                        }
                    }
                    rows.push(SummaryRow {
                        institution_id: *id,
                        institution_name: name.clone(),
                        level,
                        mode,
                        own: own.get(&(*id, level, mode)).cloned().unwrap_or_default(),
                        including_children: all,
                    });
                }
            }
            Ok(Summary { year, rows })
        })
        .await?;
    if q.format == Some(ReportFormat::Svg) {
        // The top institutions' totals by level.
        let top = report.rows.first().map(|r| r.institution_id);
        let mut by_level: BTreeMap<Level, (f64, f64)> = BTreeMap::new();
        for r in report.rows.iter().filter(|r| Some(r.institution_id) == top) {
            let e = by_level.entry(r.level).or_default();
            e.0 += r.including_children.trainee_turns as f64;
            e.1 += r.including_children.graduated as f64;
        }
        let labels: Vec<String> =
            by_level.keys().map(|l| crate::certificates::issue::level_name(*l).to_string()).collect();
        let series = vec![
            ("Lượt học viên".to_string(), by_level.values().map(|v| v.0).collect()),
            ("Tốt nghiệp".to_string(), by_level.values().map(|v| v.1).collect()),
        ];
        let title = format!("Đào tạo lý luận chính trị năm {}", report.year);
        return Ok(svg(chart::bars(&title, &labels, &series)?));
    }
    let rows: Vec<Vec<Cell>> = report
        .rows
        .iter()
        .map(|r| {
            let f = &r.including_children;
            let band = |k: &str| Cell::from(f.by_classification.get(k).copied().unwrap_or(0));
            vec![
                Cell::from(r.institution_name.as_str()),
                crate::certificates::issue::level_name(r.level).into(),
                crate::certificates::issue::mode_name(r.mode).into(),
                f.cohorts.into(),
                f.trainee_turns.into(),
                f.withdrawn.into(),
                f.graduated.into(),
                band("xuat_sac"),
                band("gioi"),
                band("kha"),
                band("trung_binh"),
                f.failed.into(),
                f.pending.into(),
            ]
        })
        .collect();
    let headers = vec![
        "Cơ sở (gồm đơn vị trực thuộc)",
        "Trình độ",
        "Hình thức",
        "Số lớp",
        "Lượt học viên",
        "Thôi học",
        "Tốt nghiệp",
        "Xuất sắc",
        "Giỏi",
        "Khá",
        "Trung bình",
        "Không tốt nghiệp",
        "Chưa xét",
    ];
    if let Some(r) = file(q.format, Table { name: format!("tong-hop-{}", report.year), headers, rows }) {
        return r;
    }
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkloadQuery {
    /// First day (local), inclusive.
    pub from: NaiveDate,
    /// Last day (local), inclusive.
    pub to: NaiveDate,
    pub institution_id: Option<InstitutionId>,
    pub format: Option<ReportFormat>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkloadRow {
    pub lecturer_id: LecturerId,
    pub full_name: String,
    pub institution_id: InstitutionId,
    /// `full_time`, `concurrent` or `visiting`; concurrent and visiting lecturers are paid per
    /// period taught.
    pub kind: LecturerKind,
    pub rank: LecturerRank,
    pub sessions: i64,
    /// Teaching periods [tiết] of 45 minutes = standard hours [giờ chuẩn].
    pub periods: f64,
    /// The yearly norm of a full-time lecturer by rank (270, 290, 310), else none.
    pub annual_norm: Option<i64>,
    /// The norm for the days asked, pro rata.
    pub norm_for_period: Option<f64>,
    /// periods ÷ norm for the period, in percent.
    pub percent_of_norm: Option<f64>,
}

fn norm(kind: LecturerKind, rank: LecturerRank) -> Option<i64> {
    (kind == LecturerKind::FullTime).then_some(match rank {
        LecturerRank::Lecturer => 270,
        LecturerRank::PrincipalLecturer => 290,
        LecturerRank::SeniorLecturer => 310,
    })
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
    if q.to < q.from || (q.to - q.from).num_days() > 3660 {
        return Err(ApiError::field("to", "must be on or after from, within ten years"));
    }
    let tz = state.settings.tz();
    let utc = |d: NaiveDate| -> NaiveDateTime {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|t| t.naive_utc())
            .unwrap_or_default()
    };
    let (start, end) = (utc(q.from), utc(q.to + chrono::Duration::days(1)));
    let days = (q.to - q.from).num_days() + 1;
    let target = q.institution_id;
    let rows = state
        .db
        .read(move |c| {
            let ids: Vec<InstitutionId> = covered(c, &caller, target)?.into_iter().map(|x| x.0).collect();
            let taught: Vec<(LecturerId, NaiveDateTime, NaiveDateTime)> = s::table
                .filter(s::institution_id.eq_any(&ids))
                .filter(s::starts_at.ge(start))
                .filter(s::starts_at.lt(end))
                .filter(s::status.eq(SessionStatus::Scheduled))
                .select((s::lecturer_id, s::starts_at, s::ends_at))
                .load(c)?;
            let mut minutes: HashMap<LecturerId, (i64, i64)> = HashMap::new();
            for (l, a, b) in taught {
                let e = minutes.entry(l).or_default();
                e.0 += 1;
                e.1 += (b - a).num_minutes();
            }
            let people: Vec<(LecturerId, String, InstitutionId, LecturerKind, LecturerRank)> = le::table
                .filter(le::id.eq_any(minutes.keys().copied().collect::<Vec<_>>()))
                .order((le::sort_key, le::id))
                .select((le::id, le::full_name, le::institution_id, le::kind, le::rank))
                .load(c)?;
            Ok(people
                .into_iter()
                .map(|(id, full_name, institution_id, kind, rank)| {
                    let (sessions, mins) = minutes.get(&id).copied().unwrap_or_default();
                    let periods = (mins as f64 / 45.0 * 10.0).round() / 10.0;
                    let annual_norm = norm(kind, rank);
                    let norm_for_period = annual_norm.map(|n| (n as f64 * days as f64 / 365.0 * 10.0).round() / 10.0);
                    WorkloadRow {
                        lecturer_id: id,
                        full_name,
                        institution_id,
                        kind,
                        rank,
                        sessions,
                        periods,
                        annual_norm,
                        percent_of_norm: norm_for_period
                            .filter(|n| *n > 0.0)
                            .map(|n| (periods / n * 1000.0).round() / 10.0),
                        norm_for_period,
                    }
                })
                .collect::<Vec<_>>())
        })
        .await?;
    if q.format == Some(ReportFormat::Svg) {
        let labels: Vec<String> = rows.iter().map(|r| r.full_name.clone()).collect();
        let series = vec![
            ("Số tiết giảng".to_string(), rows.iter().map(|r| r.periods).collect()),
            ("Định mức trong kỳ".to_string(), rows.iter().map(|r| r.norm_for_period.unwrap_or(0.0)).collect()),
        ];
        let title = format!("Giờ giảng từ {} đến {}", q.from.format("%d/%m/%Y"), q.to.format("%d/%m/%Y"));
        return Ok(svg(chart::bars(&title, &labels, &series)?));
    }
    let table_rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                Cell::from(r.full_name.as_str()),
                r.kind.as_str().into(),
                r.rank.as_str().into(),
                r.sessions.into(),
                Cell::Num(r.periods),
                r.annual_norm.map(Cell::from).unwrap_or(Cell::Empty),
                r.norm_for_period.map(Cell::Num).unwrap_or(Cell::Empty),
                r.percent_of_norm.map(Cell::Num).unwrap_or(Cell::Empty),
            ]
        })
        .collect();
    let headers = vec![
        "Giảng viên",
        "Loại",
        "Chức danh",
        "Số buổi",
        "Số tiết",
        "Định mức năm",
        "Định mức trong kỳ",
        "% định mức",
    ];
    if let Some(r) = file(q.format, Table { name: format!("gio-giang-{}-{}", q.from, q.to), headers, rows: table_rows })
    {
        return r;
    }
    Ok(HttpResponse::Ok().json(rows))
}
