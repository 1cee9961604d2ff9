use actix_web::http::Method;
use serde_json::json;

use crate::cohorts::{class, eligible, learner, school, School};
use crate::db_test;
use crate::support::TestApp;

struct Setup {
    s: School,
    cohort: String,
    module: String,
    lecturer: String,
    lecturer_token: String,
}

async fn setup(app: &TestApp) -> Setup {
    let s = school(app).await;
    let cohort = class(app, &s, "TC-50", "2026-03-02", "2026-09-30", 70).await;
    let modules = app.get(&format!("/api/v1/programs/{}/modules", s.intermediate), &s.admin).await;
    let module = modules.body[0]["id"].as_str().unwrap().to_string();
    let (uid, lecturer_token) = app.user("lecturer", Some(&s.school)).await;
    let lecturer = app
        .post("/api/v1/lecturers", &s.admin, json!({"full_name": "Vũ Thị Thu", "kind": "full_time", "institution_id": s.school, "subjects": ["TC01", "TC02"], "user_id": uid}))
        .await
        .id();
    let r = app
        .post(
            &format!("/api/v1/cohorts/{cohort}/assignments"),
            &s.admin,
            json!({"module_id": module, "lecturer_id": lecturer, "role": "lead"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    Setup { s, cohort, module, lecturer, lecturer_token }
}

/// Parses a feed with the iCalendar crate's RFC 5545 parser (unfolding long lines first).
fn parse_ics(text: &str) -> icalendar::Calendar {
    let unfolded = icalendar::parser::unfold(text);
    icalendar::Calendar::from(icalendar::parser::read_calendar(&unfolded).expect("a valid iCalendar feed"))
}

fn session(module: &str, lecturer: &str, from: &str, to: &str, place: &str) -> serde_json::Value {
    json!({"module_id": module, "lecturer_id": lecturer, "starts_at": from, "ends_at": to, "place": place})
}

db_test!(clashes_are_refused_at_the_edges);
async fn clashes_are_refused_at_the_edges(app: TestApp) {
    let t = setup(&app).await;
    let (s, cohort) = (&t.s, &t.cohort);
    let path = format!("/api/v1/cohorts/{cohort}/sessions");
    let first = app
        .post(
            &path,
            &s.admin,
            session(&t.module, &t.lecturer, "2026-03-02T07:30:00+07:00", "2026-03-02T09:30:00+07:00", "Phòng 201"),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let first_id = first.body["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(first.body["items"][0]["starts_at"], "2026-03-02T07:30:00+07:00");
    // Touching: fine.
    let touching = app
        .post(
            &path,
            &s.admin,
            session(&t.module, &t.lecturer, "2026-03-02T09:30:00+07:00", "2026-03-02T11:00:00+07:00", "Phòng 201"),
        )
        .await;
    assert_eq!(touching.status, 201, "{}", touching.text);
    // Overlapping by a minute: the lecturer, the class and the room all clash, each named.
    let r = app
        .post(
            &path,
            &s.admin,
            session(&t.module, &t.lecturer, "2026-03-02T09:29:00+07:00", "2026-03-02T10:00:00+07:00", "phòng  201"),
        )
        .await;
    r.assert_problem(409, "conflict");
    assert_eq!(r.body["code"], "schedule_clash");
    let items = r.body["errors"].as_array().unwrap();
    assert!(items.iter().any(|e| e["resource"] == format!("/api/v1/sessions/{first_id}")), "{}", r.text);

    // Across classes: another class in the same room at the same time clashes on the place.
    let other = class(&app, s, "TC-51", "2026-03-02", "2026-09-30", 70).await;
    let second = app
        .post(
            "/api/v1/lecturers",
            &s.admin,
            json!({"full_name": "Mai Văn Lực", "kind": "visiting", "institution_id": s.school, "subjects": ["TC01"]}),
        )
        .await
        .id();
    app.post(
        &format!("/api/v1/cohorts/{other}/assignments"),
        &s.admin,
        json!({"module_id": t.module, "lecturer_id": second}),
    )
    .await;
    app.post(
        &format!("/api/v1/cohorts/{other}/assignments"),
        &s.admin,
        json!({"module_id": t.module, "lecturer_id": t.lecturer}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/cohorts/{other}/sessions"),
            &s.admin,
            session(&t.module, &second, "2026-03-02T08:00:00+07:00", "2026-03-02T09:00:00+07:00", "PHÒNG 201"),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "place_clash", "{}", r.text);
    let r = app
        .post(
            &format!("/api/v1/cohorts/{other}/sessions"),
            &s.admin,
            session(&t.module, &t.lecturer, "2026-03-02T08:00:00+07:00", "2026-03-02T09:00:00+07:00", "Phòng 305"),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "lecturer_clash", "{}", r.text);
    let r = app
        .post(
            &format!("/api/v1/cohorts/{other}/sessions"),
            &s.admin,
            session(&t.module, &second, "2026-03-02T08:00:00+07:00", "2026-03-02T09:00:00+07:00", "Phòng 305"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    // Not assigned, or outside the class's dates: refused with the reason.
    let third = app
        .post(
            "/api/v1/lecturers",
            &s.admin,
            json!({"full_name": "Lý Thị Nga", "kind": "visiting", "institution_id": s.school}),
        )
        .await
        .id();
    let r = app
        .post(
            &path,
            &s.admin,
            session(&t.module, &third, "2026-04-01T07:30:00+07:00", "2026-04-01T09:00:00+07:00", "Phòng 1"),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "lecturer_not_assigned", "{}", r.text);
    let r = app
        .post(
            &path,
            &s.admin,
            session(&t.module, &t.lecturer, "2026-10-01T07:30:00+07:00", "2026-10-01T09:00:00+07:00", "Phòng 1"),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "outside_class_dates", "{}", r.text);
    // A lecturer may only be assigned modules among their subjects.
    let r = app
        .post(
            &format!("/api/v1/cohorts/{cohort}/assignments"),
            &s.admin,
            json!({"module_id": t.module, "lecturer_id": third}),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "not_qualified", "{}", r.text);
    // The assignment in use cannot be removed.
    let asg = app.get(&format!("/api/v1/cohorts/{cohort}/assignments"), &s.admin).await;
    let asg_id = asg.body[0]["id"].as_str().unwrap();
    app.call(Method::DELETE, &format!("/api/v1/assignments/{asg_id}"), Some(&s.admin), None)
        .await
        .assert_problem(409, "conflict");
}

db_test!(a_series_is_all_or_nothing);
async fn a_series_is_all_or_nothing(app: TestApp) {
    let t = setup(&app).await;
    let path = format!("/api/v1/cohorts/{}/sessions", t.cohort);
    // One session already on Wednesday of the second week.
    app.post(
        &path,
        &t.s.admin,
        session(&t.module, &t.lecturer, "2026-03-11T08:00:00+07:00", "2026-03-11T09:00:00+07:00", "Phòng 9"),
    )
    .await;
    let series = json!({"module_id": t.module, "lecturer_id": t.lecturer, "place": "Hội trường A",
        "series": {"from": "2026-03-02", "to": "2026-03-20", "weekdays": [1, 2, 3, 4, 5], "start_time": "07:30", "end_time": "11:00"}});
    let r = app.post(&path, &t.s.admin, series.clone()).await;
    r.assert_problem(409, "conflict");
    assert_eq!(r.body["errors"].as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(r.body["errors"][0]["field"], "sessions[7]");
    let list = app.get(&path, &t.s.admin).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1, "nothing of the series was written");
    // Without the clash, fifteen weekday mornings.
    let mut ok = series.clone();
    ok["series"]["start_time"] = json!("13:30");
    ok["series"]["end_time"] = json!("17:00");
    let r = app.post(&path, &t.s.admin, ok).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 15);
    let all = app.get(&format!("{path}?limit=500"), &t.s.admin).await;
    let starts: Vec<&str> =
        all.body["items"].as_array().unwrap().iter().map(|s| s["starts_at"].as_str().unwrap()).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    assert_eq!(starts.len(), 16);
    let r = app.post(&path, &t.s.admin, json!({"module_id": t.module, "lecturer_id": t.lecturer, "place": "X", "series": {"from": "2026-03-02", "to": "2026-03-01", "weekdays": [0, 8], "start_time": "11:00", "end_time": "07:00"}})).await;
    let mut f = r.error_fields();
    f.sort();
    assert_eq!(f, vec!["series.end_time", "series.to", "series.weekdays"], "{}", r.text);
}

db_test!(schedules_and_calendar_feeds);
async fn schedules_and_calendar_feeds(app: TestApp) {
    use icalendar::Component;
    let t = setup(&app).await;
    let (uid, learner_token) = app.user("learner", Some(&t.s.school)).await;
    let mut body = eligible("Hồ Thị Xuân", "1983-06-06", &t.s.school);
    body["user_id"] = json!(uid);
    let me = learner(&app, &t.s.admin, body).await;
    app.post(&format!("/api/v1/cohorts/{}/enrollments", t.cohort), &t.s.admin, json!({"learner_id": me})).await;
    let (_, outsider) = app.user("learner", Some(&t.s.school)).await;
    let path = format!("/api/v1/cohorts/{}/sessions", t.cohort);
    for (a, z) in [
        ("2026-03-03T13:30:00+07:00", "2026-03-03T17:00:00+07:00"),
        ("2026-03-03T07:00:00+07:00", "2026-03-03T11:00:00+07:00"),
    ] {
        assert_eq!(
            app.post(&path, &t.s.admin, session(&t.module, &t.lecturer, a, z, "Hội trường A")).await.status,
            201
        );
    }
    let mine = app.get("/api/v1/me/schedule?from=2026-03-01&to=2026-03-31", &learner_token).await;
    let items = mine.body.as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", mine.text);
    assert_eq!(items[0]["starts_at"], "2026-03-03T07:00:00+07:00");
    assert_eq!(items[0]["cohort_code"], "TC-50");
    assert_eq!(items[0]["lecturer_name"], "Vũ Thị Thu");
    let theirs = app.get("/api/v1/me/schedule?from=2026-03-01&to=2026-03-31", &t.lecturer_token).await;
    assert_eq!(theirs.body.as_array().unwrap().len(), 2);
    assert_eq!(
        app.get("/api/v1/me/schedule?from=2026-03-01&to=2026-03-31", &outsider).await.body.as_array().unwrap().len(),
        0
    );
    app.get("/api/v1/me/schedule", &t.s.admin).await.assert_problem(403, "forbidden");
    let admin_view = app.get("/api/v1/schedule?place=hoi%20truong%20a&from=2026-03-01&to=2026-03-31", &t.s.admin).await;
    assert_eq!(admin_view.body.as_array().unwrap().len(), 2, "{}", admin_view.text);

    // The calendar feed: a secret address in /me, parsed by a real iCalendar parser.
    assert!(app.get("/api/v1/me", &learner_token).await.body["calendar_url"].is_null());
    let url = app.call(Method::POST, "/api/v1/me/calendar-token", Some(&learner_token), None).await.body
        ["calendar_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(app.get("/api/v1/me", &learner_token).await.body["calendar_url"], url.as_str());
    let feed_path = url.split_once("/api/v1/").map(|(_, p)| format!("/api/v1/{p}")).unwrap();
    let feed = app.call(Method::GET, &feed_path, None, None).await;
    assert_eq!(feed.status, 200);
    assert!(feed.header("content-type").unwrap().starts_with("text/calendar"));
    let cal = parse_ics(&feed.text);
    let events: Vec<&icalendar::Event> = cal.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(events.len(), 2, "{}", feed.text);
    let hcm = chrono_tz::Asia::Ho_Chi_Minh;
    let starts: Vec<String> = events
        .iter()
        .map(|e| match e.get_start().unwrap() {
            icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t)) => {
                t.with_timezone(&hcm).format("%Y-%m-%d %H:%M").to_string()
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(
        starts.contains(&"2026-03-03 07:00".to_string()) && starts.contains(&"2026-03-03 13:30".to_string()),
        "{starts:?}"
    );
    let uids: Vec<String> = events.iter().map(|e| e.get_uid().unwrap().to_string()).collect();

    // Rescheduling keeps the UID and raises SEQUENCE; cancelling marks the event cancelled.
    let sid = items[0]["id"].as_str().unwrap();
    let r = app
        .patch(
            &format!("/api/v1/sessions/{sid}"),
            &t.s.admin,
            json!({"starts_at": "2026-03-04T07:00:00+07:00", "ends_at": "2026-03-04T11:00:00+07:00"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let other_sid = items[1]["id"].as_str().unwrap();
    let r = app.post(&format!("/api/v1/sessions/{other_sid}/cancel"), &t.s.admin, json!(null)).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("cancelled")), "{}", r.text);
    let feed = app.call(Method::GET, &feed_path, None, None).await;
    let cal = parse_ics(&feed.text);
    let events: Vec<&icalendar::Event> = cal.components.iter().filter_map(|c| c.as_event()).collect();
    let again: Vec<String> = events.iter().map(|e| e.get_uid().unwrap().to_string()).collect();
    assert_eq!(again.len(), 2);
    assert!(uids.iter().all(|u| again.contains(u)), "stable UIDs: {uids:?} vs {again:?}");
    assert!(feed.text.contains("SEQUENCE:2") && feed.text.contains("STATUS:CANCELLED"), "{}", feed.text);
    let mine = app.get("/api/v1/me/schedule?from=2026-03-01&to=2026-03-31", &learner_token).await;
    // In time order: the cancelled afternoon of the 3rd, then the session moved to the 4th.
    assert_eq!(
        (mine.body[0]["id"].as_str(), mine.body[0]["status"].as_str()),
        (Some(other_sid), Some("cancelled")),
        "{}",
        mine.text
    );
    assert_eq!(mine.body[1]["starts_at"], "2026-03-04T07:00:00+07:00");

    // Both changes left an event for the people concerned.
    let sid_typed: llct::db::ids::SessionId = sid.parse().unwrap();
    let other_typed: llct::db::ids::SessionId = other_sid.parse().unwrap();
    let events = app
        .state
        .db
        .read(move |c| {
            Ok((llct::timetable::store::events_of(c, sid_typed)?, llct::timetable::store::events_of(c, other_typed)?))
        })
        .await
        .unwrap();
    assert_eq!(events.0.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), vec!["session_rescheduled"]);
    assert!(
        events.0[0].detail.contains("2026-03-03T07:00:00+07:00")
            && events.0[0].detail.contains("2026-03-04T07:00:00+07:00")
    );
    assert_eq!(events.1.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), vec!["session_cancelled"]);

    // A session with no roll can be removed altogether: gone from the schedule, then 404.
    let gone = format!("/api/v1/sessions/{other_sid}");
    assert_eq!(app.call(Method::DELETE, &gone, Some(&t.s.admin), None).await.status, 204);
    app.call(Method::DELETE, &gone, Some(&t.s.admin), None).await.assert_problem(404, "not-found");
    let mine = app.get("/api/v1/me/schedule?from=2026-03-01&to=2026-03-31", &learner_token).await;
    assert!(!mine.text.contains(other_sid), "{}", mine.text);

    // A field trip joins the schedules and the feed as an all-day event.
    let r = app
        .post(
            &format!("/api/v1/cohorts/{}/field-trips", t.cohort),
            &t.s.admin,
            json!({"destination": "Khu di tích Kim Liên", "starts_on": "2026-03-10",
            "ends_on": "2026-03-12", "leader": "TS. Hồ Văn Lâm", "report_due_on": "2026-03-25"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let mine = app.get("/api/v1/me/schedule?from=2026-03-01&to=2026-03-31", &learner_token).await;
    let trip =
        mine.body.as_array().unwrap().iter().find(|i| i["kind"] == "field_trip").expect("the field trip is scheduled");
    assert_eq!(
        (trip["starts_at"].as_str(), trip["all_day"].as_bool()),
        (Some("2026-03-10T00:00:00+07:00"), Some(true))
    );
    assert_eq!(
        app.get("/api/v1/me/schedule?from=2026-03-01&to=2026-03-31", &t.lecturer_token)
            .await
            .body
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "field_trip")
            .count(),
        1
    );
    // An exam of the lecturer's own class that they also grade: once in each schedule.
    let r = app
        .post(
            &format!("/api/v1/cohorts/{}/exams", t.cohort),
            &t.s.admin,
            json!({"kind": "module", "module_id": t.module, "held_on": "2026-03-20",
            "grading_deadline": "2026-04-10", "graders": [t.lecturer]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    for token in [&learner_token, &t.lecturer_token] {
        let mine = app.get("/api/v1/me/schedule?from=2026-03-01&to=2026-03-31", token).await;
        let exams: Vec<_> = mine.body.as_array().unwrap().iter().filter(|i| i["kind"] == "exam").collect();
        assert_eq!(exams.len(), 1, "{}", mine.text);
        assert_eq!(
            (exams[0]["starts_at"].as_str(), exams[0]["all_day"].as_bool()),
            (Some("2026-03-20T00:00:00+07:00"), Some(true))
        );
    }
    let feed = app.call(Method::GET, &feed_path, None, None).await;
    assert!(
        feed.text.contains("DTSTART;VALUE=DATE:20260310") && feed.text.contains("DTEND;VALUE=DATE:20260313"),
        "{}",
        feed.text
    );

    // A new address retires the old one.
    app.call(Method::POST, "/api/v1/me/calendar-token", Some(&learner_token), None).await;
    app.call(Method::GET, &feed_path, None, None).await.assert_problem(404, "not-found");
}
