//! Shared request pieces: `If-Match`, `Idempotency-Key`, paging and `updated_since` parameters,
//! nullable PATCH fields, and the `ETag` on answers.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, http::header, FromRequest, HttpRequest, HttpResponse};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::{Deserialize, Deserializer, Serialize};

use crate::db::page::{self, PageRequest, DEFAULT_LIMIT, MAX_LIMIT};
use crate::error::{ApiError, Problems};

/// The versions a client last saw, from `If-Match: "N"`.
#[derive(Debug, Clone)]
pub enum IfMatch {
    /// No header, or `*`: the client does not guard this write.
    Any,
    /// The versions named by the header's entity tags; empty when every tag is one this
    /// service never gave (`"stale-1"`), so nothing can match.
    Versions(Vec<i64>),
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<IfMatch, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.headers().get(header::IF_MATCH) {
            None => Ok(IfMatch::Any),
            Some(v) => v.to_str().ok().and_then(parse_if_match).ok_or_else(|| {
                ApiError::BadRequest("If-Match must be `*` or a list of entity tags like \"3\".".into())
            }),
        })
    }
}

/// `If-Match` by RFC 9110 §13.1.1: `*` or a comma-separated list of entity tags
/// (`[W/]"etagc*"`); `None` when malformed. Tags this service never gave are well formed but
/// match nothing.
fn parse_if_match(s: &str) -> Option<IfMatch> {
    let s = s.trim();
    if s == "*" {
        return Some(IfMatch::Any);
    }
    let mut versions = Vec::new();
    for tag in s.split(',').map(str::trim) {
        let opaque = tag.strip_prefix("W/").unwrap_or(tag);
        let inner = opaque.strip_prefix('"')?.strip_suffix('"')?;
        if !inner.bytes().all(|b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80) {
            return None;
        }
        if let Ok(n) = inner.parse::<i64>() {
            versions.push(n);
        }
    }
    Some(IfMatch::Versions(versions))
}

impl IfMatch {
    /// 412 when the client saw another version than `current`.
    pub fn check(&self, current: i64) -> Result<(), ApiError> {
        match self {
            IfMatch::Versions(seen) if !seen.contains(&current) => Err(ApiError::PreconditionFailed { current }),
            _ => Ok(()),
        }
    }

    /// The version a compare-and-set write must find, if the client named one (a version no row
    /// can have when none of its tags is ours).
    pub fn expected(&self) -> Option<i64> {
        match self {
            IfMatch::Any => None,
            IfMatch::Versions(v) => Some(v.first().copied().unwrap_or(i64::MIN)),
        }
    }
}

#[cfg(test)]
mod if_match_tests {
    use super::*;

    #[test]
    fn entity_tags_are_read_as_rfc_9110_says() {
        let versions = |s| match parse_if_match(s) {
            Some(IfMatch::Versions(v)) => Some(v),
            Some(IfMatch::Any) => Some(vec![-1]),
            None => None,
        };
        for (header, expected) in [
            ("*", Some(vec![-1])),
            ("\"3\"", Some(vec![3])),
            ("W/\"3\"", Some(vec![3])),
            ("\"2\", \"5\"", Some(vec![2, 5])),
            ("\"stale-1\"", Some(vec![])),
            ("\"\"", Some(vec![])),
            ("3", None),
            ("\"3", None),
            ("\"a b\"", None),
            ("\"3\",", None),
        ] {
            assert_eq!(versions(header), expected, "{header}");
        }
        assert!(matches!(IfMatch::Versions(vec![]).check(1), Err(ApiError::PreconditionFailed { .. })));
        assert!(IfMatch::Versions(vec![2, 1]).check(1).is_ok());
        assert!(IfMatch::Any.check(7).is_ok());
    }
}

/// `Ok` when a version-guarded save wrote the row; otherwise someone changed it after it was read
/// at version `seen`, and the client must read it again: 412.
pub fn saved(wrote: bool, seen: i64) -> Result<(), ApiError> {
    if wrote {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed { current: seen + 1 })
    }
}

pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// 200 with the body and its `ETag`.
pub fn ok_versioned<T: Serialize>(version: i64, body: &T) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::ETAG, etag(version))).json(body)
}

/// The `Idempotency-Key` header of a creating POST, when present.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<IdempotencyKey, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let r = match req.headers().get("idempotency-key") {
            None => Ok(IdempotencyKey(None)),
            Some(v) => match v.to_str() {
                Ok(s) if !s.trim().is_empty() && s.len() <= 200 => Ok(IdempotencyKey(Some(s.trim().to_string()))),
                _ => Err(ApiError::BadRequest("Idempotency-Key must be 1 to 200 visible ASCII characters.".into())),
            },
        };
        ready(r)
    }
}

/// Checks `limit` and a cursor over id-ordered rows together, listing both problems at once.
pub fn paging(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    paging_by(limit, cursor, |key| uuid::Uuid::parse_str(key).is_ok())
}

