//! Personal and administrative schedules, and the secret calendar feed.

use actix_web::{get, post, web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use utoipa_actix_web::service_config::ServiceConfig;

use super::dto::*;
use super::store::{self, Whose};
use crate::auth::{Caller, Permission, Role, Scope};
use crate::db::ids::UserId;
use crate::db::{now, DbConn};
use crate::error::{ApiError, Problems};
use crate::people::store as people;
use crate::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_schedule).service(schedule).service(rotate_calendar_token).service(calendar_feed);
}

/// The UTC instant of local midnight starting `day` in `tz`.
pub fn local_midnight(tz: chrono_tz::Tz, day: NaiveDate) -> NaiveDateTime {
    tz.from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|t| t.naive_utc())
        .unwrap_or_else(|| day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

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

/// Sessions and field trips of `whose` in `[from, to)`, in time order.
fn items(
    tx: &mut DbConn,
    whose: &Whose,
    from: NaiveDateTime,
    to: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Result<Vec<ScheduleItem>, ApiError> {
    let mut out: Vec<ScheduleItem> = store::schedule(tx, whose, from, to)?
        .into_iter()
        .map(|(s, cohort_code, module_code, module_title, lecturer_name)| ScheduleItem {
            kind: "session",
            id: s.id.0,
            status: s.status,
            starts_at: local(s.starts_at, tz),
            ends_at: local(s.ends_at, tz),
            all_day: false,
            title: format!("{module_title} – {cohort_code}"),
            cohort_id: s.cohort_id,
            cohort_code,
            module_code: Some(module_code),
            module_title: Some(module_title),
            lecturer_id: Some(s.lecturer_id),
            lecturer_name: Some(lecturer_name),
            place: s.place,
            version: s.version,
        })
        .collect();
    let (first, last) = (local(from, tz).date_naive(), local(to, tz).date_naive());
    // Field trips and exams belong to classes; a place's timetable has sessions only.
    let dated = match whose {
        Whose::Cohorts(ids) => !ids.is_empty(),
        Whose::Learner(_) | Whose::Lecturer(_) => true,
        Whose::Place(..) => false,
    };
    if dated {
        out.extend(days_out(tx, whose, first, last, tz)?);
    }
    out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// Field trips and exams of `whose` classes on the local days `[first, last]`, as all-day items.
fn days_out(
    tx: &mut DbConn,
    whose: &Whose,
    first: NaiveDate,
    last: NaiveDate,
    tz: chrono_tz::Tz,
) -> Result<Vec<ScheduleItem>, ApiError> {
    // An all-day item over the local days `[from, to]`.
    let days = |kind, id: uuid::Uuid, (from, to): (NaiveDate, NaiveDate), title, cohort_id, cohort_code| ScheduleItem {
        kind,
        id,
        status: super::model::SessionStatus::Scheduled,
        starts_at: local(local_midnight(tz, from), tz),
        ends_at: local(local_midnight(tz, to + chrono::Duration::days(1)), tz),
        all_day: true,
        title,
        cohort_id,
        cohort_code,
        module_code: None,
        module_title: None,
        lecturer_id: None,
        lecturer_name: None,
        place: String::new(),
        version: 0,
    };
    let mut out = Vec::new();
    for (t, code) in store::trips(tx, whose, first, last)? {
        let title = format!("Nghiên cứu thực tế: {} – {code}", t.destination);
        out.push(ScheduleItem {
            lecturer_name: Some(t.leader),
            place: t.destination,
            version: t.version,
            ..days("field_trip", t.id.0, (t.starts_on, t.ends_on), title, t.cohort_id, code)
        });
    }
    for (x, code) in store::exams(tx, whose, first, last)? {
        let title = format!("{} – {code}", x.title);
        out.push(ScheduleItem {
            place: x.place.unwrap_or_default(),
            version: x.version,
            ..days("exam", x.id.0, (x.held_on, x.held_on), title, x.cohort_id, code)
        });
    }
    Ok(out)
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
async fn rotate_calendar_token(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if !matches!(caller.role, Role::Learner | Role::Lecturer) {
        return Err(ApiError::Forbidden);
    }
    let token = crate::auth::tokens::generate().replace("llct_", "cal_");
    let t = token.clone();
    state.db.write(move |tx| Ok(store::set_calendar_token(tx, caller.user_id, &t, now())?)).await?;
    Ok(HttpResponse::Ok().json(CalendarOut { calendar_url: calendar_url(&state, Some(token)).unwrap_or_default() }))
}

/// The schedule of the feed's owner as iCalendar, for calendar apps; the secret address is the
/// only credential.
#[utoipa::path(tag = "timetable", params(("file" = String, Path, description = "`<token>.ics`")),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = crate::error::Problem)))]
#[get("/calendar/{file}")]
async fn calendar_feed(state: web::Data<AppState>, file: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let token = file.into_inner().strip_suffix(".ics").ok_or_else(ApiError::not_found)?.to_string();
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
    let body = super::ical::render("Lịch học LLCT", &state.settings.time.zone, &rows);
    Ok(HttpResponse::Ok().content_type("text/calendar; charset=utf-8").body(body))
}
