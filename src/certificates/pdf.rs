//! The printable credential: one A4 landscape page per credential, the text in an embedded font
//! that has every Vietnamese letter (DejaVu Serif), and a QR code to the public verification page
//! drawn as vector squares.

use std::io::Cursor;

use chrono::{Datelike, NaiveDate};
use printpdf::path::PaintMode;
use printpdf::{Color, IndirectFontRef, Mm, PdfDocument, PdfLayerReference, Rect, Rgb};
use qrcode::{EcLevel, QrCode};

use super::facts::Facts;
use super::model::CertificateStatus;
use crate::error::ApiError;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif-Bold.ttf");

const WIDTH: f32 = 297.0;
const HEIGHT: f32 = 210.0;
const PT_TO_MM: f32 = 0.352_778;

/// One page to print.
pub struct Page {
    pub facts: Facts,
    pub status: CertificateStatus,
    /// The public verification URL the QR code points to.
    pub verify_url: String,
    /// Printed as a certified copy from the register [bản sao từ sổ gốc].
    pub copy: bool,
}

/// DejaVu Serif regular and bold, embedded in a document, with their metrics for layout.
pub struct Fonts {
    regular: IndirectFontRef,
    bold: IndirectFontRef,
    regular_face: ttf_parser::Face<'static>,
    bold_face: ttf_parser::Face<'static>,
}

impl Fonts {
    /// Embeds both fonts in `doc`.
    pub fn load(doc: &printpdf::PdfDocumentReference) -> Result<Fonts, String> {
        Ok(Fonts {
            regular: doc.add_external_font(Cursor::new(REGULAR)).map_err(|e| e.to_string())?,
            bold: doc.add_external_font(Cursor::new(BOLD)).map_err(|e| e.to_string())?,
            regular_face: ttf_parser::Face::parse(REGULAR, 0).map_err(|e| e.to_string())?,
            bold_face: ttf_parser::Face::parse(BOLD, 0).map_err(|e| e.to_string())?,
        })
    }

    fn width_mm(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold_face } else { &self.regular_face };
        let units: f32 = text
            .chars()
            .map(|ch| face.glyph_index(ch).and_then(|g| face.glyph_hor_advance(g)).map_or(500.0, f32::from))
            .sum();
        units / f32::from(face.units_per_em()) * size * PT_TO_MM
    }

    /// Writes `text` centred on `x`, shrinking it to fit `max` mm.
    pub fn centred(
        &self,
        layer: &PdfLayerReference,
        text: &str,
        (size, bold): (f32, bool),
        (x, y): (f32, f32),
        max: f32,
    ) {
        let mut size = size;
        let mut w = self.width_mm(text, size, bold);
        if w > max {
            size *= max / w;
            w = max;
        }
        let font = if bold { &self.bold } else { &self.regular };
        layer.use_text(text, size, Mm(x - w / 2.0), Mm(y), font);
    }

    /// `text` broken into lines at most `max` mm wide, at word boundaries (a word wider than a
    /// line stands alone); every paragraph of the text starts a new line.
    pub fn wrap(&self, text: &str, (size, bold): (f32, bool), max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.lines() {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
                if !line.is_empty() && self.width_mm(&candidate, size, bold) > max {
                    lines.push(std::mem::replace(&mut line, word.to_string()));
                } else {
                    line = candidate;
                }
            }
            lines.push(line);
        }
        lines
    }

    pub fn left(&self, layer: &PdfLayerReference, text: &str, size: f32, x: f32, y: f32, bold: bool) {
        layer.use_text(text, size, Mm(x), Mm(y), if bold { &self.bold } else { &self.regular });
    }
}

/// An A4 page being written top to bottom, with a new page when it is full.
pub struct Flow<'a> {
    pub doc: &'a printpdf::PdfDocumentReference,
    pub fonts: &'a Fonts,
    pub layer: PdfLayerReference,
    /// Where the next line goes, in mm from the bottom.
    pub y: f32,
}

