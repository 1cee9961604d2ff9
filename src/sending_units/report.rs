//! The report a sending unit gets about its people in one class: who they are, the outcome,
//! average, classification, conduct and any disciplinary measure, and the credential's serial.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::certificates::model::CertificateStatus;
use crate::cohorts::model::Cohort;
use crate::db::ids::*;
use crate::db::schema::{certificates as c, learners as l};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::http::export::{self, Cell, Table};
use crate::notifications::{Kind, Message};
use crate::results::rules::Outcome;
use crate::results::service::LearnerResult;
use crate::text::fold;

/// One person of the unit in the class.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitLearner {
    pub learner_id: LearnerId,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    pub position: Option<String>,
    pub workplace: Option<String>,
    pub outcome: Outcome,
    pub average: Option<f64>,
    pub classification: Option<String>,
    /// Political qualities, discipline, keeping the class rules (tốt/khá/trung bình/yếu).
    pub conduct: Option<[String; 3]>,
    pub measure: Option<String>,
    /// Why the learner did not graduate (yet).
    pub reasons: Vec<crate::results::rules::Reason>,
    pub credential_serial: Option<String>,
}

/// A unit's report for one class.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitReport {
    pub cohort_id: CohortId,
    pub cohort_code: String,
    pub unit: String,
    /// The folded name: what `GET /cohorts/{id}/unit-reports/{unit}` matches.
    pub unit_key: String,
    /// The registered unit this report goes to, if the registry knows it.
    pub sending_unit_id: Option<SendingUnitId>,
    pub email: Option<String>,
    pub learners: Vec<UnitLearner>,
}

/// A learner as the report lists them: id, name, birth date, position, workplace, unit, sort key.
type Person = (LearnerId, String, NaiveDate, Option<String>, Option<String>, String, String);

/// Every unit's report for `cohort` from its learners' `results`, units in Vietnamese order of
/// their names, people in the order of a Vietnamese list.
pub fn build(tx: &mut DbConn, cohort: &Cohort, results: &[LearnerResult]) -> Result<Vec<UnitReport>, ApiError> {
    let ids: Vec<LearnerId> = results.iter().map(|r| r.learner_id).collect();
    let mut people: Vec<Person> = Vec::new();
    for chunk in ids.chunks(500) {
        people.extend(
            l::table
                .filter(l::id.eq_any(chunk))
                .filter(l::sending_unit.is_not_null())
                .select((
                    l::id,
                    l::full_name,
                    l::date_of_birth,
                    l::position,
                    l::workplace,
                    l::sending_unit.assume_not_null(),
                    l::sort_key,
                ))
                .load::<Person>(tx)?,
        );
    }
    people.sort_by(|a, b| a.6.cmp(&b.6).then(a.0.cmp(&b.0)));
    let conduct: HashMap<LearnerId, crate::conduct::Conduct> =
        crate::conduct::store::of_cohort(tx, cohort.id)?.into_iter().map(|x| (x.learner_id, x)).collect();
    let serials: HashMap<LearnerId, String> = c::table
        .filter(c::cohort_id.eq(cohort.id))
        .filter(c::status.eq(CertificateStatus::Valid))
        .select((c::learner_id, c::serial))
        .load::<(LearnerId, String)>(tx)?
        .into_iter()
        .collect();
    let by_id: HashMap<LearnerId, &LearnerResult> = results.iter().map(|r| (r.learner_id, r)).collect();
    let mut units: Vec<UnitReport> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (id, full_name, dob, position, workplace, unit, _) in people {
        let key = fold(&unit);
        if key.is_empty() {
            continue;
        }
        let Some(r) = by_id.get(&id) else { continue };
        let k = conduct.get(&id);
        let row = UnitLearner {
            learner_id: id,
            full_name,
            date_of_birth: dob,
            position,
            workplace,
            outcome: r.result.outcome,
            average: r.result.average,
            classification: r.result.classification_name.clone(),
            conduct: k.map(|k| {
                [
                    k.political.name_vi().to_string(),
                    k.discipline.name_vi().to_string(),
                    k.class_rules.name_vi().to_string(),
                ]
            }),
            measure: k.and_then(|k| k.measure).map(|m| m.name_vi().to_string()),
            reasons: r.result.reasons.clone(),
            credential_serial: serials.get(&id).cloned(),
        };
        let i = *index.entry(key.clone()).or_insert_with(|| {
            units.push(UnitReport {
                cohort_id: cohort.id,
                cohort_code: cohort.code.clone(),
                unit: unit.clone(),
                unit_key: key.clone(),
                sending_unit_id: None,
                email: None,
                learners: Vec::new(),
            });
            units.len() - 1
        });
        units[i].learners.push(row);
    }
    let institution = crate::institutions::store::find(tx, cohort.institution_id)?.ok_or_else(ApiError::not_found)?;
    let keys: Vec<String> = units.iter().map(|u| u.unit_key.clone()).collect();
    let known = super::registered(tx, &institution.path, &keys)?;
    for u in &mut units {
        if let Some(k) = known.get(&u.unit_key) {
            u.unit = k.name.clone();
            u.sending_unit_id = Some(k.id);
            u.email = k.email.clone();
        }
    }
    units.sort_by(|a, b| a.unit_key.cmp(&b.unit_key));
    Ok(units)
}

