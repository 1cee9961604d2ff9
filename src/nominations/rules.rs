//! What a nomination list and the school's decisions on it must satisfy: pure checks, each
//! problem on its field.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{Datelike, NaiveDate};

use super::model::{NominationStatus, PersonStatus, Verdict};
use crate::problem::ProblemItem;

/// Most people one list may carry.
pub const MAX_PEOPLE: usize = 1000;

/// The list's own fields as sent (text already cleaned).
pub struct Header<'a> {
    pub decision_no: &'a str,
    pub decision_on: NaiveDate,
    pub has_cohort: bool,
    pub has_program: bool,
    pub year: Option<i32>,
    pub note: Option<&'a str>,
    pub people: usize,
}

/// Every problem of the list's fields: the decision's number and date (not in the future), one
/// target (a class, or a program with a year near today's), between 1 and [`MAX_PEOPLE`] people.
pub fn header_problems(h: &Header, today: NaiveDate) -> Vec<ProblemItem> {
    let mut out = Vec::new();
    let len = h.decision_no.chars().count();
    if len == 0 || len > 60 {
        out.push(ProblemItem::field("decision_no", "must be 1 to 60 characters"));
    }
    if h.decision_on > today {
        out.push(ProblemItem::field("decision_on", "must not be in the future"));
    } else if h.decision_on.year() < 2000 {
        out.push(ProblemItem::field("decision_on", "must be in 2000 or later"));
    }
    match (h.has_cohort, h.has_program, h.year) {
        (true, false, None) | (false, true, Some(_)) => {}
        (true, true, _) => out.push(ProblemItem::field("program_id", "give cohort_id or program_id, not both")),
        (true, false, Some(_)) => out.push(ProblemItem::field("year", "goes with program_id, not with cohort_id")),
        (false, true, None) => out.push(ProblemItem::field("year", "is required with program_id")),
        (false, false, _) => out.push(ProblemItem::field("cohort_id", "give cohort_id, or program_id and year")),
    }
    if let Some(y) = h.year {
        if y < today.year() - 1 || y > today.year() + 2 {
            out.push(ProblemItem::field("year", "must be within a year before and two years after this one"));
        }
    }
    if h.note.is_some_and(|n| n.chars().count() > 2000) {
        out.push(ProblemItem::field("note", "must be at most 2000 characters"));
    }
    if h.people == 0 {
        out.push(ProblemItem::field("people", "must name at least one person"));
    } else if h.people > MAX_PEOPLE {
        out.push(ProblemItem::field("people", format!("may name at most {MAX_PEOPLE} people; split the list")));
    }
    out
}

/// Whether a unit registered at the institution on `unit_path` may send people to the one on
/// `target_path`: the same institution, one above it or one below it (a commune's unit to the
/// province's school, a province's department to a commune centre's class).
pub fn reaches(unit_path: &str, target_path: &str) -> bool {
    unit_path.starts_with(target_path) || target_path.starts_with(unit_path)
}

/// For each entry that repeats an earlier one, its index and the earlier one's.
pub fn repeated<K: Eq + Hash>(keys: impl IntoIterator<Item = K>) -> Vec<(usize, usize)> {
    let mut first: HashMap<K, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, k) in keys.into_iter().enumerate() {
        if let Some(f) = first.get(&k) {
            out.push((i, *f));
        } else {
            first.insert(k, i);
        }
    }
    out
}

/// One decision as asked (reasons cleaned).
pub struct Asked<'a> {
    pub person: u32,
    pub verdict: Verdict,
    pub reasons: &'a [String],
    pub overrides: usize,
    pub has_cohort: bool,
}

/// Every problem of a set of decisions on a list whose people (by position from 1) have these
/// statuses: an unknown person, one decided twice in the set or decided before, a rejection
/// without reasons, an acceptance with reasons, overrides or a class on a rejection, and a
/// missing class where the list names a program (`needs_cohort`).
pub fn decision_problems(asked: &[Asked], people: &[PersonStatus], needs_cohort: bool) -> Vec<ProblemItem> {
    let mut out = Vec::new();
    if asked.is_empty() {
        out.push(ProblemItem::field("decisions", "must decide for at least one person"));
    }
    let twice: HashMap<usize, usize> = repeated(asked.iter().map(|a| a.person)).into_iter().collect();
    for (i, a) in asked.iter().enumerate() {
        let at = |f: &str| format!("decisions[{i}].{f}");
        match (a.person as usize).checked_sub(1).and_then(|p| people.get(p)) {
            None => out.push(ProblemItem::field(at("person"), "is not a number on the list")),
            Some(_) if twice.contains_key(&i) => {
                out.push(ProblemItem::field(at("person"), format!("is decided already in decisions[{}]", twice[&i])))
            }
            Some(PersonStatus::Pending) => {}
            Some(s) => out.push(
                ProblemItem::rule("already_decided", format!("Person {} on the list is already {s}.", a.person))
                    .at(at("person")),
            ),
        }
        match a.verdict {
            Verdict::Reject => {
                if a.reasons.is_empty() {
                    out.push(ProblemItem::field(at("reasons"), "a rejection needs at least one reason"));
                }
                if a.overrides > 0 {
                    out.push(ProblemItem::field(at("overrides"), "goes with an acceptance only"));
                }
                if a.has_cohort {
                    out.push(ProblemItem::field(at("cohort_id"), "goes with an acceptance only"));
                }
            }
            Verdict::Accept => {
                if !a.reasons.is_empty() {
                    out.push(ProblemItem::field(at("reasons"), "goes with a rejection only"));
                }
                if needs_cohort && !a.has_cohort {
                    out.push(ProblemItem::field(at("cohort_id"), "is required: the list names a program, not a class"));
                }
            }
        }
        for (j, r) in a.reasons.iter().enumerate() {
            let n = r.chars().count();
            if n == 0 || n > 500 {
                out.push(ProblemItem::field(at(&format!("reasons[{j}]")), "must be 1 to 500 characters"));
            }
        }
    }
    out
}

