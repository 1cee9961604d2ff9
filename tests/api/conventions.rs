use std::collections::HashSet;

use actix_web::http::Method;
use serde_json::json;

use crate::db_test;
use crate::support::TestApp;

db_test!(malformed_requests_are_problems_not_500s);
async fn malformed_requests_are_problems_not_500s(app: TestApp) {
    let root = Some(app.root.as_str());
    let p = "/api/v1/institutions";
    app.call_raw(Method::POST, p, root, "application/json", b"{\"code\": ".to_vec())
        .await
        .assert_problem(400, "bad-request");
    app.call_raw(Method::POST, p, root, "application/json", b"[1,2]".to_vec()).await.assert_problem(400, "bad-request");
    app.call_raw(Method::POST, p, root, "application/json", br#"{"code": 12}"#.to_vec())
        .await
        .assert_problem(400, "bad-request");
    app.call_raw(Method::POST, p, root, "text/plain", b"code=1".to_vec())
        .await
        .assert_problem(415, "unsupported-media-type");
    let big = format!(r#"{{"code":"A","name":"{}","tier":"academy"}}"#, "x".repeat(70_000));
    app.call_raw(Method::POST, p, root, "application/json", big.into_bytes())
        .await
        .assert_problem(413, "payload-too-large");
    // A text longer than the document allows is refused as sent, even when it would be short
    // once its spaces are tidied, and the answer names the field.
    let spaced = format!("a{}b", " ".repeat(250));
    let r = app.post(p, &app.root, serde_json::json!({"code": "LONG", "name": spaced, "tier": "academy"})).await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["name"], "{}", r.text);
    // A role that may not do this is told so before anything in the body is looked at.
    let inst = app.institution("MAL", "provincial_school", None).await;
    let (_, lecturer) = app.user("lecturer", Some(&inst)).await;
    let lect = Some(lecturer.as_str());
    for (ct, body) in [
        ("application/json", b"{\"code\": ".to_vec()),
        ("application/json", br#"{"code": 12}"#.to_vec()),
        ("text/plain", b"code=1".to_vec()),
    ] {
        app.call_raw(Method::POST, p, lect, ct, body).await.assert_problem(403, "forbidden");
    }

    app.get("/api/v1/institutions/not-a-uuid", &app.root).await.assert_problem(404, "not-found");
    app.get(&format!("/api/v1/institutions/{}", uuid::Uuid::now_v7()), &app.root)
        .await
        .assert_problem(404, "not-found");
    app.get("/api/v1/users/01", &app.root).await.assert_problem(404, "not-found");
    app.get("/api/v1/no-such-thing", &app.root).await.assert_problem(404, "not-found");
    // A path that exists, asked with a method it does not take: 405 naming the ones it does.
    let r = app.call(Method::DELETE, "/api/v1/me", Some(&app.root), None).await;
    r.assert_problem(405, "method-not-allowed");
    assert_eq!(r.header("allow").as_deref(), Some("GET, HEAD"), "{}", r.text);
    let r = app.call(Method::PUT, "/api/v1/cohorts/01a2310e-df3c-761c-94c8-c884269d6cdc", Some(&app.root), None).await;
    r.assert_problem(405, "method-not-allowed");
    assert_eq!(r.header("allow").as_deref(), Some("GET, PATCH, HEAD"), "{}", r.text);
    // HEAD answers wherever GET does, with GET's status and headers and no body.
    let r = app.call(Method::HEAD, "/api/v1/me", Some(&app.root), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.bytes.is_empty());
    assert_eq!(r.header("content-type").as_deref(), Some("application/json"));
    let r = app.call(Method::HEAD, "/api/v1/no-such-thing", Some(&app.root), None).await;
    assert_eq!(r.status, 404);

    app.get("/api/v1/institutions?colour=red", &app.root).await.assert_problem(400, "bad-request");
    app.get("/api/v1/institutions?tier=academy&status=sleeping", &app.root).await.assert_problem(400, "bad-request");
    app.get("/api/v1/institutions?updated_since=yesterday", &app.root).await.assert_problem(400, "bad-request");
    app.get("/api/v1/users?role=king", &app.root).await.assert_problem(400, "bad-request");
    let r = app.get("/api/v1/institutions?limit=0&cursor=%%%", &app.root).await;
    r.assert_problem(400, "validation");
    let r = app.get("/api/v1/institutions?limit=501&cursor=bm90LWEtdXVpZA", &app.root).await;
    r.assert_problem(400, "validation");
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(f, vec!["cursor", "limit"], "{}", r.text);
    app.call_with(
        Method::PATCH,
        &format!("/api/v1/users/{}", uuid::Uuid::now_v7()),
        Some(&app.root),
        Some(json!({})),
        &[("if-match", "garbage")],
    )
    .await
    .assert_problem(400, "bad-request");
    app.call_with(
        Method::POST,
        "/api/v1/institutions",
        Some(&app.root),
        Some(json!({})),
        &[("idempotency-key", &"k".repeat(300))],
    )
    .await
    .assert_problem(400, "bad-request");
    // Every answer carries a request id for the logs.
    assert!(app.get("/api/v1/me", &app.root).await.header("x-request-id").is_some());
}

db_test!(idempotent_creation);
async fn idempotent_creation(app: TestApp) {
    let body = json!({"code": "IDEM", "name": "Trung tâm Chính trị", "tier": "commune_center"});
    let key = [("idempotency-key", "create-idem-1")];
    let first = app.call_with(Method::POST, "/api/v1/institutions", Some(&app.root), Some(body.clone()), &key).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = app.call_with(Method::POST, "/api/v1/institutions", Some(&app.root), Some(body.clone()), &key).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));

    // The same key with another body is refused, and writes nothing.
    let other = json!({"code": "IDEM2", "name": "Khác", "tier": "commune_center"});
    let r = app.call_with(Method::POST, "/api/v1/institutions", Some(&app.root), Some(other), &key).await;
    r.assert_problem(422, "refused");
    assert_eq!(r.body["errors"][0]["code"], "idempotency_key_reused");
    let list = app.get("/api/v1/institutions", &app.root).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);

    // Two concurrent requests with one key: one institution, both answered with it.
    let body = json!({"code": "CONC", "name": "Đồng thời", "tier": "commune_center"});
    let key = [("idempotency-key", "concurrent-1")];
    let (a, b) = futures_util::join!(
        app.call_with(Method::POST, "/api/v1/institutions", Some(&app.root), Some(body.clone()), &key),
        app.call_with(Method::POST, "/api/v1/institutions", Some(&app.root), Some(body.clone()), &key),
    );
    assert_eq!((a.status, b.status), (201, 201), "{} / {}", a.text, b.text);
    assert_eq!(a.body["id"], b.body["id"]);
    let list = app.get("/api/v1/institutions?limit=10", &app.root).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);

    // Keys belong to their user: another admin's same key is a new request.
    let (_, other_root) = app.user("system_admin", None).await;
    let body = json!({"code": "OTHER", "name": "Khác", "tier": "commune_center"});
    let r = app.call_with(Method::POST, "/api/v1/institutions", Some(&other_root), Some(body), &key).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_ne!(r.body["id"], a.body["id"]);
}

