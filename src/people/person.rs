//! What learners and lecturers share: one record kind each behind the [`Person`] trait, so
//! creating one, checking it for duplicates, importing a spreadsheet of them and the import
//! template are written once.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::QueryResult;

use super::dto::{blank_learner, blank_lecturer, ImportOut, ImportQuery, LearnerInput, LecturerInput};
use super::import::{self, Column, Sheet, LEARNER_COLUMNS, LECTURER_COLUMNS};
use super::model::{Learner, Lecturer};
use super::{account_problem, home_institution, in_row, rules, store, MAX_IMPORT_PROBLEMS};
use crate::audit::Audit;
use crate::auth::{Caller, Role};
use crate::db::ids::{InstitutionId, LearnerId, UserId};
use crate::db::DbConn;
use crate::error::{ApiError, ProblemItem, Problems};
use crate::http::export::{self, Cell, Format, Table};
use crate::AppState;

/// A kind of person record: a learner or a lecturer.
pub trait Person: Sized + Send + 'static {
    /// The fields as sent, for creation, changes and spreadsheet rows.
    type Input: Default + Send + 'static;
    /// The collection's path segment: `learners`, `lecturers`.
    const PATH: &'static str;
    /// The role of an account linked to the record.
    const ROLE: Role;
    /// The spreadsheet columns, and the import template's file name.
    const COLUMNS: &'static [Column];
    const TEMPLATE: &'static str;
    /// What a 409 says when the person is already recorded.
    const DUPLICATE: &'static str;

    fn blank(institution: InstitutionId, at: NaiveDateTime) -> Self;
    fn user_id(&self) -> Option<UserId>;
    fn set_user_id(&mut self, user: Option<UserId>);
    fn institution_asked(input: &Self::Input) -> Option<InstitutionId>;
    fn user_asked(input: &Self::Input) -> Option<Option<UserId>>;
    /// The required fields missing from the input.
    fn require(input: &Self::Input, p: &mut Problems);
    fn apply(input: Self::Input, row: &mut Self);
    /// Every problem with the record's fields.
    fn problems(&self, today: NaiveDate) -> Vec<ProblemItem>;
    /// Someone already recorded as this person in the institution tree.
    fn duplicate(tx: &mut DbConn, row: &Self) -> QueryResult<Option<String>>;
    fn insert(tx: &mut DbConn, rows: &[Self]) -> QueryResult<()>;
    /// Sets one field of an input from a spreadsheet cell.
    fn set_cell(input: &mut Self::Input, key: &str, value: &str) -> Result<(), String>;
    /// The template's example row.
    fn example() -> Vec<Cell>;
    /// The duplicates among the rows of an import and of people already recorded, as problems
    /// of those rows; `failed` tells the rows that have problems already.
    fn import_duplicates(
        tx: &mut DbConn,
        institution: InstitutionId,
        rows: &[(usize, Self)],
        failed: &dyn Fn(usize) -> bool,
        problems: &mut Vec<ProblemItem>,
    ) -> Result<(), ApiError>;
}

/// Every reason a record cannot be written: field problems, a bad account link, or a duplicate
/// of someone already recorded in the institution tree (409 naming them).
pub fn check_and_dedupe<P: Person>(
    tx: &mut DbConn,
    caller: &Caller,
    row: &P,
    mut p: Problems,
    today: NaiveDate,
    account_changed: bool,
) -> Result<(), ApiError> {
    if p.is_empty() {
        p.0.extend(row.problems(today));
    }
    if let (true, Some(u)) = (account_changed, row.user_id()) {
        p.0.extend(account_problem(tx, &caller.scope, u, P::ROLE)?);
    }
    p.finish(())?;
    if let Some(existing) = P::duplicate(tx, row)? {
        return Err(ApiError::Duplicate {
            detail: P::DUPLICATE.into(),
            existing: format!("/api/v1/{}/{existing}", P::PATH),
        });
    }
    Ok(())
}

