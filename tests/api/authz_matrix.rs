//! Every route × every role × scope position, with the expected status. A route in the OpenAPI
//! document without a row here fails the test, so new routes must state who may call them.

use std::collections::BTreeSet;

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::db_test;
use crate::support::{TestApp, PASSWORD};

/// Columns: anonymous, learner of A, lecturer of A, admin of A, admin of B (another tree), system admin.
const WHO: [&str; 6] = [
    "anonymous",
    "learner",
    "lecturer",
    "admin_a",
    "admin_b",
    "system_admin",
];

struct Row {
    method: Method,
    /// `{a}` = institution A, `{a_child}` = a child of A, `{learner}` = a learner account of A.
    path: &'static str,
    body: Option<fn(usize) -> Value>,
    expect: [u16; 6],
}

fn rows() -> Vec<Row> {
    use Method as M;
    let r = |method: Method, path, body: Option<fn(usize) -> Value>, expect| Row {
        method,
        path,
        body,
        expect,
    };
    vec![
        // Anyone may try to sign in (a wrong password: the rate limit counts every attempt).
        r(
            M::POST,
            "/api/v1/auth/login",
            Some(|n| json!({"email": format!("nobody{n}@llct.test"), "password": PASSWORD})),
            [401; 6],
        ),
        r(M::GET, "/api/v1/me", None, [401, 200, 200, 200, 200, 200]),
        r(
            M::GET,
            "/api/v1/institutions/tiers",
            None,
            [401, 403, 403, 200, 200, 200],
        ),
        r(
            M::GET,
            "/api/v1/institutions",
            None,
            [401, 403, 403, 200, 200, 200],
        ),
        r(
            M::POST,
            "/api/v1/institutions",
            Some(
                |n| json!({"code": format!("NEW{n}"), "name": "Trung tâm mới", "tier": "commune_center", "parent_id": "{a}"}),
            ),
            [401, 403, 403, 201, 400, 201],
        ),
        r(
            M::GET,
            "/api/v1/institutions/{a}",
            None,
            [401, 403, 403, 200, 404, 200],
        ),
        r(
            M::PATCH,
            "/api/v1/institutions/{a_child}",
            Some(|n| json!({"short_name": format!("TT {n}")})),
            [401, 403, 403, 200, 404, 200],
        ),
        r(
            M::GET,
            "/api/v1/users",
            None,
            [401, 403, 403, 200, 200, 200],
        ),
        r(
            M::POST,
            "/api/v1/users",
            Some(
                |n| json!({"email": format!("new{n}@llct.test"), "password": PASSWORD, "full_name": "Phạm Thu Hà", "role": "learner", "institution_id": "{a}"}),
            ),
            [401, 403, 403, 201, 400, 201],
        ),
        r(
            M::GET,
            "/api/v1/users/{learner}",
            None,
            [401, 403, 403, 200, 404, 200],
        ),
        r(
            M::PATCH,
            "/api/v1/users/{learner}",
            Some(|n| json!({"full_name": format!("Phạm Thu Hà {n}")})),
            [401, 403, 403, 200, 404, 200],
        ),
        r(M::GET, "/healthz", None, [200; 6]),
        r(M::GET, "/readyz", None, [200; 6]),
        r(M::GET, "/metrics", None, [200; 6]),
        r(M::GET, "/api/v1/openapi.json", None, [200; 6]),
        r(M::GET, "/api/v1/problems", None, [200; 6]),
        r(M::GET, "/api/v1/problems/{slug}", None, [200; 6]),
        // Last: it ends each caller's session.
        r(
            M::POST,
            "/api/v1/auth/logout",
            None,
            [401, 204, 204, 204, 204, 204],
        ),
    ]
}

db_test!(every_route_every_role);
async fn every_route_every_role(app: TestApp) {
    let a = app.institution("A", "provincial_school", None).await;
    let a_child = app.institution("A1", "commune_center", Some(&a)).await;
    let b = app.institution("B", "provincial_school", None).await;
    let (learner, learner_token) = app.user("learner", Some(&a)).await;
    let (_, lecturer_token) = app.user("lecturer", Some(&a)).await;
    let (_, admin_a) = app.user("institution_admin", Some(&a)).await;
    let (_, admin_b) = app.user("institution_admin", Some(&b)).await;
    let tokens = [
        None,
        Some(learner_token),
        Some(lecturer_token),
        Some(admin_a),
        Some(admin_b),
        Some(app.root.clone()),
    ];
    let fill = |s: &str| {
        s.replace("{a_child}", &a_child)
            .replace("{a}", &a)
            .replace("{learner}", &learner)
            .replace("{slug}", "conflict")
    };

    let mut failures = Vec::new();
    let mut n = 0;
    for row in rows() {
        for (who, token) in tokens.iter().enumerate() {
            n += 1;
            let body = row
                .body
                .map(|b| serde_json::from_str(&fill(&b(n).to_string())).unwrap());
            let r = app
                .call(row.method.clone(), &fill(row.path), token.as_deref(), body)
                .await;
            if r.status != row.expect[who] {
                failures.push(format!(
                    "{} {} as {}: {} (expected {}) {}",
                    row.method, row.path, WHO[who], r.status, row.expect[who], r.text
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_documented_route_has_a_row() {
    let covered: BTreeSet<(String, String)> = rows()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let spec = serde_json::to_value(llct::http::openapi()).unwrap();
    let mut missing = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let m = method.to_uppercase();
            let normalised = path.replace("{id}", "{x}");
            let has = covered.iter().any(|(cm, cp)| {
                cm == &m && {
                    let cp = cp
                        .replace("{a_child}", "{x}")
                        .replace("{a}", "{x}")
                        .replace("{learner}", "{x}")
                        .replace("{slug}", "{x}");
                    cp == normalised.replace("{slug}", "{x}")
                }
            });
            if !has {
                missing.push(format!("{m} {path}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes without an authorisation row: {missing:?}"
    );
}
