//! Institutions [cơ sở đào tạo]: the tree of the national academy, regional academies, provincial
//! schools, local political centres and party committees.
//!
//! Invariants: the tree has no cycles; `path` is the chain of ids from the root (`/root/…/self/`)
//! and is rewritten for the whole subtree in the same transaction as a move; tiers are rows of
//! `institution_tiers`, not code.

pub mod dto;
pub mod http;
pub mod merge;
pub mod model;
pub mod rules;
pub mod store;

pub use http::routes;
