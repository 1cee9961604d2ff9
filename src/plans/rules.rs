//! Pure decisions about training plans: what a plan may hold, the steps from draft to
//! approval, who approves, and which revision a new plan of the year becomes.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::model::{PlanFigures, PlanLine, PlanStatus, PlanVsActualRow, TrainingPlan};
use crate::cohorts::model::Mode;
use chrono::NaiveDateTime;

use crate::db::ids::{InstitutionId, ProgramId, TrainingPlanId, UserId};
use crate::problem::ProblemItem;
use crate::programs::model::Level;
use crate::reports::rules::{roll_up, ClassFigures, Covered};

/// The years a plan may be for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// At most this many lines in one plan.
pub const MAX_LINES: usize = 200;

/// Every problem with a plan's year and lines, each on its field. `programs` holds the level of
/// every program the lines name that the institution may run (published, national or its own).
pub fn problems(year: i32, lines: &[PlanLine], programs: &HashMap<ProgramId, Level>) -> Vec<ProblemItem> {
    let mut p = Vec::new();
    if !YEARS.contains(&year) {
        p.push(ProblemItem::field("year", "must be between 2000 and 2100"));
    }
    if lines.len() > MAX_LINES {
        p.push(ProblemItem::field("lines", "must have at most 200 lines"));
    }
    let mut seen = HashSet::new();
    for (n, l) in lines.iter().enumerate() {
        let at = |f: &str| format!("lines[{n}].{f}");
        if !(0..=10_000).contains(&l.classes) {
            p.push(ProblemItem::field(at("classes"), "must be between 0 and 10000"));
        }
        if !(0..=1_000_000).contains(&l.trainee_turns) {
            p.push(ProblemItem::field(at("trainee_turns"), "must be between 0 and 1000000"));
        }
        if l.classes > 0 && l.trainee_turns == 0 {
            p.push(ProblemItem::field(at("trainee_turns"), "must be more than 0 when classes are planned"));
        }
        if let Some(program) = l.program_id {
            match programs.get(&program) {
                None => p.push(ProblemItem::field(at("program_id"), "no such published program for this institution")),
                Some(level) if *level != l.level => {
                    p.push(ProblemItem::field(at("program_id"), "is a program of another level"))
                }
                Some(_) => {}
            }
        }
        if !seen.insert((l.level, l.program_id, l.mode)) {
            p.push(ProblemItem::field(format!("lines[{n}]"), "repeats the level, program and mode of another line"));
        }
    }
    p
}

/// A step in a plan's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Approve,
}

/// Why a step is refused, by its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRefusal {
    /// Only a draft is submitted.
    NotDraft,
    /// A plan without lines plans nothing.
    Empty,
    /// Only a submitted plan is approved.
    NotSubmitted,
}

/// The status a plan takes by `step`, or why not.
pub fn step(status: PlanStatus, lines: usize, step: Step) -> Result<PlanStatus, StepRefusal> {
    match (step, status) {
        (Step::Submit, PlanStatus::Draft) if lines == 0 => Err(StepRefusal::Empty),
        (Step::Submit, PlanStatus::Draft) => Ok(PlanStatus::Submitted),
        (Step::Submit, _) => Err(StepRefusal::NotDraft),
        (Step::Approve, PlanStatus::Submitted) => Ok(PlanStatus::Approved),
        (Step::Approve, _) => Err(StepRefusal::NotSubmitted),
    }
}

/// The plan after `s`, taken by `by` at `at`: its new status, who and when, and the approving
/// decision's number; or why not.
pub fn stepped(
    cur: &TrainingPlan,
    s: Step,
    (by, at): (UserId, NaiveDateTime),
    decision_no: Option<String>,
) -> Result<TrainingPlan, StepRefusal> {
    let status = step(cur.status, cur.lines.0.len(), s)?;
    let mut row = TrainingPlan { status, version: cur.version + 1, updated_at: at, ..cur.clone() };
    match s {
        Step::Submit => (row.submitted_at, row.submitted_by) = (Some(at), Some(by)),
        Step::Approve => (row.approved_at, row.approved_by, row.decision_no) = (Some(at), Some(by), decision_no),
    }
    Ok(row)
}

/// Whether an institution administrator at `approver` (a materialised path) may approve a plan
/// of the institution at `plan`: only the body above approves, never the institution itself.
pub fn approves(approver: &str, plan: &str) -> bool {
    plan.starts_with(approver) && plan.len() > approver.len()
}

/// Why a new plan of an institution's year is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewPlanRefusal {
    /// The year's plan is still a draft or submitted: change that one.
    Open(TrainingPlanId),
    /// The year's plan is approved: a change names it in `replaces_id`.
    Approved(TrainingPlanId),
    /// `replaces_id` names a plan that is not the year's latest approved one.
    NothingToReplace,
}

