//! `/api/v1/inspections`: inspectors record inspections of institutions in their subtree; the
//! inspected institution's administrators (and those above) read them and answer each
//! recommendation.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::model::*;
use super::rules::{self, Asked, Record};
use super::store;
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
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
    cfg.service(list_inspections)
        .service(create_inspection)
        .service(get_inspection)
        .service(update_inspection)
        .service(answer_recommendation)
        .service(super::paper::inspection_pdf);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionOut {
    pub id: InspectionId,
    pub institution_id: InstitutionId,
    pub inspector_institution_id: Option<InstitutionId>,
    pub kind: InspectionKind,
    pub title: String,
    pub held_on: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub team: Vec<TeamMember>,
    pub findings: String,
    /// Numbered from 1 in `PATCH /inspections/{id}/recommendations/{n}`.
    pub recommendations: Vec<Recommendation>,
    /// Recommendations still open.
    pub open_recommendations: i64,
    pub created_by: UserId,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Inspection> for InspectionOut {
    fn from(x: Inspection) -> InspectionOut {
        InspectionOut {
            open_recommendations: x.recommendations.0.iter().filter(|r| r.status == RecommendationStatus::Open).count()
                as i64,
            id: x.id,
            institution_id: x.institution_id,
            inspector_institution_id: x.inspector_institution_id,
            kind: x.kind,
            title: x.title,
            held_on: x.held_on,
            period_from: x.period_from,
            period_to: x.period_to,
            team: x.team.0,
            findings: x.findings,
            recommendations: x.recommendations.0,
            created_by: x.created_by,
            version: x.version,
            created_at: x.created_at.and_utc(),
            updated_at: x.updated_at.and_utc(),
        }
    }
}

/// A recommendation as the inspectors write it.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationIn {
    #[schema(min_length = 1, max_length = 2000)]
    pub text: String,
    /// On or after `held_on`.
    pub due_on: NaiveDate,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInspection {
    /// The institution inspected, in the caller's subtree.
    pub institution_id: InstitutionId,
    pub kind: InspectionKind,
    #[schema(min_length = 1, max_length = 300, example = "Kiểm tra công tác đào tạo lý luận chính trị năm 2025")]
    pub title: String,
    /// The day of the inspection; not in the future.
    pub held_on: NaiveDate,
    /// The period inspected, ending on or before `held_on`.
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    #[schema(min_items = 1, max_items = 30)]
    pub team: Vec<TeamMember>,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub findings: String,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub recommendations: Vec<RecommendationIn>,
}

/// Changes by the inspectors; absent fields stay. `recommendations` is rewritten only while the
/// institution has answered none (409 after).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateInspection {
    pub kind: Option<InspectionKind>,
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    pub held_on: Option<NaiveDate>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    #[schema(min_items = 1, max_items = 30)]
    pub team: Option<Vec<TeamMember>>,
    #[schema(max_length = 20000)]
    pub findings: Option<String>,
    #[schema(max_items = 100)]
    pub recommendations: Option<Vec<RecommendationIn>>,
}

/// The institution's answer to one recommendation.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRecommendation {
    #[schema(min_length = 1, max_length = 4000)]
    pub response: String,
    pub status: RecommendationStatus,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InspectionFilter {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub institution_id: Option<InstitutionId>,
    /// Held on or after this day.
    pub held_from: Option<NaiveDate>,
    /// Held on or before this day.
    pub held_to: Option<NaiveDate>,
    /// `csv` or `xlsx`: one row per recommendation.
    pub format: Option<Format>,
}

fn asked(list: &[RecommendationIn]) -> Vec<Asked> {
    list.iter().map(|r| Asked { text: clean(&r.text), due_on: r.due_on }).collect()
}

fn team(list: Vec<TeamMember>) -> Vec<TeamMember> {
    list.into_iter()
        .map(|m| TeamMember {
            name: clean(&m.name),
            title: m.title.map(|t| clean(&t)).filter(|t| !t.is_empty()),
            head: m.head,
        })
        .collect()
}

