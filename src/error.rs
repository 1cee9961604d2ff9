//! One error type for the whole API, answered as RFC 9457 `application/problem+json`.
//!
//! Invariant: a 500 never carries its cause to the client; the cause is logged with the request id.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

pub use crate::problem::ProblemItem;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemItem>,
    /// For a duplicate: the path of the record that already exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<String>,
}

/// Every kind of problem the API answers with: slug (the last part of `type`), status, title and
/// what it means. Served at `/api/v1/problems/{slug}`.
pub const PROBLEM_TYPES: &[(&str, u16, &str, &str)] = &[
    (
        "bad-request",
        400,
        "Bad request",
        "The request could not be read: malformed JSON, a wrong type, or a bad header or query value.",
    ),
    (
        "validation",
        400,
        "Validation failed",
        "One or more fields are invalid; `errors` lists every one with its field and message.",
    ),
    ("unauthorized", 401, "Not signed in", "The bearer token is missing, unknown, expired or revoked."),
    ("forbidden", 403, "Not allowed", "The caller is signed in but their role may not do this."),
    ("not-found", 404, "Not found", "No such resource, or it lies outside the caller's institution scope."),
    ("method-not-allowed", 405, "Method not allowed", "The path exists but not with this method."),
    (
        "conflict",
        409,
        "Conflict",
        "The request conflicts with the current state or a uniqueness rule; `code` says which.",
    ),
    (
        "precondition-failed",
        412,
        "Precondition failed",
        "`If-Match` does not match the resource's current version; fetch it again.",
    ),
    ("payload-too-large", 413, "Payload too large", "The request body is over the configured limit."),
    (
        "unsupported-media-type",
        415,
        "Unsupported media type",
        "The body must be sent with the content type the endpoint reads (JSON: application/json).",
    ),
    (
        "refused",
        422,
        "Refused by a rule",
        "A business rule refused the request; `errors` lists every rule that failed with its code.",
    ),
    ("rate-limited", 429, "Too many requests", "Wait for the number of seconds in `Retry-After`."),
    ("internal", 500, "Internal error", "Something failed on the server; it has been logged with the request id."),
    (
        "unavailable",
        503,
        "Service unavailable",
        "The database cannot be reached right now; retry after `Retry-After` seconds.",
    ),
];

