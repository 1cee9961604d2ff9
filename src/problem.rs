//! One problem with a request, as the rules state it: a field that failed validation, or a rule
//! that refused, with a stable code, an English message and the figures it speaks of. Plain
//! data with no HTTP in it, so `rules.rs` files can return every refusal at once; `crate::error`
//! turns a list of them into a 400, 409 or 422 answer and the message into the caller's language.

use serde::Serialize;
use utoipa::ToSchema;

/// One problem in a list: a field that failed validation, or a rule that refused the request.
#[derive(Debug, Clone, Serialize, PartialEq, ToSchema)]
pub struct ProblemItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub message: String,
    /// The path of a record the problem is about (the clashing session, the existing person).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The figures the message speaks of (a year, ages, a level), for programs to use.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    #[schema(value_type = Option<Object>)]
    pub params: serde_json::Map<String, serde_json::Value>,
}

impl ProblemItem {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> ProblemItem {
        ProblemItem {
            field: Some(field.into()),
            code: None,
            message: message.into(),
            resource: None,
            params: serde_json::Map::new(),
        }
    }
    pub fn rule(code: impl Into<String>, message: impl Into<String>) -> ProblemItem {
        ProblemItem {
            field: None,
            code: Some(code.into()),
            message: message.into(),
            resource: None,
            params: serde_json::Map::new(),
        }
    }
    /// The same problem, named by `field`.
    pub fn at(mut self, field: impl Into<String>) -> ProblemItem {
        self.field = Some(field.into());
        self
    }
    /// The same problem with a figure it speaks of.
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> ProblemItem {
        self.params.insert(key.into(), value.into());
        self
    }
    /// The same problem, pointing at the record it is about.
    pub fn about(mut self, resource: impl Into<String>) -> ProblemItem {
        self.resource = Some(resource.into());
        self
    }
}
