//! Bringing a register book in: every row checked (fields, issuer, holder, serial), then every
//! record written with the holders it needs, or nothing.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::dto::{RecordImportOut, RecordInput};
use super::model::CredentialRecord;
use super::{rules, store};
use crate::auth::Caller;
use crate::db::ids::*;
use crate::db::DbConn;
use crate::error::{ApiError, ProblemItem};
use crate::http::export::Cell;
use crate::institutions::model::Institution;
use crate::people::import::{self, col, parse_date, parse_llct, Column};
use crate::people::matching::{match_people, Described};
use crate::people::{in_row, person::rows_valid};
use crate::text::clean;

pub const COLUMNS: &[Column] = &[
    col("learner_id", &["Mã học viên"], false),
    col("full_name", &["Họ và tên", "Họ tên"], false),
    col("date_of_birth", &["Ngày sinh"], false),
    col("gender", &["Giới tính"], false),
    col("national_id", &["Số CCCD", "CCCD", "Số định danh", "CMND"], false),
    col("hometown", &["Quê quán"], false),
    col("education_level", &["Trình độ học vấn", "Trình độ chuyên môn"], false),
    col("level", &["Trình độ LLCT", "Hệ"], true),
    col("program", &["Chương trình", "Tên chương trình"], true),
    col("classification", &["Xếp loại"], false),
    col("serial", &["Số hiệu", "Số hiệu văn bằng"], true),
    col("register_no", &["Số vào sổ", "Số vào sổ cấp"], true),
    col("issued_on", &["Ngày cấp"], true),
    col("issuer_id", &["Mã cơ sở cấp"], false),
    col("issuer_name", &["Cơ sở cấp", "Tên cơ sở cấp"], false),
];

/// The template's example row: a paper from a district centre abolished in 2025.
pub fn example() -> Vec<Cell> {
    [
        "",
        "Nguyễn Thị Lan",
        "15/03/1988",
        "Nữ",
        "035188001234",
        "Hà Nam",
        "Đại học",
        "Sơ cấp",
        "Sơ cấp lý luận chính trị",
        "Khá",
        "SC-2016-00123",
        "123/2016",
        "30/06/2016",
        "",
        "Trung tâm Bồi dưỡng chính trị huyện Kim Bảng",
    ]
    .iter()
    .map(|s| Cell::from(*s))
    .collect()
}

/// Sets one field of a row from a cell.
pub fn set(r: &mut RecordInput, key: &str, v: &str) -> Result<(), String> {
    match key {
        "learner_id" => r.learner_id = Some(v.trim().parse().map_err(|_| "is not a learner id".to_string())?),
        "level" => r.level = Some(parse_llct(v)?),
        "program" => r.program = Some(clean(v)),
        "classification" => r.classification = Some(clean(v)),
        "serial" => r.serial = Some(clean(v)),
        "register_no" => r.register_no = Some(clean(v)),
        "issued_on" => r.issued_on = Some(parse_date(v)?),
        "issuer_id" => r.issuer = Some(v.trim().to_string()),
        "issuer_name" => r.issuer_name = Some(clean(v)),
        other => import::set_learner(&mut r.holder, other, v)?,
    }
    Ok(())
}

/// Where a record's import goes: the keeping institution, the register book, who copies it.
pub struct Batch<'a> {
    pub caller: &'a Caller,
    pub institution: InstitutionId,
    pub register: String,
    pub today: NaiveDate,
    pub dry_run: bool,
}

