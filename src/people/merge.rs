//! `POST /api/v1/learners/{id}/merge-into/{target}`: two records of one person (typically found
//! by an institution merge's dry run) become one. Every class, roll-call mark, grade, appeal,
//! field report, conduct rating, result and credential of the removed record moves to the kept
//! one; empty fields of the kept record are filled from the removed one; the removed record is
//! kept as it was in `learner_merges`, so the merge can be explained later.

use actix_web::{post, web, HttpResponse};
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::LearnerOut;
use super::model::Learner;
use super::store;
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::*;
use crate::db::schema::{cohorts as co, enrollments as e, learner_merges as lm, learners as l};
use crate::db::{now, DbConn};
use crate::error::{ApiError, ProblemItem};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(merge_learner);
}

/// Tables that hold a learner's history.
const HISTORY: [&str; 12] = [
    "enrollments",
    "nominated_people",
    "attendance",
    "attendance_changes",
    "makeups",
    "field_reports",
    "grades",
    "appeals",
    "conduct",
    "certificates",
    "credential_records",
    "result_snapshots",
];

#[derive(Debug, Serialize, ToSchema)]
pub struct LearnerMerged {
    /// The record that remains, with the combined history.
    pub learner: LearnerOut,
    pub removed_id: LearnerId,
    /// Rows moved per kind.
    pub moved: std::collections::BTreeMap<String, usize>,
    /// The removed record's account could not be linked (the kept record has one already).
    pub account_left_unlinked: Option<UserId>,
}

fn fill(kept: &mut Learner, removed: &Learner) {
    macro_rules! fill {
        ($($f:ident),*) => {$(
            if kept.$f.is_none() {
                kept.$f = removed.$f.clone();
            }
        )*};
    }
    fill!(ethnicity, hometown, national_id, workplace, position, sending_unit, email, phone, party_official_date);
    fill!(committee_member_since, succession_post, succession_since);
}

fn combine(tx: &mut DbConn, caller: &Caller, from: LearnerId, into: LearnerId) -> Result<LearnerMerged, ApiError> {
    if from == into {
        return Err(ApiError::refused("merge_into_itself", "A record cannot be merged into itself."));
    }
    let removed = store::get_learner(tx, &caller.scope, from)?;
    let mut kept = store::get_learner(tx, &caller.scope, into)?;
    // Both in one class: the two histories cannot be combined row by row.
    let theirs: Vec<CohortId> = e::table.filter(e::learner_id.eq(into)).select(e::cohort_id).load(tx)?;
    let shared: Vec<String> = co::table
        .inner_join(e::table)
        .filter(e::learner_id.eq(from))
        .filter(e::cohort_id.eq_any(theirs))
        .select(co::code)
        .load(tx)?;
    if !shared.is_empty() {
        let errors = shared
            .into_iter()
            .map(|code| ProblemItem::rule("same_class", format!("Both records are enrolled in class {code}.")))
            .collect();
        return Err(ApiError::Refused(errors));
    }
    let mut moved = std::collections::BTreeMap::new();
    for t in HISTORY {
        // `t` is one of the constant names above, never input.
        let n = diesel::sql_query(format!("UPDATE {t} SET learner_id = $1 WHERE learner_id = $2"))
            .bind::<Text, _>(into.to_string())
            .bind::<Text, _>(from.to_string())
            .execute(tx)?;
        moved.insert(t.to_string(), n);
    }
    let mut account_left_unlinked = None;
    let at = now();
    diesel::insert_into(lm::table)
        .values((
            lm::id.eq(LearnerMergeId::new()),
            lm::removed_id.eq(from),
            lm::kept_id.eq(into),
            lm::removed_record.eq(serde_json::to_string(&LearnerOut::from(removed.clone())).unwrap_or_default()),
            lm::moved.eq(serde_json::to_string(&moved).unwrap_or_default()),
            lm::merged_by.eq(caller.user_id),
            lm::merged_at.eq(at),
        ))
        .execute(tx)?;
    diesel::delete(l::table.find(from)).execute(tx)?;
    match (kept.user_id, removed.user_id) {
        (None, Some(u)) => kept.user_id = Some(u),
        (Some(_), Some(u)) => account_left_unlinked = Some(u),
        _ => {}
    }
    fill(&mut kept, &removed);
    let seen = kept.version;
    kept.version += 1;
    kept.updated_at = at;
    crate::http::extract::saved(store::save_learner(tx, &kept, seen)?, seen)?;
    Ok(LearnerMerged { learner: LearnerOut::from(kept), removed_id: from, moved, account_left_unlinked })
}

/// Merges learner record `id` into `target` (administrators with both in scope): the history
/// moves, empty fields are filled, the removed record is kept in the merge log. Refused (422,
/// each shared class listed) when both records are in one class.
#[utoipa::path(tag = "people", params(("id" = LearnerId, Path), ("target" = LearnerId, Path)),
    responses((status = 200, body = LearnerMerged), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/learners/{id}/merge-into/{target}")]
async fn merge_learner(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    path: web::Path<(LearnerId, LearnerId)>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let (from, into) = path.into_inner();
    let out = audit.write(&state.db, move |tx| combine(tx, &caller, from, into)).await?;
    Ok(crate::http::extract::ok_versioned(out.learner.version, &out))
}
