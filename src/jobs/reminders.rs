//! Reminders for tomorrow (local time): sessions, exams and field-study report deadlines to
//! learners and lecturers; overdue grading to graders; classes ending soon to administrators.
//! Each cause is one transaction; every message carries a dedupe key, so a rerun queues nothing
//! twice.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::{Counts, Ctx};
use crate::cohorts::model::{Cohort, CohortStatus, EnrollmentStatus};
use crate::db::ids::*;
use crate::db::schema::{
    cohorts as co, enrollments as en, exam_graders as eg, exams as ex, field_reports as fr, field_trips as ft,
    grades as g, learners as l, lecturers as le, program_modules as pm, sessions as s, users as u,
};
use crate::db::{write_tx, DbConn};
use crate::error::ApiError;
use crate::exams::model::{ExamStatus, Presence};
use crate::notifications::{enqueue, Kind, Message};
use crate::timetable::model::SessionStatus;

/// Tomorrow in `tz` as seen at `now`: the date and its start and end as UTC timestamps. A
/// session at 07:00 local is "tomorrow" at 20:00 local the day before, whatever the UTC date.
pub fn tomorrow(now: DateTime<Utc>, tz: chrono_tz::Tz) -> (NaiveDate, NaiveDateTime, NaiveDateTime) {
    let day = now.with_timezone(&tz).date_naive() + Duration::days(1);
    let start = |d: NaiveDate| crate::clock::local_midnight(tz, d);
    (day, start(day), start(day + Duration::days(1)))
}

pub fn today(ctx: &Ctx) -> NaiveDate {
    ctx.now.with_timezone(&ctx.settings.tz()).date_naive()
}

/// Someone to write to.
#[derive(Debug, Clone)]
pub struct Contact {
    pub user_id: Option<UserId>,
    pub name: String,
    /// The account's e-mail, else the one on the person's record.
    pub email: Option<String>,
}

fn account_emails(tx: &mut DbConn, users: Vec<UserId>) -> QueryResult<HashMap<UserId, String>> {
    Ok(u::table
        .filter(u::id.eq_any(users))
        .select((u::id, u::email))
        .load::<(UserId, String)>(tx)?
        .into_iter()
        .collect())
}

pub fn learner_contacts(tx: &mut DbConn, ids: &[LearnerId]) -> QueryResult<Vec<(LearnerId, Contact)>> {
    let rows: Vec<(LearnerId, String, Option<String>, Option<UserId>)> = l::table
        .filter(l::id.eq_any(ids))
        .order((l::sort_key, l::id))
        .select((l::id, l::full_name, l::email, l::user_id))
        .load(tx)?;
    let accounts = account_emails(tx, rows.iter().filter_map(|r| r.3).collect())?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email, user)| {
            let email = user.and_then(|x| accounts.get(&x).cloned()).or(email);
            (id, Contact { user_id: user, name, email })
        })
        .collect())
}

pub fn lecturer_contacts(tx: &mut DbConn, ids: &[LecturerId]) -> QueryResult<Vec<(LecturerId, Contact)>> {
    let rows: Vec<(LecturerId, String, Option<String>, Option<UserId>)> =
        le::table.filter(le::id.eq_any(ids)).select((le::id, le::full_name, le::email, le::user_id)).load(tx)?;
    let accounts = account_emails(tx, rows.iter().filter_map(|r| r.3).collect())?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email, user)| {
            let email = user.and_then(|x| accounts.get(&x).cloned()).or(email);
            (id, Contact { user_id: user, name, email })
        })
        .collect())
}

/// Learners enrolled in `cohort` on `day`.
pub fn enrolled_on(tx: &mut DbConn, cohort: CohortId, day: NaiveDate) -> QueryResult<Vec<LearnerId>> {
    en::table
        .filter(en::cohort_id.eq(cohort))
        .filter(en::status.eq(EnrollmentStatus::Enrolled))
        .filter(en::enrolled_on.le(day))
        .select(en::learner_id)
        .load(tx)
}

/// Queues one message to `c` if they have an address; counts what happened.
pub fn send(
    tx: &mut DbConn,
    counts: &mut Counts,
    c: &Contact,
    key: String,
    kind: Kind,
    institution: InstitutionId,
    context: serde_json::Value,
) -> Result<(), ApiError> {
    let Some(to) = c.email.clone() else {
        *counts.entry("no_address".into()).or_default() += 1;
        return Ok(());
    };
    let m = Message {
        dedupe_key: key,
        kind,
        user_id: c.user_id,
        institution_id: Some(institution),
        to,
        to_name: c.name.clone(),
        context,
        attachment: None,
    };
    let queued = enqueue(tx, m)?;
    *counts.entry(if queued { "queued" } else { "already_queued_or_opted_out" }.into()).or_default() += 1;
    Ok(())
}

