//! The attendance rules: who may take a roll when, what a roll call may say, and in one tested
//! function used by the summary, the exams and the close-out: what was missed per module and for the whole program, whether the learner may sit
//! each module's exam and graduate with the class, and the best they can still reach.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::AttendanceStatus;
use crate::db::ids::{LearnerId, ModuleId, SessionId};
use crate::problem::ProblemItem;
use crate::programs::rule_settings::ProgramRules;

/// A scheduled session as the rules see it.
#[derive(Debug, Clone)]
pub struct SessionFacts {
    pub id: SessionId,
    pub module_id: ModuleId,
    /// Its local date (sessions before the learner's enrolment date do not count).
    pub day: NaiveDate,
    pub minutes: i64,
    /// Whether it has started (only those can be attended or missed).
    pub held: bool,
}

/// One module's figures for one learner. Minutes, with hours as 45-minute periods [tiết].
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ModuleAttendance {
    pub module_id: ModuleId,
    pub planned_minutes: i64,
    pub held_minutes: i64,
    pub attended_minutes: i64,
    /// Missed, after make-up hours are taken off.
    pub missed_minutes: i64,
    pub made_up_minutes: i64,
    /// Held sessions whose roll has not been taken.
    pub unrecorded_minutes: i64,
    pub hours_attended: f64,
    pub hours_missed: f64,
    /// Attended share of the held, recorded time, in percent.
    pub attendance_rate: f64,
    /// Missed share of the planned time, in percent.
    pub missed_pct: f64,
    /// The attendance rate reached if every remaining session is attended, in percent.
    pub best_reachable_rate: f64,
    pub exam_eligible: bool,
    /// Why not, when not.
    pub reason: Option<String>,
}

/// A learner's figures for the whole program.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProgramAttendance {
    pub planned_minutes: i64,
    pub missed_minutes: i64,
    pub missed_pct: f64,
    pub best_reachable_rate: f64,
    pub graduation_eligible: bool,
    pub reason: Option<String>,
}

/// Minutes as 45-minute periods [tiết], to one decimal.
pub fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 45.0 * 10.0).round() / 10.0
}

fn pct(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// `missed / planned` is within `limit_pct` percent (exactly at the limit is within).
fn within(missed: i64, planned: i64, limit_pct: f64) -> bool {
    planned == 0 || (missed as f64) * 100.0 <= limit_pct * planned as f64 + 1e-9
}

/// Whether a mark counts as missed under the program's rules.
pub fn is_missed(rules: &ProgramRules, s: AttendanceStatus) -> bool {
    match s {
        AttendanceStatus::Absent => true,
        AttendanceStatus::Excused => rules.excused_counts_as_missed,
        AttendanceStatus::Late => !rules.late_counts_as_present,
        AttendanceStatus::Present => false,
    }
}

/// The figures of one learner: per module (in the order of `modules`) and for the program.
pub fn summarise(
    rules: &ProgramRules,
    modules: &[ModuleId],
    sessions: &[SessionFacts],
    enrolled_on: NaiveDate,
    marks: &HashMap<SessionId, AttendanceStatus>,
    made_up: &HashMap<ModuleId, i64>,
) -> (Vec<ModuleAttendance>, ProgramAttendance) {
    let mut out = Vec::with_capacity(modules.len());
    let (mut total_planned, mut total_missed) = (0, 0);
    for m in modules {
        let (mut planned, mut held, mut missed_raw, mut unrecorded) = (0i64, 0i64, 0i64, 0i64);
        for s in sessions.iter().filter(|s| s.module_id == *m && s.day >= enrolled_on) {
            planned += s.minutes;
            if !s.held {
                continue;
            }
            held += s.minutes;
            match marks.get(&s.id) {
                None => unrecorded += s.minutes,
                Some(st) if is_missed(rules, *st) => missed_raw += s.minutes,
                Some(_) => {}
            }
        }
        let made_up_m = made_up.get(m).copied().unwrap_or(0).min(missed_raw);
        let missed = missed_raw - made_up_m;
        let attended = held - missed_raw - unrecorded + made_up_m;
        let eligible = within(missed, planned, rules.module_absence_limit_pct);
        out.push(ModuleAttendance {
            module_id: *m,
            planned_minutes: planned,
            held_minutes: held,
            attended_minutes: attended,
            missed_minutes: missed,
            made_up_minutes: made_up_m,
            unrecorded_minutes: unrecorded,
            hours_attended: hours(attended),
            hours_missed: hours(missed),
            attendance_rate: if held - unrecorded > 0 { pct(attended, held - unrecorded) } else { 100.0 },
            missed_pct: pct(missed, planned),
            best_reachable_rate: if planned > 0 { pct(planned - missed, planned) } else { 100.0 },
            exam_eligible: eligible,
            reason: (!eligible).then(|| {
                format!(
                    "Missed {}% of the module's time; the limit is {}%. Make up the hours to sit the exam.",
                    pct(missed, planned),
                    rules.module_absence_limit_pct
                )
            }),
        });
        total_planned += planned;
        total_missed += missed;
    }
    let ok = within(total_missed, total_planned, rules.program_absence_limit_pct);
    let program = ProgramAttendance {
        planned_minutes: total_planned,
        missed_minutes: total_missed,
        missed_pct: pct(total_missed, total_planned),
        best_reachable_rate: if total_planned > 0 { pct(total_planned - total_missed, total_planned) } else { 100.0 },
        graduation_eligible: ok,
        reason: (!ok).then(|| {
            format!(
                "Missed {}% of the program's time; the limit is {}%: cannot graduate with the class.",
                pct(total_missed, total_planned),
                rules.program_absence_limit_pct
            )
        }),
    };
    (out, program)
}

/// One learner's mark in a roll call.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkIn {
    pub learner_id: LearnerId,
    pub status: AttendanceStatus,
    pub minutes_late: Option<i32>,
    pub note: Option<String>,
}

