//! Pure decisions about classes: the lifecycle and who may enrol.

use chrono::{Datelike, NaiveDate};

use std::collections::HashSet;

use super::dto::{EnrolLearner, Evidence, LevelHeld, OverrideIn};
use super::model::{CohortStatus, Mode};
use super::rule_sets::EligibilityRules;
use crate::db::ids::{CertificateId, CredentialRecordId};
use crate::people::model::{EducationLevel, Gender, Learner, LlctLevel, PartyStatus, RatingGrade};
use crate::problem::ProblemItem;
use crate::programs::model::Level;
use crate::programs::rule_settings::Audience;

/// The lifecycle actions of a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    OpenEnrolment,
    Start,
    Close,
    Cancel,
}

/// An education level in the words of an English message ("upper-secondary education").
pub fn education_words(e: EducationLevel) -> &'static str {
    match e {
        EducationLevel::Primary => "primary",
        EducationLevel::LowerSecondary => "lower-secondary",
        EducationLevel::UpperSecondary => "upper-secondary",
        EducationLevel::Vocational => "vocational",
        EducationLevel::College => "college",
        EducationLevel::University => "university",
        EducationLevel::Master => "master's",
        EducationLevel::Doctorate => "doctoral",
    }
}

/// The state an action leads to from `from`, or why it cannot.
pub fn transition(from: CohortStatus, action: Action) -> Result<CohortStatus, String> {
    use CohortStatus::*;
    match (from, action) {
        (Planned, Action::OpenEnrolment) => Ok(Enrolling),
        (Planned | Enrolling, Action::Start) => Ok(InProgress),
        (InProgress | Closing, Action::Close) => Ok(Closed),
        (Planned | Enrolling | InProgress | Closing, Action::Cancel) => Ok(Cancelled),
        (s, a) => Err(format!(
            "A class that is {s} cannot be {}.",
            match a {
                Action::OpenEnrolment => "opened for enrolment",
                Action::Start => "started",
                Action::Close => "closed",
                Action::Cancel => "cancelled",
            }
        )),
    }
}

/// Whether learners may be enrolled in a class in this state (late enrolment is allowed while
/// it runs).
pub fn accepts_enrolment(s: CohortStatus) -> bool {
    matches!(s, CohortStatus::Planned | CohortStatus::Enrolling | CohortStatus::InProgress)
}

/// Why a class in state `s` takes no enrolment (the refusal `not_enrolling`), or `None` when it
/// takes them; every path that enrols (the class's list, a unit's nomination, its decision) asks here.
pub fn not_enrolling(s: CohortStatus) -> Option<String> {
    (!accepts_enrolment(s)).then(|| format!("The class is {s}; it takes no enrolments."))
}

