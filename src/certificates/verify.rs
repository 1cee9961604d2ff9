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

/// What a verification found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerifiedStatus {
    /// Issued through the service and in force.
    Valid,
    Revoked,
    /// Reissued: the new paper is `replaced_by`.
    Replaced,
    /// Issued on paper before the service and copied from a register book: `record` says who
    /// copied it, from which register and when. It carries no signature made at issue.
    Recorded,
}

impl From<CertificateStatus> for VerifiedStatus {
    fn from(s: CertificateStatus) -> VerifiedStatus {
        match s {
            CertificateStatus::Valid => VerifiedStatus::Valid,
            CertificateStatus::Revoked => VerifiedStatus::Revoked,
            CertificateStatus::Replaced => VerifiedStatus::Replaced,
        }
    }
}

/// A credential copied from a paper register book, as the record shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CopiedCredential {
    pub holder: String,
    pub date_of_birth: chrono::NaiveDate,
    pub level: crate::people::model::LlctLevel,
    pub program: String,
    pub classification: Option<String>,
    pub serial: String,
    pub register_no: String,
    pub issued_on: chrono::NaiveDate,
    /// The issuer's name as the paper prints it (the institution may since have been merged or
    /// abolished).
    pub issuer: String,
    /// The institution that keeps the register book and copied the record.
    pub kept_by: String,
    /// The register book it was copied from.
    pub register: String,
    /// The name of the person who copied it.
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Verification {
    pub verification_code: String,
    /// `valid`, `revoked` or `replaced` for a credential issued through the service; `recorded`
    /// for one copied from a register book.
    pub status: VerifiedStatus,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The reissue that replaced this credential.
    pub replaced_by: Option<OtherPaper>,
    /// The credential this one replaced.
    pub replaces: Option<OtherPaper>,
    /// What the paper shows, as signed at issue; `null` for a copied record (see `record`).
    pub facts: Option<Facts>,
    /// The issuer's signature over `facts`; `null` for a copied record.
    pub signature: Option<SignatureOut>,
    /// A credential copied from a register book: what the record holds and who copied it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<CopiedCredential>,
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

/// A verification code as the public routes take it: within the client's rate limit (429), of
/// the shape the service gives (404 otherwise), upper-cased.
pub fn admitted(state: &AppState, req: &HttpRequest, code: String) -> Result<String, ApiError> {
    state.verify_limits.check(client_ip(req))?;
    if code.len() > 64 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::not_found());
    }
    Ok(code.to_ascii_uppercase())
}

async fn lookup(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    code: String,
    with_custodian: bool,
) -> Result<Verification, ApiError> {
    let code = admitted(state, req, code)?;
    state
        .db
        .read(move |c| {
            let Some(cert) = by_code(c, &code)? else {
                return copied(c, &code);
            };
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
                status: cert.status.into(),
                revoked_at: cert.revoked_at.map(|t| t.and_utc()),
                replaced_by,
                replaces,
                facts: Some(facts),
                signature: Some(SignatureOut {
                    algorithm: key.algorithm,
                    key_id: key.id,
                    value: cert.signature,
                    signed_text: cert.facts,
                }),
                record: None,
            })
        })
        .await
}

/// A credential copied from a register book, by its code; 404 when there is none either.
fn copied(c: &mut crate::db::DbConn, code: &str) -> Result<Verification, ApiError> {
    let r = crate::certificates::records::store::by_code(c, code)?.ok_or_else(ApiError::not_found)?;
    let (holder, date_of_birth) = crate::certificates::records::store::holder(c, r.learner_id)?;
    let kept_by = crate::institutions::store::find(c, r.institution_id)?.map(|i| i.name).unwrap_or_default();
    let recorded_by = crate::users::store::display_name(c, r.recorded_by)?;
    Ok(Verification {
        verification_code: r.verification_code,
        status: VerifiedStatus::Recorded,
        revoked_at: None,
        replaced_by: None,
        replaces: None,
        facts: None,
        signature: None,
        record: Some(CopiedCredential {
            holder,
            date_of_birth,
            level: r.level,
            program: r.program_title,
            classification: r.classification,
            serial: r.serial,
            register_no: r.register_no,
            issued_on: r.issued_on,
            issuer: r.issuer_name,
            kept_by,
            register: r.register,
            recorded_by,
            recorded_at: r.recorded_at.and_utc(),
        }),
        custodian: None,
    })
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
    let (Some(f), Some(signature)) = (&v.facts, &v.signature) else {
        return copied_page(v);
    };
    let status = match v.status {
        VerifiedStatus::Valid | VerifiedStatus::Recorded => "<p class=\"ok\">✔ Văn bằng hợp lệ.</p>".to_string(),
        VerifiedStatus::Revoked => format!(
            "<p class=\"bad\">✘ Văn bằng đã bị thu hồi{}.</p>",
            v.revoked_at.map(|t| format!(" ngày {}", t.format("%d/%m/%Y"))).unwrap_or_default()
        ),
        VerifiedStatus::Replaced => format!(
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
            esc(&signature.key_id.to_string())
        ),
    )
}

/// The page of a credential copied from a register book: what the record holds, and that it
/// is a copy, not a paper signed through the service.
fn copied_page(v: &Verification) -> String {
    let Some(r) = &v.record else {
        return shell("Tra cứu văn bằng", "");
    };
    let d = |x: chrono::NaiveDate| x.format("%d/%m/%Y").to_string();
    let rows = [
        ("Họ và tên", r.holder.clone()),
        ("Ngày sinh", d(r.date_of_birth)),
        ("Trình độ", crate::people::import::llct_label(r.level).to_string()),
        ("Chương trình", r.program.clone()),
        ("Xếp loại", r.classification.clone().unwrap_or_else(|| "—".into())),
        ("Số hiệu", r.serial.clone()),
        ("Số vào sổ", r.register_no.clone()),
        ("Ngày cấp", d(r.issued_on)),
        ("Cơ sở cấp", r.issuer.clone()),
        ("Sổ gốc", r.register.clone()),
        ("Cơ sở lưu giữ sổ gốc", r.kept_by.clone()),
        ("Người vào sổ điện tử", format!("{}, ngày {}", r.recorded_by, r.recorded_at.format("%d/%m/%Y"))),
    ];
    let dl: String = rows.iter().map(|(k, v)| format!("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v))).collect();
    shell(
        "Tra cứu văn bằng",
        &format!(
            "<p class=\"ok\">✔ Văn bằng cấp trên giấy, có trong sổ gốc.</p><dl>{dl}</dl><p><small>Bản ghi được sao \
             từ sổ gốc, không phải văn bằng ký số khi cấp; dữ liệu JSON: thêm tiêu đề Accept: application/json.</small></p>"
        ),
    )
}
