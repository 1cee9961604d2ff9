//! Issuing, revoking and reissuing credentials, each in the caller's transaction. The close-out
//! and the HTTP handlers run this same code.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::facts::{self, Facts};
use super::keys;
use super::model::*;
use super::numbering::next_number;
use crate::cohorts::model::{Cohort, CohortStatus, Mode};
use crate::db::dialect::lock_keys;
use crate::db::ids::*;
use crate::db::schema::{certificates as c, learners as l, register_entries as re};
use crate::db::{now, DbConn};
use crate::error::ApiError;
use crate::programs::model::{Credential, Level};
use crate::results::rules::Outcome;
use crate::settings::Settings;
use chrono::Datelike;

/// Who signs the papers and on which date.
#[derive(Debug, Clone)]
pub struct Signer {
    pub name: String,
    pub title: String,
    pub issued_on: NaiveDate,
}

/// What an issuing run did.
#[derive(Debug, Default)]
pub struct Issued {
    /// Newly issued, in numbering order.
    pub issued: Vec<Certificate>,
    /// Graduates who already had one.
    pub already: usize,
    /// Enrolled learners who have not graduated.
    pub not_graduated: usize,
}

pub fn kind_name(k: Credential) -> &'static str {
    match k {
        Credential::Certificate => "Giấy chứng nhận",
        Credential::Diploma => "Bằng tốt nghiệp",
    }
}

pub fn level_name(l: Level) -> &'static str {
    match l {
        Level::Refresher => "Bồi dưỡng",
        Level::Elementary => "Sơ cấp",
        Level::Intermediate => "Trung cấp",
        Level::Advanced => "Cao cấp",
    }
}

pub fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::FullTime => "Tập trung",
        Mode::InService => "Không tập trung",
    }
}

/// An unguessable code for the public verification URL: 20 characters of Crockford base32
/// (100 random bits), unrelated to the serial.
pub fn verification_code() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bytes: [u8; 20] = rand::random();
    bytes.iter().map(|b| ALPHABET[usize::from(b & 31)] as char).collect()
}

/// Issues a credential to every graduate of `cohort` who has none. Serialised per class and
/// backed by a unique index on first issues, so repeats and concurrent calls issue each one once.
pub fn issue_for_cohort(
    tx: &mut DbConn,
    settings: &Settings,
    cohort: &Cohort,
    signer: &Signer,
    actor: Option<UserId>,
    results: Option<Vec<crate::results::service::LearnerResult>>,
) -> Result<Issued, ApiError> {
    lock_keys(tx, &[format!("certificates:{}", cohort.id)])?;
    if !matches!(cohort.status, CohortStatus::Closing | CohortStatus::Closed) {
        return Err(ApiError::conflict(
            "cohort_not_closed",
            format!("The class is {}; credentials are issued once it is closing or closed.", cohort.status),
        ));
    }
    let program = crate::programs::store::get(tx, cohort.program_id)?;
    let results = match results {
        Some(r) => r,
        None => crate::results::service::for_cohort(tx, cohort, settings.tz(), None)?,
    };
    let have: HashSet<LearnerId> = c::table
        .filter(c::cohort_id.eq(cohort.id))
        .filter(c::replaces_id.is_null())
        .select(c::learner_id)
        .load(tx)?
        .into_iter()
        .collect();
    // The council's decision, required when the program says so, may override results.
    let decision = super::decision::find(tx, cohort.id)?;
    if program.rules.council_confirmation && decision.is_none() {
        return Err(ApiError::refused(
            "graduation_decision_required",
            "The program needs the graduation council's decision before credentials are issued.",
        ));
    }
    let ruling: HashMap<LearnerId, super::decision::Ruling> =
        decision.iter().flat_map(|d| d.overrides.iter().map(|o| (o.learner_id, o.outcome))).collect();
    let mut out = Issued::default();
    let mut todo = Vec::new();
    for r in results {
        let graduated = match ruling.get(&r.learner_id) {
            Some(super::decision::Ruling::Graduated) => true,
            Some(super::decision::Ruling::Failed) => false,
            None => r.result.outcome == Outcome::Graduated,
        };
        if !graduated {
            out.not_graduated += 1;
        } else if have.contains(&r.learner_id) {
            out.already += 1;
        } else {
            todo.push(r);
        }
    }
    if todo.is_empty() {
        return Ok(out);
    }
    let ids: Vec<LearnerId> = todo.iter().map(|r| r.learner_id).collect();
    let people: HashMap<LearnerId, (String, NaiveDate, String)> = l::table
        .filter(l::id.eq_any(&ids))
        .select((l::id, l::full_name, l::date_of_birth, l::sort_key))
        .load::<(LearnerId, String, NaiveDate, String)>(tx)?
        .into_iter()
        .map(|(id, name, dob, key)| (id, (name, dob, key)))
        .collect();
    // Numbers follow the class list: Vietnamese order of given name, then family name.
    todo.sort_by(|a, b| {
        let key = |id: &LearnerId| people.get(id).map(|p| p.2.as_str()).unwrap_or("");
        key(&a.learner_id).cmp(key(&b.learner_id)).then(a.learner_id.cmp(&b.learner_id))
    });
    let issuer = crate::institutions::store::find(tx, cohort.institution_id)?.ok_or_else(ApiError::not_found)?;
    let key = keys::active(tx, issuer.id)?;
    // One block of numbers for the class, then every credential and register line in batches.
    let year = signer.issued_on.year();
    let mut number = super::numbering::reserve(tx, issuer.id, year, todo.len() as i32)?;
    // The key's lock, taken above, keeps the issuer's status-list entries in one sequence.
    let mut status = super::store::next_status_index(tx, issuer.id)?;
    let mut entries = Vec::new();
    for r in todo {
        let Some((holder, dob, _)) = people.get(&r.learner_id).cloned() else { continue };
        let draft = Facts {
            classification: r.result.classification_name.clone(),
            cohort: format!("{} – {}", cohort.code, cohort.title),
            date_of_birth: dob,
            ends_on: cohort.ends_on,
            holder,
            issued_on: signer.issued_on,
            issuer: issuer.name.clone(),
            kind: kind_name(program.credential).into(),
            level: level_name(program.level).into(),
            mode: mode_name(cohort.mode).into(),
            program: program.title.clone(),
            register_no: String::new(),
            serial: String::new(),
            signer_name: signer.name.clone(),
            signer_title: signer.title.clone(),
            starts_on: cohort.starts_on,
        };
        let mut cert =
            signed(settings, &issuer, &key, cohort, r.learner_id, program.credential, draft, number, None, actor)?;
        cert.status_index = Some(status);
        (number, status) = (number + 1, status + 1);
        entries.push(entry(&cert, &holder_of(&cert), RegisterEvent::Issued, None, None, actor));
        out.issued.push(cert);
    }
    crate::insert_rows!(tx, c, out.issued);
    crate::insert_rows!(tx, re, entries);
    Ok(out)
}

