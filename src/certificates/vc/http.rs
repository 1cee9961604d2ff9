//! `GET /api/v1/verify/{code}/credential` (anyone with the code), `GET
//! /api/v1/certificates/{id}/credential` (the holder, administrators in scope) and `GET
//! /institutions/{code}/did.json` (anyone: the issuer's `did:web` document).

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde_json::Value;
use utoipa_actix_web::service_config::ServiceConfig;

use super::document::{self, Issued};
use crate::auth::ratelimit::client_ip;
use crate::auth::Caller;
use crate::certificates::facts::Facts;
use crate::certificates::model::Certificate;
use crate::certificates::{issue, keys, store};
use crate::db::ids::CertificateId;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::institutions::model::Institution;
use crate::AppState;

pub fn api_routes(cfg: &mut ServiceConfig) {
    cfg.service(credential_by_code).service(credential_of_certificate).service(status_list);
}

pub fn root_routes(cfg: &mut ServiceConfig) {
    cfg.service(did_json);
}

/// The media type VC 2.0 registers; the `application/vc+ld+json` of its drafts when asked for.
fn vc_response(req: &HttpRequest, doc: &Value) -> HttpResponse {
    let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let media = if accept.contains("application/vc+ld+json") { "application/vc+ld+json" } else { "application/vc" };
    HttpResponse::Ok()
        .content_type(media)
        .insert_header((header::CONTENT_DISPOSITION, "inline; filename=\"credential.json\""))
        .body(serde_json::to_vec(doc).unwrap_or_default())
}

/// The signed `OpenBadgeCredential` of a credential issued through the service.
fn credential(c: &mut DbConn, base_url: &str, cert: &Certificate) -> Result<Value, ApiError> {
    let facts = Facts::parse(&cert.facts).ok_or_else(|| ApiError::Internal("stored facts unreadable".into()))?;
    let cohort = crate::cohorts::store::find(c, cert.cohort_id)?.ok_or_else(ApiError::not_found)?;
    let issuer = crate::institutions::store::find(c, cert.issuer_id)?.ok_or_else(ApiError::not_found)?;
    let key = keys::find(c, cert.key_id)?.ok_or_else(|| ApiError::Internal("signing key missing".into()))?;
    let did = super::did_of(base_url, &issuer.code);
    let status = cert.status_index.map(|i| super::status::entry(base_url, &issuer.code, i));
    let x = Issued { cert, facts: &facts, program_id: cohort.program_id, did: &did, base_url, status };
    document::signed(&x, &key).ok_or_else(|| ApiError::Internal("signing key unreadable".into()))
}

/// The credential with this verification code as a W3C Verifiable Credential 2.0 / Open Badges
/// 3.0 `OpenBadgeCredential`, with a Data Integrity proof (`eddsa-jcs-2022`) by the issuing
/// institution's key, listed in its `did:web` document. A copied paper record has none (404).
#[utoipa::path(tag = "certificates", params(("code" = String, Path)),
    responses((status = 200, description = "The signed credential", content((Object = "application/vc"), (Object = "application/vc+ld+json"))),
        (status = 404, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
#[get("/verify/{code}/credential")]
async fn credential_by_code(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = crate::certificates::verify::admitted(&state, &req, code.into_inner())?;
    let base = state.settings.server.public_base_url.clone();
    let doc = state
        .db
        .read(move |c| {
            let cert = issue::by_code(c, &code)?.ok_or_else(ApiError::not_found)?;
            credential(c, &base, &cert)
        })
        .await?;
    Ok(vc_response(&req, &doc))
}

/// A credential as a Verifiable Credential (the holder; administrators in scope), to download
/// beside the PDF.
#[utoipa::path(tag = "certificates", params(("id" = CertificateId, Path)),
    responses((status = 200, description = "The signed credential", content((Object = "application/vc"), (Object = "application/vc+ld+json"))),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/certificates/{id}/credential")]
async fn credential_of_certificate(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<CertificateId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let base = state.settings.server.public_base_url.clone();
    let doc = state
        .db
        .read(move |c| {
            let cert = store::readable(c, &caller, id)?;
            credential(c, &base, &cert)
        })
        .await?;
    Ok(vc_response(&req, &doc))
}

fn by_code(c: &mut DbConn, code: &str) -> Result<Institution, ApiError> {
    let found = crate::institutions::store::by_codes_or_ids(c, &[code.to_string()])?;
    found.into_iter().find(|i| i.code == code).ok_or_else(ApiError::not_found)
}

/// The issuer's revocation list number `list` (entries `list × 131072` on) as a W3C
/// `BitstringStatusListCredential`, signed like its credentials: a set bit is a credential
/// revoked or replaced. A verifier that has it checks revocation offline.
#[utoipa::path(tag = "certificates", params(("institution_code" = String, Path), ("list" = u32, Path, minimum = 0)),
    responses((status = 200, description = "The signed status list", content((Object = "application/vc"), (Object = "application/vc+ld+json"))),
        (status = 404, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
#[get("/status-lists/{institution_code}/{list}")]
async fn status_list(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, u32)>,
) -> Result<HttpResponse, ApiError> {
    state.verify_limits.check(client_ip(&req))?;
    let (code, list) = path.into_inner();
    let base = state.settings.server.public_base_url.clone();
    let now = document::instant(crate::db::now());
    let doc = state
        .db
        .read(move |c| {
            let inst = by_code(c, &code)?;
            let key = keys::current(c, inst.id)?.ok_or_else(ApiError::not_found)?;
            let size = super::status::LIST_SIZE;
            let (from, list) = (i64::from(list) * size, i64::from(list));
            if from >= store::next_status_index(c, inst.id)? {
                return Err(ApiError::not_found());
            }
            let set: Vec<i64> =
                store::withdrawn_entries(c, inst.id, from, from + size)?.into_iter().map(|i| i - from).collect();
            let url = super::status::list_url(&base, &inst.code, list);
            let did = super::did_of(&base, &inst.code);
            let unsigned = super::status::list_credential(&url, &did, super::status::encoded(&set), &now);
            document::sign_with(&unsigned, &did, &key, &now)
                .ok_or_else(|| ApiError::Internal("signing key unreadable".into()))
        })
        .await?;
    Ok(vc_response(&req, &doc))
}

/// The `did:web` document of the institution with this code: every Ed25519 key it has signed
/// with, as Multikeys, the retired ones too. Merged institutions keep theirs.
#[utoipa::path(tag = "certificates", params(("code" = String, Path)),
    responses((status = 200, description = "The DID document", content((Object = "application/did+json"))),
        (status = 404, body = crate::error::Problem)))]
#[get("/institutions/{code}/did.json")]
async fn did_json(state: web::Data<AppState>, code: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let base = state.settings.server.public_base_url.clone();
    let doc = state
        .db
        .read(move |c| {
            let inst = by_code(c, &code)?;
            let keys = keys::public_of(c, inst.id)?;
            Ok(document::did_document(&super::did_of(&base, &inst.code), &keys))
        })
        .await?;
    Ok(HttpResponse::Ok().content_type("application/did+json").body(serde_json::to_vec(&doc).unwrap_or_default()))
}
