use actix_web::http::Method;

use crate::db_test;
use crate::support::TestApp;

db_test!(health_readiness_metrics);
async fn health_readiness_metrics(app: TestApp) {
    let h = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(h.status, 200);
    let r = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["database"], app.backend);
    app.get("/api/v1/me", &app.root).await;
    let m = app.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(m.status, 200);
    assert!(m.text.contains(r#"llct_http_requests_total{method="GET",route="/api/v1/me",status="200"}"#), "{}", m.text);
    assert!(m.text.contains("llct_http_request_duration_seconds_bucket"));
    assert!(m.text.contains("llct_db_pool_connections"));
}

db_test!(openapi_and_docs);
async fn openapi_and_docs(app: TestApp) {
    let spec = app.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(spec.status, 200);
    assert!(spec.body["openapi"].as_str().unwrap().starts_with("3.1"));
    // Every route the contract names so far is documented, with the method it answers.
    for (method, path) in [
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/logout"),
        ("get", "/api/v1/me"),
        ("get", "/api/v1/institutions"),
        ("post", "/api/v1/institutions"),
        ("get", "/api/v1/institutions/{id}"),
        ("patch", "/api/v1/institutions/{id}"),
        ("get", "/api/v1/users"),
        ("post", "/api/v1/users"),
        ("get", "/api/v1/users/{id}"),
        ("patch", "/api/v1/users/{id}"),
        ("post", "/api/v1/cohorts/{id}/certificates"),
        ("get", "/api/v1/certificates"),
        ("get", "/api/v1/certificates/{id}"),
        ("get", "/api/v1/certificates/{id}/pdf"),
        ("post", "/api/v1/certificates/{id}/revoke"),
        ("post", "/api/v1/certificates/{id}/reissue"),
        ("get", "/api/v1/verify/{code}"),
        ("get", "/verify/{code}"),
        ("get", "/api/v1/notifications"),
        ("get", "/api/v1/me/notifications"),
        ("get", "/api/v1/jobs"),
        ("post", "/api/v1/jobs/{name}/run"),
        ("get", "/api/v1/jobs/{name}/runs"),
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("get", "/metrics"),
    ] {
        assert!(spec.body["paths"][path][method].is_object(), "{method} {path} missing from the OpenAPI document");
    }
    // And every documented route answers (no "no such route" for any of them).
    let paths = spec.body["paths"].as_object().unwrap();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", &uuid::Uuid::now_v7().to_string()).replace("{slug}", "conflict");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = if m == Method::GET { None } else { Some(serde_json::json!({})) };
            let r = app.call(m, &concrete, Some(&app.root), body).await;
            for unrouted in ["No such route.", "Không có đường dẫn này."] {
                assert_ne!(r.body["detail"], unrouted, "{method} {path} is documented but not routed");
            }
        }
    }
    let docs = app.call(Method::GET, "/api/docs/", None, None).await;
    assert_eq!(docs.status, 200);
    assert!(docs.text.to_lowercase().contains("swagger"));
}

#[actix_web::test]
async fn every_problem_type_is_documented() {
    let app = TestApp::sqlite().await;
    let list = app.call(Method::GET, "/api/v1/problems", None, None).await;
    let types: Vec<&str> = list.body.as_array().unwrap().iter().map(|p| p["type"].as_str().unwrap()).collect();
    use llct::error::ApiError as E;
    let all = [
        E::BadRequest(String::new()),
        E::Validation(vec![]),
        E::Unauthorized(""),
        E::Forbidden,
        E::NotFound(String::new()),
        E::MethodNotAllowed,
        E::conflict("x", ""),
        E::PreconditionFailed { current: 1 },
        E::PayloadTooLarge(1),
        E::UnsupportedMediaType(String::new()),
        E::Refused(vec![]),
        E::RateLimited { retry_after_secs: 1 },
        E::Unavailable { retry_after_secs: 1 },
        E::Internal(String::new()),
    ];
    for e in all {
        let p = e.problem();
        assert!(types.contains(&p.type_.as_str()), "{} undocumented", p.type_);
        let doc = app.call(Method::GET, &p.type_, None, None).await;
        assert_eq!(doc.status, 200, "{}", p.type_);
        assert_eq!(doc.body["status"], p.status);
    }
    // A 500 never carries its cause.
    let p = E::Internal("relation \"users\" does not exist".into()).problem();
    assert!(!p.detail.contains("relation"));
}

#[actix_web::test]
async fn cross_origin_access_only_for_configured_origins() {
    let closed = TestApp::sqlite().await;
    let r = closed.call_with(Method::GET, "/healthz", None, None, &[("origin", "https://evil.example")]).await;
    assert!(r.header("access-control-allow-origin").is_none(), "{:?}", r.headers);

    let db = crate::support::db::TestDb::sqlite();
    let open = TestApp::start(db, &[("LLCT__SERVER__CORS_ALLOWED_ORIGINS", "https://daotao.truongchinhtri.vn")]).await;
    let pre = open
        .call_with(
            Method::OPTIONS,
            "/api/v1/me",
            None,
            None,
            &[
                ("origin", "https://daotao.truongchinhtri.vn"),
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", "authorization"),
            ],
        )
        .await;
    assert_eq!(pre.status, 200, "{}", pre.text);
    assert_eq!(pre.header("access-control-allow-origin").as_deref(), Some("https://daotao.truongchinhtri.vn"));
    let r = open
        .call_with(Method::GET, "/api/v1/me", Some(&open.root), None, &[("origin", "https://daotao.truongchinhtri.vn")])
        .await;
    assert_eq!(r.status, 200);
    assert!(r.header("access-control-expose-headers").unwrap_or_default().to_lowercase().contains("etag"));
    let other = open.call_with(Method::GET, "/healthz", None, None, &[("origin", "https://evil.example")]).await;
    assert!(other.header("access-control-allow-origin").is_none());
}
