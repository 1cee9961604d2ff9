//! `GET /learners/{id}/personal-data`: everything the service holds about a learner, for a
//! subject-access request under Nghị định 13/2023/NĐ-CP. Administrators in scope, or the learner.

pub mod dto;
mod http;
mod store;

pub use http::routes;