/// The report as a spreadsheet, named after the class and the unit.
pub fn table(r: &UnitReport) -> Table {
    let rows = r
        .learners
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let conduct = x.conduct.as_ref();
            vec![
                Cell::from(i as i64 + 1),
                x.full_name.as_str().into(),
                x.date_of_birth.format("%d/%m/%Y").to_string().into(),
                x.position.clone().into(),
                x.outcome.name_vi().into(),
                x.average.map(Cell::from).unwrap_or(Cell::Empty),
                x.classification.clone().into(),
                conduct.map(|c| c[0].clone()).into(),
                conduct.map(|c| c[1].clone()).into(),
                conduct.map(|c| c[2].clone()).into(),
                x.measure.clone().into(),
                x.credential_serial.clone().into(),
                x.reasons.iter().map(|r| crate::vi::message(&r.message)).collect::<Vec<_>>().join("; ").into(),
            ]
        })
        .collect();
    let slug: String = format!("{}-{}", r.cohort_code, r.unit_key)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Table {
        name: format!("ket-qua-{slug}"),
        headers: vec![
            "STT",
            "Họ và tên",
            "Ngày sinh",
            "Chức vụ",
            "Kết quả",
            "Điểm trung bình",
            "Xếp loại",
            "Phẩm chất chính trị",
            "Ý thức rèn luyện",
            "Chấp hành nền nếp",
            "Kỷ luật",
            "Số hiệu văn bằng",
            "Ghi chú",
        ],
        rows,
    }
}

/// The close-out messages: one per registered unit with an address, its report attached.
pub fn messages(cohort: &Cohort, reports: &[UnitReport]) -> Result<Vec<Message>, ApiError> {
    let mut out = Vec::new();
    for r in reports {
        let Some(to) = r.email.clone() else { continue };
        let t = table(r);
        let bytes = export::xlsx_bytes(&t)?;
        let graduated = r.learners.iter().filter(|x| x.outcome == Outcome::Graduated).count();
        out.push(Message {
            dedupe_key: format!("unit-report:{}:{}", cohort.id, r.unit_key),
            kind: Kind::UnitReport,
            user_id: None,
            institution_id: Some(cohort.institution_id),
            to,
            to_name: r.unit.clone(),
            context: json!({
                "cohort": format!("{} – {}", cohort.code, cohort.title),
                "unit": r.unit,
                "count": r.learners.len(),
                "graduated": graduated,
            }),
            attachment: Some((format!("{}.xlsx", t.name), bytes)),
        });
    }
    Ok(out)
}
