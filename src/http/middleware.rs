//! Around every request: a request id, one log line, metrics, security headers, and a
//! problem+json body for any error answer that has none (unknown routes, framework errors).

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use futures_util::FutureExt;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse, ResponseError};

use crate::error::{ApiError, PROBLEM_JSON};
use crate::AppState;

/// `HEAD` answers wherever `GET` does (RFC 9110 §9.3.2): the request is routed as a `GET` and
/// the answer keeps its status and headers but drops its body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let head = req.method() == actix_web::http::Method::HEAD;
    if head {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    let res = next.call(req).await?;
    if head {
        Ok(res.map_body(|_, _| BoxBody::new(())))
    } else {
        Ok(res.map_into_boxed_body())
    }
}

pub async fn observe(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let start = Instant::now();
    let request_id = uuid::Uuid::now_v7().to_string();
    let method = req.method().to_string();
    let path = req.path().to_string();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let english =
        crate::error::prefers_english(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    // What the audit trail records of a write: the request id and the JSON body, secrets masked.
    let body_summary = if matches!(method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE") {
        body_summary(&mut req).await
    } else {
        None
    };
    req.extensions_mut().insert(RequestFacts { request_id: request_id.clone(), body_summary });
    // A panic in a handler becomes a 500 problem for this request (the server turns the error
    // into ApiError's response); the worker keeps serving.
    let call = AssertUnwindSafe(next.call(req)).catch_unwind();
    let outcome = crate::error::in_language(english, call).await;
    let res = match outcome {
        Ok(res) => res?.map_into_boxed_body(),
        Err(panic) => {
            let elapsed = start.elapsed().as_secs_f64();
            return Err(panicked(
                panic,
                &request_id,
                &method,
                &path,
                state.as_ref().map(|s| s.get_ref()),
                english,
                elapsed,
            ));
        }
    };
    let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".into());
    let status = res.status();

    if status.as_u16() >= 500 {
        if let Some(err) = res.response().error() {
            tracing::error!(request_id = %request_id, method = %method, path = %path, error = %err, "request failed");
        }
    }
    let upload_limit = state.as_ref().map(|s| s.settings.server.upload_limit_bytes).unwrap_or(0);
    let mut res = if status.is_client_error() || status.is_server_error() {
        crate::error::in_language_sync(english, || problemise(res, upload_limit))
    } else {
        res
    };
    safety_headers(res.headers_mut(), &request_id);

    log_request(state.as_ref().map(|s| s.get_ref()), &request_id, &method, &path, &route, res.status().as_u16(), start);
    Ok(res)
}

/// The request counted in the metrics and logged.
fn log_request(
    state: Option<&AppState>,
    request_id: &str,
    method: &str,
    path: &str,
    route: &str,
    status: u16,
    start: Instant,
) {
    let secs = start.elapsed().as_secs_f64();
    if let Some(state) = state {
        state.metrics.observe(method, route, status, secs);
    }
    tracing::info!(target: "llct::http", request_id = %request_id, method = %method, path = %path,
        route = %route, status, ms = secs * 1000.0, "request");
}

/// A handler's panic as the 500 problem the client gets, logged and counted.
fn panicked(
    panic: Box<dyn std::any::Any + Send>,
    request_id: &str,
    method: &str,
    path: &str,
    state: Option<&AppState>,
    english: bool,
    elapsed: f64,
) -> actix_web::Error {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(request_id = %request_id, method = %method, path = %path, panic = %what, "handler panicked");
    if let Some(state) = state {
        state.metrics.observe(method, "panic", 500, elapsed);
    }
    let res = crate::error::in_language_sync(english, || ApiError::Internal(format!("panic: {what}")).error_response());
    actix_web::error::InternalError::from_response(what, res).into()
}

/// The request id and the headers every answer carries; no caching unless the handler said so.
fn safety_headers(h: &mut actix_web::http::header::HeaderMap, request_id: &str) {
    h.insert(
        HeaderName::from_static("x-request-id"),
        HeaderValue::from_str(request_id).unwrap_or(HeaderValue::from_static("-")),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// What this middleware learned of a request, for what records it (the audit trail).
#[derive(Debug, Clone)]
pub struct RequestFacts {
    pub request_id: String,
    /// A writing request's JSON body (up to 64 KiB), secrets masked.
    pub body_summary: Option<String>,
}

/// A writing request's JSON body with its secrets masked; the body is put back for the handler.
async fn body_summary(req: &mut ServiceRequest) -> Option<String> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let small = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n <= 65_536);
    let mut summary = None;
    if is_json && small {
        if let Ok(bytes) = req.extract::<web::Bytes>().await {
            if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                mask_secrets(&mut v);
                summary = Some(v.to_string());
            }
            req.set_payload(actix_web::dev::Payload::from(bytes));
        }
    }
    summary
}

/// Secrets never reach the audit trail: any field whose name says password or token, and an
/// uploaded key file (`pkcs12`).
pub fn mask_secrets(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                if k.contains("password") || k.contains("token") || k == "pkcs12" {
                    *val = serde_json::Value::String("***".into());
                } else {
                    mask_secrets(val);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_secrets),
        _ => {}
    }
}

/// Error answers that the framework built (404 for an unknown route, 405, 413 …) carry no
/// problem body; give them one, keeping the status. Problems and pages made for people (the
/// public verification page) pass unchanged.
fn problemise(res: ServiceResponse<BoxBody>, upload_limit: usize) -> ServiceResponse<BoxBody> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON) || v.starts_with("text/html"));
    if is_problem {
        return res;
    }
    let status = res.status();
    let err = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("No such route.".into()),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(upload_limit),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType("Unsupported content type.".into()),
        StatusCode::UNAUTHORIZED => ApiError::Unauthorized("Sign in first."),
        StatusCode::FORBIDDEN => ApiError::Forbidden,
        StatusCode::SERVICE_UNAVAILABLE => ApiError::unavailable(),
        s if s.is_server_error() => ApiError::Internal(String::new()),
        _ => ApiError::BadRequest("The request could not be read.".into()),
    };
    let mut body: HttpResponse = err.error_response();
    *body.status_mut() = status;
    res.into_response(body.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_are_masked() {
        let mut v = serde_json::json!({"email": "a@b.vn", "password": "bí mật", "nested": [{"new_password": "x", "name": "An"}], "pkcs12": "MIIK"});
        super::mask_secrets(&mut v);
        assert_eq!(v["password"], "***");
        assert_eq!(v["nested"][0]["new_password"], "***");
        assert_eq!(v["pkcs12"], "***");
        assert_eq!(v["nested"][0]["name"], "An");
    }
}
