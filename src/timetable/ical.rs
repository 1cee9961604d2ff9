//! Schedules as iCalendar (RFC 5545) for calendar apps: one event per session or field trip with
//! a stable UID (so apps update instead of duplicating), SEQUENCE from the record's version, and
//! cancelled sessions marked CANCELLED. Session times are written in UTC, which every app converts
//! to local time; field trips are all-day events on their local dates. The feed names the
//! configured zone as X-WR-TIMEZONE.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use super::dto::ScheduleItem;
use super::model::SessionStatus;

pub fn render(title: &str, zone: &str, items: &[ScheduleItem]) -> String {
    let mut cal = Calendar::new();
    cal.name(title).append_property(("X-WR-TIMEZONE", zone));
    for it in items {
        let mut e = Event::new();
        let who = it.lecturer_name.as_deref().unwrap_or_default();
        let description = match (&it.module_code, &it.module_title) {
            (Some(code), Some(module)) => {
                format!("Lớp {} · Học phần {code} {module} · Giảng viên {who}", it.cohort_code)
            }
            _ if it.kind == "exam" => format!("Lớp {} · Thi", it.cohort_code),
            _ => format!("Lớp {} · Trưởng đoàn {who}", it.cohort_code),
        };
        e.uid(&format!("{}-{}@llct", it.kind.replace('_', "-"), it.id))
            .summary(&it.title)
            .description(&description)
            .location(&it.place);
        if it.all_day {
            e.starts(it.starts_at.date_naive()).ends(it.ends_at.date_naive());
        } else {
            e.starts(it.starts_at.with_timezone(&chrono::Utc)).ends(it.ends_at.with_timezone(&chrono::Utc));
        }
        e.add_property("SEQUENCE", it.version.to_string());
        e.status(if it.status == SessionStatus::Cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed });
        cal.push(e.done());
    }
    cal.done().to_string()
}
