//! User accounts: e-mail, Argon2id password hash, role and institution.
//!
//! Invariants: a `system_admin` has no institution, every other role has one (a CHECK in both
//! trees); an institution admin sees and manages only accounts of its scope and can never grant
//! `system_admin`; nobody changes their own role, institution or status; disabling an account or
//! resetting its password revokes its tokens in the same transaction.

pub mod dto;
pub mod http;
pub mod model;
pub mod rules;
pub mod store;

pub use http::routes;