/// Like [`paging`], for lists whose cursor key has another shape (`valid` tells a good one).
pub fn paging_by(
    limit: Option<i64>,
    cursor: Option<&str>,
    valid: impl Fn(&str) -> bool,
) -> Result<PageRequest, ApiError> {
    let mut p = Problems::new();
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    p.check((1..=MAX_LIMIT).contains(&limit), "limit", format!("must be between 1 and {MAX_LIMIT}"));
    let after = match cursor {
        None => None,
        Some(c) => {
            let d = page::decode(c).filter(|k| valid(k));
            p.check(d.is_some(), "cursor", "is not a cursor this service gave");
            d
        }
    };
    p.finish(PageRequest { limit, after })
}

/// `updated_since` as stored (UTC).
pub fn since(t: Option<DateTime<FixedOffset>>) -> Option<NaiveDateTime> {
    t.map(|t| t.naive_utc())
}

/// For PATCH fields that may be set to `null`: absent → `None`, `null` → `Some(None)`.
pub fn nullable<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A JSON request body read with the request but judged only when the handler asks for it, after
/// it has stated the caller's rights: a caller who may not do this gets 401/403/404 whatever the
/// body says, and only then are the body's problems (400, 413, 415) answered.
pub struct JsonBody<T>(Result<Sent<T>, ApiError>);

enum Sent<T> {
    Nothing,
    Null,
    Body(T),
}

impl<T> JsonBody<T> {
    /// The body, or the problem that kept it from being read (415 when none was sent).
    pub fn take(self) -> Result<T, ApiError> {
        match self.0? {
            Sent::Body(b) => Ok(b),
            Sent::Nothing => {
                Err(ApiError::UnsupportedMediaType("Send the body as JSON with Content-Type: application/json.".into()))
            }
            Sent::Null => Err(ApiError::BadBody {
                code: "body_mismatch",
                detail: "The body must be a JSON object, not null.".into(),
            }),
        }
    }

    /// The body where it may be left out: `None` when the request has none, or sends `null`.
    pub fn take_optional(self) -> Result<Option<T>, ApiError> {
        match self.0? {
            Sent::Body(b) => Ok(Some(b)),
            Sent::Nothing | Sent::Null => Ok(None),
        }
    }
}

/// A JSON body already read as bytes, for a route that also takes files: the same answers as
/// [`JsonBody`] (400 for bad JSON or a body off the schema, 413 past `limit`).
pub fn json_bytes<T: serde::de::DeserializeOwned + utoipa::ToSchema>(
    bytes: &[u8],
    limit: usize,
) -> Result<T, ApiError> {
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    if bytes.is_empty() {
        return JsonBody::<T>(Ok(Sent::Nothing)).take();
    }
    let value = serde_json::from_slice::<serde_json::Value>(bytes)
        .map_err(|e| crate::http::body_error(&actix_web::error::JsonPayloadError::Deserialize(e)));
    JsonBody(value.and_then(read_body::<T>)).take()
}

/// Whether a request carries no body at all (no length or a zero length, no chunks, no type).
fn bodiless(req: &HttpRequest) -> bool {
    let h = req.headers();
    let length = h.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).map(str::trim);
    length == Some("0")
        || (length.is_none() && !h.contains_key(header::TRANSFER_ENCODING) && !h.contains_key(header::CONTENT_TYPE))
}

/// Reads a JSON value as `T`, first refusing (every one listed) the strings longer than
/// `max_lengths!` allows for `T`'s schema: the bound the document shows is the one enforced,
/// on the text as sent.
fn read_body<T: serde::de::DeserializeOwned + utoipa::ToSchema>(value: serde_json::Value) -> Result<Sent<T>, ApiError> {
    if value.is_null() {
        return Ok(Sent::Null);
    }
    let name = T::name();
    let mut p = Problems::new();
    for bound in crate::http::openapi::max_lengths().filter(|b| b.schema == name) {
        if let Some(s) = value.get(bound.field).and_then(serde_json::Value::as_str) {
            p.check(s.chars().count() <= bound.max, bound.field, format!("must be at most {} characters", bound.max));
        }
    }
    p.finish(())?;
    serde_json::from_value::<T>(value)
        .map(Sent::Body)
        .map_err(|e| crate::http::body_error(&actix_web::error::JsonPayloadError::Deserialize(e)))
}

impl<T: serde::de::DeserializeOwned + utoipa::ToSchema + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<JsonBody<T>, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<actix_web::web::Data<crate::AppState>>()
            .map(|s| s.settings.server.json_limit_bytes)
            .unwrap_or(65_536);
        if bodiless(req) {
            return Box::pin(async { Ok(JsonBody(Ok(Sent::Nothing))) });
        }
        let body = actix_web::web::JsonBody::<serde_json::Value>::new(req, payload, None, true).limit(limit);
        Box::pin(async move {
            let sent = body.await.map_err(|e| crate::http::body_error(&e)).and_then(read_body::<T>);
            Ok(JsonBody(sent))
        })
    }
}
