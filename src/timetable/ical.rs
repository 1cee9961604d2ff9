//! Schedules as iCalendar (RFC 5545) for calendar apps: one event per session with a stable UID
//! (so apps update instead of duplicating), SEQUENCE from the session's version, and cancelled
//! sessions marked CANCELLED. Times are written in UTC, which every app converts to local time;
//! the feed names the configured zone as X-WR-TIMEZONE.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use super::dto::ScheduleItem;
use super::model::SessionStatus;

pub fn render(title: &str, zone: &str, items: &[ScheduleItem]) -> String {
    let mut cal = Calendar::new();
    cal.name(title).append_property(("X-WR-TIMEZONE", zone));
    for it in items {
        let mut e = Event::new();
        e.uid(&format!("session-{}@llct", it.id))
            .summary(&format!("{} – {}", it.module_title, it.cohort_code))
            .description(&format!(
                "Lớp {} · Học phần {} {} · Giảng viên {}",
                it.cohort_code, it.module_code, it.module_title, it.lecturer_name
            ))
            .location(&it.place)
            .starts(it.starts_at.with_timezone(&chrono::Utc))
            .ends(it.ends_at.with_timezone(&chrono::Utc))
            .add_property("SEQUENCE", it.version.to_string());
        if it.status == SessionStatus::Cancelled {
            e.status(EventStatus::Cancelled);
        } else {
            e.status(EventStatus::Confirmed);
        }
        cal.push(e.done());
    }
    cal.done().to_string()
}
