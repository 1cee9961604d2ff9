use actix_web::http::Method;
use serde_json::json;

use crate::db_test;
use crate::support::{TestApp, PASSWORD};

db_test!(every_write_is_audited_in_its_transaction);
async fn every_write_is_audited_in_its_transaction(app: TestApp) {
    let a = app.institution("A", "provincial_school", None).await;
    let b = app.institution("B", "provincial_school", None).await;
    let r = app.patch(&format!("/api/v1/institutions/{a}"), &app.root, json!({"short_name": "TCT A"})).await;
    assert_eq!(r.status, 200);
    // A refused write leaves no trace: its transaction rolled back.
    let r = app
        .post("/api/v1/institutions", &app.root, json!({"code": "A", "name": "Trùng mã", "tier": "provincial_school"}))
        .await;
    assert_eq!(r.status, 409);
    let (admin_a_id, admin_a) = app.user("institution_admin", Some(&a)).await;
    app.patch(&format!("/api/v1/institutions/{a}"), &admin_a, json!({"address": "Phủ Lý"})).await;

    let trail = app.get(&format!("/api/v1/audit?resource_type=institutions&resource_id={a}"), &app.root).await;
    assert_eq!(trail.status, 200, "{}", trail.text);
    let items = trail.body["items"].as_array().unwrap();
    let methods: Vec<&str> = items.iter().map(|i| i["method"].as_str().unwrap()).collect();
    assert_eq!(methods, vec!["POST", "PATCH", "PATCH"], "{}", trail.text);
    assert_eq!(items[0]["path"], "/api/v1/institutions");
    assert!(items[0]["summary"].as_str().unwrap().contains("Cơ sở A"));
    assert_eq!(items[2]["actor_id"], admin_a_id.as_str());
    assert_eq!(items[2]["actor_role"], "institution_admin");
    assert_eq!(items[2]["institution_id"], a.as_str());
    assert!(items[1]["summary"].as_str().unwrap().contains("TCT A"));

    // Secrets never reach the trail.
    let users = app.get("/api/v1/audit?resource_type=users", &app.root).await;
    assert!(!users.text.contains(PASSWORD), "{}", users.text);
    assert!(users.text.contains("***"));

    // Institution admins see their scope's trail only; learners none. Nothing edits it.
    let (_, admin_b) = app.user("institution_admin", Some(&b)).await;
    app.patch(&format!("/api/v1/institutions/{b}"), &admin_b, json!({"address": "Nam Định"})).await;
    let seen_by_a = app.get("/api/v1/audit", &admin_a).await;
    assert!(
        seen_by_a.body["items"].as_array().unwrap().iter().all(|i| i["institution_id"] == a.as_str()),
        "{}",
        seen_by_a.text
    );
    let (_, learner) = app.user("learner", Some(&a)).await;
    app.get("/api/v1/audit", &learner).await.assert_problem(403, "forbidden");
    for m in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        let r = app.call(m, "/api/v1/audit", Some(&app.root), Some(json!({}))).await;
        assert!(r.status == 404 || r.status == 405, "{}", r.status);
    }
    let csv = app.get("/api/v1/audit?format=csv&resource_type=institutions", &app.root).await;
    assert!(csv.text.starts_with('\u{FEFF}') && csv.text.contains("PATCH"));
}

db_test!(reading_personal_data_is_recorded);
async fn reading_personal_data_is_recorded(app: TestApp) {
    let school = app.institution("A", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let (uid, own) = app.user("learner", Some(&school)).await;
    let learner = app
        .post(
            "/api/v1/learners",
            &admin,
            json!({"full_name": "Nguyễn Thị Ánh", "date_of_birth": "1985-04-12", "gender": "female",
            "education_level": "university", "institution_id": school, "user_id": uid}),
        )
        .await
        .id();
    async fn reads(app: &TestApp) -> Vec<serde_json::Value> {
        let all = app.get("/api/v1/audit?resource_type=learners&limit=500", &app.root).await;
        all.body["items"].as_array().unwrap().iter().filter(|r| r["method"] == "GET").cloned().collect()
    }
    // A plain list carries no personal data and is not recorded; asking for it is.
    assert_eq!(app.get("/api/v1/learners", &admin).await.status, 200);
    assert_eq!(reads(&app).await.len(), 0);
    assert_eq!(app.get("/api/v1/learners?include_personal=true", &admin).await.status, 200);
    let rows = reads(&app).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0]["summary"].as_str().unwrap().contains("include_personal=true"), "{rows:?}");
    // An administrator reading the whole record is recorded; the person reading their own is not.
    assert_eq!(app.get(&format!("/api/v1/learners/{learner}/personal-data"), &own).await.status, 200);
    assert_eq!(reads(&app).await.len(), 1);
    assert_eq!(app.get(&format!("/api/v1/learners/{learner}/personal-data"), &admin).await.status, 200);
    let rows = reads(&app).await;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().any(|r| r["resource_id"] == learner.as_str()), "{rows:?}");
}