/// A new record from `input` at the institution asked for (the caller's by default).
pub fn create<P: Person>(tx: &mut DbConn, c: &Caller, input: P::Input, today: NaiveDate) -> Result<P, ApiError> {
    let mut p = Problems::new();
    P::require(&input, &mut p);
    let inst = home_institution(tx, c, P::institution_asked(&input))?;
    let mut row = P::blank(inst, crate::db::now());
    row.set_user_id(P::user_asked(&input).flatten());
    P::apply(input, &mut row);
    check_and_dedupe(tx, c, &row, p, today, true)?;
    P::insert(tx, std::slice::from_ref(&row))?;
    Ok(row)
}

/// The rows of a spreadsheet sent as the request body, read into inputs, with the problems of
/// their cells.
pub async fn read_sheet<P: Person>(
    req: &HttpRequest,
    body: web::Bytes,
) -> Result<(Vec<(usize, P::Input)>, Vec<ProblemItem>), ApiError> {
    read_sheet_with(req, body, P::COLUMNS, P::set_cell).await
}

/// The rows of a spreadsheet sent as the request body, read with these columns into inputs,
/// with the problems of their cells.
pub async fn read_sheet_with<T: Default>(
    req: &HttpRequest,
    body: web::Bytes,
    columns: &'static [Column],
    set: fn(&mut T, &str, &str) -> Result<(), String>,
) -> Result<(Vec<(usize, T)>, Vec<ProblemItem>), ApiError> {
    let content_type = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let sheet: Sheet =
        web::block(move || import::read(&body, &content_type)).await.map_err(|_| ApiError::unavailable())??;
    let map = import::map_headers(&sheet.headers, columns)?;
    Ok(import::parse_rows(&sheet, &map, set))
}