/// Queues one message of `kind` to each of `people`, keyed by `key(id)`.
fn send_each<K>(
    tx: &mut DbConn,
    counts: &mut Counts,
    people: Vec<(K, Contact)>,
    key: impl Fn(&K) -> String,
    kind: Kind,
    institution: InstitutionId,
    context: &serde_json::Value,
) -> Result<(), ApiError> {
    for (id, c) in people {
        send(tx, counts, &c, key(&id), kind, institution, context.clone())?;
    }
    Ok(())
}

fn label(c: &Cohort) -> String {
    format!("{} – {}", c.code, c.title)
}

/// The class, if it is still planned or running (reminders are for those only).
fn live_cohort(tx: &mut DbConn, id: CohortId) -> QueryResult<Option<Cohort>> {
    Ok(crate::cohorts::store::find(tx, id)?
        .filter(|c| matches!(c.status, CohortStatus::Planned | CohortStatus::Enrolling | CohortStatus::InProgress)))
}

fn local(ctx: &Ctx, t: NaiveDateTime) -> DateTime<chrono_tz::Tz> {
    t.and_utc().with_timezone(&ctx.settings.tz())
}

/// Tomorrow's sessions: each enrolled learner and the lecturer.
pub fn sessions(ctx: &Ctx) -> Result<Counts, ApiError> {
    let (day, from, to) = tomorrow(ctx.now, ctx.settings.tz());
    let mut conn = ctx.db.conn()?;
    type Row = (SessionId, CohortId, ModuleId, LecturerId, NaiveDateTime, NaiveDateTime, String);
    let rows: Vec<Row> = s::table
        .filter(s::starts_at.ge(from))
        .filter(s::starts_at.lt(to))
        .filter(s::status.eq(SessionStatus::Scheduled))
        .order((s::starts_at, s::id))
        .select((s::id, s::cohort_id, s::module_id, s::lecturer_id, s::starts_at, s::ends_at, s::place))
        .load(&mut *conn)?;
    let mut counts = Counts::new();
    counts.insert("sessions".into(), rows.len() as i64);
    for (sid, cid, mid, lid, starts, ends, place) in rows {
        write_tx(&mut conn, |tx| {
            let Some(cohort) = live_cohort(tx, cid)? else { return Ok(()) };
            let module: String = pm::table.find(mid).select(pm::title).first(tx)?;
            let ctx_json = json!({"cohort": label(&cohort), "module": module, "place": place,
                "starts": local(ctx, starts).format("%H:%M ngày %d/%m/%Y").to_string(),
                "ends": local(ctx, ends).format("%H:%M").to_string()});
            let learners = enrolled_on(tx, cid, day)?;
            let (kind, inst) = (Kind::SessionReminder, cohort.institution_id);
            let people = learner_contacts(tx, &learners)?;
            send_each(
                tx,
                &mut counts,
                people,
                |id| format!("session-reminder:{sid}:{day}:{id}"),
                kind,
                inst,
                &ctx_json,
            )?;
            let people = lecturer_contacts(tx, &[lid])?;
            let key = |id: &LecturerId| format!("session-reminder:{sid}:{day}:lecturer:{id}");
            send_each(tx, &mut counts, people, key, kind, inst, &ctx_json)?;
            Ok::<_, ApiError>(())
        })?;
    }
    Ok(counts)
}

/// Tomorrow's exams: the class's learners and the graders.
pub fn exams(ctx: &Ctx) -> Result<Counts, ApiError> {
    let (day, ..) = tomorrow(ctx.now, ctx.settings.tz());
    let mut conn = ctx.db.conn()?;
    let rows: Vec<(ExamId, CohortId, String, Option<String>)> = ex::table
        .filter(ex::held_on.eq(day))
        .filter(ex::status.eq_any([ExamStatus::Planned, ExamStatus::Sealed]))
        .order(ex::id)
        .select((ex::id, ex::cohort_id, ex::title, ex::place))
        .load(&mut *conn)?;
    let mut counts = Counts::new();
    counts.insert("exams".into(), rows.len() as i64);
    for (xid, cid, title, place) in rows {
        write_tx(&mut conn, |tx| {
            let Some(cohort) = live_cohort(tx, cid)? else { return Ok(()) };
            let ctx_json = json!({"cohort": label(&cohort), "exam": title, "date": day.format("%d/%m/%Y").to_string(),
                "place": place.unwrap_or_else(|| "theo thông báo của lớp".into())});
            let learners = enrolled_on(tx, cid, day)?;
            let (kind, inst) = (Kind::ExamReminder, cohort.institution_id);
            let people = learner_contacts(tx, &learners)?;
            send_each(tx, &mut counts, people, |id| format!("exam-reminder:{xid}:{day}:{id}"), kind, inst, &ctx_json)?;
            let graders: Vec<LecturerId> = eg::table.filter(eg::exam_id.eq(xid)).select(eg::lecturer_id).load(tx)?;
            let people = lecturer_contacts(tx, &graders)?;
            let key = |id: &LecturerId| format!("exam-reminder:{xid}:{day}:lecturer:{id}");
            send_each(tx, &mut counts, people, key, kind, inst, &ctx_json)?;
            Ok::<_, ApiError>(())
        })?;
    }
    Ok(counts)
}

