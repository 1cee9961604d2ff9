//! `GET /learners/{id}/personal-data`.

use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::PersonalData;
use super::store;
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::db::ids::*;
use crate::error::ApiError;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(personal_data);
}

/// Everything held about a learner (a subject-access request): administrators in scope, or the
/// learner themself. A learner sees only published grades.
#[utoipa::path(tag = "people", params(("id" = LearnerId, Path)),
    responses((status = 200, body = PersonalData), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/learners/{id}/personal-data")]
async fn personal_data(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<LearnerId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let reader = caller.clone();
    let out = state.db.read(move |tx| store::personal_data(tx, &caller, id)).await?;
    // An administrator reading someone's whole record is recorded; the person reading their own is not.
    if reader.may(Permission::ManagePeople) {
        audit.personal_data_read(&state.db, "personal data of a learner").await?;
    }
    Ok(HttpResponse::Ok().json(out))
}
