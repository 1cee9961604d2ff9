//! Queries over programs, modules and the tier × level table.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::dto::CreateVersion;
use super::model::{owner_key, title_key, Level, Program, ProgramModule, ProgramStatus};
use crate::db::ids::{InstitutionId, ModuleId, ProgramId};
use crate::db::page::PageRequest;
use crate::db::schema::{program_modules as m, programs as p, tier_levels as tl};
use crate::db::{now, DbConn};
use crate::error::ApiError;

pub fn insert(conn: &mut DbConn, row: &Program) -> QueryResult<()> {
    diesel::insert_into(p::table).values(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut DbConn, id: ProgramId) -> QueryResult<Option<Program>> {
    p::table.find(id).select(Program::as_select()).first(conn).optional()
}

pub fn get(conn: &mut DbConn, id: ProgramId) -> Result<Program, ApiError> {
    find(conn, id)?.ok_or_else(ApiError::not_found)
}

pub fn find_by_key(conn: &mut DbConn, owner_key: &str, code: &str, edition: &str) -> QueryResult<Option<Program>> {
    p::table
        .filter(p::owner_key.eq(owner_key))
        .filter(p::code.eq(code))
        .filter(p::edition.eq(edition))
        .select(Program::as_select())
        .first(conn)
        .optional()
}

pub struct Filter {
    pub updated_since: Option<NaiveDateTime>,
    pub level: Option<Level>,
    pub status: Option<ProgramStatus>,
    pub owner: Option<InstitutionId>,
    pub national: Option<bool>,
    /// Folded words that must all appear in the folded title or code.
    pub words: Vec<String>,
}

pub fn list(conn: &mut DbConn, f: &Filter, page: &PageRequest) -> Result<Vec<Program>, ApiError> {
    let mut q = p::table.select(Program::as_select()).into_boxed();
    if let Some(ts) = f.updated_since {
        q = q.filter(p::updated_at.ge(ts));
    }
    if let Some(l) = f.level {
        q = q.filter(p::level.eq(l));
    }
    if let Some(s) = f.status {
        q = q.filter(p::status.eq(s));
    }
    if let Some(o) = f.owner {
        q = q.filter(p::owner_institution_id.eq(o));
    }
    match f.national {
        Some(true) => q = q.filter(p::owner_institution_id.is_null()),
        Some(false) => q = q.filter(p::owner_institution_id.is_not_null()),
        None => {}
    }
    for w in &f.words {
        q = q.filter(p::title_key.like(format!("%{w}%")));
    }
    if let Some(after) = &page.after {
        let after: ProgramId =
            after.parse().map_err(|_| ApiError::field("cursor", "is not a cursor this service gave"))?;
        q = q.filter(p::id.gt(after));
    }
    Ok(q.order(p::id.asc()).limit(page.limit + 1).load(conn)?)
}

pub fn save(conn: &mut DbConn, row: &Program, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, p, row, seen_version)
}

/// Marks the program changed (its modules changed) for clients syncing by `updated_since`.
pub fn touch(conn: &mut DbConn, id: ProgramId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(p::table.find(id)).set(p::updated_at.eq(at)).execute(conn)
}

/// (total hours, module count) per program.
pub fn totals(conn: &mut DbConn, ids: &[ProgramId]) -> QueryResult<HashMap<ProgramId, (i64, i64)>> {
    let rows: Vec<(ProgramId, i32)> =
        m::table.filter(m::program_id.eq_any(ids)).select((m::program_id, m::hours)).load(conn)?;
    let mut out: HashMap<ProgramId, (i64, i64)> = HashMap::new();
    for (id, h) in rows {
        let e = out.entry(id).or_default();
        e.0 += i64::from(h);
        e.1 += 1;
    }
    Ok(out)
}

pub fn modules(conn: &mut DbConn, program: ProgramId) -> QueryResult<Vec<ProgramModule>> {
    m::table
        .filter(m::program_id.eq(program))
        .order((m::position.asc(), m::id.asc()))
        .select(ProgramModule::as_select())
        .load(conn)
}

