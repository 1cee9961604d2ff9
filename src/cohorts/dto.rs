use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use crate::db::ids::*;
use crate::db::now;
use crate::error::{ApiError, ProblemItem, Problems};
use crate::http::export::Format;
use crate::http::extract::nullable;
use crate::programs::model::Level;
use crate::text::clean;

/// A new class of a published program.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCohort {
    pub program_id: Option<ProgramId>,
    /// The institution the class belongs to; defaults to the caller's.
    pub institution_id: Option<InstitutionId>,
    #[schema(example = "TC-K12")]
    pub code: Option<String>,
    #[schema(example = "Lớp Trung cấp LLCT khóa 12")]
    pub title: Option<String>,
    pub mode: Option<Mode>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub capacity: Option<i32>,
    /// Where it is taught when that is another institution (a school's class at a local centre).
    pub venue_institution_id: Option<InstitutionId>,
    pub location: Option<String>,
    /// The head teacher [giáo viên chủ nhiệm].
    pub head_teacher_id: Option<LecturerId>,
    /// The code of a rule set (`GET /rule-sets`); defaults to the set in force on `starts_on`.
    pub regulation: Option<String>,
}

impl CreateCohort {
    /// Every required field that is missing, at once.
    pub fn required(&self) -> Result<(), ApiError> {
        let mut p = Problems::new();
        for (ok, f) in [
            (self.program_id.is_some(), "program_id"),
            (self.code.is_some(), "code"),
            (self.mode.is_some(), "mode"),
            (self.starts_on.is_some(), "starts_on"),
            (self.ends_on.is_some(), "ends_on"),
            (self.capacity.is_some(), "capacity"),
        ] {
            p.check(ok, f, "is required");
        }
        p.finish(())
    }

    /// The class asked for, planned at `institution_id`: its title defaults to the program's
    /// with the code, its regulation to the one in force on its first day.
    pub fn row(&self, institution_id: InstitutionId, program: Option<&crate::programs::model::Program>) -> Cohort {
        let starts_on = self.starts_on.unwrap_or_default();
        let t = now();
        let code = self.code.as_deref().map(|s| s.trim().to_string()).unwrap_or_default();
        Cohort {
            id: CohortId::new(),
            institution_id,
            program_id: self.program_id.unwrap_or_default(),
            title: self
                .title
                .as_deref()
                .map(clean)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| program.as_ref().map(|p| format!("{} {}", p.title, code)).unwrap_or_default()),
            code,
            mode: self.mode.unwrap_or(super::model::Mode::FullTime),
            starts_on,
            ends_on: self.ends_on.unwrap_or_default(),
            capacity: self.capacity.unwrap_or_default(),
            enrolled_count: 0,
            venue_institution_id: self.venue_institution_id,
            location: self.location.as_deref().map(clean).filter(|s| !s.is_empty()),
            head_teacher_id: self.head_teacher_id,
            regulation: self.regulation.as_deref().map(str::trim).unwrap_or_default().to_string(),
            status: CohortStatus::Planned,
            cancel_reason: None,
            version: 1,
            created_at: t,
            updated_at: t,
        }
    }
}

crate::required_fields!("CreateCohort": "program_id", "code", "mode", "starts_on", "ends_on", "capacity");

/// Changes to a class; absent fields stay, `null` clears optional ones.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCohort {
    pub code: Option<String>,
    pub title: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub capacity: Option<i32>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<InstitutionId>)]
    pub venue_institution_id: Option<Option<InstitutionId>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<LecturerId>)]
    pub head_teacher_id: Option<Option<LecturerId>>,
}

impl UpdateCohort {
    /// The class with the change applied (texts cleaned); checked by the caller.
    pub fn apply(self, cur: &Cohort) -> Cohort {
        let mut row = cur.clone();
        if let Some(x) = self.code {
            row.code = x.trim().to_string();
        }
        if let Some(x) = self.title {
            row.title = clean(&x);
        }
        row.starts_on = self.starts_on.unwrap_or(cur.starts_on);
        row.ends_on = self.ends_on.unwrap_or(cur.ends_on);
        row.capacity = self.capacity.unwrap_or(cur.capacity);
        if let Some(x) = self.venue_institution_id {
            row.venue_institution_id = x;
        }
        if let Some(x) = self.location {
            row.location = x.map(|s| clean(&s)).filter(|s| !s.is_empty());
        }
        if let Some(x) = self.head_teacher_id {
            row.head_teacher_id = x;
        }
        row
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CohortOut {
    pub id: CohortId,
    pub institution_id: InstitutionId,
    pub program_id: ProgramId,
    pub level: Level,
    pub code: String,
    pub title: String,
    pub mode: Mode,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub enrolled_count: i32,
    pub venue_institution_id: Option<InstitutionId>,
    pub location: Option<String>,
    pub head_teacher_id: Option<LecturerId>,
    /// The code of the rule set it was opened under.
    pub regulation: String,
    pub status: CohortStatus,
    pub cancel_reason: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CohortOut {
    pub fn new(c: Cohort, level: Level) -> CohortOut {
        CohortOut {
            id: c.id,
            institution_id: c.institution_id,
            program_id: c.program_id,
            level,
            code: c.code,
            title: c.title,
            mode: c.mode,
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            capacity: c.capacity,
            enrolled_count: c.enrolled_count,
            venue_institution_id: c.venue_institution_id,
            location: c.location,
            head_teacher_id: c.head_teacher_id,
            regulation: c.regulation,
            status: c.status,
            cancel_reason: c.cancel_reason,
            version: c.version,
            created_at: c.created_at.and_utc(),
            updated_at: c.updated_at.and_utc(),
        }
    }
}

/// Filters of `GET /cohorts`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CohortFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub updated_since: Option<DateTime<FixedOffset>>,
    pub status: Option<CohortStatus>,
    pub program_id: Option<ProgramId>,
    pub institution_id: Option<InstitutionId>,
    /// Classes running at some time in this year.
    pub year: Option<i32>,
    pub format: Option<Format>,
}

/// Body of the lifecycle actions; `reason` is required to cancel.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    pub reason: Option<String>,
}

crate::required_fields!(CancelCohort from TransitionBody: "reason");

/// An eligibility rule to override for one learner, with the reason.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideIn {
    pub rule: String,
    pub reason: String,
}

