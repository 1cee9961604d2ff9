//! Pure decisions about inspections: what a record may hold, when its recommendations may
//! still change, what an answer needs, and which recommendations are overdue.

use chrono::NaiveDate;

use super::model::{Recommendation, RecommendationStatus, TeamMember};
use crate::problem::ProblemItem;

/// A recommendation as the inspectors write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub text: String,
    pub due_on: NaiveDate,
}

/// The parts of a record that are checked together.
pub struct Record<'a> {
    pub title: &'a str,
    pub held_on: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub team: &'a [TeamMember],
    pub findings: &'a str,
    pub recommendations: &'a [Asked],
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Every problem of a record as of `today`, each on its field.
pub fn problems(r: &Record, today: NaiveDate) -> Vec<ProblemItem> {
    let mut p = Vec::new();
    let mut check = |ok: bool, field: String, message: &str| {
        if !ok {
            p.push(ProblemItem::field(field, message));
        }
    };
    check((1..=300).contains(&chars(r.title)), "title".into(), "must be 1 to 300 characters");
    check(r.held_on <= today, "held_on".into(), "must not be in the future");
    check(r.period_from <= r.period_to, "period_to".into(), "must be on or after period_from");
    check(r.period_to <= r.held_on, "period_to".into(), "must be on or before held_on");
    check((1..=30).contains(&r.team.len()), "team".into(), "must name 1 to 30 members");
    check(r.team.iter().filter(|m| m.head).count() <= 1, "team".into(), "may have one head");
    for (n, m) in r.team.iter().enumerate() {
        check((1..=120).contains(&chars(m.name.trim())), format!("team[{n}].name"), "must be 1 to 120 characters");
        let title = m.title.as_deref().map_or(0, chars);
        check(title <= 200, format!("team[{n}].title"), "must be at most 200 characters");
    }
    check(chars(r.findings) <= 20_000, "findings".into(), "must be at most 20000 characters");
    check(r.recommendations.len() <= 100, "recommendations".into(), "must have at most 100 items");
    for (n, x) in r.recommendations.iter().enumerate() {
        check(
            (1..=2000).contains(&chars(x.text.trim())),
            format!("recommendations[{n}].text"),
            "must be 1 to 2000 characters",
        );
        check(x.due_on >= r.held_on, format!("recommendations[{n}].due_on"), "must be on or after held_on");
    }
    p
}

/// The recommendations as stored: new ones open, unanswered.
pub fn recommendations(asked: &[Asked]) -> Vec<Recommendation> {
    asked
        .iter()
        .map(|a| Recommendation {
            text: a.text.clone(),
            due_on: a.due_on,
            status: RecommendationStatus::Open,
            response: None,
            responded_at: None,
            responded_by: None,
            reminded_on: None,
        })
        .collect()
}

/// Whether the recommendations may be rewritten: only while the institution has answered none.
pub fn rewritable(current: &[Recommendation]) -> bool {
    current.iter().all(|r| r.response.is_none())
}

/// The problem of an answer, if any: 1 to 4000 characters.
pub fn answer_problem(response: &str) -> Option<ProblemItem> {
    (!(1..=4000).contains(&chars(response.trim())))
        .then(|| ProblemItem::field("response", "must be 1 to 4000 characters"))
}

/// The positions of the recommendations still open after their due day and not reminded since
/// `remind_every` days.
pub fn overdue(recs: &[Recommendation], today: NaiveDate, remind_every: i64) -> Vec<usize> {
    recs.iter()
        .enumerate()
        .filter(|(_, r)| r.status == RecommendationStatus::Open && r.due_on < today)
        .filter(|(_, r)| r.reminded_on.is_none_or(|d| (today - d).num_days() >= remind_every))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn member(name: &str, head: bool) -> TeamMember {
        TeamMember { name: name.into(), title: None, head }
    }

    #[test]
    fn what_a_record_may_hold() {
        let today = d(2026, 6, 1);
        let team = [member("Nguyễn Văn Hùng", true), member("Lê Thị Mai", false)];
        let asked = [Asked { text: "Bảo đảm đủ thời lượng".into(), due_on: d(2026, 9, 30) }];
        let good = Record {
            title: "Kiểm tra công tác đào tạo",
            held_on: d(2026, 5, 20),
            period_from: d(2025, 1, 1),
            period_to: d(2025, 12, 31),
            team: &team,
            findings: "Rút ngắn thời gian học.",
            recommendations: &asked,
        };
        assert!(problems(&good, today).is_empty());
        let heads = [member("A", true), member("B", true)];
        let late = [Asked { text: " ".into(), due_on: d(2026, 5, 1) }];
        // (the record changed, the fields with problems)
        let rows: Vec<(Record, Vec<&str>)> = vec![
            (Record { title: "", ..good }, vec!["title"]),
            (Record { held_on: d(2026, 7, 1), ..good }, vec!["held_on"]),
            (Record { period_from: d(2026, 1, 1), period_to: d(2025, 1, 1), ..good }, vec!["period_to"]),
            (Record { period_to: d(2026, 5, 21), ..good }, vec!["period_to"]),
            (Record { team: &[], ..good }, vec!["team"]),
            (Record { team: &heads, ..good }, vec!["team"]),
            (Record { recommendations: &late, ..good }, vec!["recommendations[0].text", "recommendations[0].due_on"]),
        ];
        for (r, want) in rows {
            let got: Vec<String> = problems(&r, today).into_iter().filter_map(|x| x.field).collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn answered_recommendations_stay_and_overdue_ones_are_reminded_weekly() {
        let mut recs = recommendations(&[
            Asked { text: "Một".into(), due_on: d(2026, 3, 1) },
            Asked { text: "Hai".into(), due_on: d(2026, 9, 1) },
            Asked { text: "Ba".into(), due_on: d(2026, 3, 1) },
        ]);
        assert!(rewritable(&recs));
        recs[2].status = RecommendationStatus::Done;
        recs[2].response = Some("Đã khắc phục".into());
        assert!(!rewritable(&recs));
        // (today, reminded on) → overdue positions
        for (today, reminded, want) in [
            (d(2026, 3, 1), None, vec![]),
            (d(2026, 3, 2), None, vec![0]),
            (d(2026, 3, 5), Some(d(2026, 3, 2)), vec![]),
            (d(2026, 3, 9), Some(d(2026, 3, 2)), vec![0]),
            (d(2026, 9, 2), Some(d(2026, 9, 1)), vec![1]),
        ] {
            recs[0].reminded_on = reminded;
            assert_eq!(overdue(&recs, today, 7), want, "{today} {reminded:?}");
        }
        assert!(answer_problem("Đã bố trí đủ giờ").is_none());
        assert!(answer_problem("  ").is_some());
    }
}
