//! What the OpenAPI 3.1 document adds to what utoipa derives from the handlers: shared statuses,
//! problem media types, bounds and required fields declared beside the types.

/// The document as served: what the handlers declare, completed with what every route shares.
///
/// The handlers declare their own successes and the refusals particular to them; the answers
/// that the framework and the shared extractors give on every route are added here once, so no
/// route can forget one:
/// - every response gets its `description` (the status's reason phrase when the handler gave
///   none), which OpenAPI requires;
/// - problem bodies are `application/problem+json`, as sent;
/// - 400 (a malformed query, path or body), 401 and 403 (signed routes), 404 (routes with a path
///   parameter), 413 and 415 (routes with a body), 500 and 503 (anything that reads the database);
/// - list routes with `?format=` also answer `text/csv` and the XLSX media type;
/// - byte bodies (PDF, XLSX, backups) are `format: binary` strings rather than arrays of integers.
pub fn complete(doc: &mut serde_json::Value) {
    use serde_json::{json, Value};
    mark_max_lengths(doc);
    mark_required(doc);
    let problem = json!({ "$ref": "#/components/schemas/Problem" });
    let schemas = doc["components"]["schemas"].as_object().cloned().unwrap_or_default();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            let Some(op) = op.as_object_mut() else { continue };
            let signed = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
            let has_body = op.contains_key("requestBody");
            // Every list takes `limit` within the same bounds (db::page), checked in one place.
            if let Some(ps) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                for p in ps.iter_mut().filter(|p| p["name"] == "limit" && p["in"] == "query") {
                    p["schema"] = json!({
                        "type": "integer",
                        "minimum": 1,
                        "maximum": crate::db::page::MAX_LIMIT,
                        "default": crate::db::page::DEFAULT_LIMIT,
                    });
                }
            }
            let params = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            let formats: Vec<String> = params
                .iter()
                .filter(|p| p["name"] == "format" && p["in"] == "query")
                .filter_map(|p| p["schema"]["$ref"].as_str())
                .filter_map(|r| schemas.get(r.trim_start_matches("#/components/schemas/")))
                .flat_map(|s| s["enum"].as_array().cloned().unwrap_or_default())
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            let conditional =
                params.iter().any(|p| p["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("if-match")));
            let scoped_query = params
                .iter()
                .any(|p| p["in"] == "query" && p["schema"]["$ref"].as_str().is_some_and(|r| r.ends_with("Id")));
            let write = method != "get";
            let mut shared: Vec<u16> = vec![400, 500];
            if path != "/healthz" && path != "/api/v1/openapi.json" {
                shared.push(503);
            }
            if signed {
                shared.extend([401, 403]);
            }
            if path.contains('{') || scoped_query {
                shared.push(404);
            }
            if write && path.starts_with("/api/v1/") && signed {
                // Uniqueness and state are checked by the database and the rules on every write.
                shared.extend([409, 422]);
            }
            if conditional {
                shared.push(412);
            }
            if has_body {
                shared.extend([413, 415]);
            }
            // Conditional GETs (http::conditional): `If-None-Match` and 304.
            let revalidated = !write && crate::http::conditional::covers(path);
            if revalidated {
                let ps = op.entry("parameters").or_insert_with(|| json!([]));
                if let Some(ps) = ps.as_array_mut() {
                    ps.push(json!({
                        "name": "If-None-Match",
                        "in": "header",
                        "required": false,
                        "description": "The `ETag` of an earlier answer: 304 with no body while it is current.",
                        "schema": { "type": "string" },
                    }));
                }
            }
            let responses = op.entry("responses").or_insert_with(|| json!({}));
            let Some(responses) = responses.as_object_mut() else { continue };
            if revalidated {
                let tag =
                    json!({ "schema": { "type": "string" }, "description": "The answer's tag, for `If-None-Match`." });
                responses.insert(
                    "304".into(),
                    json!({ "description": "Not Modified: the tag named in `If-None-Match` is current.", "headers": { "ETag": tag } }),
                );
            }
            for status in shared {
                responses
                    .entry(status.to_string())
                    .or_insert_with(|| json!({ "content": { "application/json": { "schema": problem.clone() } } }));
            }
            for (status, response) in responses.iter_mut() {
                let Some(response) = response.as_object_mut() else { continue };
                if !response.contains_key("description") {
                    let phrase = status
                        .parse::<u16>()
                        .ok()
                        .and_then(|s| actix_web::http::StatusCode::from_u16(s).ok())
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("Response");
                    response.insert("description".into(), Value::String(phrase.into()));
                }
                let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else { continue };
                if content.get("application/json").is_some_and(|c| c["schema"] == problem) {
                    let c = content.remove("application/json").unwrap_or_default();
                    content.insert(crate::error::PROBLEM_JSON.into(), c);
                }
                if status == "200" {
                    for f in &formats {
                        let (media, schema) = match f.as_str() {
                            "csv" => ("text/csv", json!({ "type": "string" })),
                            "svg" => ("image/svg+xml", json!({ "type": "string" })),
                            "xlsx" => (crate::http::export::XLSX, json!({ "type": "string", "format": "binary" })),
                            "pdf" => ("application/pdf", json!({ "type": "string", "format": "binary" })),
                            _ => continue,
                        };
                        content.entry(media).or_insert_with(|| json!({ "schema": schema }));
                    }
                }
                for (media, c) in content.iter_mut() {
                    if media.contains("json") {
                        continue;
                    }
                    if c["schema"]["type"] == "array" && c["schema"]["items"]["type"] == "integer" {
                        c["schema"] = json!({ "type": "string", "format": "binary" });
                    }
                }
            }
        }
    }
}

