//! `GET /api/v1/inspections/{id}/pdf`: the inspection's record [biên bản kiểm tra] in
//! Vietnamese, under the inspecting body's header, with its findings and recommendations.

use actix_web::{get, web, HttpResponse};
use printpdf::{Mm, PdfDocument};

use super::model::{Inspection, InspectionKind, RecommendationStatus};
use super::store;
use crate::auth::{Caller, Permission};
use crate::certificates::pdf::{Flow, Fonts};
use crate::db::ids::*;
use crate::error::ApiError;
use crate::AppState;

fn kind_name(k: InspectionKind) -> &'static str {
    match k {
        InspectionKind::Inspection => "KIỂM TRA",
        InspectionKind::Supervision => "GIÁM SÁT",
        InspectionKind::Thematic => "KIỂM TRA CHUYÊN ĐỀ",
    }
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The record as a PDF (A4), for those who may read the inspection.
#[utoipa::path(tag = "inspections", params(("id" = InspectionId, Path)),
    responses((status = 200, description = "The record [biên bản] as PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/inspections/{id}/pdf")]
pub async fn inspection_pdf(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<InspectionId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Inspect)?;
    let id = id.into_inner();
    let (x, inspected, inspector) = state
        .db
        .read(move |c| {
            let x = store::in_scope(c, &caller.scope, id)?;
            let name = |c: &mut crate::db::DbConn, i: Option<InstitutionId>| -> Result<String, ApiError> {
                Ok(match i {
                    Some(i) => crate::institutions::store::find(c, i)?.map(|i| i.name).unwrap_or_default(),
                    None => String::new(),
                })
            };
            let inspected = name(c, Some(x.institution_id))?;
            let inspector = name(c, x.inspector_institution_id)?;
            Ok((x, inspected, inspector))
        })
        .await?;
    let bytes = web::block(move || render(&x, &inspected, &inspector)).await.map_err(|_| ApiError::unavailable())??;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", format!("inline; filename=\"bien-ban-{id}.pdf\"")))
        .body(bytes))
}

fn render(x: &Inspection, inspected: &str, inspector: &str) -> Result<Vec<u8>, ApiError> {
    let fail = |e: &dyn std::fmt::Display| ApiError::Internal(format!("PDF rendering failed: {e}"));
    let (doc, page, layer) = PdfDocument::new("Biên bản kiểm tra", Mm(210.0), Mm(297.0), "record");
    let fonts = Fonts::load(&doc).map_err(|e| fail(&e))?;
    let layer = doc.get_page(page).get_layer(layer);
    let mut w = Flow { doc: &doc, fonts: &fonts, layer, y: 280.0 };
    let head = if inspector.is_empty() { "ĐOÀN KIỂM TRA".to_string() } else { inspector.to_uppercase() };
    fonts.centred(&w.layer, &head, (10.0, true), (55.0, w.y), 95.0);
    fonts.centred(&w.layer, "ĐẢNG CỘNG SẢN VIỆT NAM", (10.0, true), (155.0, w.y), 95.0);
    w.y -= 14.0;
    fonts.centred(&w.layer, &format!("BIÊN BẢN {}", kind_name(x.kind)), (14.0, true), (105.0, w.y), 180.0);
    w.y -= 7.0;
    fonts.centred(&w.layer, &x.title, (11.0, false), (105.0, w.y), 180.0);
    w.y -= 10.0;
    w.para(&format!("Đơn vị được kiểm tra: {inspected}"), 10.5, false, 0.0);
    w.para(&format!("Ngày kiểm tra: {}", date(x.held_on)), 10.5, false, 0.0);
    w.para(&format!("Thời kỳ kiểm tra: từ {} đến {}", date(x.period_from), date(x.period_to)), 10.5, false, 0.0);
    w.y -= 3.0;
    w.para("I. THÀNH PHẦN ĐOÀN", 11.0, true, 0.0);
    for m in &x.team.0 {
        let head = if m.head { " — Trưởng đoàn" } else { "" };
        let title = m.title.as_deref().map(|t| format!(", {t}")).unwrap_or_default();
        w.para(&format!("- {}{title}{head}", m.name), 10.5, false, 4.0);
    }
    w.y -= 3.0;
    w.para("II. KẾT QUẢ KIỂM TRA", 11.0, true, 0.0);
    w.para(if x.findings.is_empty() { "(không ghi)" } else { &x.findings }, 10.5, false, 4.0);
    w.y -= 3.0;
    w.para("III. KIẾN NGHỊ", 11.0, true, 0.0);
    for (n, r) in x.recommendations.0.iter().enumerate() {
        w.para(&format!("{}. {} (hạn {})", n + 1, r.text, date(r.due_on)), 10.5, false, 4.0);
        let state = if r.status == RecommendationStatus::Done { "Đã thực hiện" } else { "Chưa thực hiện" };
        let answer = r.response.as_deref().map(|a| format!(": {a}")).unwrap_or_default();
        w.para(&format!("Trả lời của đơn vị — {state}{answer}"), 10.0, false, 10.0);
    }
    w.y -= 10.0;
    w.room(30.0);
    fonts.centred(&w.layer, "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA", (10.0, true), (55.0, w.y), 90.0);
    fonts.centred(&w.layer, "TRƯỞNG ĐOÀN KIỂM TRA", (10.0, true), (155.0, w.y), 90.0);
    w.y -= 5.0;
    fonts.centred(&w.layer, "(ký, ghi rõ họ tên)", (9.5, false), (55.0, w.y), 90.0);
    fonts.centred(&w.layer, "(ký, ghi rõ họ tên)", (9.5, false), (155.0, w.y), 90.0);
    if let Some(head) = x.team.0.iter().find(|m| m.head) {
        fonts.centred(&w.layer, &head.name, (10.5, true), (155.0, w.y - 22.0), 90.0);
    }
    doc.save_to_bytes().map_err(|e| fail(&e))
}
