//! Pure grading decisions: marks on the 10-point scale in tenths, double marking and its
//! escalation, blind codes.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};

use super::dto::GradeIn;
use super::model::{Exam, ExamStatus, Grade, Presence};
use crate::db::ids::{LearnerId, LecturerId};
use crate::problem::ProblemItem;

/// A mark as typed (0–10, one decimal) in tenths, or why not.
pub fn tenths(value: f64) -> Result<i32, &'static str> {
    let t = (value * 10.0).round();
    if !(0.0..=10.0).contains(&value) || (t - value * 10.0).abs() > 1e-6 {
        Err("must be between 0 and 10 with at most one decimal")
    } else {
        Ok(t as i32)
    }
}

/// A mark in tenths as people read it: 75 → 7.5.
pub fn mark(tenths: i32) -> f64 {
    f64::from(tenths) / 10.0
}

/// The mean of two marks in tenths, rounded half up to a tenth: 7.5 and 8.0 give 7.8.
pub fn mean_half_up(a: i32, b: i32) -> i32 {
    (a + b + 1) / 2
}

/// Σ(mark × weight) / Σ weight in tenths, rounded half up to a tenth (`None` without weight).
pub fn weighted_half_up(items: &[(i32, i64)]) -> Option<i32> {
    let den: i64 = items.iter().map(|(_, w)| *w).sum();
    if den == 0 {
        return None;
    }
    let num: i64 = items.iter().map(|(t, w)| i64::from(*t) * w).sum();
    Some(((2 * num + den) / (2 * den)) as i32)
}

/// Whether two graders' marks are further apart than the allowed gap (a third grader decides).
pub fn needs_third(g: &Grade, gap_tenths: i32) -> bool {
    matches!((g.first_tenths, g.second_tenths), (Some(a), Some(b)) if (a - b).abs() > gap_tenths)
}

/// Records `grader`'s mark on `g` and works out the mark that counts. Single marking: the
/// grader's mark. Double marking: each of two graders marks independently and the mean counts;
/// when they differ by more than the gap, a third grader's mark counts.
pub fn apply_mark(
    g: &mut Grade,
    grader: LecturerId,
    mark: i32,
    double: bool,
    gap_tenths: i32,
) -> Result<(), &'static str> {
    if !double {
        g.first_tenths = Some(mark);
        g.first_by = Some(grader);
        g.value_tenths = Some(mark);
        return Ok(());
    }
    if g.first_by.is_none() || g.first_by == Some(grader) {
        g.first_tenths = Some(mark);
        g.first_by = Some(grader);
    } else if g.second_by.is_none() || g.second_by == Some(grader) {
        g.second_tenths = Some(mark);
        g.second_by = Some(grader);
    } else if needs_third(g, gap_tenths) && (g.third_by.is_none() || g.third_by == Some(grader)) {
        g.third_tenths = Some(mark);
        g.third_by = Some(grader);
    } else {
        return Err("two other graders have already marked this script");
    }
    g.value_tenths = match (g.first_tenths, g.second_tenths) {
        (Some(_), Some(_)) if needs_third(g, gap_tenths) => g.third_tenths,
        (Some(a), Some(b)) => Some(mean_half_up(a, b)),
        _ => None,
    };
    Ok(())
}

/// What a grader may see of a script under double marking: their own mark, and the others' only
/// once both first marks are in.
pub fn visible_to(g: &Grade, grader: LecturerId) -> (Option<i32>, Option<i32>, Option<i32>) {
    let both = g.first_tenths.is_some() && g.second_tenths.is_some();
    let show = |by: Option<LecturerId>, v: Option<i32>| if both || by == Some(grader) { v } else { None };
    (show(g.first_by, g.first_tenths), show(g.second_by, g.second_tenths), show(g.third_by, g.third_tenths))
}

/// A mark as sent, read: who sat and the mark in tenths.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub presence: Presence,
    pub tenths: Option<i32>,
}

