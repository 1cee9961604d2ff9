//! `/api/v1/cohorts/{id}/enrollments`, `/api/v1/enrollments/{id}` and
//! `/api/v1/learners/{id}/eligibility`: who may join a class and why not.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::NaiveDate;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::enrol::{self, refusals_for, Enroller, Target};
use super::model::*;
use super::rules;
use super::store;
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::*;
use crate::db::page::Page;
use crate::db::{now, DbConn};
use crate::error::ApiError;
use crate::http::export::{self, Cell, Format, Table};
use crate::http::extract::{ok_versioned, paging_by, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::people::store as people;
use crate::text::clean;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_enrollments).service(create_enrollments).service(update_enrollment).service(learner_eligibility);
}

/// Enrols one learner or a list, all or none: the 422 answer lists, for each learner refused,
/// every failed rule (`field` = `learners[i]`). An administrator may override a rule with a
/// reason, which is recorded with the enrolment. Capacity is checked for the whole list at once.
#[utoipa::path(tag = "cohorts", request_body = CreateEnrollments, params(("id" = CohortId, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = EnrollmentsCreated), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/cohorts/{id}/enrollments")]
async fn create_enrollments(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    key: IdempotencyKey,
    body: JsonBody<CreateEnrollments>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let id = id.into_inner();
    let fp = fingerprint("POST", &format!("/cohorts/{id}/enrollments"), &body);
    let b = body;
    let mut list = b.learners;
    if let Some(l) = b.learner_id {
        list.insert(0, EnrolLearner { learner_id: l, overrides: b.overrides });
    }
    let problems = rules::enrol_problems(&list);
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let enrolled_on = b.enrolled_on.unwrap_or_else(|| state.clock.today());
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let cohort = store::writable(tx, &c, id)?;
        if let Some(why) = rules::not_enrolling(cohort.status) {
            return Err(ApiError::conflict("not_enrolling", why));
        }
        let by = Enroller { user: c.user_id, scope: &c.scope };
        let rows = enrol::plan(tx, &by, &cohort, &list, enrolled_on, &|i| format!("learners[{i}]"))?;
        let mut items = Vec::new();
        for (existing, row, name) in rows {
            items.push(EnrollmentOut::new(store::enrol(tx, existing, row)?, name));
        }
        Stored::created(format!("/api/v1/cohorts/{id}/enrollments"), 1, &EnrollmentsCreated { items })
    })
    .await
}

