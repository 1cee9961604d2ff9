use actix_web::http::Method;
use serde_json::{json, Value};

use crate::db_test;
use crate::support::TestApp;

/// A provincial school with the national catalogue loaded, an admin, and helpers to make the
/// people of a class.
pub struct School {
    pub school: String,
    pub admin: String,
    /// The published national intermediate program (TC-LLCT).
    pub intermediate: String,
    pub elementary: String,
}

pub async fn school(app: &TestApp) -> School {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let cat = app.call(Method::POST, "/api/v1/programs/catalogue", Some(&app.root), None).await;
    assert_eq!(cat.status, 200, "{}", cat.text);
    let find = |code: &'static str| async move {
        let r = app.get("/api/v1/programs?national=true&limit=50", &app.root).await;
        r.body["items"].as_array().unwrap().iter().find(|p| p["code"] == code).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    School { intermediate: find("TC-LLCT").await, elementary: find("SC-LLCT").await, school, admin }
}

/// A learner who meets every intermediate rule for a class starting in 2026.
pub fn eligible(name: &str, dob: &str, institution: &str) -> Value {
    json!({"full_name": name, "date_of_birth": dob, "gender": "male", "education_level": "university", "institution_id": institution,
           "party_status": "full", "party_admission_date": "2010-05-10", "party_official_date": "2011-05-10",
           "prior_llct_level": "elementary", "performance_ratings": [{"year": 2025, "grade": "good"}, {"year": 2024, "grade": "excellent"}]})
}

