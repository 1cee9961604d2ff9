use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{Institution, InstitutionStatus};
use crate::db::ids::InstitutionId;
use crate::error::{ApiError, Problems};
use crate::http::extract::nullable;
use crate::programs::model::{Level, Levels};
use crate::text::{clean, looks_like_email};

/// A new institution. `tier` is one of the codes of `GET /institutions/tiers`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInstitution {
    #[schema(example = "TCT-HN")]
    pub code: Option<String>,
    #[schema(example = "Trường Chính trị tỉnh Hà Nam")]
    pub name: Option<String>,
    pub short_name: Option<String>,
    #[schema(example = "provincial_school")]
    pub tier: Option<String>,
    /// The institution above this one; `null` for a root (system administrators only).
    pub parent_id: Option<InstitutionId>,
    pub province: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Who signs the institution's credentials (the close-out prints them), e.g. `Trần Văn Bình`.
    pub signer_name: Option<String>,
    /// The signer's title as printed, e.g. `Hiệu trưởng`.
    pub signer_title: Option<String>,
    /// Levels for which this institution accepts the level a learner must already hold only
    /// on evidence (a credential issued here or recorded from a register book), not on the
    /// learner's own declaration, e.g. `["intermediate"]`: an intermediate class then needs an
    /// evidenced elementary level.
    pub evidence_required: Option<Vec<Level>>,
}

crate::max_lengths!("CreateInstitution": "name" => 200, "short_name" => 80, "province" => 100, "address" => 300, "signer_name" => 120, "signer_title" => 120);

crate::required_fields!("CreateInstitution": "code", "name", "tier");

/// Changes to an institution; absent fields stay as they are, `null` clears optional ones.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateInstitution {
    pub code: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub short_name: Option<Option<String>>,
    pub tier: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<InstitutionId>)]
    pub parent_id: Option<Option<InstitutionId>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub province: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub signer_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub signer_title: Option<Option<String>>,
    /// Levels for which this institution accepts the level a learner must already hold only
    /// on evidence (a credential issued here or recorded from a register book), not on the
    /// learner's own declaration, e.g. `["intermediate"]`: an intermediate class then needs an
    /// evidenced elementary level.
    pub evidence_required: Option<Vec<Level>>,
}

crate::max_lengths!("UpdateInstitution": "name" => 200, "short_name" => 80, "province" => 100, "address" => 300, "signer_name" => 120, "signer_title" => 120);

