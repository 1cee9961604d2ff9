//! Results and classification [xếp loại tốt nghiệp]: one pure function over published grades,
//! graded field reports and attendance.

pub mod http;
pub mod rules;
pub mod service;
pub mod snapshot;

pub use http::routes;
