//! The values people type in a spreadsheet (dd/mm/yyyy dates, "Nam"/"Nữ", "Đại học" …) read
//! into the record's values, and the same labels written back out, so an exported list imports
//! again.

use chrono::NaiveDate;

use super::model::*;
use crate::text::fold;

/// A date as people type it: dd/mm/yyyy, d-m-yyyy, dd.mm.yyyy or yyyy-mm-dd.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    for f in ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Ok(d);
        }
    }
    Err("is not a date (dd/mm/yyyy)".into())
}

fn pick<T: Copy>(s: &str, table: &[(&[&str], T)], what: &str) -> Result<T, String> {
    let f = fold(s).replace(['_', '-'], " ");
    table
        .iter()
        .find(|(names, _)| names.iter().any(|n| fold(n).replace(['_', '-'], " ") == f))
        .map(|(_, v)| *v)
        .ok_or_else(|| format!("is not a known {what}"))
}

pub fn parse_gender(s: &str) -> Result<Gender, String> {
    pick(s, &[(&["Nam", "male", "m"], Gender::Male), (&["Nữ", "female", "f"], Gender::Female)], "gender (Nam / Nữ)")
}

pub fn parse_education(s: &str) -> Result<EducationLevel, String> {
    use EducationLevel::*;
    pick(
        s,
        &[
            (&["Tiểu học", "primary"], Primary),
            (&["Trung học cơ sở", "THCS", "lower_secondary"], LowerSecondary),
            (&["Trung học phổ thông", "THPT", "upper_secondary"], UpperSecondary),
            (&["Trung cấp", "vocational"], Vocational),
            (&["Cao đẳng", "college"], College),
            (&["Đại học", "university"], University),
            (&["Thạc sĩ", "master"], Master),
            (&["Tiến sĩ", "doctorate"], Doctorate),
        ],
        "education level",
    )
}

pub fn parse_party(s: &str) -> Result<PartyStatus, String> {
    pick(
        s,
        &[
            (&["Không", "none", "Chưa"], PartyStatus::None),
            (&["Dự bị", "Đảng viên dự bị", "probationary"], PartyStatus::Probationary),
            (&["Chính thức", "Đảng viên chính thức", "full"], PartyStatus::Full),
        ],
        "party status (Không / Dự bị / Chính thức)",
    )
}

pub fn parse_llct(s: &str) -> Result<LlctLevel, String> {
    pick(
        s,
        &[
            (&["Không", "Chưa có", "none"], LlctLevel::None),
            (&["Sơ cấp", "elementary"], LlctLevel::Elementary),
            (&["Trung cấp", "intermediate"], LlctLevel::Intermediate),
            (&["Cao cấp", "Cử nhân", "advanced"], LlctLevel::Advanced),
        ],
        "LLCT level (Sơ cấp / Trung cấp / Cao cấp)",
    )
}

pub fn parse_kind(s: &str) -> Result<LecturerKind, String> {
    pick(
        s,
        &[
            (&["Chuyên trách", "Cơ hữu", "full_time"], LecturerKind::FullTime),
            (&["Kiêm chức", "concurrent"], LecturerKind::Concurrent),
            (&["Thỉnh giảng", "visiting"], LecturerKind::Visiting),
        ],
        "lecturer kind (Chuyên trách / Kiêm chức / Thỉnh giảng)",
    )
}

pub fn parse_rank(s: &str) -> Result<LecturerRank, String> {
    pick(
        s,
        &[
            (&["Giảng viên", "lecturer"], LecturerRank::Lecturer),
            (&["Giảng viên chính", "principal_lecturer"], LecturerRank::PrincipalLecturer),
            (&["Giảng viên cao cấp", "senior_lecturer"], LecturerRank::SeniorLecturer),
        ],
        "rank",
    )
}

pub fn parse_degree(s: &str) -> Result<Degree, String> {
    pick(
        s,
        &[
            (&["Đại học", "Cử nhân", "Kỹ sư", "bachelor"], Degree::Bachelor),
            (&["Thạc sĩ", "master"], Degree::Master),
            (&["Tiến sĩ", "doctorate"], Degree::Doctorate),
        ],
        "degree (Đại học / Thạc sĩ / Tiến sĩ)",
    )
}

/// A whole percentage as typed: "-10", "-10 %", "+5%".
pub fn parse_percent(s: &str) -> Result<i32, String> {
    let t: String = s.trim().trim_end_matches('%').chars().filter(|c| !c.is_whitespace()).collect();
    t.trim_start_matches('+').parse::<i32>().map_err(|_| "is not a whole percentage".to_string())
}

pub fn parse_bool(s: &str) -> Result<bool, String> {
    pick(
        s,
        &[(&["x", "có", "yes", "true", "1"], true), (&["không", "no", "false", "0"], false)],
        "yes/no value (x / để trống)",
    )
}

pub(super) fn parse_year(s: &str) -> Result<i32, String> {
    s.trim().parse::<i32>().map_err(|_| "is not a year".to_string())
}

pub fn gender_label(g: Gender) -> &'static str {
    match g {
        Gender::Male => "Nam",
        Gender::Female => "Nữ",
    }
}

pub fn education_label(e: EducationLevel) -> &'static str {
    use EducationLevel::*;
    match e {
        Primary => "Tiểu học",
        LowerSecondary => "Trung học cơ sở",
        UpperSecondary => "Trung học phổ thông",
        Vocational => "Trung cấp",
        College => "Cao đẳng",
        University => "Đại học",
        Master => "Thạc sĩ",
        Doctorate => "Tiến sĩ",
    }
}

pub fn party_label(p: PartyStatus) -> &'static str {
    match p {
        PartyStatus::None => "Không",
        PartyStatus::Probationary => "Dự bị",
        PartyStatus::Full => "Chính thức",
    }
}

pub fn llct_label(l: LlctLevel) -> &'static str {
    match l {
        LlctLevel::None => "Không",
        LlctLevel::Elementary => "Sơ cấp",
        LlctLevel::Intermediate => "Trung cấp",
        LlctLevel::Advanced => "Cao cấp",
    }
}

pub fn degree_label(d: Degree) -> &'static str {
    match d {
        Degree::Bachelor => "Đại học",
        Degree::Master => "Thạc sĩ",
        Degree::Doctorate => "Tiến sĩ",
    }
}

pub fn kind_label(k: LecturerKind) -> &'static str {
    match k {
        LecturerKind::FullTime => "Chuyên trách",
        LecturerKind::Concurrent => "Kiêm chức",
        LecturerKind::Visiting => "Thỉnh giảng",
    }
}

pub fn rank_label(r: LecturerRank) -> &'static str {
    match r {
        LecturerRank::Lecturer => "Giảng viên",
        LecturerRank::PrincipalLecturer => "Giảng viên chính",
        LecturerRank::SeniorLecturer => "Giảng viên cao cấp",
    }
}
