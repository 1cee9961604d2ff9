//! `GET /api/v1/reports/yearly`: the report an inspection starts from [báo cáo kết quả thực
//! hiện nhiệm vụ] for an institution and a period — classes against the plan, trainee-turns, each
//! class's modules with the program's hours against the hours timetabled and those whose roll
//! was taken, field study and exams held, credentials issued and revoked, and lecturers by kind
//! with the periods they taught.

pub mod rules;
pub mod store;

use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use printpdf::{Mm, PdfDocument};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use self::rules::ModuleHours;
use crate::auth::{Caller, Permission};
use crate::certificates::issue::{level_name, mode_name};
use crate::certificates::pdf::{Flow, Fonts};
use crate::cohorts::model::{CohortStatus, Mode};
use crate::db::ids::*;
use crate::error::ApiError;
use crate::http::export::{self, Cell, Table};
use crate::people::model::LecturerKind;
use crate::plans::model::PlanVsActualRow;
use crate::programs::model::Level;
use crate::AppState;

/// `json` (default), `csv`, `xlsx` (a row per class and module) or `pdf` (the report in
/// Vietnamese under the institution's header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum YearlyFormat {
    Json,
    Csv,
    Xlsx,
    Pdf,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct YearlyQuery {
    /// The institution reported on (with those under it); the caller's own when absent.
    pub institution_id: Option<InstitutionId>,
    /// First and last day of the period, inclusive (at most ten years).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub format: Option<YearlyFormat>,
}

/// One class of the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearlyClass {
    pub cohort_id: CohortId,
    pub code: String,
    pub title: String,
    pub institution_id: InstitutionId,
    pub level: Level,
    pub mode: Mode,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: CohortStatus,
    pub trainee_turns: i64,
    pub modules: Vec<ModuleHours>,
    /// False when any module's timetable falls short of the program's hours.
    pub hours_ensured: bool,
    /// Field trips begun by the end of the period.
    pub field_trips: i64,
    /// Exams held by the end of the period.
    pub exams_held: i64,
    pub credentials_issued: i64,
    pub credentials_revoked: i64,
}

