//! Plan against actual as plan-vs-actual and the yearly report both read it.

use chrono::{Datelike, NaiveDate};

use super::model::{PlanVsActualRow, TrainingPlan};
use super::{rules, store};
use crate::db::ids::InstitutionId;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::reports::rules::Covered;

/// The latest approved plans of the institutions for every year `[from, to]` touches, and their
/// lines against the classes that opened from `from` to `to` inclusive.
pub fn compared(
    c: &mut DbConn,
    insts: &[Covered],
    (from, to): (NaiveDate, NaiveDate),
) -> Result<(Vec<TrainingPlan>, Vec<PlanVsActualRow>), ApiError> {
    let ids: Vec<InstitutionId> = insts.iter().map(|x| x.0).collect();
    let approved = store::newest_of(c, &ids, from.year()..=to.year(), true)?;
    let until = to.succ_opt().unwrap_or(to);
    let classes = crate::reports::rules::per_class(crate::reports::store::period_facts(c, &ids, from, until)?);
    let lines: Vec<(InstitutionId, Vec<_>)> = approved.iter().map(|p| (p.institution_id, p.lines.0.clone())).collect();
    let rows = rules::compare(insts, &lines, &classes);
    Ok((approved, rows))
}