/// The enrolments of a class in class-list order. Export with `?format=csv|xlsx`.
#[utoipa::path(tag = "cohorts", params(("id" = CohortId, Path), EnrollmentFilter),
    responses((status = 200, body = Page<EnrollmentOut>), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/cohorts/{id}/enrollments")]
async fn list_enrollments(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    q: web::Query<EnrollmentFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let id = id.into_inner();
    let q = q.into_inner();
    let page = crate::http::export::page_or_all(q.format, || {
        paging_by(q.limit, q.cursor.as_deref(), |k| people::parse_cursor(k).is_some())
    })?;
    let limit = page.limit;
    let status = q.status;
    let (cohort, rows) = state
        .db
        .read(move |c| {
            let cohort = store::readable(c, &caller, id)?;
            Ok((cohort, store::enrollments(c, id, status, &page)?))
        })
        .await?;
    match q.format {
        Some(f @ (Format::Csv | Format::Xlsx)) => {
            let rows = rows
                .iter()
                .enumerate()
                .map(|(i, (e, name, _))| {
                    vec![
                        Cell::from(i as i64 + 1),
                        name.as_str().into(),
                        e.enrolled_on.format("%d/%m/%Y").to_string().into(),
                        e.status.as_str().into(),
                    ]
                })
                .collect();
            export::respond(
                f,
                &Table {
                    name: format!("danh-sach-{}", cohort.code.replace('/', "-")),
                    headers: vec!["STT", "Họ và tên", "Ngày ghi danh", "Trạng thái"],
                    rows,
                },
            )
        }
        _ => Ok(HttpResponse::Ok().json(Page::from_rows(
            rows,
            limit,
            |(e, _, k)| people::cursor_key(k, &e.id),
            |(e, n, _)| EnrollmentOut::new(e, n),
        ))),
    }
}

/// Withdraws a learner (with a reason; the record stays) or corrects the enrolment date.
#[utoipa::path(tag = "cohorts", request_body = UpdateEnrollment,
    params(("id" = EnrollmentId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = EnrollmentOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[patch("/enrollments/{id}")]
async fn update_enrollment(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<EnrollmentId>,
    if_match: IfMatch,
    body: JsonBody<UpdateEnrollment>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let (id, b) = (id.into_inner(), body);
    let (day, tz) = (state.clock.today(), state.settings.tz());
    let out = audit
        .write(&state.db, move |tx| {
            let cur = store::find_enrollment(tx, id)?.ok_or_else(ApiError::not_found)?;
            store::writable(tx, &caller, cur.cohort_id)?;
            if_match.check(cur.version)?;
            let mut row = cur.clone();
            match b.status {
                Some(EnrollmentStatus::Withdrawn) if cur.status == EnrollmentStatus::Enrolled => {
                    let reason = b.withdraw_reason.as_deref().map(clean).filter(|s| !s.is_empty());
                    let reason = reason.ok_or_else(|| ApiError::field("withdraw_reason", "is required to withdraw"))?;
                    row.status = EnrollmentStatus::Withdrawn;
                    row.withdrawn_on = Some(day);
                    row.withdraw_reason = Some(reason);
                    store::release_seat(tx, cur.cohort_id)?;
                }
                Some(s) if s != cur.status => {
                    return Err(ApiError::conflict(
                        "use_enrollment_post",
                        "To enrol again, POST to the class's enrollments.",
                    ));
                }
                _ => {}
            }
            if let Some(d) = b.enrolled_on {
                row.enrolled_on = d;
            }
            row.version = cur.version + 1;
            row.updated_at = now();
            crate::http::extract::saved(store::save_enrollment(tx, &row, cur.version)?, cur.version)?;
            crate::results::snapshot::refresh(tx, tz, row.cohort_id)?;
            let name = people::find_learner(tx, row.learner_id)?.map(|l| l.full_name).unwrap_or_default();
            Ok(EnrollmentOut::new(row, name))
        })
        .await?;
    Ok(ok_versioned(out.version, &out))
}

/// What an eligibility question is asked about: a class (its own rule set), or a program with a
/// mode and start date (the set in force then), at the institution asking.
fn eligibility_target(
    tx: &mut DbConn,
    caller: &Caller,
    q: &EligibilityQuery,
    day: NaiveDate,
) -> Result<Target, ApiError> {
    let ((level, audience), mode, set, from, to, except, at) = match (q.cohort_id, q.program_id) {
        (Some(cid), _) => {
            let c = store::readable(tx, caller, cid)?;
            let kind = super::http::kind_of(tx, &c)?;
            let set = super::rule_sets::store::of_class(tx, &c.regulation, c.starts_on)?;
            (kind, c.mode, set, c.starts_on, c.ends_on, Some(cid), Some(c.institution_id))
        }
        (None, Some(pid)) => {
            let p = crate::programs::store::get(tx, pid)?;
            let from = q.starts_on.unwrap_or(day);
            let mode = q.mode.unwrap_or(Mode::FullTime);
            let set = super::rule_sets::store::in_force(tx, from)?;
            ((p.level, p.rules.audience), mode, set, from, from, None, caller.institution_id)
        }
        (None, None) => {
            return Err(ApiError::field("cohort_id", "give cohort_id, or program_id with mode and starts_on"))
        }
    };
    let asked = match at {
        Some(i) => crate::institutions::store::evidence_required(tx, i)?,
        None => Vec::new(),
    };
    let evidence_required = rules::needs_evidence(&asked, level);
    Ok(Target { level, mode, regulation: set.code, rules: set.rules, from, to, except, evidence_required, audience })
}

/// Explains whether a learner may enrol in a class (`cohort_id`) or in a program (`program_id`
/// with `mode` and `starts_on`), listing every failed rule. Enrols nobody.
#[utoipa::path(tag = "cohorts", params(("id" = LearnerId, Path), EligibilityQuery),
    responses((status = 200, body = EligibilityOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/learners/{id}/eligibility")]
async fn learner_eligibility(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<LearnerId>,
    q: web::Query<EligibilityQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManagePeople)?;
    let (id, q) = (id.into_inner(), q.into_inner());
    let day = state.clock.today();
    let out = state
        .db
        .read(move |tx| {
            let learner = people::get_learner(tx, &caller.scope, id)?;
            let target = eligibility_target(tx, &caller, &q, day)?;
            let regulation = target.regulation.clone();
            let (refusals, level_held) = refusals_for(tx, &learner, &target)?;
            Ok(EligibilityOut { eligible: refusals.is_empty(), refusals, regulation, level_held })
        })
        .await?;
    let mut out = out;
    for r in &mut out.refusals {
        r.message = crate::error::localised(&r.message);
    }
    Ok(HttpResponse::Ok().json(out))
}
