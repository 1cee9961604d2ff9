//! Exams [thi, kiểm tra]: candidates, blind marking [làm phách] with random codes, double
//! marking with a third grader, bulk grade entry before the deadline, publication and locking,
//! and the history of every grade.
//!
//! Invariants: graders of a blind exam never see names before publication; each grader sees
//! only their own mark until both first marks are in; a published grade changes only by the
//! history-recording paths; marks are stored in tenths.

pub mod appeals;
pub mod candidates_http;
pub mod dto;
pub mod grades_http;
pub mod http;
pub mod model;
pub mod papers;
pub mod rules;
pub mod store;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    http::routes(cfg);
    appeals::routes(cfg);
}
