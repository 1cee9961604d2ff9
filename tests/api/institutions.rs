use serde_json::json;

use crate::db_test;
use crate::support::TestApp;

db_test!(create_read_update);
async fn create_read_update(app: TestApp) {
    let r = app
        .post(
            "/api/v1/institutions",
            &app.root,
            json!({"code": "TCT-HNA", "name": "  Trường Chính trị tỉnh  Hà Nam ", "tier": "provincial_school",
                   "province": "Hà Nam", "email": "VanPhong@TCT.vn"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    assert_eq!(r.header("location").unwrap(), format!("/api/v1/institutions/{id}"));
    assert_eq!(r.header("etag").unwrap(), "\"1\"");
    assert_eq!(r.body["name"], "Trường Chính trị tỉnh Hà Nam");
    assert_eq!(r.body["email"], "vanphong@tct.vn");
    assert_eq!(r.body["version"], 1);

    let got = app.get(&format!("/api/v1/institutions/{id}"), &app.root).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, r.body);

    let up = app
        .patch(&format!("/api/v1/institutions/{id}"), &app.root, json!({"short_name": "TCT Hà Nam", "email": null}))
        .await;
    assert_eq!(up.status, 200, "{}", up.text);
    assert_eq!(up.body["short_name"], "TCT Hà Nam");
    assert!(up.body["email"].is_null());
    assert_eq!(up.body["province"], "Hà Nam");
    assert_eq!(up.body["version"], 2);
    assert_eq!(up.header("etag").unwrap(), "\"2\"");

    let tiers = app.get("/api/v1/institutions/tiers", &app.root).await;
    let codes: Vec<&str> = tiers.body.as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"commune_center") && codes.contains(&"district_center"), "{codes:?}");
}

db_test!(validation_lists_every_problem);
async fn validation_lists_every_problem(app: TestApp) {
    let r = app
        .post(
            "/api/v1/institutions",
            &app.root,
            json!({"code": "có dấu!", "tier": "moon_base", "email": "nope", "phone": "call me"}),
        )
        .await;
    r.assert_problem(400, "validation");
    let mut fields = r.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["code", "email", "name", "phone", "tier"], "{}", r.text);

    let long = "x".repeat(201);
    let r = app.post("/api/v1/institutions", &app.root, json!({"code": "A", "name": long, "tier": "academy"})).await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["name"]);

    app.institution("DUP", "academy", None).await;
    let r =
        app.post("/api/v1/institutions", &app.root, json!({"code": "DUP", "name": "Khác", "tier": "academy"})).await;
    r.assert_problem(409, "conflict");
    assert_eq!(r.body["code"], "duplicate_code");
}

db_test!(tree_moves_and_refuses_cycles);
async fn tree_moves_and_refuses_cycles(app: TestApp) {
    let province = app.institution("P", "provincial_school", None).await;
    let district = app.institution("D", "district_center", Some(&province)).await;
    let commune = app.institution("C", "commune_center", Some(&district)).await;
    let other = app.institution("O", "provincial_school", None).await;

    // Under its own descendant: refused.
    let r = app.patch(&format!("/api/v1/institutions/{province}"), &app.root, json!({"parent_id": commune})).await;
    r.assert_problem(422, "refused");
    assert_eq!(r.body["errors"][0]["code"], "tree_cycle");
    let r = app.patch(&format!("/api/v1/institutions/{district}"), &app.root, json!({"parent_id": district})).await;
    r.assert_problem(422, "refused");

    // Move the district (with its commune) under the other province; scope follows the move.
    let r = app.patch(&format!("/api/v1/institutions/{district}"), &app.root, json!({"parent_id": other})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (_, other_admin) = app.user("institution_admin", Some(&other)).await;
    assert_eq!(app.get(&format!("/api/v1/institutions/{commune}"), &other_admin).await.status, 200);
    let (_, province_admin) = app.user("institution_admin", Some(&province)).await;
    app.get(&format!("/api/v1/institutions/{commune}"), &province_admin).await.assert_problem(404, "not-found");

    let children = app.get(&format!("/api/v1/institutions?parent_id={other}"), &app.root).await;
    assert_eq!(children.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(children.body["items"][0]["id"], district.as_str());
}

db_test!(institution_admins_stay_in_scope);
async fn institution_admins_stay_in_scope(app: TestApp) {
    let a = app.institution("A", "provincial_school", None).await;
    let a_child = app.institution("A1", "commune_center", Some(&a)).await;
    let b = app.institution("B", "provincial_school", None).await;
    let (_, admin_a) = app.user("institution_admin", Some(&a)).await;

    let list = app.get("/api/v1/institutions", &admin_a).await;
    let mut ids: Vec<&str> = list.body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    ids.sort();
    let mut want = vec![a.as_str(), a_child.as_str()];
    want.sort();
    assert_eq!(ids, want);

    app.get(&format!("/api/v1/institutions/{b}"), &admin_a).await.assert_problem(404, "not-found");
    app.patch(&format!("/api/v1/institutions/{b}"), &admin_a, json!({"name": "Chiếm quyền"}))
        .await
        .assert_problem(404, "not-found");

    // A child under its own institution: allowed. A root, or a child elsewhere: refused.
    let r = app
        .post(
            "/api/v1/institutions",
            &admin_a,
            json!({"code": "A2", "name": "Trung tâm A2", "tier": "commune_center", "parent_id": a}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app.post("/api/v1/institutions", &admin_a, json!({"code": "R", "name": "Gốc", "tier": "academy"})).await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["parent_id"]);
    let r = app
        .post(
            "/api/v1/institutions",
            &admin_a,
            json!({"code": "B2", "name": "B2", "tier": "commune_center", "parent_id": b}),
        )
        .await;
    r.assert_problem(400, "validation");
    // Nor may it move its child out of its scope.
    let r = app.patch(&format!("/api/v1/institutions/{a_child}"), &admin_a, json!({"parent_id": b})).await;
    r.assert_problem(400, "validation");
}