fn age_on(dob: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - dob.year();
    if (day.month(), day.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

fn llct_rank(l: LlctLevel) -> u8 {
    match l {
        LlctLevel::None => 0,
        LlctLevel::Elementary => 1,
        LlctLevel::Intermediate => 2,
        LlctLevel::Advanced => 3,
    }
}

fn level_rank(l: Level) -> u8 {
    match l {
        Level::Refresher => 0,
        Level::Elementary => 1,
        Level::Intermediate => 2,
        Level::Advanced => 3,
    }
}

fn edu_rank(e: EducationLevel) -> u8 {
    use EducationLevel::*;
    match e {
        Primary => 1,
        LowerSecondary => 2,
        UpperSecondary => 3,
        Vocational => 4,
        College => 5,
        University => 6,
        Master => 7,
        Doctorate => 8,
    }
}

/// What an enrolment decision looks at besides the learner.
pub struct ClassFacts<'a> {
    pub level: Level,
    pub mode: Mode,
    /// The numbers of the rule set the class was opened under.
    pub rules: &'a EligibilityRules,
    /// Who a refresher course is for (the program's `audience`).
    pub audience: Option<Audience>,
    pub starts_on: NaiveDate,
    /// Codes of the learner's other classes whose dates overlap this one.
    pub overlapping: &'a [String],
    /// The level held on the evidence looked up ([`level_held`]: a valid credential issued
    /// here, else the declaration); the level rules count the higher of it and the declared
    /// level, so a caller may also pass the credential's level alone.
    pub held: LlctLevel,
    /// The level held on a credential alone (issued here or copied from a register book).
    pub evidenced: LlctLevel,
    /// The institution takes only [`ClassFacts::evidenced`] for the level this class needs
    /// first, not the learner's declaration.
    pub evidence_required: bool,
}

/// The LLCT level a credential of a program's level gives; a refresher course gives none.
pub fn level_given(level: Level) -> LlctLevel {
    match level {
        Level::Refresher => LlctLevel::None,
        Level::Elementary => LlctLevel::Elementary,
        Level::Intermediate => LlctLevel::Intermediate,
        Level::Advanced => LlctLevel::Advanced,
    }
}

/// The level held and its evidence, from the level declared on the learner record, the
/// credentials issued here (program level, id, serial) and those copied from register books
/// (level, id, serial): the highest credential (issued here before copied on a tie) unless the
/// declaration is higher.
pub fn level_held(
    declared: LlctLevel,
    issued: &[(Level, CertificateId, String)],
    recorded: &[(LlctLevel, CredentialRecordId, String)],
) -> LevelHeld {
    let from_issued = issued.iter().map(|(l, id, serial)| LevelHeld {
        level: level_given(*l),
        evidence: Evidence::Issued,
        certificate_id: Some(*id),
        record_id: None,
        serial: Some(serial.clone()),
    });
    let from_records = recorded.iter().map(|(l, id, serial)| LevelHeld {
        level: *l,
        evidence: Evidence::Recorded,
        certificate_id: None,
        record_id: Some(*id),
        serial: Some(serial.clone()),
    });
    // The first of the highest wins: issued ones come first.
    let best = from_issued.chain(from_records).fold(None::<LevelHeld>, |best, h| match best {
        Some(b) if llct_rank(b.level) >= llct_rank(h.level) => Some(b),
        _ => Some(h),
    });
    let none = |level, evidence| LevelHeld { level, evidence, certificate_id: None, record_id: None, serial: None };
    match best {
        Some(h) if h.level != LlctLevel::None && llct_rank(h.level) >= llct_rank(declared) => h,
        _ if declared != LlctLevel::None => none(declared, Evidence::Declared),
        _ => none(LlctLevel::None, Evidence::None),
    }
}

/// Whether an institution that asks for evidence for these levels takes only an evidenced
/// level held (not a declaration) for a class of `level`.
pub fn needs_evidence(required: &[Level], level: Level) -> bool {
    required.contains(&level)
}

/// The higher of two levels.
pub fn higher(a: LlctLevel, b: LlctLevel) -> LlctLevel {
    if llct_rank(a) >= llct_rank(b) {
        a
    } else {
        b
    }
}

/// Why the level a class needs first is not met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prerequisite {
    /// Not held, not even declared.
    Missing,
    /// Declared only, where the institution asks for a credential.
    OnlyDeclared,
}

/// Whether the level `needed` first is met by the level counted (`before`: the evidenced one
/// where evidence is asked for), and if not, whether the declaration (`prior`) would have.
pub fn prerequisite(prior: LlctLevel, before: LlctLevel, needed: LlctLevel) -> Option<Prerequisite> {
    if llct_rank(before) >= llct_rank(needed) {
        None
    } else if llct_rank(prior) >= llct_rank(needed) {
        Some(Prerequisite::OnlyDeclared)
    } else {
        Some(Prerequisite::Missing)
    }
}

