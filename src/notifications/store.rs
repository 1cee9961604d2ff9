//! Queries over the outbox and each account's message preferences.

use diesel::prelude::*;

use super::http::{Language, NotificationFilter};
use super::outbox::{Delivery, Kind, OutboxRow};
use crate::auth::Scope;
use crate::db::ids::*;
use crate::db::page::PageRequest;
use crate::db::schema::{message_languages as ml, notification_opt_outs as oo, outbox as o};
use crate::db::{now, DbConn};
use crate::error::ApiError;

/// Messages newest first, of one account (`user`, or the filter's) and within a scope when
/// given, one more than the page to tell whether another follows.
pub fn list(
    c: &mut DbConn,
    user: Option<UserId>,
    scope: Option<&Scope>,
    q: &NotificationFilter,
    page: &PageRequest,
) -> Result<Vec<OutboxRow>, ApiError> {
    let mut qq = o::table.select(OutboxRow::as_select()).into_boxed();
    if let Some(u) = user.or(q.user_id) {
        qq = qq.filter(o::user_id.eq(u));
    }
    if let Some(scope) = scope {
        qq = crate::within_scope!(qq, scope, o::institution_id);
    }
    if let Some(s) = q.status {
        qq = qq.filter(o::status.eq(s));
    }
    if let Some(k) = q.kind {
        qq = qq.filter(o::kind.eq(k));
    }
    if let Some(after) = &page.after {
        qq = qq.filter(o::id.lt(after.clone()));
    }
    Ok(qq.order(o::id.desc()).limit(page.limit + 1).load(c)?)
}

pub fn find(c: &mut DbConn, id: MessageId) -> QueryResult<Option<OutboxRow>> {
    o::table.find(id).select(OutboxRow::as_select()).first(c).optional()
}

/// Puts a message back in the queue with its attempts reset, to go out with the next delivery.
pub fn requeue(c: &mut DbConn, row: OutboxRow) -> QueryResult<OutboxRow> {
    let at = now();
    diesel::update(o::table.find(row.id))
        .set((o::status.eq(Delivery::Pending), o::attempts.eq(0), o::next_attempt_at.eq(at), o::updated_at.eq(at)))
        .execute(c)?;
    Ok(OutboxRow { status: Delivery::Pending, attempts: 0, next_attempt_at: at, updated_at: at, ..row })
}

/// The language of an account's messages: Vietnamese unless English was chosen.
pub fn language_of(c: &mut DbConn, user: UserId) -> QueryResult<Language> {
    let l: Option<String> = ml::table.find(user).select(ml::language).first(c).optional()?;
    Ok(if l.as_deref() == Some("en") { Language::En } else { Language::Vi })
}

/// The reminder kinds an account turned off, by name.
pub fn opt_outs(c: &mut DbConn, user: UserId) -> QueryResult<Vec<String>> {
    oo::table.filter(oo::user_id.eq(user)).select(oo::kind).order(oo::kind).load(c)
}

/// Replaces the account's turned-off kinds, and sets its language when one is given.
pub fn set_preferences(c: &mut DbConn, user: UserId, kinds: &[Kind], language: Option<Language>) -> QueryResult<()> {
    diesel::delete(oo::table.filter(oo::user_id.eq(user))).execute(c)?;
    for k in kinds {
        diesel::insert_into(oo::table).values((oo::user_id.eq(user), oo::kind.eq(k.as_str()))).execute(c)?;
    }
    if let Some(l) = language {
        diesel::delete(ml::table.find(user)).execute(c)?;
        if l == Language::En {
            diesel::insert_into(ml::table).values((ml::user_id.eq(user), ml::language.eq("en"))).execute(c)?;
        }
    }
    Ok(())
}
