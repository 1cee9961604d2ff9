//! `PUT /institutions/{id}/signing-certificate` (system administrators) installs a school's
//! PKCS#12 certificate; `GET` shows what is installed (administrators in scope). The key and the
//! password are never returned.

use actix_web::{get, put, web, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::store::{self, SigningCertificate};
use super::{pkcs12, rules};
use crate::audit::Audit;
use crate::auth::{Caller, Role};
use crate::db::ids::{InstitutionId, UserId};
use crate::error::{ApiError, ProblemItem};
use crate::http::extract::JsonBody;
use crate::institutions::model::InstitutionStatus;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(install).service(installed);
}

/// A certificate from a licensed certification authority, with its key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SigningCertificateIn {
    /// The PKCS#12 file (.p12, .pfx), base64.
    #[schema(content_encoding = "base64", min_length = 1, max_length = 1_000_000)]
    pub pkcs12: String,
    /// The file's password.
    #[schema(max_length = 1000)]
    pub password: String,
}

/// An installed signing certificate: its public facts only.
#[derive(Debug, Serialize, ToSchema)]
pub struct SigningCertificateOut {
    pub institution_id: InstitutionId,
    /// The holder (RFC 4514).
    pub subject: String,
    /// The certification authority (RFC 4514).
    pub issuer: String,
    /// The certificate's serial number, hexadecimal.
    pub serial: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub installed_by: UserId,
    pub installed_at: DateTime<Utc>,
}

fn out(x: &SigningCertificate) -> SigningCertificateOut {
    SigningCertificateOut {
        institution_id: x.institution_id,
        subject: x.subject.clone(),
        issuer: x.issuer.clone(),
        serial: x.serial.clone(),
        not_before: x.not_before.and_utc(),
        not_after: x.not_after.and_utc(),
        installed_by: x.installed_by,
        installed_at: x.installed_at.and_utc(),
    }
}

/// The row to install from an upload: every problem of the file answered at once, nothing kept
/// in the clear but the certificate's public facts.
fn prepare(
    (institution, by): (InstitutionId, UserId),
    body: SigningCertificateIn,
    key: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<SigningCertificate, ApiError> {
    let file =
        STANDARD.decode(body.pkcs12.trim()).map_err(|_| ApiError::field("pkcs12", "must be the file in base64"))?;
    let material = pkcs12::read(&file, &body.password).map_err(|(code, message)| ApiError::refused(code, message))?;
    let (leaf, facts) = pkcs12::facts_of(&material).map_err(|(code, message)| ApiError::refused(code, message))?;
    let problems = rules::problems(&facts, now);
    if !problems.is_empty() {
        return Err(ApiError::Refused(problems.into_iter().map(|(c, m)| ProblemItem::rule(c, m)).collect()));
    }
    let tbs = &leaf.tbs_certificate;
    let sealed = super::seal_material(key, institution, &material)
        .ok_or_else(|| ApiError::Internal("sealing the signing key failed".into()))?;
    Ok(SigningCertificate {
        institution_id: institution,
        subject: tbs.subject.to_string(),
        issuer: tbs.issuer.to_string(),
        serial: tbs.serial_number.as_bytes().iter().map(|b| format!("{b:02X}")).collect(),
        not_before: facts.not_before.naive_utc(),
        not_after: facts.not_after.naive_utc(),
        sealed,
        installed_by: by,
        installed_at: now.naive_utc(),
    })
}

/// Installs the institution's signing certificate (PKCS#12 and its password), replacing the one
/// before; from then on its credential PDFs carry a PAdES signature by it. Refused (422) when the
/// password is wrong, the file is not PKCS#12, the certificate is not valid today, its key usage
/// does not allow signatures, or the key is not RSA or ECDSA P-256.
#[utoipa::path(tag = "certificates", params(("id" = InstitutionId, Path)), request_body = SigningCertificateIn,
    responses((status = 200, body = SigningCertificateOut), (status = 400, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[put("/institutions/{id}/signing-certificate")]
async fn install(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<InstitutionId>,
    body: JsonBody<SigningCertificateIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let scope = caller.scope.clone();
    let school = state.db.read(move |c| crate::institutions::store::get(c, &scope, id)).await?;
    if caller.role != Role::SystemAdmin {
        return Err(ApiError::Forbidden);
    }
    let body = body.take()?;
    if school.status == InstitutionStatus::Merged {
        return Err(ApiError::refused("institution_merged", "A merged institution is read-only."));
    }
    let key = *state.settings.certificates.sealing_key.get().ok_or_else(|| {
        ApiError::conflict(
            "sealing_key_missing",
            "The server has no sealing key (certificates.sealing_key) to keep a certificate's key.",
        )
    })?;
    let (by, now) = (caller.user_id, state.clock.now());
    let row = web::block(move || prepare((id, by), body, &key, now))
        .await
        .map_err(|_| ApiError::Internal("certificate task failed".into()))??;
    let row = audit
        .write(&state.db, move |tx| {
            store::put(tx, &row)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out(&row)))
}

/// The institution's installed signing certificate (system administrators, and administrators
/// of the institution or above it); 404 when none is installed.
#[utoipa::path(tag = "certificates", params(("id" = InstitutionId, Path)),
    responses((status = 200, body = SigningCertificateOut), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/institutions/{id}/signing-certificate")]
async fn installed(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<InstitutionId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = state
        .db
        .read(move |c| {
            crate::institutions::store::get(c, &caller.scope, id)?;
            if !caller.role.is_admin() {
                return Err(ApiError::Forbidden);
            }
            store::find(c, id)?.ok_or_else(|| ApiError::NotFound("No signing certificate is installed.".into()))
        })
        .await?;
    Ok(HttpResponse::Ok().json(out(&row)))
}