/// The lecturers of one kind who taught in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct LecturersOfKind {
    pub kind: LecturerKind,
    pub lecturers: i64,
    pub sessions: i64,
    /// Periods of 45 minutes, to one decimal.
    pub periods: f64,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct YearlyTotals {
    pub classes: i64,
    pub trainee_turns: i64,
    /// Classes with a module timetabled below its hours.
    pub classes_hours_not_ensured: i64,
    pub field_trips: i64,
    pub exams_held: i64,
    pub credentials_issued: i64,
    pub credentials_revoked: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct YearlyReport {
    pub institution_id: InstitutionId,
    pub institution_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The approved plans against the classes opened, for the institution with those under it.
    pub plan: Vec<PlanVsActualRow>,
    pub totals: YearlyTotals,
    pub classes: Vec<YearlyClass>,
    pub lecturers: Vec<LecturersOfKind>,
}

/// The yearly report of an institution (with those under it) for a period.
#[utoipa::path(tag = "reports", params(YearlyQuery),
    responses((status = 200, body = YearlyReport), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/reports/yearly")]
pub async fn yearly(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<YearlyQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlanTraining)?;
    let q = q.into_inner();
    if let Some(p) = crate::reports::rules::span_problem(q.from, q.to) {
        return Err(ApiError::Validation(vec![p]));
    }
    let target = q.institution_id.or(caller.institution_id);
    let tz = state.settings.tz();
    let utc = move |d: NaiveDate| crate::clock::local_midnight(tz, d);
    let (from, to) = (q.from, q.to);
    let window = (utc(from), utc(to + chrono::Duration::days(1)));
    let report = state.db.read(move |c| build(c, &caller, target, (from, to), window)).await?;
    match q.format {
        Some(YearlyFormat::Csv) => export::respond(export::Format::Csv, &table(&report)),
        Some(YearlyFormat::Xlsx) => export::respond(export::Format::Xlsx, &table(&report)),
        Some(YearlyFormat::Pdf) => {
            let bytes = web::block(move || pdf(&report)).await.map_err(|_| ApiError::unavailable())??;
            Ok(HttpResponse::Ok().content_type("application/pdf").body(bytes))
        }
        Some(YearlyFormat::Json) | None => Ok(HttpResponse::Ok().json(report)),
    }
}

fn build(
    c: &mut crate::db::DbConn,
    caller: &Caller,
    target: Option<InstitutionId>,
    (from, to): (NaiveDate, NaiveDate),
    window: (NaiveDateTime, NaiveDateTime),
) -> Result<YearlyReport, ApiError> {
    let insts = super::store::covered(c, &caller.scope, target)?;
    let (top, top_name) = insts.first().map(|x| (x.0, x.1.clone())).ok_or_else(ApiError::not_found)?;
    let ids: Vec<InstitutionId> = insts.iter().map(|x| x.0).collect();
    let until = to.succ_opt().unwrap_or(to);
    // The plan: the same comparison as plan-vs-actual, the top institution's rows.
    let (_, mut plan) = crate::plans::service::compared(c, &insts, (from, to))?;
    plan.retain(|r| r.institution_id == top);
    let list = store::classes(c, &ids, from, until)?;
    let cohorts: Vec<CohortId> = list.iter().map(|x| x.0).collect();
    let programs: Vec<ProgramId> = list.iter().map(|x| x.2).collect();
    let modules = store::modules(c, &programs)?;
    let sittings = store::sittings(c, &cohorts)?;
    let counts = store::counts(c, &cohorts, to)?;
    let mut totals = YearlyTotals::default();
    let classes: Vec<YearlyClass> = list
        .into_iter()
        .map(|(id, inst, program, code, title, level, mode, starts_on, ends_on, status)| {
            let hours = rules::module_hours(
                modules.get(&program).map(Vec::as_slice).unwrap_or_default(),
                sittings.get(&id).map(Vec::as_slice).unwrap_or_default(),
            );
            let n = counts.get(&id).copied().unwrap_or_default();
            let ensured = hours.iter().all(|m| m.hours_ensured);
            totals.classes += 1;
            totals.trainee_turns += n.trainee_turns;
            totals.classes_hours_not_ensured += i64::from(!ensured);
            totals.field_trips += n.field_trips;
            totals.exams_held += n.exams_held;
            totals.credentials_issued += n.credentials_issued;
            totals.credentials_revoked += n.credentials_revoked;
            YearlyClass {
                cohort_id: id,
                code,
                title,
                institution_id: inst,
                level,
                mode,
                starts_on,
                ends_on,
                status,
                trainee_turns: n.trainee_turns,
                modules: hours,
                hours_ensured: ensured,
                field_trips: n.field_trips,
                exams_held: n.exams_held,
                credentials_issued: n.credentials_issued,
                credentials_revoked: n.credentials_revoked,
            }
        })
        .collect();
    let lecturers = by_kind(c, &ids, window)?;
    Ok(YearlyReport { institution_id: top, institution_name: top_name, from, to, plan, totals, classes, lecturers })
}

/// The lecturers who taught in the window, by kind: how many, their sessions and periods.
fn by_kind(
    c: &mut crate::db::DbConn,
    ids: &[InstitutionId],
    (start, end): (NaiveDateTime, NaiveDateTime),
) -> Result<Vec<LecturersOfKind>, ApiError> {
    let taught = super::store::taught(c, ids, start, end)?;
    let mut who: Vec<LecturerId> = taught.iter().map(|t| t.0).collect();
    who.sort();
    who.dedup();
    let kinds: std::collections::HashMap<LecturerId, LecturerKind> =
        super::store::lecturers(c, &who)?.into_iter().map(|l| (l.id, l.kind)).collect();
    let mut out: BTreeMap<LecturerKind, (std::collections::HashSet<LecturerId>, i64, i64)> = BTreeMap::new();
    for (lecturer, s, e) in taught {
        let Some(kind) = kinds.get(&lecturer) else { continue };
        let k = out.entry(*kind).or_default();
        k.0.insert(lecturer);
        k.1 += 1;
        k.2 += (e - s).num_minutes();
    }
    Ok(out
        .into_iter()
        .map(|(kind, (people, sessions, minutes))| LecturersOfKind {
            kind,
            lecturers: people.len() as i64,
            sessions,
            periods: crate::attendance::rules::hours(minutes),
        })
        .collect())
}

fn table(r: &YearlyReport) -> Table {
    let mut rows = Vec::new();
    for k in &r.classes {
        for m in &k.modules {
            rows.push(vec![
                Cell::from(k.code.as_str()),
                k.title.as_str().into(),
                level_name(k.level).into(),
                mode_name(k.mode).into(),
                k.trainee_turns.into(),
                m.code.as_str().into(),
                m.title.as_str().into(),
                i64::from(m.program_hours).into(),
                m.timetabled_hours.into(),
                m.roll_taken_hours.into(),
                if m.hours_ensured { "Bảo đảm" } else { "Không bảo đảm" }.into(),
                k.field_trips.into(),
                k.exams_held.into(),
                k.credentials_issued.into(),
                k.credentials_revoked.into(),
            ]);
        }
    }
    let headers = vec![
        "Lớp",
        "Tên lớp",
        "Trình độ",
        "Hình thức",
        "Lượt học viên",
        "Mã học phần",
        "Học phần",
        "Số tiết chương trình",
        "Số tiết theo thời khóa biểu",
        "Số tiết đã điểm danh",
        "Thời lượng",
        "Nghiên cứu thực tế",
        "Kỳ thi đã tổ chức",
        "Văn bằng đã cấp",
        "Văn bằng thu hồi",
    ];
    Table { name: format!("bao-cao-{}-{}", r.from, r.to), headers, rows }
}

fn kind_name(k: LecturerKind) -> &'static str {
    match k {
        LecturerKind::FullTime => "Giảng viên chuyên trách",
        LecturerKind::Concurrent => "Giảng viên kiêm chức",
        LecturerKind::Visiting => "Giảng viên thỉnh giảng",
    }
}

