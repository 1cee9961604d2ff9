use actix_web::http::Method;
use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::db_test;
use crate::support::TestApp;

/// Marks a sealed exam: `marks` by learner id (`None` = absent), as its one grader.
async fn mark(app: &TestApp, exam: &str, grader: &str, marks: &[(&str, Option<f64>)]) {
    let entries: Vec<Value> = marks
        .iter()
        .map(|(l, m)| match m {
            Some(g) => json!({"learner_id": l, "grade": g}),
            None => json!({"learner_id": l, "presence": "absent"}),
        })
        .collect();
    let r = app
        .call(Method::PUT, &format!("/api/v1/exams/{exam}/grades"), Some(grader), Some(json!({"entries": entries})))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

db_test!(a_class_from_exams_to_classified_results);
async fn a_class_from_exams_to_classified_results(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let today = Utc::now().date_naive();
    // A small elementary program: two modules (60 and 30 periods), one graduation subject, field study required.
    let p = app
        .post("/api/v1/programs", &admin, json!({"code": "SC-T", "title": "Sơ cấp thử", "level": "elementary", "edition": "2026",
            "rules": {"field_study_required": true, "graduation_essay": false, "graduation_subjects": [{"code": "TN1", "title": "Tổng hợp"}]}}))
        .await;
    let program = p.id();
    let m1 = app
        .post(
            &format!("/api/v1/programs/{program}/modules"),
            &admin,
            json!({"code": "M1", "title": "Học phần một", "hours": 60}),
        )
        .await
        .id();
    let m2 = app
        .post(
            &format!("/api/v1/programs/{program}/modules"),
            &admin,
            json!({"code": "M2", "title": "Học phần hai", "hours": 30}),
        )
        .await
        .id();
    assert_eq!(app.post(&format!("/api/v1/programs/{program}/publish"), &admin, json!(null)).await.status, 200);
    let cohort = app
        .post("/api/v1/cohorts", &admin, json!({"program_id": program, "code": "SC-T1", "mode": "full_time", "capacity": 10,
            "starts_on": (today - Duration::days(20)).to_string(), "ends_on": (today + Duration::days(20)).to_string()}))
        .await
        .id();
    let mut learners = Vec::new();
    for (name, dob) in [
        ("Lê Văn An", "1980-01-01"),
        ("Trần Thị Bảo", "1981-01-01"),
        ("Phạm Văn Cư", "1982-01-01"),
        ("Đỗ Thị Dung", "1983-01-01"),
    ] {
        let (uid, token) = app.user("learner", Some(&school)).await;
        let id = app
            .post("/api/v1/learners", &admin, json!({"full_name": name, "date_of_birth": dob, "gender": "male", "education_level": "university",
                "party_status": "probationary", "party_admission_date": "2025-05-01", "institution_id": school, "user_id": uid}))
            .await
            .id();
        assert_eq!(
            app.post(&format!("/api/v1/cohorts/{cohort}/enrollments"), &admin, json!({"learner_id": id})).await.status,
            201
        );
        learners.push((id, token));
    }
    let (a, b, c, d) = (learners[0].0.as_str(), learners[1].0.as_str(), learners[2].0.as_str(), learners[3].0.as_str());
    let (luid, grader) = app.user("lecturer", Some(&school)).await;
    let lecturer = app
        .post(
            "/api/v1/lecturers",
            &admin,
            json!({"full_name": "Ngô Văn Chấm", "kind": "full_time", "institution_id": school, "user_id": luid}),
        )
        .await
        .id();
    let exam = |body: Value| {
        let (app, admin, cohort) = (&app, admin.clone(), cohort.clone());
        async move {
            let mut body = body;
            body["held_on"] = json!(today.to_string());
            body["grading_deadline"] = json!((today + Duration::days(5)).to_string());
            let r = app.post(&format!("/api/v1/cohorts/{cohort}/exams"), &admin, body).await;
            assert_eq!(r.status, 201, "{}", r.text);
            let id = r.id();
            assert_eq!(app.post(&format!("/api/v1/exams/{id}/seal"), &admin, json!(null)).await.status, 200);
            id
        }
    };
    let e1 = exam(json!({"kind": "module", "module_id": m1, "graders": [lecturer]})).await;
    let e2 = exam(json!({"kind": "module", "module_id": m2, "graders": [lecturer]})).await;
    let tn = exam(json!({"kind": "graduation", "subject_code": "TN1", "graders": [lecturer]})).await;
    mark(&app, &e1, &grader, &[(a, Some(9.0)), (b, Some(4.0)), (c, Some(8.0)), (d, None)]).await;
    mark(&app, &e2, &grader, &[(a, Some(9.0)), (b, Some(6.0)), (c, Some(7.0)), (d, Some(6.0))]).await;
    mark(&app, &tn, &grader, &[(a, Some(8.5)), (b, Some(7.0)), (c, Some(7.0)), (d, Some(6.0))]).await;
    // The marking counts in the grader's workload: 11 papers sat (the absent one earns nothing),
    // 0.25 standard hours each by default, and no session taught.
    let w = app.get(&format!("/api/v1/reports/lecturer-workload?from={today}&to={today}"), &admin).await;
    assert_eq!(w.status, 200, "{}", w.text);
    let row = w.body.as_array().unwrap().iter().find(|r| r["lecturer_id"] == lecturer.as_str()).expect("the grader");
    assert_eq!(
        (&row["sessions"], &row["papers_marked"], &row["reports_graded"], &row["standard_hours"]),
        (&json!(0), &json!(11), &json!(0), &json!(2.8)),
        "{row}"
    );
    for e in [&e1, &tn] {
        assert_eq!(app.post(&format!("/api/v1/exams/{e}/publish"), &admin, json!(null)).await.status, 200);
    }

    // The exams are in the learners' and the grader's schedules.
    let sched = app.get(&format!("/api/v1/me/schedule?from={today}&to={today}"), &learners[0].1).await;
    assert_eq!(sched.body.as_array().unwrap().iter().filter(|i| i["kind"] == "exam").count(), 3, "{}", sched.text);
    let sched = app.get(&format!("/api/v1/me/schedule?from={today}&to={today}"), &grader).await;
    assert_eq!(sched.body.as_array().unwrap().iter().filter(|i| i["kind"] == "exam").count(), 3, "{}", sched.text);

    // Learners see only published grades: M2 is not yet published.
    let mine = app.get("/api/v1/me/results", &learners[0].1).await;
    assert_eq!(mine.body[0]["modules"][1]["grade"], Value::Null, "{}", mine.text);
    assert_eq!(mine.body[0]["modules"][0]["grade"], 9.0);
    assert_eq!(app.post(&format!("/api/v1/exams/{e2}/publish"), &admin, json!(null)).await.status, 200);

    // The retake: only those who failed or missed the first sitting may sit it.
    let r = app
        .post(
            &format!("/api/v1/cohorts/{cohort}/exams"),
            &admin,
            json!({"kind": "retake", "retake_of_id": e1, "held_on": today.to_string(),
            "grading_deadline": (today + Duration::days(5)).to_string(), "graders": [lecturer]}),
        )
        .await;
    let retake = r.id();
    let cands = app.get(&format!("/api/v1/exams/{retake}/candidates"), &admin).await;
    let eligible: Vec<&str> = cands
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["eligible"] == true)
        .map(|c| c["learner_id"].as_str().unwrap())
        .collect();
    assert_eq!(eligible.len(), 2, "{}", cands.text);
    assert!(eligible.contains(&b) && eligible.contains(&d));
    let passed = cands.body.as_array().unwrap().iter().find(|x| x["learner_id"] == a).unwrap();
    assert_eq!(
        (passed["reasons"][0]["code"].as_str(), passed["reasons"][0]["message"].as_str()),
        (Some("already_passed"), Some("Đã đạt học phần này."))
    );
    app.post(&format!("/api/v1/exams/{retake}/seal"), &admin, json!(null)).await;
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/exams/{retake}/grades"),
            Some(&grader),
            Some(json!({"entries": [{"learner_id": a, "grade": 10}]})),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "not_a_candidate", "{}", r.text);
    mark(&app, &retake, &grader, &[(b, Some(9.5)), (d, Some(5.0))]).await;
    app.post(&format!("/api/v1/exams/{retake}/publish"), &admin, json!(null)).await;

    // Field study: An 9, Bảo 8, Cư 4 (fails it); Dung submits nothing.
    let trip = app
        .post(&format!("/api/v1/cohorts/{cohort}/field-trips"), &admin, json!({"destination": "Xã Thanh Sơn", "starts_on": today.to_string(),
            "ends_on": today.to_string(), "leader": "Ngô Văn Chấm", "report_due_on": (today + Duration::days(10)).to_string()}))
        .await
        .id();
    for (i, g) in [(0, 9.0), (1, 8.0), (2, 4.0)] {
        let r = app
            .call(
                Method::PUT,
                &format!("/api/v1/field-trips/{trip}/reports/me"),
                Some(&learners[i].1),
                Some(json!({"text": "Bài thu hoạch"})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let r = app
            .call(
                Method::PUT,
                &format!("/api/v1/field-trips/{trip}/reports/{}/grade", learners[i].0),
                Some(&admin),
                Some(json!({"grade": g})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }

    let results = app.get(&format!("/api/v1/cohorts/{cohort}/results"), &admin).await;
    assert_eq!(results.status, 200, "{}", results.text);
    let of = |id: &str| results.body.as_array().unwrap().iter().find(|r| r["learner_id"] == id).unwrap().clone();
    // Each learner's own results, read for them alone, are their row of the class's.
    for (id, token) in &learners {
        let mut mine = app.get("/api/v1/me/results", token).await.body[0].clone();
        for k in ["cohort_id", "cohort_code"] {
            mine.as_object_mut().unwrap().remove(k);
        }
        assert_eq!(mine, of(id));
    }
    let ra = of(a);
    assert_eq!(
        (ra["outcome"].as_str(), ra["average"].as_f64(), ra["classification"].as_str()),
        (Some("graduated"), Some(9.0), Some("xuat_sac")),
        "{ra}"
    );
    // Each graduation subject is an object with its code, title and grade.
    assert_eq!(ra["graduation"][0]["code"], "TN1", "{ra}");
    assert_eq!(ra["graduation"][0]["title"], "Tổng hợp", "{ra}");
    assert!(ra["graduation"][0]["grade"].is_number(), "{ra}");
    // Bảo: the retake's 9.5 counts ((9.5·60 + 6·30)/90 = 8.3, giỏi), lowered one band for the retake.
    let rb = of(b);
    assert_eq!(
        (rb["outcome"].as_str(), rb["average"].as_f64(), rb["classification"].as_str(), rb["capped"].as_bool()),
        (Some("graduated"), Some(8.3), Some("kha"), Some(true)),
        "{rb}"
    );
    let rc = of(c);
    assert_eq!(rc["outcome"], "failed", "{rc}");
    // Each reason has a stable code, its parameters and a text in the caller's language
    // (Vietnamese unless English is asked for).
    assert_eq!(rc["reasons"][0]["code"], "field_study_below_pass", "{rc}");
    assert_eq!(rc["reasons"][0]["params"]["pass_mark"].as_f64(), Some(5.0), "{rc}");
    assert!(rc["reasons"][0]["params"]["grade"].is_number(), "{rc}");
    assert!(rc["reasons"][0]["message"].as_str().unwrap().starts_with("Nghiên cứu thực tế"), "{rc}");
    let english = app
        .call_with(
            Method::GET,
            &format!("/api/v1/cohorts/{cohort}/results"),
            Some(&admin),
            None,
            &[("accept-language", "en")],
        )
        .await;
    let rc_en = english.body.as_array().unwrap().iter().find(|r| r["learner_id"] == c).unwrap().clone();
    assert!(rc_en["reasons"][0]["message"].as_str().unwrap().starts_with("Field study"), "{rc_en}");
    let rd = of(d);
    assert_eq!(rd["outcome"], "pending", "{rd}");
    assert!(rd["reasons"].as_array().unwrap().iter().any(|r| r["code"] == "field_study_no_grade"), "{rd}");
    // Conduct: a yếu blocks graduation; the head teacher records it, other lecturers may not
    // (this grader does not teach the class, so cannot even see it until made head teacher).
    let conduct = format!("/api/v1/cohorts/{cohort}/conduct/{a}");
    let weak = json!({"political": "tot", "discipline": "yeu", "class_rules": "kha", "comment": "Nghỉ học không phép nhiều buổi"});
    app.call(Method::PUT, &conduct, Some(&grader), Some(weak.clone())).await.assert_problem(404, "not-found");
    app.call(Method::PUT, &conduct, Some(&learners[0].1), Some(weak.clone())).await.assert_problem(403, "forbidden");
    app.patch(&format!("/api/v1/cohorts/{cohort}"), &admin, json!({"head_teacher_id": lecturer})).await;
    let r = app
        .call(
            Method::PUT,
            &conduct,
            Some(&grader),
            Some(json!({"political": "tot", "discipline": "tot", "class_rules": "tot", "measure": "warning"})),
        )
        .await;
    r.assert_problem(400, "validation");
    let r = app.call(Method::PUT, &conduct, Some(&grader), Some(weak)).await;
    assert_eq!((r.status, r.body["blocks_graduation"].as_bool()), (200, Some(true)), "{}", r.text);
    let blocked = app.get(&format!("/api/v1/cohorts/{cohort}/results"), &admin).await;
    let ra2 = blocked.body.as_array().unwrap().iter().find(|r| r["learner_id"] == a).unwrap().clone();
    assert_eq!(ra2["outcome"], "failed", "{ra2}");
    assert!(
        ra2["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["code"] == "conduct" && x["message"].as_str().unwrap().contains("yếu")),
        "{ra2}"
    );
    let r = app
        .call(
            Method::PUT,
            &conduct,
            Some(&admin),
            Some(json!({"political": "tot", "discipline": "tot", "class_rules": "tot"})),
        )
        .await;
    assert_eq!(r.body["version"], 2, "{}", r.text);
    assert_eq!(app.get(&format!("/api/v1/cohorts/{cohort}/conduct"), &admin).await.body.as_array().unwrap().len(), 1);
    app.get(&format!("/api/v1/cohorts/{cohort}/conduct"), &learners[0].1).await.assert_problem(403, "forbidden");

    let csv = app.get(&format!("/api/v1/cohorts/{cohort}/results?format=csv"), &admin).await;
    assert!(csv.text.contains("Xuất sắc") && csv.text.contains("Lê Văn An"), "{}", csv.text);
    // The file is in Vietnamese, reasons included.
    assert!(csv.text.contains("Nghiên cứu thực tế: ") && !csv.text.contains("Field study"), "{}", csv.text);

    // An appeal within the window changes the locked grade and is recorded; after the window it is refused.
    assert_eq!(app.post(&format!("/api/v1/exams/{e2}/lock"), &admin, json!(null)).await.status, 200);
    let r = app
        .post(&format!("/api/v1/exams/{e2}/appeals"), &learners[2].1, json!({"reason": "Đề nghị phúc khảo bài thi"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let appeal = r.id();
    app.post(&format!("/api/v1/exams/{e2}/appeals"), &learners[2].1, json!({"reason": "lần nữa"}))
        .await
        .assert_problem(409, "conflict");
    let r = app
        .post(
            &format!("/api/v1/appeals/{appeal}/resolve"),
            &admin,
            json!({"new_grade": 8.0, "resolution": "Cộng điểm câu 3 bị sót", "reviewer_id": lecturer}),
        )
        .await;
    assert_eq!(
        (r.body["status"].as_str(), r.body["old_grade"].as_f64(), r.body["new_grade"].as_f64()),
        (Some("resolved"), Some(7.0), Some(8.0)),
        "{}",
        r.text
    );
    app.post(&format!("/api/v1/appeals/{appeal}/resolve"), &admin, json!({"resolution": "x"}))
        .await
        .assert_problem(409, "conflict");
    let grades = app.get(&format!("/api/v1/exams/{e2}/grades"), &admin).await;
    let gc = grades.body.as_array().unwrap().iter().find(|g| g["learner_id"] == c).unwrap().clone();
    assert_eq!(gc["grade"], 8.0);
    let h = app.get(&format!("/api/v1/grades/{}/history", gc["id"].as_str().unwrap()), &admin).await;
    let whats: Vec<&str> = h.body.as_array().unwrap().iter().map(|x| x["what"].as_str().unwrap()).collect();
    assert_eq!(whats, vec!["mark", "published", "locked", "appeal"]);
    assert_eq!(h.body[3]["reason"], "Cộng điểm câu 3 bị sót");
    // Move the publication three weeks back: the 15-day window has closed.
    let e1_id: llct::db::ids::ExamId = e1.parse().unwrap();
    app.state
        .db
        .write(move |tx| {
            use diesel::prelude::*;
            use llct::db::schema::exams;
            let past = llct::db::now() - chrono::Duration::days(21);
            Ok(diesel::update(exams::table.find(e1_id)).set(exams::published_at.eq(past)).execute(tx)?)
        })
        .await
        .unwrap();
    let r = app.post(&format!("/api/v1/exams/{e1}/appeals"), &learners[1].1, json!({"reason": "Muộn"})).await;
    assert_eq!(r.body["errors"][0]["code"], "window_closed", "{}", r.text);
    app.post(&format!("/api/v1/exams/{e1}/appeals"), &admin, json!({"reason": "x"}))
        .await
        .assert_problem(403, "forbidden");
}
