use actix_web::http::Method;
use serde_json::{json, Value};

use crate::db_test;
use crate::support::TestApp;

fn ids(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_string()).collect()
}

db_test!(catalogue_copy_adjust_publish_freeze);
async fn catalogue_copy_adjust_publish_freeze(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;

    let first = app.call(Method::POST, "/api/v1/programs/catalogue", Some(&app.root), None).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["created"].as_array().unwrap().len(), 4);
    let again = app.call(Method::POST, "/api/v1/programs/catalogue", Some(&app.root), None).await;
    assert_eq!(again.body["created"].as_array().unwrap().len(), 0);
    assert_eq!(again.body["existing"], first.body["created"]);

    let list = app.get("/api/v1/programs?level=intermediate&national=true", &admin).await;
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let national = &items[0];
    assert_eq!(national["status"], "published");
    assert_eq!(national["credential"], "diploma");
    assert!(national["rules"]["field_study_required"].as_bool().unwrap());
    assert_eq!(national["rules"]["graduation_subjects"].as_array().unwrap().len(), 3);
    let total: i64 = national["total_hours"].as_i64().unwrap();
    let nid = national["id"].as_str().unwrap();

    // Accents are optional in search.
    let found = app.get("/api/v1/programs?q=trung%20cap%20ly%20luan", &admin).await;
    assert_eq!(ids(&found.body["items"]), vec![nid.to_string()]);

    // The school's own edition, copied from the national program.
    let copy = app.post(&format!("/api/v1/programs/{nid}/versions"), &admin, json!({"edition": "2026-TCT"})).await;
    assert_eq!(copy.status, 201, "{}", copy.text);
    let cid = copy.id();
    assert_eq!(copy.body["owner_institution_id"], school.as_str());
    assert_eq!(copy.body["previous_id"], nid);
    assert_eq!(copy.body["status"], "draft");
    assert_eq!(copy.body["total_hours"].as_i64().unwrap(), total);
    assert_eq!(copy.body["rules"], national["rules"]);

    // Adjust: a stricter attendance rule, one module's hours; other rules stay.
    let r = app
        .patch(&format!("/api/v1/programs/{cid}"), &admin, json!({"rules": {"module_absence_limit_pct": 15.0}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["rules"]["module_absence_limit_pct"], 15.0);
    assert_eq!(r.body["rules"]["pass_mark"], 5.0);
    let modules = app.get(&format!("/api/v1/programs/{cid}/modules"), &admin).await;
    let first_module = modules.body[0]["id"].as_str().unwrap().to_string();
    let r = app.patch(&format!("/api/v1/modules/{first_module}"), &admin, json!({"hours": 70})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let national_modules = app.get(&format!("/api/v1/programs/{nid}/modules"), &admin).await;
    assert_ne!(national_modules.body[0]["hours"], 70, "the national program is untouched");

    let r = app.post(&format!("/api/v1/programs/{cid}/publish"), &admin, json!(null)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "published");
    assert_eq!(r.body["total_hours"].as_i64().unwrap(), total + 70 - 60);

    // Frozen: the program, its modules, new modules, deletions.
    let frozen = |r: crate::support::Resp| {
        r.assert_problem(409, "conflict");
        assert_eq!(r.body["code"], "program_frozen", "{}", r.text);
    };
    frozen(app.patch(&format!("/api/v1/programs/{cid}"), &admin, json!({"title": "Khác"})).await);
    frozen(app.patch(&format!("/api/v1/modules/{first_module}"), &admin, json!({"hours": 1})).await);
    frozen(
        app.post(&format!("/api/v1/programs/{cid}/modules"), &admin, json!({"code": "X", "title": "X", "hours": 1}))
            .await,
    );
    frozen(app.call(Method::DELETE, &format!("/api/v1/modules/{first_module}"), Some(&admin), None).await);
    frozen(app.patch(&format!("/api/v1/programs/{nid}"), &app.root, json!({"title": "Khác"})).await);

    // Retiring keeps it readable; retiring twice is refused.
    let r = app.post(&format!("/api/v1/programs/{cid}/retire"), &admin, json!(null)).await;
    assert_eq!(r.body["status"], "retired");
    let r = app.post(&format!("/api/v1/programs/{cid}/retire"), &admin, json!(null)).await;
    r.assert_problem(422, "refused");
    assert_eq!(app.get(&format!("/api/v1/programs/{cid}"), &admin).await.body["status"], "retired");

    let mine = app.get(&format!("/api/v1/programs?owner_institution_id={school}&status=retired"), &admin).await;
    assert_eq!(ids(&mine.body["items"]), vec![cid.clone()]);

    // Exports: CSV with a byte-order mark and Vietnamese intact; XLSX is a zip package.
    let csv = app.get("/api/v1/programs?format=csv&national=true", &admin).await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(csv.text.starts_with('\u{FEFF}'));
    assert!(csv.text.contains("Trung cấp lý luận chính trị"));
    assert_eq!(csv.text.lines().count(), 5);
    let xlsx = app.call(Method::GET, "/api/v1/programs?format=xlsx", Some(&admin), None).await;
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.header("content-disposition").unwrap().contains("programs.xlsx"));
}

db_test!(rules_are_validated_with_every_problem);
async fn rules_are_validated_with_every_problem(app: TestApp) {
    let r = app
        .post(
            "/api/v1/programs",
            &app.root,
            json!({"title": "", "level": "elementary", "edition": "2026",
                   "rules": {"module_absence_limit_pct": 150, "pass_mark": 5.55, "appeal_window_days": 0,
                             "classification_bands": [{"min": 7, "label": "kha", "name": "Khá"}, {"min": 8, "label": "gioi", "name": "Giỏi"}]}}),
        )
        .await;
    r.assert_problem(400, "validation");
    let mut fields = r.error_fields();
    fields.sort();
    fields.dedup();
    assert_eq!(
        fields,
        vec![
            "code",
            "rules.appeal_window_days",
            "rules.classification_bands",
            "rules.module_absence_limit_pct",
            "rules.pass_mark",
            "title"
        ],
        "{}",
        r.text
    );
    let r = app
        .post(
            "/api/v1/programs",
            &app.root,
            json!({"code": "X", "title": "X", "level": "elementary", "edition": "1", "rules": {"colour": "red"}}),
        )
        .await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["rules"]);

    // Level defaults: refresher → certificate and a final report; intermediate → diploma and field study.
    let r = app
        .post(
            "/api/v1/programs",
            &app.root,
            json!({"code": "NQ", "title": "Học tập nghị quyết", "level": "refresher", "edition": "2026"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["credential"], "certificate");
    assert_eq!(r.body["rules"]["graduation_essay"], true);
    let dup = app
        .post(
            "/api/v1/programs",
            &app.root,
            json!({"code": "NQ", "title": "Khác", "level": "refresher", "edition": "2026"}),
        )
        .await;
    dup.assert_problem(409, "conflict");

    // Publishing an empty intermediate draft lists every reason.
    let r = app
        .post(
            "/api/v1/programs",
            &app.root,
            json!({"code": "TC", "title": "Trung cấp", "level": "intermediate", "edition": "2026"}),
        )
        .await;
    let id = r.id();
    let r = app.post(&format!("/api/v1/programs/{id}/publish"), &app.root, json!(null)).await;
    r.assert_problem(422, "refused");
    let codes: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["no_modules", "no_graduation"]);
}

db_test!(module_positions_stay_gapless);
async fn module_positions_stay_gapless(app: TestApp) {
    let r = app
        .post(
            "/api/v1/programs",
            &app.root,
            json!({"code": "SC", "title": "Sơ cấp", "level": "elementary", "edition": "2026"}),
        )
        .await;
    let pid = r.id();
    let add = |code: &'static str, pos: Option<i32>| {
        let app = &app;
        let pid = pid.clone();
        async move {
            let mut body = json!({"code": code, "title": format!("Bài {code}"), "hours": 8});
            if let Some(p) = pos {
                body["position"] = json!(p);
            }
            let r = app.post(&format!("/api/v1/programs/{pid}/modules"), &app.root, body).await;
            assert_eq!(r.status, 201, "{}", r.text);
            r.id()
        }
    };
    let a = add("A", None).await;
    let b = add("B", None).await;
    let c = add("C", None).await;
    let z = add("Z", Some(1)).await;
    let order = |_: &TestApp| {
        let app = &app;
        let pid = pid.clone();
        async move {
            let r = app.get(&format!("/api/v1/programs/{pid}/modules"), &app.root).await;
            let v = r.body.as_array().unwrap().clone();
            let positions: Vec<i64> = v.iter().map(|m| m["position"].as_i64().unwrap()).collect();
            assert_eq!(positions, (1..=v.len() as i64).collect::<Vec<_>>());
            v.iter().map(|m| m["id"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(order(&app).await, vec![z.clone(), a.clone(), b.clone(), c.clone()]);
    let r = app.patch(&format!("/api/v1/modules/{z}"), &app.root, json!({"position": 3})).await;
    assert_eq!(r.body["position"], 3, "{}", r.text);
    assert_eq!(order(&app).await, vec![a.clone(), b.clone(), z.clone(), c.clone()]);
    let r = app.call(Method::DELETE, &format!("/api/v1/modules/{b}"), Some(&app.root), None).await;
    assert_eq!(r.status, 204);
    assert_eq!(order(&app).await, vec![a.clone(), z.clone(), c.clone()]);
    app.get(&format!("/api/v1/modules/{b}"), &app.root).await.assert_problem(404, "not-found");

    let r = app
        .post(&format!("/api/v1/programs/{pid}/modules"), &app.root, json!({"code": "A", "title": "Trùng", "hours": 1}))
        .await;
    r.assert_problem(409, "conflict");
    let r = app.post(&format!("/api/v1/programs/{pid}/modules"), &app.root, json!({"hours": -1, "position": 0})).await;
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(f, vec!["code", "hours", "position", "title"], "{}", r.text);
    let total = app.get(&format!("/api/v1/programs/{pid}"), &app.root).await;
    assert_eq!(total.body["total_hours"], 24);
    assert_eq!(total.body["module_count"], 3);
}

db_test!(owners_and_roles);
async fn owners_and_roles(app: TestApp) {
    let a = app.institution("A", "provincial_school", None).await;
    let b = app.institution("B", "provincial_school", None).await;
    let (_, admin_a) = app.user("institution_admin", Some(&a)).await;
    let (_, learner) = app.user("learner", Some(&a)).await;
    let national = app
        .post(
            "/api/v1/programs",
            &app.root,
            json!({"code": "N", "title": "Quốc gia", "level": "refresher", "edition": "1"}),
        )
        .await
        .id();
    let of_b = app
        .post(
            "/api/v1/programs",
            &app.root,
            json!({"code": "B", "title": "Của B", "level": "refresher", "edition": "1", "owner_institution_id": b}),
        )
        .await
        .id();
    // An institution admin's program defaults to their institution; national ones are not theirs to edit.
    let mine = app
        .post(
            "/api/v1/programs",
            &admin_a,
            json!({"code": "A", "title": "Của A", "level": "refresher", "edition": "1"}),
        )
        .await;
    assert_eq!(mine.body["owner_institution_id"], a.as_str());
    app.patch(&format!("/api/v1/programs/{national}"), &admin_a, json!({"title": "x"}))
        .await
        .assert_problem(403, "forbidden");
    app.patch(&format!("/api/v1/programs/{of_b}"), &admin_a, json!({"title": "x"}))
        .await
        .assert_problem(403, "forbidden");
    // Learners read programs but change nothing.
    assert_eq!(app.get(&format!("/api/v1/programs/{national}"), &learner).await.status, 200);
    app.post("/api/v1/programs", &learner, json!({"code": "L", "title": "L", "level": "refresher", "edition": "1"}))
        .await
        .assert_problem(403, "forbidden");
}

db_test!(tier_levels_setting);
async fn tier_levels_setting(app: TestApp) {
    let r = app.get("/api/v1/settings/tier-levels", &app.root).await;
    let pairs: Vec<(String, String)> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["tier"].as_str().unwrap().to_string(), p["level"].as_str().unwrap().to_string()))
        .collect();
    let has = |t: &str, l: &str| pairs.iter().any(|(a, b)| a == t && b == l);
    assert!(has("district_center", "elementary") && has("commune_center", "elementary"));
    assert!(has("provincial_school", "intermediate") && !has("district_center", "intermediate"));
    assert!(has("party_committee", "refresher") && !has("party_committee", "elementary"));

    let allowed = |tier: &'static str, level| {
        let db = app.state.db.clone();
        async move { db.read(move |c| Ok(llct::programs::store::tier_may_run(c, tier, level)?)).await.unwrap() }
    };
    use llct::programs::model::Level;
    assert!(!allowed("district_center", Level::Intermediate).await);
    assert!(allowed("provincial_school", Level::Intermediate).await);

    let r = app
        .call(
            Method::PUT,
            "/api/v1/settings/tier-levels",
            Some(&app.root),
            Some(json!([{"tier": "district_center", "level": "intermediate"}, {"tier": "mars", "level": "refresher"}])),
        )
        .await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["[1].tier"]);
    let r = app.call(Method::PUT, "/api/v1/settings/tier-levels", Some(&app.root),
        Some(json!([{"tier": "district_center", "level": "intermediate"}, {"tier": "provincial_school", "level": "intermediate"}]))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(allowed("district_center", Level::Intermediate).await);
    assert!(!allowed("provincial_school", Level::Elementary).await);
}