/// Fields a creation needs although its Rust type keeps them optional, so that the handler can
/// list every missing one at once (400 `validation`) instead of serde stopping at the first.
/// The document marks them required and not nullable; `schema` may name a body of its own
/// (`CreateLearner`) built from a type that creation and change share (`LearnerInput`).
pub struct Required {
    pub schema: &'static str,
    pub base: &'static str,
    pub fields: &'static [&'static str],
}

inventory::collect!(Required);

/// A body that may be given in more than one way, each named and with the fields it needs:
/// `required_fields!("CreateEnrollments": one of "EnrolOne" ["learner_id"], "EnrolMany" ["learners"])`.
/// The document shows each way as a whole object schema of its own (every field of the body,
/// its own `required`), and the body as any of them, so a generated client builds one of them.
pub struct RequiredOneOf {
    pub schema: &'static str,
    pub ways: &'static [(&'static str, &'static [&'static str])],
}

inventory::collect!(RequiredOneOf);

/// Declares the fields a creation body requires: `required_fields!("CreateCohort": "code", …)`,
/// or `required_fields!("CreateLearner" from LearnerInput: …)` for a body that creation shares
/// with changes (it also defines the `CreateLearner` type to name in `request_body`).
#[macro_export]
macro_rules! required_fields {
    ($schema:literal: one of $($way:literal [$($f:literal),+]),+ $(,)?) => {
        $crate::inventory::submit! {
            $crate::http::openapi::RequiredOneOf { schema: $schema, ways: &[$(($way, &[$($f),+])),+] }
        }
    };
    ($schema:literal: $($f:literal),+ $(,)?) => {
        $crate::inventory::submit! {
            $crate::http::openapi::Required { schema: $schema, base: $schema, fields: &[$($f),+] }
        }
    };
    ($schema:ident from $base:ident: $($f:literal),+ $(,)?) => {
        /// The creation body: the same fields as the change, the required ones marked so.
        pub struct $schema;
        impl utoipa::PartialSchema for $schema {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                <$base as utoipa::PartialSchema>::schema()
            }
        }
        impl utoipa::ToSchema for $schema {
            fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
                schemas.push((<$base as utoipa::ToSchema>::name().into(), <$base as utoipa::PartialSchema>::schema()));
                <$base as utoipa::ToSchema>::schemas(schemas);
            }
        }
        $crate::inventory::submit! {
            $crate::http::openapi::Required { schema: stringify!($schema), base: stringify!($base), fields: &[$($f),+] }
        }
    };
}

/// The longest a text field of a request body may be, in characters as sent; enforced by
/// `http::extract::JsonBody` before the body is read and shown as `maxLength`.
pub struct MaxLength {
    pub schema: &'static str,
    pub field: &'static str,
    pub max: usize,
}

inventory::collect!(MaxLength);

/// Declares the longest text fields of a body: `max_lengths!("CreateInstitution": "name" => 200, …)`
/// (the Rust type's schema name; a creation body built from it gets the same bounds).
#[macro_export]
macro_rules! max_lengths {
    ($schema:literal: $($f:literal => $n:literal),+ $(,)?) => {
        $( $crate::inventory::submit! { $crate::http::openapi::MaxLength { schema: $schema, field: $f, max: $n } } )+
    };
}

/// Every declared bound.
pub fn max_lengths() -> impl Iterator<Item = &'static MaxLength> {
    inventory::iter::<MaxLength>.into_iter()
}

fn mark_max_lengths(doc: &mut serde_json::Value) {
    for b in max_lengths() {
        let field = doc
            .get_mut("components")
            .and_then(|c| c.get_mut("schemas"))
            .and_then(|s| s.get_mut(b.schema))
            .and_then(|s| s.get_mut("properties"))
            .and_then(|p| p.get_mut(b.field));
        if let Some(p) = field {
            p["maxLength"] = b.max.into();
        }
    }
}