db_test!(if_match_guards_updates);
async fn if_match_guards_updates(app: TestApp) {
    let id = app.institution("IFM", "provincial_school", None).await;
    let path = format!("/api/v1/institutions/{id}");
    let r = app
        .call_with(Method::PATCH, &path, Some(&app.root), Some(json!({"name": "Tên mới"})), &[("if-match", "\"1\"")])
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("etag").as_deref(), Some("\"2\""));
    // A client still holding version 1 is told the resource changed, and nothing is written.
    let stale = app
        .call_with(Method::PATCH, &path, Some(&app.root), Some(json!({"name": "Cũ"})), &[("if-match", "\"1\"")])
        .await;
    stale.assert_problem(412, "precondition-failed");
    assert_eq!(app.get(&path, &app.root).await.body["name"], "Tên mới");
    // A well-formed tag this service never gave matches nothing: a failed precondition too
    // (RFC 9110 §13.1.1); only a malformed header is a bad request. A list matches if any does.
    for (tag, status) in [("\"stale-1\"", 412), ("\"1\", \"9\"", 412), ("stale-1", 400), ("\"9\", \"2\"", 200)] {
        let r = app
            .call_with(Method::PATCH, &path, Some(&app.root), Some(json!({"name": "Tên mới"})), &[("if-match", tag)])
            .await;
        assert_eq!(r.status, status, "If-Match {tag}: {}", r.text);
    }
    assert_eq!(app.get(&path, &app.root).await.body["version"], 3);

    // Two concurrent updates from version 3: exactly one wins.
    let (a, b) = futures_util::join!(
        app.call_with(Method::PATCH, &path, Some(&app.root), Some(json!({"name": "A"})), &[("if-match", "W/\"3\"")]),
        app.call_with(Method::PATCH, &path, Some(&app.root), Some(json!({"name": "B"})), &[("if-match", "\"3\"")]),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 412], "{} / {}", a.text, b.text);
    assert_eq!(app.get(&path, &app.root).await.body["version"], 4);
}

