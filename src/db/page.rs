//! Keyset pagination: `?limit=&cursor=` → `{items, next_cursor}`. The cursor is an opaque,
//! URL-safe encoding of the last row's sort key; pages never use OFFSET.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only tells that more exist.
    pub fn from_rows<R>(mut rows: Vec<R>, limit: i64, key: impl Fn(&R) -> String, map: impl FnMut(R) -> T) -> Page<T> {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more { rows.last().map(|r| encode(&key(r))) } else { None };
        Page { items: rows.into_iter().map(map).collect(), next_cursor }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}

pub fn encode(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

pub fn decode(cursor: &str) -> Option<String> {
    URL_SAFE_NO_PAD.decode(cursor.as_bytes()).ok().and_then(|b| String::from_utf8(b).ok())
}

/// A validated page request.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PageRequest {
    pub limit: i64,
    /// The decoded sort key of the last row already seen.
    pub after: Option<String>,
}
