//! Programs [chương trình] and their modules [học phần]: versioned curricula with the rule
//! settings every later step reads (attendance limits, pass mark, retakes, classification bands…),
//! and which institution tiers may run which levels.
//!
//! Invariants: a published or retired program and its modules never change (409); changing one
//! means a new draft edition copied from it; module positions are 1..n without gaps; cohorts use
//! only published programs; the rules are validated whenever they are written.

pub mod catalogue;
pub mod dto;
pub mod http;
pub mod model;
pub mod modules_http;
pub mod rule_settings;
pub mod rules;
pub mod store;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    http::routes(cfg);
    modules_http::routes(cfg);
}