/// Every eligibility rule the learner fails for this class, each with a code and a message.
pub fn eligibility(l: &Learner, c: &ClassFacts) -> Vec<ProblemItem> {
    let mut out = Vec::new();
    let mut fail = |code: &str, msg: String, params: serde_json::Value| {
        let mut item = ProblemItem::rule(code, msg);
        if let serde_json::Value::Object(m) = params {
            item.params = m;
        }
        out.push(item)
    };
    let party = l.party_status != PartyStatus::None;
    // The level held: as declared, or on a credential, whichever is higher; where the
    // institution asks for evidence, the level needed first counts only on a credential.
    let prior = higher(l.prior_llct_level, c.held);
    let before = if c.evidence_required { c.evidenced } else { prior };
    let age = age_on(l.date_of_birth, c.starts_on);
    let female = l.gender == Gender::Female;
    match c.level {
        Level::Refresher => match c.audience {
            Some(Audience::NewPartyMembers) => {
                let months = chrono::Months::new(c.rules.refresher.probation_months.max(0) as u32);
                let ends = l.party_admission_date.and_then(|d| d.checked_add_months(months));
                if l.party_status != PartyStatus::Probationary {
                    fail(
                        "new_party_member",
                        "This course is for new party members in their probation.".into(),
                        serde_json::json!({}),
                    );
                } else if let Some(end) = ends.filter(|end| *end < c.starts_on) {
                    fail(
                        "probation_over",
                        format!("The probation ended on {}, before the course starts.", end.format("%d/%m/%Y")),
                        serde_json::json!({"ended_on": end.to_string()}),
                    );
                }
            }
            Some(Audience::ProspectiveMembers) if party => fail(
                "already_party_member",
                "This course is for people who are not yet party members.".into(),
                serde_json::json!({}),
            ),
            _ => {}
        },
        Level::Elementary => {
            let min = c.rules.elementary.min_education;
            if edu_rank(l.education_level) < edu_rank(min) {
                let msg = format!("Elementary needs {} education or above.", education_words(min));
                fail("education", msg, serde_json::json!({"min_education": min.as_str()}));
            }
            if !(party || l.mass_org_member || l.local_official) {
                fail(
                    "membership",
                    "Elementary is for party members, mass-organisation members or local officials.".into(),
                    serde_json::json!({}),
                );
            }
        }
        Level::Intermediate => {
            let r = &c.rules.intermediate;
            if !party {
                fail(
                    "party_membership",
                    "Intermediate is for party members (probationary members allowed).".into(),
                    serde_json::json!({}),
                );
            } else if l.party_status == PartyStatus::Probationary && !r.probationary_allowed {
                fail(
                    "full_party_membership",
                    "Intermediate is for full party members under this rule set.".into(),
                    serde_json::json!({}),
                );
            }
            if edu_rank(l.education_level) < edu_rank(r.min_education) {
                let msg = if r.min_education == EducationLevel::College {
                    "Intermediate needs a college degree or above (upper-secondary for some ethnic-minority officials, by override).".to_string()
                } else {
                    format!("Intermediate needs {} education or above.", education_words(r.min_education))
                };
                fail("education", msg, serde_json::json!({"min_education": r.min_education.as_str()}));
            }
            let year = c.starts_on.year();
            for y in (1..=r.rating_years).map(|n| year - n) {
                let ok = l
                    .performance_ratings
                    .0
                    .iter()
                    .any(|r| r.year == y && matches!(r.grade, RatingGrade::Good | RatingGrade::Excellent));
                if !ok {
                    fail(
                        "performance_rating",
                        format!("Needs a rating of 'hoàn thành tốt nhiệm vụ' or better for {y}."),
                        serde_json::json!({"year": y}),
                    );
                }
            }
            match prerequisite(prior, before, LlctLevel::Elementary) {
                Some(Prerequisite::Missing) => fail(
                    "prerequisite_level",
                    "Intermediate needs the elementary level first.".into(),
                    serde_json::json!({}),
                ),
                Some(Prerequisite::OnlyDeclared) => fail(
                    "prerequisite_not_evidenced",
                    "Intermediate needs the elementary level first. The learner declares it, but this institution needs a credential issued here or copied from a register book.".into(),
                    serde_json::json!({"level": LlctLevel::Elementary.as_str()}),
                ),
                None => {}
            }
            let (women, men) = (r.in_service_min_age_women, r.in_service_min_age_men);
            if c.mode == Mode::InService && age < if female { women } else { men } {
                fail("in_service_age", format!("In-service intermediate classes are for women aged {women}+ and men aged {men}+ ({age} at the start)."), serde_json::json!({"women": women, "men": men, "age": age}));
            }
        }
        Level::Advanced => {
            if l.party_status != PartyStatus::Full {
                fail("full_party_membership", "Advanced is for full party members.".into(), serde_json::json!({}));
            }
            let r = &c.rules.advanced;
            if edu_rank(l.education_level) < edu_rank(r.min_education) {
                let msg = if r.min_education == EducationLevel::University {
                    "Advanced needs a university degree.".to_string()
                } else {
                    format!("Advanced needs {} education or above.", education_words(r.min_education))
                };
                fail("education", msg, serde_json::json!({"min_education": r.min_education.as_str()}));
            }
            match prerequisite(prior, before, LlctLevel::Intermediate) {
                Some(Prerequisite::Missing) => fail(
                    "prerequisite_level",
                    "Advanced needs the intermediate level first.".into(),
                    serde_json::json!({}),
                ),
                Some(Prerequisite::OnlyDeclared) => fail(
                    "prerequisite_not_evidenced",
                    "Advanced needs the intermediate level first. The learner declares it, but this institution needs a credential issued here or copied from a register book.".into(),
                    serde_json::json!({"level": LlctLevel::Intermediate.as_str()}),
                ),
                None => {}
            }
            let (women, men) = (r.in_service_min_age_women, r.in_service_min_age_men);
            if c.mode == Mode::InService && age < if female { women } else { men } {
                fail(
                    "in_service_age",
                    format!(
                        "In-service advanced classes are for women aged {women}+ and men aged {men}+ ({age} at the start)."
                    ),
                    serde_json::json!({"women": women, "men": men, "age": age}),
                );
            }
        }
    }
    if c.level != Level::Refresher && llct_rank(prior) >= level_rank(c.level) {
        fail(
            "already_holds_level",
            format!("The learner already holds the {} level.", c.level),
            serde_json::json!({"level": c.level.as_str()}),
        );
    }
    if !c.overlapping.is_empty() {
        fail(
            "overlapping_class",
            format!("Already enrolled in a class at the same time: {}.", c.overlapping.join(", ")),
            serde_json::json!({"classes": c.overlapping}),
        );
    }
    out
}

