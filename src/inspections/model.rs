//! An inspection as stored.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::ids::*;
use crate::db::schema::inspections;

crate::text_enum! {
    /// An `inspection` [kiểm tra], a `supervision` [giám sát] or a `thematic` inspection
    /// [kiểm tra chuyên đề].
    pub enum InspectionKind {
        Inspection => "inspection",
        Supervision => "supervision",
        Thematic => "thematic",
    }
}

crate::text_enum! {
    /// A recommendation is `open` until the institution reports it `done`.
    pub enum RecommendationStatus {
        Open => "open",
        Done => "done",
    }
}

/// A member of the inspection team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    #[schema(min_length = 1, max_length = 120, example = "Nguyễn Văn Hùng")]
    pub name: String,
    /// Post and body, e.g. "Phó Trưởng Ban Tổ chức Tỉnh ủy".
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// The team's head [trưởng đoàn].
    #[serde(default)]
    pub head: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct Team(pub Vec<TeamMember>);
crate::json_text!(Team);

/// A recommendation [kiến nghị] and the institution's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Recommendation {
    pub text: String,
    /// By when the institution is to act.
    pub due_on: NaiveDate,
    pub status: RecommendationStatus,
    /// What the institution did, in its words.
    pub response: Option<String>,
    pub responded_at: Option<DateTime<Utc>>,
    pub responded_by: Option<UserId>,
    /// When the institution was last reminded that it is overdue.
    #[serde(default)]
    pub reminded_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct Recommendations(pub Vec<Recommendation>);
crate::json_text!(Recommendations);

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = inspections, treat_none_as_null = true)]
pub struct Inspection {
    pub id: InspectionId,
    /// The institution inspected.
    pub institution_id: InstitutionId,
    /// The body that inspected (the recording inspector's institution; none for a system
    /// administrator's record).
    pub inspector_institution_id: Option<InstitutionId>,
    pub kind: InspectionKind,
    pub title: String,
    pub held_on: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub team: Team,
    pub findings: String,
    pub recommendations: Recommendations,
    pub created_by: UserId,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
