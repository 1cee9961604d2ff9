//! Reports for administrators and inspections: the yearly summary by level and mode rolled up
//! the institution tree, and lecturers' teaching hours against their norm. Each answers JSON,
//! CSV, XLSX, or an SVG chart.

pub mod chart;
pub mod dto;
pub mod http;
pub mod render;
pub mod rules;
pub mod store;
pub mod summary;
pub mod yearly;

pub use http::routes;
