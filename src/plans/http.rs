//! `/api/v1/training-plans`: an institution's yearly plan, drafted and submitted by its
//! administrators, approved by an administrator of an institution above it (or a system
//! administrator), read by both and by inspectors.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::{PlanLine, PlanLines, PlanStatus, TrainingPlan};
use super::rules::{self, NewPlanRefusal, Step, StepRefusal};
use super::store;
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::certificates::issue::{level_name, mode_name};
use crate::db::ids::*;
use crate::db::page::Page;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::http::export::{self, Cell, Format, Table};
use crate::http::extract::{ok_versioned, paging, saved, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::institutions::store as institutions;
use crate::text::clean;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_plans)
        .service(create_plan)
        .service(get_plan)
        .service(update_plan)
        .service(submit_plan)
        .service(approve_plan)
        .service(super::actual::plan_vs_actual);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanOut {
    pub id: TrainingPlanId,
    pub institution_id: InstitutionId,
    pub year: i32,
    /// 1 for the year's first plan, one more for each change of an approved one.
    pub revision: i32,
    /// The approved revision this one changes.
    pub replaces_id: Option<TrainingPlanId>,
    pub status: PlanStatus,
    pub lines: Vec<PlanLine>,
    /// Σ of the lines.
    pub classes: i64,
    pub trainee_turns: i64,
    pub note: Option<String>,
    pub created_by: UserId,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<UserId>,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by: Option<UserId>,
    /// The number of the decision that approved it.
    pub decision_no: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<TrainingPlan> for PlanOut {
    fn from(p: TrainingPlan) -> PlanOut {
        PlanOut {
            classes: p.lines.0.iter().map(|l| i64::from(l.classes)).sum(),
            trainee_turns: p.lines.0.iter().map(|l| i64::from(l.trainee_turns)).sum(),
            id: p.id,
            institution_id: p.institution_id,
            year: p.year,
            revision: p.revision,
            replaces_id: p.replaces_id,
            status: p.status,
            lines: p.lines.0,
            note: p.note,
            created_by: p.created_by,
            submitted_at: p.submitted_at.map(|t| t.and_utc()),
            submitted_by: p.submitted_by,
            approved_at: p.approved_at.map(|t| t.and_utc()),
            approved_by: p.approved_by,
            decision_no: p.decision_no,
            version: p.version,
            created_at: p.created_at.and_utc(),
            updated_at: p.updated_at.and_utc(),
        }
    }
}

/// A new plan of an institution's year: the first one, or a change of the approved one
/// (`replaces_id`), which starts as a draft.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlan {
    pub institution_id: InstitutionId,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[schema(max_items = 200)]
    pub lines: Vec<PlanLine>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// The year's approved plan this one changes; required once the year has one.
    pub replaces_id: Option<TrainingPlanId>,
}

/// Changes to a draft; absent fields stay as they are.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlan {
    #[schema(max_items = 200)]
    pub lines: Option<Vec<PlanLine>>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// The approval.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovePlan {
    /// The number of the approving decision [số quyết định].
    #[schema(max_length = 60)]
    pub decision_no: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub institution_id: Option<InstitutionId>,
    pub year: Option<i32>,
    pub status: Option<PlanStatus>,
    /// `csv` or `xlsx`: one row per plan line.
    pub format: Option<Format>,
}

fn note(n: Option<String>, p: &mut Problems) -> Option<String> {
    let n = n.map(|n| clean(&n)).filter(|n| !n.is_empty());
    p.check(n.as_ref().is_none_or(|n| n.chars().count() <= 2000), "note", "must be at most 2000 characters");
    n
}

/// The lines' problems, with the programs the institution may plan read for them.
fn check_lines(tx: &mut DbConn, institution: InstitutionId, year: i32, lines: &[PlanLine]) -> Result<(), ApiError> {
    let inst = institutions::find(tx, institution)?.ok_or_else(ApiError::not_found)?;
    let owners: Vec<InstitutionId> = inst.path.split('/').filter_map(|x| x.parse().ok()).collect();
    let named: Vec<ProgramId> = lines.iter().filter_map(|l| l.program_id).collect();
    let programs = store::plannable(tx, &named, &owners)?;
    Problems(rules::problems(year, lines, &programs)).finish(())
}

