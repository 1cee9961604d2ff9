//! Queries over learners and lecturers. Lists are ordered by the Vietnamese sort key, paged by
//! (sort key, id); every query over them takes the caller's scope.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::{Learner, Lecturer, LecturerKind, LlctLevel, PartyStatus};
use crate::auth::{Caller, Permission, Role, Scope};
use crate::db::ids::{InstitutionId, LearnerId, LecturerId, UserId};
use crate::db::page::PageRequest;
use crate::db::schema::{institutions as i, learners as l, lecturers as t};
use crate::db::sql::{Bind, Statement};
use crate::db::DbConn;
use crate::error::ApiError;

/// Ids per `IN (…)` list in lookups, well under either backend's bind limit.
const BATCH: usize = 500;

/// The cursor key of a person row.
pub fn cursor_key(sort_key: &str, id: &impl std::fmt::Display) -> String {
    format!("{sort_key}|{id}")
}

pub fn parse_cursor(s: &str) -> Option<(String, String)> {
    let (k, id) = s.rsplit_once('|')?;
    uuid::Uuid::parse_str(id).ok()?;
    Some((k.to_string(), id.to_string()))
}

/// The path prefix of the tree an institution belongs to ("/root/"): duplicates are looked for
/// across the whole tree.
pub fn tree_prefix(conn: &mut DbConn, institution: InstitutionId) -> QueryResult<String> {
    let path: String = i::table.find(institution).select(i::path).first(conn)?;
    let root = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    Ok(format!("/{root}/"))
}

pub fn insert_learners(conn: &mut DbConn, rows: &[Learner]) -> QueryResult<()> {
    crate::insert_rows!(conn, l, rows);
    index_words(conn, rows)
}

/// Keeps the word index of these learners' names (`learner_words`) as their names now are.
fn index_words(conn: &mut DbConn, rows: &[Learner]) -> QueryResult<()> {
    use crate::db::schema::learner_words as lw;
    let mut words: Vec<(String, &str, LearnerId)> = Vec::new();
    for r in rows {
        let mut own: Vec<&str> = r.name_key.split_whitespace().collect();
        own.sort_unstable();
        own.dedup();
        words.extend(own.into_iter().map(|w| (w.to_string(), r.sort_key.as_str(), r.id)));
    }
    let values: Vec<_> =
        words.iter().map(|(w, k, id)| (lw::word.eq(w), lw::sort_key.eq(*k), lw::learner_id.eq(id))).collect();
    crate::insert_rows!(conn, lw, values);
    Ok(())
}

/// The words a prefix stands for, as one range of the word index (byte order on both databases).
fn word_range(prefix: &str) -> (String, String) {
    (prefix.to_string(), format!("{prefix}\u{10FFFF}"))
}

/// Past this many people sharing it, a typed word is too common to start a search from: every
/// word typed is, so matches are dense and the list order finds a page of them soon.
const COMMON_WORD: i64 = 200_000;

/// A word read from the index with the narrowest one only while it has at most this many times
/// its people; a much commoner word is checked on the few learners read instead.
const WIDER_WORD: i64 = 20;

/// The ranges of the word index to read a search's people from: its narrow words (`None` when
/// every word is common). One query per word counts its people, up to the bound.
fn narrow_words(conn: &mut DbConn, words: &[String]) -> QueryResult<Option<Vec<(String, String)>>> {
    use diesel::sql_types::BigInt;
    #[derive(QueryableByName)]
    struct Counted {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut counted = Vec::new();
    for w in words {
        let (from, to) = word_range(w);
        let n = Statement::new(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM learner_words WHERE word >= ? AND word < ? LIMIT ?) AS hits",
            [Bind::Text(from.clone()), Bind::Text(to.clone()), Bind::Int(COMMON_WORD + 1)],
        )
        .planned_each_run()
        .get_result::<Counted>(conn)?
        .n;
        counted.push((n, from, to));
    }
    counted.sort();
    let narrowest = counted.first().map(|c| c.0).unwrap_or(i64::MAX);
    let narrow: Vec<(String, String)> = counted
        .into_iter()
        .filter(|(n, ..)| *n <= COMMON_WORD && *n <= narrowest.saturating_mul(WIDER_WORD))
        .map(|(_, from, to)| (from, to))
        .collect();
    Ok((!narrow.is_empty()).then_some(narrow))
}

