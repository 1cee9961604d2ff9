//! Shared request pieces: `If-Match`, `Idempotency-Key`, paging and `updated_since` parameters,
//! nullable PATCH fields, and the `ETag` on answers.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, http::header, FromRequest, HttpRequest, HttpResponse};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::{Deserialize, Deserializer, Serialize};

use crate::db::page::{self, PageRequest, DEFAULT_LIMIT, MAX_LIMIT};
use crate::error::{ApiError, Problems};

/// The version a client last saw, from `If-Match: "N"`; `None` when absent or `*`.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<IfMatch, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_if_match(req))
    }
}

fn parse_if_match(req: &HttpRequest) -> Result<IfMatch, ApiError> {
    let Some(v) = req.headers().get(header::IF_MATCH) else {
        return Ok(IfMatch(None));
    };
    let s = v.to_str().map_err(|_| ApiError::BadRequest("If-Match is not readable.".into()))?.trim();
    if s == "*" {
        return Ok(IfMatch(None));
    }
    let s = s.strip_prefix("W/").unwrap_or(s);
    s.trim_matches('"')
        .parse::<i64>()
        .map(|n| IfMatch(Some(n)))
        .map_err(|_| ApiError::BadRequest("If-Match must be an ETag this service gave, like \"3\".".into()))
}

impl IfMatch {
    /// 412 when the client saw another version than `current`.
    pub fn check(self, current: i64) -> Result<(), ApiError> {
        match self.0 {
            Some(seen) if seen != current => Err(ApiError::PreconditionFailed { current }),
            _ => Ok(()),
        }
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
