//! A training plan as stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::cohorts::model::Mode;
use crate::db::ids::*;
use crate::db::schema::training_plans;
use crate::programs::model::Level;

crate::text_enum! {
    /// `draft` (the institution edits it) → `submitted` (waiting for the body above) →
    /// `approved` (frozen; a change is a new revision).
    pub enum PlanStatus {
        Draft => "draft",
        Submitted => "submitted",
        Approved => "approved",
    }
}

/// One line of a plan: what the institution will run of one level (and program) in one mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanLine {
    pub level: Level,
    /// A program of that level; absent for the level as a whole.
    #[serde(default)]
    pub program_id: Option<ProgramId>,
    pub mode: Mode,
    /// Classes to open [số lớp].
    #[schema(minimum = 0, maximum = 10000)]
    pub classes: i32,
    /// Trainee-turns to train [lượt học viên].
    #[schema(minimum = 0, maximum = 1000000)]
    pub trainee_turns: i32,
}

/// A plan's lines, stored as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct PlanLines(pub Vec<PlanLine>);
crate::json_text!(PlanLines);

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = training_plans, treat_none_as_null = true)]
pub struct TrainingPlan {
    pub id: TrainingPlanId,
    pub institution_id: InstitutionId,
    pub year: i32,
    /// 1 for the first plan of the year, then one more for each change of an approved one.
    pub revision: i32,
    pub replaces_id: Option<TrainingPlanId>,
    pub status: PlanStatus,
    pub lines: PlanLines,
    pub note: Option<String>,
    pub created_by: UserId,
    pub submitted_at: Option<NaiveDateTime>,
    pub submitted_by: Option<UserId>,
    pub approved_at: Option<NaiveDateTime>,
    pub approved_by: Option<UserId>,
    pub decision_no: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Planned against done, for one key (level, program, mode) of one institution.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlanFigures {
    /// Σ of the approved plans' lines for the years the period touches (whole years).
    pub planned_classes: i64,
    pub planned_trainee_turns: i64,
    /// Classes that opened in the period (not cancelled).
    pub classes_opened: i64,
    /// Trainee-turns of those classes: enrolments still on the list.
    pub enrolled: i64,
    /// Graduates and failures of those classes that closed.
    pub graduated: i64,
    pub failed: i64,
    /// classes opened ÷ planned, in per cent (none without a plan).
    pub classes_percent: Option<f64>,
    /// trainee-turns ÷ planned, in per cent (none without a plan).
    pub trainee_turns_percent: Option<f64>,
}

impl PlanFigures {
    pub fn add(&mut self, o: &PlanFigures) {
        self.planned_classes += o.planned_classes;
        self.planned_trainee_turns += o.planned_trainee_turns;
        self.classes_opened += o.classes_opened;
        self.enrolled += o.enrolled;
        self.graduated += o.graduated;
        self.failed += o.failed;
    }

    /// The figures with their percentages worked out, to one decimal.
    pub fn with_rates(mut self) -> PlanFigures {
        let rate =
            |done: i64, planned: i64| (planned > 0).then(|| (done as f64 * 1000.0 / planned as f64).round() / 10.0);
        self.classes_percent = rate(self.classes_opened, self.planned_classes);
        self.trainee_turns_percent = rate(self.enrolled, self.planned_trainee_turns);
        self
    }
}

/// One line of the comparison: an institution, a level (and program, when a plan line names
/// it) and a mode, its own figures and those of its whole subtree.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanVsActualRow {
    pub institution_id: InstitutionId,
    pub institution_name: String,
    pub level: Level,
    /// The program a plan line names; none for the level as a whole (and for classes of
    /// programs no line names).
    pub program_id: Option<ProgramId>,
    pub mode: Mode,
    pub own: PlanFigures,
    pub including_children: PlanFigures,
}

/// The plan counted for one institution and year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanCounted {
    pub institution_id: InstitutionId,
    pub year: i32,
    pub plan_id: TrainingPlanId,
    pub revision: i32,
}

/// `GET /reports/plan-vs-actual`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanVsActual {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// The approved plans counted (the latest approved revision of each institution's year).
    pub plans: Vec<PlanCounted>,
    /// Institutions of the subtree whose plan for a year of the period is not approved yet.
    pub unapproved: Vec<PlanCounted>,
    pub rows: Vec<PlanVsActualRow>,
}
