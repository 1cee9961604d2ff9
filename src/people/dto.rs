use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::names;
use crate::db::ids::{InstitutionId, LearnerId, UserId};
use crate::error::Problems;
use crate::http::export::Format;
use crate::http::extract::nullable;
use crate::text::clean;

pub use super::lecturer_dto::*;

pub(super) fn opt_text(v: Option<String>) -> Option<String> {
    v.map(|s| clean(&s)).filter(|s| !s.is_empty())
}

/// Sets the name fields and their derived keys from a full name.
pub(super) fn set_name(
    full: &str,
    f: &mut String,
    family: &mut String,
    middle: &mut String,
    given: &mut String,
    name_key: &mut String,
    sort_key: &mut String,
) {
    let n = names::split(full);
    *name_key = names::search_key(&n.full);
    *sort_key = names::sort_key(&n.full);
    *f = n.full;
    *family = n.family;
    *middle = n.middle;
    *given = n.given;
}

/// A learner's fields, for creation (required ones must be there) and for changes (absent fields
/// stay; `null` clears an optional one).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LearnerInput {
    /// Home institution; defaults to the caller's.
    pub institution_id: Option<InstitutionId>,
    /// The linked login account (role learner).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<UserId>)]
    pub user_id: Option<Option<UserId>>,
    #[schema(example = "Nguyễn Thị Lan")]
    pub full_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub gender: Option<Gender>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "Kinh")]
    pub ethnicity: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub hometown: Option<Option<String>>,
    /// CMND (9 digits) or CCCD (12 digits).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub national_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub workplace: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub position: Option<Option<String>>,
    /// The unit that sent the learner [đơn vị cử đi học].
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub sending_unit: Option<Option<String>>,
    pub education_level: Option<EducationLevel>,
    pub party_status: Option<PartyStatus>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub party_admission_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub party_official_date: Option<Option<NaiveDate>>,
    /// Member of a mass organisation (Youth Union, Women's Union …).
    pub mass_org_member: Option<bool>,
    /// A local official [cán bộ, công chức cấp cơ sở].
    pub local_official: Option<bool>,
    pub prior_llct_level: Option<LlctLevel>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub prior_llct_year: Option<Option<i32>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub prior_llct_credential: Option<Option<String>>,
    pub performance_ratings: Option<Vec<Rating>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// A member of a party committee [cấp ủy viên] since this day.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub committee_member_since: Option<Option<NaiveDate>>,
    /// The post the learner is in the succession plan [quy hoạch] for.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, example = "Phó Bí thư Đảng ủy xã")]
    pub succession_post: Option<Option<String>>,
    /// Since when (needs `succession_post`).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub succession_since: Option<Option<NaiveDate>>,
}

crate::max_lengths!("LearnerInput": "full_name" => 120);

crate::required_fields!(CreateLearner from LearnerInput: "full_name", "date_of_birth", "gender", "education_level");

/// Fields a learner may correct on their own record.
pub const SELF_EDITABLE: &[&str] = &["hometown", "workplace", "position", "email", "phone"];

impl LearnerInput {
    /// The API names of the fields present in this input.
    pub fn present(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        macro_rules! p {
            ($($f:ident),*) => { $( if self.$f.is_some() { v.push(stringify!($f)); } )* };
        }
        p!(
            institution_id,
            user_id,
            full_name,
            date_of_birth,
            gender,
            ethnicity,
            hometown,
            national_id,
            workplace,
            position,
            sending_unit,
            education_level,
            party_status,
            party_admission_date,
            party_official_date,
            mass_org_member,
            local_official,
            prior_llct_level,
            prior_llct_year,
            prior_llct_credential,
            performance_ratings,
            email,
            phone,
            committee_member_since,
            succession_post,
            succession_since
        );
        v
    }

    /// Adds a "required" problem for each required field missing from a creation.
    pub fn require(&self, p: &mut Problems) {
        p.check(self.full_name.is_some(), "full_name", "is required");
        p.check(self.date_of_birth.is_some(), "date_of_birth", "is required");
        p.check(self.gender.is_some(), "gender", "is required");
        p.check(self.education_level.is_some(), "education_level", "is required");
    }

    /// Applies every present field onto `l` (institution and account links are the caller's).
    pub fn apply(self, l: &mut Learner) {
        if let Some(n) = self.full_name {
            l.set_name(&n);
        }
        if let Some(v) = self.date_of_birth {
            l.date_of_birth = v;
        }
        if let Some(v) = self.gender {
            l.gender = v;
        }
        macro_rules! text {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { l.$f = opt_text(v); } )* };
        }
        text!(ethnicity, hometown, workplace, position, sending_unit, prior_llct_credential, phone, succession_post);
        if let Some(v) = self.committee_member_since {
            l.committee_member_since = v;
        }
        if let Some(v) = self.succession_since {
            l.succession_since = v;
        }
        if let Some(v) = self.national_id {
            l.national_id =
                v.map(|s| s.chars().filter(|c| !c.is_whitespace()).collect()).filter(|s: &String| !s.is_empty());
        }
        if let Some(v) = self.email {
            l.email = opt_text(v).map(|e| e.to_lowercase());
        }
        if let Some(v) = self.education_level {
            l.education_level = v;
        }
        if let Some(v) = self.party_status {
            l.party_status = v;
        }
        if let Some(v) = self.party_admission_date {
            l.party_admission_date = v;
        }
        if let Some(v) = self.party_official_date {
            l.party_official_date = v;
        }
        if let Some(v) = self.mass_org_member {
            l.mass_org_member = v;
        }
        if let Some(v) = self.local_official {
            l.local_official = v;
        }
        if let Some(v) = self.prior_llct_level {
            l.prior_llct_level = v;
        }
        if let Some(v) = self.prior_llct_year {
            l.prior_llct_year = v;
        }
        if let Some(v) = self.performance_ratings {
            l.performance_ratings = Ratings(v);
        }
    }
}