/// The documented problem type of a slug (`every_variant_has_its_problem_type` keeps every
/// variant's slug in the table).
fn problem_type(slug: &str) -> Option<(&'static str, u16, &'static str, &'static str)> {
    PROBLEM_TYPES.iter().copied().find(|(s, ..)| *s == slug)
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A JSON body that is not JSON (`malformed_json`) or does not fit the endpoint's schema
    /// (`body_mismatch`).
    #[error("bad body {code}: {detail}")]
    BadBody { code: &'static str, detail: String },
    #[error("validation failed")]
    Validation(Vec<ProblemItem>),
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict {code}: {detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("duplicate of {existing}")]
    Duplicate { detail: String, existing: String },
    #[error("conflicts: {code}")]
    Conflicts { code: &'static str, detail: String, items: Vec<ProblemItem> },
    #[error("precondition failed")]
    PreconditionFailed { current: i64 },
    #[error("payload too large")]
    PayloadTooLarge(usize),
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error("refused")]
    Refused(Vec<ProblemItem>),
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("unavailable")]
    Unavailable { retry_after_secs: u64 },
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn not_found() -> ApiError {
        ApiError::NotFound("No such resource.".into())
    }
    pub fn unavailable() -> ApiError {
        ApiError::Unavailable { retry_after_secs: 5 }
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::Conflict { code, detail: detail.into() }
    }
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![ProblemItem::field(field, message)])
    }
    pub fn refused(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::Refused(vec![ProblemItem::rule(code, message)])
    }

    pub fn slug(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) | ApiError::BadBody { .. } => "bad-request",
            ApiError::Validation(_) => "validation",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound(_) => "not-found",
            ApiError::MethodNotAllowed => "method-not-allowed",
            ApiError::Conflict { .. } | ApiError::Duplicate { .. } | ApiError::Conflicts { .. } => "conflict",
            ApiError::PreconditionFailed { .. } => "precondition-failed",
            ApiError::PayloadTooLarge(_) => "payload-too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::Refused(_) => "refused",
            ApiError::RateLimited { .. } => "rate-limited",
            ApiError::Unavailable { .. } => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn problem(&self) -> Problem {
        let (slug, status, title, _) = problem_type(self.slug()).or_else(|| problem_type("internal")).unwrap_or((
            "internal",
            500,
            "Internal error",
            "",
        ));
        let mut code = None;
        let mut errors = Vec::new();
        let mut existing = None;
        let detail = match self {
            ApiError::BadRequest(d) => d.clone(),
            ApiError::BadBody { code: c, detail } => {
                code = Some((*c).to_string());
                detail.clone()
            }
            ApiError::Validation(items) => {
                errors = items.clone();
                format!("{} field(s) are invalid.", items.len())
            }
            ApiError::Unauthorized(d) => (*d).to_string(),
            ApiError::Forbidden => "Your role does not allow this action.".into(),
            ApiError::NotFound(d) => d.clone(),
            ApiError::MethodNotAllowed => "This path does not accept this method.".into(),
            ApiError::Conflict { code: c, detail } => {
                code = Some((*c).to_string());
                detail.clone()
            }
            ApiError::Conflicts { code: c, detail, items } => {
                code = Some((*c).to_string());
                errors = items.clone();
                detail.clone()
            }
            ApiError::Duplicate { detail, existing: e } => {
                code = Some("duplicate_person".to_string());
                existing = Some(e.clone());
                detail.clone()
            }
            ApiError::PreconditionFailed { current } => {
                format!("The resource has changed; its current version is {current}.")
            }
            ApiError::PayloadTooLarge(limit) => {
                format!("The request body is larger than the limit of {limit} bytes.")
            }
            ApiError::UnsupportedMediaType(d) => d.clone(),
            ApiError::Refused(items) => {
                errors = items.clone();
                format!("{} rule(s) refused the request.", items.len())
            }
            ApiError::RateLimited { retry_after_secs } => {
                format!("Too many attempts; try again in {retry_after_secs} s.")
            }
            ApiError::Unavailable { retry_after_secs } => {
                format!("The database is unavailable; try again in {retry_after_secs} s.")
            }
            ApiError::Internal(_) => "An unexpected error occurred.".into(),
        };
        let (title, detail) = if english() {
            (title.to_string(), detail)
        } else {
            for e in &mut errors {
                e.message = crate::vi::message(&e.message);
            }
            (title_vi(slug).to_string(), detail_vi(self, &detail))
        };
        Problem { type_: format!("/api/v1/problems/{slug}"), title, status, detail, code, errors, existing }
    }
}

tokio::task_local! {
    /// Whether the request asked for English (`Accept-Language: en…`); Vietnamese otherwise.
    static ENGLISH: bool;
}

/// Runs `f` answering problems in English or Vietnamese.
pub async fn in_language<F: std::future::Future>(english: bool, f: F) -> F::Output {
    ENGLISH.scope(english, f).await
}

/// The same, for synchronous code.
pub fn in_language_sync<T>(english: bool, f: impl FnOnce() -> T) -> T {
    ENGLISH.sync_scope(english, f)
}

fn english() -> bool {
    ENGLISH.try_with(|e| *e).unwrap_or(false)
}

/// A text meant for people in the caller's language: as written (English) when they asked for
/// English, else its Vietnamese. Call it where the request runs, not inside a database closure
/// (which runs on another thread and answers Vietnamese).
pub fn localised(en: &str) -> String {
    if english() {
        en.to_string()
    } else {
        crate::vi::message(en)
    }
}