/// Every problem with the shape of an enrolment request, all at once: 1 to 1000 learners, each
/// once, every override with a reason.
pub fn enrol_problems(list: &[EnrolLearner]) -> Vec<ProblemItem> {
    let mut p = Vec::new();
    if list.is_empty() {
        p.push(ProblemItem::field("learners", "name at least one learner"));
    }
    if list.len() > 1000 {
        p.push(ProblemItem::field("learners", "at most 1000 learners in one request"));
    }
    let mut seen = HashSet::new();
    for (i, x) in list.iter().enumerate() {
        if !seen.insert(x.learner_id) {
            p.push(ProblemItem::field(format!("learners[{i}].learner_id"), "appears twice"));
        }
        for (j, o) in x.overrides.iter().enumerate() {
            if crate::text::clean(&o.reason).is_empty() {
                p.push(ProblemItem::field(format!("learners[{i}].overrides[{j}].reason"), "is required"));
            }
        }
    }
    p
}

/// The rules a learner failed that stay refusals (those not overridden, named with the learner
/// and placed at `learners[i]`), and the overrides to record: those of a rule that did fail,
/// with their reasons cleaned. Overrides of rules that passed are dropped.
pub fn apply_overrides(
    at: &str,
    name: &str,
    failed: &[ProblemItem],
    sent: &[OverrideIn],
) -> (Vec<ProblemItem>, Vec<(String, String)>) {
    let fails = |rule: &str| failed.iter().any(|f| f.code.as_deref() == Some(rule));
    let refused = failed
        .iter()
        .filter(|f| !sent.iter().any(|o| f.code.as_deref() == Some(o.rule.as_str())))
        .map(|f| ProblemItem { message: format!("{name}: {}", f.message), ..f.clone() }.at(at))
        .collect();
    let kept =
        sent.iter().filter(|o| fails(&o.rule)).map(|o| (o.rule.clone(), crate::text::clean(&o.reason))).collect();
    (refused, kept)
}

/// Every standard a lecturer fails for teaching a class of `level`: a university degree, the LLCT
/// level taught or higher (advanced covers every level), and a teaching-method certificate.
pub fn standard_refusals(l: &crate::people::model::Lecturer, level: Level) -> Vec<ProblemItem> {
    let mut out = Vec::new();
    if l.degree.is_none() {
        out.push(ProblemItem::rule("lecturer_degree", "no university degree on record."));
    }
    let needed = level_given(level);
    if llct_rank(l.llct_level) < llct_rank(needed) {
        out.push(
            ProblemItem::rule("lecturer_llct_level", format!("does not hold the {} level taught.", needed.as_str()))
                .with("level", needed.as_str()),
        );
    }
    if l.teaching_certificate_on.is_none() {
        out.push(ProblemItem::rule("teaching_certificate", "no teaching-method certificate on record."));
    }
    out
}

/// Whether a lecturer's subjects cover a module: one names its code (any case) or its title
/// (case, accents and spaces aside).
pub fn qualified(subjects: &[String], module_code: &str, module_title: &str) -> bool {
    let title = crate::text::fold(module_title);
    subjects.iter().any(|s| s.trim().eq_ignore_ascii_case(module_code) || crate::text::fold(s) == title)
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