/// The revision a new plan takes and the plan it replaces, given the year's latest revision.
pub fn new_revision(
    latest: Option<&TrainingPlan>,
    replaces: Option<TrainingPlanId>,
) -> Result<(i32, Option<TrainingPlanId>), NewPlanRefusal> {
    match (latest, replaces) {
        (None, None) => Ok((1, None)),
        (None, Some(_)) => Err(NewPlanRefusal::NothingToReplace),
        (Some(l), _) if l.status != PlanStatus::Approved => Err(NewPlanRefusal::Open(l.id)),
        (Some(l), Some(r)) if r == l.id => Ok((l.revision + 1, Some(l.id))),
        (Some(l), None) => Err(NewPlanRefusal::Approved(l.id)),
        (Some(_), Some(_)) => Err(NewPlanRefusal::NothingToReplace),
    }
}

/// The comparison's rows: each institution (in the order given) and each level, program and mode
/// planned or run at it or under it, with its own figures and its subtree's. A class counts under
/// its program when a plan line of its institution names that program, else under its level.
pub fn compare(
    insts: &[Covered],
    plans: &[(InstitutionId, Vec<PlanLine>)],
    classes: &[ClassFigures],
) -> Vec<PlanVsActualRow> {
    type Key = (Level, Option<ProgramId>, Mode);
    let mut own: BTreeMap<(InstitutionId, Key), PlanFigures> = BTreeMap::new();
    let mut named: HashSet<(InstitutionId, Key)> = HashSet::new();
    for (inst, lines) in plans {
        for l in lines {
            let key = (l.level, l.program_id, l.mode);
            if l.program_id.is_some() {
                named.insert((*inst, key));
            }
            let f = own.entry((*inst, key)).or_default();
            f.planned_classes += i64::from(l.classes);
            f.planned_trainee_turns += i64::from(l.trainee_turns);
        }
    }
    for c in classes {
        let by_program = (c.institution, (c.level, Some(c.program), c.mode));
        let key = if named.contains(&by_program) { by_program.1 } else { (c.level, None, c.mode) };
        let f = own.entry((c.institution, key)).or_default();
        f.classes_opened += c.figures.cohorts;
        f.enrolled += c.figures.trainee_turns;
        f.graduated += c.figures.graduated;
        f.failed += c.figures.failed;
    }
    roll_up(insts, &own, PlanFigures::add)
        .into_iter()
        .map(|(institution_id, institution_name, (level, program_id, mode), own, all)| PlanVsActualRow {
            institution_id,
            institution_name,
            level,
            program_id,
            mode,
            own: own.with_rates(),
            including_children: all.with_rates(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(level: Level, program: Option<ProgramId>, classes: i32, turns: i32) -> PlanLine {
        PlanLine { level, program_id: program, mode: Mode::InService, classes, trainee_turns: turns }
    }

    #[test]
    fn what_a_plan_may_hold() {
        let (p, q) = (ProgramId::new(), ProgramId::new());
        let programs = HashMap::from([(p, Level::Elementary)]);
        let el = Level::Elementary;
        // (year, lines) → the fields with problems
        type Row = (i32, Vec<PlanLine>, Vec<&'static str>);
        let rows: Vec<Row> = vec![
            (2026, vec![line(el, None, 4, 240), line(el, Some(p), 2, 100)], vec![]),
            (1999, vec![], vec!["year"]),
            (2026, vec![line(el, None, -1, 2_000_000)], vec!["lines[0].classes", "lines[0].trainee_turns"]),
            (2026, vec![line(el, None, 3, 0)], vec!["lines[0].trainee_turns"]),
            (2026, vec![line(el, None, 0, 0)], vec![]),
            (2026, vec![line(el, Some(q), 1, 60)], vec!["lines[0].program_id"]),
            (2026, vec![line(Level::Intermediate, Some(p), 1, 60)], vec!["lines[0].program_id"]),
            (2026, vec![line(el, None, 1, 60), line(el, None, 2, 60)], vec!["lines[1]"]),
            (2026, vec![line(el, None, 1, 60), PlanLine { mode: Mode::FullTime, ..line(el, None, 1, 60) }], vec![]),
        ];
        for (year, lines, want) in rows {
            let got: Vec<String> = problems(year, &lines, &programs).into_iter().filter_map(|x| x.field).collect();
            assert_eq!(got, want, "{year} {lines:?}");
        }
        let many = vec![line(el, None, 0, 0); MAX_LINES + 1];
        assert!(problems(2026, &many, &programs).iter().any(|x| x.field.as_deref() == Some("lines")));
    }

    #[test]
    fn steps() {
        use PlanStatus::*;
        // (status, lines, step) → result
        type Row = (PlanStatus, usize, Step, Result<PlanStatus, StepRefusal>);
        let rows: [Row; 7] = [
            (Draft, 2, Step::Submit, Ok(Submitted)),
            (Draft, 0, Step::Submit, Err(StepRefusal::Empty)),
            (Submitted, 2, Step::Submit, Err(StepRefusal::NotDraft)),
            (Approved, 2, Step::Submit, Err(StepRefusal::NotDraft)),
            (Submitted, 2, Step::Approve, Ok(Approved)),
            (Draft, 2, Step::Approve, Err(StepRefusal::NotSubmitted)),
            (Approved, 2, Step::Approve, Err(StepRefusal::NotSubmitted)),
        ];
        for (status, lines, s, want) in rows {
            assert_eq!(step(status, lines, s), want, "{status:?} {s:?}");
        }
    }

    #[test]
    fn who_approves() {
        // (approver's path, plan's path) → approves
        for (approver, plan, want) in [
            ("/a/", "/a/b/", true),
            ("/a/", "/a/b/c/", true),
            ("/a/", "/a/", false),
            ("/a/b/", "/a/", false),
            ("/x/", "/a/b/", false),
        ] {
            assert_eq!(approves(approver, plan), want, "{approver} {plan}");
        }
    }

    #[test]
    fn revisions() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let plan = |status| TrainingPlan {
            id: TrainingPlanId::new(),
            institution_id: InstitutionId::new(),
            year: 2026,
            revision: 2,
            replaces_id: None,
            status,
            lines: Default::default(),
            note: None,
            created_by: UserId::new(),
            submitted_at: None,
            submitted_by: None,
            approved_at: None,
            approved_by: None,
            decision_no: None,
            version: 1,
            created_at: t,
            updated_at: t,
        };
        let (draft, approved) = (plan(PlanStatus::Draft), plan(PlanStatus::Approved));
        let other = TrainingPlanId::new();
        assert_eq!(new_revision(None, None), Ok((1, None)));
        assert_eq!(new_revision(None, Some(other)), Err(NewPlanRefusal::NothingToReplace));
        assert_eq!(new_revision(Some(&draft), None), Err(NewPlanRefusal::Open(draft.id)));
        assert_eq!(new_revision(Some(&draft), Some(draft.id)), Err(NewPlanRefusal::Open(draft.id)));
        assert_eq!(new_revision(Some(&approved), None), Err(NewPlanRefusal::Approved(approved.id)));
        assert_eq!(new_revision(Some(&approved), Some(approved.id)), Ok((3, Some(approved.id))));
        assert_eq!(new_revision(Some(&approved), Some(other)), Err(NewPlanRefusal::NothingToReplace));
    }

    #[test]
    fn plan_against_actual_rolls_up_and_splits_by_program() {
        use crate::reports::dto::Figures;
        let (prov, dist) = (InstitutionId::new(), InstitutionId::new());
        let insts =
            vec![(prov, "Tỉnh".to_string(), "/p/".to_string()), (dist, "Huyện".to_string(), "/p/d/".to_string())];
        let (named, other) = (ProgramId::new(), ProgramId::new());
        let el = Level::Elementary;
        let plans = vec![(dist, vec![line(el, None, 4, 200), line(el, Some(named), 1, 50)])];
        let class = |program, turns, graduated| ClassFigures {
            institution: dist,
            program,
            level: el,
            mode: Mode::InService,
            figures: Figures { cohorts: 1, trainee_turns: turns, graduated, ..Default::default() },
        };
        // One class of the named program, two of another: those count under the level.
        let rows = compare(&insts, &plans, &[class(named, 40, 38), class(other, 60, 50), class(other, 70, 0)]);
        let find = |i: InstitutionId, p: Option<ProgramId>| {
            rows.iter().find(|r| r.institution_id == i && r.program_id == p).unwrap().clone()
        };
        let level = find(dist, None);
        assert_eq!((level.own.planned_classes, level.own.classes_opened, level.own.enrolled), (4, 2, 130));
        assert_eq!((level.own.classes_percent, level.own.trainee_turns_percent), (Some(50.0), Some(65.0)));
        let program = find(dist, Some(named));
        assert_eq!(
            (program.own.classes_opened, program.own.graduated, program.own.classes_percent),
            (1, 38, Some(100.0))
        );
        let top = find(prov, None);
        assert_eq!((top.own, top.including_children.planned_trainee_turns), (PlanFigures::default(), 200));
        assert_eq!(rows.len(), 4, "two keys at each of the two institutions");
        // Nothing planned: no percentage rather than a division by zero.
        let unplanned = compare(&insts, &[], &[class(other, 10, 0)]);
        assert_eq!(unplanned[0].including_children.classes_percent, None);
    }
}
