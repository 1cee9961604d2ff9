//! People: learners [học viên] and lecturers [giảng viên], with optional login accounts,
//! duplicate detection across an institution tree, spreadsheet import and export, search without
//! accents and Vietnamese ordering.
//!
//! Invariants: a person belongs to one institution and is seen only within its scope (a learner
//! also sees their own record); the same person (national id, or name and date of birth) is not
//! recorded twice in one institution tree; an import writes all rows or none; names are NFC and
//! carry search and sort keys computed here.

pub mod dto;
pub mod import;
pub mod labels;
pub mod learners_http;
pub mod lecturer_dto;
pub mod lecturers_http;
pub mod matching;
pub mod merge;
pub mod model;
pub mod names;
pub mod person;
pub mod personal_data;
pub mod rules;
pub mod store;
pub mod transcript;

use crate::auth::{Caller, Role, Scope};
use crate::db::ids::{InstitutionId, UserId};
use crate::db::DbConn;
use crate::error::{ApiError, ProblemItem};

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    learners_http::routes(cfg);
    lecturers_http::routes(cfg);
    personal_data::routes(cfg);
    transcript::routes(cfg);
    merge::routes(cfg);
}

/// The institution a new record belongs to: the one asked for, else the caller's own; it must
/// be in the caller's scope.
pub fn home_institution(
    tx: &mut DbConn,
    caller: &Caller,
    asked: Option<InstitutionId>,
) -> Result<InstitutionId, ApiError> {
    let id = asked.or(caller.institution_id).ok_or_else(|| ApiError::field("institution_id", "is required"))?;
    let home = crate::institutions::store::get(tx, &caller.scope, id)
        .map_err(|_| ApiError::field("institution_id", "no such institution in your scope"))?;
    crate::institutions::store::accepts_records(&home)?;
    Ok(id)
}

/// Checks an account to link: it exists in scope and has the expected role.
pub fn account_problem(
    tx: &mut DbConn,
    scope: &Scope,
    user: UserId,
    role: Role,
) -> Result<Option<ProblemItem>, ApiError> {
    Ok(match crate::users::store::get(tx, scope, user) {
        Ok(u) if u.role == role => None,
        Ok(_) => Some(ProblemItem::field("user_id", format!("the account must have the role {role}"))),
        Err(_) => Some(ProblemItem::field("user_id", "no such account in your scope")),
    })
}

/// Adds `rows[N].` to the field of each problem of one import row.
pub fn in_row(n: usize, items: Vec<ProblemItem>) -> impl Iterator<Item = ProblemItem> {
    under(&format!("rows[{n}]"), items)
}

/// Puts each problem's field under `at` (`people[2]` + `.full_name`).
pub fn under(at: &str, items: Vec<ProblemItem>) -> impl Iterator<Item = ProblemItem> {
    let at = at.to_string();
    items.into_iter().map(move |mut p| {
        p.field = Some(format!("{at}.{}", p.field.unwrap_or_default()));
        p
    })
}

/// Most problems one import answer lists.
pub const MAX_IMPORT_PROBLEMS: usize = 1000;
