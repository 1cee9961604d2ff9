//! The reports as files: tables for CSV and XLSX, and their bar charts.

use std::collections::BTreeMap;

use actix_web::HttpResponse;

use super::chart;
use super::dto::{Figures, ReportFormat, Summary, WorkloadQuery, WorkloadRow};
use crate::certificates::issue::{level_name, mode_name};
use crate::error::ApiError;
use crate::http::export::{self, Cell, Format, Table};
use crate::people::labels::{kind_label, llct_label, rank_label};
use crate::programs::model::Level;

/// The answer in the format asked: JSON, a table as CSV or XLSX, or the chart.
pub fn respond<T: serde::Serialize>(
    format: Option<ReportFormat>,
    body: &T,
    table: impl FnOnce() -> Table,
    chart: impl FnOnce() -> Result<String, ApiError>,
) -> Result<HttpResponse, ApiError> {
    match format {
        Some(ReportFormat::Csv) => export::respond(Format::Csv, &table()),
        Some(ReportFormat::Xlsx) => export::respond(Format::Xlsx, &table()),
        Some(ReportFormat::Svg) => Ok(HttpResponse::Ok().content_type("image/svg+xml").body(chart()?)),
        Some(ReportFormat::Json) | None => Ok(HttpResponse::Ok().json(body)),
    }
}

/// The period as a title says it: the year, or the first and last day.
fn period(report: &Summary) -> String {
    match report.year {
        Some(y) => format!("năm {y}"),
        None => format!("từ {} đến {}", report.from.format("%d/%m/%Y"), report.to.format("%d/%m/%Y")),
    }
}

/// Trainee-turns and graduates by level (or by the groups asked) at the first (top) institution.
pub fn summary_chart(report: &Summary) -> Result<String, ApiError> {
    if !report.groups.is_empty() {
        let top = report.groups[0].institution_id;
        let groups: Vec<_> = report.groups.iter().filter(|g| g.institution_id == top).collect();
        let labels: Vec<String> = groups.iter().map(|g| g.label.clone()).collect();
        let series = vec![
            ("Lượt học viên".to_string(), groups.iter().map(|g| g.including_children.trainee_turns as f64).collect()),
            ("Tốt nghiệp".to_string(), groups.iter().map(|g| g.including_children.graduated as f64).collect()),
        ];
        return chart::bars(&format!("Đào tạo lý luận chính trị {}", period(report)), &labels, &series);
    }
    let top = report.rows.first().map(|r| r.institution_id);
    let mut by_level: BTreeMap<Level, (f64, f64)> = BTreeMap::new();
    for r in report.rows.iter().filter(|r| Some(r.institution_id) == top) {
        let e = by_level.entry(r.level).or_default();
        e.0 += r.including_children.trainee_turns as f64;
        e.1 += r.including_children.graduated as f64;
    }
    let labels: Vec<String> = by_level.keys().map(|l| level_name(*l).to_string()).collect();
    let series = vec![
        ("Lượt học viên".to_string(), by_level.values().map(|v| v.0).collect()),
        ("Tốt nghiệp".to_string(), by_level.values().map(|v| v.1).collect()),
    ];
    chart::bars(&format!("Đào tạo lý luận chính trị {}", period(report)), &labels, &series)
}

/// One line per institution, level and mode (or per institution and group, when grouped), with
/// the figures of its whole subtree.
pub fn summary_table(report: &Summary) -> Table {
    let lines: Vec<(&str, String, String, &Figures)> = if report.groups.is_empty() {
        let name =
            |r: &crate::reports::dto::SummaryRow| (level_name(r.level).to_string(), mode_name(r.mode).to_string());
        report.rows.iter().map(|r| (r.institution_name.as_str(), name(r).0, name(r).1, &r.including_children)).collect()
    } else {
        report
            .groups
            .iter()
            .map(|g| (g.institution_name.as_str(), g.label.clone(), String::new(), &g.including_children))
            .collect()
    };
    let mut rows: Vec<Vec<Cell>> = lines
        .into_iter()
        .map(|(inst, first, second, f)| {
            let band = |k: &str| Cell::from(f.by_classification.get(k).copied().unwrap_or(0));
            vec![
                Cell::from(inst),
                first.into(),
                second.into(),
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
                Cell::Empty,
            ]
        })
        .collect();
    if report.groups.is_empty() {
        // Paper-era credentials, after the classes: their level and count, nothing else.
        for r in &report.recorded {
            let mut line =
                vec![Cell::from(r.institution_name.as_str()), llct_label(r.level).into(), "Ghi từ sổ gốc".into()];
            line.extend(std::iter::repeat_n(Cell::Empty, 10));
            line.push(r.including_children.into());
            rows.push(line);
        }
    }
    let (first, second) = if report.groups.is_empty() { ("Trình độ", "Hình thức") } else { ("Nhóm", "") };
    let headers = vec![
        "Cơ sở (gồm đơn vị trực thuộc)",
        first,
        second,
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
        "Văn bằng ghi từ sổ gốc",
    ];
    Table { name: format!("tong-hop-{}-{}", report.from, report.to), headers, rows }
}

/// Periods taught against the norm for the period, per lecturer.
pub fn workload_chart(q: &WorkloadQuery, rows: &[WorkloadRow]) -> Result<String, ApiError> {
    let labels: Vec<String> = rows.iter().map(|r| r.full_name.clone()).collect();
    let series = vec![
        ("Giờ chuẩn".to_string(), rows.iter().map(|r| r.standard_hours).collect()),
        ("Định mức trong kỳ".to_string(), rows.iter().map(|r| r.norm_for_period.unwrap_or(0.0)).collect()),
    ];
    let title = format!("Giờ giảng từ {} đến {}", q.from.format("%d/%m/%Y"), q.to.format("%d/%m/%Y"));
    chart::bars(&title, &labels, &series)
}

pub fn workload_table(q: &WorkloadQuery, rows: &[WorkloadRow]) -> Table {
    let table_rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                Cell::from(r.full_name.as_str()),
                kind_label(r.kind).into(),
                rank_label(r.rank).into(),
                r.sessions.into(),
                Cell::Num(r.periods),
                r.papers_marked.into(),
                r.reports_graded.into(),
                r.field_study_days.into(),
                r.sittings_invigilated.into(),
                Cell::Num(r.standard_hours),
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
        "Số bài thi đã chấm",
        "Số bài thu hoạch đã chấm",
        "Số ngày hướng dẫn thực tế",
        "Số buổi coi thi",
        "Giờ chuẩn",
        "Định mức năm",
        "Định mức trong kỳ",
        "% định mức",
    ];
    Table { name: format!("gio-giang-{}-{}", q.from, q.to), headers, rows: table_rows }
}