impl Flow<'_> {
    /// Starts a new A4 page when fewer than `mm` are left above the bottom margin.
    pub fn room(&mut self, mm: f32) {
        if self.y - mm < 20.0 {
            let (p, l) = self.doc.add_page(Mm(210.0), Mm(297.0), "record");
            self.layer = self.doc.get_page(p).get_layer(l);
            self.y = 280.0;
        }
    }

    /// Writes `text` wrapped to the page's width, `indent` mm in from the left margin.
    pub fn para(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
        for line in self.fonts.wrap(text, (size, bold), 180.0 - indent) {
            self.room(5.5);
            self.fonts.left(&self.layer, &line, size, 15.0 + indent, self.y, bold);
            self.y -= 5.5;
        }
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Renders `pages` as one PDF document.
pub fn render(title: &str, pages: &[Page]) -> Result<Vec<u8>, ApiError> {
    let fail = |e: &dyn std::fmt::Display| ApiError::Internal(format!("PDF rendering failed: {e}"));
    let (doc, first_page, first_layer) = PdfDocument::new(title, Mm(WIDTH), Mm(HEIGHT), "credential");
    let fonts = Fonts::load(&doc).map_err(|e| fail(&e))?;
    for (i, page) in pages.iter().enumerate() {
        let layer = if i == 0 {
            doc.get_page(first_page).get_layer(first_layer)
        } else {
            let (p, l) = doc.add_page(Mm(WIDTH), Mm(HEIGHT), "credential");
            doc.get_page(p).get_layer(l)
        };
        draw(&layer, &fonts, page).map_err(|e| fail(&e))?;
    }
    doc.save_to_bytes().map_err(|e| fail(&e))
}

fn draw(layer: &PdfLayerReference, f: &Fonts, page: &Page) -> Result<(), qrcode::types::QrError> {
    let x = &page.facts;
    let red = Color::Rgb(Rgb::new(0.65, 0.1, 0.1, None));
    let black = Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None));
    // A double frame.
    layer.set_outline_color(red.clone());
    layer.set_outline_thickness(2.0);
    layer.add_rect(Rect::new(Mm(8.0), Mm(8.0), Mm(WIDTH - 8.0), Mm(HEIGHT - 8.0)).with_mode(PaintMode::Stroke));
    layer.set_outline_thickness(0.6);
    layer.add_rect(Rect::new(Mm(11.0), Mm(11.0), Mm(WIDTH - 11.0), Mm(HEIGHT - 11.0)).with_mode(PaintMode::Stroke));
    layer.set_fill_color(black.clone());

    f.centred(layer, &x.issuer.to_uppercase(), (11.0, true), (75.0, 188.0), 115.0);
    f.centred(layer, "ĐẢNG CỘNG SẢN VIỆT NAM", (11.0, true), (222.0, 188.0), 115.0);
    let d = x.issued_on;
    f.centred(
        layer,
        &format!("ngày {:02} tháng {:02} năm {}", d.day(), d.month(), d.year()),
        (10.0, false),
        (222.0, 181.0),
        115.0,
    );

    if page.copy {
        layer.set_fill_color(red.clone());
        f.centred(layer, "BẢN SAO TỪ SỔ GỐC", (12.0, true), (WIDTH / 2.0, 172.0), 200.0);
    }
    layer.set_fill_color(red.clone());
    f.centred(layer, &x.kind.to_uppercase(), (28.0, true), (WIDTH / 2.0, 156.0), 250.0);
    layer.set_fill_color(black.clone());
    f.centred(
        layer,
        &format!("{} LÝ LUẬN CHÍNH TRỊ", x.level.to_uppercase()),
        (14.0, true),
        (WIDTH / 2.0, 146.0),
        250.0,
    );

    f.centred(layer, &format!("Cấp cho: {}", x.holder), (20.0, true), (WIDTH / 2.0, 130.0), 250.0);
    f.centred(layer, &format!("Ngày sinh: {}", date(x.date_of_birth)), (12.0, false), (WIDTH / 2.0, 121.0), 250.0);
    f.centred(layer, &format!("Đã hoàn thành chương trình: {}", x.program), (12.0, false), (WIDTH / 2.0, 112.0), 250.0);
    f.centred(layer, &format!("Lớp: {} — Hình thức: {}", x.cohort, x.mode), (12.0, false), (WIDTH / 2.0, 104.0), 250.0);
    f.centred(
        layer,
        &format!("Thời gian học: từ {} đến {}", date(x.starts_on), date(x.ends_on)),
        (12.0, false),
        (WIDTH / 2.0, 96.0),
        250.0,
    );
    if let Some(c) = &x.classification {
        f.centred(layer, &format!("Xếp loại: {c}"), (13.0, true), (WIDTH / 2.0, 87.0), 250.0);
    }

    f.centred(layer, &x.signer_title.to_uppercase(), (11.0, true), (222.0, 70.0), 115.0);
    f.centred(layer, "(đã ký)", (9.0, false), (222.0, 55.0), 115.0);
    f.centred(layer, &x.signer_name, (13.0, true), (222.0, 32.0), 115.0);

    f.left(layer, &format!("Số hiệu: {}", x.serial), 10.0, 22.0, 72.0, true);
    f.left(layer, &format!("Số vào sổ: {}", x.register_no), 10.0, 22.0, 66.0, false);
    qr(layer, &page.verify_url, 22.0, 20.0, 40.0)?;
    f.left(layer, "Quét mã để tra cứu văn bằng", 7.0, 22.0, 16.0, false);
    f.left(layer, &page.verify_url, 6.0, 22.0, 13.0, false);

    let stamp = match page.status {
        CertificateStatus::Valid => None,
        CertificateStatus::Revoked => Some("ĐÃ THU HỒI"),
        CertificateStatus::Replaced => Some("ĐÃ ĐƯỢC CẤP LẠI — KHÔNG CÒN GIÁ TRỊ"),
    };
    if let Some(s) = stamp {
        layer.set_fill_color(red);
        f.centred(layer, s, (16.0, true), (WIDTH / 2.0, 60.0), 140.0);
    }
    Ok(())
}