/// Up to `limit` (sort key, id) of the people with every one of these words, in list order,
/// after the cursor: read from the word index alone.
fn people_with_words(
    conn: &mut DbConn,
    ranges: &[(String, String)],
    after: Option<&(String, String)>,
    limit: i64,
) -> QueryResult<Vec<(String, String)>> {
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct Hit {
        #[diesel(sql_type = Text)]
        sort_key: String,
        #[diesel(sql_type = Text)]
        learner_id: String,
    }
    let mut q = Statement::new("SELECT sort_key, learner_id FROM (", []);
    for (i, (from, to)) in ranges.iter().enumerate() {
        if i > 0 {
            q.push(" INTERSECT ", []);
        }
        q.push(
            "SELECT sort_key, learner_id FROM learner_words WHERE word >= ? AND word < ?",
            [Bind::Text(from.clone()), Bind::Text(to.clone())],
        );
    }
    q.push(") AS hits ", []);
    if let Some((k, id)) = after {
        q.push(
            "WHERE sort_key >= ? AND (sort_key > ? OR learner_id > ?) ",
            [Bind::Text(k.clone()), Bind::Text(k.clone()), Bind::Text(id.clone())],
        );
    }
    q.push("ORDER BY sort_key, learner_id LIMIT ?", [Bind::Int(limit)]);
    // Planned for its words each time: a word may be shared by a handful of people or 200,000.
    Ok(q.planned_each_run().load::<Hit>(conn)?.into_iter().map(|h| (h.sort_key, h.learner_id)).collect())
}

/// People read from the word index at a time when a search pages through them: the first
/// batch, doubled while the filters leave the page short, up to the last (well inside SQLite's
/// 32,766 parameters).
const FIRST_BATCH: i64 = 500;
const LAST_BATCH: i64 = 8_000;

pub fn find_learner(conn: &mut DbConn, id: LearnerId) -> QueryResult<Option<Learner>> {
    l::table.find(id).select(Learner::as_select()).first(conn).optional()
}

pub fn learner_of_user(conn: &mut DbConn, user: UserId) -> QueryResult<Option<LearnerId>> {
    l::table.filter(l::user_id.eq(user)).select(l::id).first(conn).optional()
}

pub fn lecturer_of_user(conn: &mut DbConn, user: UserId) -> QueryResult<Option<LecturerId>> {
    t::table.filter(t::user_id.eq(user)).select(t::id).first(conn).optional()
}

pub fn save_learner(conn: &mut DbConn, row: &Learner, seen_version: i64) -> QueryResult<bool> {
    use crate::db::schema::learner_words as lw;
    let saved = crate::save_versioned!(conn, l, row, seen_version)?;
    if saved {
        diesel::delete(lw::table.filter(lw::learner_id.eq(row.id))).execute(conn)?;
        index_words(conn, std::slice::from_ref(row))?;
    }
    Ok(saved)
}

pub struct LearnerFilter {
    pub updated_since: Option<NaiveDateTime>,
    pub words: Vec<String>,
    pub institution_id: Option<InstitutionId>,
    pub date_of_birth: Option<NaiveDate>,
    pub party_status: Option<PartyStatus>,
    pub prior_llct_level: Option<LlctLevel>,
    pub national_id: Option<String>,
    pub sending_unit: Option<String>,
    pub credential_serial: Option<String>,
}

pub fn list_learners(
    conn: &mut DbConn,
    scope: &Scope,
    f: &LearnerFilter,
    page: &PageRequest,
) -> QueryResult<Vec<Learner>> {
    let after = page.after.as_deref().and_then(parse_cursor);
    // Each word typed must begin a word of the name: "van an" finds "Nguyễn Văn An" and
    // "Hoàng Văn Ăn", not "Trần Văn Bình". With narrow words the people come from the word
    // index in list order, a batch at a time, and the other filters (and every word again) are
    // checked on them; with common words alone the list is walked.
    if let Some(ranges) = narrow_words(conn, &f.words)? {
        let (mut out, mut from, mut batch) = (Vec::new(), after, FIRST_BATCH);
        loop {
            let people = people_with_words(conn, &ranges, from.as_ref(), batch)?;
            let ids: Vec<&str> = people.iter().map(|p| p.1.as_str()).collect();
            let wanted = page.limit + 1 - out.len() as i64;
            out.extend(
                filtered(scope, f)
                    .filter(l::id.eq_any(ids))
                    .order((l::sort_key.asc(), l::id.asc()))
                    .limit(wanted)
                    .load(conn)?,
            );
            if out.len() as i64 > page.limit || (people.len() as i64) < batch {
                return Ok(out);
            }
            from = people.last().cloned();
            batch = (batch * 2).min(LAST_BATCH);
        }
    }
    let mut q = filtered(scope, f);
    if let Some((k, id)) = after {
        // `sort_key >= k` lets the index start at the cursor; the rest breaks ties.
        q = q.filter(l::sort_key.ge(k.clone())).filter(l::sort_key.gt(k).or(l::id.gt(id)));
    }
    q.order((l::sort_key.asc(), l::id.asc())).limit(page.limit + 1).load(conn)
}

