//! The timetable [thời khóa biểu]: sessions of a class with their module, lecturer and place;
//! personal schedules; and iCalendar feeds for calendar apps.
//!
//! Invariants: a lecturer, a class or a place is never in two scheduled sessions at once
//! (touching ends are fine); a session's lecturer is assigned to its module in that class; a
//! series is checked whole before anything is written; rescheduling and cancelling leave an
//! event for the people concerned.

pub mod dto;
pub mod http;
pub mod ical;
pub mod model;
pub mod rules;
pub mod schedule;
pub mod store;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    http::routes(cfg);
    schedule::routes(cfg);
}