/// An empty learner record to apply a creation onto.
pub fn blank_learner(institution_id: InstitutionId, at: chrono::NaiveDateTime) -> Learner {
    Learner {
        id: LearnerId::new(),
        institution_id,
        user_id: None,
        full_name: String::new(),
        family_name: String::new(),
        middle_name: String::new(),
        given_name: String::new(),
        name_key: String::new(),
        sort_key: String::new(),
        date_of_birth: NaiveDate::MIN,
        gender: Gender::Male,
        ethnicity: None,
        hometown: None,
        national_id: None,
        workplace: None,
        position: None,
        sending_unit: None,
        education_level: EducationLevel::UpperSecondary,
        party_status: PartyStatus::None,
        party_admission_date: None,
        party_official_date: None,
        mass_org_member: false,
        local_official: false,
        prior_llct_level: LlctLevel::None,
        prior_llct_year: None,
        prior_llct_credential: None,
        performance_ratings: Ratings::default(),
        email: None,
        phone: None,
        version: 1,
        created_at: at,
        updated_at: at,
        committee_member_since: None,
        succession_post: None,
        succession_since: None,
    }
}

/// A learner's whole record.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearnerOut {
    pub id: LearnerId,
    pub institution_id: InstitutionId,
    pub user_id: Option<UserId>,
    pub full_name: String,
    pub family_name: String,
    pub middle_name: String,
    pub given_name: String,
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
    pub performance_ratings: Vec<Rating>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub committee_member_since: Option<NaiveDate>,
    pub succession_post: Option<String>,
    pub succession_since: Option<NaiveDate>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Learner> for LearnerOut {
    fn from(l: Learner) -> LearnerOut {
        LearnerOut {
            id: l.id,
            institution_id: l.institution_id,
            user_id: l.user_id,
            full_name: l.full_name,
            family_name: l.family_name,
            middle_name: l.middle_name,
            given_name: l.given_name,
            date_of_birth: l.date_of_birth,
            gender: l.gender,
            ethnicity: l.ethnicity,
            hometown: l.hometown,
            national_id: l.national_id,
            workplace: l.workplace,
            position: l.position,
            sending_unit: l.sending_unit,
            education_level: l.education_level,
            party_status: l.party_status,
            party_admission_date: l.party_admission_date,
            party_official_date: l.party_official_date,
            mass_org_member: l.mass_org_member,
            local_official: l.local_official,
            prior_llct_level: l.prior_llct_level,
            prior_llct_year: l.prior_llct_year,
            prior_llct_credential: l.prior_llct_credential,
            performance_ratings: l.performance_ratings.0,
            email: l.email,
            phone: l.phone,
            committee_member_since: l.committee_member_since,
            succession_post: l.succession_post,
            succession_since: l.succession_since,
            version: l.version,
            created_at: l.created_at.and_utc(),
            updated_at: l.updated_at.and_utc(),
        }
    }
}

/// A learner as lists show them: personal data (date of birth, national id, contact details)
/// only when an administrator asks with `include_personal=true`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearnerSummary {
    pub id: LearnerId,
    pub institution_id: InstitutionId,
    pub full_name: String,
    pub given_name: String,
    pub gender: Gender,
    pub workplace: Option<String>,
    pub position: Option<String>,
    pub sending_unit: Option<String>,
    pub education_level: EducationLevel,
    pub party_status: PartyStatus,
    pub prior_llct_level: LlctLevel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl LearnerSummary {
    pub fn new(l: Learner, personal: bool) -> LearnerSummary {
        LearnerSummary {
            id: l.id,
            institution_id: l.institution_id,
            full_name: l.full_name,
            given_name: l.given_name,
            gender: l.gender,
            workplace: l.workplace,
            position: l.position,
            sending_unit: l.sending_unit,
            education_level: l.education_level,
            party_status: l.party_status,
            prior_llct_level: l.prior_llct_level,
            date_of_birth: personal.then_some(l.date_of_birth),
            national_id: if personal { l.national_id } else { None },
            email: if personal { l.email } else { None },
            phone: if personal { l.phone } else { None },
            version: l.version,
            updated_at: l.updated_at.and_utc(),
        }
    }
}

/// Filters of `GET /learners`, ordered as Vietnamese class lists are.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LearnerFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub updated_since: Option<DateTime<FixedOffset>>,
    /// Words of the name, accents and case optional: `nguyen van an` finds "Nguyễn Văn An".
    pub q: Option<String>,
    pub institution_id: Option<InstitutionId>,
    pub date_of_birth: Option<NaiveDate>,
    pub party_status: Option<PartyStatus>,
    pub prior_llct_level: Option<LlctLevel>,
    pub national_id: Option<String>,
    /// The unit that sent them [đơn vị cử đi học], as recorded.
    pub sending_unit: Option<String>,
    /// Holds (or held) the credential with this serial [số hiệu].
    pub credential_serial: Option<String>,
    /// Include date of birth, national id and contact details.
    pub include_personal: Option<bool>,
    pub format: Option<Format>,
}

/// Query of the import endpoints.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Where the imported people belong; defaults to the caller's institution.
    pub institution_id: Option<InstitutionId>,
    /// Only check the file; write nothing.
    pub dry_run: Option<bool>,
}

/// Query of the template endpoints.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    pub format: Option<Format>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOut {
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    /// Records written (0 in a dry run).
    pub created: usize,
}
