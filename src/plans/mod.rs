//! Yearly training plans [kế hoạch đào tạo, bồi dưỡng] and how the year went against them.
//! An institution drafts its plan (lines per level, optionally program, and mode, each with
//! the classes and trainee-turns it will run), submits it, and the body above approves it; an
//! approved plan is frozen, and a change is the next revision naming the one it replaces.

pub mod actual;
pub mod http;
pub mod model;
pub mod rules;
pub mod service;
pub mod store;

pub use model::{PlanLine, PlanStatus, TrainingPlan};
