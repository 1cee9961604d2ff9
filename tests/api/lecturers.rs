//! Lecturer records and their files (standards included), and a thousand learners enrolled at once.

use actix_web::http::Method;
use serde_json::json;

use crate::db_test;
use crate::people::{csv_file, import, names_of, row, HEADERS};
use crate::support::{Resp, TestApp};

async fn import_lecturers(app: &TestApp, institution: &str, file: Vec<u8>) -> Resp {
    let path = format!("/api/v1/lecturers/import?institution_id={institution}");
    app.call_raw(Method::POST, &path, Some(&app.root), "text/csv", file).await
}

db_test!(lecturer_records_and_their_files);
async fn lecturer_records_and_their_files(app: TestApp) {
    let a = app.institution("A", "provincial_school", None).await;
    let b = app.institution("B", "provincial_school", None).await;
    let (_, admin_b) = app.user("institution_admin", Some(&b)).await;
    let r = app
        .post("/api/v1/lecturers", &app.root, json!({"full_name": "Trần Văn Hùng", "kind": "concurrent", "rank": "principal_lecturer",
            "institution_id": a, "subjects": ["SC05", "SC06"], "rate_category": "Loại 2", "date_of_birth": "1975-09-02"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    assert_eq!(r.body["subjects"], json!(["SC05", "SC06"]));
    let dup = app.post("/api/v1/lecturers", &app.root, json!({"full_name": "Trần Văn Hùng", "kind": "visiting", "institution_id": a, "date_of_birth": "1975-09-02"})).await;
    dup.assert_problem(409, "conflict");
    assert_eq!(dup.body["existing"], format!("/api/v1/lecturers/{id}"));
    let r = app.post("/api/v1/lecturers", &app.root, json!({"institution_id": a})).await;
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(f, vec!["full_name", "kind"]);
    app.get(&format!("/api/v1/lecturers/{id}"), &admin_b).await.assert_problem(404, "not-found");

    // The standards come in with the rest; a bad one is named by row and column, nothing written.
    let standards =
        "Trình độ chuyên môn,Trình độ LLCT,Ngày cấp chứng chỉ nghiệp vụ sư phạm,Năm tập sự,Điều chỉnh định mức (%)";
    let bad = format!(
        "Họ và tên,Loại giảng viên,{standards}\nNguyễn Thị Thu Hà,Chuyên trách,Giáo sư,Cao cấp,10/08/2010,2026,20\n"
    );
    let r = import_lecturers(&app, &a, bad.into_bytes()).await;
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(
        (r.status, f),
        (400, vec!["rows[2].degree".to_string(), "rows[2].norm_adjustment_pct".into()]),
        "{}",
        r.text
    );
    let file = format!("Họ và tên,Loại giảng viên,Ngạch,Môn giảng dạy,{standards}\nNguyễn Thị Thu Hà,Chuyên trách,Giảng viên chính,TC01; TC02,Thạc sĩ,Cao cấp,10/08/2010,2026,-10 %\nĐỗ Minh Đức,Thỉnh giảng,,,,,,,\n");
    let r = import_lecturers(&app, &a, file.into_bytes()).await;
    assert_eq!(r.body["created"], 2, "{}", r.text);
    let list = app.get(&format!("/api/v1/lecturers?institution_id={a}"), &app.root).await;
    assert_eq!(names_of(&list), vec!["Đỗ Minh Đức", "Nguyễn Thị Thu Hà", "Trần Văn Hùng"]);
    let ha = &list.body["items"][1];
    assert_eq!((ha["kind"].as_str(), ha["rank"].as_str()), (Some("full_time"), Some("principal_lecturer")));
    assert_eq!(ha["subjects"], json!(["TC01", "TC02"]));
    assert_eq!(
        (
            &ha["degree"],
            &ha["llct_level"],
            &ha["teaching_certificate_on"],
            &ha["probation_year"],
            &ha["norm_adjustment_pct"]
        ),
        (&json!("master"), &json!("advanced"), &json!("2010-08-10"), &json!(2026), &json!(-10)),
        "{ha}"
    );
    let concurrent = app.get("/api/v1/lecturers?kind=concurrent", &app.root).await;
    assert_eq!(names_of(&concurrent), vec!["Trần Văn Hùng"]);
    let csv = app.get("/api/v1/lecturers?format=csv", &app.root).await;
    assert!(csv.text.contains("Kiêm chức") && csv.text.contains("SC05; SC06"), "{}", csv.text);
    // The export imports again, standards and all.
    let c = app.institution("C", "provincial_school", None).await;
    let r = import_lecturers(&app, &c, csv.bytes.to_vec()).await;
    assert_eq!(r.body["created"], 3, "{}", r.text);
    let again = app.get(&format!("/api/v1/lecturers?institution_id={c}"), &app.root).await;
    let ha_again = &again.body["items"][1];
    for field in
        ["degree", "llct_level", "teaching_certificate_on", "probation_year", "norm_adjustment_pct", "subjects"]
    {
        assert_eq!(ha_again[field], ha[field], "{field}: {ha_again}");
    }
    let t = app.get("/api/v1/lecturers/import/template", &app.root).await;
    assert!(t.text.contains("Loại giảng viên"));
}

db_test!(a_thousand_learners_enrol_in_one_request);
/// A school imports a thousand party members and enrols them all in one elementary class with
/// one request: every rule checked for each, all written or none.
async fn a_thousand_learners_enrol_in_one_request(app: TestApp) {
    let s = crate::cohorts::school(&app).await;
    let mut rows = vec![HEADERS.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    rows.extend((0..1000).map(row));
    let r = import(&app, &s.admin, &format!("?institution_id={}", s.school), "text/csv", csv_file(&rows)).await;
    assert_eq!(r.body["created"], 1000, "{}", r.text);
    let first = format!("/api/v1/learners?institution_id={}&limit=500", s.school);
    let (mut ids, mut path) = (Vec::new(), first.clone());
    loop {
        let r = app.get(&path, &s.admin).await;
        ids.extend(r.body["items"].as_array().unwrap().iter().map(|x| json!({"learner_id": x["id"]})));
        match r.body["next_cursor"].as_str() {
            Some(c) => path = format!("{first}&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(ids.len(), 1000);
    let r = app
        .post(
            "/api/v1/cohorts",
            &s.admin,
            json!({"program_id": s.elementary, "code": "SC-1000", "mode": "in_service", "starts_on": "2027-03-01",
                "ends_on": "2027-05-28", "capacity": 1000, "location": "Hội trường lớn"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let cohort = r.id();
    let enrol = format!("/api/v1/cohorts/{cohort}/enrollments");
    let started = std::time::Instant::now();
    let r = app.post(&enrol, &s.admin, json!({"learners": ids})).await;
    let took = started.elapsed();
    assert_eq!(r.status, 201, "{}", &r.text[..r.text.len().min(2000)]);
    eprintln!("1,000 learners enrolled in one request in {} ms", took.as_millis());
    assert_eq!(app.get(&format!("/api/v1/cohorts/{cohort}"), &s.admin).await.body["enrolled_count"], 1000);
    // Again for two of them: each is refused on its own line, and nothing changes.
    let r = app.post(&enrol, &s.admin, json!({"learners": ids[..2]})).await;
    assert_eq!(crate::cohorts::codes(&r), vec!["already_enrolled", "already_enrolled"], "{}", r.text);
    assert_eq!(app.get(&format!("/api/v1/cohorts/{cohort}"), &s.admin).await.body["enrolled_count"], 1000);
}
