use serde_json::json;

use crate::db_test;
use crate::support::{TestApp, PASSWORD};

db_test!(create_and_validate_accounts);
async fn create_and_validate_accounts(app: TestApp) {
    let school = app.institution("S", "provincial_school", None).await;
    let r =
        app.post("/api/v1/users", &app.root, json!({"email": "nope", "password": "short", "role": "learner"})).await;
    r.assert_problem(400, "validation");
    let mut fields = r.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["email", "full_name", "institution_id", "password"], "{}", r.text);

    let r = app
        .post("/api/v1/users", &app.root, json!({"email": "x@llct.test", "password": "password123", "full_name": "A", "role": "system_admin", "institution_id": school}))
        .await;
    let mut fields = r.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["institution_id", "password"], "{}", r.text);

    let body = json!({"email": "Lan.Nguyen@LLCT.test", "password": PASSWORD, "full_name": "Nguyễn Thị Lan",
                      "role": "lecturer", "institution_id": school});
    let r = app.post("/api/v1/users", &app.root, body.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["email"], "lan.nguyen@llct.test");
    assert!(r.body.get("password_hash").is_none() && !r.text.contains("argon2"));
    app.post("/api/v1/users", &app.root, body).await.assert_problem(409, "conflict");
    app.login("lan.nguyen@llct.test", PASSWORD).await;

    let r = app.post("/api/v1/users", &app.root, json!({"email": "a@b.vn", "password": PASSWORD, "full_name": "A", "role": "dean", "institution_id": school})).await;
    r.assert_problem(400, "bad-request");
}

db_test!(institution_admins_manage_only_their_scope);
async fn institution_admins_manage_only_their_scope(app: TestApp) {
    let a = app.institution("A", "provincial_school", None).await;
    let b = app.institution("B", "provincial_school", None).await;
    let (admin_a_id, admin_a) = app.user("institution_admin", Some(&a)).await;
    let (learner_b, _) = app.user("learner", Some(&b)).await;

    // Cannot grant system_admin, nor create accounts elsewhere.
    let r = app
        .post(
            "/api/v1/users",
            &admin_a,
            json!({"email": "s@llct.test", "password": PASSWORD, "full_name": "S", "role": "system_admin"}),
        )
        .await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["role"]);
    let r = app.post("/api/v1/users", &admin_a, json!({"email": "l@llct.test", "password": PASSWORD, "full_name": "L", "role": "learner", "institution_id": b})).await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["institution_id"]);

    // B's learner and the system administrators are invisible to A's admin.
    app.get(&format!("/api/v1/users/{learner_b}"), &admin_a).await.assert_problem(404, "not-found");
    let list = app.get("/api/v1/users", &admin_a).await;
    let ids: Vec<&str> = list.body["items"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![admin_a_id.as_str()]);
    app.patch(&format!("/api/v1/users/{learner_b}"), &admin_a, json!({"full_name": "X"}))
        .await
        .assert_problem(404, "not-found");

    // Nobody raises or moves themselves.
    let r = app.patch(&format!("/api/v1/users/{admin_a_id}"), &admin_a, json!({"role": "system_admin"})).await;
    r.assert_problem(400, "validation");
    let r = app.patch(&format!("/api/v1/users/{admin_a_id}"), &admin_a, json!({"status": "disabled"})).await;
    r.assert_problem(422, "refused");
    assert_eq!(r.body["errors"][0]["code"], "own_account");
    let r = app.patch(&format!("/api/v1/users/{admin_a_id}"), &admin_a, json!({"full_name": "Lê Văn Tám"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Fields that are not there cannot be set.
    let r = app.patch(&format!("/api/v1/users/{admin_a_id}"), &admin_a, json!({"password_hash": "x"})).await;
    r.assert_problem(400, "bad-request");
}

db_test!(oversight_accounts);
async fn oversight_accounts(app: TestApp) {
    let app = &app;
    let a = app.institution("A", "provincial_school", None).await;
    let b = app.institution("B", "provincial_school", None).await;
    let (_, admin_a) = app.user("institution_admin", Some(&a)).await;
    let unit = |inst: &str| {
        let body = json!({"institution_id": inst, "name": "Huyện ủy Tân Lạc", "email": "tochuc@tanlac.vn"});
        async move { app.post("/api/v1/sending-units", &app.root, body).await.id() }
    };
    let (unit_a, unit_b) = (unit(&a).await, unit(&b).await);
    let a = &a;
    let body = |role: &str, unit: Option<&str>| json!({"email": format!("{role}-{}@llct.test", unit.unwrap_or("none")), "password": PASSWORD, "full_name": "Bùi Thị Thu", "role": role, "institution_id": a, "sending_unit_id": unit});
    // A unit officer speaks for one registered unit of the account's institution; no one else has one.
    let r = app.post("/api/v1/users", &admin_a, body("unit_officer", None)).await;
    assert_eq!(r.error_fields(), ["sending_unit_id"], "{}", r.text);
    let r = app.post("/api/v1/users", &admin_a, body("inspector", Some(&unit_a))).await;
    assert_eq!(r.error_fields(), ["sending_unit_id"], "{}", r.text);
    let r = app.post("/api/v1/users", &admin_a, body("unit_officer", Some(&unit_b))).await;
    assert_eq!(r.error_fields(), ["sending_unit_id"], "{}", r.text);
    let r = app.post("/api/v1/users", &admin_a, body("unit_officer", Some(&unit_a))).await;
    assert_eq!((r.status, r.body["sending_unit_id"].as_str()), (201, Some(unit_a.as_str())), "{}", r.text);
    let officer = r.id();
    // Made an inspector, the account loses its unit in the same change or is refused.
    let r = app.patch(&format!("/api/v1/users/{officer}"), &admin_a, json!({"role": "inspector"})).await;
    assert_eq!(r.error_fields(), ["sending_unit_id"], "{}", r.text);
    let r = app
        .patch(&format!("/api/v1/users/{officer}"), &admin_a, json!({"role": "inspector", "sending_unit_id": null}))
        .await;
    assert_eq!((r.status, r.body["role"].as_str()), (200, Some("inspector")), "{}", r.text);
    let r = app.post("/api/v1/users", &admin_a, body("inspector", None)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    // The inspector signs in and reads; writes are refused.
    let token = app.login(r.body["email"].as_str().unwrap(), PASSWORD).await;
    assert_eq!(app.get("/api/v1/me", &token).await.body["role"], "inspector");
    assert_eq!(app.get("/api/v1/users", &token).await.status, 200);
    app.post("/api/v1/users", &token, body("learner", None)).await.assert_problem(403, "forbidden");
}
