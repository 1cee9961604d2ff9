//! Reports: the yearly summary rolled up the institution tree, lecturers' hours against their
//! norm, as JSON, CSV, XLSX and SVG, within the caller's scope.

use chrono::{Datelike, Duration, FixedOffset, Utc};
use serde_json::{json, Value};

use crate::certificates::closed_class;
use crate::db_test;
use crate::jobs::live_class;
use crate::support::TestApp;

fn row<'a>(r: &'a Value, institution: &str) -> &'a Value {
    r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["institution_id"] == institution)
        .unwrap_or_else(|| panic!("no row for {institution} in {r}"))
}

db_test!(the_summary_rolls_up_the_tree);
async fn the_summary_rolls_up_the_tree(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let centre = app.institution("TTH", "district_center", Some(&school)).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let (_, centre_admin) = app.user("institution_admin", Some(&centre)).await;
    closed_class(&app, &school, &admin, "SC-01", &["Lê Văn An", "Trần Thị Bảo"], &["Phạm Văn Cư"]).await;
    closed_class(&app, &centre, &centre_admin, "SC-02", &["Đỗ Thị Dung", "Vũ Văn Em"], &["Hồ Thị Phương"]).await;
    let year = Utc::now().with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap()).year();
    // The class ending yesterday opened 40 days ago: in this year unless today is early January.
    let year = if (Utc::now() - Duration::days(40)).year() == year { year } else { year - 1 };

    let r = app.get(&format!("/api/v1/reports/summary?year={year}"), &admin).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let top = row(&r.body, &school);
    assert_eq!((top["level"].as_str(), top["mode"].as_str()), (Some("elementary"), Some("in_service")));
    let (own, all) = (&top["own"], &top["including_children"]);
    assert_eq!(
        (own["cohorts"].as_i64(), own["trainee_turns"].as_i64(), own["graduated"].as_i64()),
        (Some(1), Some(3), Some(2)),
        "{own}"
    );
    assert_eq!(
        (
            all["cohorts"].as_i64(),
            all["trainee_turns"].as_i64(),
            all["graduated"].as_i64(),
            all["pending"].as_i64(),
            all["closed_cohorts"].as_i64()
        ),
        (Some(2), Some(6), Some(4), Some(2), Some(2)),
        "{all}"
    );
    assert_eq!(all["by_classification"]["gioi"], 4, "{all}");
    assert_eq!(row(&r.body, &centre)["including_children"]["trainee_turns"], 3);
    // A centre's administrator sees the centre only; an outsider cannot name the school.
    let mine = app.get(&format!("/api/v1/reports/summary?year={year}"), &centre_admin).await;
    assert_eq!(mine.body["rows"].as_array().unwrap().len(), 1, "{}", mine.text);
    app.get(&format!("/api/v1/reports/summary?institution_id={school}"), &centre_admin)
        .await
        .assert_problem(404, "not-found");
    let (_, lecturer) = app.user("lecturer", Some(&school)).await;
    app.get("/api/v1/reports/summary", &lecturer).await.assert_problem(403, "forbidden");
    app.get("/api/v1/reports/summary?year=20", &admin).await.assert_problem(400, "validation");
    // Files and a chart.
    let csv = app.get(&format!("/api/v1/reports/summary?year={year}&format=csv"), &admin).await;
    assert!(csv.text.contains("Sơ cấp") && csv.text.contains("Lượt học viên"), "{}", csv.text);
    let xlsx = app.get(&format!("/api/v1/reports/summary?year={year}&format=xlsx"), &admin).await;
    assert_eq!(&xlsx.bytes[..2], b"PK");
    let chart = app.get(&format!("/api/v1/reports/summary?year={year}&format=svg"), &admin).await;
    assert_eq!(chart.header("content-type").as_deref(), Some("image/svg+xml"));
    assert!(
        chart.text.starts_with("<svg") && chart.text.contains("Lượt học viên") && chart.text.contains("<rect"),
        "{}",
        chart.text
    );
}

