//! A rule set's numbers and lists, per level.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::ids::RuleSetId;
use crate::db::schema::rule_sets;
use crate::people::model::EducationLevel;

/// Elementary [sơ cấp]: who may attend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ElementaryRules {
    pub min_education: EducationLevel,
}

/// Intermediate [trung cấp].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntermediateRules {
    pub min_education: EducationLevel,
    /// Probationary party members may attend (else full members only).
    pub probationary_allowed: bool,
    /// Rated "hoàn thành tốt nhiệm vụ" or better in each of this many years before the class.
    #[schema(minimum = 0, maximum = 5)]
    pub rating_years: i32,
    /// In-service classes are for women and men of at least these ages on the first day.
    #[schema(minimum = 16, maximum = 80)]
    pub in_service_min_age_women: i32,
    #[schema(minimum = 16, maximum = 80)]
    pub in_service_min_age_men: i32,
}

/// Advanced [cao cấp]: full party members only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvancedRules {
    pub min_education: EducationLevel,
    #[schema(minimum = 16, maximum = 80)]
    pub in_service_min_age_women: i32,
    #[schema(minimum = 16, maximum = 80)]
    pub in_service_min_age_men: i32,
}

/// Refresher courses [bồi dưỡng] for a named audience (see the program's `audience`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefresherRules {
    /// A new party member's probation [thời gian dự bị] lasts this many months from admission.
    #[schema(minimum = 1, maximum = 36)]
    pub probation_months: i32,
}

/// Every number and list eligibility uses, per level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(deny_unknown_fields)]
pub struct EligibilityRules {
    pub elementary: ElementaryRules,
    pub intermediate: IntermediateRules,
    pub advanced: AdvancedRules,
    pub refresher: RefresherRules,
}
crate::json_text!(EligibilityRules);

impl EligibilityRules {
    /// Quy định 57-QĐ/TW (2022).
    pub fn qd57() -> EligibilityRules {
        EligibilityRules {
            intermediate: IntermediateRules {
                in_service_min_age_women: 33,
                in_service_min_age_men: 35,
                ..Self::qd350().intermediate
            },
            ..Self::qd350()
        }
    }

    /// Quy định 350-QĐ/TW (2025), for classes from 1 July 2025.
    pub fn qd350() -> EligibilityRules {
        EligibilityRules {
            elementary: ElementaryRules { min_education: EducationLevel::LowerSecondary },
            intermediate: IntermediateRules {
                min_education: EducationLevel::College,
                probationary_allowed: true,
                rating_years: 2,
                in_service_min_age_women: 28,
                in_service_min_age_men: 30,
            },
            advanced: AdvancedRules {
                min_education: EducationLevel::University,
                in_service_min_age_women: 38,
                in_service_min_age_men: 40,
            },
            refresher: RefresherRules { probation_months: 12 },
        }
    }
}

/// The eligibility rules of one regulation from the day it takes effect; a class keeps the set
/// in force when it was opened (its `regulation` is the set's code).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = rule_sets)]
pub struct RuleSet {
    pub id: RuleSetId,
    pub code: String,
    pub title: String,
    pub effective_from: NaiveDate,
    pub rules: EligibilityRules,
    /// Shipped with the service (57 and 350): its rules and first day never change.
    pub builtin: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
