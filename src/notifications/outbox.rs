use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::templates;
use crate::db::ids::*;
use crate::db::schema::{message_languages as ml, notification_opt_outs as oo, outbox as o};
use crate::db::{now, DbConn};
use crate::error::ApiError;

crate::text_enum! {
    /// What a message is about.
    pub enum Kind {
        SessionReminder => "session_reminder",
        ExamReminder => "exam_reminder",
        FieldReportReminder => "field_report_reminder",
        GradingReminder => "grading_reminder",
        CohortEnding => "cohort_ending",
        InspectionOverdue => "inspection_overdue",
        Results => "results",
        UnitReport => "unit_report",
        NominationDecided => "nomination_decided",
    }
}

impl Kind {
    /// Reminders may be turned off by their recipient; results, unit reports and the school's
    /// decisions on a unit's list always go out.
    pub fn is_reminder(self) -> bool {
        !matches!(self, Kind::Results | Kind::UnitReport | Kind::NominationDecided)
    }
}

crate::text_enum! {
    /// `pending` until delivered (`sent`) or given up after the last attempt (`failed`).
    pub enum Delivery {
        Pending => "pending",
        Sent => "sent",
        Failed => "failed",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = o, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct OutboxRow {
    pub id: MessageId,
    pub dedupe_key: String,
    pub kind: Kind,
    pub user_id: Option<UserId>,
    pub institution_id: Option<InstitutionId>,
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attachment_name: Option<String>,
    pub attachment: Option<Vec<u8>>,
    pub status: Delivery,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A message to queue.
pub struct Message {
    /// Identifies the message for ever, e.g. `session-reminder:{session}:{learner}`.
    pub dedupe_key: String,
    pub kind: Kind,
    pub user_id: Option<UserId>,
    pub institution_id: Option<InstitutionId>,
    pub to: String,
    pub to_name: String,
    /// What the templates print (the recipient's name is added as `name`).
    pub context: serde_json::Value,
    pub attachment: Option<(String, Vec<u8>)>,
}

/// Whether `user` turned off `kind`.
pub fn opted_out(tx: &mut DbConn, user: UserId, kind: Kind) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(oo::table.filter(oo::user_id.eq(user)).filter(oo::kind.eq(kind.as_str()))))
        .get_result(tx)
}

/// Queues `m` unless a message with its dedupe key was ever queued or the recipient opted out
/// of its kind; `true` when queued. Runs in the caller's transaction.
pub fn enqueue(tx: &mut DbConn, m: Message) -> Result<bool, ApiError> {
    Ok(enqueue_many(tx, vec![m])? == 1)
}

/// Queues many messages at once (in batches), with the same rules as [`enqueue`]; returns how
/// many were queued.
pub fn enqueue_many(tx: &mut DbConn, messages: Vec<Message>) -> Result<usize, ApiError> {
    let users: Vec<UserId> = messages.iter().filter(|m| m.kind.is_reminder()).filter_map(|m| m.user_id).collect();
    let opted: std::collections::HashSet<(UserId, String)> = if users.is_empty() {
        Default::default()
    } else {
        oo::table.filter(oo::user_id.eq_any(users)).select((oo::user_id, oo::kind)).load(tx)?.into_iter().collect()
    };
    let addressed: Vec<UserId> = messages.iter().filter_map(|m| m.user_id).collect();
    let english: std::collections::HashSet<UserId> = if addressed.is_empty() {
        Default::default()
    } else {
        ml::table
            .filter(ml::user_id.eq_any(addressed))
            .filter(ml::language.eq("en"))
            .select(ml::user_id)
            .load::<UserId>(tx)?
            .into_iter()
            .collect()
    };
    let at = now();
    let mut rows = Vec::with_capacity(messages.len());
    for m in messages {
        if m.kind.is_reminder() && m.user_id.is_some_and(|u| opted.contains(&(u, m.kind.as_str().to_string()))) {
            continue;
        }
        let mut ctx = m.context;
        ctx["name"] = serde_json::Value::String(m.to_name.clone());
        let in_english = m.user_id.is_some_and(|u| english.contains(&u));
        let (subject, text, html) = templates::render(m.kind, in_english, &ctx)?;
        let (attachment_name, attachment) = match m.attachment {
            Some((n, b)) => (Some(n), Some(b)),
            None => (None, None),
        };
        rows.push(OutboxRow {
            id: MessageId::default(),
            dedupe_key: m.dedupe_key,
            kind: m.kind,
            user_id: m.user_id,
            institution_id: m.institution_id,
            recipient: m.to,
            recipient_name: m.to_name,
            subject,
            body_text: text,
            body_html: html,
            attachment_name,
            attachment,
            status: Delivery::Pending,
            attempts: 0,
            next_attempt_at: at,
            last_error: None,
            sent_at: None,
            created_at: at,
            updated_at: at,
        });
    }
    Ok(crate::insert_rows!(tx, o, rows, .on_conflict_do_nothing()))
}