/// Whether an `Accept-Language` header prefers English to Vietnamese (Vietnamese by default).
pub fn prefers_english(accept_language: Option<&str>) -> bool {
    let mut best: Option<(f32, bool)> = None;
    for part in accept_language.unwrap_or_default().split(',') {
        let mut bits = part.split(';');
        let tag = bits.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = bits.find_map(|b| b.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
        let lang = tag.split('-').next().unwrap_or_default();
        if (lang == "en" || lang == "vi") && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang == "en"));
        }
    }
    best.is_some_and(|(_, en)| en)
}

/// Vietnamese titles of the problem types.
fn title_vi(slug: &str) -> &'static str {
    match slug {
        "bad-request" => "Yêu cầu không đọc được",
        "validation" => "Dữ liệu không hợp lệ",
        "unauthorized" => "Chưa đăng nhập",
        "forbidden" => "Không có quyền",
        "not-found" => "Không tìm thấy",
        "method-not-allowed" => "Phương thức không được hỗ trợ",
        "conflict" => "Xung đột",
        "precondition-failed" => "Dữ liệu đã thay đổi",
        "payload-too-large" => "Dữ liệu gửi lên quá lớn",
        "unsupported-media-type" => "Kiểu nội dung không được hỗ trợ",
        "refused" => "Bị từ chối theo quy định",
        "rate-limited" => "Quá nhiều yêu cầu",
        "unavailable" => "Dịch vụ tạm thời gián đoạn",
        _ => "Lỗi hệ thống",
    }
}