#[derive(Debug, Serialize, ToSchema)]
pub struct InstitutionOut {
    pub id: InstitutionId,
    pub parent_id: Option<InstitutionId>,
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub tier: String,
    pub province: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    /// Levels for which this institution accepts the level a learner must already hold only
    /// on evidence (a credential issued here or recorded from a register book), not on the
    /// learner's own declaration, e.g. `["intermediate"]`: an intermediate class then needs an
    /// evidenced elementary level.
    pub evidence_required: Vec<Level>,
    pub status: InstitutionStatus,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Institution> for InstitutionOut {
    fn from(i: Institution) -> InstitutionOut {
        InstitutionOut {
            id: i.id,
            parent_id: i.parent_id,
            code: i.code,
            name: i.name,
            short_name: i.short_name,
            tier: i.tier,
            province: i.province,
            address: i.address,
            email: i.email,
            phone: i.phone,
            signer_name: i.signer_name,
            signer_title: i.signer_title,
            evidence_required: i.evidence_required.0,
            status: i.status,
            version: i.version,
            created_at: i.created_at.and_utc(),
            updated_at: i.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierOut {
    pub code: String,
    pub name: String,
    pub name_vi: String,
    pub valid_from: Option<chrono::NaiveDate>,
    pub valid_until: Option<chrono::NaiveDate>,
}

/// Filters of `GET /institutions`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InstitutionFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub updated_since: Option<DateTime<FixedOffset>>,
    pub tier: Option<String>,
    pub parent_id: Option<InstitutionId>,
    pub status: Option<InstitutionStatus>,
}

/// Cleaned, checked fields shared by create and update.
pub struct Fields {
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub tier: String,
    pub province: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub evidence_required: Vec<Level>,
}

impl Fields {
    /// A new active institution with these fields.
    pub fn into_row(
        self,
        id: InstitutionId,
        parent_id: Option<InstitutionId>,
        path: String,
        t: chrono::NaiveDateTime,
    ) -> Institution {
        let mut row = Institution {
            id,
            parent_id,
            path,
            code: String::new(),
            name: String::new(),
            short_name: None,
            tier: String::new(),
            province: None,
            address: None,
            email: None,
            phone: None,
            signer_name: None,
            signer_title: None,
            evidence_required: Levels::default(),
            status: InstitutionStatus::Active,
            version: 1,
            created_at: t,
            updated_at: t,
        };
        self.set_on(&mut row);
        row
    }

    /// Puts these fields on the institution's row.
    pub fn set_on(self, row: &mut Institution) {
        row.code = self.code;
        row.name = self.name;
        row.short_name = self.short_name;
        row.tier = self.tier;
        row.province = self.province;
        row.address = self.address;
        row.email = self.email;
        row.phone = self.phone;
        row.signer_name = self.signer_name;
        row.signer_title = self.signer_title;
        row.evidence_required = Levels(self.evidence_required);
    }
}

/// Checks every field, listing all problems at once.
pub fn check_fields(f: &Fields, p: &mut Problems) {
    let code_ok = !f.code.is_empty()
        && f.code.len() <= 32
        && f.code.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    p.check(code_ok, "code", "must be 1 to 32 letters, digits, '-', '_' or '.'");
    p.check(!f.name.is_empty() && f.name.chars().count() <= 200, "name", "must be 1 to 200 characters");
    p.check(!f.tier.is_empty(), "tier", "is required");
    let opt_len = |v: &Option<String>, n: usize| v.as_ref().is_none_or(|s| s.chars().count() <= n);
    p.check(opt_len(&f.short_name, 80), "short_name", "must be at most 80 characters");
    p.check(opt_len(&f.province, 100), "province", "must be at most 100 characters");
    p.check(opt_len(&f.address, 300), "address", "must be at most 300 characters");
    p.check(opt_len(&f.signer_name, 120), "signer_name", "must be at most 120 characters");
    p.check(opt_len(&f.signer_title, 120), "signer_title", "must be at most 120 characters");
    p.check(f.email.as_deref().is_none_or(looks_like_email), "email", "is not an e-mail address");
    p.check(
        f.phone
            .as_deref()
            .is_none_or(|s| s.len() <= 20 && s.chars().all(|c| c.is_ascii_digit() || "+ .-()".contains(c))),
        "phone",
        "must be a phone number of at most 20 characters",
    );
}

/// A set of levels in level order, each once.
fn levels(mut v: Vec<Level>) -> Vec<Level> {
    v.sort_by_key(|l| Level::ALL.iter().position(|x| x == l));
    v.dedup();
    v
}

/// Trims and NFC-normalises an optional text; empty becomes `None`.
pub fn opt(s: Option<String>) -> Option<String> {
    s.map(|s| clean(&s)).filter(|s| !s.is_empty())
}

impl CreateInstitution {
    /// The cleaned fields and every problem found without the database; the caller adds the
    /// database's checks to the same list before answering.
    pub fn into_fields(self) -> (Fields, Option<InstitutionId>, Problems) {
        let mut p = Problems::new();
        p.check(self.code.is_some(), "code", "is required");
        p.check(self.name.is_some(), "name", "is required");
        let f = Fields {
            code: self.code.map(|s| s.trim().to_string()).unwrap_or_default(),
            name: self.name.map(|s| clean(&s)).unwrap_or_default(),
            short_name: opt(self.short_name),
            tier: self.tier.map(|s| s.trim().to_string()).unwrap_or_default(),
            province: opt(self.province),
            address: opt(self.address),
            email: opt(self.email).map(|e| e.to_lowercase()),
            phone: opt(self.phone),
            signer_name: opt(self.signer_name),
            signer_title: opt(self.signer_title),
            evidence_required: levels(self.evidence_required.unwrap_or_default()),
        };
        let mut more = Problems::new();
        check_fields(&f, &mut more);
        for item in more.0 {
            if !p.0.iter().any(|x| x.field == item.field) {
                p.0.push(item);
            }
        }
        (f, self.parent_id, p)
    }
}

impl UpdateInstitution {
    /// The row's fields with this patch applied, checked.
    pub fn apply(self, i: &Institution) -> Result<Fields, ApiError> {
        let pick = |patch: Option<Option<String>>, cur: &Option<String>| match patch {
            Some(v) => opt(v),
            None => cur.clone(),
        };
        let f = Fields {
            code: self.code.map(|s| s.trim().to_string()).unwrap_or_else(|| i.code.clone()),
            name: self.name.map(|s| clean(&s)).unwrap_or_else(|| i.name.clone()),
            short_name: pick(self.short_name, &i.short_name),
            tier: self.tier.map(|s| s.trim().to_string()).unwrap_or_else(|| i.tier.clone()),
            province: pick(self.province, &i.province),
            address: pick(self.address, &i.address),
            email: pick(self.email, &i.email).map(|e| e.to_lowercase()),
            phone: pick(self.phone, &i.phone),
            signer_name: pick(self.signer_name, &i.signer_name),
            signer_title: pick(self.signer_title, &i.signer_title),
            evidence_required: self.evidence_required.map(levels).unwrap_or_else(|| i.evidence_required.0.clone()),
        };
        let mut p = Problems::new();
        check_fields(&f, &mut p);
        p.finish(f)
    }
}
