//! Credentials from before the service: copied from the paper register books [sổ gốc] so that
//! eligibility counts a level on record, not only on the learner's word, and so that the papers
//! can be verified at `/verify/{code}`. A copied record says who copied it, from which register
//! and when; it is never signed as if at issue (its status at `/verify` is `recorded`).
//!
//! `POST /credentials/import` (CSV or XLSX, every row or none), its template, and reads at
//! `/credentials/records`.

pub mod dto;
pub mod http;
pub mod import;
pub mod model;
pub mod rules;
pub mod store;