/// The list's status once `pending` people are left.
pub fn status_of(pending: i32) -> NominationStatus {
    if pending == 0 {
        NominationStatus::Decided
    } else {
        NominationStatus::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fields(items: &[ProblemItem]) -> Vec<String> {
        items
            .iter()
            .map(|p| format!("{}:{}", p.field.clone().unwrap_or_default(), p.code.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn header() {
        let today = d("2026-12-02");
        let ok = Header {
            decision_no: "125/QĐ-UBND",
            decision_on: d("2026-11-20"),
            has_cohort: true,
            has_program: false,
            year: None,
            note: None,
            people: 10,
        };
        assert!(header_problems(&ok, today).is_empty());
        let long = "x".repeat(2001);
        let cases: Vec<(Header, Vec<&str>)> = vec![
            (Header { decision_no: "", ..ok }, vec!["decision_no"]),
            (Header { decision_on: d("2026-12-03"), ..ok }, vec!["decision_on"]),
            (Header { decision_on: d("1999-12-31"), ..ok }, vec!["decision_on"]),
            (Header { has_program: true, ..ok }, vec!["program_id"]),
            (Header { year: Some(2027), ..ok }, vec!["year"]),
            (Header { has_cohort: false, has_program: true, ..ok }, vec!["year"]),
            (Header { has_cohort: false, has_program: true, year: Some(2030), ..ok }, vec!["year"]),
            (Header { has_cohort: false, has_program: true, year: Some(2027), ..ok }, vec![]),
            (Header { has_cohort: false, ..ok }, vec!["cohort_id"]),
            (Header { people: 0, ..ok }, vec!["people"]),
            (Header { people: MAX_PEOPLE + 1, ..ok }, vec!["people"]),
            (Header { note: Some(&long), ..ok }, vec!["note"]),
        ];
        for (h, want) in cases {
            let got: Vec<String> = header_problems(&h, today).into_iter().filter_map(|p| p.field).collect();
            assert_eq!(got, want, "{:?} {:?} {:?}", h.decision_no, h.decision_on, h.year);
        }
    }

    #[test]
    fn which_units_reach_which_institutions() {
        for (unit, target, want) in [
            ("/p/", "/p/", true),
            ("/p/c/", "/p/", true),
            ("/p/", "/p/c/", true),
            ("/p/c/", "/p/d/", false),
            ("/q/", "/p/", false),
        ] {
            assert_eq!(reaches(unit, target), want, "{unit} → {target}");
        }
    }

    #[test]
    fn repeats() {
        assert_eq!(repeated(["a", "b", "a", "c", "b", "a"]), vec![(2, 0), (4, 1), (5, 0)]);
        assert!(repeated(Vec::<u8>::new()).is_empty());
    }

    #[test]
    fn decisions() {
        use PersonStatus::*;
        let people = [Pending, Pending, Accepted];
        let why = vec!["Chưa đủ tuổi Đảng".to_string()];
        let long = vec!["x".repeat(501)];
        let none: Vec<String> = Vec::new();
        let a = |person, verdict, reasons: &'static [String], overrides, has_cohort| Asked {
            person,
            verdict,
            reasons,
            overrides,
            has_cohort,
        };
        let why: &'static [String] = Box::leak(why.into_boxed_slice());
        let long: &'static [String] = Box::leak(long.into_boxed_slice());
        let none: &'static [String] = Box::leak(none.into_boxed_slice());
        let cases: Vec<(Vec<Asked>, bool, Vec<&str>)> = vec![
            (vec![a(1, Verdict::Accept, none, 0, false), a(2, Verdict::Reject, why, 0, false)], false, vec![]),
            (vec![], false, vec!["decisions:"]),
            (vec![a(4, Verdict::Accept, none, 0, false)], false, vec!["decisions[0].person:"]),
            (vec![a(0, Verdict::Accept, none, 0, false)], false, vec!["decisions[0].person:"]),
            (
                vec![a(1, Verdict::Accept, none, 0, false), a(1, Verdict::Reject, why, 0, false)],
                false,
                vec!["decisions[1].person:"],
            ),
            (vec![a(3, Verdict::Accept, none, 0, false)], false, vec!["decisions[0].person:already_decided"]),
            (vec![a(1, Verdict::Reject, none, 0, false)], false, vec!["decisions[0].reasons:"]),
            (
                vec![a(1, Verdict::Reject, why, 1, true)],
                false,
                vec!["decisions[0].overrides:", "decisions[0].cohort_id:"],
            ),
            (vec![a(1, Verdict::Accept, why, 0, true)], false, vec!["decisions[0].reasons:"]),
            (vec![a(1, Verdict::Accept, none, 0, false)], true, vec!["decisions[0].cohort_id:"]),
            (vec![a(1, Verdict::Accept, none, 0, true)], true, vec![]),
            (vec![a(1, Verdict::Reject, long, 0, false)], false, vec!["decisions[0].reasons[0]:"]),
        ];
        for (asked, needs_cohort, want) in cases {
            assert_eq!(fields(&decision_problems(&asked, &people, needs_cohort)), want);
        }
    }

    #[test]
    fn status() {
        assert_eq!(status_of(0), NominationStatus::Decided);
        assert_eq!(status_of(3), NominationStatus::Pending);
    }
}