db_test!(lecturer_hours_against_their_norm);
async fn lecturer_hours_against_their_norm(app: TestApp) {
    let l = live_class(&app).await;
    let ict = FixedOffset::east_opt(7 * 3600).unwrap();
    let today = Utc::now().with_timezone(&ict).date_naive();
    let (from, to) = (today, today + Duration::days(2));
    let r = app.get(&format!("/api/v1/reports/lecturer-workload?from={from}&to={to}"), &l.admin).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mine = &r.body[0];
    // One two-hour session: 120 ÷ 45 = 2.7 periods; a lecturer's 270 a year is 2.2 for three days.
    assert_eq!(
        (
            mine["lecturer_id"].as_str(),
            mine["sessions"].as_i64(),
            mine["periods"].as_f64(),
            mine["annual_norm"].as_i64(),
            mine["norm_for_period"].as_f64()
        ),
        (Some(l.lecturer.as_str()), Some(1), Some(2.7), Some(270), Some(2.2)),
        "{}",
        r.text
    );
    assert_eq!(mine["percent_of_norm"], json!(122.7));
    // The head lowers the norm by 10 %; in the probation year it is at most 90, then adjusted.
    let path = format!("/api/v1/lecturers/{}", l.lecturer);
    let bad = app.patch(&path, &l.admin, json!({"norm_adjustment_pct": 20})).await;
    assert_eq!((bad.status, bad.error_fields()), (400, vec!["norm_adjustment_pct".to_string()]), "{}", bad.text);
    let r = app.patch(&path, &l.admin, json!({"norm_adjustment_pct": -10})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let norm_now = || async {
        let r = app.get(&format!("/api/v1/reports/lecturer-workload?from={from}&to={to}"), &l.admin).await;
        r.body[0]["annual_norm"].as_i64()
    };
    assert_eq!(norm_now().await, Some(243));
    let r = app.patch(&path, &l.admin, json!({"probation_year": chrono::Datelike::year(&from)})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(norm_now().await, Some(81));
    // Outside the dates, nothing.
    let before = app
        .get(&format!("/api/v1/reports/lecturer-workload?from={}&to={}", today - Duration::days(10), today), &l.admin)
        .await;
    assert_eq!(before.body.as_array().unwrap().len(), 0, "{}", before.text);
    let r = app.get(&format!("/api/v1/reports/lecturer-workload?from={to}&to={from}"), &l.admin).await;
    r.assert_problem(400, "validation");
    app.get("/api/v1/reports/lecturer-workload?from=2026-01-01", &l.admin).await.assert_problem(400, "bad-request");
    let chart = app.get(&format!("/api/v1/reports/lecturer-workload?from={from}&to={to}&format=svg"), &l.admin).await;
    assert!(chart.text.contains("Lâm Văn Giảng"), "{}", chart.text);
    let csv = app.get(&format!("/api/v1/reports/lecturer-workload?from={from}&to={to}&format=csv"), &l.admin).await;
    assert!(csv.text.contains("Lâm Văn Giảng") && csv.text.contains("2.7"), "{}", csv.text);
    field_study_counts_for_its_lecturers(&app, &l, from, to).await;
}

/// The lecturer guides a two-day field study and grades its one report: 2 days at 3 and the
/// report at 0.5 join the 2.7 periods (the default weights).
async fn field_study_counts_for_its_lecturers(
    app: &TestApp,
    l: &crate::jobs::Live,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) {
    let trips = format!("/api/v1/cohorts/{}/field-trips", l.cohort);
    let trip = |lecturers: Value| {
        json!({"destination": "Xã Thanh Tân, huyện Kiến Xương", "starts_on": from + Duration::days(1),
            "ends_on": from + Duration::days(2), "leader": "Đồng chí Phó Hiệu trưởng",
            "report_due_on": to + Duration::days(5), "lecturer_ids": lecturers})
    };
    // Another school's lecturer, an unknown one and the same one twice: each named, nothing written.
    let other = app.institution("TCK", "provincial_school", None).await;
    let (_, other_admin) = app.user("institution_admin", Some(&other)).await;
    let stranger = app
        .post(
            "/api/v1/lecturers",
            &other_admin,
            json!({"full_name": "Hà Văn Khác", "kind": "full_time", "institution_id": other}),
        )
        .await
        .id();
    let unknown = "0190f5a0-0000-7000-8000-000000000000";
    let mut bad = trip(json!([l.lecturer, stranger, l.lecturer, unknown]));
    bad["destination"] = json!("");
    let r = app.post(&trips, &l.admin, bad).await;
    assert_eq!(
        (r.status, r.error_fields()),
        (
            400,
            vec![
                "destination".to_string(),
                "lecturer_ids[1]".into(),
                "lecturer_ids[2]".into(),
                "lecturer_ids[3]".into()
            ]
        ),
        "{}",
        r.text
    );
    assert_eq!(app.get(&trips, &l.admin).await.body.as_array().unwrap().len(), 0);
    // A second guide teaches nothing in the class; a third lecturer of the school neither.
    let record = app.get(&format!("/api/v1/lecturers/{}", l.lecturer), &l.admin).await;
    let school = record.body["institution_id"].as_str().unwrap();
    let colleague = |name: &'static str| async move {
        let (uid, token) = app.user("lecturer", Some(school)).await;
        let body = json!({"full_name": name, "kind": "full_time", "institution_id": school, "user_id": uid});
        (app.post("/api/v1/lecturers", &l.admin, body).await.id(), token)
    };
    let (guide, guide_token) = colleague("Đào Thị Hướng").await;
    let (_, other_token) = colleague("Mai Văn Khác").await;
    let r = app.post(&trips, &l.admin, trip(json!([l.lecturer, guide]))).await;
    assert_eq!((r.status, r.body["lecturer_ids"].clone()), (201, json!([l.lecturer, guide])), "{}", r.text);
    let id = r.id();
    // The guide finds the study in their schedule and reads its reports; the other lecturer does not.
    let schedule = format!("/api/v1/me/schedule?from={from}&to={to}");
    let has_trip = |r: &crate::support::Resp| r.body.as_array().unwrap().iter().any(|e| e["id"] == id.as_str());
    assert!(has_trip(&app.get(&schedule, &guide_token).await));
    assert!(!has_trip(&app.get(&schedule, &other_token).await));
    let reports = format!("/api/v1/field-trips/{id}/reports");
    assert_eq!(app.get(&reports, &guide_token).await.status, 200);
    app.get(&reports, &other_token).await.assert_problem(404, "not-found");
    let r = app
        .call(
            actix_web::http::Method::PUT,
            &format!("/api/v1/field-trips/{id}/reports/me"),
            Some(&l.learner_token),
            Some(json!({"text": "Bài thu hoạch về xây dựng nông thôn mới"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let learner = r.body["learner_id"].as_str().unwrap().to_string();
    let r = app
        .call(
            actix_web::http::Method::PUT,
            &format!("/api/v1/field-trips/{id}/reports/{learner}/grade"),
            Some(&l.lecturer_token),
            Some(json!({"grade": 8.5})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let hours = |who: String| async move {
        let r = app.get(&format!("/api/v1/reports/lecturer-workload?from={from}&to={to}"), &l.admin).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let me = r.body.as_array().unwrap().iter().find(|x| x["lecturer_id"] == who.as_str()).cloned();
        me.map(|me| (me["field_study_days"].as_i64(), me["reports_graded"].as_i64(), me["standard_hours"].as_f64()))
    };
    // 120 ÷ 45 + 2 × 3 + 0.5 = 9.17; the second guide has the days alone.
    assert_eq!(hours(l.lecturer.clone()).await, Some((Some(2), Some(1), Some(9.2))));
    assert_eq!(hours(guide.clone()).await, Some((Some(2), Some(0), Some(6.0))));
    let csv = app.get(&format!("/api/v1/reports/lecturer-workload?from={from}&to={to}&format=csv"), &l.admin).await;
    assert!(csv.text.contains("Số ngày hướng dẫn thực tế") && csv.text.contains("9.2"), "{}", csv.text);
    // Taken off the study, the lecturer keeps the graded report only.
    let path = format!("/api/v1/field-trips/{id}");
    let r = app.patch(&path, &l.admin, json!({"lecturer_ids": []})).await;
    assert_eq!((r.status, r.body["lecturer_ids"].clone()), (200, json!([])), "{}", r.text);
    assert_eq!(hours(l.lecturer.clone()).await, Some((Some(0), Some(1), Some(3.2))));
    assert_eq!(hours(guide).await, None);
    assert_eq!(app.get(&path, &l.admin).await.body["lecturer_ids"], json!([]));
}

crate::db_test_raw!(the_default_year_is_the_local_one);
async fn the_default_year_is_the_local_one(db: crate::support::db::TestDb) {
    // 17:30 UTC on 31 December 2030 is already 1 January 2031 in Hà Nội.
    let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2030, 12, 31, 17, 30, 0).unwrap();
    let app = TestApp::start_at(db, at).await;
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let r = app.get("/api/v1/reports/summary", &admin).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["year"], 2031, "{}", r.text);
}

db_test!(a_period_grouped_by_category_and_sending_unit);
async fn a_period_grouped_by_category_and_sending_unit(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let (_, inspector) = app.user("inspector", Some(&school)).await;
    // Three women, all probationary party members: two graduate, one missed the exam.
    let k = closed_class(&app, &school, &admin, "SC-01", &["Lê Thị An", "Trần Thị Bảo"], &["Phạm Thị Cúc"]).await;
    let patch = |i: usize, body: Value| {
        let path = format!("/api/v1/learners/{}", k.learners[i].0);
        let app = &app;
        let admin = &admin;
        async move {
            let r = app.patch(&path, admin, body).await;
            assert_eq!(r.status, 200, "{}", r.text);
        }
    };
    patch(0, json!({"committee_member_since": "2020-10-15", "ethnicity": "Tày", "sending_unit": "Huyện ủy Tân Lạc"}))
        .await;
    patch(1, json!({"succession_post": "Phó Bí thư Đảng ủy xã", "succession_since": "2021-03-01", "sending_unit": "huyện ủy tân lạc"}))
        .await;
    let today = Utc::now().date_naive();
    let period = format!("from={}&to={today}", today - Duration::days(90));

    let r = app.get(&format!("/api/v1/reports/summary?{period}&group_by=category"), &inspector).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.body["year"].clone(), r.body["totals"]["cohorts"].as_i64(), r.body["totals"]["trainee_turns"].as_i64()),
        (Value::Null, Some(1), Some(3))
    );
    let group = |body: &Value, key: &str| {
        body["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["group"] == key)
            .cloned()
            .unwrap_or_else(|| panic!("{key}: {body}"))
    };
    // (category, trainee-turns, graduates), checked by hand.
    for (key, turns, graduated) in [
        ("female", 3, 2),
        ("new_party_member", 3, 2),
        ("party_committee_member", 1, 1),
        ("succession_plan", 1, 1),
        ("ethnic_minority", 1, 1),
    ] {
        let g = group(&r.body, key);
        assert_eq!(
            (
                g["including_children"]["trainee_turns"].as_i64(),
                g["including_children"]["graduated"].as_i64(),
                g["own"]["cohorts"].as_i64()
            ),
            (Some(turns), Some(graduated), Some(1)),
            "{key}: {g}"
        );
    }
    assert_eq!(group(&r.body, "party_committee_member")["label"], "Cấp ủy viên");

    // The unit's name as typed twice is one unit; a learner without one is counted apart.
    let r = app.get(&format!("/api/v1/reports/summary?{period}&group_by=sending_unit"), &admin).await;
    let unit = group(&r.body, "huyen uy tan lac");
    assert_eq!(
        (unit["label"].as_str(), unit["own"]["trainee_turns"].as_i64()),
        (Some("Huyện ủy Tân Lạc"), Some(2)),
        "{unit}"
    );
    assert_eq!(group(&r.body, "none")["own"]["trainee_turns"], 1);
    let r = app.get(&format!("/api/v1/reports/summary?{period}&group_by=level"), &admin).await;
    assert_eq!(group(&r.body, "elementary")["own"]["trainee_turns"], 3);
    let csv = app.get(&format!("/api/v1/reports/summary?{period}&group_by=category&format=csv"), &admin).await;
    assert!(csv.text.contains("Đảng viên mới"), "{}", csv.text);
    let svg = app.get(&format!("/api/v1/reports/summary?{period}&group_by=mode&format=svg"), &admin).await;
    assert!(svg.text.contains("<svg"), "{}", svg.text);
    // A period outside the class: nothing.
    let r = app.get("/api/v1/reports/summary?from=2001-01-01&to=2001-06-30&group_by=category", &admin).await;
    assert_eq!((r.body["totals"]["cohorts"].as_i64(), r.body["groups"].as_array().map(Vec::len)), (Some(0), Some(0)));

    // Bad periods name their field.
    for (q, field) in [
        ("year=2026&from=2026-01-01&to=2026-06-30", "year"),
        ("from=2026-01-01", "to"),
        ("to=2026-01-01", "from"),
        ("from=2026-06-30&to=2026-01-01", "to"),
    ] {
        let r = app.get(&format!("/api/v1/reports/summary?{q}"), &admin).await;
        r.assert_problem(400, "validation");
        assert_eq!(r.error_fields(), [field], "{q}");
    }
    app.get(&format!("/api/v1/reports/summary?{period}&group_by=colour"), &admin)
        .await
        .assert_problem(400, "bad-request");
}

db_test!(the_yearly_report_flags_hours_not_ensured);
async fn the_yearly_report_flags_hours_not_ensured(app: TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let (_, inspector) = app.user("inspector", Some(&school)).await;
    let ok = |r: crate::support::Resp| {
        assert!(r.status < 300, "{}", r.text);
        r
    };
    let program = ok(app
        .post("/api/v1/programs", &app.root, json!({"code": "BD-01", "title": "Bồi dưỡng chuyên đề", "level": "refresher", "edition": "2026", "owner_institution_id": school}))
        .await)
    .id();
    let module = |code: &'static str| {
        let path = format!("/api/v1/programs/{program}/modules");
        let app = &app;
        async move {
            ok(app
                .post(&path, &app.root, json!({"code": code, "title": format!("Chuyên đề {code}"), "hours": 4}))
                .await)
            .id()
        }
    };
    let (m1, m2) = (module("CD1").await, module("CD2").await);
    ok(app.post(&format!("/api/v1/programs/{program}/publish"), &app.root, json!(null)).await);
    let class = ok(app
        .post("/api/v1/cohorts", &admin, json!({"program_id": program, "code": "BD-2026-01", "mode": "full_time", "starts_on": "2026-01-05", "ends_on": "2026-02-05", "capacity": 10}))
        .await)
    .id();
    let lecturer = ok(app
        .post("/api/v1/lecturers", &admin, json!({"full_name": "Hoàng Văn Thái", "kind": "concurrent", "institution_id": school, "subjects": ["CD1", "CD2"]}))
        .await)
    .id();
    let learner = ok(app
        .post("/api/v1/learners", &admin, json!({"full_name": "Phạm Thị Huyền", "date_of_birth": "1990-06-01", "gender": "female", "education_level": "university", "institution_id": school}))
        .await)
    .id();
    ok(app
        .post(
            &format!("/api/v1/cohorts/{class}/enrollments"),
            &admin,
            json!({"learner_id": learner, "enrolled_on": "2026-01-05"}),
        )
        .await);
    for m in [&m1, &m2] {
        ok(app
            .post(
                &format!("/api/v1/cohorts/{class}/assignments"),
                &admin,
                json!({"module_id": m, "lecturer_id": lecturer}),
            )
            .await);
    }
    // CD1: two afternoons of 210 minutes (9.3 periods of the 4 asked), one with its roll taken;
    // CD2: one session of 90 minutes (2 periods of 4): hours not ensured.
    let sessions = ok(app
        .post(&format!("/api/v1/cohorts/{class}/sessions"), &admin, json!({"module_id": m1, "lecturer_id": lecturer, "place": "Hội trường",
            "series": {"from": "2026-02-02", "to": "2026-02-03", "weekdays": [1, 2], "start_time": "13:30", "end_time": "17:00"}}))
        .await);
    let first = sessions.body["items"][0]["id"].as_str().unwrap().to_string();
    ok(app
        .post(
            &format!("/api/v1/cohorts/{class}/sessions"),
            &admin,
            json!({"module_id": m2, "lecturer_id": lecturer, "place": "Hội trường",
            "starts_at": "2026-02-04T07:30:00+07:00", "ends_at": "2026-02-04T09:00:00+07:00"}),
        )
        .await);
    ok(app
        .call(
            actix_web::http::Method::PUT,
            &format!("/api/v1/sessions/{first}/attendance"),
            Some(&admin),
            Some(json!({"entries": [{"learner_id": learner, "status": "present"}], "reason": "Sổ giấy"})),
        )
        .await);

    let path = "/api/v1/reports/yearly?from=2026-01-01&to=2026-12-31";
    let r = app.get(path, &inspector).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let k = &r.body["classes"][0];
    assert_eq!(
        (k["code"].as_str(), k["trainee_turns"].as_i64(), k["hours_ensured"].as_bool()),
        (Some("BD-2026-01"), Some(1), Some(false)),
        "{k}"
    );
    let hours: Vec<(f64, f64, bool)> = k["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["timetabled_hours"].as_f64().unwrap(),
                m["roll_taken_hours"].as_f64().unwrap(),
                m["hours_ensured"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(hours, vec![(9.3, 4.7, true), (2.0, 0.0, false)], "{k}");
    assert_eq!(
        (r.body["totals"]["classes"].as_i64(), r.body["totals"]["classes_hours_not_ensured"].as_i64()),
        (Some(1), Some(1))
    );
    let concurrent = &r.body["lecturers"][0];
    assert_eq!(
        (concurrent["kind"].as_str(), concurrent["lecturers"].as_i64(), concurrent["sessions"].as_i64()),
        (Some("concurrent"), Some(1), Some(3)),
        "{}",
        r.text
    );
    // As files: a row per class and module, and the Vietnamese PDF.
    let csv = app.get(&format!("{path}&format=csv"), &admin).await;
    assert!(csv.text.contains("Không bảo đảm"), "{}", csv.text);
    let pdf = app.get(&format!("{path}&format=pdf"), &admin).await;
    assert_eq!(pdf.header("content-type").as_deref(), Some("application/pdf"));
    let text = crate::certificates::pdf_text(&pdf.bytes);
    for s in [
        "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
        "KHÔNG BẢO ĐẢM",
        "thời khóa biểu 9,3 tiết",
        "Giảng viên kiêm chức: 1 người",
    ] {
        assert!(text.contains(s), "{s} not in {text}");
    }
    // Outside the scope, nothing; a period the wrong way round names its field.
    let (_, outsider) =
        app.user("institution_admin", Some(&app.institution("KHAC", "provincial_school", None).await)).await;
    app.get(&format!("{path}&institution_id={school}"), &outsider).await.assert_problem(404, "not-found");
    assert_eq!(app.get("/api/v1/reports/yearly?from=2026-12-31&to=2026-01-01", &admin).await.error_fields(), ["to"]);
}
