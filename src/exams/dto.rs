//! What the exam routes take and give.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::*;
use super::rules;
use crate::cohorts::model::Standing;
use crate::db::ids::*;
use crate::results::rules::Reason;

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExam {
    pub kind: Option<ExamKind>,
    /// The module examined (module exams and retakes).
    pub module_id: Option<ModuleId>,
    /// The graduation subject's code from the program's rules, or `essay` for the paper. A
    /// graduation exam without one has its subject drawn by lot (`POST /exams/{id}/draw`).
    pub subject_code: Option<String>,
    /// For a retake: the exam it retakes.
    pub retake_of_id: Option<ExamId>,
    pub title: Option<String>,
    pub held_on: Option<NaiveDate>,
    /// Local time the sitting starts, `HH:MM`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "07:30")]
    pub start_time: Option<String>,
    /// How long it lasts; by default 180 minutes for a graduation exam, 90 for others
    /// (settings).
    #[schema(minimum = 15, maximum = 600)]
    pub duration_minutes: Option<i32>,
    /// The rooms, in seating order; two exams cannot use one room at once.
    pub rooms: Option<Vec<Room>>,
    pub place: Option<String>,
    pub form: Option<ExamForm>,
    pub blind: Option<bool>,
    pub double_marking: Option<bool>,
    pub grading_deadline: Option<NaiveDate>,
    /// Lecturers who grade it (two or more under double marking).
    #[serde(default)]
    pub graders: Vec<LecturerId>,
}

crate::required_fields!("CreateExam": "kind", "held_on", "grading_deadline");

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateExam {
    pub title: Option<String>,
    pub held_on: Option<NaiveDate>,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "07:30")]
    pub start_time: Option<String>,
    #[schema(minimum = 15, maximum = 600)]
    pub duration_minutes: Option<i32>,
    /// Replaces the rooms (before the exam is sealed).
    pub rooms: Option<Vec<Room>>,
    pub place: Option<String>,
    /// An administrator may extend it.
    pub grading_deadline: Option<NaiveDate>,
    pub graders: Option<Vec<LecturerId>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExamOut {
    pub id: ExamId,
    pub cohort_id: CohortId,
    pub kind: ExamKind,
    pub module_id: Option<ModuleId>,
    pub subject_code: Option<String>,
    pub retake_of_id: Option<ExamId>,
    pub title: String,
    pub held_on: NaiveDate,
    /// Local time the sitting starts, `HH:MM`.
    pub start_time: Option<String>,
    pub duration_minutes: Option<i32>,
    /// Who drew the graduation subject by lot and when; `null` until drawn (or when it was
    /// named at creation).
    pub drawn_by: Option<UserId>,
    pub drawn_at: Option<DateTime<Utc>>,
    /// The rooms, in seating order.
    pub rooms: Vec<Room>,
    pub place: Option<String>,
    pub form: ExamForm,
    pub blind: bool,
    pub double_marking: bool,
    pub grading_deadline: NaiveDate,
    pub status: ExamStatus,
    pub graders: Vec<LecturerId>,
    pub published_at: Option<DateTime<Utc>>,
    pub version: i64,
}

pub fn exam_out(e: Exam, graders: Vec<LecturerId>) -> ExamOut {
    ExamOut {
        id: e.id,
        cohort_id: e.cohort_id,
        kind: e.kind,
        module_id: e.module_id,
        subject_code: e.subject_code,
        retake_of_id: e.retake_of_id,
        title: e.title,
        held_on: e.held_on,
        start_time: e.start_time,
        duration_minutes: e.duration_minutes,
        drawn_by: e.drawn_by,
        drawn_at: e.drawn_at.map(|t| t.and_utc()),
        rooms: e.rooms.0,
        place: e.place,
        form: e.form,
        blind: e.blind,
        double_marking: e.double_marking,
        grading_deadline: e.grading_deadline,
        status: e.status,
        graders,
        published_at: e.published_at.map(|t| t.and_utc()),
        version: e.version,
    }
}

/// One learner's standing for an exam.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Candidate {
    /// Hidden from the graders of a blind exam.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner_id: Option<LearnerId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner_name: Option<String>,
    pub eligible: bool,
    /// Why not: `withdrawn`, `attendance`, `no_first_sitting`, `already_passed`, `retakes_used`.
    pub reasons: Vec<Reason>,
}

/// One mark to enter: by candidate code (required under blind marking) or learner id.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeIn {
    pub code: Option<String>,
    pub learner_id: Option<LearnerId>,
    /// 0–10 with one decimal; omit for an absent or excused candidate.
    #[schema(minimum = 0, maximum = 10)]
    pub grade: Option<f64>,
    /// `absent` or `excused` when the candidate did not sit; default `sat`.
    pub presence: Option<Presence>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeEntry {
    pub entries: Vec<GradeIn>,
    /// An administrator typing the marks of a grader's signed paper score sheet names the
    /// grader here (one of the exam's graders) and the sheet in `sheet_reference`; the grade
    /// history then shows the administrator as having typed them for the grader.
    pub on_behalf_of: Option<LecturerId>,
    /// The paper score sheet the marks come from, e.g. `BĐ-TN1/2026-03`; required with
    /// `on_behalf_of`. 1 to 100 characters.
    pub sheet_reference: Option<String>,
}

/// A grade as the caller may see it: administrators see names; graders of a blind exam see only
/// codes, and under double marking only their own mark until both first marks are in.
#[derive(Debug, Serialize, ToSchema)]
pub struct GradeOut {
    pub id: GradeId,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner_id: Option<LearnerId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learner_name: Option<String>,
    pub presence: Presence,
    /// The mark that counts.
    pub grade: Option<f64>,
    pub first: Option<f64>,
    pub second: Option<f64>,
    pub third: Option<f64>,
    /// Under double marking: the two marks differ by more than the program's gap.
    pub needs_third_grader: bool,
    pub status: GradeStatus,
}

pub fn grade_view(g: Grade, name: String, exam: &Exam, seat: &Standing, gap: i32) -> GradeOut {
    let names = seat.admin || !exam.blind || exam.status != ExamStatus::Sealed;
    let (first, second, third) = match seat.grader {
        Some(me) if exam.double_marking => rules::visible_to(&g, me),
        _ => (g.first_tenths, g.second_tenths, g.third_tenths),
    };
    let hide_value = matches!(seat.grader, Some(me) if exam.double_marking && !(g.first_tenths.is_some() && g.second_tenths.is_some()) && g.first_by != Some(me));
    let t = |v: Option<i32>| v.map(rules::mark);
    GradeOut {
        id: g.id,
        code: g.code.clone(),
        learner_id: names.then_some(g.learner_id),
        learner_name: names.then_some(name),
        presence: g.presence,
        grade: if hide_value { None } else { t(g.value_tenths) },
        first: t(first),
        second: t(second),
        third: t(third),
        needs_third_grader: exam.double_marking && rules::needs_third(&g, gap) && g.third_tenths.is_none(),
        status: g.status,
    }
}

/// One change of a grade.
#[derive(Debug, Serialize, ToSchema)]
pub struct GradeChange {
    pub changed_by: UserId,
    pub changed_by_name: String,
    pub changed_at: DateTime<Utc>,
    pub what: GradeChangeKind,
    /// The grade before and after (the same for publishing and locking).
    pub old: Option<GradeState>,
    pub new: Option<GradeState>,
    pub reason: Option<String>,
    /// The grader whose paper score sheet `changed_by` typed, if the marks were typed for them.
    pub on_behalf_of: Option<LecturerId>,
    pub sheet_reference: Option<String>,
}
