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
}

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
