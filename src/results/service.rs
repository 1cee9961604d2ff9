//! Gathers what [`super::rules::compute`] needs for a class: published grades, graded field
//! reports and the attendance summary. Used by the results endpoints (and the close-out).

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::rules::{compute, GraduationMark, Inputs, ModuleMarks, Result as Outcome};
use crate::cohorts::model::{Cohort, CohortStatus, EnrollmentStatus};
use crate::db::ids::LearnerId;
use crate::db::schema::{field_reports as fr, field_trips as ft};
use crate::db::{now, DbConn};
use crate::error::ApiError;
use crate::exams::model::ExamKind;
use crate::programs::model::Assessment;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LearnerResult {
    pub learner_id: LearnerId,
    pub learner_name: String,
    #[serde(flatten)]
    pub result: Outcome,
}

impl LearnerResult {
    /// The same result with its reasons in the caller's language (call it where the request
    /// runs).
    pub fn localised(mut self) -> LearnerResult {
        super::rules::localise(&mut self.result.reasons, crate::error::localised);
        self
    }
}

/// The results of every enrolled learner of `cohort` (or only `only`): a closed class's as kept
/// (see [`super::snapshot`]), any other's computed from its published grades.
pub fn for_cohort(
    tx: &mut DbConn,
    cohort: &Cohort,
    tz: chrono_tz::Tz,
    only: Option<LearnerId>,
) -> Result<Vec<LearnerResult>, ApiError> {
    if cohort.status == CohortStatus::Closed {
        if let Some(kept) = super::snapshot::kept(tx, cohort.id, only)? {
            return Ok(kept);
        }
    }
    computed(tx, cohort, tz, only)
}

/// The results of `cohort` (or of its learner `only`, each kind of record then read for that
/// learner alone) computed from its published grades, in one pass over each kind of record.
pub fn computed(
    tx: &mut DbConn,
    cohort: &Cohort,
    tz: chrono_tz::Tz,
    only: Option<LearnerId>,
) -> Result<Vec<LearnerResult>, ApiError> {
    let program = crate::programs::store::get(tx, cohort.program_id)?;
    let modules = crate::programs::store::modules(tx, cohort.program_id)?;
    let attendance = crate::attendance::summary::for_cohort(tx, cohort, tz, now(), only)?;
    // learner → module → sittings in date order; learner → graduation code → best mark.
    let mut sittings: HashMap<LearnerId, HashMap<crate::db::ids::ModuleId, Vec<Option<i32>>>> = HashMap::new();
    let mut graduation: HashMap<LearnerId, HashMap<String, i32>> = HashMap::new();
    for g in crate::exams::store::published_of_cohort(tx, cohort.id, only)? {
        let mark = g.mark;
        match (g.kind, g.module_id, g.subject_code) {
            (ExamKind::Module | ExamKind::Retake, Some(m), _) => {
                sittings.entry(g.learner_id).or_default().entry(m).or_default().push(mark)
            }
            (ExamKind::Graduation, _, Some(code)) => {
                if let Some(v) = mark {
                    let e = graduation.entry(g.learner_id).or_default().entry(code).or_insert(v);
                    *e = (*e).max(v);
                }
            }
            _ => {}
        }
    }
    let mut graded = fr::table
        .inner_join(ft::table)
        .filter(ft::cohort_id.eq(cohort.id))
        .filter(fr::grade_tenths.is_not_null())
        .select((fr::learner_id, fr::grade_tenths.assume_not_null()))
        .into_boxed();
    if let Some(l) = only {
        graded = graded.filter(fr::learner_id.eq(l));
    }
    let field: HashMap<LearnerId, i32> = graded.load::<(LearnerId, i32)>(tx)?.into_iter().collect();
    let mut required: Vec<(String, String)> =
        program.rules.graduation_subjects.iter().map(|s| (s.code.clone(), s.title.clone())).collect();
    if program.rules.graduation_essay {
        required.push(("essay".into(), "Tiểu luận tốt nghiệp".into()));
    }
    let conduct: HashMap<LearnerId, crate::conduct::Conduct> =
        crate::conduct::store::of_cohort(tx, cohort.id)?.into_iter().map(|c| (c.learner_id, c)).collect();
    let mut out = Vec::new();
    for a in attendance.into_iter().filter(|a| a.enrollment_status == EnrollmentStatus::Enrolled) {
        let mine = sittings.remove(&a.learner_id).unwrap_or_default();
        let grads = graduation.remove(&a.learner_id).unwrap_or_default();
        let inputs = Inputs {
            modules: modules
                .iter()
                .map(|m| ModuleMarks {
                    code: m.code.clone(),
                    hours: i64::from(m.hours),
                    assessed: m.assessment != Assessment::None,
                    sittings: mine.get(&m.id).cloned().unwrap_or_default(),
                })
                .collect(),
            field_study: field.get(&a.learner_id).copied(),
            graduation: required
                .iter()
                .map(|(code, title)| GraduationMark {
                    code: code.clone(),
                    title: title.clone(),
                    mark: grads.get(code).copied(),
                })
                .collect(),
            attendance_block: a.program.reason.clone(),
            conduct_block: conduct.get(&a.learner_id).and_then(|c| c.block()),
            warned: conduct.get(&a.learner_id).is_some_and(|c| c.warned()),
        };
        out.push(LearnerResult {
            learner_id: a.learner_id,
            learner_name: a.learner_name,
            result: compute(&program.rules, &inputs),
        });
    }
    Ok(out)
}