/// Marks every declared required field in the document's schemas.
fn mark_required(doc: &mut serde_json::Value) {
    use serde_json::Value;
    for r in inventory::iter::<Required> {
        let Some(mut schema) = doc["components"]["schemas"].get(r.base).cloned() else { continue };
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for f in r.fields {
            if let Some(p) = props.get_mut(*f) {
                not_null(p);
            }
        }
        let mut required: Vec<String> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        required.extend(r.fields.iter().map(|f| f.to_string()));
        required.sort();
        required.dedup();
        schema["required"] = required.into();
        doc["components"]["schemas"][r.schema] = schema;
    }
    for r in inventory::iter::<RequiredOneOf> {
        let Some(base) = doc["components"]["schemas"].get(r.schema).cloned() else { continue };
        // Each way of giving the body: the whole body, its fields present, not null, and lists
        // not empty.
        let mut ways = Vec::new();
        for (name, fields) in r.ways {
            let mut way = base.clone();
            for f in *fields {
                if let Some(p) = way["properties"].get_mut(*f) {
                    not_null(p);
                    if p["type"] == "array" {
                        p["minItems"] = 1.into();
                    }
                }
            }
            way["required"] = (*fields).into();
            doc["components"]["schemas"][*name] = way;
            ways.push(serde_json::json!({ "$ref": format!("#/components/schemas/{name}") }));
        }
        let mut body = serde_json::json!({ "anyOf": ways });
        if let Some(d) = base.get("description") {
            body["description"] = d.clone();
        }
        doc["components"]["schemas"][r.schema] = body;
    }
}

/// A property schema without its `null`: `["string", "null"]` becomes `"string"`, and
/// `oneOf: [X, {type: null}]` becomes X (keeping the description).
fn not_null(p: &mut serde_json::Value) {
    use serde_json::Value;
    if let Some(types) = p.get_mut("type").and_then(Value::as_array_mut) {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types[0].clone();
            p["type"] = only;
        }
    } else if let Some(one_of) = p.get("oneOf").and_then(Value::as_array).cloned() {
        let kept: Vec<Value> = one_of.into_iter().filter(|s| s.get("type") != Some(&Value::from("null"))).collect();
        if kept.len() == 1 {
            let description = p.get("description").cloned();
            *p = kept[0].clone();
            if let Some(d) = description {
                p["description"] = d;
            }
        }
    }
}

/// Whether a concrete request path fits a documented path template (`/cohorts/{id}`,
/// `/calendar/{calendar_token}.ics`): the same segments, each parameter at least one character
/// between its literal prefix and suffix.
pub fn path_fits(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, a)| match (t.find('{'), t.find('}')) {
            (Some(open), Some(close)) => {
                let (prefix, suffix) = (&t[..open], &t[close + 1..]);
                a.len() > prefix.len() + suffix.len() && a.starts_with(prefix) && a.ends_with(suffix)
            }
            _ => t == a,
        })
}

/// Every documented path with its methods: what answers 405 with `Allow` when a path exists but
/// not with the method asked.
pub struct Routes(Vec<(String, Vec<String>)>);

impl Routes {
    pub fn of(doc: &serde_json::Value) -> Routes {
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        Routes(
            paths
                .into_iter()
                .map(|(path, item)| {
                    let methods =
                        item.as_object().map(|m| m.keys().map(|k| k.to_uppercase()).collect()).unwrap_or_default();
                    (path, methods)
                })
                .collect(),
        )
    }

    /// The methods `path` answers (with `HEAD` beside `GET`), empty when no route has this path.
    pub fn allowed(&self, path: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (template, methods) in &self.0 {
            if path_fits(template, path) {
                for m in methods {
                    if !out.contains(m) {
                        out.push(m.clone());
                    }
                }
            }
        }
        if out.iter().any(|m| m == "GET") {
            out.push("HEAD".into());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fit_their_templates() {
        for (template, path, fits) in [
            ("/api/v1/cohorts/{id}", "/api/v1/cohorts/abc", true),
            ("/api/v1/cohorts/{id}", "/api/v1/cohorts/", false),
            ("/api/v1/cohorts/{id}", "/api/v1/cohorts/abc/start", false),
            ("/api/v1/calendar/{calendar_token}.ics", "/api/v1/calendar/cal_x.ics", true),
            ("/api/v1/calendar/{calendar_token}.ics", "/api/v1/calendar/.ics", false),
            ("/api/v1/calendar/{calendar_token}.ics", "/api/v1/calendar/cal_x", false),
            ("/healthz", "/healthz", true),
        ] {
            assert_eq!(path_fits(template, path), fits, "{template} {path}");
        }
    }
}
