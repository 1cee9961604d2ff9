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
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn ids() -> (InstitutionId, InstitutionId, InstitutionId) {
        (InstitutionId::new(), InstitutionId::new(), InstitutionId::new())
    }

    fn facts(kind: LecturerKind, rank: LecturerRank) -> LecturerFacts {
        LecturerFacts {
            id: LecturerId::new(),
            full_name: "Nguyễn Văn A".into(),
            institution_id: InstitutionId::new(),
            kind,
            rank,
            probation_year: None,
            adjustment_pct: None,
        }
    }

    #[test]
    fn norms_by_kind_rank_probation_and_adjustment() {
        use LecturerKind::*;
        use LecturerRank::*;
        let n = Norms::default();
        // (kind, rank, probation year, adjustment) → the norm in 2026
        let table = [
            (FullTime, Lecturer, None, None, Some(270)),
            (FullTime, PrincipalLecturer, None, None, Some(290)),
            (FullTime, SeniorLecturer, None, None, Some(310)),
            (Concurrent, SeniorLecturer, None, None, None),
            (Visiting, Lecturer, None, None, None),
            (FullTime, Lecturer, Some(2026), None, Some(90)),
            (FullTime, Lecturer, Some(2025), None, Some(270)),
            (FullTime, Lecturer, None, Some(15), Some(311)),
            (FullTime, Lecturer, None, Some(-15), Some(230)),
            (FullTime, SeniorLecturer, None, Some(40), Some(357)),
            (FullTime, Lecturer, Some(2026), Some(10), Some(99)),
        ];
        for (kind, rank, probation, adj, want) in table {
            let l = LecturerFacts { probation_year: probation, adjustment_pct: adj, ..facts(kind, rank) };
            assert_eq!(norm(&l, 2026, &n), want, "{kind:?} {rank:?} {probation:?} {adj:?}");
        }
        let other = Norms { lecturer: 280, ..n };
        assert_eq!(norm(&facts(FullTime, Lecturer), 2026, &other), Some(280));
    }

    #[test]
    fn workload_counts_periods_against_the_norm_pro_rata() {
        let at = |h: u32, m: u32| NaiveDate::from_ymd_opt(2025, 3, 3).unwrap().and_hms_opt(h, m, 0).unwrap();
        let who = facts(LecturerKind::FullTime, LecturerRank::Lecturer);
        let l = who.id;
        // 7:30–11:15 is 5 periods; 13:30–15:00 is 2.
        let taught = [(l, at(7, 30), at(11, 15)), (l, at(13, 30), at(15, 0))];
        let n = Norms::default();
        let none = OtherWork::default();
        let rows = workload(&taught, &none, vec![who.clone()], (73, 2025), &n);
        assert_eq!(rows[0].sessions, 2);
        assert_eq!((rows[0].periods, rows[0].standard_hours), (7.0, 7.0));
        assert_eq!(rows[0].norm_for_period, Some(54.0)); // 270 × 73 / 365
        assert_eq!(rows[0].percent_of_norm, Some(13.0));
        // 20 papers at 0.25 and 3 reports at 0.5 add 6.5 standard hours to the 7 periods.
        let other = OtherWork { papers: [(l, 20)].into(), reports: [(l, 3)].into(), ..OtherWork::default() };
        let rows = workload(&taught, &other, vec![who.clone()], (73, 2025), &n);
        assert_eq!((rows[0].papers_marked, rows[0].reports_graded, rows[0].standard_hours), (20, 3, 13.5));
        assert_eq!(rows[0].percent_of_norm, Some(25.0));
        let weighed = Norms { paper_hours: 0.5, report_hours: 0.0, ..n };
        assert_eq!(workload(&taught, &other, vec![who.clone()], (73, 2025), &weighed)[0].standard_hours, 17.0);
        // Two days of field study guided add 6 more at 3 a day, 8 at 4.
        let guided = OtherWork { field_days: [(l, 2)].into(), ..other };
        let rows = workload(&taught, &guided, vec![who.clone()], (73, 2025), &n);
        assert_eq!((rows[0].field_study_days, rows[0].standard_hours), (2, 19.5));
        let four = Norms { field_day_hours: 4.0, ..n };
        assert_eq!(workload(&taught, &guided, vec![who.clone()], (73, 2025), &four)[0].standard_hours, 21.5);
        // Three sittings invigilated at 0.5 each.
        let watched = OtherWork { sittings: [(l, 3)].into(), ..guided };
        let rows = workload(&taught, &watched, vec![who.clone()], (73, 2025), &n);
        assert_eq!((rows[0].sittings_invigilated, rows[0].standard_hours), (3, 21.0));
        let everyone: Vec<LecturerId> = watched.lecturers().collect();
        assert!(!everyone.is_empty() && everyone.iter().all(|x| *x == l));
        let visiting = LecturerFacts { kind: LecturerKind::Visiting, ..who.clone() };
        let rows = workload(&taught, &none, vec![visiting], (73, 2025), &n);
        assert_eq!((rows[0].annual_norm, rows[0].norm_for_period, rows[0].percent_of_norm), (None, None, None));
        let rows = workload(&[], &none, vec![who], (0, 2025), &n);
        assert_eq!((rows[0].sessions, rows[0].periods, rows[0].percent_of_norm), (0, 0.0, None));
    }

    #[test]
    fn a_summary_rolls_classes_up_the_tree() {
        let (prov, dist, other) = ids();
        let insts = vec![
            (prov, "Tỉnh".to_string(), "/p/".to_string()),
            (dist, "Huyện".to_string(), "/p/d/".to_string()),
            (other, "Khác".to_string(), "/o/".to_string()),
        ];
        let (a, b, c) = (CohortId::new(), CohortId::new(), CohortId::new());
        let facts = YearFacts {
            cohorts: vec![
                (a, prov, ProgramId::new(), Level::Elementary, Mode::FullTime, CohortStatus::Closed),
                (b, dist, ProgramId::new(), Level::Elementary, Mode::FullTime, CohortStatus::InProgress),
                (c, dist, ProgramId::new(), Level::Intermediate, Mode::InService, CohortStatus::Closed),
            ],
            enrolled: vec![(a, "enrolled".into(), 10), (a, "withdrawn".into(), 1), (b, "enrolled".into(), 5)],
            outcomes: vec![
                (a, "graduated".into(), Some("kha".into()), 7),
                (a, "graduated".into(), None, 1),
                (a, "failed".into(), None, 2),
                (c, "pending".into(), None, 3),
            ],
            failures: vec![(a, "attendance".into(), 1), (a, "exam".into(), 2)],
        };
        let rows = summarise(&insts, &per_class(facts));
        let row = |i: InstitutionId, l: Level| rows.iter().find(|r| r.institution_id == i && r.level == l).unwrap();
        let p = row(prov, Level::Elementary);
        assert_eq!((p.own.cohorts, p.own.closed_cohorts, p.own.trainee_turns, p.own.withdrawn), (1, 1, 10, 1));
        assert_eq!((p.own.graduated, p.own.failed), (8, 2));
        assert_eq!(p.own.by_classification.get("kha"), Some(&7));
        assert_eq!(p.own.by_classification.get("none"), Some(&1));
        assert_eq!(p.own.failed_on.get("exam"), Some(&2));
        assert_eq!(p.own.failed_on.get("attendance"), Some(&1));
        assert_eq!((p.including_children.cohorts, p.including_children.trainee_turns), (2, 15));
        // The province has an intermediate row only through its district.
        let pi = row(prov, Level::Intermediate);
        assert_eq!((pi.own.cohorts, pi.including_children.cohorts, pi.including_children.pending), (0, 1, 3));
        let d = row(dist, Level::Elementary);
        assert_eq!(d.own, d.including_children);
        assert_eq!(d.own.trainee_turns, 5);
        // An institution without classes has no rows; rows follow the order given.
        assert!(rows.iter().all(|r| r.institution_id != other));
        assert_eq!(rows.iter().map(|r| r.institution_id).collect::<Vec<_>>(), vec![prov, prov, dist, dist]);
    }

    #[test]
    fn categories_on_the_first_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let start = d(2026, 3, 2);
        let none = LearnerFacts::default();
        // (learner, categories on 2 March 2026)
        let rows: Vec<(LearnerFacts, Vec<Category>)> = vec![
            (none.clone(), vec![]),
            (LearnerFacts { female: true, ..none.clone() }, vec![Category::Female]),
            (
                LearnerFacts { committee_member_since: Some(d(2020, 1, 1)), ..none.clone() },
                vec![Category::PartyCommitteeMember],
            ),
            (LearnerFacts { committee_member_since: Some(d(2026, 6, 1)), ..none.clone() }, vec![]),
            (
                LearnerFacts { succession_post: Some("Phó Bí thư".into()), ..none.clone() },
                vec![Category::SuccessionPlan],
            ),
            (
                LearnerFacts {
                    succession_post: Some("Phó Bí thư".into()),
                    succession_since: Some(d(2026, 4, 1)),
                    ..none.clone()
                },
                vec![],
            ),
            (
                LearnerFacts { party_admission_date: Some(d(2025, 6, 1)), ..none.clone() },
                vec![Category::NewPartyMember],
            ),
            (LearnerFacts { party_admission_date: Some(d(2024, 6, 1)), ..none.clone() }, vec![]),
            (
                LearnerFacts { party_admission_date: Some(d(2024, 6, 1)), probationary: true, ..none.clone() },
                vec![Category::NewPartyMember],
            ),
            (LearnerFacts { ethnicity: Some("Tày".into()), ..none.clone() }, vec![Category::EthnicMinority]),
            (LearnerFacts { ethnicity: Some(" KINH ".into()), ..none.clone() }, vec![]),
            (LearnerFacts { ethnicity: Some("".into()), ..none.clone() }, vec![]),
        ];
        for (l, want) in rows {
            assert_eq!(categories(&l, start), want, "{l:?}");
        }
    }

    #[test]
    fn the_period_asked() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let (jan, jun) = (Some(d(2026, 1, 1)), Some(d(2026, 6, 30)));
        type Row = (Option<i32>, Option<NaiveDate>, Option<NaiveDate>, Result<(NaiveDate, NaiveDate), &'static str>);
        let rows: [Row; 8] = [
            (None, None, None, Ok((d(2026, 1, 1), d(2026, 12, 31)))),
            (Some(2025), None, None, Ok((d(2025, 1, 1), d(2025, 12, 31)))),
            (None, jan, jun, Ok((d(2026, 1, 1), d(2026, 6, 30)))),
            (Some(2025), jan, jun, Err("year")),
            (Some(20), None, None, Err("year")),
            (None, jan, None, Err("to")),
            (None, None, jun, Err("from")),
            (None, jun, jan, Err("to")),
        ];
        for (year, from, to, want) in rows {
            let got = period(year, from, to, 2026).map_err(|p| p[0].field.clone().unwrap_or_default());
            assert_eq!(got, want.map_err(str::to_string), "{year:?} {from:?} {to:?}");
        }
    }

    #[test]
    fn field_days_count_only_within_the_period() {
        let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        // (study from, to) within (period from, to) → days
        let table = [
            ((d(3, 2), d(3, 5)), (d(1, 1), d(12, 31)), 4),
            ((d(3, 2), d(3, 2)), (d(1, 1), d(12, 31)), 1),
            ((d(3, 2), d(3, 5)), (d(3, 4), d(12, 31)), 2),
            ((d(3, 2), d(3, 5)), (d(1, 1), d(3, 2)), 1),
            ((d(3, 2), d(3, 5)), (d(3, 6), d(12, 31)), 0),
            ((d(3, 2), d(3, 5)), (d(1, 1), d(3, 1)), 0),
            ((d(2, 27), d(3, 2)), (d(3, 1), d(3, 1)), 1),
        ];
        for ((a, b), (from, to), want) in table {
            assert_eq!(days_within(a, b, from, to), want, "{a} {b} in {from} {to}");
        }
    }
}