/// Vietnamese for the fixed English details; other (specific) details are kept as written.
fn detail_vi(e: &ApiError, english: &str) -> String {
    match e {
        ApiError::Validation(items) => format!("{} trường dữ liệu không hợp lệ.", items.len()),
        ApiError::Refused(items) => format!("{} quy định không cho phép yêu cầu này.", items.len()),
        ApiError::Forbidden => "Vai trò của bạn không được phép thực hiện thao tác này.".into(),
        ApiError::MethodNotAllowed => "Đường dẫn này không nhận phương thức này.".into(),
        ApiError::PreconditionFailed { current } => {
            format!("Dữ liệu đã được thay đổi; phiên bản hiện tại là {current}. Hãy đọc lại rồi thử lại.")
        }
        ApiError::PayloadTooLarge(limit) => format!("Dữ liệu gửi lên vượt quá giới hạn {limit} byte."),
        ApiError::RateLimited { retry_after_secs } => {
            format!("Quá nhiều yêu cầu; hãy thử lại sau {retry_after_secs} giây.")
        }
        ApiError::Unavailable { retry_after_secs } => {
            format!("Cơ sở dữ liệu tạm thời không truy cập được; hãy thử lại sau {retry_after_secs} giây.")
        }
        ApiError::Internal(_) => "Đã xảy ra lỗi không mong muốn; lỗi đã được ghi lại.".into(),
        _ => crate::vi::message(english),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.problem().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let problem = self.problem();
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            ApiError::RateLimited { retry_after_secs } | ApiError::Unavailable { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Unauthorized(_) => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            _ => {}
        }
        res.body(serde_json::to_string(&problem).unwrap_or_default())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> ApiError {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match e {
            E::NotFound => ApiError::not_found(),
            E::DatabaseError(K::UniqueViolation, _) => {
                ApiError::conflict("duplicate", "A record with the same unique value already exists.")
            }
            E::DatabaseError(K::ForeignKeyViolation, _) => {
                ApiError::conflict("referenced", "The record refers to, or is referred to by, another record.")
            }
            E::DatabaseError(K::SerializationFailure, _) => ApiError::Unavailable { retry_after_secs: 1 },
            E::DatabaseError(K::ClosedConnection, _) => ApiError::unavailable(),
            E::DatabaseError(_, ref info) if is_transient(info.message()) => ApiError::unavailable(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// Messages of failures that go away by themselves: a busy SQLite file, a lost server connection.
fn is_transient(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "database is locked",
        "database is busy",
        "server closed the connection",
        "connection refused",
        "connection reset",
        "connection timed out",
        "no connection to the server",
        "could not connect to server",
        "terminating connection",
        "the database system is starting up",
        "the database system is shutting down",
        "the database system is in recovery mode",
        "the database system is not yet accepting connections",
    ]
    .iter()
    .any(|p| m.contains(p))
}

#[cfg(test)]
mod problem_type_tests {
    use super::*;

    #[test]
    fn every_variant_has_its_problem_type() {
        let all = [
            ApiError::BadRequest(String::new()),
            ApiError::BadBody { code: "body_mismatch", detail: String::new() },
            ApiError::Validation(Vec::new()),
            ApiError::Unauthorized(""),
            ApiError::Forbidden,
            ApiError::NotFound(String::new()),
            ApiError::MethodNotAllowed,
            ApiError::conflict("x", ""),
            ApiError::Duplicate { detail: String::new(), existing: String::new() },
            ApiError::Conflicts { code: "x", detail: String::new(), items: Vec::new() },
            ApiError::PreconditionFailed { current: 1 },
            ApiError::PayloadTooLarge(1),
            ApiError::UnsupportedMediaType(String::new()),
            ApiError::Refused(Vec::new()),
            ApiError::RateLimited { retry_after_secs: 1 },
            ApiError::Unavailable { retry_after_secs: 1 },
            ApiError::Internal(String::new()),
        ];
        for e in all {
            let (slug, status, ..) = problem_type(e.slug()).unwrap_or_else(|| panic!("{} is not documented", e.slug()));
            assert_eq!(in_language_sync(true, || e.problem()).status, status, "{slug}");
        }
    }
}

#[cfg(test)]
mod transient_tests {
    use super::is_transient;

    #[test]
    fn only_failures_that_pass_by_themselves_are_transient() {
        for (message, transient) in [
            ("database is locked", true),
            ("server closed the connection unexpectedly", true),
            ("FATAL: terminating connection due to administrator command", true),
            ("FATAL: the database system is starting up", true),
            ("could not connect to server: Connection refused", true),
            // Errors that only mention a connection are the statement's own fault: not 503.
            ("relation \"connection_log\" does not exist", false),
            ("column \"connection\" is of type integer but expression is of type text", false),
            ("syntax error at or near \"SELECT\"", false),
        ] {
            assert_eq!(is_transient(message), transient, "{message}");
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(_: diesel::r2d2::PoolError) -> ApiError {
        ApiError::unavailable()
    }
}

/// Collects every field problem of a request before answering, so a client fixes all at once.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<ProblemItem>);

impl Problems {
    pub fn new() -> Problems {
        Problems::default()
    }
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(ProblemItem::field(field, message));
    }
    pub fn check(&mut self, ok: bool, field: &str, message: impl Into<String>) {
        if !ok {
            self.add(field, message);
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Err(Validation)` with every problem collected, or `Ok(value)`.
    pub fn finish<T>(self, value: T) -> Result<T, ApiError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

#[cfg(test)]
mod language_tests {
    use super::*;

    #[test]
    fn accept_language_picks_english_only_when_preferred() {
        assert!(!prefers_english(None));
        assert!(prefers_english(Some("en")));
        assert!(prefers_english(Some("en-GB,en;q=0.9")));
        assert!(!prefers_english(Some("vi-VN,vi;q=0.9,en;q=0.8")));
        assert!(prefers_english(Some("fr, en;q=0.5, vi;q=0.4")));
        assert!(!prefers_english(Some("fr")));
    }

    #[test]
    fn problems_speak_the_chosen_language() {
        let e = ApiError::Validation(vec![ProblemItem::field("name", "is required")]);
        let vi = in_language_sync(false, || e.problem());
        assert_eq!((vi.title.as_str(), vi.detail.as_str()), ("Dữ liệu không hợp lệ", "1 trường dữ liệu không hợp lệ."));
        let en = in_language_sync(true, || e.problem());
        assert_eq!((en.title.as_str(), en.detail.as_str()), ("Validation failed", "1 field(s) are invalid."));
        assert_eq!(vi.type_, en.type_);
    }
}
