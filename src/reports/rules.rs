//! How the reports count: a class's figures, their roll-up along the institution tree, and
//! teaching periods against a lecturer's norm.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};

use super::dto::{Category, Figures, SummaryRow, WorkloadRow};
use crate::cohorts::model::{CohortStatus, Mode};
use crate::db::ids::*;
use crate::people::model::{LecturerKind, LecturerRank};
use crate::problem::ProblemItem;
use crate::programs::model::Level;

/// An institution a report covers: id, name, tree path.
pub type Covered = (InstitutionId, String, String);

/// A lecturer as the workload report names them.
/// Who taught: (id, name, institution, kind, rank, probation year, the head's adjustment in per
/// cent).
#[derive(Debug, Clone)]
pub struct LecturerFacts {
    pub id: LecturerId,
    pub full_name: String,
    pub institution_id: InstitutionId,
    pub kind: LecturerKind,
    pub rank: LecturerRank,
    pub probation_year: Option<i32>,
    pub adjustment_pct: Option<i32>,
}

/// The yearly norms in standard hours [giờ chuẩn] and what other work earns (settings
/// `[workload]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Norms {
    pub lecturer: i64,
    pub principal_lecturer: i64,
    pub senior_lecturer: i64,
    /// At most this in the probation year.
    pub probation: i64,
    /// Standard hours for each exam paper marked, for each field study report graded and for
    /// each day of field study guided.
    pub paper_hours: f64,
    pub report_hours: f64,
    pub field_day_hours: f64,
    /// Standard hours for each exam sitting invigilated.
    pub invigilation_hours: f64,
}

impl Default for Norms {
    fn default() -> Norms {
        Norms {
            lecturer: 270,
            principal_lecturer: 290,
            senior_lecturer: 310,
            probation: 90,
            paper_hours: 0.25,
            report_hours: 0.5,
            field_day_hours: 3.0,
            invigilation_hours: 0.5,
        }
    }
}

/// A lecturer's work besides teaching in the period: exam papers marked, field study reports
/// graded, days of field study guided, exam sittings invigilated.
#[derive(Debug, Default)]
pub struct OtherWork {
    pub papers: HashMap<LecturerId, i64>,
    pub reports: HashMap<LecturerId, i64>,
    pub field_days: HashMap<LecturerId, i64>,
    pub sittings: HashMap<LecturerId, i64>,
}

impl OtherWork {
    /// Everyone who did any of it.
    pub fn lecturers(&self) -> impl Iterator<Item = LecturerId> + '_ {
        [&self.papers, &self.reports, &self.field_days, &self.sittings].into_iter().flat_map(|m| m.keys().copied())
    }
}

/// The days of `[starts_on, ends_on]` that fall in `[from, to]` (none when they do not meet).
pub fn days_within(starts_on: NaiveDate, ends_on: NaiveDate, from: NaiveDate, to: NaiveDate) -> i64 {
    ((ends_on.min(to) - starts_on.max(from)).num_days() + 1).max(0)
}

/// What the yearly summary counts, per class.
#[derive(Debug, Default)]
pub struct YearFacts {
    /// The classes that opened in the period and were not cancelled.
    pub cohorts: Vec<(CohortId, InstitutionId, ProgramId, Level, Mode, CohortStatus)>,
    /// Enrolments per class and status.
    pub enrolled: Vec<(CohortId, String, i64)>,
    /// Kept results per class, outcome and classification.
    pub outcomes: Vec<(CohortId, String, Option<String>, i64)>,
    /// Failed learners per class and reason they failed on.
    pub failures: Vec<(CohortId, String, i64)>,
}

/// One class as the reports count it.
pub struct ClassFigures {
    pub institution: InstitutionId,
    pub program: ProgramId,
    pub level: Level,
    pub mode: Mode,
    pub figures: Figures,
}

/// Each class's figures.
pub fn per_class(facts: YearFacts) -> Vec<ClassFigures> {
    let mut per: HashMap<CohortId, Figures> = HashMap::new();
    for (cid, status, n) in facts.enrolled {
        let f = per.entry(cid).or_default();
        if status == "withdrawn" {
            f.withdrawn += n;
        } else {
            f.trainee_turns += n;
        }
    }
    for (cid, outcome, class, n) in facts.outcomes {
        let f = per.entry(cid).or_default();
        match outcome.as_str() {
            "graduated" => {
                f.graduated += n;
                *f.by_classification.entry(class.unwrap_or_else(|| "none".into())).or_default() += n;
            }
            "failed" => f.failed += n,
            _ => f.pending += n,
        }
    }
    for (cid, reason, n) in facts.failures {
        *per.entry(cid).or_default().failed_on.entry(reason).or_default() += n;
    }
    facts
        .cohorts
        .into_iter()
        .map(|(cid, institution, program, level, mode, status)| {
            let mut figures = per.remove(&cid).unwrap_or_default();
            figures.cohorts = 1;
            figures.closed_cohorts = i64::from(status == CohortStatus::Closed);
            ClassFigures { institution, program, level, mode, figures }
        })
        .collect()
}