/// Every problem of the record as it would be saved (new recommendations as asked).
fn check(x: &Inspection, asked: &[Asked], today: NaiveDate) -> Result<(), ApiError> {
    let r = Record {
        title: &x.title,
        held_on: x.held_on,
        period_from: x.period_from,
        period_to: x.period_to,
        team: &x.team.0,
        findings: &x.findings,
        recommendations: asked,
    };
    Problems(rules::problems(&r, today)).finish(())
}

/// Inspections in scope. Export with `?format=csv|xlsx` (a row per recommendation).
#[utoipa::path(tag = "inspections", params(InspectionFilter), responses((status = 200, body = Page<InspectionOut>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/inspections")]
async fn list_inspections(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<InspectionFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Inspect)?;
    let q = q.into_inner();
    let page = export::page_or_all(q.format, || paging(q.limit, q.cursor.as_deref()))?;
    let limit = page.limit;
    let f = store::Filter { institution_id: q.institution_id, held_from: q.held_from, held_to: q.held_to };
    let rows = state.db.read(move |c| store::list(c, &caller.scope, &f, &page)).await?;
    export::answer(
        q.format,
        rows,
        |rows| table(&rows),
        |rows| HttpResponse::Ok().json(Page::from_rows(rows, limit, |r| r.id.to_string(), InspectionOut::from)),
    )
}

fn table(list: &[Inspection]) -> Table {
    let mut rows = Vec::new();
    for x in list {
        for (n, r) in x.recommendations.0.iter().enumerate() {
            rows.push(vec![
                Cell::from(x.institution_id.to_string()),
                x.held_on.format("%d/%m/%Y").to_string().into(),
                x.title.as_str().into(),
                (n as i64 + 1).into(),
                r.text.as_str().into(),
                r.due_on.format("%d/%m/%Y").to_string().into(),
                if r.status == RecommendationStatus::Done { "Đã thực hiện" } else { "Chưa thực hiện" }.into(),
                r.response.clone().unwrap_or_default().into(),
            ]);
        }
    }
    let headers = vec!["Cơ sở", "Ngày kiểm tra", "Nội dung", "STT", "Kiến nghị", "Hạn", "Tình trạng", "Trả lời"];
    Table { name: "kien-nghi-kiem-tra".into(), headers, rows }
}

/// Records an inspection of an institution in the inspector's subtree.
#[utoipa::path(tag = "inspections", request_body = CreateInspection,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = InspectionOut), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/inspections")]
async fn create_inspection(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    key: IdempotencyKey,
    body: JsonBody<CreateInspection>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Inspect)?;
    let b = body.take()?;
    let fp = fingerprint("POST", "/inspections", &b);
    let today = state.clock.today();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        institutions::get(tx, &caller.scope, b.institution_id)
            .map_err(|_| ApiError::field("institution_id", "no such institution in your scope"))?;
        let asked = asked(&b.recommendations);
        let t = now();
        let row = Inspection {
            id: InspectionId::new(),
            institution_id: b.institution_id,
            inspector_institution_id: caller.institution_id,
            kind: b.kind,
            title: clean(&b.title),
            held_on: b.held_on,
            period_from: b.period_from,
            period_to: b.period_to,
            team: Team(team(b.team)),
            findings: b.findings.trim().to_string(),
            recommendations: Recommendations(rules::recommendations(&asked)),
            created_by: caller.user_id,
            version: 1,
            created_at: t,
            updated_at: t,
        };
        check(&row, &asked, today)?;
        store::insert(tx, &row)?;
        Stored::created(format!("/api/v1/inspections/{}", row.id), 1, &InspectionOut::from(row))
    })
    .await
}

/// One inspection in scope.
#[utoipa::path(tag = "inspections", params(("id" = InspectionId, Path)),
    responses((status = 200, body = InspectionOut), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/inspections/{id}")]
async fn get_inspection(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<InspectionId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Inspect)?;
    let id = id.into_inner();
    let row = state.db.read(move |c| store::in_scope(c, &caller.scope, id)).await?;
    Ok(ok_versioned(row.version, &InspectionOut::from(row)))
}

