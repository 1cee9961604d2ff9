//! The result of a learner in a class, in one pure function: module grades (the better of first
//! sitting and retake), field study, graduation subjects, the weighted average rounded half up,
//! the outcome with every reason, and the classification with the retake cap.

use serde::Serialize;
use utoipa::ToSchema;

use crate::exams::rules::{mark, weighted_half_up};
use crate::programs::rule_settings::ProgramRules;

crate::text_enum! {
    pub enum Outcome {
        Graduated => "graduated",
        Failed => "failed",
        Pending => "pending",
    }
}

impl Outcome {
    /// As printed on results and reports.
    pub fn name_vi(self) -> &'static str {
        match self {
            Outcome::Graduated => "Tốt nghiệp",
            Outcome::Failed => "Không đủ điều kiện tốt nghiệp",
            Outcome::Pending => "Chưa đủ dữ liệu để xét tốt nghiệp",
        }
    }
}

/// One module as the result sees it.
#[derive(Debug, Clone)]
pub struct ModuleMarks {
    pub code: String,
    pub hours: i64,
    /// Whether the module is assessed at all.
    pub assessed: bool,
    /// Marks (tenths) of each sitting in order: first sitting, then retakes; `None` for a sitting
    /// missed.
    pub sittings: Vec<Option<i32>>,
}

/// Everything a result is computed from.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub modules: Vec<ModuleMarks>,
    /// The graded field-study report, if any (tenths).
    pub field_study: Option<i32>,
    /// Graduation subjects (and the paper, code `essay`) with their mark, if any.
    pub graduation: Vec<GraduationMark>,
    /// `None` when attendance allows graduation, else the reason.
    pub attendance_block: Option<String>,
    /// `None` when conduct allows graduation (or the program does not let it block), else why.
    pub conduct_block: Option<String>,
    /// Disciplined at warning level or above: lowers the classification like a retake.
    pub warned: bool,
}

/// Why a learner failed or is pending: a stable `code` programs match on, its parameters, and
/// the text (English here; answers give it in the caller's language).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct Reason {
    /// `module_below_pass` (a retake is possible), `module_failed`, `module_no_grade`,
    /// `module_missed` (a retake is possible), `module_missed_final`, `field_study_no_grade`,
    /// `field_study_below_pass`, `graduation_no_grade`, `graduation_below_pass`, `attendance`,
    /// `conduct`.
    pub code: String,
    /// The module or subject (`subject`), the grade (`grade`) and the pass mark (`pass_mark`)
    /// where they apply.
    #[schema(value_type = Object)]
    pub params: serde_json::Map<String, serde_json::Value>,
    pub message: String,
}

/// Puts every reason's text through `translate` (the caller's language), in place.
pub fn localise(reasons: &mut [Reason], translate: impl Fn(&str) -> String) {
    for r in reasons {
        r.message = translate(&r.message);
    }
}

