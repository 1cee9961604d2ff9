use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::ids::*;
use crate::db::schema::{exams, grades};

crate::text_enum! {
    /// Module exam, graduation exam [thi tốt nghiệp] or retake [thi lại].
    pub enum ExamKind {
        Module => "module",
        Graduation => "graduation",
        Retake => "retake",
    }
}

crate::text_enum! {
    pub enum ExamForm {
        Written => "written",
        Oral => "oral",
        Essay => "essay",
    }
}

crate::text_enum! {
    /// `planned` → `sealed` (candidates fixed, codes drawn) → `published` → `locked`.
    pub enum ExamStatus {
        Planned => "planned",
        Sealed => "sealed",
        Published => "published",
        Locked => "locked",
    }
}

crate::text_enum! {
    /// Whether the candidate sat the exam.
    pub enum Presence {
        Sat => "sat",
        Absent => "absent",
        Excused => "excused",
    }
}

crate::text_enum! {
    pub enum GradeStatus {
        Draft => "draft",
        Published => "published",
        Locked => "locked",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = exams, treat_none_as_null = true)]
pub struct Exam {
    pub id: ExamId,
    pub cohort_id: CohortId,
    pub institution_id: InstitutionId,
    pub kind: ExamKind,
    pub module_id: Option<ModuleId>,
    pub subject_code: Option<String>,
    pub retake_of_id: Option<ExamId>,
    pub title: String,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub form: ExamForm,
    pub blind: bool,
    pub double_marking: bool,
    pub grading_deadline: NaiveDate,
    pub status: ExamStatus,
    pub sealed_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub locked_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Local time the sitting starts, `HH:MM`.
    pub start_time: Option<String>,
    pub duration_minutes: Option<i32>,
    /// Who drew the graduation subject by lot, and when.
    pub drawn_by: Option<UserId>,
    pub drawn_at: Option<NaiveDateTime>,
    /// Where it sits: candidates are seated room by room in this order.
    pub rooms: Rooms,
}

/// One room of a sitting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ExamRoom)]
pub struct Room {
    /// As posted on the door, e.g. `Phòng 201`; unique within the exam. 1 to 80 characters.
    pub name: String,
    /// Seats for candidates, 1 to 500.
    pub capacity: i32,
    /// The lecturers who invigilate [cán bộ coi thi], at least one.
    pub invigilators: Vec<LecturerId>,
}

#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct Rooms(pub Vec<Room>);
crate::json_text!(Rooms);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = grades, treat_none_as_null = true)]
pub struct Grade {
    pub id: GradeId,
    pub exam_id: ExamId,
    pub learner_id: LearnerId,
    pub institution_id: InstitutionId,
    pub code: String,
    pub presence: Presence,
    pub value_tenths: Option<i32>,
    pub first_tenths: Option<i32>,
    pub first_by: Option<LecturerId>,
    pub second_tenths: Option<i32>,
    pub second_by: Option<LecturerId>,
    pub third_tenths: Option<i32>,
    pub third_by: Option<LecturerId>,
    pub status: GradeStatus,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

crate::text_enum! {
    /// What a recorded change of a grade was: a mark entered or corrected, the exam's grades
    /// published or locked, or an appeal's resolution.
    pub enum GradeChangeKind {
        Mark => "mark",
        Published => "published",
        Locked => "locked",
        Appeal => "appeal",
    }
}

/// A grade as a change recorded it, marks on the 10-point scale with one decimal. Stored as JSON
/// in `grade_changes.old_value`/`new_value`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct GradeState {
    /// Whether the candidate sat the exam; unknown in changes recorded before it was kept.
    pub presence: Option<Presence>,
    /// The final mark.
    pub mark: Option<f64>,
    /// Each marker's mark: first, second and, when they differed too much, third.
    pub first: Option<f64>,
    pub second: Option<f64>,
    pub third: Option<f64>,
}

impl GradeState {
    pub fn of(g: &Grade) -> GradeState {
        let m = |t: Option<i32>| t.map(super::rules::mark);
        GradeState {
            presence: Some(g.presence),
            mark: m(g.value_tenths),
            first: m(g.first_tenths),
            second: m(g.second_tenths),
            third: m(g.third_tenths),
        }
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored value: JSON, or the two forms written before (`7.5`, and
    /// `sat Some(75) [Some(75)/None/None]` with marks in tenths).
    pub fn parse(text: &str) -> Option<GradeState> {
        if let Ok(s) = serde_json::from_str::<GradeState>(text) {
            return Some(s);
        }
        if let Ok(mark) = text.trim().parse::<f64>() {
            return Some(GradeState { presence: None, mark: Some(mark), first: None, second: None, third: None });
        }
        let tenths = |s: &str| -> Option<Option<f64>> {
            match s.trim() {
                "None" => Some(None),
                t => {
                    t.strip_prefix("Some(")?.strip_suffix(')')?.parse::<i32>().ok().map(|v| Some(super::rules::mark(v)))
                }
            }
        };
        let (presence, rest) = text.trim().split_once(' ')?;
        let (value, markers) = rest.split_once(" [")?;
        let markers: Vec<&str> = markers.strip_suffix(']')?.split('/').collect();
        let [first, second, third] = markers.as_slice() else { return None };
        Some(GradeState {
            presence: Some(Presence::parse(presence)?),
            mark: tenths(value)?,
            first: tenths(first)?,
            second: tenths(second)?,
            third: tenths(third)?,
        })
    }
}

#[cfg(test)]
mod grade_state_tests {
    use super::*;

    #[test]
    fn stored_changes_read_back_in_every_form_written() {
        let full =
            GradeState { presence: Some(Presence::Sat), mark: Some(7.5), first: Some(7.5), second: None, third: None };
        for (text, expected) in [
            (full.to_text(), Some(full.clone())),
            ("sat Some(75) [Some(75)/None/None]".to_string(), Some(full.clone())),
            (
                "absent None [None/None/None]".to_string(),
                Some(GradeState {
                    presence: Some(Presence::Absent),
                    mark: None,
                    first: None,
                    second: None,
                    third: None,
                }),
            ),
            (
                "8.5".to_string(),
                Some(GradeState { presence: None, mark: Some(8.5), first: None, second: None, third: None }),
            ),
            ("nonsense".to_string(), None),
            ("sat Some(x) [None/None/None]".to_string(), None),
        ] {
            assert_eq!(GradeState::parse(&text), expected, "{text}");
        }
    }
}
