//! The results of a closed class as they were kept: written whole at close-out and rewritten, in
//! the same transaction, by every later change that moves a result (an appeal, a corrected roll,
//! a make-up, a conduct record, a withdrawal, a graded field report). Reads of a closed class
//! come from here; reports read the per-class counts written with them (`result_outcomes`,
//! `result_failures`).

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::service::LearnerResult;
use crate::cohorts::model::{Cohort, CohortStatus};
use crate::db::ids::{CohortId, LearnerId};
use crate::db::schema::{learners as l, result_failures as rf, result_outcomes as ro, result_snapshots as rs};
use crate::db::{now, DbConn};
use crate::error::ApiError;

#[derive(Insertable)]
#[diesel(table_name = rs, treat_none_as_default_value = false)]
struct Row {
    cohort_id: CohortId,
    learner_id: LearnerId,
    institution_id: crate::db::ids::InstitutionId,
    outcome: String,
    average_tenths: Option<i32>,
    classification: Option<String>,
    failed_on: String,
    reasons: String,
    computed_at: chrono::NaiveDateTime,
    result: Option<String>,
}

/// Replaces what is kept for `cohort` with `results`.
pub fn keep(tx: &mut DbConn, cohort: &Cohort, results: &[LearnerResult]) -> Result<(), ApiError> {
    diesel::delete(rs::table.filter(rs::cohort_id.eq(cohort.id))).execute(tx)?;
    let at = now();
    let rows: Vec<Row> = results
        .iter()
        .map(|r| Row {
            cohort_id: cohort.id,
            learner_id: r.learner_id,
            institution_id: cohort.institution_id,
            outcome: r.result.outcome.as_str().to_string(),
            average_tenths: r.result.average.map(|a| (a * 10.0).round() as i32),
            classification: r.result.classification.clone(),
            failed_on: r.result.failed_on.join(","),
            reasons: serde_json::to_string(&r.result.reasons).unwrap_or_default(),
            computed_at: at,
            result: serde_json::to_string(&r.result).ok(),
        })
        .collect();
    let (outcomes, failures) = counts(&rows);
    diesel::delete(ro::table.filter(ro::cohort_id.eq(cohort.id))).execute(tx)?;
    diesel::delete(rf::table.filter(rf::cohort_id.eq(cohort.id))).execute(tx)?;
    let outcomes: Vec<_> = outcomes
        .into_iter()
        .map(|((o, k), n)| {
            (ro::cohort_id.eq(cohort.id), ro::outcome.eq(o), ro::classification.eq(k), ro::learners.eq(n))
        })
        .collect();
    let failures: Vec<_> = failures
        .into_iter()
        .map(|(r, n)| (rf::cohort_id.eq(cohort.id), rf::reason.eq(r), rf::learners.eq(n)))
        .collect();
    crate::insert_rows!(tx, rs, rows);
    crate::insert_rows!(tx, ro, outcomes);
    crate::insert_rows!(tx, rf, failures);
    Ok(())
}

/// What the reports count of a class's kept rows: learners per outcome and classification (`""`
/// when none), and the failed learners per reason they failed on.
type Counts = (BTreeMap<(String, String), i32>, BTreeMap<String, i32>);

fn counts(rows: &[Row]) -> Counts {
    let (mut outcomes, mut failures): Counts = Default::default();
    for r in rows {
        *outcomes.entry((r.outcome.clone(), r.classification.clone().unwrap_or_default())).or_default() += 1;
        if r.outcome == "failed" {
            for reason in r.failed_on.split(',').filter(|x| !x.is_empty()) {
                *failures.entry(reason.to_string()).or_default() += 1;
            }
        }
    }
    (outcomes, failures)
}

/// What is kept for class `cohort` (or its learner `only`), in list order with today's names;
/// `None` when any row predates whole results and the class must be recomputed.
pub fn kept(
    tx: &mut DbConn,
    cohort: CohortId,
    only: Option<LearnerId>,
) -> Result<Option<Vec<LearnerResult>>, ApiError> {
    let mut q = rs::table
        .inner_join(l::table.on(l::id.eq(rs::learner_id)))
        .filter(rs::cohort_id.eq(cohort))
        .select((rs::learner_id, l::full_name, rs::result))
        .order((l::sort_key.asc(), l::id.asc()))
        .into_boxed();
    if let Some(o) = only {
        q = q.filter(rs::learner_id.eq(o));
    }
    let rows: Vec<(LearnerId, String, Option<String>)> = q.load(tx)?;
    let mut out = Vec::with_capacity(rows.len());
    for (learner_id, learner_name, result) in rows {
        let Some(result) = result.and_then(|r| serde_json::from_str(&r).ok()) else { return Ok(None) };
        out.push(LearnerResult { learner_id, learner_name, result });
    }
    Ok(Some(out))
}

/// Up to `most` closed classes whose kept results predate whole results (kept by an older
/// version), for the close-out to complete.
pub fn incomplete(tx: &mut DbConn, most: i64) -> Result<Vec<CohortId>, ApiError> {
    Ok(rs::table.filter(rs::result.is_null()).select(rs::cohort_id).distinct().limit(most).load(tx)?)
}

/// After a change to what results are made of in class `cohort`: a closed class's kept results
/// are recomputed and rewritten in the caller's transaction; a running class has nothing kept.
pub fn refresh(tx: &mut DbConn, tz: chrono_tz::Tz, cohort: CohortId) -> Result<(), ApiError> {
    let Some(row) = crate::cohorts::store::find(tx, cohort)? else { return Ok(()) };
    if row.status != CohortStatus::Closed {
        return Ok(());
    }
    let results = super::service::computed(tx, &row, tz, None)?;
    keep(tx, &row, &results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(outcome: &str, classification: Option<&str>, failed_on: &str) -> Row {
        Row {
            cohort_id: CohortId::new(),
            learner_id: LearnerId::new(),
            institution_id: crate::db::ids::InstitutionId::new(),
            outcome: outcome.into(),
            average_tenths: None,
            classification: classification.map(String::from),
            failed_on: failed_on.into(),
            reasons: "[]".into(),
            computed_at: now(),
            result: None,
        }
    }

    #[test]
    fn counts_are_per_outcome_classification_and_reason() {
        let rows = [
            row("graduated", Some("good"), ""),
            row("graduated", Some("good"), ""),
            row("graduated", None, ""),
            row("failed", None, "attendance,M1"),
            row("failed", None, "M1"),
            row("pending", None, ""),
        ];
        let (outcomes, failures) = counts(&rows);
        let o: Vec<(&str, &str, i32)> = outcomes.iter().map(|((a, b), n)| (a.as_str(), b.as_str(), *n)).collect();
        assert_eq!(o, [("failed", "", 2), ("graduated", "", 1), ("graduated", "good", 2), ("pending", "", 1)]);
        let f: Vec<(&str, i32)> = failures.iter().map(|(a, n)| (a.as_str(), *n)).collect();
        assert_eq!(f, [("M1", 2), ("attendance", 1)]);
        assert_eq!(counts(&[]), Counts::default());
    }
}
