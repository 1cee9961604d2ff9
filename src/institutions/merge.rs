//! Merging one institution into another (the 2025 reorganisation combined whole provinces'
//! schools): children, classes, learners, lecturers, users, the institution's own programs and
//! sending units move to the target in one transaction. The merged institution stays, read-only,
//! under the target with its name, so credentials keep the issuer printed on them, its signing
//! keys keep verifying them and its register book stays readable to the target's administrators.
//! Numbering continues only at the target. A dry run reports what would move and every conflict
//! before anything changes.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Institution, InstitutionStatus};
use super::{rules, store};
use crate::db::ids::*;
use crate::db::schema::{
    cohorts as co, institution_merges as im, institutions as i, programs as p, sending_units as su,
};
use crate::db::{now, DbConn};
use crate::error::ApiError;

/// Tables whose rows follow their institution to the target.
const MOVED: [&str; 20] = [
    "users",
    "learners",
    "lecturers",
    "cohorts",
    "enrollments",
    "assignments",
    "sessions",
    "attendance",
    "field_trips",
    "field_reports",
    "exams",
    "grades",
    "appeals",
    "conduct",
    "certificates",
    "credential_records",
    "result_snapshots",
    "graduation_decisions",
    "outbox",
    "sending_units",
];

/// Two records, one in each institution's tree, that look like the same person.
#[derive(Debug, Clone, Serialize, ToSchema, QueryableByName)]
pub struct DuplicatePerson {
    /// The record that moves with the merged institution.
    #[diesel(sql_type = Text)]
    pub learner_id: String,
    /// The record already in the target's tree.
    #[diesel(sql_type = Text)]
    pub target_learner_id: String,
    #[diesel(sql_type = Text)]
    pub full_name: String,
    #[diesel(sql_type = Date)]
    pub date_of_birth: chrono::NaiveDate,
}

/// A code that exists at both institutions, and what the moved one becomes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Rename {
    /// `cohort`, `program` or `sending_unit`.
    pub kind: String,
    pub id: String,
    pub code: String,
    /// The code after the merge; `null` for a sending unit, whose registration the target's
    /// replaces.
    pub becomes: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MergeReport {
    pub institution_id: InstitutionId,
    pub target_id: InstitutionId,
    pub dry_run: bool,
    /// Rows that move (or would move), per kind; `children` are direct child institutions.
    pub moves: std::collections::BTreeMap<String, i64>,
    /// Codes that clash, with how the merge resolves each.
    pub renames: Vec<Rename>,
    /// People recorded at both (same folded name and date of birth, or same national id); merge
    /// them afterwards with `POST /learners/{id}/merge-into/{target}`.
    pub duplicate_people: Vec<DuplicatePerson>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(tx: &mut DbConn, table: &str, id: InstitutionId) -> QueryResult<i64> {
    // `table` is one of the constant names above, never input.
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table} WHERE institution_id = $1"))
        .bind::<Text, _>(id.to_string())
        .get_result::<Count>(tx)
        .map(|c| c.n)
}

