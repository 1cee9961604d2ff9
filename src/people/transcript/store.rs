//! A transcript read from the classes, kept results, conduct and credentials.

use std::collections::HashSet;

use diesel::prelude::*;

use super::dto::*;
use crate::auth::{Caller, Role};
use crate::certificates::model::Certificate;
use crate::cohorts::model::{Cohort, EnrollmentStatus};
use crate::db::ids::*;
use crate::db::schema::{certificates as ce, cohorts as c, enrollments as e, result_snapshots as rs};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::settings::Settings;

/// The learner's classes the caller may see, oldest first: administrators see the classes held
/// in their scope, the person all of theirs.
fn classes_taken(tx: &mut DbConn, caller: &Caller, id: LearnerId) -> Result<Vec<(Cohort, EnrollmentStatus)>, ApiError> {
    let taken: Vec<(Cohort, EnrollmentStatus)> = e::table
        .inner_join(c::table)
        .filter(e::learner_id.eq(id))
        .order((c::starts_on.asc(), c::id.asc()))
        .select((Cohort::as_select(), e::status))
        .load(tx)?;
    let own = caller.role == Role::Learner;
    Ok(taken.into_iter().filter(|(k, _)| own || caller.scope.contains(k.institution_id)).collect())
}

/// One class as the transcript shows it: the result kept at closing, or as it stands now.
fn class_record(
    tx: &mut DbConn,
    settings: &Settings,
    id: LearnerId,
    cohort: Cohort,
    enrollment_status: EnrollmentStatus,
) -> Result<ClassRecord, ApiError> {
    let program = crate::programs::store::get(tx, cohort.program_id)?;
    let institution = crate::institutions::store::find(tx, cohort.institution_id)?.map(|i| i.name).unwrap_or_default();
    let now = crate::results::service::for_cohort(tx, &cohort, settings.tz(), Some(id))?.into_iter().next();
    let kept: Option<(String, Option<i32>, Option<String>)> = rs::table
        .find((cohort.id, id))
        .select((rs::outcome, rs::average_tenths, rs::classification))
        .first(tx)
        .optional()?;
    let conduct = crate::conduct::store::find(tx, cohort.id, id)?.map(|x| ConductRecord {
        political: x.political,
        discipline: x.discipline,
        class_rules: x.class_rules,
        comment: x.comment,
        measure: x.measure,
        measure_on: x.measure_on,
        measure_reason: x.measure_reason,
    });
    let (outcome, average, classification) = match (&kept, &now) {
        (Some(k), _) => (Some(k.0.clone()), k.1.map(|t| f64::from(t) / 10.0), k.2.clone()),
        (None, Some(r)) => {
            (Some(r.result.outcome.as_str().to_string()), r.result.average, r.result.classification.clone())
        }
        _ => (None, None, None),
    };
    Ok(ClassRecord {
        cohort_id: cohort.id,
        cohort: format!("{} – {}", cohort.code, cohort.title),
        institution,
        program: program.title,
        level: program.level,
        mode: cohort.mode,
        starts_on: cohort.starts_on,
        ends_on: cohort.ends_on,
        enrollment_status,
        cohort_status: cohort.status,
        outcome,
        average,
        classification,
        modules: now.as_ref().map(|r| r.result.modules.clone()).unwrap_or_default(),
        field_study: now.as_ref().and_then(|r| r.result.field_study),
        conduct,
    })
}

/// The learner's credentials from the classes shown, in the order issued.
fn credentials(
    tx: &mut DbConn,
    settings: &Settings,
    id: LearnerId,
    shown: &HashSet<CohortId>,
) -> Result<Vec<CredentialRecord>, ApiError> {
    Ok(ce::table
        .filter(ce::learner_id.eq(id))
        .order(ce::issued_at.asc())
        .select(Certificate::as_select())
        .load(tx)?
        .into_iter()
        .filter(|x| shown.contains(&x.cohort_id))
        .map(|x| CredentialRecord {
            verify_url: crate::certificates::verify_url(settings, &x.verification_code),
            id: x.id,
            cohort_id: x.cohort_id,
            kind: x.kind,
            serial: x.serial,
            register_no: x.register_no,
            status: x.status,
            issued_at: x.issued_at.and_utc(),
        })
        .collect())
}

/// The learner's credentials copied from register books that the caller may see: the person
/// all of theirs, administrators those kept in their scope.
fn copied(
    tx: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    learner: &crate::people::model::Learner,
) -> Result<Vec<crate::certificates::records::dto::RecordOut>, ApiError> {
    let own = caller.role == Role::Learner;
    Ok(crate::certificates::records::store::of_learner(tx, learner.id)?
        .into_iter()
        .filter(|r| own || caller.scope.contains(r.institution_id))
        .map(|r| {
            crate::certificates::records::dto::RecordOut::new(
                r,
                learner.full_name.clone(),
                learner.date_of_birth,
                settings,
            )
        })
        .collect())
}

/// The transcript of a learner the caller may read (404 otherwise).
pub fn transcript(
    tx: &mut DbConn,
    caller: &Caller,
    settings: &Settings,
    id: LearnerId,
) -> Result<Transcript, ApiError> {
    let learner = crate::people::store::readable_learner(tx, caller, id)?;
    let taken = classes_taken(tx, caller, id)?;
    let shown: HashSet<CohortId> = taken.iter().map(|(k, _)| k.id).collect();
    let classes = taken
        .into_iter()
        .map(|(k, status)| class_record(tx, settings, id, k, status))
        .collect::<Result<Vec<_>, _>>()?;
    let recorded_credentials = copied(tx, caller, settings, &learner)?;
    Ok(Transcript {
        learner_id: learner.id,
        full_name: learner.full_name,
        date_of_birth: learner.date_of_birth,
        institution_id: learner.institution_id,
        credentials: credentials(tx, settings, id, &shown)?,
        recorded_credentials,
        classes,
    })
}
