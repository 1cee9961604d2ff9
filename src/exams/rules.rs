//! Pure grading decisions: marks on the 10-point scale in tenths, double marking and its
//! escalation, blind codes.

use std::collections::HashSet;

use super::model::Grade;
use crate::db::ids::LecturerId;

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
mod tests {
    use super::*;
    use crate::exams::model::*;

    fn grade() -> Grade {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        Grade {
            id: crate::db::ids::GradeId::new(),
            exam_id: crate::db::ids::ExamId::new(),
            learner_id: crate::db::ids::LearnerId::new(),
            institution_id: crate::db::ids::InstitutionId::new(),
            code: "123456".into(),
            presence: Presence::Sat,
            value_tenths: None,
            first_tenths: None,
            first_by: None,
            second_tenths: None,
            second_by: None,
            third_tenths: None,
            third_by: None,
            status: GradeStatus::Draft,
            version: 1,
            created_at: t,
            updated_at: t,
        }
    }

    #[test]
    fn marks_have_one_decimal() {
        assert_eq!(tenths(7.5), Ok(75));
        assert_eq!(tenths(10.0), Ok(100));
        assert_eq!(tenths(0.0), Ok(0));
        assert!(tenths(7.25).is_err());
        assert!(tenths(10.1).is_err());
        assert!(tenths(-0.1).is_err());
    }

    #[test]
    fn rounding_half_up() {
        assert_eq!(mean_half_up(75, 80), 78);
        assert_eq!(mean_half_up(49, 50), 50);
        assert_eq!(mean_half_up(70, 70), 70);
        // 4.95, 6.95, 8.95 round up to 5.0, 7.0, 9.0.
        assert_eq!(weighted_half_up(&[(49, 1), (50, 1)]), Some(50));
        assert_eq!(weighted_half_up(&[(69, 1), (70, 1)]), Some(70));
        assert_eq!(weighted_half_up(&[(89, 1), (90, 1)]), Some(90));
        // 4.94 stays 4.9: weights 3 and 2 → (49·3 + 50·2)/5 = 49.4.
        assert_eq!(weighted_half_up(&[(49, 3), (50, 2)]), Some(49));
        // Weighted by hours: 60 periods at 8.0 and 30 at 5.0 → 7.0.
        assert_eq!(weighted_half_up(&[(80, 60), (50, 30)]), Some(70));
        assert_eq!(weighted_half_up(&[]), None);
    }

    #[test]
    fn double_marking_and_escalation() {
        let (a, b, c, d) = (LecturerId::new(), LecturerId::new(), LecturerId::new(), LecturerId::new());
        let mut g = grade();
        apply_mark(&mut g, a, 70, true, 10).unwrap();
        assert_eq!(g.value_tenths, None);
        // The second grader cannot see the first mark before marking.
        assert_eq!(visible_to(&g, b), (None, None, None));
        assert_eq!(visible_to(&g, a), (Some(70), None, None));
        apply_mark(&mut g, b, 80, true, 10).unwrap();
        assert_eq!(g.value_tenths, Some(75));
        assert_eq!(visible_to(&g, a), (Some(70), Some(80), None));
        // A gap over 1.0 goes to a third grader, whose mark counts.
        let mut g = grade();
        apply_mark(&mut g, a, 60, true, 10).unwrap();
        apply_mark(&mut g, b, 75, true, 10).unwrap();
        assert!(needs_third(&g, 10));
        assert_eq!(g.value_tenths, None);
        apply_mark(&mut g, c, 70, true, 10).unwrap();
        assert_eq!(g.value_tenths, Some(70));
        assert!(apply_mark(&mut g, d, 90, true, 10).is_err());
        // A grader correcting their own mark stays in their slot; once the two first marks are
        // within the gap again, their mean counts (6.6 and 7.5 → 7.1).
        apply_mark(&mut g, a, 66, true, 10).unwrap();
        assert_eq!((g.first_tenths, g.value_tenths), (Some(66), Some(71)));
        // Exactly the gap is not escalated.
        let mut g = grade();
        apply_mark(&mut g, a, 60, true, 10).unwrap();
        apply_mark(&mut g, b, 70, true, 10).unwrap();
        assert_eq!(g.value_tenths, Some(65));
        assert!(apply_mark(&mut g, c, 90, true, 10).is_err());
    }

    #[test]
    fn codes_are_distinct() {
        let c = codes(300);
        assert_eq!(c.iter().collect::<HashSet<_>>().len(), 300);
        assert!(c.iter().all(|x| x.len() == 6));
    }
}