/// An import as the API answers it: the sheet read, then every row written or none (a dry run
/// only checks), recorded in the audit trail.
pub async fn import<P: Person>(
    caller: Caller,
    audit: Audit,
    state: &AppState,
    q: &ImportQuery,
    req: &HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (inputs, problems) = read_sheet::<P>(req, body).await?;
    let (dry_run, asked, today) = (q.dry_run.unwrap_or(false), q.institution_id, state.clock.today());
    let out = audit
        .write(&state.db, move |tx| import_rows::<P>(tx, &caller, asked, inputs, problems, today, dry_run))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Writes every row or none: the problems of every row at once, in file order, else the rows
/// (not in a dry run).
pub fn import_rows<P: Person>(
    tx: &mut DbConn,
    caller: &Caller,
    asked: Option<InstitutionId>,
    inputs: Vec<(usize, P::Input)>,
    mut problems: Vec<ProblemItem>,
    today: NaiveDate,
    dry_run: bool,
) -> Result<ImportOut, ApiError> {
    let inst = home_institution(tx, caller, asked)?;
    let t = crate::db::now();
    let mut rows: Vec<(usize, P)> = Vec::with_capacity(inputs.len());
    for (n, input) in inputs {
        let mut p = Problems::new();
        P::require(&input, &mut p);
        let mut row = P::blank(inst, t);
        P::apply(input, &mut row);
        if p.is_empty() {
            p.0.extend(row.problems(today));
        }
        problems.extend(in_row(n, p.0));
        rows.push((n, row));
    }
    let failed: std::collections::HashSet<usize> = problems.iter().map(|p| row_number(p.field.as_deref())).collect();
    P::import_duplicates(tx, inst, &rows, &|n| failed.contains(&n), &mut problems)?;
    rows_valid(problems)?;
    let count = rows.len();
    if !dry_run {
        P::insert(tx, &rows.into_iter().map(|(_, r)| r).collect::<Vec<_>>())?;
    }
    Ok(ImportOut { dry_run, rows: count, created: if dry_run { 0 } else { count } })
}

/// The import template: the headers in Vietnamese and one example row, as CSV or XLSX.
pub fn template<P: Person>(format: Option<Format>) -> Result<HttpResponse, ApiError> {
    let format = if format == Some(Format::Xlsx) { Format::Xlsx } else { Format::Csv };
    let table = Table { name: P::TEMPLATE.into(), headers: import::header_row(P::COLUMNS), rows: vec![P::example()] };
    export::respond(format, &table)
}

/// Every row of an import valid, or its problems as one answer: in file order, at most
/// [`MAX_IMPORT_PROBLEMS`] of them.
pub fn rows_valid(mut problems: Vec<ProblemItem>) -> Result<(), ApiError> {
    if problems.is_empty() {
        return Ok(());
    }
    problems.sort_by_key(|p| row_number(p.field.as_deref()));
    problems.truncate(MAX_IMPORT_PROBLEMS);
    Err(ApiError::Validation(problems))
}

/// The row number in a `rows[N].field` name, for ordering problems as the file is.
fn row_number(field: Option<&str>) -> usize {
    field
        .and_then(|f| f.strip_prefix("rows["))
        .and_then(|f| f.split(']').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The accessors both kinds of record have under the same names.
macro_rules! same_fields {
    ($input:ty) => {
        fn user_id(&self) -> Option<UserId> {
            self.user_id
        }
        fn set_user_id(&mut self, user: Option<UserId>) {
            self.user_id = user;
        }
        fn institution_asked(input: &$input) -> Option<InstitutionId> {
            input.institution_id
        }
        fn user_asked(input: &$input) -> Option<Option<UserId>> {
            input.user_id
        }
        fn require(input: &$input, p: &mut Problems) {
            input.require(p)
        }
        fn apply(input: $input, row: &mut Self) {
            input.apply(row)
        }
    };
}

impl Person for Learner {
    type Input = LearnerInput;
    const PATH: &'static str = "learners";
    const ROLE: Role = Role::Learner;
    const COLUMNS: &'static [Column] = LEARNER_COLUMNS;
    const TEMPLATE: &'static str = "mau-nhap-hoc-vien";
    const DUPLICATE: &'static str =
        "This person is already recorded in the institution tree (same national id, or same name and date of birth).";

    fn blank(institution: InstitutionId, at: NaiveDateTime) -> Self {
        blank_learner(institution, at)
    }
    same_fields!(LearnerInput);
    fn problems(&self, today: NaiveDate) -> Vec<ProblemItem> {
        rules::learner_problems(self, today)
    }
    fn duplicate(tx: &mut DbConn, row: &Self) -> QueryResult<Option<String>> {
        Ok(store::learner_duplicate(tx, row)?.map(|id| id.to_string()))
    }
    fn insert(tx: &mut DbConn, rows: &[Self]) -> QueryResult<()> {
        store::insert_learners(tx, rows)
    }
    fn set_cell(input: &mut LearnerInput, key: &str, value: &str) -> Result<(), String> {
        import::set_learner(input, key, value)
    }
    fn example() -> Vec<Cell> {
        import::learner_example()
    }
    /// Learners are matched in bulk: by name and date of birth and by national id, within the
    /// file and against the institution tree.
    fn import_duplicates(
        tx: &mut DbConn,
        inst: InstitutionId,
        rows: &[(usize, Self)],
        _failed: &dyn Fn(usize) -> bool,
        problems: &mut Vec<ProblemItem>,
    ) -> Result<(), ApiError> {
        learners_within(rows, problems);
        learners_recorded(tx, inst, rows, problems)
    }
}

fn learners_within(rows: &[(usize, Learner)], problems: &mut Vec<ProblemItem>) {
    let mut by_name: HashMap<(&str, NaiveDate), usize> = HashMap::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (n, r) in rows {
        if r.name_key.is_empty() {
            continue;
        }
        if let Some(first) = by_name.insert((r.name_key.as_str(), r.date_of_birth), *n) {
            problems.push(ProblemItem::field(
                format!("rows[{n}].full_name"),
                format!("same name and date of birth as row {first}"),
            ));
        }
        if let Some(nid) = &r.national_id {
            if let Some(first) = by_id.insert(nid.as_str(), *n) {
                problems.push(ProblemItem::field(
                    format!("rows[{n}].national_id"),
                    format!("same national id as row {first}"),
                ));
            }
        }
    }
}

fn learners_recorded(
    tx: &mut DbConn,
    inst: InstitutionId,
    rows: &[(usize, Learner)],
    problems: &mut Vec<ProblemItem>,
) -> Result<(), ApiError> {
    let prefix = store::tree_prefix(tx, inst)?;
    let mut names: Vec<String> = rows.iter().map(|(_, r)| r.name_key.clone()).collect();
    names.sort();
    names.dedup();
    let known: HashMap<(String, NaiveDate), LearnerId> =
        store::learners_named(tx, &prefix, &names)?.into_iter().map(|(id, k, d)| ((k, d), id)).collect();
    let mut nids: Vec<String> = rows.iter().filter_map(|(_, r)| r.national_id.clone()).collect();
    nids.sort();
    nids.dedup();
    let known_ids: HashMap<String, LearnerId> =
        store::learners_with_national_ids(tx, &prefix, &nids)?.into_iter().map(|(id, n)| (n, id)).collect();
    for (n, r) in rows {
        if let Some(id) = known.get(&(r.name_key.clone(), r.date_of_birth)) {
            problems.push(ProblemItem::field(
                format!("rows[{n}].full_name"),
                format!("already recorded as /api/v1/learners/{id}"),
            ));
        } else if let Some(id) = r.national_id.as_ref().and_then(|x| known_ids.get(x)) {
            problems.push(ProblemItem::field(
                format!("rows[{n}].national_id"),
                format!("already recorded as /api/v1/learners/{id}"),
            ));
        }
    }
    Ok(())
}

impl Person for Lecturer {
    type Input = LecturerInput;
    const PATH: &'static str = "lecturers";
    const ROLE: Role = Role::Lecturer;
    const COLUMNS: &'static [Column] = LECTURER_COLUMNS;
    const TEMPLATE: &'static str = "mau-nhap-giang-vien";
    const DUPLICATE: &'static str =
        "This lecturer is already recorded in the institution tree (same national id, or same name and date of birth).";

    fn blank(institution: InstitutionId, at: NaiveDateTime) -> Self {
        blank_lecturer(institution, at)
    }
    same_fields!(LecturerInput);
    fn problems(&self, today: NaiveDate) -> Vec<ProblemItem> {
        rules::lecturer_problems(self, today)
    }
    fn duplicate(tx: &mut DbConn, row: &Self) -> QueryResult<Option<String>> {
        Ok(store::lecturer_duplicate(tx, row)?.map(|id| id.to_string()))
    }
    fn insert(tx: &mut DbConn, rows: &[Self]) -> QueryResult<()> {
        store::insert_lecturers(tx, rows)
    }
    fn set_cell(input: &mut LecturerInput, key: &str, value: &str) -> Result<(), String> {
        import::set_lecturer(input, key, value)
    }
    fn example() -> Vec<Cell> {
        import::lecturer_example()
    }
    /// Lecturers are few: matched by name and date of birth within the file, then one by one
    /// against the institution tree for the rows without other problems.
    fn import_duplicates(
        tx: &mut DbConn,
        _inst: InstitutionId,
        rows: &[(usize, Self)],
        failed: &dyn Fn(usize) -> bool,
        problems: &mut Vec<ProblemItem>,
    ) -> Result<(), ApiError> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (n, row) in rows {
            let key = format!("{}|{:?}", row.name_key, row.date_of_birth);
            if let Some(first) = seen.insert(key, *n) {
                problems.push(ProblemItem::field(
                    format!("rows[{n}].full_name"),
                    format!("same name and date of birth as row {first}"),
                ));
            } else if !failed(*n) {
                if let Some(id) = store::lecturer_duplicate(tx, row)? {
                    problems.push(ProblemItem::field(
                        format!("rows[{n}].full_name"),
                        format!("already recorded as /api/v1/lecturers/{id}"),
                    ));
                }
            }
        }
        Ok(())
    }
}
