//! Eligibility rules as data: each regulation's numbers and lists per level, from the day it
//! takes effect. Quy định 57-QĐ/TW (2022) and 350-QĐ/TW (2025) ship with the service; system
//! administrators add a set when a regulation changes. A class keeps the set it was opened under.

pub mod http;
pub mod model;
pub mod rules;
pub mod store;

pub use model::{EligibilityRules, RuleSet};
