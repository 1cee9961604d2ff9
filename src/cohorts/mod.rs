//! Classes [lớp học]: one published program at one institution, with its lifecycle, enrolments
//! checked against the eligibility rules of the level, and lecturer assignments.
//!
//! Invariants: a class uses a published program its institution's tier may run; its code is
//! unique in its institution; `enrolled_count` never exceeds `capacity` (seats are taken in one
//! conditional UPDATE); an enrolment lists every failed rule or none; overrides carry a reason,
//! who and when; withdrawals keep the record.

pub mod assignments_http;
pub mod dto;
pub mod enrol;
pub mod enrollments_http;
pub mod http;
pub mod model;
pub mod rule_sets;
pub mod rules;
pub mod store;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    http::routes(cfg);
    enrollments_http::routes(cfg);
    assignments_http::routes(cfg);
    rule_sets::http::routes(cfg);
}
