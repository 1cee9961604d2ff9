//! A list as clients read it: its people with names, decisions and, while they wait for a
//! class, the eligibility rules they fail today.

use super::dto::*;
use super::model::*;
use super::store;
use crate::cohorts::enrol;
use crate::db::DbConn;
use crate::error::ApiError;
use crate::http::export::{Cell, Table};

/// The list with its people.
pub fn out(tx: &mut DbConn, n: Nomination) -> Result<NominationOut, ApiError> {
    let rows = store::people_of(tx, &[n.id])?;
    let unit = crate::sending_units::find(tx, n.sending_unit_id)?.map(|u| u.name).unwrap_or_default();
    let target = match n.cohort_id {
        Some(c) if n.pending_count > 0 => match crate::cohorts::store::find(tx, c)? {
            Some(cohort) => Some(enrol::target_of(tx, &cohort)?),
            None => None,
        },
        _ => None,
    };
    // The people still waiting, with what the rules look up about them, read at once.
    let (waiting, lookups) = match &target {
        Some(t) => {
            let ids: Vec<_> =
                rows.iter().filter(|r| r.0.status == PersonStatus::Pending).map(|r| r.0.learner_id).collect();
            let learners = crate::people::store::learners_by_ids(tx, &ids)?;
            (learners.into_iter().map(|l| (l.id, l)).collect(), enrol::Lookups::read(tx, &ids, t)?)
        }
        None => (std::collections::HashMap::new(), enrol::Lookups::default()),
    };
    let mut people = Vec::with_capacity(rows.len());
    for (p, full_name, date_of_birth) in rows {
        let eligibility = match (&target, waiting.get(&p.learner_id)) {
            (Some(t), Some(l)) if p.status == PersonStatus::Pending => enrol::refusals_with(l, t, &lookups).0,
            _ => Vec::new(),
        };
        people.push(NominatedPersonOut {
            position: p.position,
            learner_id: p.learner_id,
            full_name,
            date_of_birth,
            created_learner: p.created_learner,
            status: p.status,
            reasons: p.reasons.0,
            cohort_id: p.cohort_id,
            enrollment_id: p.enrollment_id,
            decided_at: p.decided_at.map(|t| t.and_utc()),
            eligibility,
        });
    }
    Ok(NominationOut {
        id: n.id,
        institution_id: n.institution_id,
        sending_unit_id: n.sending_unit_id,
        sending_unit: unit,
        decision_no: n.decision_no,
        decision_on: n.decision_on,
        cohort_id: n.cohort_id,
        program_id: n.program_id,
        year: n.year,
        note: n.note,
        status: n.status,
        people_count: n.people_count,
        pending_count: n.pending_count,
        submitted_by: n.submitted_by,
        people,
        version: n.version,
        created_at: n.created_at.and_utc(),
        updated_at: n.updated_at.and_utc(),
    })
}

/// The lists as a spreadsheet: one row per person.
pub fn table(tx: &mut DbConn, lists: &[Nomination]) -> Result<Table, ApiError> {
    let ids: Vec<_> = lists.iter().map(|n| n.id).collect();
    let mut people = Vec::new();
    for chunk in ids.chunks(500) {
        people.extend(store::people_of(tx, chunk)?);
    }
    let by_id: std::collections::HashMap<_, &Nomination> = lists.iter().map(|n| (n.id, n)).collect();
    let rows = people
        .into_iter()
        .filter_map(|(p, name, born)| {
            let n = by_id.get(&p.nomination_id)?;
            Some(vec![
                Cell::from(n.decision_no.as_str()),
                n.decision_on.format("%d/%m/%Y").to_string().into(),
                n.cohort_id.map(|c| c.to_string()).unwrap_or_default().into(),
                (p.position as i64).into(),
                name.into(),
                born.format("%d/%m/%Y").to_string().into(),
                match p.status {
                    PersonStatus::Pending => "Chờ xét",
                    PersonStatus::Accepted => "Tiếp nhận",
                    PersonStatus::Rejected => "Không tiếp nhận",
                }
                .into(),
                p.reasons.0.join("; ").into(),
            ])
        })
        .collect();
    let headers =
        vec!["Số quyết định", "Ngày quyết định", "Lớp", "STT", "Họ và tên", "Ngày sinh", "Kết quả xét", "Lý do"];
    Ok(Table { name: "danh-sach-cu-di-hoc".into(), headers, rows })
}
