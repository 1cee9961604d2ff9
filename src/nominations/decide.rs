//! The school's decisions on a list, all in one transaction: those accepted go through the one
//! enrolment path (every eligibility rule, overrides with reasons, seats), those rejected keep
//! the reasons, and the unit is told by e-mail through the outbox.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use super::dto::DecideNomination;
use super::model::*;
use super::rules::{self, Asked};
use super::store;
use crate::auth::{Caller, Role, Scope};
use crate::cohorts::dto::EnrolLearner;
use crate::cohorts::enrol::{self, Enroller};
use crate::cohorts::model::Cohort;
use crate::db::ids::*;
use crate::db::{now, DbConn};
use crate::error::{ApiError, ProblemItem, Problems};
use crate::notifications::{Kind, Message};
use crate::sending_units::SendingUnit;
use crate::text::{clean, fold};

/// Applies the decisions to the list; the list as it is after.
pub fn decide(
    tx: &mut DbConn,
    caller: &Caller,
    mut nom: Nomination,
    b: DecideNomination,
    today: NaiveDate,
) -> Result<Nomination, ApiError> {
    let mut people = store::people_of(tx, &[nom.id])?;
    let statuses: Vec<PersonStatus> = people.iter().map(|(p, ..)| p.status).collect();
    let reasons: Vec<Vec<String>> = b.decisions.iter().map(|d| d.reasons.iter().map(|r| clean(r)).collect()).collect();
    let asked: Vec<Asked> = b
        .decisions
        .iter()
        .zip(&reasons)
        .map(|(d, r)| Asked {
            person: d.person,
            verdict: d.decision,
            reasons: r,
            overrides: d.overrides.len(),
            has_cohort: d.cohort_id.is_some(),
        })
        .collect();
    Problems(rules::decision_problems(&asked, &statuses, nom.cohort_id.is_none())).finish(())?;
    let unit = crate::sending_units::find(tx, nom.sending_unit_id)?.ok_or_else(ApiError::not_found)?;
    let enrolled = enrol_accepted(tx, caller, &nom, &b, &people, b.enrolled_on.unwrap_or(today))?;
    let at = now();
    for (i, d) in b.decisions.iter().enumerate() {
        let (p, ..) = &mut people[d.person as usize - 1];
        p.status = match d.decision {
            Verdict::Accept => PersonStatus::Accepted,
            Verdict::Reject => PersonStatus::Rejected,
        };
        p.reasons = Reasons(reasons[i].clone());
        p.cohort_id = enrolled.get(&i).map(|(c, _)| c.id);
        p.enrollment_id = enrolled.get(&i).map(|(_, e)| *e);
        p.decided_by = Some(caller.user_id);
        p.decided_at = Some(at);
        store::save_person(tx, p)?;
        if p.status == PersonStatus::Accepted {
            sent_by(tx, p.learner_id, &unit)?;
        }
    }
    let seen = nom.version;
    nom.pending_count -= b.decisions.len() as i32;
    nom.status = rules::status_of(nom.pending_count);
    nom.version += 1;
    nom.updated_at = at;
    crate::http::extract::saved(store::save(tx, &nom, seen)?, seen)?;
    let decided: Vec<&store::Row> = b.decisions.iter().map(|d| &people[d.person as usize - 1]).collect();
    let classes: BTreeMap<CohortId, String> =
        enrolled.values().map(|(c, _)| (c.id, format!("{} – {}", c.code, c.title))).collect();
    let mail = messages(tx, &nom, &unit, &decided, &classes)?;
    crate::notifications::outbox::enqueue_many(tx, mail)?;
    Ok(nom)
}

/// Enrols everyone accepted, class by class, through the enrolment path; every refusal of every
/// class at once (`decisions[i]`). The class and enrolment of each decision accepted.
fn enrol_accepted(
    tx: &mut DbConn,
    caller: &Caller,
    nom: &Nomination,
    b: &DecideNomination,
    people: &[store::Row],
    on: NaiveDate,
) -> Result<BTreeMap<usize, (Cohort, EnrollmentId)>, ApiError> {
    let mut by_class: BTreeMap<CohortId, Vec<usize>> = BTreeMap::new();
    for (i, d) in b.decisions.iter().enumerate() {
        if d.decision == Verdict::Accept {
            if let Some(c) = nom.cohort_id.or(d.cohort_id) {
                by_class.entry(c).or_default().push(i);
            }
        }
    }
    let (mut refusals, mut out) = (Vec::new(), BTreeMap::new());
    // The learners were matched by the service in the list's institution tree.
    let by = Enroller { user: caller.user_id, scope: &Scope::All };
    for (cid, idxs) in by_class {
        let Some(cohort) = class_for(tx, caller, nom, cid)? else {
            refusals.extend(idxs.iter().map(|i| {
                ProblemItem::field(
                    format!("decisions[{i}].cohort_id"),
                    "is not a class of the list's program and year in your scope",
                )
            }));
            continue;
        };
        if let Some(why) = crate::cohorts::rules::not_enrolling(cohort.status) {
            refusals.push(ProblemItem::rule("not_enrolling", why).at(format!("decisions[{}].person", idxs[0])));
            continue;
        }
        let list: Vec<EnrolLearner> = idxs
            .iter()
            .map(|i| {
                let d = &b.decisions[*i];
                EnrolLearner { learner_id: people[d.person as usize - 1].0.learner_id, overrides: d.overrides.clone() }
            })
            .collect();
        match enrol::plan(tx, &by, &cohort, &list, on, &|k| format!("decisions[{}]", idxs[k])) {
            Ok(planned) => {
                for (k, (existing, row, _)) in planned.into_iter().enumerate() {
                    let e = crate::cohorts::store::enrol(tx, existing, row)?;
                    out.insert(idxs[k], (cohort.clone(), e.id));
                }
            }
            Err(ApiError::Refused(items)) => refusals.extend(items),
            Err(e) => return Err(e),
        }
    }
    if refusals.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::Refused(refusals))
    }
}

