//! `GET /learners/{id}/transcript`: a person's record for life — every class they took, with
//! dates, module grades, result, classification and conduct, and their credentials with numbers
//! and status. JSON, or `?format=xlsx|csv|pdf` to print.

pub mod dto;
mod http;
mod render;
mod store;

pub use http::routes;
