//! A unit's list taken in: the unit and the target checked, each person matched to a learner of
//! the institution tree or recorded as a new one, every problem answered at once or the whole
//! list written.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::model::*;
use super::rules::{self, Header};
use super::store;
use crate::auth::{Caller, Role};
use crate::cohorts::model::Cohort;
use crate::db::ids::*;
use crate::db::{now, DbConn};
use crate::error::{ApiError, ProblemItem};
use crate::institutions::model::Institution;
use crate::people::dto::LearnerInput;
use crate::people::matching::{match_people, Described, Holder};
use crate::people::person::rows_valid;
use crate::sending_units::SendingUnit;
use crate::text::clean;

/// A list as sent, from JSON or from a file with its fields in the query.
pub struct Asked {
    pub sending_unit_id: Option<SendingUnitId>,
    pub decision_no: String,
    pub decision_on: Option<NaiveDate>,
    pub cohort_id: Option<CohortId>,
    pub program_id: Option<ProgramId>,
    pub year: Option<i32>,
    pub institution_id: Option<InstitutionId>,
    pub note: Option<String>,
    /// Each person: where their problems go (`people[2]`, `rows[7]`), a learner named, fields.
    pub people: Vec<(String, Option<LearnerId>, Option<LearnerInput>)>,
    /// Problems already found reading a file.
    pub problems: Vec<ProblemItem>,
}

/// Where a list goes: the institution that decides, and the class if it names one.
struct Target {
    institution: Institution,
    cohort: Option<Cohort>,
}