/// Every problem with the shape of a roll call's entries, all at once: 1 to 1000 of them, each
/// learner once, minutes late only for late arrivals and 0 to 600, notes of at most 500
/// characters.
pub fn entry_problems(entries: &[MarkIn]) -> Vec<ProblemItem> {
    let mut p = Vec::new();
    if entries.is_empty() || entries.len() > 1000 {
        p.push(ProblemItem::field("entries", "must list 1 to 1000 learners"));
    }
    let mut seen = HashSet::new();
    for (i, e) in entries.iter().enumerate() {
        let at = |f: &str| format!("entries[{i}].{f}");
        if !seen.insert(e.learner_id) {
            p.push(ProblemItem::field(at("learner_id"), "appears twice"));
        }
        if e.minutes_late.is_some() && e.status != AttendanceStatus::Late {
            p.push(ProblemItem::field(at("minutes_late"), "only for late arrivals"));
        }
        if e.minutes_late.is_some_and(|m| !(0..=600).contains(&m)) {
            p.push(ProblemItem::field(at("minutes_late"), "must be 0 to 600"));
        }
        if e.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            p.push(ProblemItem::field(at("note"), "must be at most 500 characters"));
        }
    }
    p
}

/// The entries for learners not on the class's roll on the session's date (`on_roll`); judged
/// after the shape and the window.
pub fn off_roll(entries: &[MarkIn], on_roll: &HashSet<LearnerId>) -> Vec<ProblemItem> {
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !on_roll.contains(&e.learner_id))
        .map(|(i, _)| {
            ProblemItem::field(
                format!("entries[{i}].learner_id"),
                "was not enrolled in the class on the session's date",
            )
        })
        .collect()
}

/// A session as the roll-call window sees it.
#[derive(Debug, Clone, Copy)]
pub struct RollWindow {
    pub cancelled: bool,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// How long after the end the session's lecturer may still correct it.
    pub correction: chrono::Duration,
}