db_test!(pages_never_skip_or_repeat);
async fn pages_never_skip_or_repeat(app: TestApp) {
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(app.institution(&format!("PG{i}"), "commune_center", None).await);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/institutions?limit=3&cursor={c}"),
            None => "/api/v1/institutions?limit=3".to_string(),
        };
        let r = app.get(&path, &app.root).await;
        assert_eq!(r.status, 200, "{}", r.text);
        seen.extend(r.body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()));
        pages += 1;
        if pages == 1 {
            // Rows added while a client pages appear once, at the end.
            for i in 7..9 {
                created.push(app.institution(&format!("PG{i}"), "commune_center", None).await);
            }
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, created);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len());

    // updated_since returns only what changed since then.
    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let r = app.patch(&format!("/api/v1/institutions/{}", created[2]), &app.root, json!({"name": "Đã đổi"})).await;
    assert_eq!(r.status, 200);
    let r = app.get(&format!("/api/v1/institutions?updated_since={since}"), &app.root).await;
    let ids: Vec<&str> = r.body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![created[2].as_str()]);
}

db_test!(problems_speak_vietnamese_unless_english_is_asked_for);
async fn problems_speak_vietnamese_unless_english_is_asked_for(app: TestApp) {
    let vi = app.call(Method::GET, "/api/v1/no-such-thing", Some(&app.root), None).await;
    assert_eq!(
        (vi.status, vi.body["title"].as_str(), vi.body["detail"].as_str()),
        (404, Some("Không tìm thấy"), Some("Không có đường dẫn này."))
    );
    let en = app
        .call_with(
            Method::GET,
            "/api/v1/no-such-thing",
            Some(&app.root),
            None,
            &[("accept-language", "en-GB,en;q=0.9")],
        )
        .await;
    assert_eq!((en.body["title"].as_str(), en.body["detail"].as_str()), (Some("Not found"), Some("No such route.")));
    assert_eq!(vi.body["type"], en.body["type"]);
    // A validation problem: the same fields, in either language.
    let body = json!({"code": "", "name": "", "tier": "provincial_school"});
    let vi = app.call(Method::POST, "/api/v1/institutions", Some(&app.root), Some(body.clone())).await;
    let en = app
        .call_with(Method::POST, "/api/v1/institutions", Some(&app.root), Some(body), &[("accept-language", "en")])
        .await;
    assert_eq!((vi.status, vi.body["title"].as_str()), (400, Some("Dữ liệu không hợp lệ")));
    assert_eq!((en.status, en.body["title"].as_str()), (400, Some("Validation failed")));
    assert_eq!(vi.error_fields(), en.error_fields());
    assert!(vi.body["detail"].as_str().unwrap().ends_with("trường dữ liệu không hợp lệ."), "{}", vi.text);
    // Field messages too: Vietnamese by default, English when asked.
    let messages = |r: &crate::support::Resp| -> Vec<String> {
        r.body["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap().to_string()).collect()
    };
    assert!(messages(&vi).iter().all(|m| m.starts_with("phải có từ 1 đến")), "{}", vi.text);
    assert!(messages(&en).iter().all(|m| m.starts_with("must be 1 to")), "{}", en.text);
    let r = app
        .post("/api/v1/users", &app.root, json!({"email": "x", "password": "123", "full_name": "", "role": "learner"}))
        .await;
    let vi_messages = messages(&r);
    assert!(vi_messages.contains(&"không phải là địa chỉ thư điện tử".to_string()), "{}", r.text);
    assert!(vi_messages.iter().any(|m| m.starts_with("phải có ít nhất")), "{}", r.text);
    // Signing in with a wrong password, in Vietnamese.
    let r = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "nobody@llct.test", "password": "không đúng mật khẩu"})),
        )
        .await;
    assert_eq!(r.body["detail"], "Sai thư điện tử hoặc mật khẩu.");
}