/// The class a person is accepted into: the list's own, or (for a list naming a program) a
/// class of that program starting in the list's year; either one the caller administers (one
/// read of the class gives it and the caller's rights over it).
fn class_for(tx: &mut DbConn, caller: &Caller, nom: &Nomination, id: CohortId) -> Result<Option<Cohort>, ApiError> {
    let c = match crate::cohorts::store::writable(tx, caller, id) {
        Ok(c) => Some(c),
        Err(ApiError::NotFound(_) | ApiError::Forbidden) => None,
        Err(e) => return Err(e),
    };
    Ok(match (nom.cohort_id, c) {
        (Some(_), c) => c,
        (None, Some(c)) if Some(c.program_id) == nom.program_id && Some(c.starts_on.year()) == nom.year => Some(c),
        (None, _) => None,
    })
}

/// Records the unit on the learner's record, so that the unit's reports find the person.
fn sent_by(tx: &mut DbConn, learner: LearnerId, unit: &SendingUnit) -> Result<(), ApiError> {
    let Some(mut l) = crate::people::store::find_learner(tx, learner)? else { return Ok(()) };
    if l.sending_unit.as_deref().map(fold).as_deref() == Some(unit.name_key.as_str()) {
        return Ok(());
    }
    let seen = l.version;
    l.sending_unit = Some(unit.name.clone());
    l.version += 1;
    l.updated_at = now();
    crate::http::extract::saved(crate::people::store::save_learner(tx, &l, seen)?, seen)
}

/// The outcome for the unit's address and for the officer who sent the list.
fn messages(
    tx: &mut DbConn,
    nom: &Nomination,
    unit: &SendingUnit,
    decided: &[&store::Row],
    classes: &BTreeMap<CohortId, String>,
) -> Result<Vec<Message>, ApiError> {
    let target = match (nom.cohort_id, nom.program_id) {
        (Some(c), _) => crate::cohorts::store::find(tx, c)?.map(|c| format!("{} – {}", c.code, c.title)),
        (None, Some(p)) => {
            crate::programs::store::find(tx, p)?.map(|p| format!("{} ({})", p.title, nom.year.unwrap_or_default()))
        }
        _ => None,
    }
    .unwrap_or_default();
    let accepted: Vec<serde_json::Value> = decided
        .iter()
        .filter(|(p, ..)| p.status == PersonStatus::Accepted)
        .map(|(p, name, _)| json!({"name": name, "cohort": p.cohort_id.and_then(|c| classes.get(&c)).cloned().unwrap_or_default()}))
        .collect();
    let rejected: Vec<serde_json::Value> = decided
        .iter()
        .filter(|(p, ..)| p.status == PersonStatus::Rejected)
        .map(|(p, name, _)| json!({"name": name, "reasons": p.reasons.0.join("; ")}))
        .collect();
    let context = json!({
        "unit": unit.name,
        "decision_no": nom.decision_no,
        "decision_on": nom.decision_on.format("%d/%m/%Y").to_string(),
        "target": target,
        "accepted": accepted,
        "rejected": rejected,
        "pending": nom.pending_count,
    });
    let mut out = Vec::new();
    if let Some(to) = unit.email.clone() {
        out.push(Message {
            dedupe_key: format!("nomination-decided:{}:{}:unit", nom.id, nom.version),
            kind: Kind::NominationDecided,
            user_id: None,
            institution_id: Some(nom.institution_id),
            to,
            to_name: unit.contact_name.clone().unwrap_or_else(|| unit.name.clone()),
            context: context.clone(),
            attachment: None,
        });
    }
    let officer = crate::users::store::find(tx, nom.submitted_by)?.filter(|u| u.role == Role::UnitOfficer);
    if let Some(u) = officer.filter(|u| Some(&u.email) != unit.email.as_ref()) {
        out.push(Message {
            dedupe_key: format!("nomination-decided:{}:{}:{}", nom.id, nom.version, u.id),
            kind: Kind::NominationDecided,
            user_id: Some(u.id),
            institution_id: Some(nom.institution_id),
            to: u.email.clone(),
            to_name: u.full_name.clone(),
            context,
            attachment: None,
        });
    }
    Ok(out)
}
