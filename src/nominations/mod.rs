//! Nominations [cử đi học]: a sending unit decides to send named people to a class (or to a
//! program in a year) and sends the list; the school checks each person against the standards
//! and accepts (enrols) or rejects with reasons; the unit is told by e-mail.
//!
//! Invariants: a unit officer sees and sends only their own unit's lists; a list is written
//! whole or not at all, each person matched to one learner record; a person is accepted only
//! through the enrolment path with every eligibility rule checked or overridden with a reason;
//! each decision is one transaction with its e-mail queued in it.

pub mod decide;
pub mod dto;
pub mod http;
pub mod model;
pub mod rules;
pub mod store;
pub mod submit;
pub mod view;

pub use http::routes;