/// Figures per institution and key rolled up the tree: for each institution (in the order given)
/// and each key with figures at it or under it, in key order, (institution, name, key, its own
/// figures, its whole subtree's).
pub fn roll_up<K: Ord + Clone, F: Default + Clone>(
    insts: &[Covered],
    own: &BTreeMap<(InstitutionId, K), F>,
    add: impl Fn(&mut F, &F),
) -> Vec<(InstitutionId, String, K, F, F)> {
    let path: HashMap<InstitutionId, &str> = insts.iter().map(|x| (x.0, x.2.as_str())).collect();
    let under = |x: &InstitutionId, top: &str| path.get(x).is_some_and(|p| p.starts_with(top));
    let mut rows = Vec::new();
    for (id, name, ipath) in insts {
        let mut subtree: BTreeMap<K, F> = BTreeMap::new();
        for ((x, k), f) in own {
            if under(x, ipath) {
                add(subtree.entry(k.clone()).or_default(), f);
            }
        }
        for (k, all) in subtree {
            let mine = own.get(&(*id, k.clone())).cloned().unwrap_or_default();
            rows.push((*id, name.clone(), k, mine, all));
        }
    }
    rows
}

/// The summary's rows: for each institution (in the order given) and each level and mode with
/// classes at it or under it, its own figures and those of its whole subtree.
pub fn summarise(insts: &[Covered], classes: &[ClassFigures]) -> Vec<SummaryRow> {
    let mut own: BTreeMap<(InstitutionId, (Level, Mode)), Figures> = BTreeMap::new();
    for c in classes {
        own.entry((c.institution, (c.level, c.mode))).or_default().add(&c.figures);
    }
    roll_up(insts, &own, Figures::add)
        .into_iter()
        .map(|(institution_id, institution_name, (level, mode), own, including_children)| SummaryRow {
            institution_id,
            institution_name,
            level,
            mode,
            own,
            including_children,
        })
        .collect()
}

/// One thing the summary groups: a class (grouped by its level, program or mode) or one
/// learner's enrolment in it (grouped by sending unit or category), with its figures.
pub struct Item {
    pub institution: InstitutionId,
    pub cohort: CohortId,
    pub closed: bool,
    pub key: String,
    pub figures: Figures,
}

/// Each item's figures summed per institution and group, then rolled up the tree; a class
/// counts once in every group it has items in.
pub fn grouped(insts: &[Covered], items: Vec<Item>) -> Vec<(InstitutionId, String, String, Figures, Figures)> {
    let mut own: BTreeMap<(InstitutionId, String), Figures> = BTreeMap::new();
    let mut classes: std::collections::HashSet<(InstitutionId, String, CohortId)> = Default::default();
    for it in items {
        let f = own.entry((it.institution, it.key.clone())).or_default();
        let first = classes.insert((it.institution, it.key, it.cohort));
        let mut add = it.figures;
        add.cohorts = i64::from(first);
        add.closed_cohorts = i64::from(first && it.closed);
        f.add(&add);
    }
    roll_up(insts, &own, Figures::add)
}

/// A learner's enrolment as the categories read it.
#[derive(Debug, Clone, Default)]
pub struct LearnerFacts {
    pub female: bool,
    pub ethnicity: Option<String>,
    pub probationary: bool,
    pub party_admission_date: Option<NaiveDate>,
    pub committee_member_since: Option<NaiveDate>,
    pub succession_post: Option<String>,
    pub succession_since: Option<NaiveDate>,
}

/// The categories a learner falls in on a class's first day.
pub fn categories(l: &LearnerFacts, starts_on: NaiveDate) -> Vec<Category> {
    let mut out = Vec::new();
    if l.committee_member_since.is_some_and(|d| d <= starts_on) {
        out.push(Category::PartyCommitteeMember);
    }
    if l.succession_post.is_some() && l.succession_since.is_none_or(|d| d <= starts_on) {
        out.push(Category::SuccessionPlan);
    }
    let a_year_before = starts_on.checked_sub_months(chrono::Months::new(12)).unwrap_or(starts_on);
    let admitted = l.party_admission_date.filter(|d| *d <= starts_on);
    if admitted.is_some() && (l.probationary || admitted.is_some_and(|d| d > a_year_before)) {
        out.push(Category::NewPartyMember);
    }
    if l.ethnicity.as_deref().is_some_and(|e| !e.trim().is_empty() && crate::text::fold(e) != "kinh") {
        out.push(Category::EthnicMinority);
    }
    if l.female {
        out.push(Category::Female);
    }
    out
}

