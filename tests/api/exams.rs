use actix_web::http::Method;
use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::cohorts::{eligible, learner, school};
use crate::db_test;
use crate::support::TestApp;

struct Setup {
    admin: String,
    cohort: String,
    module: String,
    graders: Vec<(String, String)>,
    learners: Vec<(String, String)>,
}

/// An intermediate class of three learners (one withdrawn later) and three lecturers with accounts.
async fn setup(app: &TestApp) -> Setup {
    let s = school(app).await;
    let today = Utc::now().date_naive();
    let r = app
        .post("/api/v1/cohorts", &s.admin, json!({"program_id": s.intermediate, "code": "TC-90", "mode": "full_time", "capacity": 70,
            "starts_on": (today - Duration::days(30)).to_string(), "ends_on": (today + Duration::days(30)).to_string()}))
        .await;
    let cohort = r.id();
    let mut learners = Vec::new();
    for (name, dob) in [("Nguyễn Văn An", "1980-01-01"), ("Trần Thị Bích", "1981-02-02"), ("Lê Văn Cảnh", "1982-03-03")]
    {
        let (uid, token) = app.user("learner", Some(&s.school)).await;
        let mut body = eligible(name, dob, &s.school);
        body["user_id"] = json!(uid);
        let id = learner(app, &s.admin, body).await;
        assert_eq!(
            app.post(&format!("/api/v1/cohorts/{cohort}/enrollments"), &s.admin, json!({"learner_id": id}))
                .await
                .status,
            201
        );
        learners.push((id, token));
    }
    let module = app.get(&format!("/api/v1/programs/{}/modules", s.intermediate), &s.admin).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut graders = Vec::new();
    for name in ["Phạm Văn Chấm", "Hoàng Thị Điểm", "Vũ Văn Ba"] {
        let (uid, token) = app.user("lecturer", Some(&s.school)).await;
        let id = app
            .post(
                "/api/v1/lecturers",
                &s.admin,
                json!({"full_name": name, "kind": "full_time", "institution_id": s.school, "user_id": uid}),
            )
            .await
            .id();
        graders.push((id, token));
    }
    Setup { admin: s.admin, cohort, module, graders, learners }
}

fn grades_of(r: &crate::support::Resp) -> Vec<Value> {
    r.body.as_array().unwrap().clone()
}

