//! The papers of a sitting: the room list the invigilators check candidates against, and the
//! score sheet the graders sign [bảng điểm] — as a PDF under the institution's header, in the
//! embedded Vietnamese font, or as XLSX. Under blind marking the score sheet shows candidate codes
//! only, never names.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::http::standing_for;
use super::model::*;
use super::{rules, store};
use crate::auth::Caller;
use crate::db::ids::*;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::http::export::{self, Cell, Format, Table};
use crate::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(room_list).service(score_sheet);
}

/// `pdf` (default) or `xlsx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaperFormat {
    Pdf,
    Xlsx,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PaperQuery {
    pub format: Option<PaperFormat>,
}

/// What a paper prints: its title, the lines above the table, the table, the signatures below.
struct Paper {
    title: String,
    header: String,
    lines: Vec<String>,
    /// One table per room (or one).
    tables: Vec<(String, Table)>,
    signatures: Vec<String>,
}

/// A candidate in seating order: the script, the name, the date of birth.
type Seated = (Grade, String, NaiveDate);

/// The sealed exam, the class and the candidates in seating order, if the caller may print its
/// papers: administrators of the class, its graders and (room list only) its invigilators.
fn sitting(
    tx: &mut DbConn,
    caller: &Caller,
    id: ExamId,
    invigilators_too: bool,
) -> Result<(Exam, crate::cohorts::model::Cohort, Vec<Seated>), ApiError> {
    let exam = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
    let mut seat = standing_for(tx, caller, &exam)?;
    let invigilates = seat.lecturer.is_some_and(|me| exam.rooms.0.iter().any(|r| r.invigilators.contains(&me)));
    if seat.grader.is_none() && !(invigilators_too && invigilates) {
        seat = seat.admin()?;
    }
    if exam.status == ExamStatus::Planned {
        return Err(ApiError::conflict("not_sealed", "The candidates are known once the exam is sealed."));
    }
    let list = store::sitting(tx, id)?;
    Ok((exam, seat.cohort, list))
}

fn names(tx: &mut DbConn, ids: &[LecturerId]) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for id in ids {
        out.push(crate::people::store::find_lecturer(tx, *id)?.map(|l| l.full_name).unwrap_or_default());
    }
    Ok(out)
}

fn when(exam: &Exam) -> String {
    let mut s = format!("Ngày thi: {}", exam.held_on.format("%d/%m/%Y"));
    if let Some(t) = &exam.start_time {
        s.push_str(&format!(", bắt đầu {t}"));
    }
    if let Some(m) = exam.duration_minutes {
        s.push_str(&format!(", thời gian làm bài {m} phút"));
    }
    s
}

fn heading(
    tx: &mut DbConn,
    exam: &Exam,
    cohort: &crate::cohorts::model::Cohort,
) -> Result<(String, Vec<String>), ApiError> {
    let header = crate::institutions::store::find(tx, cohort.institution_id)?.map(|i| i.name).unwrap_or_default();
    let subject = exam.subject_code.as_deref().map(|s| format!(" — môn {s}")).unwrap_or_default();
    Ok((
        header,
        vec![format!("{}{subject}", exam.title), format!("Lớp {} — {}", cohort.code, cohort.title), when(exam)],
    ))
}

/// The room list: room by room, the candidates seated there with a column to sign, and the
/// invigilators.
fn room_paper(
    tx: &mut DbConn,
    exam: &Exam,
    cohort: &crate::cohorts::model::Cohort,
    list: &[Seated],
) -> Result<Paper, ApiError> {
    let (header, lines) = heading(tx, exam, cohort)?;
    let seats = rules::seat_rooms(list.len(), &exam.rooms.0).unwrap_or_else(|_| vec![0; list.len()]);
    let rooms: Vec<Room> = if exam.rooms.0.is_empty() {
        vec![Room {
            name: exam.place.clone().unwrap_or_else(|| "Phòng thi".into()), capacity: 0, invigilators: vec![]
        }]
    } else {
        exam.rooms.0.clone()
    };
    let mut tables = Vec::new();
    let mut signatures = Vec::new();
    for (i, room) in rooms.iter().enumerate() {
        let rows: Vec<Vec<Cell>> = list
            .iter()
            .zip(&seats)
            .filter(|(_, r)| **r == i)
            .enumerate()
            .map(|(n, ((_, name, born), _))| {
                vec![
                    Cell::Int((n + 1) as i64),
                    name.as_str().into(),
                    born.format("%d/%m/%Y").to_string().into(),
                    Cell::Empty,
                ]
            })
            .collect();
        let who = names(tx, &room.invigilators)?;
        signatures.extend(who.iter().map(|n| format!("Cán bộ coi thi ({}): {n}", room.name)));
        let table = Table {
            name: "danh-sach-phong-thi".into(),
            headers: vec!["STT", "Họ và tên", "Ngày sinh", "Ký tên"],
            rows,
        };
        tables.push((format!("{} — {} thí sinh", room.name, table.rows.len()), table));
    }
    Ok(Paper { title: "DANH SÁCH THÍ SINH THEO PHÒNG THI".into(), header, lines, tables, signatures })
}