/// Field-study reports due tomorrow: learners who have not submitted.
pub fn field_reports(ctx: &Ctx) -> Result<Counts, ApiError> {
    let (day, ..) = tomorrow(ctx.now, ctx.settings.tz());
    let mut conn = ctx.db.conn()?;
    let trips: Vec<(FieldTripId, CohortId, String)> = ft::table
        .filter(ft::report_due_on.eq(day))
        .order(ft::id)
        .select((ft::id, ft::cohort_id, ft::destination))
        .load(&mut *conn)?;
    let mut counts = Counts::new();
    counts.insert("field_trips".into(), trips.len() as i64);
    for (tid, cid, destination) in trips {
        write_tx(&mut conn, |tx| {
            let Some(cohort) = live_cohort(tx, cid)? else { return Ok(()) };
            let submitted: Vec<LearnerId> = fr::table
                .filter(fr::field_trip_id.eq(tid))
                .filter(fr::submitted_at.is_not_null())
                .select(fr::learner_id)
                .load(tx)?;
            let learners: Vec<LearnerId> =
                enrolled_on(tx, cid, day)?.into_iter().filter(|x| !submitted.contains(x)).collect();
            let ctx_json = json!({"cohort": label(&cohort), "destination": destination, "deadline": day.format("%d/%m/%Y").to_string()});
            let people = learner_contacts(tx, &learners)?;
            let key = |id: &LearnerId| format!("field-report-reminder:{tid}:{day}:{id}");
            send_each(tx, &mut counts, people, key, Kind::FieldReportReminder, cohort.institution_id, &ctx_json)?;
            Ok::<_, ApiError>(())
        })?;
    }
    Ok(counts)
}

/// Sealed exams past their grading deadline with scripts unmarked: each grader, once a day.
pub fn grading(ctx: &Ctx) -> Result<Counts, ApiError> {
    let day = today(ctx);
    let mut conn = ctx.db.conn()?;
    let rows: Vec<(ExamId, CohortId, String, NaiveDate)> = ex::table
        .filter(ex::status.eq(ExamStatus::Sealed))
        .filter(ex::grading_deadline.lt(day))
        .order(ex::id)
        .select((ex::id, ex::cohort_id, ex::title, ex::grading_deadline))
        .load(&mut *conn)?;
    let mut counts = Counts::new();
    for (xid, cid, title, deadline) in rows {
        write_tx(&mut conn, |tx| {
            let missing: i64 = g::table
                .filter(g::exam_id.eq(xid))
                .filter(g::presence.eq(Presence::Sat))
                .filter(g::value_tenths.is_null())
                .count()
                .get_result(tx)?;
            if missing == 0 {
                return Ok(());
            }
            *counts.entry("overdue_exams".into()).or_default() += 1;
            let Some(cohort) = crate::cohorts::store::find(tx, cid)? else { return Ok(()) };
            let ctx_json = json!({"cohort": label(&cohort), "exam": title, "deadline": deadline.format("%d/%m/%Y").to_string(), "missing": missing});
            let graders: Vec<LecturerId> = eg::table.filter(eg::exam_id.eq(xid)).select(eg::lecturer_id).load(tx)?;
            let people = lecturer_contacts(tx, &graders)?;
            let key = |id: &LecturerId| format!("grading-reminder:{xid}:{day}:{id}");
            send_each(tx, &mut counts, people, key, Kind::GradingReminder, cohort.institution_id, &ctx_json)?;
            Ok::<_, ApiError>(())
        })?;
    }
    Ok(counts)
}

