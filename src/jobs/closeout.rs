//! The close-out of classes past their end date: lock the published grades, issue credentials to
//! graduates (signed by the institution's configured signer), tell every learner their result,
//! mark the class closed. One transaction per class, so a crash or kill at any point leaves each
//! class either untouched or wholly closed, and a rerun finishes the rest exactly as a clean run
//! would. `POST /cohorts/{id}/close` runs [`close_one`] for one class.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::reminders::{learner_contacts, today};
use super::{Counts, Ctx};
use crate::certificates::issue::{issue_for_cohort, Signer};
use crate::certificates::model::CertificateStatus;
use crate::cohorts::model::{Cohort, CohortStatus};
use crate::db::dialect::lock_keys;
use crate::db::ids::*;
use crate::db::schema::{certificates as c, cohorts as co, exams as ex};
use crate::db::{now, write_tx, DbConn};
use crate::error::ApiError;
use crate::exams::model::{Exam, ExamStatus, GradeStatus};
use crate::notifications::outbox::enqueue_many;
use crate::notifications::{Kind, Message};
use crate::settings::Settings;

/// What closing one class did.
#[derive(Debug, Default)]
pub struct Closed {
    pub exams_locked: usize,
    pub certificates: usize,
    pub messages: usize,
    /// Credentials were not issued: the institution has no signer set.
    pub waiting_for_signer: bool,
    /// Credentials wait for the graduation council's decision the program requires.
    pub waiting_for_decision: bool,
}

fn save(tx: &mut DbConn, row: &mut Cohort, to: CohortStatus) -> Result<(), ApiError> {
    let seen = row.version;
    row.status = to;
    row.version += 1;
    row.updated_at = now();
    crate::http::extract::saved(crate::cohorts::store::save(tx, row, seen)?, seen)
}