/// `draft` numbered `number` and signed, as a new credential row (not yet stored).
#[allow(clippy::too_many_arguments)]
fn signed(
    settings: &Settings,
    issuer: &crate::institutions::model::Institution,
    key: &SigningKey,
    cohort: &Cohort,
    learner: LearnerId,
    kind: Credential,
    mut draft: Facts,
    number: i32,
    replaces: Option<&Certificate>,
    actor: Option<UserId>,
) -> Result<Certificate, ApiError> {
    let year = draft.issued_on.year();
    let cfg = &settings.certificates;
    let code = match kind {
        Credential::Certificate => cfg.certificate_code.as_str(),
        Credential::Diploma => cfg.diploma_code.as_str(),
    };
    draft.serial = cfg.serial_pattern.render(code, year, number, &issuer.code);
    draft.register_no = cfg.register_pattern.render(code, year, number, &issuer.code);
    let text = draft.canonical();
    let signature = facts::sign(&key.secret_key, &text)
        .ok_or_else(|| ApiError::Internal(format!("signing key {} is unreadable", key.id)))?;
    let at = now();
    Ok(Certificate {
        id: CertificateId::default(),
        institution_id: issuer.id,
        issuer_id: issuer.id,
        cohort_id: cohort.id,
        learner_id: learner,
        kind,
        status: CertificateStatus::Valid,
        year,
        number,
        serial: draft.serial.clone(),
        register_no: draft.register_no.clone(),
        verification_code: verification_code(),
        facts: text,
        key_id: key.id,
        signature,
        replaces_id: replaces.map(|x| x.id),
        replaced_by_id: None,
        issued_at: at,
        issued_by: actor,
        revoked_at: None,
        revoke_reason: None,
        version: 1,
        created_at: at,
        updated_at: at,
        status_index: None,
    })
}

/// Gives `draft` the institution's next number, signs it and stores it with its register entry.
#[allow(clippy::too_many_arguments)]
fn number_and_sign(
    tx: &mut DbConn,
    settings: &Settings,
    issuer: &crate::institutions::model::Institution,
    key: &SigningKey,
    cohort: &Cohort,
    learner: LearnerId,
    kind: Credential,
    draft: Facts,
    replaces: Option<&Certificate>,
    actor: Option<UserId>,
) -> Result<Certificate, ApiError> {
    let number = next_number(tx, issuer.id, draft.issued_on.year())?;
    let holder = draft.holder.clone();
    let mut cert = signed(settings, issuer, key, cohort, learner, kind, draft, number, replaces, actor)?;
    cert.status_index = Some(super::store::next_status_index(tx, issuer.id)?);
    diesel::insert_into(c::table).values(&cert).execute(tx)?;
    let event = if replaces.is_some() { RegisterEvent::Reissued } else { RegisterEvent::Issued };
    diesel::insert_into(re::table)
        .values(&entry(&cert, &holder, event, replaces.map(|x| x.id), None, actor))
        .execute(tx)?;
    Ok(cert)
}

