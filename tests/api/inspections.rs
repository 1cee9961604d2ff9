//! Inspections: recorded by the province's inspectors, answered recommendation by recommendation
//! by the inspected centre, printed as a Vietnamese record, exported.

use serde_json::{json, Value};

use crate::certificates::pdf_text;
use crate::support::db::TestDb;
use crate::support::smtp::SmtpServer;
use crate::support::TestApp;
use crate::{db_test, db_test_raw};

fn record(institution: &str) -> Value {
    json!({"institution_id": institution, "kind": "inspection", "title": "Kiểm tra công tác đào tạo lý luận chính trị năm 2025",
    "held_on": "2026-03-02", "period_from": "2025-01-01", "period_to": "2025-12-31",
    "team": [{"name": "Nguyễn Văn Hùng", "title": "Phó Trưởng Ban Tổ chức Tỉnh ủy", "head": true}, {"name": "Lê Thị Mai"}],
    "findings": "Một số lớp rút ngắn thời gian học; chưa tổ chức nghiên cứu thực tế.",
    "recommendations": [
        {"text": "Bảo đảm đủ thời lượng chương trình", "due_on": "2026-06-30"},
        {"text": "Tổ chức nghiên cứu thực tế cho các lớp trung cấp", "due_on": "2026-09-30"}
    ]})
}

db_test!(an_inspection_is_answered_by_the_centre);
async fn an_inspection_is_answered_by_the_centre(app: TestApp) {
    let committee = app.institution("BTC", "party_committee", None).await;
    let school = app.institution("TCT", "provincial_school", Some(&committee)).await;
    let centre = app.institution("TTX", "commune_center", Some(&school)).await;
    let elsewhere = app.institution("KHAC", "provincial_school", None).await;
    let (_, inspector) = app.user("inspector", Some(&committee)).await;
    let (_, other_inspector) = app.user("inspector", Some(&school)).await;
    let (_, far_inspector) = app.user("inspector", Some(&elsewhere)).await;
    let (_, centre_admin) = app.user("institution_admin", Some(&centre)).await;
    let (_, school_admin) = app.user("institution_admin", Some(&school)).await;

    // Bad input is named field by field; outside the subtree there is no such institution.
    let mut bad = record(&centre);
    bad["period_to"] = json!("2026-04-01");
    bad["team"] = json!([]);
    bad["recommendations"][1]["due_on"] = json!("2020-01-01");
    let r = app.post("/api/v1/inspections", &inspector, bad).await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), ["period_to", "team", "recommendations[1].due_on"], "{}", r.text);
    let r = app.post("/api/v1/inspections", &far_inspector, record(&centre)).await;
    assert_eq!(r.error_fields(), ["institution_id"], "{}", r.text);
    app.post("/api/v1/inspections", &centre_admin, record(&centre)).await.assert_problem(403, "forbidden");

    let r = app.post("/api/v1/inspections", &inspector, record(&centre)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    let path = format!("/api/v1/inspections/{id}");
    assert_eq!(r.body["open_recommendations"], 2);
    // The centre and the school read it; an inspector of another body may read but not change it.
    assert_eq!(app.get(&path, &centre_admin).await.status, 200);
    assert_eq!(app.get(&path, &school_admin).await.status, 200);
    app.get(&path, &far_inspector).await.assert_problem(404, "not-found");
    app.patch(&path, &other_inspector, json!({"findings": "khác"})).await.assert_problem(403, "forbidden");
    app.patch(&path, &centre_admin, json!({"findings": "khác"})).await.assert_problem(403, "forbidden");

    // The centre answers both recommendations; the inspectors cannot answer for it.
    let answer = |n: u32, body: Value| {
        let p = format!("{path}/recommendations/{n}");
        let app = &app;
        let token = centre_admin.clone();
        async move { app.patch(&p, &token, body).await }
    };
    app.patch(&format!("{path}/recommendations/1"), &inspector, json!({"response": "x", "status": "done"}))
        .await
        .assert_problem(403, "forbidden");
    answer(3, json!({"response": "x", "status": "done"})).await.assert_problem(404, "not-found");
    let r = answer(1, json!({"response": "  ", "status": "done"})).await;
    assert_eq!(r.error_fields(), ["response"], "{}", r.text);
    let r = answer(1, json!({"response": "Đã bố trí đủ 100% số tiết theo chương trình", "status": "done"})).await;
    assert_eq!((r.status, r.body["open_recommendations"].as_i64()), (200, Some(1)), "{}", r.text);
    let r = answer(2, json!({"response": "Đã lập kế hoạch nghiên cứu thực tế quý III", "status": "open"})).await;
    assert_eq!(r.body["recommendations"][1]["status"], "open", "{}", r.text);
    assert_eq!(r.body["recommendations"][0]["status"], "done");
    assert!(r.body["recommendations"][0]["responded_by"].is_string());

    // Once answered, the list no longer changes; the findings still may.
    let r = app.patch(&path, &inspector, json!({"recommendations": []})).await;
    assert_eq!((r.status, r.body["code"].as_str()), (409, Some("recommendations_answered")), "{}", r.text);
    let r = app.patch(&path, &inspector, json!({"findings": "Đã xác minh lại số tiết."})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["recommendations"][0]["response"], "Đã bố trí đủ 100% số tiết theo chương trình");

    // The record prints in Vietnamese; the export lists each recommendation with its answer.
    let pdf = app.get(&format!("{path}/pdf"), &centre_admin).await;
    assert_eq!(pdf.header("content-type").as_deref(), Some("application/pdf"));
    let text = pdf_text(&pdf.bytes);
    for s in ["BIÊN BẢN KIỂM TRA", "Nguyễn Văn Hùng", "KIẾN NGHỊ"] {
        assert!(text.contains(s), "{s} not in {text}");
    }
    let csv = app.get("/api/v1/inspections?format=csv", &school_admin).await;
    assert_eq!(csv.text.lines().count(), 3, "{}", csv.text);
    assert!(csv.text.contains("Đã thực hiện") && csv.text.contains("Chưa thực hiện"), "{}", csv.text);
    let listed =
        app.get(&format!("/api/v1/inspections?institution_id={centre}&held_from=2026-01-01"), &inspector).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    let none = app.get("/api/v1/inspections?held_to=2025-12-31", &inspector).await;
    assert_eq!(none.body["items"], json!([]));
}

