//! Who may join a class, and the enrolments of a list of learners planned all or none: the
//! one path every enrolment takes, typed by an administrator or accepted from a nomination.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::dto::{EnrolLearner, LevelHeld};
use super::model::*;
use super::rules::{self, ClassFacts};
use super::store;
use crate::auth::Scope;
use crate::db::ids::*;
use crate::db::{now, DbConn};
use crate::error::{ApiError, ProblemItem};
use crate::people::model::{Learner, LlctLevel};
use crate::people::store as people;
use crate::programs::model::Level;

/// Who enrols: the user the overrides are recorded under, and the learners they may name.
pub struct Enroller<'a> {
    pub user: UserId,
    pub scope: &'a Scope,
}

/// What an eligibility check needs to know about the class.
pub struct Target {
    pub level: Level,
    pub mode: Mode,
    /// The code of the rule set applied, and its numbers.
    pub regulation: String,
    pub rules: super::rule_sets::EligibilityRules,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The class itself, not counted as an overlap.
    pub except: Option<CohortId>,
    /// The institution takes the level needed first only on a credential.
    pub evidence_required: bool,
    /// Who a refresher course is for.
    pub audience: Option<crate::programs::rule_settings::Audience>,
}

/// What the rules look up about the learners of a list: their classes at the same time, the
/// credentials issued here and those copied from paper, read for the whole list at once.
#[derive(Default)]
pub struct Lookups {
    overlapping: HashMap<LearnerId, Vec<String>>,
    issued: HashMap<LearnerId, Vec<(Level, CertificateId, String)>>,
    recorded: HashMap<LearnerId, Vec<(LlctLevel, CredentialRecordId, String)>>,
}

impl Lookups {
    pub fn read(tx: &mut DbConn, learners: &[LearnerId], t: &Target) -> Result<Lookups, ApiError> {
        let mut k = Lookups::default();
        for chunk in learners.chunks(500) {
            for (l, code) in store::overlapping_codes(tx, chunk, t.except, t.from, t.to)? {
                k.overlapping.entry(l).or_default().push(code);
            }
            for (l, level, id, serial) in crate::certificates::store::held_here(tx, chunk)? {
                k.issued.entry(l).or_default().push((level, id, serial));
            }
            for (l, level, id, serial) in crate::certificates::records::store::held(tx, chunk)? {
                k.recorded.entry(l).or_default().push((level, id, serial));
            }
        }
        Ok(k)
    }
}

/// Every rule `l` fails for the class (overlaps and credentials issued here looked up), before
/// overrides, and the level held that the level rules counted.
pub fn refusals_for(tx: &mut DbConn, l: &Learner, t: &Target) -> Result<(Vec<ProblemItem>, LevelHeld), ApiError> {
    Ok(refusals_with(l, t, &Lookups::read(tx, &[l.id], t)?))
}

/// The same as `refusals_for`, with the lookups of a whole list read before.
pub fn refusals_with(l: &Learner, t: &Target, k: &Lookups) -> (Vec<ProblemItem>, LevelHeld) {
    let overlapping = k.overlapping.get(&l.id).map(Vec::as_slice).unwrap_or_default();
    let issued = k.issued.get(&l.id).map(Vec::as_slice).unwrap_or_default();
    let recorded = k.recorded.get(&l.id).map(Vec::as_slice).unwrap_or_default();
    let held = rules::level_held(l.prior_llct_level, issued, recorded);
    let facts = ClassFacts {
        level: t.level,
        mode: t.mode,
        rules: &t.rules,
        starts_on: t.from,
        overlapping,
        held: held.level,
        evidenced: rules::level_held(LlctLevel::None, issued, recorded).level,
        evidence_required: t.evidence_required,
        audience: t.audience,
    };
    (rules::eligibility(l, &facts), held)
}

