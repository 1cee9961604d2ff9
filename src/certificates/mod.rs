//! Credentials [văn bằng, chứng chỉ]: issuing to a class's graduates with unbroken numbering,
//! the append-only register book [sổ gốc], signed public verification, printable PDFs, revocation
//! and reissue.

pub mod decision;
pub mod dto;
pub mod facts;
pub mod http;
pub mod issue;
pub mod keys;
pub mod model;
pub mod numbering;
pub mod pades;
pub mod pdf;
pub mod records;
pub mod store;
pub mod vc;
pub mod verify;

pub use http::routes;

/// The public verification page of a credential: where its QR code points.
pub fn verify_url(settings: &crate::settings::Settings, code: &str) -> String {
    format!("{}/verify/{code}", settings.server.public_base_url.trim_end_matches('/'))
}
pub use verify::{api_routes as verify_api_routes, root_routes as verify_root_routes};