db_test_raw!(overdue_recommendations_remind_the_centre);
async fn overdue_recommendations_remind_the_centre(db: TestDb) {
    let smtp = SmtpServer::start();
    let url = SmtpServer::url(smtp.port);
    let app = TestApp::start(db, &[("LLCT__MAIL__SMTP_URL", &url)]).await;
    let committee = app.institution("BTC", "party_committee", None).await;
    let centre = app.institution("TTX", "commune_center", Some(&committee)).await;
    let (_, inspector) = app.user("inspector", Some(&committee)).await;
    let (_, centre_admin) = app.user("institution_admin", Some(&centre)).await;
    // Both recommendations were due months ago (held 2 March 2026); the first is then answered done.
    let r = app.post("/api/v1/inspections", &inspector, record(&centre)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    let run = || async {
        let r = app.post("/api/v1/jobs/inspections-overdue/run", &app.root, json!(null)).await;
        assert_eq!((r.status, r.body["outcome"].as_str()), (200, Some("succeeded")), "{}", r.text);
        r.body["counts"].clone()
    };
    let r = app
        .patch(
            &format!("/api/v1/inspections/{id}/recommendations/1"),
            &centre_admin,
            json!({"response": "Đã bố trí đủ giờ", "status": "done"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let counts = run().await;
    assert_eq!((counts["recommendations"].as_i64(), counts["queued"].as_i64()), (Some(1), Some(1)), "{counts}");
    // Reminded today: not again until a week has passed.
    assert_eq!(run().await["queued"], Value::Null);
    let after = app.get(&format!("/api/v1/inspections/{id}"), &centre_admin).await;
    assert!(after.body["recommendations"][1]["reminded_on"].is_string(), "{}", after.text);
    let sent = app.post("/api/v1/jobs/outbox/run", &app.root, json!(null)).await;
    assert_eq!(sent.body["counts"]["sent"], 1, "{}", sent.text);
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].subject.contains("Kiến nghị quá hạn"), "{}", mails[0].subject);
    assert!(mails[0].text.contains("Tổ chức nghiên cứu thực tế"), "{}", mails[0].text);
}
