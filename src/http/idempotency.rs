//! `Idempotency-Key` on creating POSTs: the response is stored with the change in one
//! transaction, so a repeat (even a concurrent one) returns the first answer and changes nothing;
//! the same key with a different request is refused.
//!
//! The key is reserved by inserting its row first inside the write transaction. A concurrent
//! twin on PostgreSQL blocks on the primary key until the first commits and then fails with a
//! unique violation; on SQLite `BEGIN IMMEDIATE` queues it behind the first. Either way the twin
//! then reads the stored answer.

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::ids::UserId;
use crate::db::schema::idempotency_keys as ik;
use crate::db::{now, Db, DbConn, Journal};
use crate::error::ApiError;
use crate::http::extract::{etag, IdempotencyKey};
use crate::text::hex;

/// A finished answer, as stored for replays.
#[derive(Debug, Clone, Queryable)]
pub struct Stored {
    pub request_hash: String,
    pub status: i32,
    pub body: String,
    pub etag: Option<String>,
    pub location: Option<String>,
}

impl Stored {
    /// 201 Created with `Location` and `ETag`.
    pub fn created<T: Serialize>(location: String, version: i64, body: &T) -> Result<Stored, ApiError> {
        Ok(Stored {
            request_hash: String::new(),
            status: 201,
            body: serde_json::to_string(body).map_err(|e| ApiError::Internal(e.to_string()))?,
            etag: Some(etag(version)),
            location: Some(location),
        })
    }

    /// 200 OK with a JSON body (for POST actions that create nothing addressable).
    pub fn ok<T: Serialize>(body: &T) -> Result<Stored, ApiError> {
        Ok(Stored {
            request_hash: String::new(),
            status: 200,
            body: serde_json::to_string(body).map_err(|e| ApiError::Internal(e.to_string()))?,
            etag: None,
            location: None,
        })
    }

    pub fn into_response(self, replayed: bool) -> HttpResponse {
        let status = StatusCode::from_u16(self.status as u16).unwrap_or(StatusCode::OK);
        let mut res = HttpResponse::build(status);
        res.content_type("application/json");
        if let Some(e) = self.etag {
            res.insert_header((header::ETAG, e));
        }
        if let Some(l) = self.location {
            res.insert_header((header::LOCATION, l));
        }
        if replayed {
            res.insert_header(("idempotent-replayed", "true"));
        }
        res.body(self.body)
    }
}

/// What identifies "the same request": method, path and the parsed body.
pub fn fingerprint<T: Serialize>(method: &str, path: &str, body: &T) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(serde_json::to_vec(body).unwrap_or_default());
    hex(&h.finalize())
}

fn lookup(conn: &mut DbConn, user: UserId, key: &str) -> QueryResult<Option<Stored>> {
    ik::table
        .filter(ik::user_id.eq(user))
        .filter(ik::idem_key.eq(key))
        .select((ik::request_hash, ik::response_status, ik::response_body, ik::response_etag, ik::response_location))
        .first(conn)
        .optional()
}

fn replay(stored: Stored, fingerprint: &str) -> Result<HttpResponse, ApiError> {
    if stored.request_hash != fingerprint {
        return Err(ApiError::refused(
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request; use a new key.",
        ));
    }
    Ok(stored.into_response(true))
}

/// Runs the creating write `f` once per key; without a key it simply runs it. `journal` (the
/// request's audit row) is appended in the same transaction.
pub async fn run<F>(
    db: &Db,
    journal: impl Journal,
    user: UserId,
    key: IdempotencyKey,
    fingerprint: String,
    f: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut DbConn) -> Result<Stored, ApiError> + Send + 'static,
{
    let Some(key) = key.0 else {
        return db.write_journaled(journal, f, |s: &Stored| s.location.clone()).await.map(|s| s.into_response(false));
    };
    let k = key.clone();
    if let Some(s) = db.read(move |c| Ok(lookup(c, user, &k)?)).await? {
        return replay(s, &fingerprint);
    }
    let (k, fp) = (key.clone(), fingerprint.clone());
    let result = db
        .write_journaled(
            journal,
            move |tx| {
                diesel::insert_into(ik::table)
                    .values((
                        ik::user_id.eq(user),
                        ik::idem_key.eq(&k),
                        ik::request_hash.eq(&fp),
                        ik::response_status.eq(0),
                        ik::response_body.eq(""),
                        ik::created_at.eq(now()),
                    ))
                    .execute(tx)?;
                let stored = f(tx)?;
                diesel::update(ik::table.filter(ik::user_id.eq(user)).filter(ik::idem_key.eq(&k)))
                    .set((
                        ik::response_status.eq(stored.status),
                        ik::response_body.eq(&stored.body),
                        ik::response_etag.eq(&stored.etag),
                        ik::response_location.eq(&stored.location),
                    ))
                    .execute(tx)?;
                Ok(stored)
            },
            |s: &Stored| s.location.clone(),
        )
        .await;
    match result {
        Ok(s) => Ok(s.into_response(false)),
        Err(e @ (ApiError::Conflict { .. } | ApiError::Unavailable { .. })) => {
            // A twin may have won the key while this one waited: answer as the twin did.
            let k = key.clone();
            match db.read(move |c| Ok(lookup(c, user, &k)?)).await? {
                Some(s) if s.status != 0 => replay(s, &fingerprint),
                _ => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}