/// The checks and the report; nothing is written.
fn plan(tx: &mut DbConn, from: &Institution, to: &Institution) -> Result<MergeReport, ApiError> {
    if from.id == to.id {
        return Err(ApiError::refused("merge_into_itself", "An institution cannot be merged into itself."));
    }
    if from.status == InstitutionStatus::Merged || to.status == InstitutionStatus::Merged {
        return Err(ApiError::refused("institution_merged", "A merged institution is read-only."));
    }
    if rules::creates_cycle(&from.path, &to.path) {
        return Err(ApiError::refused(
            "merge_into_descendant",
            "An institution cannot be merged into one of the institutions below it.",
        ));
    }
    let mut moves = std::collections::BTreeMap::new();
    let children: i64 = i::table.filter(i::parent_id.eq(from.id)).count().get_result(tx)?;
    moves.insert("children".to_string(), children);
    for t in MOVED {
        moves.insert(t.to_string(), count(tx, t, from.id)?);
    }
    let programs: i64 = p::table.filter(p::owner_institution_id.eq(from.id)).count().get_result(tx)?;
    moves.insert("programs".to_string(), programs);
    let suffix = format!(" ({})", from.code);
    let mut renames = Vec::new();
    let target_codes: std::collections::HashSet<String> =
        co::table.filter(co::institution_id.eq(to.id)).select(co::code).load::<String>(tx)?.into_iter().collect();
    let clashing: Vec<(CohortId, String)> = co::table
        .filter(co::institution_id.eq(from.id))
        .select((co::id, co::code))
        .load::<(CohortId, String)>(tx)?
        .into_iter()
        .filter(|(_, code)| target_codes.contains(code))
        .collect();
    for (id, code) in clashing {
        renames.push(Rename {
            kind: "cohort".into(),
            id: id.to_string(),
            becomes: Some(format!("{code}{suffix}")),
            code,
        });
    }
    let to_key = crate::programs::model::owner_key(Some(to.id));
    let target_programs: std::collections::HashSet<(String, String)> =
        p::table.filter(p::owner_key.eq(to_key)).select((p::code, p::edition)).load(tx)?.into_iter().collect();
    let clashing: Vec<(ProgramId, String, String)> = p::table
        .filter(p::owner_institution_id.eq(from.id))
        .select((p::id, p::code, p::edition))
        .load::<(ProgramId, String, String)>(tx)?
        .into_iter()
        .filter(|(_, code, edition)| target_programs.contains(&(code.clone(), edition.clone())))
        .collect();
    for (id, code, _) in clashing {
        renames.push(Rename {
            kind: "program".into(),
            id: id.to_string(),
            becomes: Some(format!("{code}{suffix}")),
            code,
        });
    }
    let target_units: std::collections::HashSet<String> =
        su::table.filter(su::institution_id.eq(to.id)).select(su::name_key).load::<String>(tx)?.into_iter().collect();
    let clashing: Vec<(SendingUnitId, String, String)> = su::table
        .filter(su::institution_id.eq(from.id))
        .select((su::id, su::name, su::name_key))
        .load::<(SendingUnitId, String, String)>(tx)?
        .into_iter()
        .filter(|(_, _, key)| target_units.contains(key))
        .collect();
    for (id, name, _) in clashing {
        renames.push(Rename { kind: "sending_unit".into(), id: id.to_string(), code: name, becomes: None });
    }
    // Same folded name and date of birth, or the same national id: two joins that each use an
    // index, rather than one join on either.
    let from_like = format!("{}%", from.path);
    let to_like = format!("{}%", crate::people::store::tree_prefix(tx, to.id)?);
    let mut duplicate_people: Vec<DuplicatePerson> = Vec::new();
    for on in ["b.name_key = a.name_key AND b.date_of_birth = a.date_of_birth", "b.national_id = a.national_id"] {
        duplicate_people.extend(
            diesel::sql_query(format!(
                "SELECT a.id AS learner_id, b.id AS target_learner_id, a.full_name AS full_name, \
                 a.date_of_birth AS date_of_birth \
                 FROM learners a JOIN institutions ia ON ia.id = a.institution_id \
                 JOIN learners b ON {on} JOIN institutions ib ON ib.id = b.institution_id \
                 WHERE ia.path LIKE $1 AND ib.path LIKE $2 AND ib.path NOT LIKE $1 LIMIT 5000"
            ))
            .bind::<Text, _>(&from_like)
            .bind::<Text, _>(&to_like)
            .load::<DuplicatePerson>(tx)?,
        );
    }
    duplicate_people.sort_by(|a, b| (&a.learner_id, &a.target_learner_id).cmp(&(&b.learner_id, &b.target_learner_id)));
    duplicate_people.dedup_by(|a, b| a.learner_id == b.learner_id && a.target_learner_id == b.target_learner_id);
    Ok(MergeReport { institution_id: from.id, target_id: to.id, dry_run: true, moves, renames, duplicate_people })
}

