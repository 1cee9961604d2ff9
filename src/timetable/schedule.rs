//! Personal and administrative schedules, and the secret calendar feed.

use actix_web::{get, post, web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::store::{self, Whose};
use crate::audit::Audit;
use crate::auth::{Caller, Permission, Role, Scope};
use crate::db::ids::UserId;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::people::store as people;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_schedule).service(schedule).service(rotate_calendar_token).service(calendar_feed);
}

pub use crate::clock::local_midnight;

/// The UTC range `[from 00:00, to + 1 day 00:00)` of local dates, at most 366 days long.
fn range(
    state: &AppState,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<(NaiveDateTime, NaiveDateTime), ApiError> {
    let tz = state.settings.tz();
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let from = from.unwrap_or(today);
    let to = to.unwrap_or(from + chrono::Duration::days(30));
    let mut p = Problems::new();
    p.check(to >= from && (to - from).num_days() <= 366, "to", "must be on or after from, at most 366 days later");
    p.finish(())?;
    Ok((local_midnight(tz, from), local_midnight(tz, to + chrono::Duration::days(1))))
}

/// Sessions, field trips and exams of `whose` in `[from, to)`, in time order; field trips and
/// exams as all-day items.
fn items(
    tx: &mut DbConn,
    whose: &Whose,
    from: NaiveDateTime,
    to: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Result<Vec<ScheduleItem>, ApiError> {
    let days = (local(from, tz).date_naive(), local(to, tz).date_naive());
    let mut out =
        store::entries(tx, whose, (from, to), days)?.into_iter().map(|e| item(e, tz)).collect::<Result<Vec<_>, _>>()?;
    out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// A schedule line as the API shows it.
fn item(e: store::Entry, tz: chrono_tz::Tz) -> Result<ScheduleItem, ApiError> {
    let id = uuid::Uuid::parse_str(&e.id).map_err(|_| ApiError::Internal(format!("schedule item id {}", e.id)))?;
    let midnight = |day: NaiveDate| local(local_midnight(tz, day), tz);
    let (kind, starts_at, ends_at, all_day, title) = match (e.kind.as_str(), e.starts_at, e.ends_at) {
        ("session", Some(from), Some(to)) => {
            ("session", local(from, tz), local(to, tz), false, format!("{} – {}", e.title, e.cohort_code))
        }
        (kind @ ("field_trip" | "exam"), ..) => {
            let (first, last) = e.first_day.zip(e.last_day).ok_or_else(|| ApiError::Internal("days".into()))?;
            let (kind, title) = match kind {
                "field_trip" => ("field_trip", format!("Nghiên cứu thực tế: {} – {}", e.title, e.cohort_code)),
                _ => ("exam", format!("{} – {}", e.title, e.cohort_code)),
            };
            (kind, midnight(first), midnight(last + chrono::Duration::days(1)), true, title)
        }
        _ => return Err(ApiError::Internal(format!("schedule item {}", e.kind))),
    };
    let session = kind == "session";
    Ok(ScheduleItem {
        kind,
        id,
        status: e.status,
        starts_at,
        ends_at,
        all_day,
        title,
        cohort_id: e.cohort_id,
        cohort_code: e.cohort_code,
        module_code: e.module_code,
        module_title: session.then_some(e.title),
        lecturer_id: e.lecturer_id,
        lecturer_name: e.lecturer_name,
        place: e.place,
        version: e.version,
    })
}

/// Whose sessions a learner or lecturer account sees; `None` for other roles.
fn own(tx: &mut DbConn, user: UserId, role: Role) -> Result<Option<Whose>, ApiError> {
    Ok(match role {
        Role::Learner => Some(Whose::Learner(user)),
        Role::Lecturer => match people::lecturer_of_user(tx, user)? {
            Some(me) => Some(Whose::Lecturer(me)),
            None => Some(Whose::Cohorts(Vec::new())),
        },
        _ => None,
    })
}

/// The caller's sessions in time order (learners: their classes'; lecturers: the ones they
/// teach), in the configured time zone. Cancelled sessions are listed as cancelled.
#[utoipa::path(tag = "timetable", params(ScheduleQuery), responses((status = 200, body = Vec<ScheduleItem>), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[get("/me/schedule")]
async fn my_schedule(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<ScheduleQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = range(&state, q.from, q.to)?;
    let tz = state.settings.tz();
    let out = state
        .db
        .read(move |c| {
            let whose = own(c, caller.user_id, caller.role)?.ok_or(ApiError::Forbidden)?;
            items(c, &whose, from, to, tz)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One class's, one lecturer's or one place's timetable, for administrators in scope.
#[utoipa::path(tag = "timetable", params(AdminScheduleQuery), responses((status = 200, body = Vec<ScheduleItem>)), security(("bearer" = [])))]
#[get("/schedule")]
async fn schedule(
    caller: Caller,
    state: web::Data<AppState>,
    q: web::Query<AdminScheduleQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCohorts)?;
    let q = q.into_inner();
    let (from, to) = range(&state, q.from, q.to)?;
    let tz = state.settings.tz();
    let rows = state
        .db
        .read(move |c| {
            let whose = match (q.cohort_id, q.lecturer_id, q.place) {
                (Some(id), None, None) => {
                    crate::cohorts::store::readable(c, &caller, id)?;
                    Whose::Cohorts(vec![id])
                }
                (None, Some(id), None) => {
                    people::get_lecturer(c, &caller.scope, id)?;
                    Whose::Lecturer(id)
                }
                (None, None, Some(place)) => {
                    let scope = match &caller.scope {
                        Scope::All => None,
                        Scope::Within(ids) => Some(ids.clone()),
                    };
                    Whose::Place(super::rules::place_key(&place), scope)
                }
                _ => return Err(ApiError::field("cohort_id", "give exactly one of cohort_id, lecturer_id or place")),
            };
            items(c, &whose, from, to, tz)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// The caller's calendar feed address, if they made one.
pub fn calendar_url(state: &AppState, token: Option<String>) -> Option<String> {
    token.map(|t| format!("{}/api/v1/calendar/{t}.ics", state.settings.server.public_base_url.trim_end_matches('/')))
}

/// Makes (or replaces) the caller's secret calendar feed address; the old one stops working.
#[utoipa::path(tag = "timetable", responses((status = 200, body = CalendarOut), (status = 403, body = crate::error::Problem)), security(("bearer" = [])))]
#[post("/me/calendar-token")]
async fn rotate_calendar_token(
    caller: Caller,
    audit: Audit,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if !matches!(caller.role, Role::Learner | Role::Lecturer) {
        return Err(ApiError::Forbidden);
    }
    let token = crate::auth::tokens::generate().replace("llct_", "cal_");
    let t = token.clone();
    audit.write(&state.db, move |tx| Ok(store::set_calendar_token(tx, caller.user_id, &t, now())?)).await?;
    Ok(HttpResponse::Ok().json(CalendarOut { calendar_url: calendar_url(&state, Some(token)).unwrap_or_default() }))
}

/// The schedule of the feed's owner as iCalendar, for calendar apps; the secret address is the
/// only credential.
#[utoipa::path(tag = "timetable", params(("calendar_token" = String, Path, description = "The secret in `GET /me`'s `calendar_url`")),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = crate::error::Problem)))]
#[get("/calendar/{calendar_token}.ics")]
async fn calendar_feed(state: web::Data<AppState>, token: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let token = token.into_inner();
    let tz = state.settings.tz();
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let from = local_midnight(tz, today - chrono::Duration::days(i64::from(state.settings.cohorts.calendar_past_days)));
    let to = local_midnight(tz, today + chrono::Duration::days(i64::from(state.settings.cohorts.calendar_future_days)));
    let rows = state
        .db
        .read(move |c| {
            let user = store::user_of_calendar(c, &token)?.ok_or_else(ApiError::not_found)?;
            let u = crate::users::store::find(c, user)?
                .filter(|u| u.status == crate::users::model::UserStatus::Active)
                .ok_or_else(ApiError::not_found)?;
            let whose = own(c, u.id, u.role)?.ok_or_else(ApiError::not_found)?;
            items(c, &whose, from, to, tz)
        })
        .await?;
    let body = super::ical::render("Lịch học LLCT", state.settings.tz().name(), &rows);
    Ok(HttpResponse::Ok().content_type("text/calendar; charset=utf-8").body(body))
}
