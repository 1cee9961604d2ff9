//! The attendance rules, in one tested function used by the summary, the exams and the
//! close-out: what was missed per module and for the whole program, whether the learner may sit
//! each module's exam and graduate with the class, and the best they can still reach.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::model::AttendanceStatus;
use crate::db::ids::{ModuleId, SessionId};
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

fn hours(minutes: i64) -> f64 {
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

#[cfg(test)]
mod tests {
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