/// The record an inspector may change: in scope (404), recorded by their body (403).
fn own(tx: &mut DbConn, caller: &Caller, id: InspectionId) -> Result<Inspection, ApiError> {
    let cur = store::in_scope(tx, &caller.scope, id)?;
    if caller.role != Role::SystemAdmin && cur.inspector_institution_id != caller.institution_id {
        return Err(ApiError::Forbidden);
    }
    Ok(cur)
}

/// Changes an inspection (inspectors of the body that recorded it).
#[utoipa::path(tag = "inspections", request_body = UpdateInspection,
    params(("id" = InspectionId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = InspectionOut), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[patch("/inspections/{id}")]
async fn update_inspection(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<InspectionId>,
    if_match: IfMatch,
    body: JsonBody<UpdateInspection>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Inspect)?;
    let (id, body, today) = (id.into_inner(), body.take(), state.clock.today());
    let row = audit
        .write(&state.db, move |tx| {
            let cur = own(tx, &caller, id)?;
            if_match.check(cur.version)?;
            let b = body?;
            let mut row = cur.clone();
            row.kind = b.kind.unwrap_or(cur.kind);
            row.title = b.title.map(|t| clean(&t)).unwrap_or(cur.title.clone());
            row.held_on = b.held_on.unwrap_or(cur.held_on);
            row.period_from = b.period_from.unwrap_or(cur.period_from);
            row.period_to = b.period_to.unwrap_or(cur.period_to);
            row.findings = b.findings.map(|f| f.trim().to_string()).unwrap_or(cur.findings.clone());
            if let Some(t) = b.team {
                row.team = Team(team(t));
            }
            if b.recommendations.is_some() && !rules::rewritable(&cur.recommendations.0) {
                return Err(ApiError::conflict(
                    "recommendations_answered",
                    "The institution has answered a recommendation: the list no longer changes.",
                ));
            }
            let asked = match &b.recommendations {
                Some(list) => asked(list),
                None => {
                    cur.recommendations.0.iter().map(|r| Asked { text: r.text.clone(), due_on: r.due_on }).collect()
                }
            };
            if b.recommendations.is_some() {
                row.recommendations = Recommendations(rules::recommendations(&asked));
            }
            check(&row, &asked, today)?;
            row.version = cur.version + 1;
            row.updated_at = now();
            saved(store::save(tx, &row, cur.version)?, cur.version)?;
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &InspectionOut::from(row)))
}

/// Answers recommendation `n` (from 1): the inspected institution's administrators (or those
/// above) say what they did and whether it is done.
#[utoipa::path(tag = "inspections", request_body = AnswerRecommendation,
    params(("id" = InspectionId, Path), ("n" = u32, Path, minimum = 1, description = "The recommendation's number, from 1"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = InspectionOut), (status = 400, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 412, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[patch("/inspections/{id}/recommendations/{n}")]
async fn answer_recommendation(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    path: web::Path<(InspectionId, u32)>,
    if_match: IfMatch,
    body: JsonBody<AnswerRecommendation>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::AnswerInspections)?;
    let ((id, n), body) = (path.into_inner(), body.take());
    let row = audit
        .write(&state.db, move |tx| {
            let cur = store::in_scope(tx, &caller.scope, id)?;
            let at = (n as usize)
                .checked_sub(1)
                .filter(|i| *i < cur.recommendations.0.len())
                .ok_or_else(ApiError::not_found)?;
            if_match.check(cur.version)?;
            let b = body?;
            Problems(rules::answer_problem(&b.response).into_iter().collect()).finish(())?;
            let mut row = cur.clone();
            let r = &mut row.recommendations.0[at];
            r.response = Some(b.response.trim().to_string());
            r.status = b.status;
            r.responded_at = Some(Utc::now());
            r.responded_by = Some(caller.user_id);
            row.version = cur.version + 1;
            row.updated_at = now();
            saved(store::save(tx, &row, cur.version)?, cur.version)?;
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &InspectionOut::from(row)))
}
