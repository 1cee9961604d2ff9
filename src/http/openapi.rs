//! The OpenAPI 3.1 document's frame; paths come from the registered handlers.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "llct",
        description = "Political-theory (LLCT) training: institutions, programs, classes, timetables, \
            attendance, grades and certificates. Errors are RFC 9457 problem+json; lists are keyset \
            pages `{items, next_cursor}`; mutable resources carry `version` and an `ETag` honoured by \
            `If-Match`; creating POSTs accept `Idempotency-Key`.",
    ),
    components(schemas(crate::error::Problem, crate::error::ProblemItem)),
    modifiers(&Bearer),
    tags(
        (name = "auth", description = "Sign in, sign out, the caller"),
        (name = "institutions", description = "The institution tree"),
        (name = "users", description = "Accounts"),
        (name = "programs", description = "Curricula, modules and their rule settings"),
        (name = "people", description = "Learners and lecturers, import and export"),
        (name = "cohorts", description = "Classes, enrolment with eligibility rules, lecturer assignments"),
        (name = "timetable", description = "Sessions, schedules and calendar feeds"),
        (name = "attendance", description = "Roll call, make-up hours and the attendance summary"),
        (name = "field_trips", description = "Field study and its graded reports"),
        (name = "exams", description = "Exams, blind and double marking, grades, history and appeals"),
        (name = "results", description = "Results and classification"),
        (name = "ops", description = "Health, readiness, metrics, problem types"),
    )
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("opaque").build()),
        );
    }
}
