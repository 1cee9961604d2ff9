//! The summary for a period: its rows by level and mode, its totals, and its groups when asked.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::dto::{Category, Figures, GroupBy, GroupRow, RecordedRow, Summary};
use super::rules::{self, Item};
use super::store;
use crate::auth::Scope;
use crate::certificates::issue::{level_name, mode_name};
use crate::cohorts::model::CohortStatus;
use crate::db::ids::*;
use crate::db::DbConn;
use crate::error::ApiError;

/// The Vietnamese of a category.
pub fn category_name(c: Category) -> &'static str {
    match c {
        Category::PartyCommitteeMember => "Cấp ủy viên",
        Category::SuccessionPlan => "Trong quy hoạch",
        Category::NewPartyMember => "Đảng viên mới",
        Category::EthnicMinority => "Người dân tộc thiểu số",
        Category::Female => "Nữ",
    }
}

/// The summary of the classes at `target`'s subtree (or the whole scope) that opened from
/// `from` to `to`, inclusive.
pub fn build(
    c: &mut DbConn,
    scope: &Scope,
    target: Option<InstitutionId>,
    (year, from, to): (Option<i32>, NaiveDate, NaiveDate),
    group_by: Option<GroupBy>,
) -> Result<Summary, ApiError> {
    let insts = store::covered(c, scope, target)?;
    let ids: Vec<InstitutionId> = insts.iter().map(|x| x.0).collect();
    let until = to.succ_opt().unwrap_or(to);
    let recorded = rules::roll_up(&insts, &store::recorded(c, &ids, from, until)?, |a, b| *a += b)
        .into_iter()
        .map(|(institution_id, institution_name, level, own, including_children)| RecordedRow {
            institution_id,
            institution_name,
            level,
            own,
            including_children,
        })
        .collect();
    let facts = store::period_facts(c, &ids, from, until)?;
    let closed: HashMap<CohortId, bool> = facts.cohorts.iter().map(|x| (x.0, x.5 == CohortStatus::Closed)).collect();
    let ids: Vec<CohortId> = facts.cohorts.iter().map(|x| x.0).collect();
    let classes = rules::per_class(facts);
    let rows = rules::summarise(&insts, &classes);
    let mut totals = Figures::default();
    for x in &classes {
        totals.add(&x.figures);
    }
    let groups = match group_by {
        None => Vec::new(),
        Some(by) => {
            let mut labels = HashMap::new();
            let items = match by {
                GroupBy::Level | GroupBy::Program | GroupBy::Mode => {
                    let titles = match by {
                        GroupBy::Program => {
                            store::program_titles(c, &classes.iter().map(|x| x.program).collect::<Vec<_>>())?
                        }
                        _ => HashMap::new(),
                    };
                    class_items(&ids, &closed, &classes, by, &titles, &mut labels)
                }
                GroupBy::SendingUnit | GroupBy::Category => {
                    learner_items(&closed, store::enrolments(c, &ids)?, by, &mut labels)
                }
            };
            rules::grouped(&insts, items)
                .into_iter()
                .map(|(institution_id, institution_name, group, own, including_children)| GroupRow {
                    label: labels.get(&group).cloned().unwrap_or_default(),
                    institution_id,
                    institution_name,
                    group,
                    own,
                    including_children,
                })
                .collect()
        }
    };
    Ok(Summary { year, from, to, rows, totals, groups, recorded })
}

/// Each class under its level, program or mode.
fn class_items(
    ids: &[CohortId],
    closed: &HashMap<CohortId, bool>,
    classes: &[rules::ClassFigures],
    by: GroupBy,
    titles: &HashMap<ProgramId, String>,
    labels: &mut HashMap<String, String>,
) -> Vec<Item> {
    ids.iter()
        .zip(classes)
        .map(|(id, k)| {
            let (key, label) = match by {
                GroupBy::Level => (k.level.as_str().to_string(), level_name(k.level).to_string()),
                GroupBy::Mode => (k.mode.as_str().to_string(), mode_name(k.mode).to_string()),
                _ => (k.program.to_string(), titles.get(&k.program).cloned().unwrap_or_default()),
            };
            labels.insert(key.clone(), label);
            let closed = closed.get(id).copied().unwrap_or(false);
            Item { institution: k.institution, cohort: *id, closed, key, figures: k.figures.clone() }
        })
        .collect()
}

/// Each enrolment under its learner's sending unit, or under every category they fall in on the
/// class's first day.
fn learner_items(
    closed: &HashMap<CohortId, bool>,
    enrolments: Vec<store::EnrolmentRow>,
    by: GroupBy,
    labels: &mut HashMap<String, String>,
) -> Vec<Item> {
    let mut items = Vec::new();
    for e in enrolments {
        let figures = learner_figures(&e);
        let keys: Vec<(String, String)> = if by == GroupBy::SendingUnit {
            let name = e.sending_unit.clone().filter(|n| !n.trim().is_empty());
            let key = name.as_deref().map(crate::text::fold).unwrap_or_else(|| "none".into());
            vec![(key, name.unwrap_or_else(|| "Không ghi đơn vị".into()))]
        } else {
            rules::categories(&e.learner, e.starts_on)
                .into_iter()
                .map(|x| (x.as_str().to_string(), category_name(x).to_string()))
                .collect()
        };
        for (key, label) in keys {
            labels.entry(key.clone()).or_insert(label);
            let closed = closed.get(&e.cohort).copied().unwrap_or(false);
            items.push(Item { institution: e.institution, cohort: e.cohort, closed, key, figures: figures.clone() });
        }
    }
    items
}

/// One enrolment's figures: a trainee-turn (or a withdrawal) and its kept result.
fn learner_figures(e: &store::EnrolmentRow) -> Figures {
    let mut f = Figures::default();
    if e.withdrawn {
        f.withdrawn = 1;
    } else {
        f.trainee_turns = 1;
    }
    match e.outcome.as_deref() {
        Some("graduated") => {
            f.graduated = 1;
            f.by_classification.insert(e.classification.clone().unwrap_or_else(|| "none".into()), 1);
        }
        Some("failed") => {
            f.failed = 1;
            for k in e.failed_on.as_deref().unwrap_or_default().split(',').filter(|k| !k.is_empty()) {
                f.failed_on.insert(k.to_string(), 1);
            }
        }
        Some(_) => f.pending = 1,
        None => {}
    }
    f
}
