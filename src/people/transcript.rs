//! `GET /learners/{id}/transcript`: a person's record for life — every class they took, with
//! dates, module grades, result, classification and conduct, and their credentials with numbers
//! and status. JSON, or `?format=xlsx|csv` to print.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::store;
use crate::auth::{Caller, Permission, Role};
use crate::certificates::model::{Certificate, CertificateStatus};
use crate::cohorts::model::{Cohort, EnrollmentStatus};
use crate::db::ids::*;
use crate::db::schema::{certificates as ce, cohorts as c, enrollments as e, result_snapshots as rs};
use crate::error::ApiError;
use crate::http::export::{self, Cell, Format, Table};
use crate::results::rules::ModuleResult;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(transcript);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClassRecord {
    pub cohort_id: CohortId,
    pub cohort: String,
    pub institution: String,
    pub program: String,
    pub level: crate::programs::model::Level,
    pub mode: crate::cohorts::model::Mode,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub enrollment_status: EnrollmentStatus,
    pub cohort_status: crate::cohorts::model::CohortStatus,
    /// `graduated`, `failed` or `pending`: as kept at closing for a closed class, else as it
    /// stands now.
    pub outcome: Option<String>,
    pub average: Option<f64>,
    pub classification: Option<String>,
    pub modules: Vec<ModuleResult>,
    pub field_study: Option<f64>,
    pub conduct: Option<ConductRecord>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConductRecord {
    pub political: crate::conduct::Rating,
    pub discipline: crate::conduct::Rating,
    pub class_rules: crate::conduct::Rating,
    /// The head teacher's comment [nhận xét của giáo viên chủ nhiệm].
    pub comment: Option<String>,
    pub measure: Option<crate::conduct::Measure>,
    /// When the disciplinary measure was taken, and why.
    pub measure_on: Option<chrono::NaiveDate>,
    pub measure_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialRecord {
    pub id: CertificateId,
    pub cohort_id: CohortId,
    pub kind: crate::programs::model::Credential,
    pub serial: String,
    pub register_no: String,
    pub status: CertificateStatus,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    pub verify_url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Transcript {
    pub learner_id: LearnerId,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    pub institution_id: InstitutionId,
    pub classes: Vec<ClassRecord>,
    pub credentials: Vec<CredentialRecord>,
}

/// `json` (default), `csv`, `xlsx` or `pdf` (to print).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TranscriptFormat {
    Json,
    Csv,
    Xlsx,
    Pdf,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TranscriptQuery {
    pub format: Option<TranscriptFormat>,
}

/// The transcript as A4 pages under the institution's header, in the embedded Vietnamese font.
fn pdf(t: &Transcript, header: &str) -> Result<Vec<u8>, ApiError> {
    use printpdf::{Mm, PdfDocument};
    let fail = |e: &dyn std::fmt::Display| ApiError::Internal(format!("PDF rendering failed: {e}"));
    let (doc, page, layer) = PdfDocument::new("Kết quả học tập", Mm(210.0), Mm(297.0), "transcript");
    let f = crate::certificates::pdf::Fonts::load(&doc).map_err(|e| fail(&e))?;
    let mut layer = doc.get_page(page).get_layer(layer);
    let mut y = 280.0;
    f.centred(&layer, &header.to_uppercase(), (10.0, true), (55.0, y), 95.0);
    f.centred(&layer, "ĐẢNG CỘNG SẢN VIỆT NAM", (10.0, true), (155.0, y), 95.0);
    y -= 16.0;
    f.centred(&layer, "KẾT QUẢ HỌC TẬP LÝ LUẬN CHÍNH TRỊ", (15.0, true), (105.0, y), 180.0);
    y -= 10.0;
    f.left(&layer, &format!("Họ và tên: {}", t.full_name), 12.0, 20.0, y, true);
    y -= 6.0;
    f.left(&layer, &format!("Ngày sinh: {}", t.date_of_birth.format("%d/%m/%Y")), 11.0, 20.0, y, false);
    y -= 10.0;
    let date = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    for k in &t.classes {
        if y < 40.0 {
            let (p, l) = doc.add_page(Mm(210.0), Mm(297.0), "transcript");
            layer = doc.get_page(p).get_layer(l);
            y = 280.0;
        }
        let level = crate::certificates::issue::level_name(k.level);
        f.left(&layer, &format!("Lớp {} — {}", k.cohort, k.institution), 11.0, 20.0, y, true);
        y -= 5.5;
        f.left(
            &layer,
            &format!("{} ({level}), từ {} đến {}", k.program, date(k.starts_on), date(k.ends_on)),
            10.0,
            24.0,
            y,
            false,
        );
        y -= 5.5;
        let outcome = match k.outcome.as_deref() {
            Some("graduated") => "Tốt nghiệp",
            Some("failed") => "Không đủ điều kiện tốt nghiệp",
            Some(_) => "Chưa xét",
            None => "—",
        };
        let average = k.average.map(|a| format!(", điểm trung bình {a:.1}")).unwrap_or_default();
        let band = k.classification.as_deref().map(|c| format!(", xếp loại {c}")).unwrap_or_default();
        f.left(&layer, &format!("Kết quả: {outcome}{average}{band}"), 10.0, 24.0, y, false);
        y -= 5.5;
        let grades: Vec<String> = k
            .modules
            .iter()
            .map(|m| format!("{} {}", m.code, m.grade.map(|g| format!("{g:.1}")).unwrap_or_else(|| "—".into())))
            .collect();
        if !grades.is_empty() {
            f.left(&layer, &format!("Điểm học phần: {}", grades.join("; ")), 9.0, 24.0, y, false);
            y -= 5.5;
        }
        for c in t.credentials.iter().filter(|c| c.cohort_id == k.cohort_id) {
            let status = match c.status {
                CertificateStatus::Valid => "còn giá trị",
                CertificateStatus::Revoked => "đã thu hồi",
                CertificateStatus::Replaced => "đã cấp lại",
            };
            f.left(
                &layer,
                &format!("Văn bằng số hiệu {}, số vào sổ {} ({status})", c.serial, c.register_no),
                10.0,
                24.0,
                y,
                false,
            );
            y -= 5.5;
        }
        y -= 4.0;
    }
    doc.save_to_bytes().map_err(|e| fail(&e))
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
    let t = state
        .db
        .read(move |tx| {
            let learner = if caller.role.allows(Permission::ManagePeople) {
                store::get_learner(tx, &caller.scope, id)?
            } else {
                store::find_learner(tx, id)?
                    .filter(|l| caller.role == Role::Learner && l.user_id == Some(caller.user_id))
                    .ok_or_else(ApiError::not_found)?
            };
            let taken: Vec<(Cohort, EnrollmentStatus)> = e::table
                .inner_join(c::table)
                .filter(e::learner_id.eq(id))
                .order((c::starts_on.asc(), c::id.asc()))
                .select((Cohort::as_select(), e::status))
                .load(tx)?;
            // Administrators see the classes held in their scope; the person sees all of theirs.
            let own = caller.role == Role::Learner;
            let taken: Vec<(Cohort, EnrollmentStatus)> =
                taken.into_iter().filter(|(k, _)| own || caller.scope.contains(k.institution_id)).collect();
            let shown: std::collections::HashSet<CohortId> = taken.iter().map(|(k, _)| k.id).collect();
            let mut classes = Vec::new();
            for (cohort, enrollment_status) in taken {
                let program = crate::programs::store::get(tx, cohort.program_id)?;
                let institution =
                    crate::institutions::store::find(tx, cohort.institution_id)?.map(|i| i.name).unwrap_or_default();
                let now =
                    crate::results::service::for_cohort(tx, &cohort, st.settings.tz(), Some(id))?.into_iter().next();
                let kept: Option<(String, Option<i32>, Option<String>)> = rs::table
                    .find((cohort.id, id))
                    .select((rs::outcome, rs::average_tenths, rs::classification))
                    .first(tx)
                    .optional()?;
                let conduct = crate::conduct::store::find(tx, cohort.id, id)?.map(|x| ConductRecord {
                    political: x.political,
                    discipline: x.discipline,
                    class_rules: x.class_rules,
                    comment: x.comment,
                    measure: x.measure,
                    measure_on: x.measure_on,
                    measure_reason: x.measure_reason,
                });
                let (outcome, average, classification) = match (&kept, &now) {
                    (Some(k), _) => (Some(k.0.clone()), k.1.map(|t| f64::from(t) / 10.0), k.2.clone()),
                    (None, Some(r)) => {
                        (Some(r.result.outcome.as_str().to_string()), r.result.average, r.result.classification.clone())
                    }
                    _ => (None, None, None),
                };
                classes.push(ClassRecord {
                    cohort_id: cohort.id,
                    cohort: format!("{} – {}", cohort.code, cohort.title),
                    institution,
                    program: program.title,
                    level: program.level,
                    mode: cohort.mode,
                    starts_on: cohort.starts_on,
                    ends_on: cohort.ends_on,
                    enrollment_status,
                    cohort_status: cohort.status,
                    outcome,
                    average,
                    classification,
                    modules: now.as_ref().map(|r| r.result.modules.clone()).unwrap_or_default(),
                    field_study: now.as_ref().and_then(|r| r.result.field_study),
                    conduct,
                });
            }
            let credentials = ce::table
                .filter(ce::learner_id.eq(id))
                .order(ce::issued_at.asc())
                .select(Certificate::as_select())
                .load(tx)?
                .into_iter()
                .filter(|x| shown.contains(&x.cohort_id))
                .map(|x| CredentialRecord {
                    verify_url: crate::certificates::verify_url(&st.settings, &x.verification_code),
                    id: x.id,
                    cohort_id: x.cohort_id,
                    kind: x.kind,
                    serial: x.serial,
                    register_no: x.register_no,
                    status: x.status,
                    issued_at: x.issued_at.and_utc(),
                })
                .collect();
            Ok(Transcript {
                learner_id: learner.id,
                full_name: learner.full_name,
                date_of_birth: learner.date_of_birth,
                institution_id: learner.institution_id,
                classes,
                credentials,
            })
        })
        .await?;
    let file = match q.format {
        Some(TranscriptFormat::Csv) => Some(Format::Csv),
        Some(TranscriptFormat::Xlsx) => Some(Format::Xlsx),
        Some(TranscriptFormat::Pdf) => {
            let header = state
                .db
                .read({
                    let inst = t.institution_id;
                    move |c| Ok(crate::institutions::store::find(c, inst)?.map(|i| i.name).unwrap_or_default())
                })
                .await?;
            let bytes = web::block(move || pdf(&t, &header))
                .await
                .map_err(|_| ApiError::Internal("PDF task failed".into()))??;
            return Ok(HttpResponse::Ok()
                .content_type("application/pdf")
                .insert_header(("content-disposition", "inline; filename=\"ket-qua-hoc-tap.pdf\""))
                .insert_header(("cache-control", "private, no-store"))
                .body(bytes));
        }
        _ => None,
    };
    match file {
        Some(f) => {
            let mut rows = Vec::new();
            for k in &t.classes {
                let serials: Vec<&str> =
                    t.credentials.iter().filter(|x| x.cohort_id == k.cohort_id).map(|x| x.serial.as_str()).collect();
                rows.push(vec![
                    Cell::from(k.cohort.as_str()),
                    k.institution.as_str().into(),
                    k.program.as_str().into(),
                    k.starts_on.to_string().into(),
                    k.ends_on.to_string().into(),
                    k.outcome.clone().into(),
                    k.average.map(Cell::Num).unwrap_or(Cell::Empty),
                    k.classification.clone().into(),
                    k.modules
                        .iter()
                        .map(|m| format!("{} {}", m.code, m.grade.map(|g| g.to_string()).unwrap_or_else(|| "—".into())))
                        .collect::<Vec<_>>()
                        .join("; ")
                        .into(),
                    serials.join(", ").into(),
                ]);
            }
            let headers = vec![
                "Lớp",
                "Cơ sở",
                "Chương trình",
                "Từ ngày",
                "Đến ngày",
                "Kết quả",
                "Điểm TB",
                "Xếp loại",
                "Điểm học phần",
                "Văn bằng",
            ];
            export::respond(f, &Table { name: format!("hoc-ba-{}", t.learner_id), headers, rows })
        }
        _ => Ok(HttpResponse::Ok().json(t)),
    }
}