/// The learners in scope that pass every filter of `f`, unordered.
fn filtered<'a>(
    scope: &Scope,
    f: &LearnerFilter,
) -> l::BoxedQuery<
    'a,
    crate::db::MultiBackend,
    diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<Learner, crate::db::MultiBackend>>,
> {
    let mut q = l::table.select(Learner::as_select()).into_boxed();
    q = crate::within_scope!(q, scope, l::institution_id);
    if let Some(ts) = f.updated_since {
        q = q.filter(l::updated_at.ge(ts));
    }
    for w in &f.words {
        q = q.filter(l::name_key.like(format!("{w}%")).or(l::name_key.like(format!("% {w}%"))));
    }
    if let Some(x) = f.institution_id {
        q = q.filter(l::institution_id.eq(x));
    }
    if let Some(x) = f.date_of_birth {
        q = q.filter(l::date_of_birth.eq(x));
    }
    if let Some(x) = f.party_status {
        q = q.filter(l::party_status.eq(x));
    }
    if let Some(x) = f.prior_llct_level {
        q = q.filter(l::prior_llct_level.eq(x));
    }
    if let Some(x) = &f.sending_unit {
        q = q.filter(l::sending_unit.eq(x.clone()));
    }
    if let Some(x) = &f.credential_serial {
        use crate::db::schema::certificates as ce;
        q = q.filter(l::id.eq_any(ce::table.filter(ce::serial.eq(x.clone())).select(ce::learner_id)));
    }
    if let Some(x) = &f.national_id {
        q = q.filter(l::national_id.eq(x.clone()));
    }
    q
}

/// Learners of the tree at `prefix` with one of these search names (for duplicate checks).
pub fn learners_named(
    conn: &mut DbConn,
    prefix: &str,
    name_keys: &[String],
) -> QueryResult<Vec<(LearnerId, String, NaiveDate)>> {
    let mut out = Vec::new();
    for chunk in name_keys.chunks(BATCH) {
        out.extend(
            l::table
                .inner_join(i::table)
                .filter(i::path.like(format!("{prefix}%")))
                .filter(l::name_key.eq_any(chunk))
                .select((l::id, l::name_key, l::date_of_birth))
                .load::<(LearnerId, String, NaiveDate)>(conn)?,
        );
    }
    Ok(out)
}

/// The learners with these ids.
pub fn learners_by_ids(conn: &mut DbConn, ids: &[LearnerId]) -> QueryResult<Vec<Learner>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(BATCH) {
        out.extend(l::table.filter(l::id.eq_any(chunk)).select(Learner::as_select()).load(conn)?);
    }
    Ok(out)
}

/// Learners of the tree at `prefix` holding one of these national ids.
pub fn learners_with_national_ids(
    conn: &mut DbConn,
    prefix: &str,
    ids: &[String],
) -> QueryResult<Vec<(LearnerId, String)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(BATCH) {
        out.extend(
            l::table
                .inner_join(i::table)
                .filter(i::path.like(format!("{prefix}%")))
                .filter(l::national_id.eq_any(chunk))
                .select((l::id, l::national_id.assume_not_null()))
                .load::<(LearnerId, String)>(conn)?,
        );
    }
    Ok(out)
}

/// The learner this record duplicates in the same tree (same national id, or same name and
/// date of birth), if any.
pub fn learner_duplicate(conn: &mut DbConn, row: &Learner) -> QueryResult<Option<LearnerId>> {
    let prefix = tree_prefix(conn, row.institution_id)?;
    if let Some(nid) = &row.national_id {
        if let Some((id, _)) = learners_with_national_ids(conn, &prefix, std::slice::from_ref(nid))?
            .into_iter()
            .find(|(id, _)| *id != row.id)
        {
            return Ok(Some(id));
        }
    }
    Ok(learners_named(conn, &prefix, std::slice::from_ref(&row.name_key))?
        .into_iter()
        .find(|(id, _, dob)| *id != row.id && *dob == row.date_of_birth)
        .map(|(id, ..)| id))
}

pub fn insert_lecturer(conn: &mut DbConn, row: &Lecturer) -> QueryResult<()> {
    diesel::insert_into(t::table).values(row).execute(conn).map(|_| ())
}

pub fn insert_lecturers(conn: &mut DbConn, rows: &[Lecturer]) -> QueryResult<()> {
    crate::insert_rows!(conn, t, rows);
    Ok(())
}

