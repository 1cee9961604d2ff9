//! Nominations: a sending unit's list of ten people sent by its officer as XLSX, each matched to
//! a learner or recorded, the school's decisions (an ineligible person refused with its reasons,
//! the others enrolled), the unit's e-mail on a real SMTP server, and the list's bad inputs.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::cohorts::school;
use crate::support::db::TestDb;
use crate::support::smtp::SmtpServer;
use crate::support::{Resp, TestApp, PASSWORD};
use crate::{db_test, db_test_raw};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn codes(r: &Resp) -> Vec<(String, String)> {
    r.body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or_default().to_string(),
                        e["code"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Ten people as a unit types them: one already recorded (found by national id), nine new, the
/// seventh with only primary education.
fn ten_people() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let headers = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Trình độ học vấn", "Đảng viên", "Chức vụ"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let names = [
        "Đỗ Văn Hải",
        "Nguyễn Thị Lan",
        "Trần Văn Bình",
        "Lê Thị Yến",
        "Phạm Văn Cư",
        "Hoàng Thị Mai",
        "Vũ Văn Khoa",
        "Bùi Thị Hoa",
        "Đặng Văn Toàn",
        "Ngô Thị Thu",
    ];
    for (i, name) in names.iter().enumerate() {
        let r = i as u32 + 1;
        let female = name.contains("Thị");
        let cells = [
            name.to_string(),
            format!("{:02}/05/{}", i + 1, 1985 + i),
            if female { "Nữ" } else { "Nam" }.to_string(),
            if i == 0 { "035090001111".to_string() } else { String::new() },
            if i == 6 { "Tiểu học" } else { "Trung học phổ thông" }.to_string(),
            "Đảng viên chính thức".to_string(),
            "Công chức xã".to_string(),
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16, v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// A commune centre under the school with an elementary class, a registered unit with an
/// address, its officer and the centre's admin.
struct Commune {
    centre: String,
    admin: String,
    class: String,
    unit: String,
    officer: String,
}

async fn commune(app: &TestApp, capacity: i32) -> Commune {
    let s = school(app).await;
    let centre = app.institution("TTCT-KB", "commune_center", Some(&s.school)).await;
    let (_, admin) = app.user("institution_admin", Some(&centre)).await;
    let r = app
        .post("/api/v1/cohorts", &admin, json!({"program_id": s.elementary, "code": "SC-N1", "mode": "full_time",
            "starts_on": "2026-03-02", "ends_on": "2026-04-30", "capacity": capacity, "location": "Hội trường UBND xã"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let class = r.id();
    let r = app
        .post(
            "/api/v1/sending-units",
            &admin,
            json!({"institution_id": centre, "name": "UBND xã Kim Bảng",
            "email": "vanphong@kimbang.gov.vn", "contact_name": "Văn phòng UBND xã"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let unit = r.id();
    let officer = officer(app, &admin, &centre, &unit, "tochuc@kimbang.gov.vn").await;
    Commune { centre, admin, class, unit, officer }
}

async fn officer(app: &TestApp, admin: &str, institution: &str, unit: &str, email: &str) -> String {
    let r = app
        .post(
            "/api/v1/users",
            admin,
            json!({"email": email, "password": PASSWORD, "full_name": "Bùi Thị Thu",
            "role": "unit_officer", "institution_id": institution, "sending_unit_id": unit}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    app.login(email, PASSWORD).await
}

fn decisions(n: u32, reject: Option<u32>) -> Value {
    let list: Vec<Value> = (1..=n)
        .map(|p| match reject {
            Some(x) if x == p => {
                json!({"person": p, "decision": "reject", "reasons": ["Trình độ học vấn chưa đạt (tiểu học)"]})
            }
            _ => json!({"person": p, "decision": "accept"}),
        })
        .collect();
    json!({"decisions": list, "enrolled_on": "2026-03-02"})
}

db_test_raw!(a_unit_s_list_of_ten_is_decided_and_the_unit_told);
async fn a_unit_s_list_of_ten_is_decided_and_the_unit_told(db: TestDb) {
    let smtp = SmtpServer::start();
    let url = SmtpServer::url(smtp.port);
    let app = TestApp::start(db, &[("LLCT__MAIL__SMTP_URL", &url)]).await;
    let c = commune(&app, 12).await;
    let r = app
        .post(
            "/api/v1/learners",
            &c.admin,
            json!({"full_name": "Đỗ Văn Hải", "date_of_birth": "1990-01-15", "gender": "male",
            "education_level": "university", "national_id": "035090001111", "party_status": "full",
            "party_admission_date": "2015-03-03", "party_official_date": "2016-03-03"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let hai = r.id();

    // The officer sends the XLSX with the decision in the query: one person matched, nine new.
    let path =
        format!("/api/v1/nominations?decision_no=125%2FQ%C4%90-UBND&decision_on=2026-02-20&cohort_id={}", c.class);
    let r = app.call_with_bytes(Method::POST, &path, &c.officer, XLSX, ten_people(), &[]).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    assert_eq!((r.body["people_count"].as_i64(), r.body["status"].as_str()), (Some(10), Some("pending")));
    assert_eq!(r.body["sending_unit_id"], json!(c.unit));
    assert_eq!(
        (r.body["decision_no"].as_str(), r.body["sending_unit"].as_str()),
        (Some("125/QĐ-UBND"), Some("UBND xã Kim Bảng"))
    );
    let people = r.body["people"].as_array().unwrap();
    assert_eq!(people[0]["learner_id"], json!(hai));
    assert_eq!(people.iter().filter(|p| p["created_learner"] == true).count(), 9);
    // The school sees, before deciding, who fails which rule.
    let failing: Vec<(i64, Vec<&str>)> = people
        .iter()
        .filter(|p| !p["eligibility"].as_array().unwrap().is_empty())
        .map(|p| {
            let codes = p["eligibility"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
            (p["position"].as_i64().unwrap(), codes)
        })
        .collect();
    assert_eq!(failing, vec![(7, vec!["education"])], "{}", r.text);

    // The same decision twice is refused; the officer cannot decide; other units see nothing.
    let again = app.call_with_bytes(Method::POST, &path, &c.officer, XLSX, ten_people(), &[]).await;
    again.assert_problem(400, "validation");
    assert!(codes(&again).iter().all(|(_, code)| code == "already_nominated"), "{}", again.text);
    let far = app
        .post("/api/v1/sending-units", &c.admin, json!({"institution_id": c.centre, "name": "Hội Nông dân xã"}))
        .await
        .id();
    let other = officer(&app, &c.admin, &c.centre, &far, "tochuc@hnd.gov.vn").await;
    assert_eq!(app.get("/api/v1/nominations", &other).await.body["items"], json!([]));
    app.get(&format!("/api/v1/nominations/{id}"), &other).await.assert_problem(404, "not-found");
    let listed = app.get("/api/v1/nominations", &c.officer).await;
    assert_eq!(listed.body["items"][0]["id"], json!(id), "{}", listed.text);
    let decide = format!("/api/v1/nominations/{id}/decide");
    app.post(&decide, &c.officer, decisions(10, None)).await.assert_problem(403, "forbidden");
    app.post(&decide, &other, decisions(10, None)).await.assert_problem(404, "not-found");

    // Accepting all ten is refused with the seventh's reasons; nothing is written.
    let r = app.post(&decide, &c.admin, decisions(10, None)).await;
    r.assert_problem(422, "refused");
    assert_eq!(codes(&r), vec![("decisions[6]".to_string(), "education".to_string())], "{}", r.text);
    let class = app.get(&format!("/api/v1/cohorts/{}", c.class), &c.admin).await;
    assert_eq!(class.body["enrolled_count"], 0, "{}", class.text);

    // Nine accepted, the seventh rejected with the reason: one transaction, one e-mail.
    let r = app.post(&decide, &c.admin, decisions(10, Some(7))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!((r.body["status"].as_str(), r.body["pending_count"].as_i64()), (Some("decided"), Some(0)));
    assert_eq!(r.body["people"][6]["status"], "rejected");
    assert_eq!(r.body["people"][6]["reasons"], json!(["Trình độ học vấn chưa đạt (tiểu học)"]));
    assert!(r.body["people"][0]["enrollment_id"].is_string(), "{}", r.text);
    let class = app.get(&format!("/api/v1/cohorts/{}", c.class), &c.admin).await;
    assert_eq!(class.body["enrolled_count"], 9, "{}", class.text);
    let r = app.post(&decide, &c.admin, decisions(1, None)).await;
    assert_eq!(codes(&r), vec![("decisions[0].person".to_string(), "already_decided".to_string())], "{}", r.text);
    let sent = app.post("/api/v1/jobs/outbox/run", &app.root, json!(null)).await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let mails: Vec<_> = smtp.mails().into_iter().filter(|m| m.subject.contains("125/QĐ-UBND")).collect();
    let mut to: Vec<&str> = mails.iter().map(|m| m.to[0].as_str()).collect();
    to.sort();
    assert_eq!(to, vec!["tochuc@kimbang.gov.vn", "vanphong@kimbang.gov.vn"]);
    let text = &mails[0].text;
    assert!(text.contains("Được tiếp nhận (9 đồng chí)") && text.contains("Nguyễn Thị Lan, lớp SC-N1"), "{text}");
    assert!(
        text.contains("Không được tiếp nhận (1 đồng chí)") && text.contains("Vũ Văn Khoa: Trình độ học vấn chưa đạt"),
        "{text}"
    );

    // The officer then follows their people in the class's report for the unit.
    let report = app.get(&format!("/api/v1/cohorts/{}/unit-reports", c.class), &c.officer).await;
    assert_eq!(report.status, 200, "{}", report.text);
    assert_eq!(report.body[0]["learners"], 9, "{}", report.text);
    let file = app.call(Method::GET, "/api/v1/nominations?format=csv", Some(&c.admin), None).await;
    let csv = String::from_utf8_lossy(&file.bytes).to_string();
    assert!(csv.contains("Vũ Văn Khoa") && csv.contains("Không tiếp nhận"), "{csv}");
}

db_test!(a_list_s_bad_input_is_answered_field_by_field);
async fn a_list_s_bad_input_is_answered_field_by_field(app: TestApp) {
    let c = commune(&app, 3).await;
    let person = |name: &str| {
        json!({"person": {"full_name": name, "date_of_birth": "1990-02-02", "gender": "female",
        "education_level": "upper_secondary", "party_status": "full", "party_admission_date": "2015-01-01", "party_official_date": "2016-01-01"}})
    };
    let list = |people: Vec<Value>| json!({"decision_no": "7/QĐ-UBND", "decision_on": "2026-02-01", "cohort_id": c.class, "people": people});
    let far = app
        .post("/api/v1/sending-units", &c.admin, json!({"institution_id": c.centre, "name": "Sở Nội vụ"}))
        .await
        .id();

    // Another unit, a person twice, a field missing: every problem at once, nothing written.
    let mut body =
        list(vec![person("Lê Thị Yến"), person("Lê  Thị Yến"), json!({"person": {"full_name": "Trần Văn Bình"}})]);
    body["sending_unit_id"] = json!(far);
    let r = app.post("/api/v1/nominations", &c.officer, body).await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["sending_unit_id"], "{}", r.text);
    let r = app
        .post(
            "/api/v1/nominations",
            &c.officer,
            list(vec![person("Lê Thị Yến"), person("Lê  Thị Yến"), json!({"person": {"full_name": "Trần Văn Bình"}})]),
        )
        .await;
    r.assert_problem(400, "validation");
    let mut got = codes(&r);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("people[1]".to_string(), "nominated_twice".to_string()),
            ("people[2].person.date_of_birth".to_string(), String::new()),
            ("people[2].person.education_level".to_string(), String::new()),
            ("people[2].person.gender".to_string(), String::new()),
        ],
        "{}",
        r.text
    );
    assert_eq!(app.get("/api/v1/nominations", &c.admin).await.body["items"], json!([]));

    // An unknown unit or class, no target, a decision in the future.
    let mut body = list(vec![person("Lê Thị Yến")]);
    body["sending_unit_id"] = json!("0190e4a0-0000-7000-8000-000000000000");
    body["decision_on"] = json!("2099-01-01");
    let r = app.post("/api/v1/nominations", &c.admin, body).await;
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(f, vec!["decision_on", "sending_unit_id"], "{}", r.text);
    let mut body = list(vec![person("Lê Thị Yến")]);
    body["cohort_id"] = json!("0190e4a0-0000-7000-8000-000000000000");
    assert_eq!(app.post("/api/v1/nominations", &c.officer, body).await.error_fields(), vec!["cohort_id"]);
    let mut body = list(vec![person("Lê Thị Yến")]);
    body.as_object_mut().unwrap().remove("cohort_id");
    assert_eq!(app.post("/api/v1/nominations", &c.officer, body).await.error_fields(), vec!["cohort_id"]);

    // A full class and a closed one are refused with their rule.
    let r = app
        .post(
            "/api/v1/nominations",
            &c.officer,
            list(vec![person("A Lê"), person("B Lê"), person("C Lê"), person("D Lê")]),
        )
        .await;
    r.assert_problem(422, "refused");
    assert_eq!(codes(&r), vec![("cohort_id".to_string(), "capacity".to_string())]);
    let r = app
        .post(&format!("/api/v1/cohorts/{}/cancel", c.class), &c.admin, json!({"reason": "Không đủ học viên"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.post("/api/v1/nominations", &c.officer, list(vec![person("Lê Thị Yến")])).await;
    assert_eq!(codes(&r), vec![("cohort_id".to_string(), "not_enrolling".to_string())], "{}", r.text);

    // Who may: an inspector writes nothing, a lecturer reads nothing, another province sees nothing.
    let (_, inspector) = app.user("inspector", Some(&c.centre)).await;
    app.post("/api/v1/nominations", &inspector, list(vec![person("Lê Thị Yến")]))
        .await
        .assert_problem(403, "forbidden");
    let (_, lecturer) = app.user("lecturer", Some(&c.centre)).await;
    app.get("/api/v1/nominations", &lecturer).await.assert_problem(403, "forbidden");
    let template = app.call(Method::GET, "/api/v1/nominations/template", Some(&c.officer), None).await;
    assert_eq!(template.status, 200);
    assert!(String::from_utf8_lossy(&template.bytes).starts_with("\u{feff}Mã học viên,Họ và tên"), "{}", template.text);
}

db_test!(a_list_for_a_program_is_placed_in_a_class_with_an_override);
async fn a_list_for_a_program_is_placed_in_a_class_with_an_override(app: TestApp) {
    let c = commune(&app, 10).await;
    let class = app.get(&format!("/api/v1/cohorts/{}", c.class), &c.admin).await;
    let (program, year) = (class.body["program_id"].as_str().unwrap().to_string(), 2026);
    // A party member, and someone who is neither a member nor a local official.
    let member = json!({"person": {"full_name": "Trịnh Văn Đức", "date_of_birth": "1988-06-01", "gender": "male",
        "education_level": "university", "party_status": "full", "party_admission_date": "2012-01-01", "party_official_date": "2013-01-01"}});
    let outsider = json!({"person": {"full_name": "Mai Thị Ngọc", "date_of_birth": "1995-07-07", "gender": "female",
        "education_level": "university"}});
    let r = app
        .post(
            "/api/v1/nominations",
            &c.officer,
            json!({"decision_no": "9/QĐ-UBND", "decision_on": "2026-02-01",
            "program_id": program, "year": year, "institution_id": c.centre, "people": [outsider, member]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!((r.body["cohort_id"].clone(), r.body["year"].as_i64()), (Value::Null, Some(year)));
    // Without a class nobody waits on, eligibility is not judged yet.
    assert_eq!(r.body["people"][0]["eligibility"], json!([]), "{}", r.text);
    let decide = format!("/api/v1/nominations/{}/decide", r.id());

    // A list for a program needs the class; the class must be of that program.
    let accept = |cohort: &str, overrides: Value| {
        json!({"decisions": [{"person": 1, "decision": "accept", "cohort_id": cohort, "overrides": overrides},
            {"person": 2, "decision": "accept", "cohort_id": cohort}], "enrolled_on": "2026-03-02"})
    };
    let r = app.post(&decide, &c.admin, json!({"decisions": [{"person": 1, "decision": "accept"}]})).await;
    assert_eq!(r.error_fields(), vec!["decisions[0].cohort_id"], "{}", r.text);
    let s = app.get("/api/v1/programs?national=true&limit=50", &app.root).await;
    let refresher =
        s.body["items"].as_array().unwrap().iter().find(|p| p["level"] == "refresher").unwrap()["id"].clone();
    let other = app
        .post(
            "/api/v1/cohorts",
            &c.admin,
            json!({"program_id": refresher, "code": "BD-N1", "mode": "full_time",
            "starts_on": "2026-03-02", "ends_on": "2026-03-10", "capacity": 10, "location": "Hội trường UBND xã"}),
        )
        .await
        .id();
    let r = app.post(&decide, &c.admin, accept(&other, json!([]))).await;
    assert_eq!(r.error_fields(), vec!["decisions[0].cohort_id", "decisions[1].cohort_id"], "{}", r.text);

    // The outsider fails the membership rule: refused until it is overridden with a reason.
    let r = app.post(&decide, &c.admin, accept(&c.class, json!([]))).await;
    r.assert_problem(422, "refused");
    assert_eq!(codes(&r), vec![("decisions[0]".to_string(), "membership".to_string())], "{}", r.text);
    let why = json!([{"rule": "membership", "reason": "Cán bộ nguồn được Đảng ủy xã giới thiệu"}]);
    let r = app.post(&decide, &c.admin, accept(&c.class, why)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["people"][0]["cohort_id"], json!(c.class));
    let listed = app.get(&format!("/api/v1/cohorts/{}/enrollments", c.class), &c.admin).await;
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", listed.text);
    let ngoc = items.iter().find(|e| e["learner_name"] == "Mai Thị Ngọc").unwrap();
    assert_eq!(ngoc["overrides"][0]["rule"], "membership", "{}", listed.text);
}