/// Draws the QR code of `data` with its lower left corner at (`x`, `y`), `size` mm wide, one
/// filled rectangle per run of dark modules in a row.
fn qr(layer: &PdfLayerReference, data: &str, x: f32, y: f32, size: f32) -> Result<(), qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)?;
    let n = code.width();
    let colors = code.to_colors();
    let m = size / n as f32;
    layer.set_fill_color(Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)));
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] != qrcode::Color::Dark {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && colors[row * n + col] == qrcode::Color::Dark {
                col += 1;
            }
            let top = y + size - row as f32 * m;
            layer.add_rect(
                Rect::new(Mm(x + start as f32 * m), Mm(top - m), Mm(x + col as f32 * m), Mm(top))
                    .with_mode(PaintMode::Fill),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificates::facts::tests::sample;

    /// Bytes of the PDF of `n` credentials as a release build writes it: streams compressed.
    fn size(n: usize) -> usize {
        let pages: Vec<Page> = (0..n)
            .map(|i| Page {
                facts: Facts {
                    holder: format!("Nguyễn Thị Ánh Tuyết {i}"),
                    serial: format!("GCN-2026-{i:06}"),
                    ..sample()
                },
                status: CertificateStatus::Valid,
                verify_url: format!("https://llct.example.vn/verify/{i:020}"),
                copy: false,
            })
            .collect();
        let mut doc = printpdf::lopdf::Document::load_mem(&render("Văn bằng", &pages).unwrap()).unwrap();
        doc.compress();
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out.len()
    }

    /// The fonts are embedded once per document and only with the glyphs used: one credential
    /// was 803 KB and a class of 65 about 1 MB with the whole fonts.
    #[test]
    fn a_credential_and_a_class_are_small_files() {
        let (one, class) = (size(1), size(65));
        println!("one credential: {one} bytes; a class of 65: {class} bytes");
        assert!(one < 60_000, "{one}");
        assert!(class < 400_000, "{class}");
    }
}