pub fn find_lecturer(conn: &mut DbConn, id: LecturerId) -> QueryResult<Option<Lecturer>> {
    t::table.find(id).select(Lecturer::as_select()).first(conn).optional()
}

pub fn save_lecturer(conn: &mut DbConn, row: &Lecturer, seen_version: i64) -> QueryResult<bool> {
    crate::save_versioned!(conn, t, row, seen_version)
}

pub struct LecturerFilter {
    pub updated_since: Option<NaiveDateTime>,
    pub words: Vec<String>,
    pub institution_id: Option<InstitutionId>,
    pub kind: Option<LecturerKind>,
}

pub fn list_lecturers(
    conn: &mut DbConn,
    scope: &Scope,
    f: &LecturerFilter,
    page: &PageRequest,
) -> QueryResult<Vec<Lecturer>> {
    let mut q = t::table.select(Lecturer::as_select()).into_boxed();
    q = crate::within_scope!(q, scope, t::institution_id);
    if let Some(ts) = f.updated_since {
        q = q.filter(t::updated_at.ge(ts));
    }
    for w in &f.words {
        q = q.filter(t::name_key.like(format!("{w}%")).or(t::name_key.like(format!("% {w}%"))));
    }
    if let Some(x) = f.institution_id {
        q = q.filter(t::institution_id.eq(x));
    }
    if let Some(x) = f.kind {
        q = q.filter(t::kind.eq(x));
    }
    if let Some((k, id)) = page.after.as_deref().and_then(parse_cursor) {
        // `sort_key >= k` lets the index start at the cursor; the rest breaks ties.
        q = q.filter(t::sort_key.ge(k.clone())).filter(t::sort_key.gt(k).or(t::id.gt(id)));
    }
    q.order((t::sort_key.asc(), t::id.asc())).limit(page.limit + 1).load(conn)
}

/// The lecturer this record duplicates in the same tree, if any.
pub fn lecturer_duplicate(conn: &mut DbConn, row: &Lecturer) -> QueryResult<Option<LecturerId>> {
    let prefix = tree_prefix(conn, row.institution_id)?;
    let same = t::table
        .inner_join(i::table)
        .filter(i::path.like(format!("{prefix}%")))
        .filter(t::id.ne(row.id))
        .select((t::id, t::name_key, t::date_of_birth, t::national_id))
        .filter(t::name_key.eq(&row.name_key).or(t::national_id.eq(row.national_id.clone().unwrap_or_default())))
        .load::<(LecturerId, String, Option<NaiveDate>, Option<String>)>(conn)?;
    Ok(same
        .into_iter()
        .find(|(_, key, dob, nid)| {
            (row.national_id.is_some() && nid == &row.national_id)
                || (key == &row.name_key && row.date_of_birth.is_some() && dob == &row.date_of_birth)
        })
        .map(|(id, ..)| id))
}

/// 404 unless the learner exists and its institution is in scope.
pub fn get_learner(conn: &mut DbConn, scope: &Scope, id: LearnerId) -> Result<Learner, ApiError> {
    let row = find_learner(conn, id)?.ok_or_else(ApiError::not_found)?;
    scope.check(row.institution_id)?;
    Ok(row)
}

pub fn get_lecturer(conn: &mut DbConn, scope: &Scope, id: LecturerId) -> Result<Lecturer, ApiError> {
    let row = find_lecturer(conn, id)?.ok_or_else(ApiError::not_found)?;
    scope.check(row.institution_id)?;
    Ok(row)
}

/// Which of `ids` name no lecturer in scope: their positions, in order (one read for all).
pub fn lecturers_not_in_scope(conn: &mut DbConn, scope: &Scope, ids: &[LecturerId]) -> QueryResult<Vec<usize>> {
    let found: std::collections::HashSet<LecturerId> = t::table
        .filter(t::id.eq_any(ids))
        .select((t::id, t::institution_id))
        .load::<(LecturerId, InstitutionId)>(conn)?
        .into_iter()
        .filter(|(_, inst)| scope.contains(*inst))
        .map(|(id, _)| id)
        .collect();
    Ok((0..ids.len()).filter(|i| !found.contains(&ids[*i])).collect())
}

/// The learner record if the caller may read it: administrators of people in scope, the
/// learner themself; 404 otherwise.
pub fn readable_learner(conn: &mut DbConn, caller: &Caller, id: LearnerId) -> Result<Learner, ApiError> {
    if caller.may(Permission::ManagePeople) {
        return get_learner(conn, &caller.scope, id);
    }
    match find_learner(conn, id)? {
        Some(l) if caller.role == Role::Learner && l.user_id == Some(caller.user_id) => Ok(l),
        _ => Err(ApiError::not_found()),
    }
}
