//! Roll call [điểm danh], make-up hours, and the attendance summary that decides who may sit
//! each module's exam and who may graduate with the class.
//!
//! Invariants: a roll call writes the whole session in one transaction and every change is kept
//! (who, when, old, new, why); only learners enrolled at the session's date are on its roll; the
//! session's `roll_version` is its ETag, so two lecturers cannot silently overwrite each other;
//! the attendance rules live in [`rules::summarise`] and nowhere else.

pub mod dto;
pub mod http;
pub mod model;
pub mod rules;
pub mod store;
pub mod summary;

pub use http::routes;
