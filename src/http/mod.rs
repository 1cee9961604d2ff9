//! The HTTP machinery every area shares: extractors (every malformed request answers
//! problem+json), exports, idempotent creation, metrics, middleware for request ids, logs and
//! headers, and the OpenAPI post-processing. It knows no domain area; `crate::app` assembles the
//! routes.

pub mod conditional;
pub mod export;
pub mod extract;
pub mod idempotency;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod ops;

use actix_web::error::JsonPayloadError;

use crate::error::ApiError;

/// The problem for a JSON body that could not be read.
pub fn body_error(err: &JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::ContentType => {
            ApiError::UnsupportedMediaType("Send the body as JSON with Content-Type: application/json.".into())
        }
        JsonPayloadError::Overflow { limit } | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::PayloadTooLarge(*limit)
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::BadBody {
            code: "body_mismatch",
            detail: format!("The JSON body does not fit this endpoint: {e}."),
        },
        JsonPayloadError::Deserialize(e) => {
            ApiError::BadBody { code: "malformed_json", detail: format!("The body is not valid JSON: {e}.") }
        }
        _ => ApiError::BadRequest("The body could not be read.".into()),
    }
}
