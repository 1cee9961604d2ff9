//! Messages to people: written to the outbox in the same transaction as their cause (never
//! twice for one dedupe key), rendered in Vietnamese from template files, delivered over SMTP
//! by the `outbox` job with retries and backoff.

pub mod http;
pub mod outbox;
pub mod sender;
pub mod store;
pub mod templates;

pub use http::routes;
pub use outbox::{enqueue, Kind, Message};