/// Training plans in scope. Export with `?format=csv|xlsx` (a row per line).
#[utoipa::path(tag = "plans", params(PlanFilter), responses((status = 200, body = Page<PlanOut>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/training-plans")]
async fn list_plans(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<PlanFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlanTraining)?;
    let q = q.into_inner();
    let page = export::page_or_all(q.format, || paging(q.limit, q.cursor.as_deref()))?;
    let limit = page.limit;
    let f = store::Filter { institution_id: q.institution_id, year: q.year, status: q.status };
    let rows = state.db.read(move |c| store::list(c, &caller.scope, &f, &page)).await?;
    export::answer(
        q.format,
        rows,
        |rows| table(&rows),
        |rows| HttpResponse::Ok().json(Page::from_rows(rows, limit, |r| r.id.to_string(), PlanOut::from)),
    )
}

fn table(plans: &[TrainingPlan]) -> Table {
    let mut rows = Vec::new();
    for p in plans {
        for l in &p.lines.0 {
            rows.push(vec![
                Cell::from(p.institution_id.to_string()),
                p.year.into(),
                p.revision.into(),
                p.status.as_str().into(),
                level_name(l.level).into(),
                l.program_id.map(|x| x.to_string()).unwrap_or_default().into(),
                mode_name(l.mode).into(),
                l.classes.into(),
                l.trainee_turns.into(),
            ]);
        }
    }
    let headers =
        vec!["Cơ sở", "Năm", "Lần", "Trạng thái", "Trình độ", "Chương trình", "Hình thức", "Số lớp", "Lượt học viên"];
    Table { name: "ke-hoach-dao-tao".into(), headers, rows }
}

/// Drafts a plan for an institution in scope: the year's first, or the next revision of its
/// approved plan (`replaces_id`). 409 while the year has a draft or submitted plan.
#[utoipa::path(tag = "plans", request_body = CreatePlan,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = PlanOut), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/training-plans")]
async fn create_plan(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreatePlan>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlanTraining)?;
    let b = body.take()?;
    let fp = fingerprint("POST", "/training-plans", &b);
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        institutions::get(tx, &caller.scope, b.institution_id)
            .map_err(|_| ApiError::field("institution_id", "no such institution in your scope"))?;
        let mut p = Problems::new();
        let note = note(b.note, &mut p);
        p.finish(())?;
        check_lines(tx, b.institution_id, b.year, &b.lines)?;
        let latest = store::latest(tx, b.institution_id, b.year)?;
        let (revision, replaces_id) = rules::new_revision(latest.as_ref(), b.replaces_id).map_err(new_plan_refusal)?;
        let t = now();
        let row = TrainingPlan {
            id: TrainingPlanId::new(),
            institution_id: b.institution_id,
            year: b.year,
            revision,
            replaces_id,
            status: PlanStatus::Draft,
            lines: PlanLines(b.lines),
            note,
            created_by: caller.user_id,
            submitted_at: None,
            submitted_by: None,
            approved_at: None,
            approved_by: None,
            decision_no: None,
            version: 1,
            created_at: t,
            updated_at: t,
        };
        store::insert(tx, &row).map_err(|e| match ApiError::from(e) {
            ApiError::Conflict { .. } => new_plan_refusal(NewPlanRefusal::Open(row.id)),
            other => other,
        })?;
        Stored::created(format!("/api/v1/training-plans/{}", row.id), 1, &PlanOut::from(row))
    })
    .await
}

fn new_plan_refusal(r: NewPlanRefusal) -> ApiError {
    match r {
        NewPlanRefusal::Open(_) => ApiError::conflict(
            "plan_open",
            "The institution's plan for this year is a draft or waits for approval: change that one.",
        ),
        NewPlanRefusal::Approved(_) => ApiError::conflict(
            "plan_approved",
            "The institution's plan for this year is approved: a change is a new revision naming it in replaces_id.",
        ),
        NewPlanRefusal::NothingToReplace => {
            ApiError::field("replaces_id", "is not the approved plan of this institution and year")
        }
    }
}

/// One plan in scope.
#[utoipa::path(tag = "plans", params(("id" = TrainingPlanId, Path)),
    responses((status = 200, body = PlanOut), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/training-plans/{id}")]
async fn get_plan(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<TrainingPlanId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlanTraining)?;
    let id = id.into_inner();
    let row = state.db.read(move |c| store::in_scope(c, &caller.scope, id)?.ok_or_else(ApiError::not_found)).await?;
    Ok(ok_versioned(row.version, &PlanOut::from(row)))
}

