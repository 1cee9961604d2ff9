//! A transcript to print: a PDF under the institution's header, or a table.

use chrono::NaiveDate;

use super::dto::Transcript;
use crate::certificates::model::CertificateStatus;
use crate::error::ApiError;
use crate::http::export::{Cell, Table};

/// The transcript as A4 pages under the institution's header, in the embedded Vietnamese font.
pub fn pdf(t: &Transcript, header: &str) -> Result<Vec<u8>, ApiError> {
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
    if !t.recorded_credentials.is_empty() {
        f.left(&layer, "Văn bằng cấp trước khi có hệ thống (sao từ sổ gốc)", 11.0, 20.0, y, true);
        y -= 5.5;
    }
    for r in &t.recorded_credentials {
        if y < 30.0 {
            let (p, l) = doc.add_page(Mm(210.0), Mm(297.0), "transcript");
            layer = doc.get_page(p).get_layer(l);
            y = 280.0;
        }
        let level = crate::people::import::llct_label(r.level);
        f.left(
            &layer,
            &format!("{} ({level}) — {}, cấp ngày {}", r.program, r.issuer_name, date(r.issued_on)),
            10.0,
            24.0,
            y,
            false,
        );
        y -= 5.5;
        f.left(
            &layer,
            &format!("Số hiệu {}, số vào sổ {}; sổ gốc: {}", r.serial, r.register_no, r.register),
            9.0,
            24.0,
            y,
            false,
        );
        y -= 7.0;
    }
    doc.save_to_bytes().map_err(|e| fail(&e))
}

/// One line per class, for CSV and XLSX.
pub fn table(t: &Transcript) -> Table {
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
    for r in &t.recorded_credentials {
        rows.push(vec![
            Cell::from(r.register.as_str()),
            r.issuer_name.as_str().into(),
            r.program.as_str().into(),
            Cell::Empty,
            r.issued_on.to_string().into(),
            "recorded".into(),
            Cell::Empty,
            r.classification.clone().into(),
            Cell::Empty,
            r.serial.as_str().into(),
        ]);
    }
    Table { name: format!("hoc-ba-{}", t.learner_id), headers, rows }
}
