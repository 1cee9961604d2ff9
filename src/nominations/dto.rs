//! What clients send and get back for nominations.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use crate::cohorts::dto::OverrideIn;
use crate::db::ids::*;
use crate::http::export::Format;
use crate::people::dto::LearnerInput;
use crate::problem::ProblemItem;

/// One person on a list: a learner already recorded (`learner_id`, administrators only), or the
/// person's fields (`person`), matched to a learner of the institution tree by national id or by
/// name and date of birth, or recorded as a new learner.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominatedPersonIn {
    pub learner_id: Option<LearnerId>,
    /// A new learner's fields: `full_name`, `date_of_birth`, `gender` and `education_level` are
    /// needed unless the person is matched. `institution_id` and `user_id` are not taken.
    pub person: Option<LearnerInput>,
}

/// A nomination list [danh sách cử đi học] under a unit's decision, for a class (`cohort_id`) or
/// for a program and year (`program_id`, `year`, and the `institution_id` that runs it).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNomination {
    /// The sending unit; a unit officer's own unit when left out.
    pub sending_unit_id: Option<SendingUnitId>,
    #[schema(min_length = 1, max_length = 60, example = "125/QĐ-UBND")]
    pub decision_no: String,
    /// The decision's date; not in the future.
    pub decision_on: NaiveDate,
    pub cohort_id: Option<CohortId>,
    pub program_id: Option<ProgramId>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// With `program_id`: the institution the people are sent to.
    pub institution_id: Option<InstitutionId>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    #[schema(min_items = 1, max_items = 1000)]
    pub people: Vec<NominatedPersonIn>,
}

/// The list's fields when the people come as a CSV or XLSX file (columns as in the learner
/// import template, plus `learner_id`).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NominationFileQuery {
    pub sending_unit_id: Option<SendingUnitId>,
    #[param(max_length = 60)]
    pub decision_no: Option<String>,
    pub decision_on: Option<NaiveDate>,
    pub cohort_id: Option<CohortId>,
    pub program_id: Option<ProgramId>,
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    pub institution_id: Option<InstitutionId>,
    #[param(max_length = 2000)]
    pub note: Option<String>,
}

/// A person on a list, with the school's decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NominatedPersonOut {
    /// The person's number on the list, from 1: what a decision names.
    pub position: i32,
    pub learner_id: LearnerId,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    /// Whether the list created the learner's record (no earlier record matched).
    pub created_learner: bool,
    pub status: PersonStatus,
    /// Why the school did not accept the person.
    pub reasons: Vec<String>,
    /// The class the person was enrolled in.
    pub cohort_id: Option<CohortId>,
    pub enrollment_id: Option<EnrollmentId>,
    pub decided_at: Option<DateTime<Utc>>,
    /// For a person still pending on a list for a class: every eligibility rule they fail today
    /// (empty when eligible); what an acceptance must override.
    pub eligibility: Vec<ProblemItem>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NominationOut {
    pub id: NominationId,
    pub institution_id: InstitutionId,
    pub sending_unit_id: SendingUnitId,
    pub sending_unit: String,
    pub decision_no: String,
    pub decision_on: NaiveDate,
    pub cohort_id: Option<CohortId>,
    pub program_id: Option<ProgramId>,
    pub year: Option<i32>,
    pub note: Option<String>,
    pub status: NominationStatus,
    pub people_count: i32,
    pub pending_count: i32,
    pub submitted_by: UserId,
    pub people: Vec<NominatedPersonOut>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A list as the list of lists shows it (without its people).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NominationSummary {
    pub id: NominationId,
    pub institution_id: InstitutionId,
    pub sending_unit_id: SendingUnitId,
    pub decision_no: String,
    pub decision_on: NaiveDate,
    pub cohort_id: Option<CohortId>,
    pub program_id: Option<ProgramId>,
    pub year: Option<i32>,
    pub status: NominationStatus,
    pub people_count: i32,
    pub pending_count: i32,
    pub created_at: DateTime<Utc>,
}

impl From<Nomination> for NominationSummary {
    fn from(n: Nomination) -> NominationSummary {
        NominationSummary {
            id: n.id,
            institution_id: n.institution_id,
            sending_unit_id: n.sending_unit_id,
            decision_no: n.decision_no,
            decision_on: n.decision_on,
            cohort_id: n.cohort_id,
            program_id: n.program_id,
            year: n.year,
            status: n.status,
            people_count: n.people_count,
            pending_count: n.pending_count,
            created_at: n.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NominationFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub sending_unit_id: Option<SendingUnitId>,
    pub cohort_id: Option<CohortId>,
    pub status: Option<NominationStatus>,
    /// `csv` or `xlsx`: one row per person.
    pub format: Option<Format>,
}

/// The school's answer for one person on the list.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationDecision {
    /// The person's number on the list, from 1.
    #[schema(minimum = 1)]
    pub person: u32,
    pub decision: Verdict,
    /// With `reject`: why, at least one.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub reasons: Vec<String>,
    /// With `accept`: eligibility rules set aside, each with a reason.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub overrides: Vec<OverrideIn>,
    /// With `accept` on a list for a program: the class of that program to enrol in.
    pub cohort_id: Option<CohortId>,
}

/// Decisions on some or all of a list's pending people, applied together or not at all.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideNomination {
    #[schema(min_items = 1, max_items = 1000)]
    pub decisions: Vec<NominationDecision>,
    /// The enrolment date of those accepted; today when left out.
    pub enrolled_on: Option<NaiveDate>,
}