/// Merges institution `from` into `to` (system administrators), or with `dry_run` only reports.
pub fn merge(
    tx: &mut DbConn,
    from: InstitutionId,
    to: InstitutionId,
    by: UserId,
    dry_run: bool,
) -> Result<MergeReport, ApiError> {
    let source = store::find(tx, from)?.ok_or_else(ApiError::not_found)?;
    let target = store::find(tx, to)?.ok_or_else(ApiError::not_found)?;
    let mut report = plan(tx, &source, &target)?;
    if dry_run {
        return Ok(report);
    }
    report.dry_run = false;
    // Codes that clash are renamed before anything moves.
    for r in &report.renames {
        match (r.kind.as_str(), &r.becomes) {
            ("cohort", Some(code)) => {
                diesel::update(co::table.filter(co::id.eq(r.id.clone()))).set(co::code.eq(code)).execute(tx)?;
            }
            ("program", Some(code)) => {
                diesel::update(p::table.filter(p::id.eq(r.id.clone()))).set(p::code.eq(code)).execute(tx)?;
            }
            _ => {
                diesel::delete(su::table.filter(su::id.eq(r.id.clone()))).execute(tx)?;
            }
        }
    }
    // Its classes keep where they were held: the merged institution, which keeps its name.
    diesel::update(co::table.filter(co::institution_id.eq(from)).filter(co::venue_institution_id.is_null()))
        .set(co::venue_institution_id.eq(Some(from)))
        .execute(tx)?;
    for t in MOVED {
        diesel::sql_query(format!("UPDATE {t} SET institution_id = $1 WHERE institution_id = $2"))
            .bind::<Text, _>(to.to_string())
            .bind::<Text, _>(from.to_string())
            .execute(tx)?;
    }
    diesel::update(p::table.filter(p::owner_institution_id.eq(from)))
        .set((p::owner_institution_id.eq(to), p::owner_key.eq(crate::programs::model::owner_key(Some(to)))))
        .execute(tx)?;
    // The children move under the target, then the merged institution itself, read-only.
    let children: Vec<Institution> =
        i::table.filter(i::parent_id.eq(from)).select(Institution::as_select()).load(tx)?;
    for child in children {
        let path = rules::child_path(Some(&target.path), &child.id.to_string());
        store::move_subtree(tx, &child.path, &path)?;
        diesel::update(i::table.find(child.id)).set(i::parent_id.eq(Some(to))).execute(tx)?;
    }
    let path = rules::child_path(Some(&target.path), &from.to_string());
    store::move_subtree(tx, &source.path, &path)?;
    let at = now();
    let n = diesel::update(i::table.find(from).filter(i::version.eq(source.version)))
        .set((
            i::parent_id.eq(Some(to)),
            i::status.eq(InstitutionStatus::Merged),
            i::version.eq(source.version + 1),
            i::updated_at.eq(at),
        ))
        .execute(tx)?;
    crate::http::extract::saved(n == 1, source.version)?;
    diesel::insert_into(im::table)
        .values((
            im::institution_id.eq(from),
            im::merged_into_id.eq(to),
            im::moved.eq(serde_json::to_string(&report.moves).unwrap_or_default()),
            im::merged_by.eq(by),
            im::merged_at.eq(at),
        ))
        .execute(tx)?;
    Ok(report)
}

/// The institution that keeps the records of `id` today: itself, or the end of its chain of
/// merges.
pub fn custodian(tx: &mut DbConn, id: InstitutionId) -> QueryResult<InstitutionId> {
    let mut cur = id;
    for _ in 0..32 {
        match im::table.find(cur).select(im::merged_into_id).first::<InstitutionId>(tx).optional()? {
            Some(next) => cur = next,
            None => break,
        }
    }
    Ok(cur)
}