/// Checks the list and writes it with the learners it needs to create; the list and its people.
pub fn submit(tx: &mut DbConn, caller: &Caller, a: Asked, today: NaiveDate) -> Result<Nomination, ApiError> {
    let decision_no = clean(&a.decision_no);
    let note = a.note.as_deref().map(clean).filter(|s| !s.is_empty());
    let mut problems = a.problems.clone();
    let header = Header {
        decision_no: &decision_no,
        decision_on: a.decision_on.unwrap_or(today),
        has_cohort: a.cohort_id.is_some(),
        has_program: a.program_id.is_some(),
        year: a.year,
        note: note.as_deref(),
        people: a.people.len(),
    };
    problems.extend(rules::header_problems(&header, today));
    if a.decision_on.is_none() {
        problems.push(ProblemItem::field("decision_on", "is required"));
    }
    let unit = unit(tx, caller, a.sending_unit_id, &mut problems)?;
    let target = target(tx, caller, &a, &mut problems)?;
    if let (Some(u), Some(t)) = (&unit, &target) {
        let at = crate::institutions::store::find(tx, u.institution_id)?.map(|i| i.path).unwrap_or_default();
        if !rules::reaches(&at, &t.institution.path) {
            problems.push(match (caller.role, t.cohort.is_some()) {
                (Role::UnitOfficer, true) => ProblemItem::field("cohort_id", "no such class open to your unit"),
                (Role::UnitOfficer, false) => ProblemItem::field("institution_id", "is not open to your unit"),
                _ => ProblemItem::field(
                    "sending_unit_id",
                    "is not registered at the target institution, one above it or one below it",
                ),
            });
        }
    }
    let (Some(unit), Some(target), true) = (unit, target, problems.is_empty()) else {
        return Err(ApiError::Validation(problems));
    };
    if let Some(c) = &target.cohort {
        open_for(c, a.people.len())?;
    }
    let inputs: Vec<LearnerInput> = a
        .people
        .iter()
        .map(|(at, _, person)| {
            let mut p = person.clone().unwrap_or_default();
            if p.institution_id.is_some() {
                problems.push(ProblemItem::field(format!("{at}.person.institution_id"), "is set by the list's target"));
            }
            if p.user_id.is_some() {
                problems.push(ProblemItem::field(format!("{at}.person.user_id"), "cannot be set on a nomination"));
            }
            p.institution_id = None;
            p.user_id = None;
            if p.sending_unit.as_ref().is_none_or(|s| s.is_none()) {
                p.sending_unit = Some(Some(unit.name.clone()));
            }
            p
        })
        .collect();
    for (at, id, person) in &a.people {
        if id.is_some() == person.is_some() {
            problems.push(ProblemItem::field(format!("{at}.learner_id"), "give learner_id or person, one of them"));
        }
    }
    let described: Vec<Described> = a
        .people
        .iter()
        .zip(&inputs)
        .map(|((at, id, person), input)| Described {
            at: if person.is_some() { format!("{at}.person") } else { at.clone() },
            learner_id: *id,
            person: input,
        })
        .collect();
    let matched = match_people(tx, caller, target.institution.id, today, &described, &mut problems)?;
    let labels: Vec<&str> = a.people.iter().map(|(at, ..)| at.as_str()).collect();
    for (i, first) in rules::repeated(matched.holders.iter().copied()) {
        problems.push(
            ProblemItem::rule("nominated_twice", format!("The same person as {} on this list.", labels[first]))
                .at(labels[i]),
        );
    }
    if let Some(c) = &target.cohort {
        already_there(tx, c, &matched.holders, &labels, &mut problems)?;
    }
    rows_valid(problems)?;
    let at = now();
    let row = Nomination {
        id: NominationId::new(),
        institution_id: target.institution.id,
        sending_unit_id: unit.id,
        decision_no: decision_no.clone(),
        decision_on: header.decision_on,
        cohort_id: target.cohort.as_ref().map(|c| c.id),
        program_id: a.program_id.filter(|_| target.cohort.is_none()),
        year: a.year.filter(|_| target.cohort.is_none()),
        note,
        status: NominationStatus::Pending,
        people_count: a.people.len() as i32,
        pending_count: a.people.len() as i32,
        submitted_by: caller.user_id,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let people: Vec<NominatedPerson> = matched
        .holders
        .iter()
        .enumerate()
        .map(|(i, h)| NominatedPerson {
            id: NominatedPersonId::new(),
            nomination_id: row.id,
            position: i as i32 + 1,
            learner_id: matched.learner_of(*h),
            created_learner: matches!(h, Holder::New(_)),
            status: PersonStatus::Pending,
            reasons: Reasons::default(),
            cohort_id: None,
            enrollment_id: None,
            decided_by: None,
            decided_at: None,
        })
        .collect();
    if store::decision_taken(tx, unit.id, &row.decision_no, row.decision_on)? {
        return Err(ApiError::conflict(
            "nomination_exists",
            "The unit has already sent a list under this decision (same number and date).",
        ));
    }
    crate::people::store::insert_learners(tx, &matched.created)?;
    store::insert(tx, &row, &people)?;
    Ok(row)
}

/// The unit the list is from: a unit officer's own (naming another is a problem), else the one
/// named, which must exist.
fn unit(
    tx: &mut DbConn,
    caller: &Caller,
    asked: Option<SendingUnitId>,
    problems: &mut Vec<ProblemItem>,
) -> Result<Option<SendingUnit>, ApiError> {
    let id = match (caller.role, asked) {
        (Role::UnitOfficer, Some(a)) if Some(a) != caller.sending_unit_id => {
            problems
                .push(ProblemItem::field("sending_unit_id", "is not your unit: an officer sends lists for their own"));
            return Ok(None);
        }
        (Role::UnitOfficer, _) => caller.sending_unit_id,
        (_, Some(a)) => Some(a),
        (_, None) => {
            problems.push(ProblemItem::field("sending_unit_id", "is required"));
            return Ok(None);
        }
    };
    let found = match id {
        Some(id) => crate::sending_units::find(tx, id)?,
        None => None,
    };
    if found.is_none() {
        problems.push(ProblemItem::field("sending_unit_id", "no such sending unit"));
    }
    Ok(found)
}

/// The class named (in the caller's scope, or open to the officer's unit), or the institution
/// named with a program.
fn target(
    tx: &mut DbConn,
    caller: &Caller,
    a: &Asked,
    problems: &mut Vec<ProblemItem>,
) -> Result<Option<Target>, ApiError> {
    let officer = caller.role == Role::UnitOfficer;
    if let Some(id) = a.cohort_id {
        let cohort =
            crate::cohorts::store::find(tx, id)?.filter(|c| officer || caller.scope.contains(c.institution_id));
        let institution = match &cohort {
            Some(c) => crate::institutions::store::find(tx, c.institution_id)?,
            None => None,
        };
        return Ok(match (cohort, institution) {
            (Some(c), Some(i)) => Some(Target { institution: i, cohort: Some(c) }),
            _ => {
                problems.push(ProblemItem::field("cohort_id", "no such class"));
                None
            }
        });
    }
    let Some(program) = a.program_id else { return Ok(None) };
    if crate::programs::store::find(tx, program)?.is_none() {
        problems.push(ProblemItem::field("program_id", "no such program"));
    }
    let Some(iid) = a.institution_id else {
        problems.push(ProblemItem::field("institution_id", "is required with program_id"));
        return Ok(None);
    };
    let found = crate::institutions::store::find(tx, iid)?.filter(|i| officer || caller.scope.contains(i.id));
    if found.is_none() {
        problems.push(ProblemItem::field("institution_id", "no such institution"));
    }
    Ok(found.map(|institution| Target { institution, cohort: None }))
}

/// 422 unless the class takes enrolments and has a seat for each person on the list.
fn open_for(c: &Cohort, people: usize) -> Result<(), ApiError> {
    if let Some(why) = crate::cohorts::rules::not_enrolling(c.status) {
        return Err(ApiError::Refused(vec![ProblemItem::rule("not_enrolling", why).at("cohort_id")]));
    }
    let left = (c.capacity - c.enrolled_count).max(0);
    if people as i32 > left {
        return Err(ApiError::Refused(vec![ProblemItem::rule(
            "capacity",
            format!("The class has {left} seat(s) left for {people} learner(s)."),
        )
        .at("cohort_id")]));
    }
    Ok(())
}

/// People already in the class, or waiting on another list for it.
fn already_there(
    tx: &mut DbConn,
    c: &Cohort,
    holders: &[Holder],
    labels: &[&str],
    problems: &mut Vec<ProblemItem>,
) -> Result<(), ApiError> {
    let known: Vec<(usize, LearnerId)> = holders
        .iter()
        .enumerate()
        .filter_map(|(i, h)| match h {
            Holder::Known(id) => Some((i, *id)),
            Holder::New(_) => None,
        })
        .collect();
    let ids: Vec<LearnerId> = known.iter().map(|(_, id)| *id).collect();
    let enrolled: HashMap<LearnerId, ()> =
        crate::cohorts::store::enrolled_among(tx, c.id, &ids)?.into_iter().map(|id| (id, ())).collect();
    let waiting: HashMap<LearnerId, ()> =
        store::pending_for_class(tx, c.id, &ids)?.into_iter().map(|id| (id, ())).collect();
    for (i, id) in known {
        if enrolled.contains_key(&id) {
            problems.push(
                ProblemItem::rule("already_enrolled", "The person is already enrolled in the class.").at(labels[i]),
            );
        } else if waiting.contains_key(&id) {
            problems.push(
                ProblemItem::rule("already_nominated", "The person is already on a list waiting for this class.")
                    .at(labels[i]),
            );
        }
    }
    Ok(())
}