/// A figure as Vietnamese write it: a decimal comma.
fn decimal(x: f64) -> String {
    x.to_string().replace('.', ",")
}

/// The report in Vietnamese, A4, under the institution's header.
fn pdf(r: &YearlyReport) -> Result<Vec<u8>, ApiError> {
    let fail = |e: &dyn std::fmt::Display| ApiError::Internal(format!("PDF rendering failed: {e}"));
    let (doc, page, layer) = PdfDocument::new("Báo cáo kết quả", Mm(210.0), Mm(297.0), "report");
    let fonts = Fonts::load(&doc).map_err(|e| fail(&e))?;
    let layer = doc.get_page(page).get_layer(layer);
    let mut w = Flow { doc: &doc, fonts: &fonts, layer, y: 280.0 };
    fonts.centred(&w.layer, &r.institution_name.to_uppercase(), (10.0, true), (55.0, w.y), 95.0);
    fonts.centred(&w.layer, "ĐẢNG CỘNG SẢN VIỆT NAM", (10.0, true), (155.0, w.y), 95.0);
    w.y -= 14.0;
    fonts.centred(&w.layer, "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ", (14.0, true), (105.0, w.y), 180.0);
    w.y -= 7.0;
    let period = format!("Từ ngày {} đến ngày {}", r.from.format("%d/%m/%Y"), r.to.format("%d/%m/%Y"));
    fonts.centred(&w.layer, &period, (11.0, false), (105.0, w.y), 180.0);
    w.y -= 10.0;
    let t = &r.totals;
    w.para("I. KẾT QUẢ CHUNG", 11.0, true, 0.0);
    w.para(&format!("Mở {} lớp với {} lượt học viên.", t.classes, t.trainee_turns), 10.5, false, 4.0);
    for p in &r.plan {
        let f = &p.including_children;
        w.para(
            &format!(
                "{} — {}: kế hoạch {} lớp, {} lượt học viên; thực hiện {} lớp, {} lượt học viên.",
                level_name(p.level),
                mode_name(p.mode),
                f.planned_classes,
                f.planned_trainee_turns,
                f.classes_opened,
                f.enrolled
            ),
            10.5,
            false,
            4.0,
        );
    }
    w.para(
        &format!(
            "Lớp không bảo đảm thời lượng: {}. Nghiên cứu thực tế: {} đợt. Kỳ thi đã tổ chức: {}. Văn bằng đã cấp: {}, thu hồi: {}.",
            t.classes_hours_not_ensured, t.field_trips, t.exams_held, t.credentials_issued, t.credentials_revoked
        ),
        10.5,
        false,
        4.0,
    );
    w.y -= 3.0;
    w.para("II. TỪNG LỚP", 11.0, true, 0.0);
    for k in &r.classes {
        w.para(&format!("Lớp {} — {} ({} học viên)", k.code, k.title, k.trainee_turns), 10.5, true, 4.0);
        let ensured = if k.hours_ensured { "bảo đảm" } else { "KHÔNG BẢO ĐẢM" };
        w.para(&format!("Thời lượng: {ensured}"), 10.5, false, 10.0);
        for m in &k.modules {
            w.para(
                &format!(
                    "{} {}: chương trình {} tiết, thời khóa biểu {} tiết, đã điểm danh {} tiết",
                    m.code,
                    m.title,
                    m.program_hours,
                    decimal(m.timetabled_hours),
                    decimal(m.roll_taken_hours)
                ),
                10.0,
                false,
                10.0,
            );
        }
    }
    w.y -= 3.0;
    w.para("III. ĐỘI NGŨ GIẢNG VIÊN", 11.0, true, 0.0);
    for l in &r.lecturers {
        let line =
            format!("{}: {} người, {} buổi, {} tiết", kind_name(l.kind), l.lecturers, l.sessions, decimal(l.periods));
        w.para(&line, 10.5, false, 4.0);
    }
    doc.save_to_bytes().map_err(|e| fail(&e))
}
