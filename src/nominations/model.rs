//! A nomination list and its people as stored.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::ids::*;
use crate::db::schema::{nominated_people, nominations};

crate::text_enum! {
    /// `pending` while someone on the list waits for the school's decision, then `decided`.
    pub enum NominationStatus {
        Pending => "pending",
        Decided => "decided",
    }
}

crate::text_enum! {
    /// A person on the list: `pending`, `accepted` (enrolled) or `rejected` (with reasons).
    pub enum PersonStatus {
        Pending => "pending",
        Accepted => "accepted",
        Rejected => "rejected",
    }
}

crate::text_enum! {
    /// The school's answer for one person.
    pub enum Verdict {
        Accept => "accept",
        Reject => "reject",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = nominations, treat_none_as_null = true)]
pub struct Nomination {
    pub id: NominationId,
    /// The institution that decides: the class's, or the one named for a program and year.
    pub institution_id: InstitutionId,
    pub sending_unit_id: SendingUnitId,
    pub decision_no: String,
    pub decision_on: NaiveDate,
    pub cohort_id: Option<CohortId>,
    pub program_id: Option<ProgramId>,
    pub year: Option<i32>,
    pub note: Option<String>,
    pub status: NominationStatus,
    pub people_count: i32,
    pub pending_count: i32,
    pub submitted_by: UserId,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Why a person was not accepted, as the school wrote it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(transparent)]
pub struct Reasons(pub Vec<String>);
crate::json_text!(Reasons);

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = nominated_people, treat_none_as_null = true)]
pub struct NominatedPerson {
    pub id: NominatedPersonId,
    pub nomination_id: NominationId,
    /// From 1, in the list's order.
    pub position: i32,
    pub learner_id: LearnerId,
    pub created_learner: bool,
    pub status: PersonStatus,
    pub reasons: Reasons,
    pub cohort_id: Option<CohortId>,
    pub enrollment_id: Option<EnrollmentId>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<NaiveDateTime>,
}
