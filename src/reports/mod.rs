//! Reports for administrators and inspections: the yearly summary by level and mode rolled up
//! the institution tree, and lecturers' teaching hours against their norm. Each answers JSON,
//! CSV, XLSX, or an SVG chart.

pub mod chart;
pub mod http;

pub use http::routes;
