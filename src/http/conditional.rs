//! Conditional GETs (RFC 9110 §8.8.3, §13.1.2): every `GET` under `/api/v1` answers 200 with an
//! `ETag` and `Cache-Control: private, no-cache`, and a request whose `If-None-Match` names the
//! current tag gets 304 with no body.
//!
//! The tag is cheap: it is derived from the database's change stamp (`db::stamp`, bumped by
//! every write transaction of every replica) and what the request asks (path, query, the
//! caller's credentials, `Accept`, `Accept-Language`), never from the body. A signed-in caller's
//! current tag is answered before the handler runs, so a poll that finds nothing new costs one
//! small read. Answers that depend on the clock (sessions already held, today's schedule) are
//! covered by a ten-minute period in the tag. A resource that carries its own version tag (for
//! `If-Match`) keeps it, and a request naming it gets 304 too. Job runs (`/api/v1/jobs`) are not
//! covered: their bookkeeping does not raise the stamp.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

use crate::AppState;

/// How long a tag may stand for an answer that depends only on the clock.
const CLOCK_PERIOD_SECS: i64 = 600;
pub const CACHE_CONTROL: &str = "private, no-cache";

/// Whether GETs of `path` (a request's path or a documented template) are conditional. Job runs
/// are recorded without raising the stamp (`db::write_tx_quiet`), so their lists are always
/// answered in full.
pub fn covers(path: &str) -> bool {
    path.starts_with("/api/v1/") && !path.starts_with("/api/v1/jobs")
}

/// The weak tag of `req`'s answer while the database's change stamp is `stamp` at `now`.
fn tag_of(req: &ServiceRequest, stamp: i64, now: i64) -> String {
    let mut h = Sha256::new();
    h.update(stamp.to_be_bytes());
    h.update((now.div_euclid(CLOCK_PERIOD_SECS)).to_be_bytes());
    for part in [req.path(), req.query_string()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for name in [header::AUTHORIZATION, header::ACCEPT, header::ACCEPT_LANGUAGE] {
        h.update(req.headers().get(&name).map(HeaderValue::as_bytes).unwrap_or_default());
        h.update([0]);
    }
    let hex: String = h.finalize()[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// Whether an `If-None-Match` value names `tag` (weak comparison). `*` ("any current
/// answer") counts only once the handler has answered 200 (`answered`): before, nothing says
/// the request is valid or what it names exists.
pub fn names(if_none_match: &str, tag: &str, answered: bool) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_none_match.split(',').any(|t| (answered && t.trim() == "*") || bare(t) == bare(tag))
}

fn not_modified(tag: &str) -> HttpResponse {
    HttpResponse::NotModified()
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .finish()
}

pub async fn conditional(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(state), true) = (state, req.method() == Method::GET && covers(req.path())) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let wanted = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string);
    // The stamp is read before the answer is built, so a tag never stands for older data.
    let stamp = state.db.read(|c| Ok(crate::db::stamp::current(c)?)).await.ok();
    let tag = stamp.map(|s| tag_of(&req, s, state.clock.now().timestamp()));
    let signed = req.headers().contains_key(header::AUTHORIZATION);
    if let (Some(t), Some(w), true) = (&tag, &wanted, signed) {
        if names(w, t, false) {
            return Ok(req.into_response(not_modified(t)));
        }
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    if res.status() != StatusCode::OK {
        return Ok(res);
    }
    let own = res.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_string);
    let Some(current) = own.or(tag) else { return Ok(res) };
    if wanted.as_deref().is_some_and(|w| names(w, &current, true)) {
        return Ok(res.into_response(not_modified(&current)));
    }
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&current) {
        headers.insert(header::ETAG, v);
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    #[test]
    fn if_none_match_names_a_tag_weakly_or_by_star() {
        let t = "W/\"abc\"";
        for (header, answered, yes) in [
            ("W/\"abc\"", false, true),
            ("\"abc\"", false, true),
            ("\"x\", W/\"abc\"", false, true),
            ("*", true, true),
            ("*", false, false),
            ("\"abd\"", true, false),
            ("", true, false),
        ] {
            assert_eq!(super::names(header, t, answered), yes, "{header} {answered}");
        }
    }
}