/// Every reason the roll cannot be taken at `at`: a cancelled session has none; a roll opens at
/// the start; after the lecturer's window only an administrator giving a reason may correct it.
pub fn roll_refusals(w: RollWindow, at: NaiveDateTime, admin: bool, has_reason: bool) -> Vec<ProblemItem> {
    let mut r = Vec::new();
    if w.cancelled {
        r.push(ProblemItem::rule("session_cancelled", "The session was cancelled; it has no roll."));
    }
    if at < w.starts_at {
        r.push(ProblemItem::rule("not_started", "The roll can be taken once the session has started."));
    }
    if at > w.ends_at + w.correction && !(admin && has_reason) {
        r.push(ProblemItem::rule(
            "correction_window_closed",
            "The lecturer's window for this roll has closed: an administrator may correct it, giving a reason.",
        ));
    }
    r
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate as D};

    fn t(h: u32, m: u32) -> NaiveDateTime {
        D::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn the_roll_window() {
        let w = RollWindow { cancelled: false, starts_at: t(7, 30), ends_at: t(11, 0), correction: Duration::hours(2) };
        let codes = |w: RollWindow, at, admin, reason| -> Vec<String> {
            roll_refusals(w, at, admin, reason).into_iter().filter_map(|p| p.code).collect()
        };
        // (window, at, administrator, reason given) → refusals
        for (w, at, admin, reason, want) in [
            (w, t(7, 29), false, false, vec!["not_started"]),
            (w, t(7, 30), false, false, vec![]),
            (w, t(13, 0), false, false, vec![]),
            (w, t(13, 1), false, true, vec!["correction_window_closed"]),
            (w, t(13, 1), true, false, vec!["correction_window_closed"]),
            (w, t(13, 1), true, true, vec![]),
            (RollWindow { cancelled: true, ..w }, t(7, 0), true, true, vec!["session_cancelled", "not_started"]),
        ] {
            assert_eq!(codes(w, at, admin, reason), want, "at {at}, admin {admin}, reason {reason}");
        }
    }

    #[test]
    fn roll_entries_are_judged_together() {
        let a = LearnerId::new();
        let b = LearnerId::new();
        let on_roll: HashSet<LearnerId> = [a].into();
        let mark = |l, status, late: Option<i32>, note: Option<&str>| MarkIn {
            learner_id: l,
            status,
            minutes_late: late,
            note: note.map(str::to_string),
        };
        let fields = |entries: &[MarkIn]| -> Vec<String> {
            entry_problems(entries).into_iter().chain(off_roll(entries, &on_roll)).filter_map(|p| p.field).collect()
        };
        assert!(fields(&[mark(a, AttendanceStatus::Late, Some(10), Some("xe hỏng"))]).is_empty());
        assert_eq!(fields(&[]), vec!["entries"]);
        assert_eq!(
            fields(&[
                mark(a, AttendanceStatus::Present, Some(5), None),
                mark(a, AttendanceStatus::Late, Some(601), None),
                mark(b, AttendanceStatus::Absent, None, Some(&"x".repeat(501))),
            ]),
            vec![
                "entries[0].minutes_late",
                "entries[1].learner_id",
                "entries[1].minutes_late",
                "entries[2].note",
                "entries[2].learner_id"
            ]
        );
    }

    use super::*;
    use AttendanceStatus::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    /// Ten 45-minute sessions of one module on March 1–10, the first `held` of them past.
    fn ten(m: ModuleId, held: usize) -> Vec<SessionFacts> {
        (0..10)
            .map(|i| SessionFacts {
                id: SessionId::new(),
                module_id: m,
                day: d(i as u32 + 1),
                minutes: 45,
                held: i < held,
            })
            .collect()
    }

    fn marks(s: &[SessionFacts], statuses: &[AttendanceStatus]) -> HashMap<SessionId, AttendanceStatus> {
        s.iter().zip(statuses).map(|(s, st)| (s.id, *st)).collect()
    }

    #[test]
    fn exactly_twenty_percent_missed_is_eligible_above_is_not() {
        let m = ModuleId::new();
        let s = ten(m, 10);
        let r = ProgramRules::default();
        let two = marks(&s, &[Absent, Absent, Present, Present, Present, Present, Present, Present, Present, Present]);
        let (mods, _) = summarise(&r, &[m], &s, d(1), &two, &HashMap::new());
        assert_eq!(mods[0].missed_pct, 20.0);
        assert!(mods[0].exam_eligible);
        let three = marks(&s, &[Absent, Absent, Absent, Present, Present, Present, Present, Present, Present, Present]);
        let (mods, _) = summarise(&r, &[m], &s, d(1), &three, &HashMap::new());
        assert_eq!(mods[0].missed_pct, 30.0);
        assert!(!mods[0].exam_eligible);
        assert!(mods[0].reason.as_deref().unwrap().contains("20%"));
    }

    #[test]
    fn excused_and_late_follow_the_settings() {
        let m = ModuleId::new();
        let s = ten(m, 10);
        let st = marks(&s, &[Excused, Excused, Excused, Late, Late, Present, Present, Present, Present, Present]);
        let mut r = ProgramRules::default();
        let (mods, _) = summarise(&r, &[m], &s, d(1), &st, &HashMap::new());
        assert_eq!((mods[0].missed_pct, mods[0].exam_eligible), (30.0, false));
        r.excused_counts_as_missed = false;
        let (mods, _) = summarise(&r, &[m], &s, d(1), &st, &HashMap::new());
        assert_eq!((mods[0].missed_pct, mods[0].exam_eligible), (0.0, true));
        r.late_counts_as_present = false;
        let (mods, _) = summarise(&r, &[m], &s, d(1), &st, &HashMap::new());
        assert_eq!((mods[0].missed_pct, mods[0].exam_eligible), (20.0, true));
    }

    #[test]
    fn late_enrolment_counts_only_later_sessions() {
        let m = ModuleId::new();
        let s = ten(m, 10);
        // Enrolled on the 6th: the first five sessions are not theirs to miss.
        let st = marks(&s, &[Absent, Absent, Absent, Absent, Absent, Present, Present, Present, Present, Absent]);
        let (mods, program) = summarise(&ProgramRules::default(), &[m], &s, d(6), &st, &HashMap::new());
        assert_eq!(mods[0].planned_minutes, 225);
        assert_eq!(mods[0].missed_pct, 20.0);
        assert!(mods[0].exam_eligible && program.graduation_eligible);
    }

    #[test]
    fn make_up_restores_eligibility_and_best_reachable_looks_ahead() {
        let m = ModuleId::new();
        let s = ten(m, 4);
        let st = marks(&s, &[Absent, Absent, Absent, Present]);
        let r = ProgramRules::default();
        let (mods, _) = summarise(&r, &[m], &s, d(1), &st, &HashMap::new());
        assert!(!mods[0].exam_eligible);
        assert_eq!(mods[0].best_reachable_rate, 70.0);
        assert_eq!(mods[0].attendance_rate, 25.0);
        let made_up = HashMap::from([(m, 45)]);
        let (mods, _) = summarise(&r, &[m], &s, d(1), &st, &made_up);
        assert_eq!((mods[0].missed_minutes, mods[0].made_up_minutes, mods[0].exam_eligible), (90, 45, true));
        // Not-yet-held sessions and unrecorded ones are never counted as missed.
        let none = summarise(&r, &[m], &s, d(1), &HashMap::new(), &HashMap::new()).0;
        assert_eq!((none[0].missed_minutes, none[0].unrecorded_minutes), (0, 180));
    }

    #[test]
    fn the_program_limit_is_separate() {
        let (a, b) = (ModuleId::new(), ModuleId::new());
        let mut s = ten(a, 10);
        s.extend(ten(b, 10));
        // 2 of 10 missed in each module: both exams allowed, 20% of the program.
        let mut st = marks(&s[..10], &[Absent, Absent]);
        st.extend(marks(&s[10..], &[Absent, Absent]));
        let r = ProgramRules { program_absence_limit_pct: 15.0, ..ProgramRules::default() };
        let (mods, program) = summarise(&r, &[a, b], &s, d(1), &st, &HashMap::new());
        assert!(mods.iter().all(|m| m.exam_eligible));
        assert_eq!(program.missed_pct, 20.0);
        assert!(!program.graduation_eligible);
    }
}