db_test!(blind_double_marking_publication_and_history);
async fn blind_double_marking_publication_and_history(app: TestApp) {
    let t = setup(&app).await;
    let today = Utc::now().date_naive();
    // A learner withdraws: not a candidate.
    let list = app.get(&format!("/api/v1/cohorts/{}/enrollments", t.cohort), &t.admin).await;
    let withdrawn =
        list.body["items"].as_array().unwrap().iter().find(|e| e["learner_id"] == t.learners[2].0.as_str()).unwrap()
            ["id"]
            .as_str()
            .unwrap()
            .to_string();
    app.patch(
        &format!("/api/v1/enrollments/{withdrawn}"),
        &t.admin,
        json!({"status": "withdrawn", "withdraw_reason": "Ốm dài ngày"}),
    )
    .await;

    let graders: Vec<&str> = t.graders.iter().take(3).map(|g| g.0.as_str()).collect();
    let r = app
        .post(&format!("/api/v1/cohorts/{}/exams", t.cohort), &t.admin, json!({"kind": "module", "module_id": t.module, "held_on": today.to_string(),
            "grading_deadline": (today + Duration::days(7)).to_string(), "blind": true, "double_marking": true, "graders": graders}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let exam = r.id();
    let bad = app
        .post(
            &format!("/api/v1/cohorts/{}/exams", t.cohort),
            &t.admin,
            json!({"kind": "graduation", "subject_code": "X", "held_on": today.to_string(),
        "grading_deadline": (today - Duration::days(1)).to_string(), "double_marking": true, "graders": [graders[0]]}),
        )
        .await;
    let mut f = bad.error_fields();
    f.sort();
    assert_eq!(f, vec!["graders", "grading_deadline", "subject_code"], "{}", bad.text);

    let cands = app.get(&format!("/api/v1/exams/{exam}/candidates"), &t.admin).await;
    let c = cands.body.as_array().unwrap();
    assert_eq!(c.iter().filter(|c| c["eligible"] == true).count(), 2);
    let out = c.iter().find(|c| c["eligible"] == false).unwrap();
    assert_eq!(
        (out["reasons"][0]["code"].as_str(), out["reasons"][0]["message"].as_str()),
        (Some("withdrawn"), Some("Đã rút tên khỏi lớp.")),
        "{out}"
    );

    // Before sealing nothing can be marked; sealing draws codes.
    let (g1, g2, g3) = (&t.graders[0].1, &t.graders[1].1, &t.graders[2].1);
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/exams/{exam}/grades"),
            Some(g1),
            Some(json!({"entries": [{"code": "000000", "grade": 5}]})),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "not_open", "{}", r.text);
    assert_eq!(app.post(&format!("/api/v1/exams/{exam}/seal"), &t.admin, json!(null)).await.body["status"], "sealed");

    // Graders see codes only: no learner id or name on any endpoint they can call.
    let view = app.get(&format!("/api/v1/exams/{exam}/grades"), g1).await;
    assert_eq!(view.status, 200);
    for endpoint in [
        format!("/api/v1/exams/{exam}/grades"),
        format!("/api/v1/exams/{exam}/candidates"),
        format!("/api/v1/exams/{exam}"),
    ] {
        let r = app.get(&endpoint, g1).await;
        for (id, _) in &t.learners {
            assert!(!r.text.contains(id.as_str()), "{endpoint} leaks a learner id: {}", r.text);
        }
        for name in ["Nguyễn Văn An", "Trần Thị Bích"] {
            assert!(!r.text.contains(name), "{endpoint} leaks a name: {}", r.text);
        }
    }
    let admin_view = app.get(&format!("/api/v1/exams/{exam}/grades"), &t.admin).await;
    let by_name = |v: &[Value], name: &str| v.iter().find(|g| g["learner_name"] == name).unwrap().clone();
    let an = by_name(&grades_of(&admin_view), "Nguyễn Văn An");
    let bich = by_name(&grades_of(&admin_view), "Trần Thị Bích");
    let (code_an, code_bich) = (an["code"].as_str().unwrap().to_string(), bich["code"].as_str().unwrap().to_string());
    let put = |token: &str, body: Value| {
        let (app, exam, token) = (&app, exam.clone(), token.to_string());
        async move { app.call(Method::PUT, &format!("/api/v1/exams/{exam}/grades"), Some(&token), Some(body)).await }
    };
    // A lecturer of another school is refused before the marks are looked at.
    let elsewhere = app.institution("EXO", "provincial_school", None).await;
    let (_, stranger) = app.user("lecturer", Some(&elsewhere)).await;
    put(&stranger, json!({"entries": [{"code": code_an, "grade": 7.25}]})).await.assert_problem(404, "not-found");
    // Blind: learner ids are refused; bad marks are listed.
    let r = put(g1, json!({"entries": [{"learner_id": t.learners[0].0, "grade": 7}]})).await;
    assert_eq!(r.body["errors"][0]["code"], "blind_marking");
    let r = put(g1, json!({"entries": [{"code": code_an, "grade": 7.25}, {"code": code_bich}]})).await;
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(f, vec!["entries[0].grade", "entries[1].grade"]);

    // Double marking: first grader, second grader (mean), a wide gap goes to the third.
    let r = put(g1, json!({"entries": [{"code": code_an, "grade": 7.0}, {"code": code_bich, "grade": 5.0}]})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The grade-entry answer is blind too.
    assert!(!r.text.contains("Nguyễn Văn An") && !r.text.contains(t.learners[0].0.as_str()), "{}", r.text);
    let r = put(g2, json!({"entries": [{"code": code_an, "grade": 8.0}]})).await;
    let mine: Vec<Value> = grades_of(&r);
    let an_g2 = mine.iter().find(|g| g["code"] == code_an.as_str()).unwrap();
    assert_eq!(
        (an_g2["grade"].as_f64(), an_g2["first"].as_f64(), an_g2["second"].as_f64()),
        (Some(7.5), Some(7.0), Some(8.0))
    );
    // The second grader has not marked Bích yet, so sees nothing of the first mark.
    let bich_g2 = mine.iter().find(|g| g["code"] == code_bich.as_str()).unwrap();
    assert_eq!((bich_g2["first"].as_f64(), bich_g2["grade"].as_f64()), (None, None), "{bich_g2}");
    let r = put(g2, json!({"entries": [{"code": code_bich, "grade": 7.5}]})).await;
    let bich_now = grades_of(&r).into_iter().find(|g| g["code"] == code_bich.as_str()).unwrap();
    assert_eq!((bich_now["needs_third_grader"].as_bool(), bich_now["grade"].as_f64()), (Some(true), None));
    // Publishing now is refused, naming the script that waits.
    let r = app.post(&format!("/api/v1/exams/{exam}/publish"), &t.admin, json!(null)).await;
    r.assert_problem(422, "refused");
    assert!(r.text.contains(&code_bich));
    let r = put(g3, json!({"entries": [{"code": code_bich, "grade": 6.5, "reason": "Chấm lần ba"}]})).await;
    assert_eq!(grades_of(&r).into_iter().find(|g| g["code"] == code_bich.as_str()).unwrap()["grade"], 6.5);
    // Learners see nothing before publication.
    let me = app.get(&format!("/api/v1/exams/{exam}/grades"), &t.learners[0].1).await;
    assert_ne!(me.status, 200);

    assert_eq!(app.post(&format!("/api/v1/exams/{exam}/publish"), &t.admin, json!(null)).await.status, 200);
    // After publication names are joined back, and marks no longer change through grade entry.
    let after = app.get(&format!("/api/v1/exams/{exam}/grades"), g1).await;
    assert!(after.text.contains("Nguyễn Văn An"), "{}", after.text);
    let r = put(g1, json!({"entries": [{"code": code_an, "grade": 9}]})).await;
    assert_eq!(r.body["errors"][0]["code"], "not_open");
    assert_eq!(app.post(&format!("/api/v1/exams/{exam}/lock"), &t.admin, json!(null)).await.body["status"], "locked");
    app.post(&format!("/api/v1/exams/{exam}/lock"), &t.admin, json!(null)).await.assert_problem(409, "conflict");

    // The history of Bích's grade: each grader's mark, with who and why.
    let bich_id = bich["id"].as_str().unwrap();
    let h = app.get(&format!("/api/v1/grades/{bich_id}/history"), &t.admin).await;
    let h = h.body.as_array().unwrap();
    let whats: Vec<&str> = h.iter().map(|x| x["what"].as_str().unwrap()).collect();
    assert_eq!(whats, vec!["mark", "mark", "mark", "published", "locked"], "{h:?}");
    assert_eq!(h[2]["reason"], "Chấm lần ba");
    // Each change carries the grade before and after as structure: each marker's mark and the
    // final one on the 10-point scale, the presence, who made it and when.
    assert_eq!((h[0]["old"]["first"].as_f64(), h[0]["new"]["first"].as_f64()), (None, Some(5.0)), "{h:?}");
    assert_eq!(h[0]["new"]["presence"], "sat", "{h:?}");
    assert_eq!((h[1]["new"]["second"].as_f64(), h[1]["new"]["mark"].as_f64()), (Some(7.5), None), "{h:?}");
    assert_eq!((h[2]["new"]["third"].as_f64(), h[2]["new"]["mark"].as_f64()), (Some(6.5), Some(6.5)), "{h:?}");
    assert_eq!(h[3]["new"]["mark"].as_f64(), Some(6.5), "{h:?}");
    assert!(h.iter().all(|c| c["changed_by_name"].is_string() && c["changed_at"].is_string()), "{h:?}");
    app.get(&format!("/api/v1/grades/{bich_id}/history"), g1).await.assert_problem(403, "forbidden");
}

db_test!(deadlines_graders_and_concurrent_entry);
async fn deadlines_graders_and_concurrent_entry(app: TestApp) {
    let t = setup(&app).await;
    let today = Utc::now().date_naive();
    let r = app
        .post(
            &format!("/api/v1/cohorts/{}/exams", t.cohort),
            &t.admin,
            json!({"kind": "module", "module_id": t.module, "held_on": (today - Duration::days(10)).to_string(),
            "grading_deadline": (today - Duration::days(1)).to_string(), "graders": [t.graders[0].0, t.graders[1].0]}),
        )
        .await;
    let exam = r.id();
    app.post(&format!("/api/v1/exams/{exam}/seal"), &t.admin, json!(null)).await;
    let entry = json!({"entries": [{"learner_id": t.learners[0].0, "grade": 6}]});
    let r = app
        .call(Method::PUT, &format!("/api/v1/exams/{exam}/grades"), Some(&t.graders[0].1), Some(entry.clone()))
        .await;
    assert_eq!(r.body["errors"][0]["code"], "deadline_passed", "{}", r.text);
    // Not a grader of this exam; an administrator does not enter marks either.
    let r = app
        .call(Method::PUT, &format!("/api/v1/exams/{exam}/grades"), Some(&t.graders[2].1), Some(entry.clone()))
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = app.call(Method::PUT, &format!("/api/v1/exams/{exam}/grades"), Some(&t.admin), Some(entry.clone())).await;
    assert_eq!(r.body["errors"][0]["code"], "not_a_grader");
    // The administrator extends the deadline; two graders then mark at once: one final value,
    // both changes in the history.
    let r = app
        .patch(
            &format!("/api/v1/exams/{exam}"),
            &t.admin,
            json!({"grading_deadline": (today + Duration::days(3)).to_string()}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let path = format!("/api/v1/exams/{exam}/grades");
    let (a, b) = futures_util::join!(
        app.call(
            Method::PUT,
            &path,
            Some(&t.graders[0].1),
            Some(json!({"entries": [{"learner_id": t.learners[0].0, "grade": 6}]}))
        ),
        app.call(
            Method::PUT,
            &path,
            Some(&t.graders[1].1),
            Some(json!({"entries": [{"learner_id": t.learners[0].0, "grade": 8}]}))
        ),
    );
    assert!(a.status == 200 || b.status == 200, "{} / {}", a.text, b.text);
    let now = app.get(&path, &t.admin).await;
    let g = grades_of(&now).into_iter().find(|g| g["learner_id"] == t.learners[0].0.as_str()).unwrap();
    let final_grade = g["grade"].as_f64().unwrap();
    assert!(final_grade == 6.0 || final_grade == 8.0);
    let h = app.get(&format!("/api/v1/grades/{}/history", g["id"].as_str().unwrap()), &t.admin).await;
    let expected_changes = [a.status, b.status].iter().filter(|s| **s == 200).count();
    assert_eq!(h.body.as_array().unwrap().len(), expected_changes);
}

db_test!(a_graduation_subject_drawn_by_lot_and_marks_typed_from_the_paper_sheet);
async fn a_graduation_subject_drawn_by_lot_and_marks_typed_from_the_paper_sheet(app: TestApp) {
    let t = setup(&app).await;
    let today = Utc::now().date_naive();
    let cohort = app.get(&format!("/api/v1/cohorts/{}", t.cohort), &t.admin).await;
    let program = app.get(&format!("/api/v1/programs/{}", cohort.body["program_id"].as_str().unwrap()), &t.admin).await;
    let subjects: Vec<String> = program.body["rules"]["graduation_subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap().to_string())
        .collect();
    assert!(subjects.len() >= 2, "{}", program.text);
    let exams = format!("/api/v1/cohorts/{}/exams", t.cohort);
    let graduation = |extra: Value| {
        let mut body = json!({"kind": "graduation", "graders": [t.graders[0].0], "held_on": (today - Duration::days(1)).to_string(),
            "grading_deadline": (today + Duration::days(5)).to_string()});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    // When it sits and for how long: graduation exams last 180 minutes unless they say.
    let bad = app.post(&exams, &t.admin, graduation(json!({"start_time": "7h30", "duration_minutes": 5}))).await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(bad.error_fields(), vec!["start_time", "duration_minutes"], "{}", bad.text);
    let r = app.post(&exams, &t.admin, graduation(json!({"start_time": "07:30"}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (r.body["start_time"].as_str(), r.body["duration_minutes"].as_i64()),
        (Some("07:30"), Some(180)),
        "{}",
        r.text
    );
    assert!(r.body["subject_code"].is_null(), "{}", r.text);
    let exam = r.id();
    // No sealing before the draw; only an administrator draws, once.
    app.post(&format!("/api/v1/exams/{exam}/seal"), &t.admin, json!(null)).await.assert_problem(422, "refused");
    let draw = format!("/api/v1/exams/{exam}/draw");
    app.post(&draw, &t.graders[0].1, json!(null)).await.assert_problem(403, "forbidden");
    let d = app.post(&draw, &t.admin, json!(null)).await;
    assert_eq!(d.status, 200, "{}", d.text);
    let drawn = d.body["subject_code"].as_str().unwrap().to_string();
    assert!(subjects.contains(&drawn), "{drawn} {subjects:?}");
    let me = app.get("/api/v1/me", &t.admin).await.body["id"].as_str().unwrap().to_string();
    assert_eq!(d.body["drawn_by"].as_str(), Some(me.as_str()), "{}", d.text);
    app.post(&draw, &t.admin, json!(null)).await.assert_problem(409, "conflict");
    // The candidates see what was drawn.
    let seen = app.get(&format!("/api/v1/exams/{exam}"), &t.learners[0].1).await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!((seen.body["subject_code"].as_str(), seen.body["drawn_at"].is_string()), (Some(drawn.as_str()), true));
    // Another graduation exam draws among the subjects left; once none is left, none is drawn.
    let mut all = vec![drawn.clone()];
    for _ in 1..subjects.len() {
        let other = app.post(&exams, &t.admin, graduation(json!({}))).await.id();
        let d = app.post(&format!("/api/v1/exams/{other}/draw"), &t.admin, json!(null)).await;
        all.push(d.body["subject_code"].as_str().unwrap().to_string());
    }
    all.sort();
    let mut want = subjects.clone();
    want.sort();
    assert_eq!(all, want, "each subject drawn once");
    let last = app.post(&exams, &t.admin, graduation(json!({}))).await.id();
    app.post(&format!("/api/v1/exams/{last}/draw"), &t.admin, json!(null)).await.assert_problem(422, "refused");
    let module = app
        .post(
            &exams,
            &t.admin,
            json!({"kind": "module", "module_id": t.module, "graders": [t.graders[0].0],
            "held_on": today.to_string(), "grading_deadline": (today + Duration::days(5)).to_string()}),
        )
        .await;
    assert_eq!(module.body["duration_minutes"].as_i64(), Some(90), "{}", module.text);
    app.post(&format!("/api/v1/exams/{}/draw", module.id()), &t.admin, json!(null))
        .await
        .assert_problem(422, "refused");

    // The marks arrive on the grader's signed sheet: the administrator types them for the grader.
    assert_eq!(app.post(&format!("/api/v1/exams/{exam}/seal"), &t.admin, json!(null)).await.status, 200);
    let grades = format!("/api/v1/exams/{exam}/grades");
    let entries = json!([{"learner_id": t.learners[0].0, "grade": 7.5}, {"learner_id": t.learners[1].0, "grade": 6}]);
    let r = app
        .call(Method::PUT, &grades, Some(&t.admin), Some(json!({"entries": entries, "on_behalf_of": t.graders[0].0})))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.error_fields(), vec!["sheet_reference"], "{}", r.text);
    let sheet = "BĐ-TN/2026-07";
    app.call(
        Method::PUT,
        &grades,
        Some(&t.admin),
        Some(json!({"entries": entries, "on_behalf_of": t.graders[1].0, "sheet_reference": sheet})),
    )
    .await
    .assert_problem(422, "refused");
    app.call(
        Method::PUT,
        &grades,
        Some(&t.graders[0].1),
        Some(json!({"entries": entries, "on_behalf_of": t.graders[0].0, "sheet_reference": sheet})),
    )
    .await
    .assert_problem(403, "forbidden");
    let r = app
        .call(
            Method::PUT,
            &grades,
            Some(&t.admin),
            Some(json!({"entries": entries, "on_behalf_of": t.graders[0].0, "sheet_reference": sheet})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let grade = grades_of(&r).into_iter().find(|g| g["learner_id"] == t.learners[0].0.as_str()).unwrap();
    assert_eq!(grade["grade"].as_f64(), Some(7.5), "{}", r.text);
    let h = app.get(&format!("/api/v1/grades/{}/history", grade["id"].as_str().unwrap()), &t.admin).await;
    assert_eq!(h.status, 200, "{}", h.text);
    let typed = h.body.as_array().unwrap().last().unwrap();
    assert_eq!(
        (typed["changed_by"].as_str(), typed["on_behalf_of"].as_str(), typed["sheet_reference"].as_str()),
        (Some(me.as_str()), Some(t.graders[0].0.as_str()), Some(sheet)),
        "{}",
        h.text
    );
}

db_test!(rooms_seat_the_candidates_and_print_their_papers);
async fn rooms_seat_the_candidates_and_print_their_papers(app: TestApp) {
    let t = setup(&app).await;
    let today = Utc::now().date_naive();
    let exams = format!("/api/v1/cohorts/{}/exams", t.cohort);
    let invigilator = &t.graders[2];
    let sitting = |start: &str, rooms: Value| {
        json!({"kind": "module", "module_id": t.module, "graders": [t.graders[0].0], "blind": true,
            "held_on": today.to_string(), "grading_deadline": (today + Duration::days(5)).to_string(),
            "start_time": start, "duration_minutes": 90, "rooms": rooms})
    };
    let rooms = json!([{"name": "Phòng 201", "capacity": 2, "invigilators": [invigilator.0]},
        {"name": "Phòng 202", "capacity": 5, "invigilators": [invigilator.0]}]);
    let bad = app
        .post(&exams, &t.admin, sitting("07:30", json!([{"name": "", "capacity": 0, "invigilators": []}, {"name": "Phòng 201", "capacity": 3, "invigilators": [t.module]}])))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(
        bad.error_fields(),
        vec!["rooms[0].name", "rooms[0].capacity", "rooms[0].invigilators", "rooms[1].invigilators[0]"],
        "{}",
        bad.text
    );
    let r = app.post(&exams, &t.admin, sitting("07:30", rooms.clone())).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let exam = r.id();
    // Room 201 is taken until 09:00; from 09:00 it is free again.
    let clash = app
        .post(
            &exams,
            &t.admin,
            sitting("08:59", json!([{"name": "phòng 201", "capacity": 9, "invigilators": [invigilator.0]}])),
        )
        .await;
    clash.assert_problem(409, "conflict");
    assert!(clash.text.contains("201") && clash.text.contains("TC-90"), "{}", clash.text);
    let later = app
        .post(
            &exams,
            &t.admin,
            sitting("09:00", json!([{"name": "Phòng 201", "capacity": 1, "invigilators": [invigilator.0]}])),
        )
        .await;
    assert_eq!(later.status, 201, "{}", later.text);
    // Three candidates do not fit in one seat.
    app.post(&format!("/api/v1/exams/{}/seal", later.id()), &t.admin, json!(null)).await.assert_problem(422, "refused");

    let list = format!("/api/v1/exams/{exam}/room-list");
    app.get(&list, &t.admin).await.assert_problem(409, "conflict");
    assert_eq!(app.post(&format!("/api/v1/exams/{exam}/seal"), &t.admin, json!(null)).await.status, 200);
    let pdf = app.get(&list, &t.admin).await;
    assert_eq!(pdf.status, 200, "{}", pdf.text);
    assert_eq!(pdf.header("content-type").as_deref(), Some("application/pdf"));
    let text = crate::certificates::pdf_text(&pdf.bytes);
    for want in
        ["DANH SÁCH THÍ SINH", "Phòng 201", "Phòng 202", "Nguyễn Văn An", "Trần Thị Bích", "Lê Văn Cảnh", "Vũ Văn Ba"]
    {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    // The invigilator prints the room list, not the score sheet; the grader prints both.
    assert_eq!(app.get(&list, &invigilator.1).await.status, 200);
    let sheet = format!("/api/v1/exams/{exam}/score-sheet");
    assert_ne!(app.get(&sheet, &invigilator.1).await.status, 200);
    let pdf = app.get(&sheet, &t.graders[0].1).await;
    assert_eq!(pdf.status, 200, "{}", pdf.text);
    let text = crate::certificates::pdf_text(&pdf.bytes);
    assert!(text.contains("BẢNG ĐIỂM THI") && text.contains("Phạm Văn Chấm"), "{text}");
    // Blind marking: codes, never names.
    let codes = app.get(&format!("/api/v1/exams/{exam}/grades"), &t.graders[0].1).await;
    let code = codes.body[0]["code"].as_str().unwrap().to_string();
    assert!(text.contains(&code) && !text.contains("Nguyễn Văn An"), "{text}");
    let xlsx = app.get(&format!("{sheet}?format=xlsx"), &t.admin).await;
    assert_eq!((xlsx.status, &xlsx.bytes[..2]), (200, &b"PK"[..]));
    // The sealed sitting counts once for its invigilator, in two rooms; the one not sealed, not.
    let w = app.get(&format!("/api/v1/reports/lecturer-workload?from={today}&to={today}"), &t.admin).await;
    assert_eq!(w.status, 200, "{}", w.text);
    let mine = w.body.as_array().unwrap().iter().find(|r| r["lecturer_id"] == invigilator.0.as_str()).unwrap();
    assert_eq!(
        (mine["sittings_invigilated"].as_i64(), mine["standard_hours"].as_f64()),
        (Some(1), Some(0.5)),
        "{mine}"
    );
    // The rooms stay as they were once sealed.
    let e = app.get(&format!("/api/v1/exams/{exam}"), &t.admin).await;
    let etag = e.header("etag").unwrap();
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/exams/{exam}"),
            Some(&t.admin),
            Some(json!({"rooms": []})),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
}
