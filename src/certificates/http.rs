//! Credentials for administrators and their holders: issuing a class's credentials, lists,
//! PDFs, revocation, reissue, the register book and signing-key rotation.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::facts::Facts;
use super::issue::{self, Reissued, Signer};
use super::model::*;
use super::pades::{self, Signer as PdfSigner};
use super::pdf;
use super::store::{self, readable, writable};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role};
use crate::db::ids::*;
use crate::db::page::Page;
use crate::error::{ApiError, ProblemItem, Problems};
use crate::http::export::{self, Cell, Format, Table};
use crate::http::extract::{paging, IdempotencyKey, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::text::clean;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(issue_certificates)
        .service(cohort_pdf)
        .service(list_certificates)
        .service(my_certificates)
        .service(register_book)
        .service(get_certificate)
        .service(certificate_pdf)
        .service(revoke_certificate)
        .service(reissue_certificate)
        .service(rotate_key)
        .configure(super::decision::routes)
        .configure(super::pades::http::routes);
}

/// Issues a credential to every graduate of a closing or closed class who has none, numbered in
/// the class list's order. Safe to repeat: the second call issues nothing new.
#[utoipa::path(tag = "certificates", request_body = Option<IssueIn>,
    params(("id" = CohortId, Path), ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe issuing")),
    responses((status = 200, body = IssueOut), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/cohorts/{id}/certificates")]
async fn issue_certificates(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    key: IdempotencyKey,
    body: JsonBody<IssueIn>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::IssueCredentials)?;
    let b = body.take_optional()?.unwrap_or(IssueIn { signer_name: None, signer_title: None, issued_on: None });
    let id = id.into_inner();
    let fp = fingerprint("POST", &format!("/cohorts/{id}/certificates"), &b);
    let (name, title) = (b.signer_name.as_deref().map(clean), b.signer_title.as_deref().map(clean));
    let issued_on = b.issued_on.unwrap_or_else(|| state.clock.today());
    let mut p = Problems::new();
    for (field, v) in [("signer_name", &name), ("signer_title", &title)] {
        p.check(
            v.as_ref().is_none_or(|s| !s.is_empty() && s.chars().count() <= 120),
            field,
            "must be 1 to 120 characters",
        );
    }
    p.finish(())?;
    let (c2, st) = (caller.clone(), state.clone());
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let cohort = crate::cohorts::store::writable(tx, &c2, id)?;
        let inst = crate::institutions::store::find(tx, cohort.institution_id)?.ok_or_else(ApiError::not_found)?;
        let signer = signer_of(name, title, inst.signer_name, inst.signer_title, issued_on)?;
        let done = issue::issue_for_cohort(tx, &st.settings, &cohort, &signer, Some(c2.user_id), None)?;
        Stored::ok(&IssueOut {
            already_issued: done.already,
            not_graduated: done.not_graduated,
            issued: done.issued.into_iter().map(|x| out(&st, x)).collect(),
        })
    })
    .await
}

/// Who signs: as asked, else the issuing institution's signer; 422 naming what neither gives.
fn signer_of(
    name: Option<String>,
    title: Option<String>,
    default_name: Option<String>,
    default_title: Option<String>,
    issued_on: NaiveDate,
) -> Result<Signer, ApiError> {
    let pick = |asked: Option<String>, default: Option<String>| asked.or(default).filter(|s| !s.trim().is_empty());
    let (name, title) = (pick(name, default_name), pick(title, default_title));
    let missing: Vec<ProblemItem> = [("signer_name", name.is_none()), ("signer_title", title.is_none())]
        .into_iter()
        .filter(|(_, missing)| *missing)
        .map(|(f, _)| ProblemItem::rule("signer_missing", "give it here or set it on the issuing institution").at(f))
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::Refused(missing));
    }
    Ok(Signer { name: name.unwrap_or_default(), title: title.unwrap_or_default(), issued_on })
}

fn pdf_response(bytes: Vec<u8>, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("content-disposition", format!("inline; filename=\"{name}.pdf\"")))
        .insert_header(("cache-control", "private, no-store"))
        .body(bytes)
}

