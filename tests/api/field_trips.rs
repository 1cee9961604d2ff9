use actix_web::http::Method;
use serde_json::json;

use crate::cohorts::{class, eligible, learner, school};
use crate::db_test;
use crate::support::TestApp;

db_test!(reports_submitted_graded_and_kept_private);
async fn reports_submitted_graded_and_kept_private(app: TestApp) {
    let s = school(&app).await;
    let cohort = class(&app, &s, "TC-70", "2026-03-02", "2026-12-31", 70).await;
    let mut people = Vec::new();
    for (name, dob) in [("Nguyễn Thị Lan", "1984-01-01"), ("Trần Văn Hải", "1983-02-02"), ("Lê Thị Mận", "1982-03-03")]
    {
        let (uid, token) = app.user("learner", Some(&s.school)).await;
        let mut body = eligible(name, dob, &s.school);
        body["user_id"] = json!(uid);
        let id = learner(&app, &s.admin, body).await;
        assert_eq!(
            app.post(&format!("/api/v1/cohorts/{cohort}/enrollments"), &s.admin, json!({"learner_id": id}))
                .await
                .status,
            201
        );
        people.push((id, token));
    }
    let (outsider_uid, outsider) = app.user("learner", Some(&s.school)).await;
    let mut body = eligible("Phan Văn Ngoài", "1980-04-04", &s.school);
    body["user_id"] = json!(outsider_uid);
    learner(&app, &s.admin, body).await;

    let r = app
        .post(
            &format!("/api/v1/cohorts/{cohort}/field-trips"),
            &s.admin,
            json!({"destination": "Xã Tam Chúc, huyện Kim Bảng", "starts_on": "2026-05-04",
        "ends_on": "2026-05-06", "leader": "ThS. Đinh Văn Tùng", "report_due_on": "2026-05-20"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let trip = r.id();
    let r = app.post(&format!("/api/v1/cohorts/{cohort}/field-trips"), &s.admin, json!({"destination": "", "starts_on": "2026-05-06", "ends_on": "2026-05-04", "leader": "X", "report_due_on": "2026-05-01"})).await;
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(f, vec!["destination", "ends_on", "report_due_on"]);

    let me = format!("/api/v1/field-trips/{trip}/reports/me");
    // Text, then a PDF; both after the due date (today is later than May 2026 in these tests' world or not: compare).
    let r = app
        .call(
            Method::PUT,
            &me,
            Some(&people[0].1),
            Some(json!({"text": "Bài thu hoạch: mô hình nông thôn mới ở Tam Chúc …"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["submitted"], true);
    let late_expected = chrono::Utc::now().date_naive() > chrono::NaiveDate::from_ymd_opt(2026, 5, 20).unwrap();
    assert_eq!(r.body["late"], late_expected);
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend(std::iter::repeat_n(b'a', 1000));
    let r = app
        .call_with_bytes(
            Method::PUT,
            &me,
            &people[0].1,
            "application/pdf",
            pdf.clone(),
            &[("x-file-name", "Bài thu hoạch.pdf")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.body["file_name"].as_str(), r.body["file_type"].as_str()),
        (Some("bai-thu-hoach.pdf"), Some("application/pdf"))
    );
    // Wrong type, too large.
    app.call_with_bytes(Method::PUT, &me, &people[1].1, "application/pdf", b"MZ\x90\x00 not a document".to_vec(), &[])
        .await
        .assert_problem(415, "unsupported-media-type");
    let mut big = b"%PDF-1.7\n".to_vec();
    big.extend(std::iter::repeat_n(b'b', 300_000));
    app.call_with_bytes(Method::PUT, &me, &people[1].1, "application/pdf", big, &[])
        .await
        .assert_problem(413, "payload-too-large");
    // Someone outside the class cannot submit; staff cannot submit for themselves.
    app.call(Method::PUT, &me, Some(&outsider), Some(json!({"text": "x"}))).await.assert_problem(404, "not-found");
    app.call(Method::PUT, &me, Some(&s.admin), Some(json!({"text": "x"}))).await.assert_problem(403, "forbidden");

    // A learner reads their own report, never another's.
    let own = format!("/api/v1/field-trips/{trip}/reports/{}", people[0].0);
    assert_eq!(app.get(&own, &people[0].1).await.status, 200);
    app.get(&own, &people[1].1).await.assert_problem(404, "not-found");
    app.get(&format!("{own}/file"), &people[1].1).await.assert_problem(404, "not-found");
    let file = app.get(&format!("{own}/file"), &people[0].1).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.text.len(), pdf.len());
    assert!(file.header("content-disposition").unwrap().contains("bai-thu-hoach.pdf"));
    app.get(&format!("/api/v1/field-trips/{trip}/reports"), &people[0].1).await.assert_problem(403, "forbidden");

    // Staff see every learner, missing reports included, and grade.
    let list = app.get(&format!("/api/v1/field-trips/{trip}/reports"), &s.admin).await;
    let items = list.body.as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items.iter().filter(|r| r["submitted"] == true).count(), 1);
    let grade = format!("{own}/grade");
    app.call(Method::PUT, &grade, Some(&s.admin), Some(json!({"grade": 10.5}))).await.assert_problem(400, "validation");
    app.call(Method::PUT, &grade, Some(&s.admin), Some(json!({"grade": 7.25}))).await.assert_problem(400, "validation");
    let r =
        app.call(Method::PUT, &grade, Some(&s.admin), Some(json!({"grade": 8.5, "comment": "Phân tích tốt"}))).await;
    assert_eq!(
        (r.body["grade"].as_f64(), r.body["grade_comment"].as_str()),
        (Some(8.5), Some("Phân tích tốt")),
        "{}",
        r.text
    );
    let missing = format!("/api/v1/field-trips/{trip}/reports/{}/grade", people[2].0);
    let r = app.call(Method::PUT, &missing, Some(&s.admin), Some(json!({"grade": 5}))).await;
    assert_eq!(r.body["errors"][0]["code"], "no_report");
    // A graded report is final.
    app.call(Method::PUT, &me, Some(&people[0].1), Some(json!({"text": "sửa lại"})))
        .await
        .assert_problem(409, "conflict");
    app.call(Method::PUT, &grade, Some(&people[0].1), Some(json!({"grade": 10})))
        .await
        .assert_problem(403, "forbidden");
    // A learner may not grade at all: 403 before the grade's range or shape is looked at.
    for body in [json!({"grade": 10.5}), json!({"grade": "mười"})] {
        app.call(Method::PUT, &grade, Some(&people[0].1), Some(body)).await.assert_problem(403, "forbidden");
    }
}