/// Classes ending within `jobs.cohorts_ending_days`: the administrators of their institution.
pub fn cohorts_ending(ctx: &Ctx) -> Result<Counts, ApiError> {
    let day = today(ctx);
    let until = day + Duration::days(i64::from(ctx.settings.jobs.cohorts_ending_days));
    let mut conn = ctx.db.conn()?;
    let rows: Vec<Cohort> = co::table
        .filter(co::status.eq(CohortStatus::InProgress))
        .filter(co::ends_on.ge(day))
        .filter(co::ends_on.le(until))
        .order(co::id)
        .select(Cohort::as_select())
        .load(&mut *conn)?;
    let mut counts = Counts::new();
    counts.insert("cohorts".into(), rows.len() as i64);
    for cohort in rows {
        write_tx(&mut conn, |tx| {
            let admins: Vec<(UserId, String, String)> = u::table
                .filter(u::institution_id.eq(cohort.institution_id))
                .filter(u::role.eq(crate::auth::Role::InstitutionAdmin))
                .filter(u::status.eq(crate::users::model::UserStatus::Active))
                .select((u::id, u::full_name, u::email))
                .load(tx)?;
            let ctx_json = json!({"cohort": label(&cohort), "ends_on": cohort.ends_on.format("%d/%m/%Y").to_string()});
            for (id, name, email) in admins {
                let c = Contact { user_id: Some(id), name, email: Some(email) };
                let key = format!("cohort-ending:{}:{}:{id}", cohort.id, cohort.ends_on);
                send(tx, &mut counts, &c, key, Kind::CohortEnding, cohort.institution_id, ctx_json.clone())?;
            }
            Ok::<_, ApiError>(())
        })?;
    }
    Ok(counts)
}

/// Recommendations of inspections still open after their due day: the administrators of the
/// inspected institution, again every `jobs.inspections_remind_every_days` while open. Each
/// inspection is one transaction that queues the messages and notes the day reminded.
pub fn inspections_overdue(ctx: &Ctx) -> Result<Counts, ApiError> {
    let day = today(ctx);
    let every = i64::from(ctx.settings.jobs.inspections_remind_every_days.max(1));
    let mut conn = ctx.db.conn()?;
    let rows = crate::inspections::store::with_recommendations(&mut conn, day)?;
    let mut counts = Counts::new();
    for ins in rows {
        let due = crate::inspections::rules::overdue(&ins.recommendations.0, day, every);
        if due.is_empty() {
            continue;
        }
        *counts.entry("recommendations".into()).or_default() += due.len() as i64;
        write_tx(&mut conn, |tx| {
            let admins: Vec<(UserId, String, String)> = u::table
                .filter(u::institution_id.eq(ins.institution_id))
                .filter(u::role.eq(crate::auth::Role::InstitutionAdmin))
                .filter(u::status.eq(crate::users::model::UserStatus::Active))
                .select((u::id, u::full_name, u::email))
                .load(tx)?;
            let mut row = ins.clone();
            for &n in &due {
                row.recommendations.0[n].reminded_on = Some(day);
            }
            row.version = ins.version + 1;
            row.updated_at = crate::db::now();
            if !crate::inspections::store::save(tx, &row, ins.version)? {
                // Changed meanwhile (answered, perhaps): the next run looks again.
                return Ok(());
            }
            for &n in &due {
                let r = &ins.recommendations.0[n];
                let ctx_json = json!({"inspection": ins.title, "held_on": ins.held_on.format("%d/%m/%Y").to_string(),
                    "number": n + 1, "text": r.text, "due_on": r.due_on.format("%d/%m/%Y").to_string()});
                for (id, name, email) in &admins {
                    let c = Contact { user_id: Some(*id), name: name.clone(), email: Some(email.clone()) };
                    let key = format!("inspection-overdue:{}:{}:{day}:{id}", ins.id, n + 1);
                    send(tx, &mut counts, &c, key, Kind::InspectionOverdue, ins.institution_id, ctx_json.clone())?;
                }
            }
            Ok::<_, ApiError>(())
        })?;
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn tomorrow_follows_the_local_calendar() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        // 20:00 local on 1 December is 13:00 UTC.
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 13, 0, 0).unwrap();
        let (day, from, to) = tomorrow(now, tz);
        assert_eq!(day, NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        // 2 December 00:00 local = 1 December 17:00 UTC.
        assert_eq!(from, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(17, 0, 0).unwrap());
        assert_eq!(to, NaiveDate::from_ymd_opt(2026, 12, 2).unwrap().and_hms_opt(17, 0, 0).unwrap());
        // A session at 07:00 local on 2 December (00:00 UTC) is tomorrow…
        let seven = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert!(from <= seven && seven < to);
        // …and so is one at 06:30 local, which is still 1 December in UTC, like "now".
        let early = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(23, 30, 0).unwrap();
        assert!(from <= early && early < to);
        // One at 23:30 local on 1 December (16:30 UTC) is today, not tomorrow.
        let tonight = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(16, 30, 0).unwrap();
        assert!(tonight < from);
        // Just after midnight local (17:05 UTC on 1 December) tomorrow is already 3 December.
        let (day, ..) = tomorrow(Utc.with_ymd_and_hms(2026, 12, 1, 17, 5, 0).unwrap(), tz);
        assert_eq!(day, NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
    }
}
