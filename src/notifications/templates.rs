//! Message templates, kept as files under `templates/email/` (Vietnamese) and
//! `templates/email/en/` (English) and compiled in: `{kind}.txt` holds the subject on its first
//! line, a blank line, then the plain-text body; `{kind}.html` the HTML body (escaped
//! automatically).

use std::sync::OnceLock;

use minijinja::Environment;

use super::outbox::Kind;
use crate::error::ApiError;

macro_rules! templates {
    ($($kind:literal),+ $(,)?) => {
        &[$(
            (concat!($kind, ".txt"), include_str!(concat!("../../templates/email/", $kind, ".txt"))),
            (concat!($kind, ".html"), include_str!(concat!("../../templates/email/", $kind, ".html"))),
            (concat!("en/", $kind, ".txt"), include_str!(concat!("../../templates/email/en/", $kind, ".txt"))),
            (concat!("en/", $kind, ".html"), include_str!(concat!("../../templates/email/en/", $kind, ".html"))),
        )+]
    };
}

const SOURCES: &[(&str, &str)] = templates!(
    "session_reminder",
    "exam_reminder",
    "field_report_reminder",
    "grading_reminder",
    "cohort_ending",
    "inspection_overdue",
    "results",
    "unit_report",
    "nomination_decided",
);

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in SOURCES {
            env.add_template(name, source).unwrap_or_else(|e| panic!("template {name}: {e}"));
        }
        env
    })
}

/// (subject, plain text, HTML) of a message of `kind`, in English when `english`.
pub fn render(kind: Kind, english: bool, ctx: &serde_json::Value) -> Result<(String, String, String), ApiError> {
    let dir = if english { "en/" } else { "" };
    let fail = |e: minijinja::Error| ApiError::Internal(format!("template {kind}: {e}"));
    let env = env();
    let ctx = minijinja::Value::from(minijinja::value::Serde(ctx));
    let text = env.get_template(&format!("{dir}{kind}.txt")).and_then(|t| t.render(&ctx)).map_err(fail)?;
    let html = env.get_template(&format!("{dir}{kind}.html")).and_then(|t| t.render(&ctx)).map_err(fail)?;
    let (subject, body) = text.split_once("\n\n").unwrap_or((text.as_str(), ""));
    Ok((subject.trim().to_string(), body.trim().to_string() + "\n", html))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_template_renders_and_html_is_escaped() {
        let ctx = json!({"name": "Nguyễn <Thị> Ánh", "cohort": "SC-01 – Sơ cấp", "module": "Học phần 1", "starts": "07:30 ngày 02/12/2026",
            "ends": "11:00", "place": "Hội trường A", "exam": "Thi học phần", "date": "02/12/2026", "destination": "Xã Thanh Sơn",
            "deadline": "02/12/2026", "missing": 3, "ends_on": "05/12/2026", "outcome": "Tốt nghiệp", "average": "8,5",
            "classification": "Giỏi", "serial": "GCN-2026-000001", "verify_url": "http://x/verify/ABC", "reasons": ["a"], "outcome_code": "graduated",
            "unit": "UBND xã Kim Bảng", "count": 12, "graduated": 11, "inspection": "Kiểm tra năm 2025", "held_on": "02/03/2026",
            "number": 1, "text": "Bảo đảm đủ thời lượng", "due_on": "30/06/2026", "decision_no": "125/QĐ-UBND",
            "decision_on": "20/11/2026", "target": "TC-01 – Trung cấp", "accepted": [{"name": "Lê Văn A", "cohort": "TC-01 – Trung cấp"}],
            "rejected": [{"name": "Trần Thị B", "reasons": "Chưa đủ tuổi"}], "pending": 0});
        for kind in Kind::ALL {
            for english in [false, true] {
                let (subject, text, html) = render(*kind, english, &ctx).unwrap();
                assert!(!subject.is_empty() && !subject.contains('\n'), "{kind}");
                assert!(text.contains("Nguyễn <Thị> Ánh"), "{kind}: {text}");
                assert!(html.contains("Nguyễn &lt;Thị&gt; Ánh"), "{kind}: {html}");
                assert_eq!(text.starts_with("Dear"), english, "{kind}: {text}");
            }
        }
    }
}