/// Changes a draft's lines or note. A submitted or approved plan does not change (409).
#[utoipa::path(tag = "plans", request_body = UpdatePlan,
    params(("id" = TrainingPlanId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = PlanOut), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[patch("/training-plans/{id}")]
async fn update_plan(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<TrainingPlanId>,
    if_match: IfMatch,
    body: JsonBody<UpdatePlan>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlanTraining)?;
    let (id, b) = (id.into_inner(), body.take()?);
    let row = audit
        .write(&state.db, move |tx| {
            let cur = store::in_scope(tx, &caller.scope, id)?.ok_or_else(ApiError::not_found)?;
            if_match.check(cur.version)?;
            if cur.status != PlanStatus::Draft {
                return Err(frozen(cur.status));
            }
            let mut row = cur.clone();
            let mut p = Problems::new();
            if b.note.is_some() {
                row.note = note(b.note, &mut p);
            }
            p.finish(())?;
            if let Some(lines) = b.lines {
                row.lines = PlanLines(lines);
            }
            check_lines(tx, row.institution_id, row.year, &row.lines.0)?;
            row.version = cur.version + 1;
            row.updated_at = now();
            saved(store::save(tx, &row, cur.version)?, cur.version)?;
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &PlanOut::from(row)))
}

fn frozen(status: PlanStatus) -> ApiError {
    if status == PlanStatus::Approved {
        ApiError::conflict("plan_frozen", "An approved plan does not change: draft a new revision that replaces it.")
    } else {
        ApiError::conflict("plan_submitted", "A submitted plan waits for approval and does not change.")
    }
}

fn step_refusal(r: StepRefusal) -> ApiError {
    match r {
        StepRefusal::NotDraft => ApiError::conflict("not_draft", "Only a draft plan is submitted."),
        StepRefusal::Empty => ApiError::refused("empty_plan", "A plan without lines plans nothing."),
        StepRefusal::NotSubmitted => ApiError::conflict("not_submitted", "Only a submitted plan is approved."),
    }
}

/// Submits a draft to the body above.
#[utoipa::path(tag = "plans", params(("id" = TrainingPlanId, Path)),
    responses((status = 200, body = PlanOut), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/training-plans/{id}/submit")]
async fn submit_plan(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<TrainingPlanId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlanTraining)?;
    let id = id.into_inner();
    let row = audit
        .write(&state.db, move |tx| {
            let cur = store::in_scope(tx, &caller.scope, id)?.ok_or_else(ApiError::not_found)?;
            let row = rules::stepped(&cur, Step::Submit, (caller.user_id, now()), None).map_err(step_refusal)?;
            saved(store::save(tx, &row, cur.version)?, cur.version)?;
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &PlanOut::from(row)))
}

/// Approves a submitted plan: an administrator of an institution above the plan's, or a system
/// administrator (403 for the institution's own administrators). The plan is frozen from then.
#[utoipa::path(tag = "plans", params(("id" = TrainingPlanId, Path)), request_body = Option<ApprovePlan>,
    responses((status = 200, body = PlanOut), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/training-plans/{id}/approve")]
async fn approve_plan(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<TrainingPlanId>,
    body: JsonBody<ApprovePlan>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlanTraining)?;
    let (id, body) = (id.into_inner(), body.take_optional());
    let row = audit
        .write(&state.db, move |tx| {
            let cur = store::in_scope(tx, &caller.scope, id)?.ok_or_else(ApiError::not_found)?;
            if caller.role != Role::SystemAdmin {
                let mine = caller.institution_id.map(|i| institutions::find(tx, i)).transpose()?.flatten();
                let theirs = institutions::find(tx, cur.institution_id)?.ok_or_else(ApiError::not_found)?;
                if !mine.is_some_and(|m| rules::approves(&m.path, &theirs.path)) {
                    return Err(ApiError::Forbidden);
                }
            }
            let b = body?.unwrap_or_default();
            let decision_no = b.decision_no.map(|d| clean(&d)).filter(|d| !d.is_empty());
            let mut p = Problems::new();
            p.check(
                decision_no.as_ref().is_none_or(|d| d.chars().count() <= 60),
                "decision_no",
                "must be at most 60 characters",
            );
            p.finish(())?;
            let row =
                rules::stepped(&cur, Step::Approve, (caller.user_id, now()), decision_no).map_err(step_refusal)?;
            saved(store::save(tx, &row, cur.version)?, cur.version)?;
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &PlanOut::from(row)))
}
