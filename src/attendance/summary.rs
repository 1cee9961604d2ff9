//! The attendance summary of a class, built from the database and [`super::rules::summarise`].

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use super::rules::{summarise, ModuleAttendance, ProgramAttendance, SessionFacts};
use super::store;
use crate::cohorts::model::{Cohort, EnrollmentStatus};
use crate::db::ids::{LearnerId, ModuleId};
use crate::db::DbConn;
use crate::error::ApiError;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModuleLine {
    pub module_code: String,
    pub module_title: String,
    #[serde(flatten)]
    pub figures: ModuleAttendance,
}

/// One learner's attendance in one class.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LearnerAttendance {
    pub learner_id: LearnerId,
    pub learner_name: String,
    pub enrolled_on: NaiveDate,
    pub enrollment_status: EnrollmentStatus,
    pub modules: Vec<ModuleLine>,
    pub program: ProgramAttendance,
}

/// The summary of every learner of `cohort` (or only `only`) as of `now`.
pub fn for_cohort(
    tx: &mut DbConn,
    cohort: &Cohort,
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
    only: Option<LearnerId>,
) -> Result<Vec<LearnerAttendance>, ApiError> {
    let program = crate::programs::store::get(tx, cohort.program_id)?;
    let modules = crate::programs::store::modules(tx, cohort.program_id)?;
    let module_ids: Vec<ModuleId> = modules.iter().map(|m| m.id).collect();
    let sessions: Vec<SessionFacts> = store::scheduled(tx, cohort.id)?
        .into_iter()
        .map(|(id, module_id, a, z)| SessionFacts {
            id,
            module_id,
            day: a.and_utc().with_timezone(&tz).date_naive(),
            minutes: (z - a).num_minutes(),
            held: a <= now,
        })
        .collect();
    let mut marks: HashMap<LearnerId, HashMap<_, _>> = HashMap::new();
    for (learner, session, status) in store::cohort_marks(tx, cohort.id, only)? {
        marks.entry(learner).or_default().insert(session, status);
    }
    let mut made_up: HashMap<LearnerId, HashMap<ModuleId, i64>> = HashMap::new();
    for m in store::makeups(tx, cohort.id)? {
        *made_up.entry(m.learner_id).or_default().entry(m.module_id).or_default() += i64::from(m.minutes);
    }
    let empty_marks = HashMap::new();
    let empty_made = HashMap::new();
    let mut out = Vec::new();
    for (learner_id, learner_name, _, enrolled_on, status, _) in store::members(tx, cohort.id)? {
        if only.is_some_and(|o| o != learner_id) {
            continue;
        }
        let (figures, program_fig) = summarise(
            &program.rules,
            &module_ids,
            &sessions,
            enrolled_on,
            marks.get(&learner_id).unwrap_or(&empty_marks),
            made_up.get(&learner_id).unwrap_or(&empty_made),
        );
        let lines = figures
            .into_iter()
            .zip(&modules)
            .map(|(f, m)| ModuleLine { module_code: m.code.clone(), module_title: m.title.clone(), figures: f })
            .collect();
        out.push(LearnerAttendance {
            learner_id,
            learner_name,
            enrolled_on,
            enrollment_status: status,
            modules: lines,
            program: program_fig,
        });
    }
    Ok(out)
}