/// The eligibility question of a class: its level, mode and dates, the rule set it was opened
/// under and what its institution asks as evidence.
pub fn target_of(tx: &mut DbConn, cohort: &Cohort) -> Result<Target, ApiError> {
    let (level, audience) = super::http::kind_of(tx, cohort)?;
    let set = super::rule_sets::store::of_class(tx, &cohort.regulation, cohort.starts_on)?;
    Ok(Target {
        level,
        mode: cohort.mode,
        regulation: set.code,
        rules: set.rules,
        from: cohort.starts_on,
        to: cohort.ends_on,
        except: Some(cohort.id),
        evidence_required: rules::needs_evidence(
            &crate::institutions::store::evidence_required(tx, cohort.institution_id)?,
            level,
        ),
        audience,
    })
}

/// A learner's enrolment to write: their earlier record in the class (after a withdrawal), the
/// new one, their name.
pub type Planned = (Option<Enrollment>, Enrollment, String);

/// Every learner's enrolment in the class, or every refusal at once: learners outside the scope
/// or already enrolled, rules failed and not overridden, and the seats left for the whole list.
pub fn plan(
    tx: &mut DbConn,
    by: &Enroller,
    cohort: &Cohort,
    list: &[EnrolLearner],
    enrolled_on: NaiveDate,
    at_field: &dyn Fn(usize) -> String,
) -> Result<Vec<Planned>, ApiError> {
    let target = target_of(tx, cohort)?;
    let at = now();
    let mut refusals = Vec::new();
    let mut rows = Vec::new();
    // Each learner's record, their earlier enrolment and what the rules look up: read for the
    // whole list at once, not learner by learner.
    let ids: Vec<LearnerId> = list.iter().map(|x| x.learner_id).collect();
    let learners: HashMap<LearnerId, Learner> = people::learners_by_ids(tx, &ids)?
        .into_iter()
        .filter(|l| by.scope.contains(l.institution_id))
        .map(|l| (l.id, l))
        .collect();
    let mut earlier = store::enrollments_among(tx, cohort.id, &ids)?;
    let lookups = Lookups::read(tx, &ids, &target)?;
    let mut seen = std::collections::HashSet::new();
    for (i, x) in list.iter().enumerate() {
        let Some(learner) = learners.get(&x.learner_id) else {
            refusals.push(ProblemItem::rule("unknown_learner", "no such learner in your scope").at(at_field(i)));
            continue;
        };
        if !seen.insert(learner.id) {
            let twice = format!("{} is listed twice.", learner.full_name);
            refusals.push(ProblemItem::rule("listed_twice", twice).at(at_field(i)));
            continue;
        }
        let existing = earlier.remove(&learner.id);
        if existing.as_ref().is_some_and(|e| e.status == EnrollmentStatus::Enrolled) {
            refusals.push(
                ProblemItem::rule("already_enrolled", format!("{} is already enrolled.", learner.full_name))
                    .at(at_field(i)),
            );
            continue;
        }
        let (failed, _) = refusals_with(learner, &target, &lookups);
        let (refused, kept) = rules::apply_overrides(&at_field(i), &learner.full_name, &failed, &x.overrides);
        refusals.extend(refused);
        let overrides = Overrides(
            kept.into_iter().map(|(rule, reason)| Override { rule, reason, by: by.user, at: at.and_utc() }).collect(),
        );
        let row = Enrollment {
            id: EnrollmentId::new(),
            cohort_id: cohort.id,
            learner_id: learner.id,
            institution_id: cohort.institution_id,
            status: EnrollmentStatus::Enrolled,
            enrolled_on,
            withdrawn_on: None,
            withdraw_reason: None,
            overrides,
            version: 1,
            created_at: at,
            updated_at: at,
        };
        rows.push((existing, row, learner.full_name.clone()));
    }
    let new_seats = rows.len() as i32;
    if refusals.is_empty() && !store::take_seats(tx, cohort.id, new_seats)? {
        let left = cohort.capacity - cohort.enrolled_count;
        refusals.push(ProblemItem::rule(
            "capacity",
            format!("The class has {left} seat(s) left for {new_seats} learner(s)."),
        ));
    }
    if refusals.is_empty() {
        Ok(rows)
    } else {
        Err(ApiError::Refused(refusals))
    }
}