/// Checks every row and writes every record, or answers every problem at once (400), in file
/// order, as `rows[N].field`.
pub fn record_rows(
    tx: &mut DbConn,
    b: &Batch,
    rows: Vec<(usize, RecordInput)>,
    mut problems: Vec<ProblemItem>,
) -> Result<RecordImportOut, ApiError> {
    // A cell that could not be read has its problem already; the row's rules add the others.
    let unread: HashSet<String> = problems.iter().filter_map(|p| p.field.clone()).collect();
    for (n, r) in &rows {
        let found = in_row(*n, rules::row_problems(r, b.today));
        problems.extend(found.filter(|p| p.field.as_ref().is_none_or(|f| !unread.contains(f))));
    }
    let issuers = issuers(tx, b.caller, &rows, &mut problems)?;
    let described: Vec<Described> = rows
        .iter()
        .map(|(n, r)| Described { at: format!("rows[{n}]"), learner_id: r.learner_id, person: &r.holder })
        .collect();
    let people = match_people(tx, b.caller, b.institution, b.today, &described, &mut problems)?;
    let keys: Vec<String> = rows
        .iter()
        .map(|(_, r)| {
            let issuer = r.issuer.as_ref().and_then(|k| issuers.get(k));
            rules::issuer_key(issuer.map(|i| i.id), r.issuer_name.as_deref().unwrap_or_default())
        })
        .collect();
    serial_duplicates(tx, &rows, &keys, &mut problems)?;
    rows_valid(problems)?;
    let out = |recorded, import_id| RecordImportOut {
        dry_run: b.dry_run,
        rows: rows.len(),
        recorded,
        learners_matched: people.matched,
        learners_created: people.created.len(),
        import_id,
    };
    if b.dry_run {
        return Ok(out(0, None));
    }
    let import_id = uuid::Uuid::now_v7().to_string();
    let at = crate::db::now();
    let records: Vec<CredentialRecord> = rows
        .iter()
        .zip(&keys)
        .zip(&people.holders)
        .map(|(((_, r), key), holder)| {
            let issuer = r.issuer.as_ref().and_then(|k| issuers.get(k));
            CredentialRecord {
                id: CredentialRecordId::new(),
                institution_id: b.institution,
                learner_id: people.learner_of(*holder),
                level: r.level.unwrap_or(crate::people::model::LlctLevel::None),
                program_title: r.program.clone().unwrap_or_default(),
                classification: r.classification.clone().filter(|s| !s.is_empty()),
                serial: r.serial.clone().unwrap_or_default(),
                register_no: r.register_no.clone().unwrap_or_default(),
                issued_on: r.issued_on.unwrap_or_default(),
                issuer_id: issuer.map(|i| i.id),
                issuer_name: r
                    .issuer_name
                    .clone()
                    .filter(|s| !s.is_empty())
                    .or_else(|| issuer.map(|i| i.name.clone()))
                    .unwrap_or_default(),
                issuer_key: key.clone(),
                verification_code: crate::certificates::issue::verification_code(),
                register: b.register.clone(),
                import_id: import_id.clone(),
                recorded_by: b.caller.user_id,
                recorded_at: at,
                version: 1,
                created_at: at,
                updated_at: at,
            }
        })
        .collect();
    crate::people::store::insert_learners(tx, &people.created)?;
    let recorded = store::insert(tx, &records)?;
    Ok(out(recorded, Some(import_id)))
}

/// The issuing institutions the rows name by id or code; a row naming none of the service's, or
/// one outside the caller's institutions, has a problem.
fn issuers(
    tx: &mut DbConn,
    caller: &Caller,
    rows: &[(usize, RecordInput)],
    problems: &mut Vec<ProblemItem>,
) -> Result<HashMap<String, Institution>, ApiError> {
    let mut keys: Vec<String> = rows.iter().filter_map(|(_, r)| r.issuer.clone()).collect();
    keys.sort();
    keys.dedup();
    let found = crate::institutions::store::by_codes_or_ids(tx, &keys)?;
    let mut by_key = HashMap::new();
    for k in keys {
        if let Some(i) = found.iter().find(|i| i.code == k || i.id.to_string() == k) {
            by_key.insert(k, i.clone());
        }
    }
    for (n, r) in rows {
        let Some(k) = &r.issuer else { continue };
        let problem = match by_key.get(k) {
            None => "is not an institution of the service; name an abolished one in issuer_name",
            Some(i) if !caller.scope.contains(i.id) => "is not one of your institutions",
            Some(_) => continue,
        };
        problems.push(ProblemItem::field(format!("rows[{n}].issuer_id"), problem));
    }
    Ok(by_key)
}

/// A serial already used by the same issuer: earlier in the file, recorded before, or issued
/// through the service.
fn serial_duplicates(
    tx: &mut DbConn,
    rows: &[(usize, RecordInput)],
    keys: &[String],
    problems: &mut Vec<ProblemItem>,
) -> Result<(), ApiError> {
    let mut serials: Vec<String> = rows.iter().filter_map(|(_, r)| r.serial.clone()).collect();
    serials.sort();
    serials.dedup();
    let taken: HashSet<(String, String)> = store::serials_taken(tx, &serials)?.into_iter().collect();
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    for ((n, r), key) in rows.iter().zip(keys) {
        let Some(serial) = r.serial.as_deref().filter(|s| !s.is_empty()) else { continue };
        let field = format!("rows[{n}].serial");
        if let Some(first) = seen.insert((key.as_str(), serial), *n) {
            problems.push(ProblemItem::field(field, format!("same serial and issuer as row {first}")));
        } else if taken.contains(&(key.clone(), serial.to_string())) {
            problems.push(ProblemItem::field(field, "is already recorded for this issuer"));
        }
    }
    Ok(())
}
