//! Queries over the records copied from paper.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::dto::RecordFilter;
use super::model::CredentialRecord;
use crate::auth::{Caller, Role};
use crate::db::ids::*;
use crate::db::page::PageRequest;
use crate::db::schema::{certificates as ce, credential_records as r, learners as l};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::people::model::LlctLevel;

/// Serials looked up per statement.
const BATCH: usize = 500;

pub fn insert(conn: &mut DbConn, rows: &[CredentialRecord]) -> QueryResult<usize> {
    Ok(crate::insert_rows!(conn, r, rows))
}

/// Which of these serials are taken, as (issuer key, serial): by records already copied, and
/// by credentials the service issued (their issuer's id is their key).
pub fn serials_taken(conn: &mut DbConn, serials: &[String]) -> QueryResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for chunk in serials.chunks(BATCH) {
        out.extend(
            r::table
                .filter(r::serial.eq_any(chunk))
                .select((r::issuer_key, r::serial))
                .load::<(String, String)>(conn)?,
        );
        out.extend(
            ce::table
                .filter(ce::serial.eq_any(chunk))
                .select((ce::issuer_id, ce::serial))
                .load::<(InstitutionId, String)>(conn)?
                .into_iter()
                .map(|(i, s)| (i.to_string(), s)),
        );
    }
    Ok(out)
}

/// The learner's records with the level each gives, oldest first: what eligibility counts as
/// held on record.
pub fn held(
    conn: &mut DbConn,
    learners: &[LearnerId],
) -> QueryResult<Vec<(LearnerId, LlctLevel, CredentialRecordId, String)>> {
    r::table
        .filter(r::learner_id.eq_any(learners))
        .order((r::learner_id, r::issued_on.asc()))
        .select((r::learner_id, r::level, r::id, r::serial))
        .load(conn)
}

/// A learner's records, oldest first.
pub fn of_learner(conn: &mut DbConn, learner: LearnerId) -> QueryResult<Vec<CredentialRecord>> {
    r::table
        .filter(r::learner_id.eq(learner))
        .order(r::issued_on.asc())
        .select(CredentialRecord::as_select())
        .load(conn)
}

pub fn by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<CredentialRecord>> {
    r::table.filter(r::verification_code.eq(code)).select(CredentialRecord::as_select()).first(conn).optional()
}

/// The holder's name and date of birth.
pub fn holder(conn: &mut DbConn, learner: LearnerId) -> QueryResult<(String, NaiveDate)> {
    l::table.find(learner).select((l::full_name, l::date_of_birth)).first(conn)
}

/// A record with its holder's name and date of birth, if the caller may read it:
/// administrators whose scope keeps it, the holder. 404 otherwise.
pub fn readable(
    conn: &mut DbConn,
    caller: &Caller,
    id: CredentialRecordId,
) -> Result<(CredentialRecord, String, NaiveDate), ApiError> {
    let row = r::table
        .inner_join(l::table)
        .filter(r::id.eq(id))
        .select((CredentialRecord::as_select(), l::full_name, l::date_of_birth, l::user_id))
        .first::<(CredentialRecord, String, NaiveDate, Option<UserId>)>(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)?;
    let (rec, name, born, user) = row;
    let may = match caller.role {
        Role::Learner => user == Some(caller.user_id),
        _ => caller.scope.contains(rec.institution_id),
    };
    if may {
        Ok((rec, name, born))
    } else {
        Err(ApiError::not_found())
    }
}

/// One page of the records the caller may see, each with its holder's name and date of birth:
/// a learner their own, administrators those kept in their scope.
pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    f: &RecordFilter,
    page: &PageRequest,
) -> Result<Vec<(CredentialRecord, String, NaiveDate)>, ApiError> {
    let mut q = r::table
        .inner_join(l::table)
        .select((CredentialRecord::as_select(), l::full_name, l::date_of_birth))
        .into_boxed();
    if caller.role == Role::Learner {
        q = q.filter(l::user_id.eq(caller.user_id));
    } else {
        q = crate::within_scope!(q, &caller.scope, r::institution_id);
    }
    if let Some(x) = &f.serial {
        q = q.filter(r::serial.eq(crate::text::clean(x)));
    }
    if let Some(x) = f.learner_id {
        q = q.filter(r::learner_id.eq(x));
    }
    if let Some(x) = f.institution_id {
        q = q.filter(r::institution_id.eq(x));
    }
    if let Some(x) = &f.import_id {
        q = q.filter(r::import_id.eq(x.clone()));
    }
    if let Some(x) = f.level {
        q = q.filter(r::level.eq(x));
    }
    if let Some(y) = f.year {
        if !(1900..=2100).contains(&y) {
            return Err(ApiError::field("year", "must be between 1900 and 2100"));
        }
        let (Some(from), Some(to)) = (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y + 1, 1, 1)) else {
            return Err(ApiError::field("year", "is out of range"));
        };
        q = q.filter(r::issued_on.ge(from)).filter(r::issued_on.lt(to));
    }
    if let Some(after) = &page.after {
        q = q.filter(r::id.gt(after.clone()));
    }
    Ok(q.order(r::id.asc()).limit(page.limit + 1).load(conn)?)
}