/// `pages` as one PDF, off the request thread, with the issuer's PAdES signature when it has
/// a signing certificate.
async fn printed(
    pages: Vec<pdf::Page>,
    signer: Option<PdfSigner>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<u8>, ApiError> {
    web::block(move || pades::signed(pdf::render("Văn bằng", &pages)?, signer.as_ref(), at))
        .await
        .map_err(|_| ApiError::Internal("PDF task failed".into()))?
}

fn page_of(state: &AppState, x: &Certificate, copy: bool) -> Result<pdf::Page, ApiError> {
    Ok(pdf::Page {
        facts: Facts::parse(&x.facts).ok_or_else(|| ApiError::Internal("stored facts unreadable".into()))?,
        status: x.status,
        verify_url: verify_url(state, &x.verification_code),
        copy,
    })
}

/// Every valid credential of a class as one PDF to print, in number order.
#[utoipa::path(tag = "certificates", params(("id" = CohortId, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/cohorts/{id}/certificates/pdf")]
async fn cohort_pdf(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::IssueCredentials)?;
    let id = id.into_inner();
    let (settings, now) = (state.settings.clone(), state.clock.now());
    let (rows, signer) = state
        .db
        .read(move |conn| {
            let cohort = crate::cohorts::store::writable(conn, &caller, id)?;
            let rows = store::valid_of_cohort(conn, id)?;
            let issuer = rows.first().map_or(cohort.institution_id, |x| x.issuer_id);
            Ok((rows, PdfSigner::of(conn, &settings, issuer, now)?))
        })
        .await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound("The class has no valid credentials yet.".into()));
    }
    let pages = rows.iter().map(|x| page_of(&state, x, false)).collect::<Result<Vec<_>, _>>()?;
    Ok(pdf_response(printed(pages, signer, now).await?, &format!("van-bang-{id}")))
}

/// Credentials: administrators see those in their scope (export with `?format=csv|xlsx`), a
/// learner only their own.
#[utoipa::path(tag = "certificates", params(CertificateFilter),
    responses((status = 200, body = Page<CertificateOut>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/certificates")]
async fn list_certificates(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<CertificateFilter>,
) -> Result<HttpResponse, ApiError> {
    if caller.role == Role::Lecturer {
        return Err(ApiError::Forbidden);
    }
    let q = q.into_inner();
    let page = crate::http::export::page_or_all(q.format, || paging(q.limit, q.cursor.as_deref()))?;
    let limit = page.limit;
    let format = q.format;
    let rows: Vec<Certificate> = state.db.read(move |conn| store::list(conn, &caller, &q, &page)).await?;
    match format {
        Some(fmt @ (Format::Csv | Format::Xlsx)) => {
            export::respond(fmt, &table_of(rows.into_iter().map(|x| out(&state, x)).collect()))
        }
        _ => Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |r| r.id.to_string(), |x| out(&state, x)))),
    }
}

