//! Pure checks of a rule set.

use super::model::EligibilityRules;
use crate::problem::ProblemItem;

/// Every problem with a rule set's code, title and numbers, each on its field: a code of 1 to 32
/// lowercase letters, digits and dashes; a title of 1 to 200 characters; ages 16 to 80; 0 to 5
/// years of ratings; a probation of 1 to 36 months.
pub fn problems(code: &str, title: &str, r: &EligibilityRules) -> Vec<ProblemItem> {
    let mut out = Vec::new();
    let code_ok = (1..=32).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-');
    if !code_ok {
        out.push(ProblemItem::field("code", "must be 1 to 32 lowercase letters, digits or '-'"));
    }
    if title.is_empty() || title.chars().count() > 200 {
        out.push(ProblemItem::field("title", "must be 1 to 200 characters"));
    }
    let ages = [
        ("rules.intermediate.in_service_min_age_women", r.intermediate.in_service_min_age_women),
        ("rules.intermediate.in_service_min_age_men", r.intermediate.in_service_min_age_men),
        ("rules.advanced.in_service_min_age_women", r.advanced.in_service_min_age_women),
        ("rules.advanced.in_service_min_age_men", r.advanced.in_service_min_age_men),
    ];
    for (field, age) in ages {
        if !(16..=80).contains(&age) {
            out.push(ProblemItem::field(field, "must be between 16 and 80"));
        }
    }
    if !(0..=5).contains(&r.intermediate.rating_years) {
        out.push(ProblemItem::field("rules.intermediate.rating_years", "must be between 0 and 5"));
    }
    if !(1..=36).contains(&r.refresher.probation_months) {
        out.push(ProblemItem::field("rules.refresher.probation_months", "must be between 1 and 36"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_number_within_its_bounds() {
        let fields = |code: &str, edit: fn(&mut EligibilityRules)| {
            let mut r = EligibilityRules::qd350();
            edit(&mut r);
            problems(code, "Quy định mới", &r).into_iter().map(|p| p.field.unwrap_or_default()).collect::<Vec<_>>()
        };
        type Edit = fn(&mut EligibilityRules);
        let table: [(&str, Edit, &[&str]); 9] = [
            ("qd350-2025", |_| {}, &[]),
            ("QD-1", |_| {}, &["code"]),
            ("-qd", |_| {}, &["code"]),
            ("", |_| {}, &["code"]),
            ("qd", |r| r.intermediate.in_service_min_age_women = -1, &["rules.intermediate.in_service_min_age_women"]),
            ("qd", |r| r.advanced.in_service_min_age_men = 81, &["rules.advanced.in_service_min_age_men"]),
            ("qd", |r| r.advanced.in_service_min_age_men = 80, &[]),
            ("qd", |r| r.intermediate.rating_years = 6, &["rules.intermediate.rating_years"]),
            ("qd", |r| r.refresher.probation_months = 0, &["rules.refresher.probation_months"]),
        ];
        for (code, edit, want) in table {
            assert_eq!(fields(code, edit), want, "{code}");
        }
        assert_eq!(problems("qd", "", &EligibilityRules::qd57()).len(), 1);
        assert_eq!(EligibilityRules::qd57().intermediate.in_service_min_age_women, 33);
    }
}
