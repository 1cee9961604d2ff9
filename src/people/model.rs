use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::ids::{InstitutionId, LearnerId, LecturerId, UserId};
use crate::db::schema::{learners, lecturers};

crate::text_enum! {
    pub enum Gender {
        Male => "male",
        Female => "female",
    }
}

crate::text_enum! {
    /// Highest general or professional education [trình độ học vấn / chuyên môn].
    pub enum EducationLevel {
        Primary => "primary",
        LowerSecondary => "lower_secondary",
        UpperSecondary => "upper_secondary",
        Vocational => "vocational",
        College => "college",
        University => "university",
        Master => "master",
        Doctorate => "doctorate",
    }
}

crate::text_enum! {
    /// Party membership: none, probationary [dự bị] or full [chính thức].
    pub enum PartyStatus {
        None => "none",
        Probationary => "probationary",
        Full => "full",
    }
}

crate::text_enum! {
    /// The political-theory level a person already holds.
    pub enum LlctLevel {
        None => "none",
        Elementary => "elementary",
        Intermediate => "intermediate",
        Advanced => "advanced",
    }
}

crate::text_enum! {
    /// Full-time [chuyên trách], concurrent [kiêm chức: paid per period] or visiting [thỉnh giảng].
    pub enum LecturerKind {
        FullTime => "full_time",
        Concurrent => "concurrent",
        Visiting => "visiting",
    }
}

crate::text_enum! {
    /// Rank, which sets the yearly teaching norm (270, 290, 310 standard hours).
    pub enum LecturerRank {
        Lecturer => "lecturer",
        PrincipalLecturer => "principal_lecturer",
        SeniorLecturer => "senior_lecturer",
    }
}

crate::text_enum! {
    /// A university degree [bằng cấp]: bachelor [cử nhân], master [thạc sĩ], doctorate [tiến sĩ].
    pub enum Degree {
        Bachelor => "bachelor",
        Master => "master",
        Doctorate => "doctorate",
    }
}

crate::text_enum! {
    /// Yearly rating of an official [đánh giá, xếp loại chất lượng].
    pub enum RatingGrade {
        Excellent => "excellent",
        Good => "good",
        Completed => "completed",
        NotCompleted => "not_completed",
    }
}

/// One year's rating: `excellent` = hoàn thành xuất sắc, `good` = hoàn thành tốt nhiệm vụ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = PerformanceRating)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    pub year: i32,
    pub grade: RatingGrade,
}

#[derive(
    Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, diesel::AsExpression, diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct Ratings(pub Vec<Rating>);
crate::json_text!(Ratings);

#[derive(
    Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, diesel::AsExpression, diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct Subjects(pub Vec<String>);
crate::json_text!(Subjects);

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = learners, treat_none_as_null = true)]
pub struct Learner {
    pub id: LearnerId,
    pub institution_id: InstitutionId,
    pub user_id: Option<UserId>,
    pub full_name: String,
    pub family_name: String,
    pub middle_name: String,
    pub given_name: String,
    pub name_key: String,
    pub sort_key: String,
    pub date_of_birth: NaiveDate,
    pub gender: Gender,
    pub ethnicity: Option<String>,
    pub hometown: Option<String>,
    pub national_id: Option<String>,
    pub workplace: Option<String>,
    pub position: Option<String>,
    pub sending_unit: Option<String>,
    pub education_level: EducationLevel,
    pub party_status: PartyStatus,
    pub party_admission_date: Option<NaiveDate>,
    pub party_official_date: Option<NaiveDate>,
    pub mass_org_member: bool,
    pub local_official: bool,
    pub prior_llct_level: LlctLevel,
    pub prior_llct_year: Option<i32>,
    pub prior_llct_credential: Option<String>,
    pub performance_ratings: Ratings,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// A member of a party committee [cấp ủy viên] since this day.
    pub committee_member_since: Option<NaiveDate>,
    /// In the succession plan [quy hoạch] for this post, since `succession_since`.
    pub succession_post: Option<String>,
    pub succession_since: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = lecturers, treat_none_as_null = true)]
pub struct Lecturer {
    pub id: LecturerId,
    pub institution_id: InstitutionId,
    pub user_id: Option<UserId>,
    pub full_name: String,
    pub family_name: String,
    pub middle_name: String,
    pub given_name: String,
    pub name_key: String,
    pub sort_key: String,
    pub date_of_birth: Option<NaiveDate>,
    pub gender: Option<Gender>,
    pub national_id: Option<String>,
    pub kind: LecturerKind,
    pub rank: LecturerRank,
    pub academic_title: Option<String>,
    pub subjects: Subjects,
    pub rate_category: Option<String>,
    pub workplace: Option<String>,
    pub position: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The standards inspectors check, each with its date.
    pub degree: Option<Degree>,
    pub degree_on: Option<NaiveDate>,
    pub llct_level: LlctLevel,
    pub llct_level_on: Option<NaiveDate>,
    /// When the teaching-method certificate [nghiệp vụ sư phạm] was obtained; none without one.
    pub teaching_certificate_on: Option<NaiveDate>,
    /// The year of their probation [năm tập sự]: their norm that year is at most the probation
    /// norm.
    pub probation_year: Option<i32>,
    /// The head's adjustment of their norm, −15 to 15 per cent.
    pub norm_adjustment_pct: Option<i32>,
}

/// Learners and lecturers keep a name in the same fields: `set_name` fills them all, and the
/// search and list keys, from a full name.
macro_rules! named {
    ($($person:ty),+) => {$(
        impl $person {
            /// Sets the name fields and their search and list keys from a full name.
            pub fn set_name(&mut self, full: &str) {
                super::dto::set_name(
                    full,
                    &mut self.full_name,
                    &mut self.family_name,
                    &mut self.middle_name,
                    &mut self.given_name,
                    &mut self.name_key,
                    &mut self.sort_key,
                );
            }
        }
    )+};
}

named!(Learner, Lecturer);
