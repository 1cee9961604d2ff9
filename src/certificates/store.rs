//! Queries over credentials and the register book.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::dto::CertificateFilter;
use super::issue::find;
use super::model::*;
use crate::auth::{Caller, Permission, Role};
use crate::db::ids::*;
use crate::db::page::PageRequest;
use crate::db::schema::{certificates as c, register_entries as re};
use crate::db::DbConn;
use crate::error::ApiError;

/// The credential if the caller may read it: administrators whose scope holds it, the holder.
/// 404 otherwise; lecturers have no access (403).
pub fn readable(conn: &mut DbConn, caller: &Caller, id: CertificateId) -> Result<Certificate, ApiError> {
    let cert = find(conn, id)?.ok_or_else(ApiError::not_found)?;
    match caller.role {
        Role::Learner => {
            if crate::people::store::learner_of_user(conn, caller.user_id)? == Some(cert.learner_id) {
                Ok(cert)
            } else {
                Err(ApiError::not_found())
            }
        }
        Role::Lecturer | Role::UnitOfficer => Err(ApiError::Forbidden),
        Role::SystemAdmin | Role::InstitutionAdmin | Role::Inspector => {
            if caller.scope.contains(cert.institution_id) {
                Ok(cert)
            } else {
                Err(ApiError::not_found())
            }
        }
    }
}

pub fn writable(conn: &mut DbConn, caller: &Caller, id: CertificateId) -> Result<Certificate, ApiError> {
    caller.require(Permission::IssueCredentials)?;
    readable(conn, caller, id)
}

/// A class's valid credentials in number order (what is printed).
pub fn valid_of_cohort(conn: &mut DbConn, cohort: CohortId) -> QueryResult<Vec<Certificate>> {
    c::table
        .filter(c::cohort_id.eq(cohort))
        .filter(c::status.eq(CertificateStatus::Valid))
        .order((c::year, c::number))
        .select(Certificate::as_select())
        .load(conn)
}

/// The learner's credentials issued here and still valid (not revoked, not replaced), with the
/// level of their program: what eligibility counts as held without the learner declaring it.
pub fn held_here(
    conn: &mut DbConn,
    learners: &[LearnerId],
) -> QueryResult<Vec<(LearnerId, crate::programs::model::Level, CertificateId, String)>> {
    use crate::db::schema::{cohorts as co, programs as p};
    c::table
        .inner_join(co::table.on(co::id.eq(c::cohort_id)))
        .inner_join(p::table.on(p::id.eq(co::program_id)))
        .filter(c::learner_id.eq_any(learners))
        .filter(c::status.eq(CertificateStatus::Valid))
        .order((c::learner_id, c::issued_at.asc()))
        .select((c::learner_id, p::level, c::id, c::serial))
        .load(conn)
}

/// A learner's credentials, oldest first.
pub fn of_learner(conn: &mut DbConn, learner: LearnerId) -> QueryResult<Vec<Certificate>> {
    c::table.filter(c::learner_id.eq(learner)).order(c::issued_at.asc()).select(Certificate::as_select()).load(conn)
}

/// One page of the credentials the caller may see: a learner their own, administrators those in
/// their scope.
pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    f: &CertificateFilter,
    page: &PageRequest,
) -> Result<Vec<Certificate>, ApiError> {
    let mut q = c::table.select(Certificate::as_select()).into_boxed();
    if caller.role == Role::Learner {
        let me = crate::people::store::learner_of_user(conn, caller.user_id)?;
        q = q.filter(c::learner_id.nullable().eq(me));
    } else {
        q = crate::within_scope!(q, &caller.scope, c::institution_id);
    }
    if let Some(x) = f.cohort_id {
        q = q.filter(c::cohort_id.eq(x));
    }
    if let Some(x) = f.learner_id {
        q = q.filter(c::learner_id.eq(x));
    }
    if let Some(x) = f.institution_id {
        q = q.filter(c::institution_id.eq(x));
    }
    if let Some(x) = f.status {
        q = q.filter(c::status.eq(x));
    }
    if let Some(x) = f.year {
        q = q.filter(c::year.eq(x));
    }
    if let Some(x) = &f.serial {
        q = q.filter(c::serial.eq(x.clone()));
    }
    if let Some(after) = &page.after {
        q = q.filter(c::id.gt(after.clone()));
    }
    Ok(q.order(c::id.asc()).limit(page.limit + 1).load(conn)?)
}

/// One page of the register book in the caller's scope, optionally for one institution, class
/// or year (UTC).
pub fn register(
    conn: &mut DbConn,
    caller: &Caller,
    institution: Option<InstitutionId>,
    cohort: Option<CohortId>,
    year: Option<i32>,
    page: &PageRequest,
) -> Result<Vec<RegisterEntry>, ApiError> {
    let mut q = re::table.select(RegisterEntry::as_select()).into_boxed();
    q = crate::within_scope!(q, &caller.scope, re::institution_id);
    if let Some(x) = institution {
        q = q.filter(re::institution_id.eq(x));
    }
    if let Some(x) = cohort {
        q = q.filter(re::cohort_id.eq(x));
    }
    if let Some(y) = year {
        let start = NaiveDate::from_ymd_opt(y, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
        let end = NaiveDate::from_ymd_opt(y + 1, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
        match (start, end) {
            (Some(s), Some(e)) => q = q.filter(re::at.ge(s)).filter(re::at.lt(e)),
            _ => return Err(ApiError::field("year", "is out of range")),
        }
    }
    if let Some(after) = &page.after {
        q = q.filter(re::id.gt(after.clone()));
    }
    Ok(q.order(re::id.asc()).limit(page.limit + 1).load(conn)?)
}

/// The issuer's next entry in its revocation status lists.
pub fn next_status_index(conn: &mut DbConn, issuer: InstitutionId) -> QueryResult<i64> {
    let max: Option<i64> =
        c::table.filter(c::issuer_id.eq(issuer)).select(diesel::dsl::max(c::status_index)).first(conn)?;
    Ok(max.map_or(0, |m| m + 1))
}

/// The entries in `from..to` of the issuer's credentials no longer in force (revoked or replaced).
pub fn withdrawn_entries(conn: &mut DbConn, issuer: InstitutionId, from: i64, to: i64) -> QueryResult<Vec<i64>> {
    c::table
        .filter(c::issuer_id.eq(issuer))
        .filter(c::status.ne(CertificateStatus::Valid))
        .filter(c::status_index.ge(from))
        .filter(c::status_index.lt(to))
        .select(c::status_index.assume_not_null())
        .load(conn)
}
