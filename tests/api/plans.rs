//! Yearly training plans: drafted and submitted by the institution, approved by the body above,
//! frozen and revised; and plan against actual for a period, rolled up the tree.

use chrono::{Datelike, Duration, Utc};
use serde_json::{json, Value};

use crate::certificates::closed_class;
use crate::db_test;
use crate::support::TestApp;

fn line(classes: i64, turns: i64) -> Value {
    json!({"level": "elementary", "mode": "in_service", "classes": classes, "trainee_turns": turns})
}

db_test!(a_plan_is_submitted_approved_frozen_and_revised);
async fn a_plan_is_submitted_approved_frozen_and_revised(app: TestApp) {
    let province = app.institution("TCT", "provincial_school", None).await;
    let centre = app.institution("TTX", "commune_center", Some(&province)).await;
    let other = app.institution("KHAC", "provincial_school", None).await;
    let (_, head) = app.user("institution_admin", Some(&province)).await;
    let (_, local) = app.user("institution_admin", Some(&centre)).await;
    let (_, outsider) = app.user("institution_admin", Some(&other)).await;
    let (_, inspector) = app.user("inspector", Some(&province)).await;

    // Every problem is named, nothing is written.
    let r = app
        .post(
            "/api/v1/training-plans",
            &local,
            json!({"institution_id": centre, "year": 1999, "lines": [line(-1, 0), line(2, 0)]}),
        )
        .await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), ["year", "lines[0].classes", "lines[1].trainee_turns", "lines[1]"], "{}", r.text);
    let r = app
        .post(
            "/api/v1/training-plans",
            &outsider,
            json!({"institution_id": centre, "year": 2027, "lines": [line(1, 60)]}),
        )
        .await;
    assert_eq!(r.error_fields(), ["institution_id"], "{}", r.text);
    let r = app
        .post("/api/v1/training-plans", &inspector, json!({"institution_id": centre, "year": 2027, "lines": []}))
        .await;
    r.assert_problem(403, "forbidden");
    assert_eq!(app.get("/api/v1/training-plans", &head).await.body["items"], json!([]));

    // Drafted, changed, submitted.
    let r = app
        .post(
            "/api/v1/training-plans",
            &local,
            json!({"institution_id": centre, "year": 2027, "lines": [line(2, 100)]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let plan = r.id();
    assert_eq!((r.body["status"].as_str(), r.body["revision"].as_i64()), (Some("draft"), Some(1)));
    // A second plan for the same year while this one is open: refused.
    let again = app
        .post("/api/v1/training-plans", &local, json!({"institution_id": centre, "year": 2027, "lines": [line(1, 50)]}))
        .await;
    again.assert_problem(409, "conflict");
    assert_eq!(again.body["code"], "plan_open");
    let path = format!("/api/v1/training-plans/{plan}");
    let r = app.patch(&path, &local, json!({"lines": [line(2, 100), {"level": "refresher", "mode": "full_time", "classes": 3, "trainee_turns": 150}]})).await;
    assert_eq!(
        (r.status, r.body["classes"].as_i64(), r.body["trainee_turns"].as_i64()),
        (200, Some(5), Some(250)),
        "{}",
        r.text
    );
    let submitted = app.post(&format!("{path}/submit"), &local, json!(null)).await;
    assert_eq!(submitted.body["status"], "submitted", "{}", submitted.text);
    let r = app.patch(&path, &local, json!({"note": "muộn"})).await;
    assert_eq!((r.status, r.body["code"].as_str()), (409, Some("plan_submitted")), "{}", r.text);

    // The centre does not approve its own plan; the province does; an outsider does not see it.
    app.post(&format!("{path}/approve"), &local, json!(null)).await.assert_problem(403, "forbidden");
    app.post(&format!("{path}/approve"), &outsider, json!(null)).await.assert_problem(404, "not-found");
    app.post(&format!("{path}/approve"), &inspector, json!(null)).await.assert_problem(403, "forbidden");
    let r = app.post(&format!("{path}/approve"), &head, json!({"decision_no": "15/QĐ-TCT"})).await;
    assert_eq!(
        (r.status, r.body["status"].as_str(), r.body["decision_no"].as_str()),
        (200, Some("approved"), Some("15/QĐ-TCT")),
        "{}",
        r.text
    );
    assert_eq!(app.get(&path, &inspector).await.body["status"], "approved");
    app.get(&path, &outsider).await.assert_problem(404, "not-found");

    // Frozen: a change is the next revision, naming the approved one.
    let r = app.patch(&path, &local, json!({"lines": []})).await;
    assert_eq!((r.status, r.body["code"].as_str()), (409, Some("plan_frozen")), "{}", r.text);
    let r = app
        .post(
            "/api/v1/training-plans",
            &local,
            json!({"institution_id": centre, "year": 2027, "lines": [line(3, 150)]}),
        )
        .await;
    assert_eq!((r.status, r.body["code"].as_str()), (409, Some("plan_approved")), "{}", r.text);
    let r = app
        .post(
            "/api/v1/training-plans",
            &local,
            json!({"institution_id": centre, "year": 2027, "lines": [line(3, 150)], "replaces_id": plan}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!((r.body["revision"].as_i64(), r.body["replaces_id"].as_str()), (Some(2), Some(plan.as_str())));
    assert_eq!(
        app.get(&path, &head).await.body["lines"].as_array().unwrap().len(),
        2,
        "the approved plan is unchanged"
    );
    let listed = app.get(&format!("/api/v1/training-plans?institution_id={centre}&year=2027"), &inspector).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2, "{}", listed.text);
    let csv = app.get("/api/v1/training-plans?format=csv", &head).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.text.lines().count(), 1 + 2 + 1, "a header and a row per line: {}", csv.text);
    assert!(csv.text.contains("Bồi dưỡng") || csv.text.contains("bồi dưỡng"), "{}", csv.text);
}

db_test!(two_first_plans_at_once_make_one);
async fn two_first_plans_at_once_make_one(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let body = json!({"institution_id": school, "year": 2028, "lines": [line(1, 60)]});
    let (a, b) = tokio::join!(
        app.post("/api/v1/training-plans", &admin, body.clone()),
        app.post("/api/v1/training-plans", &admin, body.clone())
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{} / {}", a.text, b.text);
    let listed = app.get(&format!("/api/v1/training-plans?institution_id={school}"), &admin).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

/// A plan approved by the province for `centre`.
async fn approved(app: &TestApp, head: &str, centre: &str, centre_admin: &str, year: i32, lines: Value) -> String {
    let r = app
        .post("/api/v1/training-plans", centre_admin, json!({"institution_id": centre, "year": year, "lines": lines}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    assert_eq!(app.post(&format!("/api/v1/training-plans/{id}/submit"), centre_admin, json!(null)).await.status, 200);
    assert_eq!(app.post(&format!("/api/v1/training-plans/{id}/approve"), head, json!(null)).await.status, 200);
    id
}

db_test!(plan_against_actual_on_a_small_province);
async fn plan_against_actual_on_a_small_province(app: TestApp) {
    let province = app.institution("TCT", "provincial_school", None).await;
    let one = app.institution("TT1", "commune_center", Some(&province)).await;
    let two = app.institution("TT2", "commune_center", Some(&province)).await;
    let (_, head) = app.user("institution_admin", Some(&province)).await;
    let (_, admin_one) = app.user("institution_admin", Some(&one)).await;
    let (_, admin_two) = app.user("institution_admin", Some(&two)).await;
    let (_, inspector) = app.user("inspector", Some(&province)).await;
    // Centre one ran one elementary class: two graduates, one who missed the exam. Centre two
    // ran none.
    closed_class(&app, &one, &admin_one, "SC-01", &["Lê Văn An", "Trần Thị Bảo"], &["Phạm Văn Cư"]).await;
    let opened = (Utc::now() - Duration::days(41)).date_naive();
    let year = opened.year();
    approved(&app, &head, &one, &admin_one, year, json!([line(2, 100)])).await;
    approved(&app, &head, &two, &admin_two, year, json!([line(1, 50)])).await;
    // A draft counts for nothing: it is listed as not approved.
    let draft = app
        .post(
            "/api/v1/training-plans",
            &head,
            json!({"institution_id": province, "year": year, "lines": [line(9, 900)]}),
        )
        .await;
    assert_eq!(draft.status, 201, "{}", draft.text);

    let (from, to) = (opened - Duration::days(5), Utc::now().date_naive());
    let path = format!("/api/v1/reports/plan-vs-actual?from={from}&to={to}");
    let r = app.get(&path, &inspector).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let row = |inst: &str| {
        r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["institution_id"] == inst)
            .cloned()
            .unwrap_or_else(|| panic!("{inst}: {}", r.text))
    };
    let top = row(&province);
    let all = &top["including_children"];
    // Checked by hand: planned 2 + 1 classes and 100 + 50 trainee-turns; one class of three opened.
    assert_eq!(
        (
            all["planned_classes"].as_i64(),
            all["classes_opened"].as_i64(),
            all["planned_trainee_turns"].as_i64(),
            all["enrolled"].as_i64()
        ),
        (Some(3), Some(1), Some(150), Some(3)),
        "{all}"
    );
    // The one who missed the exam is not failed yet: a retake may still come.
    assert_eq!((all["graduated"].as_i64(), all["failed"].as_i64()), (Some(2), Some(0)), "{all}");
    assert_eq!(
        (all["classes_percent"].as_f64(), all["trainee_turns_percent"].as_f64()),
        (Some(33.3), Some(2.0)),
        "{all}"
    );
    assert_eq!(top["own"]["planned_classes"], 0, "the province's own plan is a draft");
    let first = row(&one);
    assert_eq!(
        (first["own"]["classes_opened"].as_i64(), first["own"]["classes_percent"].as_f64()),
        (Some(1), Some(50.0))
    );
    let second = row(&two);
    assert_eq!(
        (second["own"]["classes_opened"].as_i64(), second["own"]["classes_percent"].as_f64()),
        (Some(0), Some(0.0))
    );
    assert_eq!(r.body["plans"].as_array().unwrap().len(), 2);
    assert_eq!(r.body["unapproved"][0]["institution_id"], province.as_str());

    // A centre sees its own subtree; the files and the chart answer too.
    let mine = app.get(&path, &admin_two).await;
    assert_eq!(mine.body["rows"].as_array().unwrap().len(), 1, "{}", mine.text);
    app.get(&format!("{path}&institution_id={province}"), &admin_two).await.assert_problem(404, "not-found");
    let csv = app.get(&format!("{path}&format=csv"), &head).await;
    assert!(csv.text.contains("Số lớp kế hoạch"), "{}", csv.text);
    let xlsx = app.get(&format!("{path}&format=xlsx"), &head).await;
    assert_eq!(&xlsx.bytes[..2], b"PK");
    let svg = app.get(&format!("{path}&format=svg"), &head).await;
    assert!(svg.text.starts_with("<svg") || svg.text.contains("<svg"), "{}", svg.text);
    let bad = app.get(&format!("/api/v1/reports/plan-vs-actual?from={to}&to={from}"), &head).await;
    assert_eq!(bad.error_fields(), ["to"]);
}