/// One line of the register book about `cert`.
fn entry(
    cert: &Certificate,
    holder: &str,
    event: RegisterEvent,
    related: Option<CertificateId>,
    reason: Option<String>,
    actor: Option<UserId>,
) -> RegisterEntry {
    RegisterEntry {
        id: RegisterEntryId::default(),
        certificate_id: cert.id,
        institution_id: cert.institution_id,
        cohort_id: cert.cohort_id,
        event,
        serial: cert.serial.clone(),
        register_no: cert.register_no.clone(),
        holder: holder.to_string(),
        related_id: related,
        reason,
        at: now(),
        actor_id: actor,
    }
}

/// Appends one line to the register book.
pub fn append(
    tx: &mut DbConn,
    cert: &Certificate,
    holder: &str,
    event: RegisterEvent,
    related: Option<CertificateId>,
    reason: Option<String>,
    actor: Option<UserId>,
) -> QueryResult<()> {
    diesel::insert_into(re::table).values(&entry(cert, holder, event, related, reason, actor)).execute(tx)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: CertificateId) -> QueryResult<Option<Certificate>> {
    c::table.find(id).select(Certificate::as_select()).first(conn).optional()
}

pub fn by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Certificate>> {
    c::table.filter(c::verification_code.eq(code)).select(Certificate::as_select()).first(conn).optional()
}

fn holder_of(cert: &Certificate) -> String {
    Facts::parse(&cert.facts).map(|f| f.holder).unwrap_or_default()
}

fn must_be_valid(cert: &Certificate) -> Result<(), ApiError> {
    match cert.status {
        CertificateStatus::Valid => Ok(()),
        CertificateStatus::Revoked => {
            Err(ApiError::conflict("certificate_revoked", "The credential has been revoked."))
        }
        CertificateStatus::Replaced => {
            Err(ApiError::conflict("certificate_replaced", "The credential has been replaced by a reissue."))
        }
    }
}

/// Revokes a valid credential; the record stays and verification says so.
pub fn revoke(tx: &mut DbConn, cert: &Certificate, reason: &str, actor: UserId) -> Result<Certificate, ApiError> {
    must_be_valid(cert)?;
    let at = now();
    let mut row = cert.clone();
    row.status = CertificateStatus::Revoked;
    row.revoked_at = Some(at);
    row.revoke_reason = Some(reason.to_string());
    row.version += 1;
    row.updated_at = at;
    let n = diesel::update(c::table.find(cert.id).filter(c::version.eq(cert.version))).set(&row).execute(tx)?;
    crate::http::extract::saved(n == 1, cert.version)?;
    append(tx, &row, &holder_of(cert), RegisterEvent::Revoked, None, Some(reason.to_string()), Some(actor))?;
    Ok(row)
}

/// What a reissue produced.
pub enum Reissued {
    /// A new credential with a new number, replacing the old one.
    New(Certificate),
    /// A certified copy from the register: the same credential, logged.
    Copy(Certificate),
}

/// Reissues a valid credential. A lost paper gets a certified copy (same number) unless the
/// setting says reissue; damage and corrections get a new number pointing at the old one. A
/// correction takes the holder's name and date of birth as the learner record has them now.
pub fn reissue(
    tx: &mut DbConn,
    settings: &Settings,
    cert: &Certificate,
    cause: ReissueCause,
    reason: &str,
    today: NaiveDate,
    actor: UserId,
) -> Result<Reissued, ApiError> {
    must_be_valid(cert)?;
    let old = Facts::parse(&cert.facts).ok_or_else(|| ApiError::Internal("stored facts unreadable".into()))?;
    if cause == ReissueCause::Lost && settings.certificates.lost_paper == crate::settings::LostPaper::Copy {
        append(tx, cert, &old.holder, RegisterEvent::CopyIssued, None, Some(reason.to_string()), Some(actor))?;
        return Ok(Reissued::Copy(cert.clone()));
    }
    let cohort = crate::cohorts::store::find(tx, cert.cohort_id)?.ok_or_else(ApiError::not_found)?;
    let issuer = crate::institutions::store::find(tx, cert.issuer_id)?.ok_or_else(ApiError::not_found)?;
    let mut draft = Facts { issued_on: today, ..old.clone() };
    if cause == ReissueCause::Correction {
        let learner = crate::people::store::find_learner(tx, cert.learner_id)?.ok_or_else(ApiError::not_found)?;
        draft.holder = learner.full_name;
        draft.date_of_birth = learner.date_of_birth;
    }
    let key = keys::active(tx, issuer.id)?;
    let new = number_and_sign(
        tx,
        settings,
        &issuer,
        &key,
        &cohort,
        cert.learner_id,
        cert.kind,
        draft,
        Some(cert),
        Some(actor),
    )?;
    let at = now();
    let mut row = cert.clone();
    row.status = CertificateStatus::Replaced;
    row.replaced_by_id = Some(new.id);
    row.version += 1;
    row.updated_at = at;
    let n = diesel::update(c::table.find(cert.id).filter(c::version.eq(cert.version))).set(&row).execute(tx)?;
    crate::http::extract::saved(n == 1, cert.version)?;
    append(
        tx,
        &row,
        &old.holder,
        RegisterEvent::Replaced,
        Some(new.id),
        Some(format!("{cause}: {reason}")),
        Some(actor),
    )?;
    Ok(Reissued::New(new))
}