pub fn find_module(conn: &mut DbConn, id: ModuleId) -> QueryResult<Option<ProgramModule>> {
    m::table.find(id).select(ProgramModule::as_select()).first(conn).optional()
}

pub fn insert_module(conn: &mut DbConn, row: &ProgramModule) -> QueryResult<()> {
    diesel::insert_into(m::table).values(row).execute(conn).map(|_| ())
}

pub fn save_module(conn: &mut DbConn, row: &ProgramModule, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, m, row, seen_version)
}

pub fn delete_module(conn: &mut DbConn, id: ModuleId) -> QueryResult<usize> {
    diesel::delete(m::table.find(id)).execute(conn)
}

/// Writes positions 1..n in the given order, touching only modules whose position changes.
pub fn renumber(conn: &mut DbConn, ordered: &[ProgramModule]) -> QueryResult<()> {
    for (i, module) in ordered.iter().enumerate() {
        let pos = i as i32 + 1;
        if module.position != pos {
            diesel::update(m::table.find(module.id)).set(m::position.eq(pos)).execute(conn)?;
        }
    }
    Ok(())
}

pub fn code_taken(conn: &mut DbConn, program: ProgramId, code: &str, except: Option<ModuleId>) -> QueryResult<bool> {
    let mut q = m::table.filter(m::program_id.eq(program)).filter(m::code.eq(code)).select(m::id).into_boxed();
    if let Some(id) = except {
        q = q.filter(m::id.ne(id));
    }
    q.first::<ModuleId>(conn).optional().map(|r| r.is_some())
}

pub fn tier_levels(conn: &mut DbConn) -> QueryResult<Vec<(String, Level)>> {
    tl::table.order((tl::tier.asc(), tl::level.asc())).select((tl::tier, tl::level)).load(conn)
}

pub fn replace_tier_levels(conn: &mut DbConn, pairs: &[(String, Level)]) -> QueryResult<()> {
    diesel::delete(tl::table).execute(conn)?;
    for (tier, level) in pairs {
        diesel::insert_into(tl::table).values((tl::tier.eq(tier), tl::level.eq(*level))).execute(conn)?;
    }
    Ok(())
}

/// Whether an institution of `tier` may run classes of `level` (checked when a class is opened).
pub fn tier_may_run(conn: &mut DbConn, tier: &str, level: Level) -> QueryResult<bool> {
    tl::table.filter(tl::tier.eq(tier)).filter(tl::level.eq(level)).count().get_result::<i64>(conn).map(|n| n > 0)
}

/// A new draft edition of `src` for `owner` with its modules and rules, under the edition, code
/// and title asked for (the source's when absent); a conflict when that edition exists.
pub fn copy_as_draft(
    tx: &mut DbConn,
    src: &Program,
    b: CreateVersion,
    owner: Option<InstitutionId>,
) -> Result<Program, ApiError> {
    let t = now();
    let code = b.code.unwrap_or_else(|| src.code.clone());
    let edition = b.edition.unwrap_or_default();
    let key = owner_key(owner);
    if find_by_key(tx, &key, &code, &edition)?.is_some() {
        return Err(ApiError::conflict(
            "duplicate_program",
            format!("Program {code} edition {edition} already exists for this owner."),
        ));
    }
    let title = b.title.unwrap_or_else(|| src.title.clone());
    let row = Program {
        id: ProgramId::new(),
        title_key: title_key(&title, &code),
        code,
        title,
        level: src.level,
        edition,
        credential: src.credential,
        owner_institution_id: owner,
        owner_key: key,
        description: src.description.clone(),
        status: ProgramStatus::Draft,
        previous_id: Some(src.id),
        rules: src.rules.clone(),
        published_at: None,
        retired_at: None,
        version: 1,
        created_at: t,
        updated_at: t,
    };
    insert(tx, &row)?;
    for m in modules(tx, src.id)? {
        let copy =
            ProgramModule { id: ModuleId::new(), program_id: row.id, version: 1, created_at: t, updated_at: t, ..m };
        insert_module(tx, &copy)?;
    }
    Ok(row)
}
