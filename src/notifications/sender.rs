//! Delivers due outbox messages over SMTP (lettre's pooled transport): sent messages are marked
//! sent; a failure is retried after an exponentially growing pause and marked failed, with its
//! error, after the last attempt. While the server is down nothing is lost: messages wait.
//! The `outbox` job runs this under its lease, so one replica delivers at a time; a crash
//! between the SMTP answer and the database update can repeat that one message.

use std::collections::BTreeMap;
use std::time::Duration;

use diesel::prelude::*;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{SmtpTransport, Transport};

use super::outbox::{Delivery, OutboxRow};
use crate::db::schema::outbox as o;
use crate::db::{now, write_tx, Db};
use crate::settings::MailSettings;

/// The pause before attempt `attempts + 1`.
pub fn backoff(mail: &MailSettings, attempts: i32) -> Duration {
    let exp = 2u64.saturating_pow(u32::try_from(attempts.max(1) - 1).unwrap_or(0).min(30));
    Duration::from_secs(mail.backoff_base_secs.saturating_mul(exp).min(mail.backoff_max_secs))
}

fn email(mail: &MailSettings, row: &OutboxRow) -> Result<lettre::Message, String> {
    let from: Mailbox = mail.from.parse().map_err(|e| format!("mail.from: {e}"))?;
    let to = Mailbox::new(
        Some(row.recipient_name.clone()),
        row.recipient.parse().map_err(|e| format!("recipient {:?}: {e}", row.recipient))?,
    );
    let body = MultiPart::alternative_plain_html(row.body_text.clone(), row.body_html.clone());
    let builder = lettre::Message::builder().from(from).to(to).subject(row.subject.clone());
    match (&row.attachment_name, &row.attachment) {
        (Some(name), Some(bytes)) => {
            let kind = ContentType::parse("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .map_err(|e| e.to_string())?;
            builder.multipart(
                MultiPart::mixed().multipart(body).singlepart(Attachment::new(name.clone()).body(bytes.clone(), kind)),
            )
        }
        _ => builder.multipart(body),
    }
    .map_err(|e| e.to_string())
}

/// Sends `rows` one after another on one connection, recording each outcome.
fn deliver(
    db: &Db,
    mail: &MailSettings,
    transport: &SmtpTransport,
    rows: Vec<OutboxRow>,
) -> Result<BTreeMap<String, i64>, String> {
    let mut counts = BTreeMap::new();
    let mut failures_in_a_row = 0;
    for row in rows {
        let result = email(mail, &row).and_then(|m| transport.send(&m).map(|_| ()).map_err(|e| e.to_string()));
        let at = now();
        let attempts = row.attempts + 1;
        let (status, next, error, sent_at) = match &result {
            Ok(()) => (Delivery::Sent, row.next_attempt_at, None, Some(at)),
            Err(e) if attempts >= mail.max_attempts => (Delivery::Failed, row.next_attempt_at, Some(e.clone()), None),
            Err(e) => {
                let pause = chrono::Duration::from_std(backoff(mail, attempts)).unwrap_or_default();
                (Delivery::Pending, at + pause, Some(e.clone()), None)
            }
        };
        let key = match status {
            Delivery::Sent => "sent",
            Delivery::Failed => "failed",
            Delivery::Pending => "retrying",
        };
        *counts.entry(key.into()).or_insert(0) += 1;
        // A connection only for the update, so that many senders share a small pool.
        let mut conn = db.conn().map_err(|e| e.to_string())?;
        write_tx(&mut conn, |tx| {
            diesel::update(o::table.find(row.id))
                .set((
                    o::status.eq(status),
                    o::attempts.eq(attempts),
                    o::next_attempt_at.eq(next),
                    o::last_error.eq(error.map(|e| e.chars().take(1000).collect::<String>())),
                    o::sent_at.eq(sent_at),
                    o::updated_at.eq(at),
                ))
                .execute(tx)
        })
        .map_err(|e| e.to_string())?;
        failures_in_a_row = if result.is_ok() { 0 } else { failures_in_a_row + 1 };
        // The server is down: leave the rest for the next run rather than time out on each.
        if failures_in_a_row >= 3 {
            break;
        }
    }
    Ok(counts)
}

/// Sends what is due now; counts of `sent`, `retrying`, `failed` and `waiting` (no SMTP server
/// configured).
pub fn deliver_due(db: &Db, mail: &MailSettings) -> Result<BTreeMap<String, i64>, String> {
    let mut counts = BTreeMap::new();
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let due: Vec<OutboxRow> = o::table
        .filter(o::status.eq(Delivery::Pending))
        .filter(o::next_attempt_at.le(now()))
        .order((o::next_attempt_at, o::id))
        .limit(mail.batch_size)
        .select(OutboxRow::as_select())
        .load(&mut *conn)
        .map_err(|e| e.to_string())?;
    if mail.smtp_url.is_empty() {
        counts.insert("waiting".into(), due.len() as i64);
        return Ok(counts);
    }
    drop(conn);
    let workers = mail.connections.max(1) as usize;
    let transport = SmtpTransport::from_url(&mail.smtp_url)
        .map_err(|e| format!("mail.smtp_url: {e}"))?
        .timeout(Some(Duration::from_secs(mail.timeout_secs)))
        .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(workers as u32))
        .build();
    // Several connections at once: one SMTP conversation spends most of its time waiting.
    let mut chunks: Vec<Vec<OutboxRow>> = vec![Vec::new(); workers];
    for (i, row) in due.into_iter().enumerate() {
        chunks[i % workers].push(row);
    }
    let results: Vec<Result<BTreeMap<String, i64>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .filter(|c| !c.is_empty())
            .map(|chunk| {
                let transport = transport.clone();
                scope.spawn(move || deliver(db, mail, &transport, chunk))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a delivery thread panicked".into()))).collect()
    });
    for r in results {
        for (k, v) in r? {
            *counts.entry(k).or_insert(0) += v;
        }
    }
    Ok(counts)
}