/// The score sheet: each candidate (by code only under blind marking) with the marks entered,
/// and a line for each grader to sign.
fn score_paper(
    tx: &mut DbConn,
    exam: &Exam,
    cohort: &crate::cohorts::model::Cohort,
    list: &[Seated],
) -> Result<Paper, ApiError> {
    let (header, lines) = heading(tx, exam, cohort)?;
    let mark = |t: Option<i32>| t.map(|v| Cell::Num(f64::from(v) / 10.0)).unwrap_or(Cell::Empty);
    let mut list: Vec<&Seated> = list.iter().collect();
    if exam.blind {
        list.sort_by(|a, b| a.0.code.cmp(&b.0.code));
    }
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .enumerate()
        .map(|(n, (g, name, born))| {
            let who: Vec<Cell> = if exam.blind {
                vec![g.code.as_str().into()]
            } else {
                vec![name.as_str().into(), born.format("%d/%m/%Y").to_string().into()]
            };
            let presence = match g.presence {
                Presence::Sat => "",
                Presence::Absent => "Vắng",
                Presence::Excused => "Có phép",
            };
            let mut row = vec![Cell::Int((n + 1) as i64)];
            row.extend(who);
            row.extend([mark(g.first_tenths), mark(g.second_tenths), mark(g.value_tenths), presence.into()]);
            row
        })
        .collect();
    let mut headers = vec!["STT"];
    headers.extend(if exam.blind { vec!["Số phách"] } else { vec!["Họ và tên", "Ngày sinh"] });
    headers.extend(["Điểm chấm 1", "Điểm chấm 2", "Điểm thống nhất", "Ghi chú"]);
    let ids = store::graders(tx, exam.id)?;
    let graders = names(tx, &ids)?;
    let signatures = graders.iter().enumerate().map(|(i, n)| format!("Cán bộ chấm thi {}: {n}", i + 1)).collect();
    let table = Table { name: "bang-diem".into(), headers, rows };
    Ok(Paper { title: "BẢNG ĐIỂM THI".into(), header, lines, tables: vec![(String::new(), table)], signatures })
}

/// The paper as A4 pages: the header, the title, the lines, each table with its caption, the
/// signature lines.
fn pdf(p: &Paper) -> Result<Vec<u8>, ApiError> {
    use printpdf::{Mm, PdfDocument};
    let fail = |e: &dyn std::fmt::Display| ApiError::Internal(format!("PDF rendering failed: {e}"));
    let (doc, page, layer) = PdfDocument::new(&p.title, Mm(210.0), Mm(297.0), "paper");
    let f = crate::certificates::pdf::Fonts::load(&doc).map_err(|e| fail(&e))?;
    let mut layer = doc.get_page(page).get_layer(layer);
    let mut y = 280.0;
    f.centred(&layer, &p.header.to_uppercase(), (10.0, true), (55.0, y), 95.0);
    f.centred(&layer, "ĐẢNG CỘNG SẢN VIỆT NAM", (10.0, true), (155.0, y), 95.0);
    y -= 14.0;
    f.centred(&layer, &p.title, (14.0, true), (105.0, y), 180.0);
    y -= 8.0;
    for l in &p.lines {
        f.centred(&layer, l, (10.5, false), (105.0, y), 180.0);
        y -= 5.5;
    }
    let columns = [15.0, 27.0, 110.0, 135.0, 160.0, 185.0];
    for (caption, t) in &p.tables {
        y -= 4.0;
        if !caption.is_empty() {
            f.left(&layer, caption, 11.0, 15.0, y, true);
            y -= 6.0;
        }
        let lines = std::iter::once(t.headers.iter().map(|h| h.to_string()).collect::<Vec<_>>())
            .chain(t.rows.iter().map(|r| r.iter().map(Cell::text).collect()));
        for (n, cells) in lines.enumerate() {
            if y < 25.0 {
                let (pg, l) = doc.add_page(Mm(210.0), Mm(297.0), "paper");
                layer = doc.get_page(pg).get_layer(l);
                y = 280.0;
            }
            for (c, text) in cells.iter().enumerate().take(columns.len()) {
                f.left(&layer, text, 9.5, columns[c], y, n == 0);
            }
            y -= 5.5;
        }
    }
    y -= 8.0;
    for s in &p.signatures {
        if y < 20.0 {
            let (pg, l) = doc.add_page(Mm(210.0), Mm(297.0), "paper");
            layer = doc.get_page(pg).get_layer(l);
            y = 280.0;
        }
        f.left(&layer, &format!("{s}  (ký, ghi rõ họ tên)"), 10.0, 15.0, y, false);
        y -= 12.0;
    }
    doc.save_to_bytes().map_err(|e| fail(&e))
}