/// The caller's own credentials (learners).
#[utoipa::path(tag = "certificates", responses((status = 200, body = Vec<CertificateOut>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/me/certificates")]
async fn my_certificates(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if caller.role != Role::Learner {
        return Err(ApiError::Forbidden);
    }
    let rows: Vec<Certificate> = state
        .db
        .read(move |conn| {
            let Some(me) = crate::people::store::learner_of_user(conn, caller.user_id)? else {
                return Ok(Vec::new());
            };
            Ok(store::of_learner(conn, me)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(|x| out(&state, x)).collect::<Vec<_>>()))
}

/// One credential (administrators in scope; the holder).
#[utoipa::path(tag = "certificates", params(("id" = CertificateId, Path)),
    responses((status = 200, body = CertificateOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/certificates/{id}")]
async fn get_certificate(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CertificateId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let x = state.db.read(move |conn| readable(conn, &caller, id)).await?;
    Ok(crate::http::extract::ok_versioned(x.version, &out(&state, x)))
}

/// The printable credential (administrators in scope; the holder).
#[utoipa::path(tag = "certificates", params(("id" = CertificateId, Path), PdfQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/certificates/{id}/pdf")]
async fn certificate_pdf(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CertificateId>,
    q: web::Query<PdfQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let copy = q.copy.unwrap_or(false);
    if copy && !caller.role.is_admin() {
        return Err(ApiError::Forbidden);
    }
    let (settings, now) = (state.settings.clone(), state.clock.now());
    let (x, signer) = state
        .db
        .read(move |conn| {
            let x = readable(conn, &caller, id)?;
            let signer = PdfSigner::of(conn, &settings, x.issuer_id, now)?;
            Ok((x, signer))
        })
        .await?;
    let page = page_of(&state, &x, copy)?;
    let name = x.serial.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_");
    Ok(pdf_response(printed(vec![page], signer, now).await?, &name))
}

/// A revocation's or reissue's reason: required, at most 1000 characters.
fn reason_of(text: &str) -> Result<String, ApiError> {
    let reason = clean(text);
    let mut p = Problems::new();
    p.check(!reason.is_empty(), "reason", "is required");
    p.check(reason.chars().count() <= 1000, "reason", "must be at most 1000 characters");
    p.finish(reason)
}

/// Revokes a valid credential with a reason; the record stays and public verification says
/// revoked.
#[utoipa::path(tag = "certificates", request_body = RevokeIn, params(("id" = CertificateId, Path)),
    responses((status = 200, body = CertificateOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/certificates/{id}/revoke")]
async fn revoke_certificate(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CertificateId>,
    body: JsonBody<RevokeIn>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::IssueCredentials)?;
    let body = body.take()?;
    let id = id.into_inner();
    let reason = reason_of(&body.reason)?;
    let x = audit
        .write(&state.db, move |tx| {
            let cert = writable(tx, &caller, id)?;
            issue::revoke(tx, &cert, &reason, caller.user_id)
        })
        .await?;
    Ok(crate::http::extract::ok_versioned(x.version, &out(&state, x)))
}

/// Reissues a valid credential: a new number pointing at the old one (201), or for a lost paper
/// by default a certified copy from the register with the same number (200).
#[utoipa::path(tag = "certificates", request_body = ReissueIn, params(("id" = CertificateId, Path)),
    responses((status = 201, body = ReissueOut), (status = 200, body = ReissueOut), (status = 409, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/certificates/{id}/reissue")]
async fn reissue_certificate(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CertificateId>,
    body: JsonBody<ReissueIn>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::IssueCredentials)?;
    let body = body.take()?;
    let id = id.into_inner();
    let (cause, reason) = (body.cause, reason_of(&body.reason)?);
    let day = state.clock.today();
    let st = state.clone();
    let done = audit
        .write_locating(
            &state.db,
            move |tx| {
                let cert = writable(tx, &caller, id)?;
                issue::reissue(tx, &st.settings, &cert, cause, &reason, day, caller.user_id)
            },
            |r| match r {
                Reissued::New(x) => Some(format!("/api/v1/certificates/{}", x.id)),
                Reissued::Copy(_) => None,
            },
        )
        .await?;
    Ok(match done {
        Reissued::New(x) => HttpResponse::Created()
            .insert_header(("location", format!("/api/v1/certificates/{}", x.id)))
            .json(ReissueOut { outcome: "reissued".into(), certificate: out(&state, x) }),
        Reissued::Copy(x) => {
            HttpResponse::Ok().json(ReissueOut { outcome: "copy".into(), certificate: out(&state, x) })
        }
    })
}

/// The register book [sổ gốc]: every issue, revocation, reissue and certified copy, in the
/// order they happened; nothing in it is ever changed. Export with `?format=csv|xlsx` to print.
#[utoipa::path(tag = "certificates", params(RegisterFilter),
    responses((status = 200, body = Page<RegisterLine>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/register-book")]
async fn register_book(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<RegisterFilter>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::IssueCredentials)?;
    let q = q.into_inner();
    let page = crate::http::export::page_or_all(q.format, || paging(q.limit, q.cursor.as_deref()))?;
    let limit = page.limit;
    let (inst, cohort, year) = (q.institution_id, q.cohort_id, q.year);
    let rows: Vec<RegisterEntry> =
        state.db.read(move |conn| store::register(conn, &caller, inst, cohort, year, &page)).await?;
    let line = |r: RegisterEntry| RegisterLine {
        id: r.id,
        at: r.at.and_utc(),
        event: r.event,
        certificate_id: r.certificate_id,
        serial: r.serial,
        register_no: r.register_no,
        holder: r.holder,
        cohort_id: r.cohort_id,
        institution_id: r.institution_id,
        related_id: r.related_id,
        reason: r.reason,
        actor_id: r.actor_id,
    };
    match q.format {
        Some(f @ (Format::Csv | Format::Xlsx)) => {
            let rows = rows
                .into_iter()
                .map(line)
                .map(|e| {
                    vec![
                        Cell::from(e.at.to_rfc3339()),
                        e.event.as_str().into(),
                        e.serial.into(),
                        e.register_no.into(),
                        e.holder.into(),
                        e.reason.into(),
                        e.actor_id.map(|x| x.to_string()).into(),
                    ]
                })
                .collect();
            let headers = vec!["Thời điểm", "Sự kiện", "Số hiệu", "Số vào sổ", "Họ và tên", "Lý do", "Người thực hiện"];
            export::respond(f, &Table { name: "so-goc".into(), headers, rows })
        }
        _ => Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |r| r.id.to_string(), line))),
    }
}

/// Retires the institution's signing key and makes a new one; credentials signed with the old
/// key still verify against it.
#[utoipa::path(tag = "certificates", params(("id" = InstitutionId, Path)),
    responses((status = 201, body = KeyOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/institutions/{id}/signing-keys/rotate")]
async fn rotate_key(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<InstitutionId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::IssueCredentials)?;
    let id = id.into_inner();
    let k = audit
        .write(&state.db, move |tx| {
            crate::institutions::store::get(tx, &caller.scope, id)?;
            Ok(super::keys::rotate(tx, id)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(KeyOut {
        key_id: k.id,
        institution_id: k.institution_id,
        algorithm: k.algorithm,
        public_key: k.public_key,
        created_at: k.created_at.and_utc(),
    }))
}