/// Every problem with the shape of a grade entry, all at once, or each entry's mark: 1 to 2000
/// entries, each naming a candidate by code or learner id (not both), a mark with one decimal
/// for who sat and none for who did not.
pub fn read_marks(entries: &[GradeIn]) -> Result<Vec<Mark>, Vec<ProblemItem>> {
    let mut p = Vec::new();
    if entries.is_empty() || entries.len() > 2000 {
        p.push(ProblemItem::field("entries", "must list 1 to 2000 marks"));
    }
    let mut marks = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        if e.code.is_some() == e.learner_id.is_some() {
            p.push(ProblemItem::field(format!("entries[{i}]"), "give either code or learner_id"));
        }
        let presence = e.presence.unwrap_or(Presence::Sat);
        let grade = format!("entries[{i}].grade");
        let tenths = match (presence, e.grade) {
            (Presence::Sat, Some(g)) => tenths(g).map_err(|m| p.push(ProblemItem::field(&grade, m))).ok(),
            (Presence::Sat, None) => {
                p.push(ProblemItem::field(&grade, "is required for a candidate who sat"));
                None
            }
            (_, Some(_)) => {
                p.push(ProblemItem::field(&grade, "an absent or excused candidate has no grade"));
                None
            }
            (_, None) => None,
        };
        marks.push(Mark { presence, tenths });
    }
    if p.is_empty() {
        Ok(marks)
    } else {
        Err(p)
    }
}

/// Every reason marks cannot be entered on `today`: only while the exam is sealed, and not after
/// its grading deadline (an administrator may extend it).
pub fn entry_refusals(status: ExamStatus, deadline: NaiveDate, today: NaiveDate) -> Vec<ProblemItem> {
    let mut r = Vec::new();
    if status != ExamStatus::Sealed {
        r.push(ProblemItem::rule("not_open", format!("Marks are entered while the exam is sealed; it is {status}.")));
    }
    if today > deadline {
        r.push(ProblemItem::rule(
            "deadline_passed",
            "The grading deadline has passed; an administrator may extend it.",
        ));
    }
    r
}

/// A script before and after an entry, with the reason given.
pub type MarkChange = (Grade, Grade, Option<String>);

/// What `grader`'s entries change, script by script, or every entry refused: a blind exam is
/// marked by candidate code only, each entry must name a candidate of the exam, and a double
/// marked script takes at most three graders. Entries that change nothing are left out.
pub fn plan_marks(
    exam: &Exam,
    grades: &[Grade],
    entries: &[GradeIn],
    marks: &[Mark],
    grader: LecturerId,
    gap_tenths: i32,
) -> Result<Vec<MarkChange>, Vec<ProblemItem>> {
    let by_code: HashMap<&str, &Grade> = grades.iter().map(|g| (g.code.as_str(), g)).collect();
    let by_learner: HashMap<LearnerId, &Grade> = grades.iter().map(|g| (g.learner_id, g)).collect();
    let mut refusals = Vec::new();
    let mut changes = Vec::new();
    for (i, (e, m)) in entries.iter().zip(marks).enumerate() {
        let at = format!("entries[{i}]");
        if exam.blind && e.learner_id.is_some() {
            refusals
                .push(ProblemItem::rule("blind_marking", "This exam is marked blind: use the candidate code.").at(at));
            continue;
        }
        let found = match (&e.code, e.learner_id) {
            (Some(c), _) => by_code.get(c.as_str()),
            (_, Some(l)) => by_learner.get(&l),
            _ => None,
        };
        let Some(cur) = found.map(|g| (*g).clone()) else {
            refusals.push(ProblemItem::rule("not_a_candidate", "No such candidate in this exam.").at(at));
            continue;
        };
        let mut row = cur.clone();
        row.presence = m.presence;
        match m.tenths {
            Some(t) => {
                if let Err(msg) = apply_mark(&mut row, grader, t, exam.double_marking, gap_tenths) {
                    refusals.push(ProblemItem::rule("grader_slot", msg).at(at));
                    continue;
                }
            }
            None => row.value_tenths = None,
        }
        if row != cur {
            changes.push((cur, row, e.reason.clone()));
        }
    }
    if refusals.is_empty() {
        Ok(changes)
    } else {
        Err(refusals)
    }
}

/// Why a grade of `exam` cannot be appealed at `at`: only once published (or locked), and
/// within `window_days` of publication.
pub fn appeal_refusals(exam: &Exam, at: NaiveDateTime, window_days: u32) -> Vec<ProblemItem> {
    let published = exam.published_at.filter(|_| matches!(exam.status, ExamStatus::Published | ExamStatus::Locked));
    match published {
        None => vec![ProblemItem::rule("not_published", "Grades can be appealed once they are published.")],
        Some(p) if at > p + chrono::Duration::days(i64::from(window_days)) => vec![ProblemItem::rule(
            "window_closed",
            format!("Appeals may be filed within {window_days} days of publication."),
        )],
        Some(_) => Vec::new(),
    }
}

