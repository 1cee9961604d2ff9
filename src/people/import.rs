//! Spreadsheets in and out: reading CSV (UTF-8, with or without BOM, comma or semicolon) and XLSX
//! files into rows of text, matching their headers (Vietnamese or API names, accents optional) to
//! fields, parsing the values people type (dd/mm/yyyy dates, "Nam"/"Nữ", "Đại học" …), and the
//! same labels back out for templates and exports, so an exported list imports again.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;

use super::dto::{LearnerInput, LecturerInput};
pub use super::labels::*;
use super::model::*;
use crate::error::{ApiError, ProblemItem};
use crate::http::export::Cell;
use crate::text::fold;

/// Most data rows one file may carry.
pub const MAX_ROWS: usize = 50_000;

/// A sheet read as text: the header row and the data rows with their row numbers in the file.
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

fn is_xlsx(bytes: &[u8], content_type: &str) -> bool {
    bytes.starts_with(b"PK\x03\x04") || content_type.contains("spreadsheetml")
}

/// Reads the first sheet of an XLSX file, or a CSV file.
pub fn read(bytes: &[u8], content_type: &str) -> Result<Sheet, ApiError> {
    let mut all: Vec<Vec<String>> = if is_xlsx(bytes, content_type) {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
            .map_err(|_| ApiError::BadRequest("The file is not a readable XLSX workbook.".into()))?;
        let range = wb
            .worksheet_range_at(0)
            .ok_or_else(|| ApiError::BadRequest("The workbook has no sheet.".into()))?
            .map_err(|_| ApiError::BadRequest("The first sheet of the workbook cannot be read.".into()))?;
        range.rows().map(|r| r.iter().map(cell_text).collect()).collect()
    } else {
        let text =
            std::str::from_utf8(bytes).map_err(|_| ApiError::BadRequest("A CSV file must be UTF-8 text.".into()))?;
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let first = text.lines().next().unwrap_or_default();
        let delimiter = if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' };
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut out = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| ApiError::BadRequest(format!("The CSV file cannot be read: {e}.")))?;
            out.push(rec.iter().map(str::to_string).collect());
        }
        out
    };
    if all.is_empty() {
        return Err(ApiError::BadRequest("The file is empty: it needs a header row.".into()));
    }
    let headers = all.remove(0).into_iter().map(|h| h.trim().to_string()).collect();
    let rows: Vec<(usize, Vec<String>)> = all
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i + 2, r))
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if rows.len() > MAX_ROWS {
        return Err(ApiError::refused("too_many_rows", format!("A file may hold at most {MAX_ROWS} rows; split it.")));
    }
    Ok(Sheet { headers, rows })
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => {
            if *b {
                "x".into()
            } else {
                String::new()
            }
        }
        Data::DateTime(d) => d.as_datetime().map(|t| t.date().format("%Y-%m-%d").to_string()).unwrap_or_default(),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// One importable column: its field, the headers it answers to (the first is printed in
/// templates and exports) and whether a file must have it.
pub struct Column {
    pub key: &'static str,
    pub headers: &'static [&'static str],
    pub required: bool,
}

