//! Eligibility rule sets as data: the built-in regulations, a new one added by a system
//! administrator, classes that keep the set they were opened under.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::cohorts::{eligible, learner, school};
use crate::db_test;
use crate::db_test_raw;
use crate::support::db::TestDb;
use crate::support::TestApp;

fn codes(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().filter_map(|e| e["code"].as_str().map(String::from)).collect()
}

db_test!(a_new_rule_set_changes_new_classes_and_not_old_ones);
async fn a_new_rule_set_changes_new_classes_and_not_old_ones(app: TestApp) {
    let s = school(&app).await;
    let (app, s) = (&app, &s);
    // The two regulations the service ships with, every number a field.
    let sets = app.get("/api/v1/rule-sets", &s.admin).await;
    assert_eq!(sets.status, 200, "{}", sets.text);
    let ages: Vec<(&str, i64)> = sets
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (x["code"].as_str().unwrap(), x["rules"]["intermediate"]["in_service_min_age_women"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(ages, vec![("qd57-2022", 33), ("qd350-2025", 28)], "{}", sets.text);
    let mut rules = sets.body[1]["rules"].clone();
    rules["intermediate"]["in_service_min_age_women"] = json!(25);
    rules["intermediate"]["in_service_min_age_men"] = json!(27);
    let body =
        json!({"code": "qd-2027", "title": "Quy định mới năm 2027", "effective_from": "2027-01-01", "rules": rules});
    // Only system administrators add one.
    app.post("/api/v1/rule-sets", &s.admin, body.clone()).await.assert_problem(403, "forbidden");
    // Every problem at once: negative ages, a day another set takes effect, a code taken.
    let mut bad = body.clone();
    bad["rules"]["advanced"]["in_service_min_age_men"] = json!(-40);
    bad["effective_from"] = json!("2025-07-01");
    bad["code"] = json!("qd350-2025");
    let r = app.post("/api/v1/rule-sets", &app.root, bad).await;
    assert_eq!(r.status, 400, "{}", r.text);
    let mut fields = r.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["code", "effective_from", "rules.advanced.in_service_min_age_men"], "{}", r.text);
    let r = app.post("/api/v1/rule-sets", &app.root, body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let new_set = r.id();

    // A class opening in 2027 takes the new set; one opening in 2026 keeps 350.
    let class = |code: &'static str, starts: &'static str, ends: &'static str| {
        let body = json!({"program_id": s.intermediate, "code": code, "mode": "in_service", "capacity": 40,
            "starts_on": starts, "ends_on": ends});
        async move { app.post("/api/v1/cohorts", &s.admin, body).await }
    };
    let old = class("TC-26", "2026-12-15", "2027-04-15").await;
    assert_eq!((old.status, old.body["regulation"].as_str()), (201, Some("qd350-2025")), "{}", old.text);
    let new = class("TC-27", "2027-02-01", "2027-06-01").await;
    assert_eq!((new.status, new.body["regulation"].as_str()), (201, Some("qd-2027")), "{}", new.text);
    let unknown = app
        .post(
            "/api/v1/cohorts",
            &s.admin,
            json!({"program_id": s.intermediate, "code": "TC-X", "mode": "in_service", "capacity": 40,
            "starts_on": "2027-02-01", "ends_on": "2027-06-01", "regulation": "qd-1999"}),
        )
        .await;
    assert_eq!((unknown.status, unknown.error_fields()), (400, vec!["regulation".to_string()]), "{}", unknown.text);
    // A woman of 26: too young for an in-service class under 350 (28+), old enough under the new set.
    let mut body = eligible("Đinh Thị Thu", "2000-06-01", &s.school);
    body["gender"] = json!("female");
    body["performance_ratings"] =
        json!([{"year": 2026, "grade": "good"}, {"year": 2025, "grade": "good"}, {"year": 2024, "grade": "good"}]);
    let thu = learner(app, &s.admin, body).await;
    let check = |cohort: String| {
        let path = format!("/api/v1/learners/{}/eligibility?cohort_id={cohort}", thu);
        async move { app.get(&path, &s.admin).await }
    };
    let e = check(old.id()).await;
    assert_eq!(
        (codes(&e.body["refusals"]), e.body["regulation"].as_str()),
        (vec!["in_service_age".to_string()], Some("qd350-2025")),
        "{}",
        e.text
    );
    let e = check(new.id()).await;
    assert_eq!((codes(&e.body["refusals"]), e.body["regulation"].as_str()), (vec![], Some("qd-2027")), "{}", e.text);

    // The set's rules no longer change once a class was opened under it; its title does.
    let path = format!("/api/v1/rule-sets/{new_set}");
    let cur = app.get(&path, &s.admin).await;
    assert_eq!(cur.body["classes"], 1, "{}", cur.text);
    let etag = cur.header("etag").unwrap();
    let mut rules = cur.body["rules"].clone();
    rules["intermediate"]["in_service_min_age_women"] = json!(20);
    let patch = |body: Value, etag: String| {
        let path = path.clone();
        async move { app.call_with(Method::PATCH, &path, Some(&app.root), Some(body), &[("If-Match", &etag)]).await }
    };
    patch(json!({"rules": rules}), etag.clone()).await.assert_problem(409, "conflict");
    let r = patch(json!({"title": "Quy định 2027 (sửa tên)"}), etag).await;
    assert_eq!((r.status, r.body["title"].as_str()), (200, Some("Quy định 2027 (sửa tên)")), "{}", r.text);
    // A built-in set never changes.
    let builtin = sets.body[0]["id"].as_str().unwrap();
    let cur = app.get(&format!("/api/v1/rule-sets/{builtin}"), &s.admin).await;
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/rule-sets/{builtin}"),
            Some(&app.root),
            Some(json!({"effective_from": "2022-03-01"})),
            &[("If-Match", &cur.header("etag").unwrap())],
        )
        .await;
    r.assert_problem(409, "conflict");
}

