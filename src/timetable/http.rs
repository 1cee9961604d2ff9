//! `/api/v1/cohorts/{id}/sessions` and `/api/v1/sessions/{id}`: building the timetable.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::NaiveDateTime;
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::model::*;
use super::{rules, store};
use crate::audit::Audit;
use crate::auth::{Caller, Permission};
use crate::cohorts::model::{Cohort, CohortStatus};
use crate::cohorts::store as cohorts;
use crate::db::ids::*;
use crate::db::page::Page;
use crate::db::{dialect, now, DbConn};
use crate::error::{ApiError, ProblemItem};
use crate::http::extract::{ok_versioned, paging_by, IdempotencyKey, IfMatch, JsonBody};
use crate::http::idempotency::{self, fingerprint, Stored};
use crate::text::clean;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_sessions)
        .service(create_sessions)
        .service(update_session)
        .service(cancel_session)
        .service(delete_session);
}

fn ts_key(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

fn parse_key(k: &str) -> Option<(NaiveDateTime, SessionId)> {
    let (t, id) = k.split_once('|')?;
    Some((NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").ok()?, id.parse().ok()?))
}

fn check_open(c: &Cohort) -> Result<(), ApiError> {
    if matches!(c.status, CohortStatus::Closed | CohortStatus::Cancelled) {
        Err(ApiError::conflict("cohort_finished", format!("The class is {}; its timetable is closed.", c.status)))
    } else {
        Ok(())
    }
}

/// Every clash of the new intervals with scheduled sessions and with each other, or none.
#[allow(clippy::too_many_arguments)]
fn find_clashes(
    tx: &mut DbConn,
    cohort: &Cohort,
    lecturer: LecturerId,
    place_key: &str,
    intervals: &[(NaiveDateTime, NaiveDateTime)],
    except: Option<SessionId>,
    tz: chrono_tz::Tz,
) -> Result<Vec<ProblemItem>, ApiError> {
    dialect::lock_keys(
        tx,
        &[format!("lecturer:{lecturer}"), format!("cohort:{}", cohort.id), format!("place:{place_key}")],
    )?;
    let mut out = Vec::new();
    let when = |a: NaiveDateTime, b: NaiveDateTime| {
        format!("{}–{}", local(a, tz).format("%H:%M %d/%m/%Y"), local(b, tz).format("%H:%M"))
    };
    for (i, iv) in intervals.iter().enumerate() {
        for other in store::clashes(tx, lecturer, cohort.id, place_key, iv.0, iv.1, except)? {
            let (at, theirs) = (when(iv.0, iv.1), when(other.starts_at, other.ends_at));
            let (code, message) = if other.lecturer_id == lecturer {
                ("lecturer_clash", format!("At {at} the lecturer teaches another session ({theirs})."))
            } else if other.cohort_id == cohort.id {
                ("cohort_clash", format!("At {at} the class has another session ({theirs})."))
            } else {
                ("place_clash", format!("At {at} the place is taken by another session ({theirs})."))
            };
            out.push(
                ProblemItem::rule(code, message)
                    .at(format!("sessions[{i}]"))
                    .about(format!("/api/v1/sessions/{}", other.id)),
            );
        }
        for (j, jv) in intervals.iter().enumerate().skip(i + 1) {
            if rules::overlaps(*iv, *jv) {
                out.push(
                    ProblemItem::rule("cohort_clash", format!("Sessions {i} and {j} of the request overlap."))
                        .at(format!("sessions[{j}]")),
                );
            }
        }
    }
    Ok(out)
}

/// Checks module, lecturer assignment and class dates; every problem at once.
fn check_teaching(
    tx: &mut DbConn,
    cohort: &Cohort,
    module: ModuleId,
    lecturer: LecturerId,
    intervals: &[(NaiveDateTime, NaiveDateTime)],
    tz: chrono_tz::Tz,
) -> Result<(), ApiError> {
    let mut refusals = Vec::new();
    let m = crate::programs::store::find_module(tx, module)?.filter(|m| m.program_id == cohort.program_id);
    if m.is_none() {
        return Err(ApiError::field("module_id", "not a module of this class's program"));
    }
    if !cohorts::is_assigned(tx, cohort.id, module, lecturer)? {
        refusals
            .push(ProblemItem::rule("lecturer_not_assigned", "Assign the lecturer to this module of the class first."));
    }
    for (i, (a, _)) in intervals.iter().enumerate() {
        let day = local(*a, tz).date_naive();
        if day < cohort.starts_on || day > cohort.ends_on {
            refusals.push(
                ProblemItem::rule("outside_class_dates", format!("{day} is outside the class's dates."))
                    .at(format!("sessions[{i}]")),
            );
        }
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Refused(refusals))
    }
}

/// Adds one session or a weekly series to a class's timetable. A clash of lecturer, class or
/// place with any scheduled session answers 409 naming every clashing session, and writes nothing.
#[utoipa::path(tag = "timetable", request_body = CreateSessions, params(("id" = CohortId, Path),
    ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe creation")),
    responses((status = 201, body = SessionsCreated), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/cohorts/{id}/sessions")]
async fn create_sessions(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    key: IdempotencyKey,
    body: JsonBody<CreateSessions>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let id = id.into_inner();
    let fp = fingerprint("POST", &format!("/cohorts/{id}/sessions"), &body);
    let b = body;
    let tz = state.settings.tz();
    let (intervals, place) = rules::requested_sessions(&b, tz).map_err(ApiError::Validation)?;
    let (module, lecturer) = (b.module_id.unwrap_or_default(), b.lecturer_id.unwrap_or_default());
    let note = b.note.as_deref().map(clean).filter(|s| !s.is_empty());
    let c = caller.clone();
    idempotency::run(&state.db, audit.entry(), caller.user_id, key, fp, move |tx| {
        let cohort = cohorts::writable(tx, &c, id)?;
        check_open(&cohort)?;
        check_teaching(tx, &cohort, module, lecturer, &intervals, tz)?;
        let place_key = rules::place_key(&place);
        let clashes = find_clashes(tx, &cohort, lecturer, &place_key, &intervals, None, tz)?;
        if !clashes.is_empty() {
            return Err(ApiError::Conflicts {
                code: "schedule_clash",
                detail: format!("{} clash(es); nothing was scheduled.", clashes.len()),
                items: clashes,
            });
        }
        let t = now();
        let rows: Vec<Session> = intervals
            .iter()
            .map(|(a, z)| Session {
                id: SessionId::new(),
                cohort_id: id,
                module_id: module,
                lecturer_id: lecturer,
                institution_id: cohort.institution_id,
                starts_at: *a,
                ends_at: *z,
                place: place.clone(),
                place_key: place_key.clone(),
                status: SessionStatus::Scheduled,
                note: note.clone(),
                version: 1,
                created_at: t,
                updated_at: t,
            })
            .collect();
        store::insert(tx, &rows)?;
        let items = rows.into_iter().map(|s| SessionOut::new(s, tz)).collect();
        Stored::created(format!("/api/v1/cohorts/{id}/sessions"), 1, &SessionsCreated { items })
    })
    .await
}

/// A class's sessions in time order; `from`/`to` are local dates.
#[utoipa::path(tag = "timetable", params(("id" = CohortId, Path), SessionFilter), responses((status = 200, body = Page<SessionOut>)), security(("bearer" = [])))]
#[get("/cohorts/{id}/sessions")]
async fn list_sessions(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<CohortId>,
    q: web::Query<SessionFilter>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let q = q.into_inner();
    let tz = state.settings.tz();
    let page = paging_by(q.limit, q.cursor.as_deref(), |k| parse_key(k).is_some())?;
    let limit = page.limit;
    let day_start = |d: chrono::NaiveDate| super::schedule::local_midnight(tz, d);
    let f = store::Filter {
        from: q.from.map(day_start),
        to: q.to.and_then(|d| d.succ_opt()).map(day_start),
        module_id: q.module_id,
        lecturer_id: q.lecturer_id,
        status: q.status,
    };
    let after = page.after.as_deref().and_then(parse_key);
    let rows = state
        .db
        .read(move |c| {
            cohorts::readable(c, &caller, id)?;
            Ok(store::of_cohort(c, id, &f, after, limit)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |s| format!("{}|{}", ts_key(s.starts_at), s.id),
        |s| SessionOut::new(s, tz),
    )))
}

/// Moves, re-assigns or annotates a session, with the same clash checks; the class's learners
/// and the lecturers concerned are told through a schedule event.
#[utoipa::path(tag = "timetable", request_body = UpdateSession,
    params(("id" = SessionId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = SessionOut), (status = 409, body = crate::error::Problem), (status = 412, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[patch("/sessions/{id}")]
async fn update_session(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<SessionId>,
    if_match: IfMatch,
    body: JsonBody<UpdateSession>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let body = body.take()?;
    let (id, b) = (id.into_inner(), body);
    let tz = state.settings.tz();
    let row = audit
        .write(&state.db, move |tx| {
            let (cur, cohort) = writable_session(tx, &caller, id, &if_match)?;
            check_open(&cohort)?;
            if cur.status == SessionStatus::Cancelled {
                return Err(ApiError::conflict(
                    "session_cancelled",
                    "A cancelled session cannot change; schedule a new one.",
                ));
            }
            let mut row = b.apply(&cur)?;
            let iv = [(row.starts_at, row.ends_at)];
            check_teaching(tx, &cohort, row.module_id, row.lecturer_id, &iv, tz)?;
            let clashes = find_clashes(tx, &cohort, row.lecturer_id, &row.place_key, &iv, Some(id), tz)?;
            if !clashes.is_empty() {
                return Err(ApiError::Conflicts {
                    code: "schedule_clash",
                    detail: "The change clashes; nothing was changed.".into(),
                    items: clashes,
                });
            }
            let t = now();
            row.version = cur.version + 1;
            row.updated_at = t;
            crate::http::extract::saved(store::save(tx, &row, cur.version)?, cur.version)?;
            if let Some(event) = rescheduled(&cur, &row, tz) {
                store::add_event(tx, &event)?;
            }
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &SessionOut::new(row, tz)))
}

/// The event a change of time, place or lecturer leaves for calendar subscribers and reminders,
/// with the session before and after; none for other changes.
fn rescheduled(cur: &Session, row: &Session, tz: chrono_tz::Tz) -> Option<ScheduleEvent> {
    let facts = |s: &Session| (s.starts_at, s.ends_at, s.place.clone(), s.lecturer_id);
    if facts(cur) == facts(row) {
        return None;
    }
    let side = |s: &Session| serde_json::json!({"starts_at": local(s.starts_at, tz), "ends_at": local(s.ends_at, tz), "place": s.place, "lecturer_id": s.lecturer_id});
    let detail = serde_json::json!({"before": side(cur), "after": side(row)});
    Some(ScheduleEvent {
        id: EventId::new(),
        kind: EventKind::Rescheduled,
        session_id: row.id,
        cohort_id: cur.cohort_id,
        detail: detail.to_string(),
        created_at: row.updated_at,
    })
}

/// A session the caller may change, with its class, at the version the client saw.
fn writable_session(
    tx: &mut DbConn,
    caller: &Caller,
    id: SessionId,
    if_match: &IfMatch,
) -> Result<(Session, crate::cohorts::model::Cohort), ApiError> {
    let cur = store::find(tx, id)?.ok_or_else(ApiError::not_found)?;
    let cohort = cohorts::writable(tx, caller, cur.cohort_id)?;
    if_match.check(cur.version)?;
    Ok((cur, cohort))
}

/// Removes a session entered by mistake, while its roll has not been taken (then it is gone:
/// 404); once the roll exists, 409: cancel it instead.
#[utoipa::path(tag = "timetable", params(("id" = SessionId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 204, description = "Removed"), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[delete("/sessions/{id}")]
async fn delete_session(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<SessionId>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let id = id.into_inner();
    audit
        .write(&state.db, move |tx| {
            writable_session(tx, &caller, id, &if_match)?;
            if store::roll_taken(tx, id)? {
                return Err(ApiError::conflict(
                    "roll_taken",
                    "The roll of this session has been taken; cancel it instead of removing it.",
                ));
            }
            Ok(store::remove(tx, id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Cancels a session: it stays in the timetable and in everyone's schedule as cancelled, no
/// reminder goes out for it, and the people concerned are told. Cancelling again changes nothing.
#[utoipa::path(tag = "timetable", params(("id" = SessionId, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, body = SessionOut), (status = 404, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/sessions/{id}/cancel")]
async fn cancel_session(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
    id: web::Path<SessionId>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let id = id.into_inner();
    let tz = state.settings.tz();
    let row = audit.write(&state.db, move |tx| {
            let (cur, _) = writable_session(tx, &caller, id, &if_match)?;
            if cur.status == SessionStatus::Cancelled {
                return Ok(cur);
            }
            let t = now();
            let row = Session { status: SessionStatus::Cancelled, version: cur.version + 1, updated_at: t, ..cur.clone() };
            crate::http::extract::saved(store::save(tx, &row, cur.version)?, cur.version)?;
            let detail = serde_json::json!({"starts_at": local(cur.starts_at, tz), "ends_at": local(cur.ends_at, tz), "place": cur.place});
            store::add_event(tx, &ScheduleEvent { id: EventId::new(), kind: EventKind::Cancelled, session_id: id, cohort_id: cur.cohort_id, detail: detail.to_string(), created_at: t })?;
            Ok(row)
        })
        .await?;
    Ok(ok_versioned(row.version, &SessionOut::new(row, tz)))
}
