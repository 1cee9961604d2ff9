//! Inspections and supervisions [kiểm tra, giám sát] by the party organisation: inspectors
//! record the team, the period inspected, the findings and recommendations with due dates; the
//! inspected institution's administrators answer each recommendation; the record prints as a
//! Vietnamese PDF [biên bản].

pub mod http;
pub mod model;
pub mod paper;
pub mod rules;
pub mod store;

pub use model::Inspection;