db_test!(a_course_for_new_party_members_takes_them_within_their_probation);
async fn a_course_for_new_party_members_takes_them_within_their_probation(app: TestApp) {
    let s = school(&app).await;
    let r = app
        .post(
            "/api/v1/programs",
            &s.admin,
            json!({"code": "BD-DVM", "title": "Bồi dưỡng lý luận chính trị dành cho đảng viên mới", "level": "refresher",
            "edition": "2026", "credential": "certificate", "rules": {"audience": "new_party_members"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["rules"]["audience"], "new_party_members", "{}", r.text);
    let program = r.id();
    let m = app
        .post(
            &format!("/api/v1/programs/{program}/modules"),
            &s.admin,
            json!({"code": "M1", "title": "Học phần một", "hours": 20}),
        )
        .await;
    assert_eq!(m.status, 201, "{}", m.text);
    let p = app.post(&format!("/api/v1/programs/{program}/publish"), &s.admin, json!(null)).await;
    assert_eq!(p.status, 200, "{}", p.text);
    let today = chrono::Utc::now().date_naive();
    let starts = today + chrono::Duration::days(10);
    let c = app
        .post(
            "/api/v1/cohorts",
            &s.admin,
            json!({"program_id": program, "code": "DVM-1", "mode": "full_time", "capacity": 40,
            "starts_on": starts.to_string(), "ends_on": (starts + chrono::Duration::days(10)).to_string()}),
        )
        .await;
    assert_eq!(c.status, 201, "{}", c.text);
    let cohort = c.id();
    let person = |name: &str, admitted: chrono::NaiveDate| {
        json!({"full_name": name, "date_of_birth": "1998-04-04", "gender": "male", "education_level": "university",
            "institution_id": s.school, "party_status": "probationary", "party_admission_date": admitted.to_string()})
    };
    let recent = learner(&app, &s.admin, person("Hà Văn Mới", today - chrono::Duration::days(90))).await;
    let late = learner(&app, &s.admin, person("Hà Văn Muộn", today - chrono::Duration::days(800))).await;
    let check = |l: String| {
        let path = format!("/api/v1/learners/{l}/eligibility?cohort_id={cohort}");
        let token = s.admin.clone();
        let app = &app;
        async move { app.get(&path, &token).await }
    };
    let e = check(recent).await;
    assert_eq!((e.status, e.body["eligible"].as_bool()), (200, Some(true)), "{}", e.text);
    let e = check(late).await;
    assert_eq!(codes(&e.body["refusals"]), vec!["probation_over"], "{}", e.text);
}

db_test_raw!(assignments_keep_to_the_lecturers_standards_where_the_setting_asks);
async fn assignments_keep_to_the_lecturers_standards_where_the_setting_asks(db: TestDb) {
    let app = TestApp::start(db, &[("LLCT__COHORTS__ENFORCE_LECTURER_STANDARDS", "true")]).await;
    let s = school(&app).await;
    let cohort = app
        .post(
            "/api/v1/cohorts",
            &s.admin,
            json!({"program_id": s.intermediate, "code": "TC-GV", "mode": "full_time", "capacity": 40,
            "starts_on": "2026-12-20", "ends_on": "2027-04-20"}),
        )
        .await
        .id();
    let module = app.get(&format!("/api/v1/programs/{}/modules", s.intermediate), &s.admin).await.body[0].clone();
    let subjects = json!([module["code"]]);
    // Recorded with an elementary level only and no teaching certificate.
    let r = app
        .post("/api/v1/lecturers", &s.admin, json!({"full_name": "Tạ Văn Giảng", "kind": "concurrent", "institution_id": s.school,
            "subjects": subjects, "degree": "bachelor", "degree_on": "2005-06-30", "llct_level": "elementary", "llct_level_on": "2010-01-15"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (r.body["degree"].as_str(), r.body["llct_level"].as_str()),
        (Some("bachelor"), Some("elementary")),
        "{}",
        r.text
    );
    let lecturer = r.id();
    let path = format!("/api/v1/cohorts/{cohort}/assignments");
    let body = json!({"module_id": module["id"], "lecturer_id": lecturer});
    let r = app.post(&path, &s.admin, body.clone()).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(codes(&r.body["errors"]), vec!["lecturer_llct_level", "teaching_certificate"], "{}", r.text);
    // Overriding one is not enough; overriding both, with reasons, assigns and keeps them.
    let mut one = body.clone();
    one["overrides"] = json!([{"rule": "teaching_certificate", "reason": "Đang học lớp nghiệp vụ sư phạm"}]);
    let r = app.post(&path, &s.admin, one).await;
    assert_eq!(codes(&r.body["errors"]), vec!["lecturer_llct_level"], "{}", r.text);
    let mut both = body.clone();
    both["overrides"] = json!([{"rule": "teaching_certificate", "reason": "Đang học lớp nghiệp vụ sư phạm"},
        {"rule": "lecturer_llct_level", "reason": "Chuyên gia thực tiễn, Ban Tuyên giáo cử"}]);
    let r = app.post(&path, &s.admin, both).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["overrides"].as_array().unwrap().len(), 2, "{}", r.text);
}
