//! Exams, candidates, blind and double marking, grade entry, publication and history.

pub mod model;
pub mod rules;