/// The problem of a period from `from` to `to`, inclusive: backwards, or over ten years.
pub fn span_problem(from: NaiveDate, to: NaiveDate) -> Option<ProblemItem> {
    (to < from || (to - from).num_days() > 3660)
        .then(|| ProblemItem::field("to", "must be on or after from, within ten years"))
}

/// The period a summary covers, from `year` or `from`/`to` (each problem on its field); `this_year`
/// when neither is given.
pub fn period(
    year: Option<i32>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    this_year: i32,
) -> Result<(NaiveDate, NaiveDate), Vec<ProblemItem>> {
    let whole = |y: i32| {
        (NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default(), NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default())
    };
    match (year, from, to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            Err(vec![ProblemItem::field("year", "give either year or from and to, not both")])
        }
        (Some(y), None, None) if !(1990..=2200).contains(&y) => {
            Err(vec![ProblemItem::field("year", "must be between 1990 and 2200")])
        }
        (Some(y), None, None) => Ok(whole(y)),
        (None, None, None) => Ok(whole(this_year)),
        (None, Some(_), None) => Err(vec![ProblemItem::field("to", "is required with from")]),
        (None, None, Some(_)) => Err(vec![ProblemItem::field("from", "is required with to")]),
        (None, Some(f), Some(t)) => span_problem(f, t).map_or(Ok((f, t)), |p| Err(vec![p])),
    }
}

/// The yearly teaching norm of a full-time lecturer (others have none): by rank, at most the
/// probation norm in their probation year, then the head's adjustment (at most ±15 %), rounded.
pub fn norm(l: &LecturerFacts, year: i32, n: &Norms) -> Option<i64> {
    if l.kind != LecturerKind::FullTime {
        return None;
    }
    let mut base = match l.rank {
        LecturerRank::Lecturer => n.lecturer,
        LecturerRank::PrincipalLecturer => n.principal_lecturer,
        LecturerRank::SeniorLecturer => n.senior_lecturer,
    };
    if l.probation_year == Some(year) {
        base = base.min(n.probation);
    }
    let pct = i64::from(l.adjustment_pct.unwrap_or(0).clamp(-15, 15));
    Some((base * (100 + pct) + 50).div_euclid(100))
}

fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// One row per lecturer who taught or marked: sessions, periods of 45 minutes, papers and
/// reports marked, the standard hours of all of it with each kind's weight, and the norm pro rata
/// for `days` days, each to a tenth.
pub fn workload(
    taught: &[(LecturerId, NaiveDateTime, NaiveDateTime)],
    other: &OtherWork,
    people: Vec<LecturerFacts>,
    (days, year): (i64, i32),
    norms: &Norms,
) -> Vec<WorkloadRow> {
    let mut minutes: HashMap<LecturerId, (i64, i64)> = HashMap::new();
    for (l, a, b) in taught {
        let e = minutes.entry(*l).or_default();
        e.0 += 1;
        e.1 += (*b - *a).num_minutes();
    }
    people
        .into_iter()
        .map(|l| {
            let annual_norm = norm(&l, year, norms);
            let LecturerFacts { id, full_name, institution_id, kind, rank, .. } = l;
            let (sessions, mins) = minutes.get(&id).copied().unwrap_or_default();
            let periods = tenth(mins as f64 / 45.0);
            let papers_marked = other.papers.get(&id).copied().unwrap_or(0);
            let reports_graded = other.reports.get(&id).copied().unwrap_or(0);
            let field_study_days = other.field_days.get(&id).copied().unwrap_or(0);
            let sittings_invigilated = other.sittings.get(&id).copied().unwrap_or(0);
            let standard_hours = tenth(
                mins as f64 / 45.0
                    + papers_marked as f64 * norms.paper_hours
                    + reports_graded as f64 * norms.report_hours
                    + field_study_days as f64 * norms.field_day_hours
                    + sittings_invigilated as f64 * norms.invigilation_hours,
            );
            let norm_for_period = annual_norm.map(|n| tenth(n as f64 * days as f64 / 365.0));
            WorkloadRow {
                lecturer_id: id,
                full_name,
                institution_id,
                kind,
                rank,
                sessions,
                periods,
                papers_marked,
                reports_graded,
                field_study_days,
                sittings_invigilated,
                standard_hours,
                annual_norm,
                percent_of_norm: norm_for_period.filter(|n| *n > 0.0).map(|n| tenth(standard_hours / n * 100.0)),
                norm_for_period,
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
