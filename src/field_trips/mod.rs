//! Field study [nghiên cứu thực tế]: per class a destination, dates, leader and report due date;
//! each learner submits one report (text and/or a PDF, DOCX or ODT file); lecturers grade it on
//! the 10-point scale.
//!
//! Invariants: one report per learner per field trip; files are size-limited and type-checked by
//! their content, stored in the database and served only to the learner, the class's lecturers
//! and administrators; a graded report no longer changes; grades are stored in tenths.

pub mod dto;
pub mod http;
pub mod model;
pub mod store;

pub use http::routes;

/// The kind of an uploaded report file, judged by its content, not its name: (MIME type, extension).
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        return Some(("application/pdf", "pdf"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let head = &bytes[..bytes.len().min(4096)];
        let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        if has(b"mimetypeapplication/vnd.oasis.opendocument.text") {
            return Some(("application/vnd.oasis.opendocument.text", "odt"));
        }
        if has(b"[Content_Types].xml") || has(b"word/") {
            return Some(("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"));
        }
    }
    None
}

/// A file name safe to send back in a header: the base name, only letters, digits, '.', '-',
/// '_' (accents folded), at most 100 characters, with the extension the content has.
pub fn safe_name(given: &str, ext: &str) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base);
    let folded: String = crate::text::fold(stem)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    let stem = folded.trim_matches('-');
    let stem = if stem.is_empty() { "bai-thu-hoach" } else { stem };
    format!("{}.{ext}", &stem[..stem.len().min(100)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_judged_by_content() {
        assert_eq!(sniff(b"%PDF-1.7 ...").unwrap().1, "pdf");
        assert_eq!(sniff(b"PK\x03\x04....mimetypeapplication/vnd.oasis.opendocument.text").unwrap().1, "odt");
        assert_eq!(sniff(b"PK\x03\x04....[Content_Types].xml").unwrap().1, "docx");
        assert!(sniff(b"MZ\x90\x00 an executable").is_none());
        assert!(sniff(b"<html>").is_none());
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("../../etc/Bài thu hoạch của Lan.exe", "pdf"), "bai-thu-hoach-cua-lan.pdf");
        assert_eq!(safe_name("", "docx"), "bai-thu-hoach.docx");
        assert_eq!(safe_name("C:\\x\\Báo cáo.docx", "docx"), "bao-cao.docx");
    }
}
