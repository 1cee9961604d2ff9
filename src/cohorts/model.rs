use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::ids::{
    AssignmentId, CohortId, EnrollmentId, InstitutionId, LearnerId, LecturerId, ModuleId, ProgramId, UserId,
};
use crate::db::schema::{assignments, cohorts, enrollments};
use crate::error::ApiError;

crate::text_enum! {
    /// Full-time [tập trung] or in-service [không tập trung / tại chức].
    pub enum Mode {
        FullTime => "full_time",
        InService => "in_service",
    }
}

crate::text_enum! {
    /// `planned → enrolling → in_progress → closing → closed`, or `cancelled` before `closed`.
    pub enum CohortStatus {
        Planned => "planned",
        Enrolling => "enrolling",
        InProgress => "in_progress",
        Closing => "closing",
        Closed => "closed",
        Cancelled => "cancelled",
    }
}

crate::text_enum! {
    pub enum EnrollmentStatus {
        Enrolled => "enrolled",
        Withdrawn => "withdrawn",
    }
}

crate::text_enum! {
    pub enum AssignmentRole {
        Lead => "lead",
        Assistant => "assistant",
    }
}

/// An eligibility rule an administrator overrode, with the reason the regulations ask for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = RuleOverride)]
pub struct Override {
    pub rule: String,
    pub reason: String,
    pub by: UserId,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[derive(
    Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, diesel::AsExpression, diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct Overrides(pub Vec<Override>);
crate::json_text!(Overrides);

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = cohorts, treat_none_as_null = true)]
pub struct Cohort {
    pub id: CohortId,
    pub institution_id: InstitutionId,
    pub program_id: ProgramId,
    pub code: String,
    pub title: String,
    pub mode: Mode,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    /// Changed only by `store::take_seats` / `release_seat` in one statement each: saving a
    /// class never writes it, so a concurrent enrolment's seat is never overwritten.
    #[diesel(skip_update)]
    pub enrolled_count: i32,
    pub venue_institution_id: Option<InstitutionId>,
    pub location: Option<String>,
    pub head_teacher_id: Option<LecturerId>,
    /// The code of the rule set the class was opened under (`qd57-2022`, `qd350-2025`, or a
    /// set added since); it keeps it.
    pub regulation: String,
    pub status: CohortStatus,
    pub cancel_reason: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = enrollments, treat_none_as_null = true)]
pub struct Enrollment {
    pub id: EnrollmentId,
    pub cohort_id: CohortId,
    pub learner_id: LearnerId,
    pub institution_id: InstitutionId,
    pub status: EnrollmentStatus,
    pub enrolled_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: Option<String>,
    pub overrides: Overrides,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Identifiable)]
#[diesel(table_name = assignments)]
pub struct Assignment {
    pub id: AssignmentId,
    pub cohort_id: CohortId,
    pub module_id: ModuleId,
    pub lecturer_id: LecturerId,
    pub institution_id: InstitutionId,
    pub role: AssignmentRole,
    pub planned_hours: i32,
    pub created_at: NaiveDateTime,
    /// The lecturers' standards an administrator overrode, with the reasons.
    pub overrides: Overrides,
}

/// A caller's standing in one class, read once per request by `store::standing` and used by
/// every area that acts on a class (roll call, exams, field study, conduct, results).
#[derive(Debug, Clone)]
pub struct Standing {
    pub cohort: Cohort,
    /// An administrator whose scope holds the class's institution: may change it.
    pub admin: bool,
    /// An administrator whose scope holds only the class's venue: may read it.
    pub venue_admin: bool,
    /// The caller's lecturer record, whether or not they teach this class (a grader may not).
    pub lecturer: Option<LecturerId>,
    /// The caller teaches the class: assigned to a module of it, or its head teacher.
    pub teaches: bool,
    pub head_teacher: bool,
    /// The caller's learner record, when they are enrolled in the class.
    pub learner: Option<LearnerId>,
    /// The caller's lecturer record when they grade the exam at hand (see [`Standing::grading`]).
    pub grader: Option<LecturerId>,
}

impl Standing {
    /// The same standing for an exam graded by `graders`: a lecturer among them is its grader.
    pub fn grading(self, graders: &[LecturerId]) -> Standing {
        let grader = self.lecturer.filter(|me| graders.contains(me));
        Standing { grader, ..self }
    }

    pub fn can_read(&self) -> bool {
        self.admin || self.venue_admin || self.teaches || self.learner.is_some()
    }

    /// Administrators who reach the class and the lecturers who teach it.
    pub fn is_staff(&self) -> bool {
        self.admin || self.venue_admin || self.teaches
    }

    /// The standing if the caller may read the class; 404 (as if it did not exist) otherwise.
    pub fn readable(self) -> Result<Standing, ApiError> {
        if self.can_read() {
            Ok(self)
        } else {
            Err(ApiError::not_found())
        }
    }

    /// The standing if the caller is on the class's staff; 404 out of reach, 403 for learners.
    pub fn staff(self) -> Result<Standing, ApiError> {
        let s = self.readable()?;
        if s.is_staff() {
            Ok(s)
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// The standing if the caller is the class's head teacher or administers it (who rate
    /// conduct); 404 out of reach, 403 otherwise.
    pub fn head_or_admin(self) -> Result<Standing, ApiError> {
        let s = self.readable()?;
        if s.head_teacher || s.admin {
            Ok(s)
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// The standing if the caller administers the class; 404 out of reach, 403 otherwise.
    pub fn admin(self) -> Result<Standing, ApiError> {
        let s = self.readable()?;
        if s.admin {
            Ok(s)
        } else {
            Err(ApiError::Forbidden)
        }
    }
}