/// The status an exam must have before it goes to `to` (published after sealed, locked after
/// published), when it has another; none when the step is allowed.
pub fn finishes_from(status: ExamStatus, to: ExamStatus) -> Option<ExamStatus> {
    let from = if to == ExamStatus::Published { ExamStatus::Sealed } else { ExamStatus::Published };
    (status != from).then_some(from)
}

/// Every candidate who sat without a final grade, by name and code: no mark yet, or under
/// double marking two marks too far apart and no third.
pub fn missing_grades(exam: &Exam, grades: &[(Grade, String)], gap_tenths: i32) -> Vec<ProblemItem> {
    grades
        .iter()
        .filter(|(g, _)| {
            g.presence == Presence::Sat
                && (g.value_tenths.is_none()
                    || (exam.double_marking && needs_third(g, gap_tenths) && g.third_tenths.is_none()))
        })
        .map(|(g, name)| {
            ProblemItem::rule("grade_missing", format!("{name} (code {}) has no final grade yet.", g.code))
        })
        .collect()
}

/// `n` distinct random six-digit candidate codes [số phách].
pub fn codes(n: usize) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let c = format!("{:06}", rand::random_range(100_000..1_000_000u32));
        if seen.insert(c.clone()) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;

/// Every problem with when a sitting is held: a local start time `HH:MM`, 15 to 600 minutes.
pub fn sitting_problems(start_time: Option<&str>, minutes: Option<i32>) -> Vec<ProblemItem> {
    let mut out = Vec::new();
    let well_formed = |t: &str| t.len() == 5 && chrono::NaiveTime::parse_from_str(t, "%H:%M").is_ok();
    if start_time.is_some_and(|t| !well_formed(t)) {
        out.push(ProblemItem::field("start_time", "must be a time of day as HH:MM"));
    }
    if minutes.is_some_and(|m| !(15..=600).contains(&m)) {
        out.push(ProblemItem::field("duration_minutes", "must be between 15 and 600"));
    }
    out
}

/// Why a graduation exam cannot draw its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoDraw {
    /// Only a graduation exam has a subject drawn.
    NotGraduation,
    /// Its subject is known already (drawn, or named when it was scheduled).
    AlreadyDrawn,
    /// The program has no graduation subject left that another exam of the class does not
    /// examine already.
    NoSubjects,
}

/// The subjects a graduation exam draws from: the program's graduation subjects that no other
/// graduation exam of the class examines, in program order.
pub fn draw_pool(exam: &Exam, subjects: &[String], taken: &[String]) -> Result<Vec<String>, NoDraw> {
    if exam.kind != super::model::ExamKind::Graduation {
        return Err(NoDraw::NotGraduation);
    }
    if exam.subject_code.is_some() {
        return Err(NoDraw::AlreadyDrawn);
    }
    let pool: Vec<String> = subjects.iter().filter(|s| !taken.contains(s)).cloned().collect();
    if pool.is_empty() {
        Err(NoDraw::NoSubjects)
    } else {
        Ok(pool)
    }
}

/// Why marks cannot be entered in the caller's name.
#[derive(Debug, Clone, PartialEq)]
pub enum NotTyped {
    /// Only an administrator types marks for a grader.
    Forbidden,
    /// A rule refuses it (`not_a_grader`).
    Refused(ProblemItem),
    /// A field is wrong or missing.
    Invalid(ProblemItem),
}

/// The grader whose marks an entry is: the caller's own when they grade the exam; or, for an
/// administrator typing a signed paper score sheet (`on_behalf`), that grader, who must be one
/// of the exam's, with the sheet's reference (1 to 100 characters).
pub fn typed_for(
    admin: bool,
    grader: Option<LecturerId>,
    on_behalf: Option<LecturerId>,
    graders: &[LecturerId],
    sheet: Option<&str>,
) -> Result<LecturerId, NotTyped> {
    match (on_behalf, grader) {
        (None, Some(me)) => Ok(me),
        (None, None) => {
            Err(NotTyped::Refused(ProblemItem::rule("not_a_grader", "Only the exam's graders enter marks.")))
        }
        (Some(_), _) if !admin => Err(NotTyped::Forbidden),
        (Some(g), _) if !graders.contains(&g) => Err(NotTyped::Refused(ProblemItem::rule(
            "not_a_grader",
            "Marks are typed only for one of the exam's graders.",
        ))),
        (Some(_), _) if sheet.is_none_or(|s| s.is_empty() || s.chars().count() > 100) => {
            Err(NotTyped::Invalid(ProblemItem::field(
                "sheet_reference",
                "is required, 1 to 100 characters, when marks are typed for a grader",
            )))
        }
        (Some(g), _) => Ok(g),
    }
}

