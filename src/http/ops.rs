//! Operations: liveness, readiness, metrics, and the documentation of problem types.

use actix_web::{get, web, HttpResponse};
use diesel::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, PROBLEM_TYPES};
use crate::AppState;

pub fn root_routes(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}

pub fn api_routes(cfg: &mut ServiceConfig) {
    cfg.service(openapi_json).service(list_problem_types).service(get_problem_type);
}

/// The OpenAPI document, rendered once when the application is built.
pub struct OpenApiJson(pub String);

/// This API's OpenAPI 3.1 document, generated from the code.
#[utoipa::path(tag = "ops", responses((status = 200, content_type = "application/json", body = Object)))]
#[get("/openapi.json")]
async fn openapi_json(spec: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(spec.0.clone())
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<&'static str>,
}

/// Liveness: the process answers. Never touches the database.
#[utoipa::path(tag = "ops", responses((status = 200, body = Health)))]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok", database: None })
}

/// Readiness: the database answers a trivial query.
#[utoipa::path(tag = "ops", responses((status = 200, body = Health), (status = 503, body = crate::error::Problem)))]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let backend = state.db.backend().name();
    state
        .db
        .read(|c| {
            diesel::sql_query("SELECT 1").execute(c)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Ok().json(Health { status: "ready", database: Some(backend) }))
}

/// Prometheus text exposition.
#[utoipa::path(tag = "ops", responses((status = 200, content_type = "text/plain", body = String)))]
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(state.metrics.render(state.db.pool()))
}

#[derive(Serialize, ToSchema)]
pub struct ProblemType {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: u16,
    pub title: &'static str,
    pub description: &'static str,
}

fn problem_type(p: &(&'static str, u16, &'static str, &'static str)) -> ProblemType {
    ProblemType { type_: format!("/api/v1/problems/{}", p.0), status: p.1, title: p.2, description: p.3 }
}

/// Every problem `type` the API answers with.
#[utoipa::path(tag = "ops", responses((status = 200, body = Vec<ProblemType>)))]
#[get("/problems")]
async fn list_problem_types() -> HttpResponse {
    HttpResponse::Ok().json(PROBLEM_TYPES.iter().map(problem_type).collect::<Vec<_>>())
}

/// What one problem `type` means.
#[utoipa::path(tag = "ops", params(("slug" = String, Path)), responses((status = 200, body = ProblemType), (status = 404, body = crate::error::Problem)))]
#[get("/problems/{slug}")]
async fn get_problem_type(slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    PROBLEM_TYPES
        .iter()
        .find(|p| p.0 == slug.as_str())
        .map(|p| HttpResponse::Ok().json(problem_type(p)))
        .ok_or_else(ApiError::not_found)
}