impl Reason {
    pub fn new(code: &str, params: serde_json::Value, message: String) -> Reason {
        let params = match params {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        Reason { code: code.into(), params, message }
    }
}

/// A graduation subject and its mark in tenths, if graded.
#[derive(Debug, Clone, PartialEq)]
pub struct GraduationMark {
    pub code: String,
    pub title: String,
    pub mark: Option<i32>,
}

/// A graduation subject [môn thi tốt nghiệp] (or the paper, code `essay`) and its grade.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct GraduationResult {
    pub code: String,
    pub title: String,
    /// On the 10-point scale, one decimal; none until graded.
    pub grade: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct ModuleResult {
    pub code: String,
    /// The better sitting (tenths / 10).
    pub grade: Option<f64>,
    pub retaken: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct Result {
    pub outcome: Outcome,
    /// Weighted by module hours, rounded half up to one decimal.
    pub average: Option<f64>,
    /// The band's label (e.g. `gioi`) and name as printed.
    pub classification: Option<String>,
    pub classification_name: Option<String>,
    /// Lowered one band because of a retake.
    pub capped: bool,
    pub modules: Vec<ModuleResult>,
    pub field_study: Option<f64>,
    pub graduation: Vec<GraduationResult>,
    /// Every reason the learner failed or is pending.
    pub reasons: Vec<Reason>,
    /// What the learner failed on, once each: `module_exam`, `field_study`, `graduation_exam`,
    /// `attendance`, `conduct` (for reports).
    pub failed_on: Vec<String>,
}

pub fn compute(rules: &ProgramRules, inp: &Inputs) -> Result {
    use serde_json::json;
    let pass = (rules.pass_mark * 10.0).round() as i32;
    let pm = rules.pass_mark;
    let (mut fail, mut pending) = (Vec::new(), Vec::new());
    let mut failed_on: Vec<String> = Vec::new();
    let mut on = |k: &str| {
        if !failed_on.iter().any(|x| x == k) {
            failed_on.push(k.to_string());
        }
    };
    let mut weighted = Vec::new();
    let mut modules = Vec::new();
    let mut retaken_any = false;
    for m in &inp.modules {
        let best = m.sittings.iter().flatten().max().copied();
        let retaken = m.sittings.len() > 1;
        retaken_any |= retaken;
        modules.push(ModuleResult { code: m.code.clone(), grade: best.map(mark), retaken });
        if !m.assessed {
            continue;
        }
        let retakes_left = (m.sittings.len() as u32).saturating_sub(1) < rules.max_retakes;
        let code = &m.code;
        match best {
            Some(b) if b >= pass => weighted.push((b, m.hours)),
            Some(b) if retakes_left => pending.push(Reason::new(
                "module_below_pass",
                json!({"subject": code, "grade": mark(b), "pass_mark": pm}),
                format!("{code}: {} is below the pass mark; a retake is still possible.", mark(b)),
            )),
            Some(b) => {
                on("module_exam");
                fail.push(Reason::new(
                    "module_failed",
                    json!({"subject": code, "grade": mark(b), "pass_mark": pm}),
                    format!(
                        "{code}: {} is below the pass mark and no retake is left; repeat the module with a later class.",
                        mark(b)
                    ),
                ))
            }
            None if m.sittings.is_empty() => {
                pending.push(Reason::new("module_no_grade", json!({"subject": code}), format!("{code}: no grade yet.")))
            }
            None if retakes_left => pending.push(Reason::new(
                "module_missed",
                json!({"subject": code}),
                format!("{code}: the exam was missed; a retake is still possible."),
            )),
            None => {
                on("module_exam");
                fail.push(Reason::new(
                    "module_missed_final",
                    json!({"subject": code}),
                    format!("{code}: the exam was missed and no retake is left."),
                ))
            }
        }
    }
    if rules.field_study_required {
        match inp.field_study {
            None => pending.push(Reason::new(
                "field_study_no_grade",
                json!({}),
                "Field study: no graded report yet.".into(),
            )),
            Some(g) if g < pass => {
                on("field_study");
                fail.push(Reason::new(
                    "field_study_below_pass",
                    json!({"grade": mark(g), "pass_mark": pm}),
                    format!("Field study: the report's grade {} is below the pass mark.", mark(g)),
                ))
            }
            Some(_) => {}
        }
    }
    for GraduationMark { code, mark: g, .. } in &inp.graduation {
        match g {
            None => pending.push(Reason::new(
                "graduation_no_grade",
                json!({"subject": code}),
                format!("Graduation {code}: no grade yet."),
            )),
            Some(g) if *g < pass => {
                on("graduation_exam");
                fail.push(Reason::new(
                    "graduation_below_pass",
                    json!({"subject": code, "grade": mark(*g), "pass_mark": pm}),
                    format!("Graduation {code}: {} is below the pass mark.", mark(*g)),
                ))
            }
            Some(_) => {}
        }
    }
    if let Some(r) = &inp.attendance_block {
        on("attendance");
        fail.push(Reason::new("attendance", json!({}), r.clone()));
    }
    if let (true, Some(r)) = (rules.conduct_blocks_graduation, &inp.conduct_block) {
        on("conduct");
        fail.push(Reason::new("conduct", json!({}), r.clone()));
    }
    let average = weighted_half_up(&weighted).map(mark);
    let outcome = if !fail.is_empty() {
        Outcome::Failed
    } else if !pending.is_empty() {
        Outcome::Pending
    } else {
        Outcome::Graduated
    };
    let (mut classification, mut classification_name, mut capped) = (None, None, false);
    if outcome == Outcome::Graduated {
        if let Some(avg) = average {
            let bands = &rules.classification_bands;
            if let Some(i) = bands.iter().position(|b| avg + 1e-9 >= b.min) {
                let cap_at = bands.iter().position(|b| b.label == rules.cap_from_label);
                let i = match cap_at {
                    Some(c)
                        if rules.retake_lowers_classification
                            && (retaken_any || inp.warned)
                            && i <= c
                            && i + 1 < bands.len() =>
                    {
                        capped = true;
                        i + 1
                    }
                    _ => i,
                };
                classification = Some(bands[i].label.clone());
                classification_name = Some(bands[i].name.clone());
            }
        }
    }
    let mut reasons = fail;
    reasons.extend(pending);
    Result {
        outcome,
        average,
        classification,
        classification_name,
        capped,
        modules,
        field_study: inp.field_study.map(mark),
        graduation: inp
            .graduation
            .iter()
            .map(|g| GraduationResult { code: g.code.clone(), title: g.title.clone(), grade: g.mark.map(mark) })
            .collect(),
        reasons,
        failed_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(code: &str, hours: i64, sittings: &[Option<i32>]) -> ModuleMarks {
        ModuleMarks { code: code.into(), hours, assessed: true, sittings: sittings.to_vec() }
    }

    fn subject(code: &str, mark: Option<i32>) -> GraduationMark {
        GraduationMark { code: code.into(), title: format!("Môn {code}"), mark }
    }

    fn inputs(modules: Vec<ModuleMarks>) -> Inputs {
        Inputs {
            modules,
            field_study: Some(80),
            graduation: vec![subject("TN1", Some(70))],
            attendance_block: None,
            conduct_block: None,
            warned: false,
        }
    }

    fn rules() -> ProgramRules {
        ProgramRules { field_study_required: true, ..ProgramRules::default() }
    }

    #[test]
    fn graduates_with_a_weighted_average_and_its_band() {
        let r = compute(&rules(), &inputs(vec![m("A", 60, &[Some(80)]), m("B", 30, &[Some(50)])]));
        assert_eq!(r.outcome, Outcome::Graduated);
        assert_eq!(r.average, Some(7.0));
        assert_eq!(r.classification.as_deref(), Some("kha"));
        assert!(r.reasons.is_empty());
    }

    #[test]
    fn rounding_edges_decide_the_band() {
        // 8.95 → 9.0 xuất sắc; 6.95 → 7.0 khá; 4.95 → 5.0 passes as trung bình.
        for (a, b, band) in [(89, 90, "xuat_sac"), (69, 70, "kha"), (50, 59, "trung_binh")] {
            let r = compute(&rules(), &inputs(vec![m("A", 1, &[Some(a)]), m("B", 1, &[Some(b)])]));
            assert_eq!(r.classification.as_deref(), Some(band), "{a} {b}: {:?}", r.average);
        }
        let r = compute(&rules(), &inputs(vec![m("A", 1, &[Some(89)]), m("B", 1, &[Some(90)])]));
        assert_eq!(r.average, Some(9.0));
    }

    #[test]
    fn the_better_sitting_counts_but_a_retake_caps_the_band() {
        let r = compute(&rules(), &inputs(vec![m("A", 1, &[Some(40), Some(90)]), m("B", 1, &[Some(90)])]));
        assert_eq!(r.modules[0].grade, Some(9.0));
        assert_eq!(r.average, Some(9.0));
        assert_eq!(r.classification.as_deref(), Some("gioi"));
        assert!(r.capped);
        // Below giỏi the retake does not lower the band.
        let r = compute(&rules(), &inputs(vec![m("A", 1, &[Some(40), Some(70)]), m("B", 1, &[Some(70)])]));
        assert_eq!((r.classification.as_deref(), r.capped), (Some("kha"), false));
    }

    #[test]
    fn every_reason_is_listed() {
        let mut i = inputs(vec![m("A", 1, &[Some(40), Some(45)]), m("B", 1, &[]), m("C", 1, &[Some(30)])]);
        i.field_study = Some(40);
        i.graduation = vec![subject("TN1", None), subject("TN2", Some(20))];
        i.attendance_block = Some("Missed 35% of the program.".into());
        let r = compute(&rules(), &i);
        assert_eq!(r.outcome, Outcome::Failed);
        assert_eq!(r.reasons.len(), 7, "{:#?}", r.reasons);
        assert!(r.classification.is_none());
        // Only missing pieces: pending.
        let mut i = inputs(vec![m("A", 1, &[Some(70)]), m("B", 1, &[])]);
        i.field_study = None;
        let r = compute(&rules(), &i);
        assert_eq!(r.outcome, Outcome::Pending);
        assert_eq!(r.reasons.len(), 2);
        // A failed first sitting with a retake left is pending, not failed.
        let r = compute(&rules(), &inputs(vec![m("A", 1, &[Some(30)])]));
        assert_eq!(r.outcome, Outcome::Pending);
        let r = compute(&rules(), &inputs(vec![m("A", 1, &[None, None])]));
        assert_eq!(r.outcome, Outcome::Failed);
    }

    #[test]
    fn every_band_at_its_lower_edge() {
        for (avg, band) in
            [(90, "xuat_sac"), (80, "gioi"), (79, "kha"), (70, "kha"), (60, "trung_binh_kha"), (50, "trung_binh")]
        {
            let r = compute(&rules(), &inputs(vec![m("A", 1, &[Some(avg)])]));
            assert_eq!((r.outcome, r.classification.as_deref()), (Outcome::Graduated, Some(band)), "{avg}");
        }
        // A program reported with giỏi / khá / trung bình only.
        let mut three = rules();
        three.classification_bands.retain(|b| ["gioi", "kha", "trung_binh"].contains(&b.label.as_str()));
        let r = compute(&three, &inputs(vec![m("A", 1, &[Some(95)])]));
        assert_eq!(r.classification.as_deref(), Some("gioi"));
        let r = compute(&three, &inputs(vec![m("A", 1, &[Some(65)])]));
        assert_eq!(r.classification.as_deref(), Some("trung_binh"));
    }

    #[test]
    fn conduct_blocks_by_setting_and_a_warning_lowers_the_band() {
        let mut i = inputs(vec![m("A", 1, &[Some(95)])]);
        i.conduct_block = Some("Conduct rated yếu in class.".into());
        let r = compute(&rules(), &i);
        assert_eq!(r.outcome, Outcome::Failed);
        assert!(r.reasons.iter().any(|x| x.code == "conduct" && x.message.contains("yếu")));
        let lenient = ProgramRules { conduct_blocks_graduation: false, ..rules() };
        let r = compute(&lenient, &i);
        assert_eq!(r.outcome, Outcome::Graduated);
        i.warned = true;
        let r = compute(&lenient, &i);
        assert_eq!((r.classification.as_deref(), r.capped), (Some("gioi"), true));
    }

    #[test]
    fn field_study_only_when_required() {
        let mut i = inputs(vec![m("A", 1, &[Some(70)])]);
        i.field_study = None;
        let r = compute(&ProgramRules::default(), &i);
        assert_eq!(r.outcome, Outcome::Graduated);
    }
}
