//! The published document is the contract: every answer a test receives is checked against the
//! operation's schema for its status and media type, and every JSON body a test sends against the
//! operation's request schema. A mismatch fails the test that made the request.
//!
//! What is checked, per request to a documented operation:
//! - the status is one the operation documents;
//! - the media type is one documented for that status;
//! - a JSON body validates against the documented schema (formats included: dates, uuids);
//! - a JSON request body that the document refuses is refused by the service (4xx), and one the
//!   document accepts is never refused as not fitting the endpoint (`body_mismatch`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{json, Value};

/// Responses checked so far in this test binary, and request bodies.
pub static RESPONSES_CHECKED: AtomicUsize = AtomicUsize::new(0);
pub static REQUESTS_CHECKED: AtomicUsize = AtomicUsize::new(0);

struct Contract {
    doc: Value,
    /// Path templates, fewest parameters first so literal paths win.
    templates: Vec<String>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

fn contract() -> &'static Contract {
    static C: OnceLock<Contract> = OnceLock::new();
    C.get_or_init(|| {
        let doc = llct::app::openapi();
        let mut templates: Vec<String> = doc["paths"].as_object().expect("paths").keys().cloned().collect();
        templates.sort_by_key(|t| t.matches('{').count());
        Contract { doc, templates, validators: Mutex::new(HashMap::new()) }
    })
}

/// The documented template of a concrete path, if any (the service's own matcher).
pub fn template_of(path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or_default();
    contract().templates.iter().find(|t| llct::http::openapi::path_fits(t, path)).map(String::as_str)
}

/// A validator for the schema at `pointer` inside the document (its `$ref`s resolve against the
/// document's components).
fn validator(pointer: &str) -> Arc<jsonschema::Validator> {
    let c = contract();
    if let Some(v) = c.validators.lock().unwrap().get(pointer) {
        return v.clone();
    }
    let schema = c.doc.pointer(pointer).unwrap_or_else(|| panic!("no schema at {pointer}")).clone();
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": c.doc["components"],
        "allOf": [schema],
    });
    let v = Arc::new(
        jsonschema::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("the schema at {pointer} does not compile: {e}")),
    );
    c.validators.lock().unwrap().insert(pointer.to_string(), v.clone());
    v
}

fn escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn errors_of(pointer: &str, instance: &Value) -> Vec<String> {
    validator(pointer).iter_errors(instance).take(5).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

/// Checks one exchange; panics with the whole story when the service and its document disagree.
pub fn check(method: &str, path: &str, request: Option<&Value>, status: u16, content_type: Option<&str>, body: &[u8]) {
    let method = method.to_ascii_lowercase();
    if method == "head" || method == "options" {
        return;
    }
    let Some(template) = template_of(path) else { return };
    let c = contract();
    let op_pointer = format!("/paths/{}/{method}", escape(template));
    let Some(op) = c.doc.pointer(&op_pointer) else { return };
    let story = || format!("{} {path} → {status}: {}", method.to_uppercase(), String::from_utf8_lossy(body));

    if let Some(req) = request {
        let schema_pointer = format!("{op_pointer}/requestBody/content/application~1json/schema");
        if c.doc.pointer(&schema_pointer).is_some() {
            REQUESTS_CHECKED.fetch_add(1, Ordering::Relaxed);
            let errors = errors_of(&schema_pointer, req);
            if !errors.is_empty() && (200..300).contains(&status) {
                panic!("the service accepted a body its document refuses ({errors:?}): {req}\n{}", story());
            }
            if errors.is_empty() && status == 400 {
                let answer: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
                assert_ne!(
                    answer["code"],
                    "body_mismatch",
                    "the service refused a body its document accepts: {req}\n{}",
                    story()
                );
            }
        }
    }

    RESPONSES_CHECKED.fetch_add(1, Ordering::Relaxed);
    log(&method, template, status);
    let status_key = status.to_string();
    let response = op["responses"].get(&status_key).or_else(|| op["responses"].get("default"));
    let Some(response) = response else {
        panic!("status {status} is not documented for {} {template}\n{}", method.to_uppercase(), story());
    };
    let media = content_type.unwrap_or_default().split(';').next().unwrap_or_default().trim().to_string();
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        assert!(
            body.is_empty(),
            "{} {template} {status} documents no body but sent one\n{}",
            method.to_uppercase(),
            story()
        );
        return;
    };
    if body.is_empty() && status == 204 {
        return;
    }
    let Some(documented) = content.get(&media) else {
        panic!(
            "{} {template} {status} answered {media:?}, documented {:?}\n{}",
            method.to_uppercase(),
            content.keys().collect::<Vec<_>>(),
            story()
        );
    };
    if media.ends_with("json") && documented.get("schema").is_some() {
        let instance: Value = serde_json::from_slice(body).unwrap_or_else(|e| panic!("not JSON ({e})\n{}", story()));
        let pointer =
            format!("/paths/{}/{method}/responses/{status_key}/content/{}/schema", escape(template), escape(&media));
        let errors = errors_of(&pointer, &instance);
        assert!(errors.is_empty(), "the answer does not match its schema: {errors:?}\n{}", story());
    }
}

/// With `LLCT_CONTRACT_LOG=file`, one line per checked answer (method, template, status): how many
/// answers the suite checked and which operations and statuses it reached.
fn log(method: &str, template: &str, status: u16) {
    use std::io::Write;
    if let Some(file) = std::env::var_os("LLCT_CONTRACT_LOG") {
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(file) {
            // One write per line, so lines from tests running at once never interleave.
            let _ = f.write_all(format!("{} {template} {status}\n", method.to_uppercase()).as_bytes());
        }
    }
}
