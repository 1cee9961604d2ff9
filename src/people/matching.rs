//! People described in a list — a register book copied in, a unit's nomination — matched to the
//! learners already recorded in the institution tree, or new learner records for those not found.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::dto::{blank_learner, LearnerInput};
use super::model::Learner;
use super::{rules as people_rules, store, under};
use crate::auth::Caller;
use crate::db::ids::*;
use crate::db::DbConn;
use crate::error::{ApiError, ProblemItem, Problems};

/// A row's person: an existing learner, or the new one at this index of the learners to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holder {
    Known(LearnerId),
    New(usize),
}

/// One described person of a list.
pub struct Described<'a> {
    /// Where the row's problems are reported: `rows[7]`, `people[2]`.
    pub at: String,
    /// The learner named outright; it must be readable by the caller.
    pub learner_id: Option<LearnerId>,
    pub person: &'a LearnerInput,
}

/// Each row's person, the learners to create (checked like any new record), and how many
/// distinct learners were matched.
pub struct Matched {
    pub holders: Vec<Holder>,
    pub created: Vec<Learner>,
    pub matched: usize,
}

impl Matched {
    pub fn learner_of(&self, h: Holder) -> LearnerId {
        match h {
            Holder::Known(id) => id,
            Holder::New(i) => self.created[i].id,
        }
    }
}

/// Each row's person: the learner it names, else the learner of the institution tree with the
/// same national id, else with the same name and date of birth, else a new learner of
/// `institution` (one per person however many rows they have). Problems go to `problems`.
pub fn match_people(
    tx: &mut DbConn,
    caller: &Caller,
    institution: InstitutionId,
    today: NaiveDate,
    rows: &[Described],
    problems: &mut Vec<ProblemItem>,
) -> Result<Matched, ApiError> {
    let prefix = store::tree_prefix(tx, institution)?;
    let named: Vec<LearnerId> = rows.iter().filter_map(|r| r.learner_id).collect();
    let readable: HashSet<LearnerId> = store::learners_by_ids(tx, &named)?
        .into_iter()
        .filter(|l| caller.scope.contains(l.institution_id))
        .map(|l| l.id)
        .collect();
    let at = crate::db::now();
    // The person each row describes (used for the rows that name no learner).
    let candidates: Vec<Learner> = rows
        .iter()
        .map(|r| {
            let mut l = blank_learner(institution, at);
            r.person.clone().apply(&mut l);
            l
        })
        .collect();
    let described = || rows.iter().zip(&candidates).filter(|(r, _)| r.learner_id.is_none()).map(|(_, l)| l);
    let mut names: Vec<String> = described().map(|l| l.name_key.clone()).collect();
    names.sort();
    names.dedup();
    let by_name: HashMap<(String, NaiveDate), LearnerId> =
        store::learners_named(tx, &prefix, &names)?.into_iter().map(|(id, k, d)| ((k, d), id)).collect();
    let mut nids: Vec<String> = described().filter_map(|l| l.national_id.clone()).collect();
    nids.sort();
    nids.dedup();
    let by_nid: HashMap<String, LearnerId> =
        store::learners_with_national_ids(tx, &prefix, &nids)?.into_iter().map(|(id, n)| (n, id)).collect();
    let (mut holders, mut created, mut matched) = (Vec::with_capacity(rows.len()), Vec::new(), HashSet::new());
    let mut new_by_person: HashMap<(String, NaiveDate), usize> = HashMap::new();
    for (r, l) in rows.iter().zip(candidates) {
        let holder = match r.learner_id {
            Some(id) => {
                if !readable.contains(&id) {
                    problems.push(ProblemItem::field(format!("{}.learner_id", r.at), "no such learner in your scope"));
                }
                Holder::Known(id)
            }
            None => {
                let key = (l.name_key.clone(), l.date_of_birth);
                let known = l.national_id.as_ref().and_then(|x| by_nid.get(x)).or_else(|| by_name.get(&key));
                match (known, new_by_person.get(&key)) {
                    (Some(id), _) => Holder::Known(*id),
                    (None, Some(i)) => Holder::New(*i),
                    (None, None) => {
                        let mut p = Problems::new();
                        r.person.require(&mut p);
                        if p.is_empty() {
                            p.0.extend(people_rules::learner_problems(&l, today));
                        }
                        problems.extend(under(&r.at, p.0));
                        new_by_person.insert(key, created.len());
                        created.push(l);
                        Holder::New(created.len() - 1)
                    }
                }
            }
        };
        if let Holder::Known(id) = holder {
            matched.insert(id);
        }
        holders.push(holder);
    }
    Ok(Matched { holders, created, matched: matched.len() })
}