/// One table for XLSX: the tables one after another, each under its caption.
fn table(p: &Paper, name: &str) -> Table {
    let headers = p.tables.first().map(|(_, t)| t.headers.clone()).unwrap_or_default();
    let mut rows = Vec::new();
    for (caption, t) in &p.tables {
        if !caption.is_empty() {
            rows.push(vec![Cell::from(caption.as_str())]);
        }
        rows.extend(t.rows.iter().cloned());
    }
    Table { name: name.into(), headers, rows }
}

/// Which paper.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    RoomList,
    ScoreSheet,
}

/// The paper of a sealed exam, as the caller may print it, in the format asked for.
async fn print(
    caller: Caller,
    state: &AppState,
    id: ExamId,
    format: Option<PaperFormat>,
    kind: Kind,
) -> Result<HttpResponse, ApiError> {
    let paper = state
        .db
        .read(move |tx| {
            let (exam, cohort, list) = sitting(tx, &caller, id, kind == Kind::RoomList)?;
            match kind {
                Kind::RoomList => room_paper(tx, &exam, &cohort, &list),
                Kind::ScoreSheet => score_paper(tx, &exam, &cohort, &list),
            }
        })
        .await?;
    let name = if kind == Kind::RoomList { "danh-sach-phong-thi" } else { "bang-diem" };
    respond(paper, format, name).await
}

async fn respond(paper: Paper, format: Option<PaperFormat>, name: &'static str) -> Result<HttpResponse, ApiError> {
    if format == Some(PaperFormat::Xlsx) {
        return export::respond(Format::Xlsx, &table(&paper, name));
    }
    let bytes = web::block(move || pdf(&paper)).await.map_err(|_| ApiError::Internal("PDF task failed".into()))??;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("content-disposition", format!("inline; filename=\"{name}.pdf\"")))
        .insert_header(("cache-control", "private, no-store"))
        .body(bytes))
}

/// The room list of a sealed exam: room by room, the candidates seated there (by name, in
/// Vietnamese order) with a column to sign, and the invigilators. Administrators, the exam's
/// graders and its invigilators.
#[utoipa::path(tag = "exams", params(("id" = ExamId, Path), PaperQuery),
    responses((status = 200, description = "The room list", content((Vec<u8> = "application/pdf"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/exams/{id}/room-list")]
async fn room_list(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
    q: web::Query<PaperQuery>,
) -> Result<HttpResponse, ApiError> {
    print(caller, &state, id.into_inner(), q.format, Kind::RoomList).await
}

/// The score sheet of a sealed exam for the graders to sign: each candidate with the marks
/// entered so far (candidate codes only under blind marking). Administrators and the exam's
/// graders.
#[utoipa::path(tag = "exams", params(("id" = ExamId, Path), PaperQuery),
    responses((status = 200, description = "The score sheet", content((Vec<u8> = "application/pdf"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/exams/{id}/score-sheet")]
async fn score_sheet(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<ExamId>,
    q: web::Query<PaperQuery>,
) -> Result<HttpResponse, ApiError> {
    print(caller, &state, id.into_inner(), q.format, Kind::ScoreSheet).await
}
