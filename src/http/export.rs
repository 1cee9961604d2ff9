//! Exports of lists as CSV (UTF-8 with a byte-order mark, so spreadsheet programs show
//! Vietnamese correctly) or XLSX.

use actix_web::http::header;
use actix_web::HttpResponse;
use rust_xlsxwriter::{Format as XFormat, Workbook};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

/// Most rows one export returns.
/// The XLSX media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub const MAX_EXPORT_ROWS: i64 = 200_000;

/// `?format=` of list endpoints marked (export).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    pub fn is_file(f: Option<Format>) -> bool {
        matches!(f, Some(Format::Csv | Format::Xlsx))
    }
}

/// One cell of an exported table.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Int(i64),
    Num(f64),
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}
impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Cell {
        s.map(Cell::Text).unwrap_or(Cell::Empty)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}
impl From<i32> for Cell {
    fn from(n: i32) -> Cell {
        Cell::Int(i64::from(n))
    }
}
impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Num(n)
    }
}

impl Cell {
    /// The cell as text, as CSV writes it.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A table to export: a file name (without extension), column headers and rows.
pub struct Table {
    pub name: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// The page a list reads: everything up to the export limit when a file is asked for, else the
/// page asked for.
pub fn page_or_all(
    format: Option<Format>,
    asked: impl FnOnce() -> Result<crate::db::page::PageRequest, ApiError>,
) -> Result<crate::db::page::PageRequest, ApiError> {
    if Format::is_file(format) {
        Ok(crate::db::page::PageRequest { limit: MAX_EXPORT_ROWS, after: None })
    } else {
        asked()
    }
}

pub fn csv_bytes(t: &Table) -> Result<Vec<u8>, ApiError> {
    let mut out = "\u{FEFF}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(&t.headers).map_err(|e| ApiError::Internal(e.to_string()))?;
        for row in &t.rows {
            w.write_record(row.iter().map(Cell::text)).map_err(|e| ApiError::Internal(e.to_string()))?;
        }
        w.flush().map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    Ok(out)
}

/// Tables longer than this are written to the file row by row (the writer's constant memory
/// mode, through a temporary file) instead of held cell by cell: a province's learner list held
/// whole took 150 MB more than its rows. Their columns are sized from the header and the first
/// rows, since only a table held whole can be fitted.
const STREAMED_ROWS: usize = 2_000;

/// Column widths, in characters, from the header and the first thousand rows.
fn widths(t: &Table) -> Vec<f64> {
    let mut w: Vec<usize> = t.headers.iter().map(|h| h.chars().count()).collect();
    for row in t.rows.iter().take(1_000) {
        for (c, cell) in row.iter().enumerate().take(w.len()) {
            w[c] = w[c].max(cell.text().chars().count());
        }
    }
    w.into_iter().map(|n| (n.min(60) + 2) as f64).collect()
}

pub fn xlsx_bytes(t: &Table) -> Result<Vec<u8>, ApiError> {
    let err = |e: rust_xlsxwriter::XlsxError| ApiError::Internal(e.to_string());
    let mut wb = Workbook::new();
    let streamed = t.rows.len() > STREAMED_ROWS;
    let ws = if streamed { wb.add_worksheet_with_constant_memory() } else { wb.add_worksheet() };
    if streamed {
        for (c, w) in widths(t).into_iter().enumerate() {
            ws.set_column_width(c as u16, w).map_err(err)?;
        }
    }
    let bold = XFormat::new().set_bold();
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold).map_err(err)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string(r, c, s).map(|_| ()),
                Cell::Int(n) => ws.write_number(r, c, *n as f64).map(|_| ()),
                Cell::Num(n) => ws.write_number(r, c, *n).map(|_| ()),
                Cell::Empty => Ok(()),
            }
            .map_err(err)?;
        }
    }
    if !streamed {
        ws.autofit();
    }
    wb.save_to_buffer().map_err(err)
}

/// The table as a downloadable file in `format` (CSV or XLSX).
pub fn respond(format: Format, table: &Table) -> Result<HttpResponse, ApiError> {
    let (bytes, mime, ext) = match format {
        Format::Xlsx => (xlsx_bytes(table)?, XLSX, "xlsx"),
        _ => (csv_bytes(table)?, "text/csv; charset=utf-8", "csv"),
    };
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.{ext}\"", table.name)))
        .body(bytes))
}

/// A list's answer: the rows as a file when `format` asks for one (CSV or XLSX), else as JSON.
pub fn answer<R>(
    format: Option<Format>,
    rows: R,
    table: impl FnOnce(R) -> Table,
    json: impl FnOnce(R) -> HttpResponse,
) -> Result<HttpResponse, ApiError> {
    match format {
        Some(f @ (Format::Csv | Format::Xlsx)) => respond(f, &table(rows)),
        Some(Format::Json) | None => Ok(json(rows)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spreadsheet read back: its rows as text.
    fn read_back(bytes: Vec<u8>) -> Vec<Vec<String>> {
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    #[test]
    fn small_and_long_tables_give_the_same_spreadsheet() {
        for n in [3, STREAMED_ROWS + 500] {
            let rows = (0..n)
                .map(|i| {
                    vec![Cell::Text(format!("Nguyễn Thị Ánh {i}")), Cell::Int(i as i64), Cell::Empty, Cell::Num(7.5)]
                })
                .collect();
            let t = Table { name: "thu".into(), headers: vec!["Họ và tên", "Số", "Trống", "Điểm"], rows };
            let back = read_back(xlsx_bytes(&t).unwrap());
            assert_eq!(back.len(), n + 1, "{n} rows and the header");
            assert_eq!(back[0], ["Họ và tên", "Số", "Trống", "Điểm"]);
            assert_eq!(
                back[n],
                [format!("Nguyễn Thị Ánh {}", n - 1), (n - 1).to_string(), String::new(), "7.5".into()]
            );
        }
    }
}
