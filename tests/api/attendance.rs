use actix_web::http::Method;
use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::cohorts::{school, School};
use crate::db_test;
use crate::support::TestApp;

/// An elementary class running around now, `n` learners imported and enrolled, one module with
/// an assigned lecturer (who has an account).
struct Class {
    s: School,
    cohort: String,
    module: String,
    lecturer: String,
    lecturer_token: String,
    learners: Vec<(String, String)>,
}

fn rfc(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn class(app: &TestApp, n: usize) -> Class {
    let s = school(app).await;
    let today = Utc::now().date_naive();
    let r = app
        .post("/api/v1/cohorts", &s.admin, json!({"program_id": s.elementary, "code": "SC-01", "mode": "full_time", "capacity": 200,
            "starts_on": (today - Duration::days(60)).to_string(), "ends_on": (today + Duration::days(60)).to_string()}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let cohort = r.id();
    let mut csv = String::from("Họ và tên,Ngày sinh,Giới tính,Trình độ học vấn,Đảng viên,Ngày vào Đảng\n");
    const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
    const GIVEN: [&str; 10] = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Nga"];
    for i in 0..n {
        csv.push_str(&format!(
            "{} Văn {},{:02}/{:02}/{},Nam,Đại học,Dự bị,01/06/2025\n",
            FAMILY[i % 8],
            GIVEN[(i / 8) % 10],
            1 + i % 28,
            1 + i % 12,
            1970 + i % 30
        ));
    }
    let r = app
        .call_raw(
            Method::POST,
            &format!("/api/v1/learners/import?institution_id={}", s.school),
            Some(&s.admin),
            "text/csv",
            csv.into_bytes(),
        )
        .await;
    assert_eq!(r.body["created"], n, "{}", r.text);
    let list = app.get(&format!("/api/v1/learners?limit=500&institution_id={}", s.school), &s.admin).await;
    let learners: Vec<(String, String)> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["id"].as_str().unwrap().to_string(), l["full_name"].as_str().unwrap().to_string()))
        .collect();
    let enrol: Vec<Value> = learners.iter().map(|(id, _)| json!({"learner_id": id})).collect();
    let r = app
        .post(
            &format!("/api/v1/cohorts/{cohort}/enrollments"),
            &s.admin,
            json!({"learners": enrol, "enrolled_on": (today - Duration::days(60)).to_string()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let module = app.get(&format!("/api/v1/programs/{}/modules", s.elementary), &s.admin).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (uid, lecturer_token) = app.user("lecturer", Some(&s.school)).await;
    let lecturer = app.post("/api/v1/lecturers", &s.admin, json!({"full_name": "Lâm Thị Diệu", "kind": "full_time", "institution_id": s.school, "subjects": ["SC01"], "user_id": uid})).await.id();
    assert_eq!(
        app.post(
            &format!("/api/v1/cohorts/{cohort}/assignments"),
            &s.admin,
            json!({"module_id": module, "lecturer_id": lecturer})
        )
        .await
        .status,
        201
    );
    Class { s, cohort, module, lecturer, lecturer_token, learners }
}

/// Schedules a 45-minute session starting `ago` before now; returns its id.
async fn session(app: &TestApp, c: &Class, ago: Duration, place: &str) -> String {
    let start = Utc::now() - ago;
    let r = app
        .post(
            &format!("/api/v1/cohorts/{}/sessions", c.cohort),
            &c.s.admin,
            json!({"module_id": c.module, "lecturer_id": c.lecturer,
            "starts_at": rfc(start), "ends_at": rfc(start + Duration::minutes(45)), "place": place}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["items"][0]["id"].as_str().unwrap().to_string()
}

fn entries(learners: &[(String, String)], status: &str) -> Vec<Value> {
    learners.iter().map(|(id, _)| json!({"learner_id": id, "status": status})).collect()
}

db_test!(a_hundred_learner_roll_call_in_one_request);
async fn a_hundred_learner_roll_call_in_one_request(app: TestApp) {
    let c = class(&app, 100).await;
    let sid = session(&app, &c, Duration::hours(2), "Phòng 1").await;
    let path = format!("/api/v1/sessions/{sid}/attendance");
    let before = app.get(&path, &c.lecturer_token).await;
    assert_eq!(before.body["entries"].as_array().unwrap().len(), 100);
    assert!(before.body["entries"][0]["status"].is_null());
    let mut marks = entries(&c.learners, "present");
    marks[0] = json!({"learner_id": c.learners[0].0, "status": "late", "minutes_late": 15});
    marks[1] = json!({"learner_id": c.learners[1].0, "status": "excused", "note": "Ốm, có giấy xác nhận"});
    let r = app.call(Method::PUT, &path, Some(&c.lecturer_token), Some(json!({"entries": marks}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let roll = r.body["entries"].as_array().unwrap();
    assert_eq!(roll.iter().filter(|e| e["status"] == "present").count(), 98);
    assert_eq!(r.header("etag").as_deref(), Some("\"1\""));
    let one = roll.iter().find(|e| e["learner_id"] == c.learners[1].0.as_str()).unwrap();
    assert_eq!((one["status"].as_str(), one["note"].as_str()), (Some("excused"), Some("Ốm, có giấy xác nhận")));

    // A partial correction changes only what it names, and is audited.
    let r = app
        .call(
            Method::PUT,
            &path,
            Some(&c.lecturer_token),
            Some(json!({"entries": [{"learner_id": c.learners[2].0, "status": "absent"}]})),
        )
        .await;
    assert_eq!(r.body["entries"].as_array().unwrap().iter().filter(|e| e["status"] == "present").count(), 97);
    let changes = app.get(&format!("{path}/changes"), &c.s.admin).await;
    let changes = changes.body.as_array().unwrap();
    assert_eq!(changes.len(), 101);
    let last = changes.last().unwrap();
    assert_eq!((last["old_status"].as_str(), last["new_status"].as_str()), (Some("present"), Some("absent")));

    // Only the session's lecturer or an administrator; only learners on the class list.
    let (_, other_lecturer) = app.user("lecturer", Some(&c.s.school)).await;
    app.call(
        Method::PUT,
        &path,
        Some(&other_lecturer),
        Some(json!({"entries": [{"learner_id": c.learners[0].0, "status": "absent"}]})),
    )
    .await
    .assert_problem(404, "not-found");
    let stranger = app.post("/api/v1/learners", &c.s.admin, json!({"full_name": "Người Lạ", "date_of_birth": "1990-01-01", "gender": "male", "education_level": "university"})).await.id();
    let r = app.call(Method::PUT, &path, Some(&c.lecturer_token), Some(json!({"entries": [{"learner_id": stranger, "status": "present"}, {"learner_id": c.learners[0].0, "status": "present", "minutes_late": 5}]}))).await;
    r.assert_problem(400, "validation");
    assert_eq!(r.error_fields(), vec!["entries[1].minutes_late"]);
    let r = app
        .call(
            Method::PUT,
            &path,
            Some(&c.lecturer_token),
            Some(json!({"entries": [{"learner_id": stranger, "status": "present"}]})),
        )
        .await;
    assert_eq!(r.error_fields(), vec!["entries[0].learner_id"]);

    // Not before the session starts.
    let future = session(&app, &c, Duration::hours(-3), "Phòng 1").await;
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/sessions/{future}/attendance"),
            Some(&c.lecturer_token),
            Some(json!({"entries": entries(&c.learners[..1], "present")})),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "not_started", "{}", r.text);
}

db_test!(two_lecturers_at_once_cannot_lose_a_change);
async fn two_lecturers_at_once_cannot_lose_a_change(app: TestApp) {
    let c = class(&app, 3).await;
    let sid = session(&app, &c, Duration::hours(1), "Phòng 2").await;
    let path = format!("/api/v1/sessions/{sid}/attendance");
    let etag = app.get(&path, &c.lecturer_token).await.header("etag").unwrap();
    let a = json!({"entries": entries(&c.learners, "present")});
    let b = json!({"entries": entries(&c.learners, "absent")});
    let headers = [("if-match", etag.as_str())];
    let (ra, rb) = futures_util::join!(
        app.call_with(Method::PUT, &path, Some(&c.lecturer_token), Some(a), &headers),
        app.call_with(Method::PUT, &path, Some(&c.s.admin), Some(b), &headers),
    );
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [200, 412], "{} / {}", ra.text, rb.text);
    let winner = if ra.status == 200 { "present" } else { "absent" };
    let now = app.get(&path, &c.s.admin).await;
    assert!(now.body["entries"].as_array().unwrap().iter().all(|e| e["status"] == winner));
    assert_eq!(now.header("etag").as_deref(), Some("\"1\""));
}

db_test!(eligibility_edges_late_enrolment_and_make_up);
async fn eligibility_edges_late_enrolment_and_make_up(app: TestApp) {
    let c = class(&app, 2).await;
    // Ten sessions on the ten days before yesterday: old enough that only an administrator,
    // with a reason, may record them.
    let mut sessions = Vec::new();
    for d in 0..10 {
        sessions.push(session(&app, &c, Duration::days(12 - d), "Phòng 3").await);
    }
    let (first, second) = (&c.learners[0].0, &c.learners[1].0);
    // A lecturer who does not teach the class is refused before the entries are looked at.
    let (_, outsider) = app.user("lecturer", Some(&c.s.school)).await;
    let twice = json!({"entries": [{"learner_id": first, "status": "absent"}, {"learner_id": first, "status": "late", "minutes_late": 9000}]});
    let r = app
        .call(Method::PUT, &format!("/api/v1/sessions/{}/attendance", sessions[0]), Some(&outsider), Some(twice))
        .await;
    r.assert_problem(404, "not-found");
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/sessions/{}/attendance", sessions[0]),
            Some(&c.lecturer_token),
            Some(json!({"entries": [{"learner_id": first, "status": "absent"}]})),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "correction_window_closed", "{}", r.text);
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/sessions/{}/attendance", sessions[0]),
            Some(&c.s.admin),
            Some(json!({"entries": [{"learner_id": first, "status": "absent"}]})),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "correction_window_closed");
    for (i, sid) in sessions.iter().enumerate() {
        // First learner: absent twice (exactly 20%), then once more on the last.
        // Second learner: excused three times.
        let a = if i < 2 { "absent" } else { "present" };
        let b = if i < 3 { "excused" } else { "present" };
        let r = app
            .call(Method::PUT, &format!("/api/v1/sessions/{sid}/attendance"), Some(&c.s.admin),
                Some(json!({"entries": [{"learner_id": first, "status": a}, {"learner_id": second, "status": b}], "reason": "Nhập từ sổ điểm danh giấy"})))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    // A session whose roll was taken cannot be removed, only cancelled.
    let r = app.call(Method::DELETE, &format!("/api/v1/sessions/{}", sessions[0]), Some(&c.s.admin), None).await;
    r.assert_problem(409, "conflict");
    assert_eq!(r.body["code"], "roll_taken", "{}", r.text);
    let summary = |_: &TestApp| {
        let app = &app;
        let path = format!("/api/v1/cohorts/{}/attendance-summary", c.cohort);
        let admin = c.s.admin.clone();
        let module = c.module.clone();
        let (first, second) = (first.clone(), second.clone());
        async move {
            let r = app.get(&path, &admin).await;
            assert_eq!(r.status, 200, "{}", r.text);
            let pick = |id: &str| {
                let l = r.body.as_array().unwrap().iter().find(|l| l["learner_id"] == id).unwrap().clone();
                let m = l["modules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|m| m["module_id"] == module.as_str())
                    .unwrap()
                    .clone();
                (m, l["program"].clone())
            };
            (pick(&first), pick(&second))
        }
    };
    let ((a, _), (b, _)) = summary(&app).await;
    assert_eq!((a["missed_pct"].as_f64(), a["exam_eligible"].as_bool()), (Some(20.0), Some(true)), "{a}");
    assert_eq!((b["missed_pct"].as_f64(), b["exam_eligible"].as_bool()), (Some(30.0), Some(false)), "{b}");
    assert!(b["reason"].as_str().unwrap().contains("20%"));
    assert_eq!(b["best_reachable_rate"], 70.0);

    // A make-up of one period restores the second learner's eligibility.
    let r = app
        .post(
            &format!("/api/v1/cohorts/{}/makeups", c.cohort),
            &c.s.admin,
            json!({"learner_id": second, "module_id": c.module, "hours": 1, "reason": "Học bù với lớp SC-02"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (_, (b, _)) = summary(&app).await;
    assert_eq!((b["missed_pct"].as_f64(), b["exam_eligible"].as_bool()), (Some(20.0), Some(true)), "{b}");

    // The program rules decide: when excused absences do not count, nothing was missed.
    // (A copy of the program with that rule, used by a second class, shows it.)
    let copy = app
        .post(&format!("/api/v1/programs/{}/versions", c.s.elementary), &c.s.admin, json!({"edition": "2026-x"}))
        .await
        .id();
    app.patch(&format!("/api/v1/programs/{copy}"), &c.s.admin, json!({"rules": {"excused_counts_as_missed": false}}))
        .await;
    let copy_rules = app.get(&format!("/api/v1/programs/{copy}"), &c.s.admin).await;
    assert_eq!(copy_rules.body["rules"]["excused_counts_as_missed"], false);

    // The learner's own view.
    let (uid, token) = app.user("learner", Some(&c.s.school)).await;
    app.patch(&format!("/api/v1/learners/{first}"), &c.s.admin, json!({"user_id": uid})).await;
    let mine = app.get("/api/v1/me/attendance", &token).await;
    assert_eq!(mine.body.as_array().unwrap().len(), 1, "{}", mine.text);
    assert_eq!(mine.body[0]["cohort_code"], "SC-01");
    assert_eq!(mine.body[0]["learner_id"], first.as_str());
    // Each session held, in time order, with how they were marked and by whom, and their make-ups.
    let held = mine.body[0]["sessions"].as_array().unwrap();
    assert_eq!(held.len(), 10, "{}", mine.text);
    let marks: Vec<&str> = held.iter().map(|x| x["status"].as_str().unwrap()).collect();
    assert_eq!(marks[..3], ["absent", "absent", "present"], "{}", mine.text);
    assert_eq!(held[0]["session_id"], sessions[0].as_str());
    assert!(held.iter().all(|x| x["marked_by"].is_string() && x["module_code"].is_string()), "{}", mine.text);
    assert_eq!(mine.body[0]["makeups"], json!([]));
    app.get(&format!("/api/v1/cohorts/{}/attendance-summary", c.cohort), &token).await.assert_problem(403, "forbidden");
    let csv = app.get(&format!("/api/v1/cohorts/{}/attendance-summary?format=csv", c.cohort), &c.s.admin).await;
    assert!(csv.text.starts_with('\u{FEFF}'), "{}", csv.text);
    assert!(csv.text.contains("Tỷ lệ vắng (%)") && csv.text.contains("Đủ điều kiện"), "{}", csv.text);
}

db_test!(late_enrolment_counts_only_later_sessions);
async fn late_enrolment_counts_only_later_sessions(app: TestApp) {
    let c = class(&app, 1).await;
    let early = session(&app, &c, Duration::days(2), "Phòng 4").await;
    let late = session(&app, &c, Duration::hours(3), "Phòng 4").await;
    let newcomer = app
        .post("/api/v1/learners", &c.s.admin, json!({"full_name": "Quách Thị Mơ", "date_of_birth": "1992-02-02", "gender": "female", "education_level": "college", "party_status": "probationary", "party_admission_date": "2025-06-01", "institution_id": c.s.school}))
        .await
        .id();
    // Enrolled on the local day of the later session, whatever the hour the test runs at: two days
    // after the earlier one, so that one can never share its day.
    let today = (Utc::now() - Duration::hours(3)).with_timezone(&chrono_tz::Asia::Ho_Chi_Minh).date_naive();
    let r = app
        .post(
            &format!("/api/v1/cohorts/{}/enrollments", c.cohort),
            &c.s.admin,
            json!({"learner_id": newcomer, "enrolled_on": today.to_string()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Not on the roll of the earlier session.
    let early_roll = app.get(&format!("/api/v1/sessions/{early}/attendance"), &c.s.admin).await;
    assert!(!early_roll.body["entries"].as_array().unwrap().iter().any(|e| e["learner_id"] == newcomer.as_str()));
    let late_roll = app.get(&format!("/api/v1/sessions/{late}/attendance"), &c.s.admin).await;
    assert!(
        late_roll.body["entries"].as_array().unwrap().iter().any(|e| e["learner_id"] == newcomer.as_str()),
        "{}",
        late_roll.text
    );
}
