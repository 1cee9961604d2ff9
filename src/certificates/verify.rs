//! Public verification, no sign-in: `GET /api/v1/verify/{code}` (JSON), `GET /verify/{code}` (an
//! HTML page for a phone that scanned the QR code; JSON when asked for), and the public keys at
//! `GET /api/v1/verify/keys`. Shows only what the paper shows, plus the status; rate limited per
//! client address.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::facts::Facts;
use super::issue::{by_code, find};
use super::keys;
use super::model::CertificateStatus;
use crate::auth::ratelimit::client_ip;
use crate::db::ids::{InstitutionId, KeyId};
use crate::error::ApiError;
use crate::AppState;

pub fn api_routes(cfg: &mut ServiceConfig) {
    cfg.service(public_keys).service(verify_json);
}

pub fn root_routes(cfg: &mut ServiceConfig) {
    cfg.service(verify_page);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicKey {
    pub key_id: KeyId,
    pub institution_id: InstitutionId,
    pub institution_name: String,
    /// Always `Ed25519`.
    pub algorithm: String,
    /// The raw 32-byte public key, base64.
    pub public_key: String,
    pub created_at: DateTime<Utc>,
    /// Set once a newer key took over; what it signed still verifies.
    pub retired_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureOut {
    pub algorithm: String,
    pub key_id: KeyId,
    /// Base64 Ed25519 signature over `signed_text`.
    pub value: String,
    /// The canonical form of `facts` (keys in alphabetical order, no whitespace): the exact
    /// bytes that were signed.
    pub signed_text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OtherPaper {
    pub serial: String,
    pub verification_code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Verification {
    pub verification_code: String,
    /// `valid`, `revoked` or `replaced`.
    pub status: CertificateStatus,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The reissue that replaced this credential.
    pub replaced_by: Option<OtherPaper>,
    /// The credential this one replaced.
    pub replaces: Option<OtherPaper>,
    /// What the paper shows.
    pub facts: Facts,
    pub signature: SignatureOut,
    /// With `?custodian=true`: the institution that keeps the issuer's records today (the
    /// issuer itself, or the one it was merged into).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custodian: Option<Custodian>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Custodian {
    pub institution_id: InstitutionId,
    pub name: String,
    /// The issuer was merged into this institution.
    pub issuer_merged: bool,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// Also name the institution that keeps the issuer's records today.
    pub custodian: Option<bool>,
}

async fn lookup(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    code: String,
    with_custodian: bool,
) -> Result<Verification, ApiError> {
    state.verify_limits.check(client_ip(req))?;
    if code.len() > 64 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::not_found());
    }
    state
        .db
        .read(move |c| {
            let cert = by_code(c, &code.to_ascii_uppercase())?.ok_or_else(ApiError::not_found)?;
            let facts =
                Facts::parse(&cert.facts).ok_or_else(|| ApiError::Internal("stored facts unreadable".into()))?;
            let mut paper = |id| -> Result<Option<OtherPaper>, ApiError> {
                Ok(find(c, id)?.map(|o| OtherPaper { serial: o.serial, verification_code: o.verification_code }))
            };
            let replaced_by = match cert.replaced_by_id {
                Some(id) => paper(id)?,
                None => None,
            };
            let replaces = match cert.replaces_id {
                Some(id) => paper(id)?,
                None => None,
            };
            let key = keys::find(c, cert.key_id)?.ok_or_else(|| ApiError::Internal("signing key missing".into()))?;
            let custodian = if with_custodian {
                let id = crate::institutions::merge::custodian(c, cert.issuer_id)?;
                let name = crate::institutions::store::find(c, id)?.map(|i| i.name).unwrap_or_default();
                Some(Custodian { institution_id: id, name, issuer_merged: id != cert.issuer_id })
            } else {
                None
            };
            Ok(Verification {
                custodian,
                verification_code: cert.verification_code,
                status: cert.status,
                revoked_at: cert.revoked_at.map(|t| t.and_utc()),
                replaced_by,
                replaces,
                facts,
                signature: SignatureOut {
                    algorithm: key.algorithm,
                    key_id: key.id,
                    value: cert.signature,
                    signed_text: cert.facts,
                },
            })
        })
        .await
}

/// Every institution's public signing keys, including retired ones.
#[utoipa::path(tag = "certificates", responses((status = 200, body = Vec<PublicKey>)))]
#[get("/verify/keys")]
async fn public_keys(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    state.verify_limits.check(client_ip(&req))?;
    let keys = state
        .db
        .read(|c| {
            let names: std::collections::HashMap<InstitutionId, String> = {
                use crate::db::schema::institutions as i;
                use diesel::prelude::*;
                i::table.select((i::id, i::name)).load::<(InstitutionId, String)>(c)?.into_iter().collect()
            };
            Ok(keys::all_public(c)?
                .into_iter()
                .map(|k| PublicKey {
                    institution_name: names.get(&k.institution_id).cloned().unwrap_or_default(),
                    key_id: k.id,
                    institution_id: k.institution_id,
                    algorithm: k.algorithm,
                    public_key: k.public_key,
                    created_at: k.created_at.and_utc(),
                    retired_at: k.retired_at.map(|t| t.and_utc()),
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(keys))
}

/// Checks a credential by the code printed in its QR code: the facts on the paper, whether it is
/// valid, revoked or replaced, and the issuer's signature over the facts.
#[utoipa::path(tag = "certificates", params(("code" = String, Path), VerifyQuery),
    responses((status = 200, body = Verification), (status = 404, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
#[get("/verify/{code}")]
async fn verify_json(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
    q: web::Query<VerifyQuery>,
) -> Result<HttpResponse, ApiError> {
    let v = lookup(&state, &req, code.into_inner(), q.custodian.unwrap_or(false)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(v))
}

fn wants_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"))
}

/// The page a phone opens from the QR code (HTML); JSON like `/api/v1/verify/{code}` with
/// `Accept: application/json`.
#[utoipa::path(tag = "certificates", params(("code" = String, Path)),
    responses(
        (status = 200, description = "The credential: a page, or JSON when asked for", content((String = "text/html"), (Verification = "application/json"))),
        (status = 404, description = "No credential has this code", content((String = "text/html"), (crate::error::Problem = "application/problem+json"))),
        (status = 429, body = crate::error::Problem)))]
#[get("/verify/{code}")]
async fn verify_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let result = lookup(&state, &req, code.into_inner(), true).await;
    if wants_json(&req) {
        return result.map(|v| HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(v));
    }
    let (status, body) = match result {
        Ok(v) => (actix_web::http::StatusCode::OK, page(&v)),
        Err(ApiError::NotFound(_)) => (
            actix_web::http::StatusCode::NOT_FOUND,
            shell(
                "Không tìm thấy văn bằng",
                "<p class=\"bad\">Không có văn bằng nào mang mã này. Hãy kiểm tra lại mã trên giấy.</p>",
            ),
        ),
        Err(e) => return Err(e),
    };
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn shell(title: &str, inner: &str) -> String {
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width,initial-scale=1\"><title>{t}</title><style>body{{font-family:sans-serif;\
         max-width:36em;margin:1em auto;padding:0 1em;line-height:1.5}}dt{{color:#555;font-size:.9em}}\
         dd{{margin:0 0 .6em 0;font-weight:600}}.ok{{color:#166534}}.bad{{color:#991b1b}}</style></head>\
         <body><h1>{t}</h1>{inner}</body></html>",
        t = esc(title)
    )
}

fn page(v: &Verification) -> String {
    let f = &v.facts;
    let status = match v.status {
        CertificateStatus::Valid => "<p class=\"ok\">✔ Văn bằng hợp lệ.</p>".to_string(),
        CertificateStatus::Revoked => format!(
            "<p class=\"bad\">✘ Văn bằng đã bị thu hồi{}.</p>",
            v.revoked_at.map(|t| format!(" ngày {}", t.format("%d/%m/%Y"))).unwrap_or_default()
        ),
        CertificateStatus::Replaced => format!(
            "<p class=\"bad\">✘ Văn bằng đã được cấp lại và không còn giá trị{}.</p>",
            v.replaced_by
                .as_ref()
                .map(|p| format!(": thay bằng văn bằng số hiệu {}", esc(&p.serial)))
                .unwrap_or_default()
        ),
    };
    let d = |x: chrono::NaiveDate| x.format("%d/%m/%Y").to_string();
    let mut rows = vec![
        ("Loại văn bằng", f.kind.clone()),
        ("Họ và tên", f.holder.clone()),
        ("Ngày sinh", d(f.date_of_birth)),
        ("Chương trình", format!("{} ({})", f.program, f.level)),
        ("Lớp", f.cohort.clone()),
        ("Hình thức", f.mode.clone()),
        ("Thời gian học", format!("{} – {}", d(f.starts_on), d(f.ends_on))),
        ("Xếp loại", f.classification.clone().unwrap_or_else(|| "—".into())),
        ("Số hiệu", f.serial.clone()),
        ("Số vào sổ", f.register_no.clone()),
        ("Ngày cấp", d(f.issued_on)),
        ("Cơ sở cấp", f.issuer.clone()),
        ("Người ký", format!("{} {}", f.signer_title, f.signer_name)),
    ];
    if let Some(c) = v.custodian.as_ref().filter(|c| c.issuer_merged) {
        rows.push(("Cơ sở đang lưu giữ hồ sơ (cơ sở cấp đã sáp nhập)", c.name.clone()));
    }
    let dl: String = rows.iter().map(|(k, v)| format!("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v))).collect();
    shell(
        "Tra cứu văn bằng",
        &format!(
            "{status}<dl>{dl}</dl><p><small>Chữ ký số Ed25519, khóa {}; dữ liệu JSON: thêm tiêu đề Accept: application/json.</small></p>",
            esc(&v.signature.key_id.to_string())
        ),
    )
}