/// Closes class `id` (in progress or closing) in the caller's transaction.
pub fn close_one(
    tx: &mut DbConn,
    settings: &Settings,
    id: CohortId,
    actor: Option<UserId>,
    today: NaiveDate,
) -> Result<(Cohort, Closed), ApiError> {
    lock_keys(tx, &[format!("close-out:{id}")])?;
    let mut cohort = crate::cohorts::store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
    let mut done = Closed::default();
    match cohort.status {
        CohortStatus::InProgress => save(tx, &mut cohort, CohortStatus::Closing)?,
        CohortStatus::Closing => {}
        s => {
            let why =
                crate::cohorts::rules::transition(s, crate::cohorts::rules::Action::Close).err().unwrap_or_default();
            return Err(ApiError::conflict("invalid_transition", why));
        }
    }
    // Published grades become final.
    let at = now();
    let published: Vec<Exam> = ex::table
        .filter(ex::cohort_id.eq(id))
        .filter(ex::status.eq(ExamStatus::Published))
        .select(Exam::as_select())
        .load(tx)?;
    for exam in published {
        crate::exams::store::set_status(tx, exam.id, GradeStatus::Locked, at)?;
        if let Some(by) = actor {
            for (g, _) in crate::exams::store::grades(tx, exam.id)? {
                let state = crate::exams::model::GradeState::of(&g);
                crate::exams::store::add_change(
                    tx,
                    g.id,
                    &crate::exams::store::Typist::user(by),
                    at,
                    crate::exams::model::GradeChangeKind::Locked,
                    Some(&state),
                    Some(&state),
                    Some("close-out"),
                )?;
            }
        }
        let row = Exam {
            status: ExamStatus::Locked,
            locked_at: Some(at),
            version: exam.version + 1,
            updated_at: at,
            ..exam.clone()
        };
        crate::http::extract::saved(crate::exams::store::save(tx, &row, exam.version)?, exam.version)?;
        done.exams_locked += 1;
    }
    let results = crate::results::service::computed(tx, &cohort, settings.tz(), None)?;
    // Credentials for the graduates, if the institution says who signs them.
    let institution = crate::institutions::store::find(tx, cohort.institution_id)?.ok_or_else(ApiError::not_found)?;
    let program = crate::programs::store::get(tx, cohort.program_id)?;
    let decided = !program.rules.council_confirmation || crate::certificates::decision::find(tx, id)?.is_some();
    match (&institution.signer_name, &institution.signer_title) {
        _ if !decided => done.waiting_for_decision = true,
        (Some(name), Some(title)) => {
            let signer = Signer { name: name.clone(), title: title.clone(), issued_on: today };
            done.certificates =
                issue_for_cohort(tx, settings, &cohort, &signer, actor, Some(results.clone()))?.issued.len();
        }
        _ => done.waiting_for_signer = true,
    }
    // Every learner hears their result.
    let papers: HashMap<LearnerId, (String, String)> = c::table
        .filter(c::cohort_id.eq(id))
        .filter(c::status.eq(CertificateStatus::Valid))
        .select((c::learner_id, c::serial, c::verification_code))
        .load::<(LearnerId, String, String)>(tx)?
        .into_iter()
        .map(|(l, s, v)| (l, (s, v)))
        .collect();
    // The results as they stand at closing are kept: reports and transcripts read them.
    crate::results::snapshot::keep(tx, &cohort, &results)?;
    let ids: Vec<LearnerId> = results.iter().map(|r| r.learner_id).collect();
    let contacts: HashMap<LearnerId, _> = learner_contacts(tx, &ids)?.into_iter().collect();
    let mut messages = Vec::new();
    for r in &results {
        let Some(contact) = contacts.get(&r.learner_id) else { continue };
        let Some(to) = contact.email.clone() else { continue };
        let paper = papers.get(&r.learner_id);
        let context = json!({
            "cohort": format!("{} – {}", cohort.code, cohort.title),
            "outcome": r.result.outcome.name_vi(),
            "outcome_code": r.result.outcome.as_str(),
            "average": r.result.average.map(|a| format!("{a:.1}").replace('.', ",")),
            "classification": r.result.classification_name,
            "serial": paper.map(|p| p.0.clone()),
            "verify_url": paper.map(|p| crate::certificates::verify_url(settings, &p.1)),
            "reasons": Vec::<String>::new(),
        });
        messages.push(Message {
            dedupe_key: format!("results:{id}:{}", r.learner_id),
            kind: Kind::Results,
            user_id: contact.user_id,
            institution_id: Some(cohort.institution_id),
            to,
            to_name: contact.name.clone(),
            context,
            attachment: None,
        });
    }
    // Each sending unit with an address hears about its people, with the list attached.
    let units = crate::sending_units::report::build(tx, &cohort, &results)?;
    messages.extend(crate::sending_units::report::messages(&cohort, &units)?);
    done.messages = enqueue_many(tx, messages)?;
    save(tx, &mut cohort, CohortStatus::Closed)?;
    Ok((cohort, done))
}

/// Closes every class past its end date, one transaction each.
pub fn run(ctx: &Ctx) -> Result<Counts, ApiError> {
    let day = today(ctx);
    let mut conn = ctx.db.conn()?;
    let due: Vec<CohortId> = co::table
        .filter(co::status.eq_any([CohortStatus::InProgress, CohortStatus::Closing]))
        .filter(co::ends_on.lt(day))
        .order((co::ends_on, co::id))
        .select(co::id)
        .load(&mut *conn)?;
    let mut counts = Counts::new();
    counts.insert("due".into(), due.len() as i64);
    let pause = std::time::Duration::from_millis(ctx.settings.jobs.close_out_pause_ms);
    for id in due {
        let (_, done) = write_tx(&mut conn, |tx| close_one(tx, &ctx.settings, id, None, day))?;
        for (k, v) in [
            ("closed", 1),
            ("exams_locked", done.exams_locked),
            ("certificates", done.certificates),
            ("messages", done.messages),
            ("waiting_for_signer", usize::from(done.waiting_for_signer)),
            ("waiting_for_decision", usize::from(done.waiting_for_decision)),
        ] {
            *counts.entry(k.into()).or_default() += v as i64;
        }
        ctx.renew_lease()?;
        if !pause.is_zero() {
            std::thread::sleep(pause);
        }
    }
    // Classes closed by an older version get their whole results kept, a batch a night.
    for id in crate::results::snapshot::incomplete(&mut conn, 500)? {
        write_tx(&mut conn, |tx| crate::results::snapshot::refresh(tx, ctx.settings.tz(), id))?;
        *counts.entry("results_completed".into()).or_default() += 1;
        ctx.renew_lease()?;
    }
    Ok(counts)
}