/// One learner to enrol.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolLearner {
    pub learner_id: LearnerId,
    #[serde(default)]
    pub overrides: Vec<OverrideIn>,
}

/// Enrols one learner (`learner_id`) or many (`learners`), all or none.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEnrollments {
    pub learner_id: Option<LearnerId>,
    #[serde(default)]
    pub overrides: Vec<OverrideIn>,
    #[serde(default)]
    pub learners: Vec<EnrolLearner>,
    /// Defaults to today; attendance counts only sessions from this day on.
    pub enrolled_on: Option<NaiveDate>,
}

crate::required_fields!("CreateEnrollments": one of "EnrolOne" ["learner_id"], "EnrolMany" ["learners"]);

/// A withdrawal (with its reason) or a corrected enrolment date.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEnrollment {
    pub status: Option<EnrollmentStatus>,
    pub withdraw_reason: Option<String>,
    pub enrolled_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentOut {
    pub id: EnrollmentId,
    pub cohort_id: CohortId,
    pub learner_id: LearnerId,
    pub learner_name: String,
    pub status: EnrollmentStatus,
    pub enrolled_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: Option<String>,
    pub overrides: Vec<Override>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl EnrollmentOut {
    pub fn new(e: Enrollment, learner_name: String) -> EnrollmentOut {
        EnrollmentOut {
            id: e.id,
            cohort_id: e.cohort_id,
            learner_id: e.learner_id,
            learner_name,
            status: e.status,
            enrolled_on: e.enrolled_on,
            withdrawn_on: e.withdrawn_on,
            withdraw_reason: e.withdraw_reason,
            overrides: e.overrides.0,
            version: e.version,
            updated_at: e.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentsCreated {
    pub items: Vec<EnrollmentOut>,
}

/// Filters of `GET /cohorts/{id}/enrollments`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EnrollmentFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub status: Option<EnrollmentStatus>,
    pub format: Option<Format>,
}

/// `GET /learners/{id}/eligibility`: a class, or a program with mode and start date.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EligibilityQuery {
    pub cohort_id: Option<CohortId>,
    pub program_id: Option<ProgramId>,
    pub mode: Option<Mode>,
    pub starts_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EligibilityOut {
    pub eligible: bool,
    /// Every rule that fails, each with its code and message.
    pub refusals: Vec<ProblemItem>,
    /// The code of the rule set applied.
    pub regulation: String,
    /// The LLCT level the level rules counted as held, and on what evidence.
    pub level_held: LevelHeld,
}

/// Where a level held comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// A valid credential this service issued.
    Issued,
    /// A credential issued on paper and copied from a register book.
    Recorded,
    /// The learner record's `prior_llct_level`, as declared; not checked against a credential.
    Declared,
    /// No level held.
    None,
}

/// The LLCT level eligibility counts as held: the higher of a credential (a valid one issued
/// here, or one copied from a register book) and the level declared on the learner record (the
/// credential wins a tie).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LevelHeld {
    pub level: crate::people::model::LlctLevel,
    pub evidence: Evidence,
    /// The credential, when issued here.
    pub certificate_id: Option<CertificateId>,
    /// The copied record, when recorded from a register book.
    pub record_id: Option<CredentialRecordId>,
    pub serial: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssignment {
    pub module_id: Option<ModuleId>,
    pub lecturer_id: Option<LecturerId>,
    pub role: Option<AssignmentRole>,
    pub planned_hours: Option<i32>,
    /// Where the institution enforces lecturers' standards: the standards (`lecturer_degree`,
    /// `lecturer_llct_level`, `teaching_certificate`) overridden, each with its reason.
    #[serde(default)]
    pub overrides: Vec<OverrideIn>,
}

crate::required_fields!("CreateAssignment": "module_id", "lecturer_id");

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentOut {
    pub id: AssignmentId,
    pub cohort_id: CohortId,
    pub module_id: ModuleId,
    pub lecturer_id: LecturerId,
    pub role: AssignmentRole,
    pub planned_hours: i32,
    pub created_at: DateTime<Utc>,
    /// The standards overridden, with reason, by whom and when.
    pub overrides: Vec<Override>,
}

impl From<Assignment> for AssignmentOut {
    fn from(a: Assignment) -> AssignmentOut {
        AssignmentOut {
            id: a.id,
            cohort_id: a.cohort_id,
            module_id: a.module_id,
            lecturer_id: a.lecturer_id,
            role: a.role,
            planned_hours: a.planned_hours,
            created_at: a.created_at.and_utc(),
            overrides: a.overrides.0,
        }
    }
}