pub async fn learner(app: &TestApp, token: &str, body: Value) -> String {
    let r = app.post("/api/v1/learners", token, body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.id()
}

pub async fn class(app: &TestApp, s: &School, code: &str, starts: &str, ends: &str, capacity: i32) -> String {
    let r = app
        .post(
            "/api/v1/cohorts",
            &s.admin,
            json!({"program_id": s.intermediate, "code": code, "mode": "in_service",
            "starts_on": starts, "ends_on": ends, "capacity": capacity, "location": "Hội trường A"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.id()
}

pub fn codes(r: &crate::support::Resp) -> Vec<String> {
    r.body["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["code"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

db_test!(opening_classes_follows_program_and_tier_rules);
async fn opening_classes_follows_program_and_tier_rules(app: TestApp) {
    let s = school(&app).await;
    let district = app.institution("TTH", "district_center", Some(&s.school)).await;
    let (_, district_admin) = app.user("institution_admin", Some(&district)).await;
    let body = |program: &str, code: &str, inst: Option<&str>| json!({"program_id": program, "code": code, "mode": "full_time", "starts_on": "2026-03-02", "ends_on": "2026-09-30", "capacity": 70, "institution_id": inst});
    // A district centre may not run intermediate classes; the provincial school may.
    let r = app.post("/api/v1/cohorts", &district_admin, body(&s.intermediate, "TC-01", None)).await;
    r.assert_problem(422, "refused");
    assert_eq!(codes(&r), vec!["tier_level_not_allowed"]);
    let r = app.post("/api/v1/cohorts", &district_admin, body(&s.elementary, "SC-01", None)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app.post("/api/v1/cohorts", &s.admin, body(&s.intermediate, "TC-01", None)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (r.body["status"].as_str(), r.body["level"].as_str(), r.body["regulation"].as_str()),
        (Some("planned"), Some("intermediate"), Some("qd350-2025"))
    );
    app.post("/api/v1/cohorts", &s.admin, body(&s.intermediate, "TC-01", None)).await.assert_problem(409, "conflict");

    // Draft and retired programs cannot be used.
    let copy = app
        .post(&format!("/api/v1/programs/{}/versions", s.intermediate), &s.admin, json!({"edition": "2026"}))
        .await
        .id();
    let r = app.post("/api/v1/cohorts", &s.admin, body(&copy, "TC-02", None)).await;
    assert_eq!(codes(&r), vec!["program_not_published"]);
    assert_eq!(app.post(&format!("/api/v1/programs/{copy}/publish"), &s.admin, json!(null)).await.status, 200);
    assert_eq!(app.post(&format!("/api/v1/programs/{copy}/retire"), &s.admin, json!(null)).await.status, 200);
    let r = app.post("/api/v1/cohorts", &s.admin, body(&copy, "TC-02", None)).await;
    assert_eq!(codes(&r), vec!["program_retired"]);

    // Every missing field at once; dates in order.
    let r = app.post("/api/v1/cohorts", &s.admin, json!({"capacity": 0})).await;
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(f, vec!["code", "ends_on", "mode", "program_id", "starts_on"]);
    let r = app.post("/api/v1/cohorts", &s.admin, json!({"program_id": s.intermediate, "code": "X", "mode": "full_time", "starts_on": "2026-05-01", "ends_on": "2026-04-01", "capacity": 0})).await;
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(f, vec!["capacity", "ends_on"], "{}", r.text);
}

db_test!(lifecycle_transitions);
async fn lifecycle_transitions(app: TestApp) {
    let s = school(&app).await;
    let id = class(&app, &s, "TC-10", "2026-03-02", "2026-09-30", 70).await;
    let go = |action: &'static str, body: Value| {
        let (app, id, admin) = (&app, id.clone(), s.admin.clone());
        async move { app.post(&format!("/api/v1/cohorts/{id}/{action}"), &admin, body).await }
    };
    go("close", json!(null)).await.assert_problem(409, "conflict");
    assert_eq!(go("open", json!(null)).await.body["status"], "enrolling");
    go("open", json!(null)).await.assert_problem(409, "conflict");
    assert_eq!(go("start", json!(null)).await.body["status"], "in_progress");
    go("cancel", json!({})).await.assert_problem(400, "validation");
    let r = go("cancel", json!({"reason": "Không đủ học viên"})).await;
    assert_eq!(
        (r.body["status"].as_str(), r.body["cancel_reason"].as_str()),
        (Some("cancelled"), Some("Không đủ học viên"))
    );
    let r = go("start", json!(null)).await;
    r.assert_problem(409, "conflict");
    assert_eq!(r.body["code"], "invalid_transition");
    app.patch(&format!("/api/v1/cohorts/{id}"), &s.admin, json!({"capacity": 80}))
        .await
        .assert_problem(409, "conflict");

    let other = class(&app, &s, "TC-11", "2026-03-02", "2026-09-30", 70).await;
    let r = app
        .call_with(
            Method::POST,
            &format!("/api/v1/cohorts/{other}/start"),
            Some(&s.admin),
            None,
            &[("if-match", "\"7\"")],
        )
        .await;
    r.assert_problem(412, "precondition-failed");
    assert_eq!(app.post(&format!("/api/v1/cohorts/{other}/start"), &s.admin, json!(null)).await.status, 200);
    assert_eq!(
        app.post(&format!("/api/v1/cohorts/{other}/close"), &s.admin, json!(null)).await.body["status"],
        "closed"
    );
}

db_test!(enrolment_lists_every_failed_rule);
async fn enrolment_lists_every_failed_rule(app: TestApp) {
    let s = school(&app).await;
    let id = class(&app, &s, "TC-20", "2026-03-02", "2026-09-30", 70).await;
    let good = learner(&app, &s.admin, eligible("Nguyễn Văn An", "1985-01-10", &s.school)).await;
    let mut weak = eligible("Trần Thị Bình", "2000-02-02", &s.school);
    weak["gender"] = json!("female");
    weak["education_level"] = json!("upper_secondary");
    weak["prior_llct_level"] = json!("none");
    weak["performance_ratings"] = json!([{"year": 2025, "grade": "completed"}]);
    let weak = learner(&app, &s.admin, weak).await;

    // The explanation, without enrolling.
    let e = app.get(&format!("/api/v1/learners/{weak}/eligibility?cohort_id={id}"), &s.admin).await;
    assert_eq!(e.body["eligible"], false);
    let expected =
        vec!["education", "performance_rating", "performance_rating", "prerequisite_level", "in_service_age"];
    assert_eq!(
        e.body["refusals"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect::<Vec<_>>(),
        expected
    );
    // Each refusal says its figures and reads in the caller's language.
    let refusals = e.body["refusals"].as_array().unwrap();
    assert_eq!(refusals[1]["params"]["year"], 2025, "{}", e.text);
    let age = &refusals[4]["params"];
    assert!(age["age"].is_number() && age["women"].is_number() && age["men"].is_number(), "{}", e.text);
    assert_eq!(refusals[3]["message"], "Trung cấp cần có trình độ sơ cấp trước.", "{}", e.text);
    let en = app
        .call_with(
            actix_web::http::Method::GET,
            &format!("/api/v1/learners/{weak}/eligibility?cohort_id={id}"),
            Some(&s.admin),
            None,
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(en.body["refusals"][3]["message"], "Intermediate needs the elementary level first.", "{}", en.text);
    let e = app
        .get(
            &format!(
                "/api/v1/learners/{good}/eligibility?program_id={}&mode=in_service&starts_on=2026-03-02",
                s.intermediate
            ),
            &s.admin,
        )
        .await;
    assert_eq!(e.body["eligible"], true, "{}", e.text);

    // A body naming nobody is refused, as the document says (learner_id or a non-empty learners).
    for nobody in [json!({}), json!({"learners": []})] {
        let r = app.post(&format!("/api/v1/cohorts/{id}/enrollments"), &s.admin, nobody).await;
        r.assert_problem(400, "validation");
        assert_eq!(r.error_fields(), vec!["learners"], "{}", r.text);
    }
    // Bulk: all or nothing, each refusal named by the learner's position.
    let r = app
        .post(
            &format!("/api/v1/cohorts/{id}/enrollments"),
            &s.admin,
            json!({"learners": [{"learner_id": good}, {"learner_id": weak}]}),
        )
        .await;
    r.assert_problem(422, "refused");
    assert_eq!(codes(&r), expected);
    assert!(r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["field"] == "learners[1]" && e["message"].as_str().unwrap().starts_with("Trần Thị Bình")));
    assert_eq!(app.get(&format!("/api/v1/cohorts/{id}"), &s.admin).await.body["enrolled_count"], 0);

    // An override needs a reason and is recorded; every failed rule must be overridden.
    let overrides = json!([{"rule": "education", "reason": "Cán bộ người dân tộc thiểu số, theo quyết định của Ban Thường vụ"},
        {"rule": "performance_rating", "reason": "Mới chuyển công tác"}, {"rule": "prerequisite_level", "reason": "Đã học tương đương"}]);
    let r = app
        .post(
            &format!("/api/v1/cohorts/{id}/enrollments"),
            &s.admin,
            json!({"learners": [{"learner_id": good}, {"learner_id": weak, "overrides": overrides}]}),
        )
        .await;
    assert_eq!(codes(&r), vec!["in_service_age"], "{}", r.text);
    let mut all = overrides.as_array().unwrap().clone();
    all.push(json!({"rule": "in_service_age", "reason": "Đặc cách theo Quy định 350"}));
    let r = app.post(&format!("/api/v1/cohorts/{id}/enrollments"), &s.admin, json!({"learners": [{"learner_id": good}, {"learner_id": weak, "overrides": all}], "enrolled_on": "2026-03-02"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["overrides"].as_array().unwrap().len(), 4);
    assert!(items[1]["overrides"][0]["by"].is_string());
    assert_eq!(app.get(&format!("/api/v1/cohorts/{id}"), &s.admin).await.body["enrolled_count"], 2);
    let again = app.post(&format!("/api/v1/cohorts/{id}/enrollments"), &s.admin, json!({"learner_id": good})).await;
    assert_eq!(codes(&again), vec!["already_enrolled"]);

    // Withdrawal keeps the record and frees the seat; enrolling again reuses the record.
    let list = app.get(&format!("/api/v1/cohorts/{id}/enrollments"), &s.admin).await;
    assert_eq!(
        list.body["items"].as_array().unwrap().iter().map(|e| e["learner_name"].as_str().unwrap()).collect::<Vec<_>>(),
        vec!["Nguyễn Văn An", "Trần Thị Bình"]
    );
    let eid = list.body["items"][0]["id"].as_str().unwrap().to_string();
    app.patch(&format!("/api/v1/enrollments/{eid}"), &s.admin, json!({"status": "withdrawn"}))
        .await
        .assert_problem(400, "validation");
    let w = app
        .patch(
            &format!("/api/v1/enrollments/{eid}"),
            &s.admin,
            json!({"status": "withdrawn", "withdraw_reason": "Chuyển công tác"}),
        )
        .await;
    assert_eq!(
        (w.body["status"].as_str(), w.body["withdraw_reason"].as_str()),
        (Some("withdrawn"), Some("Chuyển công tác"))
    );
    assert_eq!(app.get(&format!("/api/v1/cohorts/{id}"), &s.admin).await.body["enrolled_count"], 1);
    let back = app.post(&format!("/api/v1/cohorts/{id}/enrollments"), &s.admin, json!({"learner_id": good})).await;
    assert_eq!(back.body["items"][0]["id"], eid.as_str(), "{}", back.text);
    let csv = app.get(&format!("/api/v1/cohorts/{id}/enrollments?format=csv"), &s.admin).await;
    assert!(csv.text.contains("1,Nguyễn Văn An") && csv.text.contains("2,Trần Thị Bình"), "{}", csv.text);

    // Another class at the same time: the overlap is a refusal.
    let other = class(&app, &s, "TC-21", "2026-06-01", "2026-12-31", 70).await;
    let r = app.post(&format!("/api/v1/cohorts/{other}/enrollments"), &s.admin, json!({"learner_id": good})).await;
    assert_eq!(codes(&r), vec!["overlapping_class"]);
    assert!(r.text.contains("TC-20"));
}

db_test!(the_last_seat_goes_to_exactly_one);
async fn the_last_seat_goes_to_exactly_one(app: TestApp) {
    let s = school(&app).await;
    let id = class(&app, &s, "TC-30", "2026-03-02", "2026-09-30", 1).await;
    let a = learner(&app, &s.admin, eligible("Lê Văn Cường", "1980-03-03", &s.school)).await;
    let b = learner(&app, &s.admin, eligible("Phạm Văn Dũng", "1981-04-04", &s.school)).await;
    let path = format!("/api/v1/cohorts/{id}/enrollments");
    let (r1, r2) = futures_util::join!(
        app.post(&path, &s.admin, json!({"learner_id": a})),
        app.post(&path, &s.admin, json!({"learner_id": b}))
    );
    let mut statuses = [r1.status, r2.status];
    statuses.sort();
    assert_eq!(statuses, [201, 422], "{} / {}", r1.text, r2.text);
    let loser = if r1.status == 422 { r1 } else { r2 };
    assert_eq!(codes(&loser), vec!["capacity"]);
    let c = app.get(&format!("/api/v1/cohorts/{id}"), &s.admin).await;
    assert_eq!(c.body["enrolled_count"], 1);
    assert_eq!(app.get(&path, &s.admin).await.body["items"].as_array().unwrap().len(), 1);
}

db_test!(who_sees_which_classes);
async fn who_sees_which_classes(app: TestApp) {
    let s = school(&app).await;
    let other = app.institution("KHAC", "provincial_school", None).await;
    let (_, other_admin) = app.user("institution_admin", Some(&other)).await;
    let id = class(&app, &s, "TC-40", "2026-03-02", "2026-09-30", 70).await;
    let (uid, learner_token) = app.user("learner", Some(&s.school)).await;
    let mut body = eligible("Đỗ Thị Hoa", "1984-05-05", &s.school);
    body["user_id"] = json!(uid);
    let me = learner(&app, &s.admin, body).await;
    app.get(&format!("/api/v1/cohorts/{id}"), &other_admin).await.assert_problem(404, "not-found");
    app.get(&format!("/api/v1/cohorts/{id}"), &learner_token).await.assert_problem(404, "not-found");
    assert_eq!(app.get("/api/v1/cohorts", &learner_token).await.body["items"].as_array().unwrap().len(), 0);
    app.post(&format!("/api/v1/cohorts/{id}/enrollments"), &s.admin, json!({"learner_id": me})).await;
    assert_eq!(app.get(&format!("/api/v1/cohorts/{id}"), &learner_token).await.status, 200);
    assert_eq!(app.get("/api/v1/cohorts", &learner_token).await.body["items"].as_array().unwrap().len(), 1);
    app.patch(&format!("/api/v1/cohorts/{id}"), &learner_token, json!({"capacity": 1}))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(app.get("/api/v1/cohorts", &other_admin).await.body["items"].as_array().unwrap().len(), 0);
    // A class held at a local centre is visible to that centre's admin, but only its owner changes it.
    let centre = app.institution("TTX", "commune_center", Some(&other)).await;
    let (_, centre_admin) = app.user("institution_admin", Some(&centre)).await;
    app.patch(&format!("/api/v1/cohorts/{id}"), &s.admin, json!({"venue_institution_id": centre})).await;
    assert_eq!(app.get(&format!("/api/v1/cohorts/{id}"), &centre_admin).await.status, 200);
    app.patch(&format!("/api/v1/cohorts/{id}"), &centre_admin, json!({"capacity": 5}))
        .await
        .assert_problem(403, "forbidden");
}