pub const fn col(key: &'static str, headers: &'static [&'static str], required: bool) -> Column {
    Column { key, headers, required }
}

pub const LEARNER_COLUMNS: &[Column] = &[
    col("full_name", &["Họ và tên", "Họ tên"], true),
    col("date_of_birth", &["Ngày sinh"], true),
    col("gender", &["Giới tính"], true),
    col("ethnicity", &["Dân tộc"], false),
    col("hometown", &["Quê quán"], false),
    col("national_id", &["Số CCCD", "CCCD", "Số định danh", "CMND"], false),
    col("workplace", &["Đơn vị công tác", "Cơ quan công tác"], false),
    col("position", &["Chức vụ"], false),
    col("sending_unit", &["Đơn vị cử đi học"], false),
    col("education_level", &["Trình độ học vấn", "Trình độ chuyên môn"], true),
    col("party_status", &["Đảng viên"], false),
    col("party_admission_date", &["Ngày vào Đảng"], false),
    col("party_official_date", &["Ngày chính thức"], false),
    col("mass_org_member", &["Đoàn viên, hội viên"], false),
    col("local_official", &["Cán bộ cơ sở"], false),
    col("prior_llct_level", &["Trình độ LLCT"], false),
    col("prior_llct_year", &["Năm tốt nghiệp LLCT"], false),
    col("email", &["Email", "Thư điện tử"], false),
    col("phone", &["Số điện thoại", "Điện thoại"], false),
    col("committee_member_since", &["Cấp ủy viên từ ngày"], false),
    col("succession_post", &["Chức danh quy hoạch", "Quy hoạch"], false),
    col("succession_since", &["Quy hoạch từ ngày"], false),
];

pub const LECTURER_COLUMNS: &[Column] = &[
    col("full_name", &["Họ và tên", "Họ tên"], true),
    col("date_of_birth", &["Ngày sinh"], false),
    col("gender", &["Giới tính"], false),
    col("national_id", &["Số CCCD", "CCCD", "Số định danh", "CMND"], false),
    col("kind", &["Loại giảng viên"], true),
    col("rank", &["Ngạch"], false),
    col("academic_title", &["Học hàm, học vị"], false),
    col("subjects", &["Môn giảng dạy"], false),
    col("rate_category", &["Mức thù lao"], false),
    col("workplace", &["Đơn vị công tác", "Cơ quan công tác"], false),
    col("position", &["Chức vụ"], false),
    col("email", &["Email", "Thư điện tử"], false),
    col("phone", &["Số điện thoại", "Điện thoại"], false),
    col("degree", &["Trình độ chuyên môn", "Bằng cấp"], false),
    col("degree_on", &["Ngày cấp bằng chuyên môn"], false),
    col("llct_level", &["Trình độ LLCT"], false),
    col("llct_level_on", &["Ngày cấp bằng LLCT"], false),
    col("teaching_certificate_on", &["Ngày cấp chứng chỉ nghiệp vụ sư phạm", "Nghiệp vụ sư phạm"], false),
    col("probation_year", &["Năm tập sự"], false),
    col("norm_adjustment_pct", &["Điều chỉnh định mức (%)"], false),
];

/// Which column index of the file feeds which field; every header problem at once.
pub fn map_headers(headers: &[String], spec: &'static [Column]) -> Result<Vec<Option<&'static Column>>, ApiError> {
    let mut problems = Vec::new();
    let mut map = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let f = fold(h);
        if f.is_empty() {
            map.push(None);
            continue;
        }
        let found = spec.iter().find(|c| fold(c.key) == f || c.key == h || c.headers.iter().any(|x| fold(x) == f));
        match found {
            Some(c) if map.iter().any(|m: &Option<&Column>| m.is_some_and(|m| m.key == c.key)) => {
                problems.push(ProblemItem::field(format!("headers[{}]", i + 1), format!("column «{h}» appears twice")));
                map.push(None);
            }
            Some(c) => map.push(Some(c)),
            None => {
                problems.push(ProblemItem::field(format!("headers[{}]", i + 1), format!("unknown column «{h}»")));
                map.push(None);
            }
        }
    }
    for c in spec.iter().filter(|c| c.required) {
        if !map.iter().any(|m| m.is_some_and(|m| m.key == c.key)) {
            problems.push(ProblemItem::field("headers", format!("missing column «{}» ({})", c.headers[0], c.key)));
        }
    }
    if problems.is_empty() {
        Ok(map)
    } else {
        Err(ApiError::Validation(problems))
    }
}

fn date_cell(d: Option<NaiveDate>) -> Cell {
    d.map(|d| Cell::Text(d.format("%d/%m/%Y").to_string())).unwrap_or(Cell::Empty)
}

fn text(v: &str) -> Option<Option<String>> {
    Some(Some(v.to_string()))
}

/// Sets one learner field from a cell.
pub fn set_learner(input: &mut LearnerInput, key: &str, v: &str) -> Result<(), String> {
    match key {
        "full_name" => input.full_name = Some(v.to_string()),
        "date_of_birth" => input.date_of_birth = Some(parse_date(v)?),
        "gender" => input.gender = Some(parse_gender(v)?),
        "ethnicity" => input.ethnicity = text(v),
        "hometown" => input.hometown = text(v),
        "national_id" => input.national_id = text(v),
        "workplace" => input.workplace = text(v),
        "position" => input.position = text(v),
        "sending_unit" => input.sending_unit = text(v),
        "education_level" => input.education_level = Some(parse_education(v)?),
        "party_status" => input.party_status = Some(parse_party(v)?),
        "party_admission_date" => input.party_admission_date = Some(Some(parse_date(v)?)),
        "party_official_date" => input.party_official_date = Some(Some(parse_date(v)?)),
        "mass_org_member" => input.mass_org_member = Some(parse_bool(v)?),
        "local_official" => input.local_official = Some(parse_bool(v)?),
        "prior_llct_level" => input.prior_llct_level = Some(parse_llct(v)?),
        "prior_llct_year" => input.prior_llct_year = Some(Some(parse_year(v)?)),
        "email" => input.email = text(v),
        "phone" => input.phone = text(v),
        "committee_member_since" => input.committee_member_since = Some(Some(parse_date(v)?)),
        "succession_post" => input.succession_post = text(v),
        "succession_since" => input.succession_since = Some(Some(parse_date(v)?)),
        _ => {}
    }
    Ok(())
}

/// Sets one lecturer field from a cell; subjects are separated by semicolons.
pub fn set_lecturer(input: &mut LecturerInput, key: &str, v: &str) -> Result<(), String> {
    match key {
        "full_name" => input.full_name = Some(v.to_string()),
        "date_of_birth" => input.date_of_birth = Some(Some(parse_date(v)?)),
        "gender" => input.gender = Some(Some(parse_gender(v)?)),
        "national_id" => input.national_id = text(v),
        "kind" => input.kind = Some(parse_kind(v)?),
        "rank" => input.rank = Some(parse_rank(v)?),
        "academic_title" => input.academic_title = text(v),
        "subjects" => {
            input.subjects = Some(v.split(';').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
        }
        "rate_category" => input.rate_category = text(v),
        "workplace" => input.workplace = text(v),
        "position" => input.position = text(v),
        "email" => input.email = text(v),
        "phone" => input.phone = text(v),
        "degree" => input.degree = Some(Some(parse_degree(v)?)),
        "degree_on" => input.degree_on = Some(Some(parse_date(v)?)),
        "llct_level" => input.llct_level = Some(parse_llct(v)?),
        "llct_level_on" => input.llct_level_on = Some(Some(parse_date(v)?)),
        "teaching_certificate_on" => input.teaching_certificate_on = Some(Some(parse_date(v)?)),
        "probation_year" => input.probation_year = Some(Some(parse_year(v)?)),
        "norm_adjustment_pct" => input.norm_adjustment_pct = Some(Some(parse_percent(v)?)),
        _ => {}
    }
    Ok(())
}

/// Parses every row with `set`; returns the inputs with their row numbers, or every cell problem
/// as `rows[N].field` with the column's header in the message.
pub fn parse_rows<T: Default>(
    sheet: &Sheet,
    map: &[Option<&'static Column>],
    set: fn(&mut T, &str, &str) -> Result<(), String>,
) -> (Vec<(usize, T)>, Vec<ProblemItem>) {
    let mut out = Vec::with_capacity(sheet.rows.len());
    let mut problems = Vec::new();
    for (n, cells) in &sheet.rows {
        let mut input = T::default();
        for (i, cell) in cells.iter().enumerate() {
            let (Some(Some(col)), v) = (map.get(i), cell.trim()) else {
                continue;
            };
            if v.is_empty() {
                continue;
            }
            if let Err(m) = set(&mut input, col.key, v) {
                problems.push(ProblemItem::field(
                    format!("rows[{n}].{}", col.key),
                    format!("{}: «{v}» {m}", col.headers[0]),
                ));
            }
        }
        out.push((*n, input));
    }
    (out, problems)
}

/// The header row of a template or export.
pub fn header_row(spec: &'static [Column]) -> Vec<&'static str> {
    spec.iter().map(|c| c.headers[0]).collect()
}

pub fn learner_cells(l: &Learner) -> Vec<Cell> {
    vec![
        l.full_name.as_str().into(),
        date_cell(Some(l.date_of_birth)),
        gender_label(l.gender).into(),
        l.ethnicity.clone().into(),
        l.hometown.clone().into(),
        l.national_id.clone().into(),
        l.workplace.clone().into(),
        l.position.clone().into(),
        l.sending_unit.clone().into(),
        education_label(l.education_level).into(),
        party_label(l.party_status).into(),
        date_cell(l.party_admission_date),
        date_cell(l.party_official_date),
        (if l.mass_org_member { "x" } else { "" }).into(),
        (if l.local_official { "x" } else { "" }).into(),
        llct_label(l.prior_llct_level).into(),
        l.prior_llct_year.map(Cell::from).unwrap_or(Cell::Empty),
        l.email.clone().into(),
        l.phone.clone().into(),
        date_cell(l.committee_member_since),
        l.succession_post.clone().into(),
        date_cell(l.succession_since),
    ]
}

pub fn lecturer_cells(l: &Lecturer) -> Vec<Cell> {
    vec![
        l.full_name.as_str().into(),
        date_cell(l.date_of_birth),
        l.gender.map(|g| Cell::from(gender_label(g))).unwrap_or(Cell::Empty),
        l.national_id.clone().into(),
        kind_label(l.kind).into(),
        rank_label(l.rank).into(),
        l.academic_title.clone().into(),
        l.subjects.0.join("; ").into(),
        l.rate_category.clone().into(),
        l.workplace.clone().into(),
        l.position.clone().into(),
        l.email.clone().into(),
        l.phone.clone().into(),
        l.degree.map(|d| Cell::from(degree_label(d))).unwrap_or(Cell::Empty),
        date_cell(l.degree_on),
        llct_label(l.llct_level).into(),
        date_cell(l.llct_level_on),
        date_cell(l.teaching_certificate_on),
        l.probation_year.map(Cell::from).unwrap_or(Cell::Empty),
        l.norm_adjustment_pct.map(Cell::from).unwrap_or(Cell::Empty),
    ]
}

/// One example row for the learner template.
pub fn learner_example() -> Vec<Cell> {
    [
        "Nguyễn Thị Lan",
        "15/03/1988",
        "Nữ",
        "Kinh",
        "Hà Nam",
        "035188001234",
        "UBND xã Tiên Tân",
        "Phó Chủ tịch",
        "Đảng ủy xã Tiên Tân",
        "Đại học",
        "Chính thức",
        "10/05/2012",
        "10/05/2013",
        "",
        "x",
        "Sơ cấp",
        "2016",
        "lan.nt@tientan.gov.vn",
        "0912345678",
        "",
        "Chủ tịch UBND xã",
        "01/06/2024",
    ]
    .iter()
    .map(|s| Cell::from(*s))
    .collect()
}

pub fn lecturer_example() -> Vec<Cell> {
    [
        "Trần Văn Hùng",
        "02/09/1975",
        "Nam",
        "",
        "Kiêm chức",
        "Giảng viên",
        "Thạc sĩ",
        "SC05; SC06",
        "Loại 2",
        "Ban Tuyên giáo Tỉnh ủy",
        "Phó Trưởng ban",
        "hung.tv@hanam.gov.vn",
        "0987654321",
        "Thạc sĩ",
        "20/06/2008",
        "Cao cấp",
        "15/01/2012",
        "10/08/2010",
        "",
        "",
    ]
    .iter()
    .map(|s| Cell::from(*s))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_people_type_them() {
        assert_eq!(parse_date("05/03/1990").unwrap(), NaiveDate::from_ymd_opt(1990, 3, 5).unwrap());
        assert_eq!(parse_date("1990-03-05").unwrap(), NaiveDate::from_ymd_opt(1990, 3, 5).unwrap());
        assert!(parse_date("31/02/1990").is_err());
        assert_eq!(parse_gender("nữ").unwrap(), Gender::Female);
        assert_eq!(parse_gender("NAM").unwrap(), Gender::Male);
        assert_eq!(parse_education("dai hoc").unwrap(), EducationLevel::University);
        assert_eq!(parse_education("THPT").unwrap(), EducationLevel::UpperSecondary);
        assert_eq!(parse_party("Dự bị").unwrap(), PartyStatus::Probationary);
        assert_eq!(parse_llct("Trung cấp").unwrap(), LlctLevel::Intermediate);
        assert_eq!(parse_kind("kiem chuc").unwrap(), LecturerKind::Concurrent);
        assert_eq!(parse_rank("Giảng viên chính").unwrap(), LecturerRank::PrincipalLecturer);
        assert!(parse_bool("x").unwrap());
        assert!(parse_gender("khác").is_err());
    }

    #[test]
    fn labels_parse_back() {
        for e in EducationLevel::ALL {
            assert_eq!(parse_education(education_label(*e)).unwrap(), *e);
        }
        for p in PartyStatus::ALL {
            assert_eq!(parse_party(party_label(*p)).unwrap(), *p);
        }
        for l in LlctLevel::ALL {
            assert_eq!(parse_llct(llct_label(*l)).unwrap(), *l);
        }
        for k in LecturerKind::ALL {
            assert_eq!(parse_kind(kind_label(*k)).unwrap(), *k);
        }
        for r in LecturerRank::ALL {
            assert_eq!(parse_rank(rank_label(*r)).unwrap(), *r);
        }
        for d in Degree::ALL {
            assert_eq!(parse_degree(degree_label(*d)).unwrap(), *d);
        }
        assert_eq!(parse_percent("-10 %"), Ok(-10));
        assert_eq!(parse_percent("15"), Ok(15));
        assert!(parse_percent("mười").is_err());
        assert_eq!(learner_example().len(), LEARNER_COLUMNS.len());
        assert_eq!(lecturer_example().len(), LECTURER_COLUMNS.len());
    }

    #[test]
    fn headers_match_with_or_without_accents() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let map = map_headers(&h(&["Ho va ten", "NGÀY SINH", "gender", "Trình độ học vấn"]), LEARNER_COLUMNS).unwrap();
        assert_eq!(
            map.iter().map(|m| m.unwrap().key).collect::<Vec<_>>(),
            vec!["full_name", "date_of_birth", "gender", "education_level"]
        );
        let Err(ApiError::Validation(p)) = map_headers(&h(&["Họ và tên", "Màu mắt", "Họ tên"]), LEARNER_COLUMNS)
        else {
            panic!()
        };
        let msgs: Vec<String> = p.iter().map(|x| x.message.clone()).collect();
        assert!(msgs.iter().any(|m| m.contains("Màu mắt")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("twice")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("Ngày sinh")), "{msgs:?}");
    }
}
