//! The application: every area's routes under `/api/v1`, the OpenAPI document collected from
//! exactly those, and the one App factory used by `llct serve` and the tests. The top of the
//! layers: it may import every area, and nothing imports it but the command line and tests.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::{web, App, ResponseError};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{scope, AppExt};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ApiError;
use crate::http::{body_error, middleware, openapi, ops};
use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "llct",
        description = "Political-theory (LLCT) training: institutions, programs, classes, timetables, \
            attendance, grades and certificates. Errors are RFC 9457 problem+json; lists are keyset \
            pages `{items, next_cursor}`; mutable resources carry `version` and an `ETag` honoured by \
            `If-Match`; creating POSTs accept `Idempotency-Key`.",
    ),
    components(schemas(
        crate::error::Problem,
        crate::error::ProblemItem,
        crate::http::export::Format,
        crate::people::transcript::dto::TranscriptFormat,
        crate::reports::dto::ReportFormat,
        crate::reports::dto::GroupBy,
        crate::reports::yearly::YearlyFormat,
        crate::reports::dto::Category,
        crate::exams::papers::PaperFormat
    )),
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
        (name = "plans", description = "Yearly training plans: draft, submit, approve, revise"),
        (name = "inspections", description = "Inspections by the party organisation and the institutions' answers"),
        (name = "nominations", description = "Sending units' lists of people to study and the school's decisions"),
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

/// Every route of the service; the OpenAPI document is collected from exactly these.
pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/v1")
            .configure(crate::account::http::routes)
            .configure(crate::institutions::routes)
            .configure(crate::users::routes)
            .configure(crate::programs::routes)
            .configure(crate::people::routes)
            .configure(crate::cohorts::routes)
            .configure(crate::timetable::routes)
            .configure(crate::attendance::routes)
            .configure(crate::field_trips::routes)
            .configure(crate::exams::routes)
            .configure(crate::results::routes)
            .configure(crate::conduct::http::routes)
            .configure(crate::audit::http::routes)
            .configure(crate::certificates::routes)
            .configure(crate::certificates::verify_api_routes)
            .configure(crate::certificates::vc::api_routes)
            .configure(crate::certificates::records::http::routes)
            .configure(crate::notifications::routes)
            .configure(crate::jobs::http::routes)
            .configure(crate::reports::routes)
            .configure(crate::sending_units::http::routes)
            .configure(crate::plans::http::routes)
            .configure(crate::inspections::http::routes)
            .configure(crate::nominations::routes)
            .configure(ops::api_routes),
    )
    .configure(ops::root_routes)
    .configure(crate::certificates::verify_root_routes)
    .configure(crate::certificates::vc::root_routes);
}

/// The OpenAPI document of every registered route.
pub fn openapi() -> serde_json::Value {
    let api = App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(register).split_for_parts().1;
    finished(&api)
}

fn finished(api: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut doc = serde_json::to_value(api).unwrap_or_default();
    openapi::complete(&mut doc);
    doc
}

/// The one application factory, used by `llct serve` and by the tests.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let json_limit = state.settings.server.json_limit_bytes;
    let upload_limit = state.settings.server.upload_limit_bytes;
    let origins = state.settings.server.cors_allowed_origins.clone();
    let (app, api) = App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(register).split_for_parts();
    let doc = finished(&api);
    let routes = web::Data::new(openapi::Routes::of(&doc));
    let spec = web::Data::new(ops::OpenApiJson(doc.to_string()));
    app.app_data(state)
        .app_data(routes)
        .app_data(spec)
        .app_data(json_config(json_limit))
        .app_data(web::PayloadConfig::new(upload_limit))
        .app_data(
            web::PathConfig::default().error_handler(|err, _| {
                InternalError::from_response(err, ApiError::not_found().error_response()).into()
            }),
        )
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            let e = ApiError::BadRequest(format!("A query parameter is invalid: {err}."));
            InternalError::from_response(err, e.error_response()).into()
        }))
        .service(web::redirect("/api/docs", "/api/docs/"))
        .service(SwaggerUi::new("/api/docs/{_:.*}").config(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")))
        .default_service(web::to(no_route))
        .wrap(actix_web::middleware::from_fn(crate::http::conditional::conditional))
        .wrap(cors(&origins))
        .wrap(actix_web::middleware::from_fn(middleware::observe))
        .wrap(actix_web::middleware::from_fn(middleware::head_as_get))
}

/// No route has this method and path: 405 with `Allow` when the path exists with other methods
/// (RFC 9110 §15.5.6), 404 otherwise.
async fn no_route(req: actix_web::HttpRequest, routes: web::Data<openapi::Routes>) -> actix_web::HttpResponse {
    let allowed = routes.allowed(req.path());
    if allowed.is_empty() {
        return ApiError::NotFound("No such route.".into()).error_response();
    }
    let mut res = ApiError::MethodNotAllowed.error_response();
    if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&allowed.join(", ")) {
        res.headers_mut().insert(actix_web::http::header::ALLOW, v);
    }
    res
}

/// Cross-origin access for browser front ends: only the configured origins (none by default).
fn cors(origins: &[String]) -> actix_cors::Cors {
    use actix_web::http::{header, Method};
    origins
        .iter()
        .fold(actix_cors::Cors::default(), |c, o| c.allowed_origin(o))
        .allowed_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
        ])
        .allowed_header("idempotency-key")
        .allowed_header("x-file-name")
        .expose_headers([header::ETAG, header::LOCATION, header::RETRY_AFTER])
        .max_age(3600)
}

fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default().limit(limit).error_handler(|err, _| {
        let e = body_error(&err);
        InternalError::from_response(err, e.error_response()).into()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_text_enum_in_the_document_lists_its_wire_values() {
        let doc = super::openapi();
        let mut seen = 0;
        for e in crate::db::types::text_enums() {
            let Some(schema) = doc["components"]["schemas"].get(e.name) else { continue };
            seen += 1;
            let wire: Vec<serde_json::Value> = (e.wire)();
            assert_eq!(schema["enum"].as_array(), Some(&wire), "{} in the document", e.name);
        }
        assert!(seen >= 30, "only {seen} enums found in the document");
    }

    /// A `$ref` to a schema the document does not hold makes it unreadable to every client.
    #[test]
    fn every_reference_in_the_document_resolves() {
        fn walk(v: &serde_json::Value, refs: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                        refs.push(r.clone());
                    }
                    m.values().for_each(|x| walk(x, refs));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, refs)),
                _ => {}
            }
        }
        let doc = super::openapi();
        let mut refs = Vec::new();
        walk(&doc, &mut refs);
        let missing: Vec<&String> = refs
            .iter()
            .filter(|r| {
                r.strip_prefix("#/components/schemas/").is_none_or(|n| doc["components"]["schemas"].get(n).is_none())
            })
            .collect();
        assert!(refs.len() > 100 && missing.is_empty(), "{} references, missing: {missing:?}", refs.len());
    }
}