/// Most rooms one sitting uses.
pub const MAX_ROOMS: usize = 50;

/// Every problem with a sitting's rooms: names 1 to 80 characters and unique (case and accents
/// ignored), 1 to 500 seats, at least one invigilator, each once.
pub fn room_problems(rooms: &[super::model::Room]) -> Vec<ProblemItem> {
    let mut out = Vec::new();
    if rooms.len() > MAX_ROOMS {
        out.push(ProblemItem::field("rooms", format!("must list at most {MAX_ROOMS} rooms")));
    }
    let mut seen = HashSet::new();
    for (i, r) in rooms.iter().enumerate() {
        let name = crate::text::clean(&r.name);
        if name.is_empty() || name.chars().count() > 80 {
            out.push(ProblemItem::field(format!("rooms[{i}].name"), "must be 1 to 80 characters"));
        } else if !seen.insert(crate::text::fold(&name)) {
            out.push(ProblemItem::field(format!("rooms[{i}].name"), "appears twice"));
        }
        if !(1..=500).contains(&r.capacity) {
            out.push(ProblemItem::field(format!("rooms[{i}].capacity"), "must be between 1 and 500"));
        }
        let distinct: HashSet<_> = r.invigilators.iter().collect();
        if r.invigilators.is_empty() {
            out.push(ProblemItem::field(format!("rooms[{i}].invigilators"), "name at least one invigilator"));
        } else if distinct.len() != r.invigilators.len() {
            out.push(ProblemItem::field(format!("rooms[{i}].invigilators"), "lists a lecturer twice"));
        }
    }
    out
}

/// Minutes after midnight of an `HH:MM` start.
fn minute_of_day(t: &str) -> Option<i32> {
    let t = chrono::NaiveTime::parse_from_str(t, "%H:%M").ok()?;
    Some(chrono::Timelike::hour(&t) as i32 * 60 + chrono::Timelike::minute(&t) as i32)
}

/// Whether two sittings of one day overlap: one without a start time takes the whole day.
pub fn sittings_overlap(a: (Option<&str>, Option<i32>), b: (Option<&str>, Option<i32>)) -> bool {
    let span = |(start, minutes): (Option<&str>, Option<i32>)| {
        start.and_then(minute_of_day).map(|s| (s, s + minutes.unwrap_or(0).max(1)))
    };
    match (span(a), span(b)) {
        (Some((a0, a1)), Some((b0, b1))) => a0 < b1 && b0 < a1,
        _ => true,
    }
}

/// The rooms of `exam` that another sitting of the same day uses at the same time, each with
/// the other exam's title.
pub fn room_clashes(exam: &Exam, others: &[Exam]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for o in others.iter().filter(|o| o.id != exam.id && o.held_on == exam.held_on) {
        let (a, b) =
            ((exam.start_time.as_deref(), exam.duration_minutes), (o.start_time.as_deref(), o.duration_minutes));
        if !sittings_overlap(a, b) {
            continue;
        }
        for r in &exam.rooms.0 {
            let key = crate::text::fold(&r.name);
            if o.rooms.0.iter().any(|x| crate::text::fold(&x.name) == key) {
                out.push((r.name.clone(), o.title.clone()));
            }
        }
    }
    out
}

/// The room of each of `candidates` candidates, seated in order room by room; or how many seats
/// are missing. No rooms: everyone in one unnamed room (index 0).
pub fn seat_rooms(candidates: usize, rooms: &[super::model::Room]) -> Result<Vec<usize>, usize> {
    if rooms.is_empty() {
        return Ok(vec![0; candidates]);
    }
    let seats: usize = rooms.iter().map(|r| r.capacity.max(0) as usize).sum();
    if seats < candidates {
        return Err(candidates - seats);
    }
    let mut out = Vec::with_capacity(candidates);
    for (i, r) in rooms.iter().enumerate() {
        let left = candidates - out.len();
        out.extend(std::iter::repeat_n(i, left.min(r.capacity.max(0) as usize)));
    }
    Ok(out)
}
