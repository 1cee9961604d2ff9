//! A lecturer's record as sent and as answered.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use crate::db::ids::{InstitutionId, LecturerId, UserId};
use crate::error::Problems;
use crate::http::export::Format;
use crate::http::extract::nullable;
use crate::text::clean;

use super::dto::opt_text;

/// A lecturer's fields, for creation and changes.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LecturerInput {
    pub institution_id: Option<InstitutionId>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<UserId>)]
    pub user_id: Option<Option<UserId>>,
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub date_of_birth: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Gender>)]
    pub gender: Option<Option<Gender>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub national_id: Option<Option<String>>,
    pub kind: Option<LecturerKind>,
    pub rank: Option<LecturerRank>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "Thạc sĩ")]
    pub academic_title: Option<Option<String>>,
    /// Module codes or subject names this lecturer may teach.
    pub subjects: Option<Vec<String>>,
    /// Pay category of a concurrent lecturer.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub rate_category: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub workplace: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub position: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// The standards inspectors check, each with the date it was obtained.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Degree>)]
    pub degree: Option<Option<Degree>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub degree_on: Option<Option<NaiveDate>>,
    pub llct_level: Option<LlctLevel>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub llct_level_on: Option<Option<NaiveDate>>,
    /// When the teaching-method certificate [nghiệp vụ sư phạm] was obtained; `null`: none.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub teaching_certificate_on: Option<Option<NaiveDate>>,
    /// The year of their probation; their norm that year is at most the probation norm.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>, minimum = 1990, maximum = 2100)]
    pub probation_year: Option<Option<i32>>,
    /// The head's adjustment of their yearly norm, −15 to 15 per cent.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>, minimum = -15, maximum = 15)]
    pub norm_adjustment_pct: Option<Option<i32>>,
}

crate::max_lengths!("LecturerInput": "full_name" => 120);

crate::required_fields!(CreateLecturer from LecturerInput: "full_name", "kind");

impl LecturerInput {
    pub fn require(&self, p: &mut Problems) {
        p.check(self.full_name.is_some(), "full_name", "is required");
        p.check(self.kind.is_some(), "kind", "is required");
    }

    pub fn apply(self, l: &mut Lecturer) {
        if let Some(n) = self.full_name {
            l.set_name(&n);
        }
        if let Some(v) = self.date_of_birth {
            l.date_of_birth = v;
        }
        if let Some(v) = self.gender {
            l.gender = v;
        }
        if let Some(v) = self.national_id {
            l.national_id =
                v.map(|s| s.chars().filter(|c| !c.is_whitespace()).collect()).filter(|s: &String| !s.is_empty());
        }
        if let Some(v) = self.kind {
            l.kind = v;
        }
        if let Some(v) = self.rank {
            l.rank = v;
        }
        macro_rules! text {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { l.$f = opt_text(v); } )* };
        }
        text!(academic_title, rate_category, workplace, position, phone);
        if let Some(v) = self.email {
            l.email = opt_text(v).map(|e| e.to_lowercase());
        }
        if let Some(v) = self.subjects {
            l.subjects = Subjects(v.into_iter().map(|s| clean(&s)).collect());
        }
        macro_rules! plain {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { l.$f = v; } )* };
        }
        plain!(
            degree,
            degree_on,
            llct_level,
            llct_level_on,
            teaching_certificate_on,
            probation_year,
            norm_adjustment_pct
        );
    }
}

pub fn blank_lecturer(institution_id: InstitutionId, at: chrono::NaiveDateTime) -> Lecturer {
    Lecturer {
        id: LecturerId::new(),
        institution_id,
        user_id: None,
        full_name: String::new(),
        family_name: String::new(),
        middle_name: String::new(),
        given_name: String::new(),
        name_key: String::new(),
        sort_key: String::new(),
        date_of_birth: None,
        gender: None,
        national_id: None,
        kind: LecturerKind::FullTime,
        rank: LecturerRank::Lecturer,
        academic_title: None,
        subjects: Subjects::default(),
        rate_category: None,
        workplace: None,
        position: None,
        email: None,
        phone: None,
        version: 1,
        created_at: at,
        updated_at: at,
        degree: None,
        degree_on: None,
        llct_level: LlctLevel::None,
        llct_level_on: None,
        teaching_certificate_on: None,
        probation_year: None,
        norm_adjustment_pct: None,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LecturerOut {
    pub id: LecturerId,
    pub institution_id: InstitutionId,
    pub user_id: Option<UserId>,
    pub full_name: String,
    pub family_name: String,
    pub middle_name: String,
    pub given_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub gender: Option<Gender>,
    pub national_id: Option<String>,
    pub kind: LecturerKind,
    pub rank: LecturerRank,
    pub academic_title: Option<String>,
    pub subjects: Vec<String>,
    pub rate_category: Option<String>,
    pub workplace: Option<String>,
    pub position: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub degree: Option<Degree>,
    pub degree_on: Option<NaiveDate>,
    pub llct_level: LlctLevel,
    pub llct_level_on: Option<NaiveDate>,
    pub teaching_certificate_on: Option<NaiveDate>,
    pub probation_year: Option<i32>,
    pub norm_adjustment_pct: Option<i32>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Lecturer> for LecturerOut {
    fn from(l: Lecturer) -> LecturerOut {
        LecturerOut {
            id: l.id,
            institution_id: l.institution_id,
            user_id: l.user_id,
            full_name: l.full_name,
            family_name: l.family_name,
            middle_name: l.middle_name,
            given_name: l.given_name,
            date_of_birth: l.date_of_birth,
            gender: l.gender,
            national_id: l.national_id,
            kind: l.kind,
            rank: l.rank,
            academic_title: l.academic_title,
            subjects: l.subjects.0,
            rate_category: l.rate_category,
            workplace: l.workplace,
            position: l.position,
            email: l.email,
            phone: l.phone,
            degree: l.degree,
            degree_on: l.degree_on,
            llct_level: l.llct_level,
            llct_level_on: l.llct_level_on,
            teaching_certificate_on: l.teaching_certificate_on,
            probation_year: l.probation_year,
            norm_adjustment_pct: l.norm_adjustment_pct,
            version: l.version,
            created_at: l.created_at.and_utc(),
            updated_at: l.updated_at.and_utc(),
        }
    }
}

/// Filters of `GET /lecturers`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LecturerFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub updated_since: Option<DateTime<FixedOffset>>,
    pub q: Option<String>,
    pub institution_id: Option<InstitutionId>,
    pub kind: Option<LecturerKind>,
    pub format: Option<Format>,
}
