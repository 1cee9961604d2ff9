//! The pure decisions over a program and its rule settings.

use super::model::{Assessment, Credential, Level, Program, ProgramModule, ProgramStatus};
use super::rule_settings::ProgramRules;
use crate::problem::ProblemItem;

fn one_decimal(x: f64) -> bool {
    ((x * 10.0).round() - x * 10.0).abs() < 1e-9
}

/// Every problem in a set of rules, with `rules.`-prefixed field names.
pub fn problems(r: &ProgramRules) -> Vec<ProblemItem> {
    let mut out = Vec::new();
    let mut bad = |ok: bool, field: &str, msg: &str| {
        if !ok {
            out.push(ProblemItem::field(format!("rules.{field}"), msg));
        }
    };
    let pct = |x: f64| (0.0..=100.0).contains(&x);
    let mark = |x: f64| (0.0..=10.0).contains(&x) && one_decimal(x);
    bad(pct(r.module_absence_limit_pct), "module_absence_limit_pct", "must be between 0 and 100");
    bad(pct(r.program_absence_limit_pct), "program_absence_limit_pct", "must be between 0 and 100");
    bad(mark(r.pass_mark), "pass_mark", "must be between 0 and 10 with one decimal");
    bad(r.max_retakes <= 5, "max_retakes", "must be between 0 and 5");
    bad(
        (0.0..=10.0).contains(&r.double_marking_gap) && one_decimal(r.double_marking_gap),
        "double_marking_gap",
        "must be between 0 and 10 with one decimal",
    );
    bad((1..=365).contains(&r.appeal_window_days), "appeal_window_days", "must be between 1 and 365");
    let bands = &r.classification_bands;
    bad(!bands.is_empty() && bands.len() <= 10, "classification_bands", "must have 1 to 10 bands");
    bad(
        bands.iter().all(|b| mark(b.min)),
        "classification_bands",
        "every min must be between 0 and 10 with one decimal",
    );
    bad(
        bands.windows(2).all(|w| w[0].min > w[1].min),
        "classification_bands",
        "must be in strictly descending order of min",
    );
    bad(
        bands.iter().all(|b| !b.label.trim().is_empty() && !b.name.trim().is_empty()),
        "classification_bands",
        "every band needs a label and a name",
    );
    let mut labels: Vec<&str> = bands.iter().map(|b| b.label.as_str()).collect();
    labels.sort_unstable();
    labels.dedup();
    bad(labels.len() == bands.len(), "classification_bands", "labels must be unique");
    bad(
        bands.last().is_none_or(|b| b.min + 1e-9 >= r.pass_mark),
        "classification_bands",
        "the lowest band may not be below the pass mark",
    );
    bad(
        bands.iter().any(|b| b.label == r.cap_from_label) || !r.retake_lowers_classification,
        "cap_from_label",
        "must be the label of one of the bands",
    );
    let mut codes: Vec<&str> = r.graduation_subjects.iter().map(|s| s.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    bad(codes.len() == r.graduation_subjects.len(), "graduation_subjects", "codes must be unique");
    bad(
        r.graduation_subjects.iter().all(|s| !s.code.trim().is_empty() && !s.title.trim().is_empty()),
        "graduation_subjects",
        "every subject needs a code and a title",
    );
    out
}

/// Every reason a program cannot be published now (empty when it can).
pub fn publish_refusals(p: &Program, modules: &[ProgramModule]) -> Vec<ProblemItem> {
    let mut out = Vec::new();
    if p.status != ProgramStatus::Draft {
        out.push(ProblemItem::rule("not_draft", format!("The program is {}, not a draft.", p.status)));
    }
    if modules.is_empty() {
        out.push(ProblemItem::rule("no_modules", "A program needs at least one module."));
    }
    if modules.iter().any(|m| m.hours == 0 && m.assessment != Assessment::None) {
        out.push(ProblemItem::rule("module_without_hours", "Every assessed module needs its hours."));
    }
    if p.level != Level::Refresher
        && p.rules.graduation_subjects.is_empty()
        && !p.rules.graduation_essay
        && !modules.iter().any(|m| m.graduation_exam)
    {
        out.push(ProblemItem::rule("no_graduation", "Set graduation subjects or a graduation paper."));
    }
    if problems(&p.rules).into_iter().next().is_some() {
        out.push(ProblemItem::rule("invalid_rules", "The rule settings are invalid; correct them first."));
    }
    out
}

/// Every reason a class [lớp] of `p` cannot be opened at an institution whose tier may (or may
/// not) run the program's level.
pub fn class_refusals(p: &Program, tier: &str, tier_allowed: bool) -> Vec<ProblemItem> {
    let mut out = Vec::new();
    match p.status {
        ProgramStatus::Published => {}
        ProgramStatus::Draft => {
            out.push(ProblemItem::rule("program_not_published", "The program is a draft; publish it first."))
        }
        ProgramStatus::Retired => {
            out.push(ProblemItem::rule("program_retired", "The program is retired; use its newer edition."))
        }
    }
    if !tier_allowed {
        out.push(ProblemItem::rule(
            "tier_level_not_allowed",
            format!("An institution of tier {tier} may not run {} classes.", p.level),
        ));
    }
    out
}

/// The credential a level gives unless the program says otherwise.
pub fn default_credential(level: Level) -> Credential {
    match level {
        Level::Refresher => Credential::Certificate,
        _ => Credential::Diploma,
    }
}

/// Renumbers positions 1..n after moving the module at index `from` to 1-based `to`.
pub fn reorder<T>(items: &mut Vec<T>, from: usize, to: usize) {
    let to = to.clamp(1, items.len()) - 1;
    let item = items.remove(from);
    items.insert(to, item);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_for_every_level() {
        for level in Level::ALL {
            assert!(problems(&ProgramRules::for_level(*level)).is_empty(), "{level}");
        }
        assert!(ProgramRules::for_level(Level::Intermediate).field_study_required);
        assert!(!ProgramRules::for_level(Level::Elementary).field_study_required);
    }

    #[test]
    fn invalid_settings_are_each_reported() {
        let mut r = ProgramRules {
            module_absence_limit_pct: 120.0,
            pass_mark: 5.25,
            appeal_window_days: 0,
            ..Default::default()
        };
        r.classification_bands.swap(0, 1);
        let fields: Vec<String> = problems(&r).into_iter().filter_map(|p| p.field).collect();
        for f in [
            "rules.module_absence_limit_pct",
            "rules.pass_mark",
            "rules.classification_bands",
            "rules.appeal_window_days",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn classification_edges() {
        let r = ProgramRules::default();
        let label = |x: f64| r.classify(x).map(|b| b.label.as_str());
        assert_eq!(label(9.0), Some("xuat_sac"));
        assert_eq!(label(8.9), Some("gioi"));
        assert_eq!(label(8.0), Some("gioi"));
        assert_eq!(label(7.9), Some("kha"));
        assert_eq!(label(5.0), Some("trung_binh"));
        assert_eq!(label(4.9), None);
    }

    fn program(level: Level, status: ProgramStatus) -> Program {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        Program {
            id: crate::db::ids::ProgramId::new(),
            code: "X".into(),
            title: "X".into(),
            title_key: "x".into(),
            level,
            edition: "2021".into(),
            credential: default_credential(level),
            owner_institution_id: None,
            owner_key: "national".into(),
            description: None,
            status,
            previous_id: None,
            rules: ProgramRules::for_level(level),
            published_at: None,
            retired_at: None,
            version: 1,
            created_at: t,
            updated_at: t,
        }
    }

    #[test]
    fn classes_need_a_published_program_and_an_allowed_tier() {
        let codes = |p: &Program, allowed| {
            class_refusals(p, "district_center", allowed).into_iter().filter_map(|x| x.code).collect::<Vec<_>>()
        };
        assert!(codes(&program(Level::Intermediate, ProgramStatus::Published), true).is_empty());
        assert_eq!(codes(&program(Level::Intermediate, ProgramStatus::Draft), true), vec!["program_not_published"]);
        assert_eq!(
            codes(&program(Level::Intermediate, ProgramStatus::Retired), false),
            vec!["program_retired", "tier_level_not_allowed"]
        );
    }

    #[test]
    fn publishing_lists_every_reason() {
        let p = program(Level::Intermediate, ProgramStatus::Draft);
        let codes: Vec<String> = publish_refusals(&p, &[]).into_iter().filter_map(|x| x.code).collect();
        assert_eq!(codes, vec!["no_modules", "no_graduation"]);
        let p = program(Level::Elementary, ProgramStatus::Published);
        let codes: Vec<String> = publish_refusals(&p, &[]).into_iter().filter_map(|x| x.code).collect();
        assert_eq!(codes, vec!["not_draft", "no_modules"]);
    }

    #[test]
    fn reorder_keeps_every_item_once() {
        let mut v = vec!['a', 'b', 'c', 'd'];
        reorder(&mut v, 3, 1);
        assert_eq!(v, vec!['d', 'a', 'b', 'c']);
        reorder(&mut v, 0, 9);
        assert_eq!(v, vec!['a', 'b', 'c', 'd']);
        reorder(&mut v, 1, 3);
        assert_eq!(v, vec!['a', 'c', 'b', 'd']);
    }
}
