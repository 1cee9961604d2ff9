//! `GET /learners/{id}/transcript`.

use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::{render, store};
use crate::auth::Caller;
use crate::db::ids::*;
use crate::error::ApiError;
use crate::http::export::{self, Format};
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(transcript);
}

/// Everything the person studied, with results, conduct and credentials: administrators in
/// scope, or the learner themself.
#[utoipa::path(tag = "people", params(("id" = LearnerId, Path), TranscriptQuery),
    responses((status = 200, body = Transcript), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/learners/{id}/transcript")]
async fn transcript(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<LearnerId>,
    q: web::Query<TranscriptQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let st = state.clone();
    let t = state.db.read(move |tx| store::transcript(tx, &caller, &st.settings, id)).await?;
    match q.format {
        Some(TranscriptFormat::Csv) => export::respond(Format::Csv, &render::table(&t)),
        Some(TranscriptFormat::Xlsx) => export::respond(Format::Xlsx, &render::table(&t)),
        Some(TranscriptFormat::Pdf) => {
            let inst = t.institution_id;
            let header = state
                .db
                .read(move |c| Ok(crate::institutions::store::find(c, inst)?.map(|i| i.name).unwrap_or_default()))
                .await?;
            let bytes = web::block(move || render::pdf(&t, &header))
                .await
                .map_err(|_| ApiError::Internal("PDF task failed".into()))??;
            Ok(HttpResponse::Ok()
                .content_type("application/pdf")
                .insert_header(("content-disposition", "inline; filename=\"ket-qua-hoc-tap.pdf\""))
                .insert_header(("cache-control", "private, no-store"))
                .body(bytes))
        }
        Some(TranscriptFormat::Json) | None => Ok(HttpResponse::Ok().json(t)),
    }
}
