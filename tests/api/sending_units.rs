//! Sending units: the registry of units with the address their reports go to, the per-unit
//! report of a class (JSON, CSV, XLSX), and the report e-mailed with its XLSX at close-out.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::certificates::ended_class;
use crate::support::db::TestDb;
use crate::support::smtp::SmtpServer;
use crate::support::TestApp;
use crate::{db_test, db_test_raw};

fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

async fn set_unit(app: &TestApp, admin: &str, learner: &str, unit: Value) {
    let r = app.patch(&format!("/api/v1/learners/{learner}"), admin, json!({"sending_unit": unit})).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

db_test_raw!(a_unit_gets_its_people_s_results_by_mail_and_through_the_api);
async fn a_unit_gets_its_people_s_results_by_mail_and_through_the_api(db: TestDb) {
    let smtp = SmtpServer::start();
    let url = SmtpServer::url(smtp.port);
    let app = TestApp::start(db, &[("LLCT__MAIL__SMTP_URL", &url)]).await;
    let school = app.institution("TCT", "provincial_school", None).await;
    let centre = app.institution("TTCT-KB", "commune_center", Some(&school)).await;
    let (_, admin) = app.user("institution_admin", Some(&centre)).await;
    let (_, school_admin) = app.user("institution_admin", Some(&school)).await;
    let r = app
        .patch(
            &format!("/api/v1/institutions/{centre}"),
            &app.root,
            json!({"signer_name": "Trần Văn Bình", "signer_title": "Giám đốc"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let k = ended_class(&app, &centre, &admin, "SC-U1", &["Trần Văn Bình", "Lê Thị Yến"], &["Phạm Văn Cư"]).await;
    let (binh, yen, cu) = (&k.learners[0].0, &k.learners[1].0, &k.learners[2].0);
    set_unit(&app, &admin, binh, json!("UBND xã Kim Bảng")).await;
    set_unit(&app, &admin, cu, json!("Ubnd  xa KIM BANG")).await;
    set_unit(&app, &admin, yen, json!("Hội Nông dân xã Kim Bảng")).await;

    // The registry: every problem listed, names unique without accents or case, scoped.
    let r = app
        .post(
            "/api/v1/sending-units",
            &school_admin,
            json!({"institution_id": school, "name": " ", "email": "not-mail"}),
        )
        .await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["name", "email"]);
    let r = app
        .post("/api/v1/sending-units", &school_admin, json!({"institution_id": school, "name": "UBND xã Kim Bảng", "email": "vanphong@kimbang.gov.vn", "contact_name": "Văn phòng UBND"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let unit = r.id();
    app.post("/api/v1/sending-units", &school_admin, json!({"institution_id": school, "name": "ubnd XA kim bang"}))
        .await
        .assert_problem(409, "conflict");
    let (_, lecturer) = app.user("lecturer", Some(&school)).await;
    app.get("/api/v1/sending-units", &lecturer).await.assert_problem(403, "forbidden");
    let other = app.institution("TCU", "provincial_school", None).await;
    let (_, other_admin) = app.user("institution_admin", Some(&other)).await;
    app.get(&format!("/api/v1/sending-units/{unit}"), &other_admin).await.assert_problem(404, "not-found");
    assert_eq!(app.get("/api/v1/sending-units", &other_admin).await.body["items"], json!([]));
    let listed = app.get("/api/v1/sending-units?q=kim%20bang", &admin).await;
    assert_eq!(listed.body["items"], json!([]), "the centre does not see its parent's registry: {}", listed.text);
    let listed = app.get("/api/v1/sending-units?q=kim%20bang", &school_admin).await;
    assert_eq!(listed.body["items"][0]["name"], "UBND xã Kim Bảng", "{}", listed.text);

    // A conduct rating with a reprimand shows in the unit's report.
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/cohorts/{}/conduct/{cu}", k.cohort),
            Some(&admin),
            Some(json!({"political": "tot", "discipline": "kha", "class_rules": "trung_binh", "measure": "reprimand",
                "measure_on": "2026-10-01", "measure_reason": "Vắng không phép"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Before closing, the class lists its units; only the staff of the class may read them.
    let units = app.get(&format!("/api/v1/cohorts/{}/unit-reports", k.cohort), &admin).await;
    assert_eq!(units.status, 200, "{}", units.text);
    let list: Vec<(String, u64, Option<String>)> = units
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["unit"].as_str().unwrap().to_string(),
                u["learners"].as_u64().unwrap(),
                u["email"].as_str().map(String::from),
            )
        })
        .collect();
    assert_eq!(
        list,
        vec![
            ("Hội Nông dân xã Kim Bảng".to_string(), 1, None),
            ("UBND xã Kim Bảng".to_string(), 2, Some("vanphong@kimbang.gov.vn".to_string()))
        ]
    );
    let path = format!("/api/v1/cohorts/{}/unit-reports/UBND%20x%C3%A3%20Kim%20B%E1%BA%A3ng", k.cohort);
    app.get(&path, &other_admin).await.assert_problem(404, "not-found");
    app.get(&path, &k.learners[0].1).await.assert_problem(403, "forbidden");
    app.get(&format!("/api/v1/cohorts/{}/unit-reports/nobody", k.cohort), &admin)
        .await
        .assert_problem(404, "not-found");

    // Close-out: credentials, then one e-mail to the registered unit with its list attached.
    let r = app.post(&format!("/api/v1/cohorts/{}/close", k.cohort), &admin, json!(null)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let sent = app.post("/api/v1/jobs/outbox/run", &app.root, json!(null)).await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let mails: Vec<_> =
        smtp.mails().into_iter().filter(|m| m.to == vec!["vanphong@kimbang.gov.vn".to_string()]).collect();
    assert_eq!(mails.len(), 1, "{:?}", smtp.mails().iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>());
    let mail = &mails[0];
    assert!(mail.subject.contains("UBND xã Kim Bảng") && mail.subject.contains("SC-U1"), "{}", mail.subject);
    assert!(mail.text.contains("cử 2 đồng chí") && mail.text.contains("1 đồng chí tốt nghiệp"), "{}", mail.text);
    assert_eq!(mail.attachments.len(), 1);
    let (name, bytes) = &mail.attachments[0];
    assert!(name.ends_with(".xlsx") && name.contains("SC-U1"), "{name}");
    let rows = xlsx_rows(bytes);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0][1], "Họ và tên");
    // Vietnamese order: Bình before Cư.
    assert_eq!((rows[1][1].as_str(), rows[1][4].as_str()), ("Trần Văn Bình", "Tốt nghiệp"));
    assert!(rows[1][11].starts_with("GCN-"), "{rows:?}");
    assert_eq!((rows[2][1].as_str(), rows[2][4].as_str()), ("Phạm Văn Cư", "Không đủ điều kiện tốt nghiệp"));
    assert_eq!((rows[2][7].as_str(), rows[2][9].as_str(), rows[2][10].as_str()), ("Tốt", "Trung bình", "Khiển trách"));
    assert_eq!(rows[2][11], "");
    // The unregistered unit got nothing; the outbox does not send twice.
    assert!(smtp.mails().iter().all(|m| !m.subject.contains("Hội Nông dân")));
    app.post("/api/v1/jobs/outbox/run", &app.root, json!(null)).await;
    assert_eq!(smtp.mails().iter().filter(|m| m.to == vec!["vanphong@kimbang.gov.vn".to_string()]).count(), 1);

    // The same report through the API, after closing, as JSON and as the file.
    let r = app.get(&path, &school_admin).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let people: Vec<&str> =
        r.body["learners"].as_array().unwrap().iter().map(|x| x["full_name"].as_str().unwrap()).collect();
    assert_eq!(people, vec!["Trần Văn Bình", "Phạm Văn Cư"]);
    assert_eq!(r.body["learners"][1]["measure"], "Khiển trách");
    assert_eq!(r.body["learners"][1]["conduct"], json!(["Tốt", "Khá", "Trung bình"]));
    assert_eq!(r.body["sending_unit_id"], json!(unit));
    let file = app.call(Method::GET, &format!("{path}?format=xlsx"), Some(&admin), None).await;
    assert_eq!(file.status, 200);
    assert_eq!(xlsx_rows(&file.bytes), rows);
    let csv = app.call(Method::GET, &format!("{path}?format=csv"), Some(&admin), None).await;
    assert!(String::from_utf8_lossy(&csv.bytes).contains("Phạm Văn Cư"));

    // Changing the address with a stale version is refused; with the current one it works.
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/sending-units/{unit}"),
            Some(&school_admin),
            Some(json!({"email": null})),
            &[("if-match", "\"7\"")],
        )
        .await;
    r.assert_problem(412, "precondition-failed");
    let r = app.patch(&format!("/api/v1/sending-units/{unit}"), &school_admin, json!({"email": null})).await;
    assert_eq!((r.status, r.body["email"].clone()), (200, Value::Null), "{}", r.text);
    let r = app.call(Method::DELETE, &format!("/api/v1/sending-units/{unit}"), Some(&school_admin), None).await;
    assert_eq!(r.status, 204);
    app.get(&format!("/api/v1/sending-units/{unit}"), &school_admin).await.assert_problem(404, "not-found");
}

db_test!(a_unit_officer_sees_only_their_own_people);
async fn a_unit_officer_sees_only_their_own_people(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let k = ended_class(&app, &school, &admin, "SC-U2", &["Trần Văn Bình", "Lê Thị Yến"], &["Phạm Văn Cư"]).await;
    set_unit(&app, &admin, &k.learners[0].0, json!("UBND xã Kim Bảng")).await;
    set_unit(&app, &admin, &k.learners[2].0, json!("Ubnd xa KIM BANG")).await;
    set_unit(&app, &admin, &k.learners[1].0, json!("Hội Nông dân xã Kim Bảng")).await;
    let unit = |name: &'static str| {
        let body = json!({"institution_id": school, "name": name});
        let app = &app;
        let admin = admin.clone();
        async move { app.post("/api/v1/sending-units", &admin, body).await.id() }
    };
    let (kim_bang, far) = (unit("UBND xã Kim Bảng").await, unit("Sở Nội vụ").await);
    let officer = |unit: String| {
        let body = json!({"email": format!("tochuc-{unit}@llct.test"), "password": crate::support::PASSWORD, "full_name": "Bùi Thị Thu",
            "role": "unit_officer", "institution_id": school, "sending_unit_id": unit});
        let app = &app;
        let admin = admin.clone();
        async move {
            let r = app.post("/api/v1/users", &admin, body).await;
            assert_eq!(r.status, 201, "{}", r.text);
            app.login(r.body["email"].as_str().unwrap(), crate::support::PASSWORD).await
        }
    };
    let (mine, other) = (officer(kim_bang).await, officer(far).await);
    let path = format!("/api/v1/cohorts/{}/unit-reports", k.cohort);

    // Only their unit's report, with their two people; the other units' are not there.
    let r = app.get(&path, &mine).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let units: Vec<&str> = r.body.as_array().unwrap().iter().map(|u| u["unit_key"].as_str().unwrap()).collect();
    assert_eq!(units, ["ubnd xa kim bang"], "{}", r.text);
    assert_eq!(r.body[0]["learners"], 2);
    let one = app.get(&format!("{path}/UBND%20x%C3%A3%20Kim%20B%E1%BA%A3ng"), &mine).await;
    assert_eq!(one.body["learners"].as_array().map(Vec::len), Some(2), "{}", one.text);
    app.get(&format!("{path}/h%E1%BB%99i%20n%C3%B4ng%20d%C3%A2n%20x%C3%A3%20kim%20b%E1%BA%A3ng"), &mine)
        .await
        .assert_problem(404, "not-found");
    // A unit that sent nobody does not see the class; neither officer reads anything else.
    app.get(&path, &other).await.assert_problem(404, "not-found");
    app.get("/api/v1/learners", &mine).await.assert_problem(403, "forbidden");
    app.get(&format!("/api/v1/learners/{}", k.learners[0].0), &mine).await.assert_problem(404, "not-found");
    app.get(&format!("/api/v1/cohorts/{}/results", k.cohort), &mine).await.assert_problem(404, "not-found");
    let r = app.post("/api/v1/sending-units", &mine, json!({"institution_id": school, "name": "Mới"})).await;
    r.assert_problem(403, "forbidden");
}
