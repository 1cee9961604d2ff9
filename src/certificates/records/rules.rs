//! Pure decisions about records copied from paper.

use chrono::NaiveDate;

use super::dto::RecordInput;
use crate::db::ids::InstitutionId;
use crate::people::model::LlctLevel;
use crate::problem::ProblemItem;
use crate::text::fold;

/// Longest serial or register number a paper carries.
pub const MAX_NUMBER: usize = 40;

/// What makes a serial unique: the issuing institution's id, or the folded name of an abolished
/// issuer (so `TTCT huyện Kim Bảng` and `ttct huyen kim bang` are one issuer).
pub fn issuer_key(issuer: Option<InstitutionId>, name: &str) -> String {
    match issuer {
        Some(id) => id.to_string(),
        None => format!("name:{}", fold(name)),
    }
}

/// Every problem of one row that needs no look-up, each on its field: what must be there, a
/// level that is no level, a date in the future or before the holder was born, lengths.
pub fn row_problems(r: &RecordInput, today: NaiveDate) -> Vec<ProblemItem> {
    let mut out = Vec::new();
    let mut fail = |field: &str, msg: &str| out.push(ProblemItem::field(field, msg));
    if r.learner_id.is_none() {
        if r.holder.full_name.as_deref().is_none_or(str::is_empty) {
            fail("full_name", "is required (or learner_id)");
        }
        if r.holder.date_of_birth.is_none() {
            fail("date_of_birth", "is required (or learner_id)");
        }
    }
    match r.level {
        None => fail("level", "is required"),
        Some(LlctLevel::None) => fail("level", "must be a level: Sơ cấp, Trung cấp or Cao cấp"),
        Some(_) => {}
    }
    let text = |v: &Option<String>, max: usize| v.as_deref().map(|s| (s.is_empty(), s.chars().count() > max));
    for (field, v, max) in
        [("program", &r.program, 200), ("serial", &r.serial, MAX_NUMBER), ("register_no", &r.register_no, MAX_NUMBER)]
    {
        match text(v, max) {
            None | Some((true, _)) => fail(field, "is required"),
            Some((_, true)) => fail(field, &format!("must be at most {max} characters")),
            _ => {}
        }
    }
    if text(&r.classification, 40).is_some_and(|(_, long)| long) {
        fail("classification", "must be at most 40 characters");
    }
    if text(&r.issuer_name, 200).is_some_and(|(_, long)| long) {
        fail("issuer_name", "must be at most 200 characters");
    }
    match r.issued_on {
        None => fail("issued_on", "is required"),
        Some(d) if d > today => fail("issued_on", "is in the future"),
        Some(d) if r.holder.date_of_birth.is_some_and(|b| d <= b) => {
            fail("issued_on", "is not after the holder's date of birth")
        }
        _ => {}
    }
    if r.issuer.is_none() && r.issuer_name.as_deref().is_none_or(str::is_empty) {
        fail("issuer_id", "give the issuing institution's code, or the name of an abolished one (issuer_name)");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn good() -> RecordInput {
        let mut r = RecordInput {
            level: Some(LlctLevel::Elementary),
            program: Some("Sơ cấp lý luận chính trị".into()),
            serial: Some("SC-2014-0012".into()),
            register_no: Some("112/2014".into()),
            issued_on: Some(day(2014, 6, 30)),
            issuer_name: Some("Trung tâm Bồi dưỡng chính trị huyện Kim Bảng".into()),
            ..Default::default()
        };
        r.holder.full_name = Some("Nguyễn Thị Lan".into());
        r.holder.date_of_birth = Some(day(1980, 3, 15));
        r
    }

    #[test]
    fn each_problem_on_its_field() {
        let today = day(2026, 12, 1);
        let fields = |r: &RecordInput| {
            row_problems(r, today).into_iter().map(|p| p.field.unwrap_or_default()).collect::<Vec<_>>()
        };
        type Edit = fn(&mut RecordInput);
        let table: [(Edit, &[&str]); 12] = [
            (|_| {}, &[]),
            (|r| r.holder.full_name = None, &["full_name"]),
            (
                |r| {
                    r.holder.full_name = None;
                    r.holder.date_of_birth = None;
                    r.learner_id = Some(crate::db::ids::LearnerId::new());
                },
                &[],
            ),
            (|r| r.level = None, &["level"]),
            (|r| r.level = Some(LlctLevel::None), &["level"]),
            (|r| r.serial = Some("x".repeat(41)), &["serial"]),
            (|r| r.register_no = None, &["register_no"]),
            (|r| r.issued_on = Some(day(2026, 12, 2)), &["issued_on"]),
            (|r| r.issued_on = Some(day(2026, 12, 1)), &[]),
            (|r| r.issued_on = Some(day(1980, 3, 15)), &["issued_on"]),
            (|r| r.issuer_name = None, &["issuer_id"]),
            (
                |r| {
                    r.issuer_name = None;
                    r.issuer = Some("TTCT-KB".into());
                },
                &[],
            ),
        ];
        for (i, (edit, want)) in table.iter().enumerate() {
            let mut r = good();
            edit(&mut r);
            assert_eq!(fields(&r), *want, "row {i}");
        }
    }

    #[test]
    fn one_serial_per_issuer_whatever_the_spelling() {
        assert_eq!(issuer_key(None, "TTCT huyện Kim Bảng"), issuer_key(None, "ttct  huyen KIM BANG"));
        let id = InstitutionId::new();
        assert_eq!(issuer_key(Some(id), "whatever"), id.to_string());
        assert_ne!(issuer_key(None, "Kim Bảng"), issuer_key(None, "Thanh Liêm"));
    }
}
