//! Scheduled jobs and the outbox: reminders through a real SMTP server, delivery that survives
//! the server being down, one run per occurrence across schedulers, and a close-out killed
//! mid-way that a rerun finishes exactly as a clean run would.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::http::Method;
use chrono::{Duration, FixedOffset, Utc};
use serde_json::{json, Value};

use crate::certificates::ended_class;
use crate::db_test_raw;
use crate::support::db::TestDb;
use crate::support::smtp::SmtpServer;
use crate::support::TestApp;

/// A class in progress with a learner and a lecturer (both with accounts) and one session
/// tomorrow at 07:00 local time.
pub struct Live {
    pub admin: String,
    pub cohort: String,
    pub module: String,
    pub lecturer: String,
    pub learner_token: String,
    pub lecturer_token: String,
    pub learner_email: String,
    pub lecturer_email: String,
}

pub async fn live_class(app: &TestApp) -> Live {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let today = Utc::now().date_naive();
    let program = app
        .post(
            "/api/v1/programs",
            &admin,
            json!({"code": "P-LIVE", "title": "Sơ cấp lý luận chính trị", "level": "elementary",
            "edition": "2026", "rules": {"field_study_required": false, "graduation_essay": true}}),
        )
        .await
        .id();
    let module = app
        .post(
            &format!("/api/v1/programs/{program}/modules"),
            &admin,
            json!({"code": "M1", "title": "Học phần một", "hours": 30}),
        )
        .await
        .id();
    app.post(&format!("/api/v1/programs/{program}/publish"), &admin, json!(null)).await;
    let cohort = app
        .post("/api/v1/cohorts", &admin, json!({"program_id": program, "code": "SC-LIVE", "title": "Sơ cấp khóa 9", "mode": "in_service", "capacity": 50,
            "starts_on": (today - Duration::days(5)).to_string(), "ends_on": (today + Duration::days(30)).to_string()}))
        .await
        .id();
    let (uid, learner_token) = app.user("learner", Some(&school)).await;
    let learner_email = app.get("/api/v1/me", &learner_token).await.body["email"].as_str().unwrap().to_string();
    let learner = app
        .post("/api/v1/learners", &admin, json!({"full_name": "Nguyễn Thị Ánh Tuyết", "date_of_birth": "1985-03-04", "gender": "female",
            "education_level": "university", "party_status": "probationary", "party_admission_date": "2025-05-01", "institution_id": school, "user_id": uid}))
        .await
        .id();
    let r = app
        .post(
            &format!("/api/v1/cohorts/{cohort}/enrollments"),
            &admin,
            json!({"learner_id": learner, "enrolled_on": (today - Duration::days(5)).to_string()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (luid, lecturer_token) = app.user("lecturer", Some(&school)).await;
    let lecturer_email = app.get("/api/v1/me", &lecturer_token).await.body["email"].as_str().unwrap().to_string();
    let lecturer = app
        .post("/api/v1/lecturers", &admin, json!({"full_name": "Lâm Văn Giảng", "kind": "full_time", "institution_id": school, "user_id": luid, "subjects": ["M1"]}))
        .await
        .id();
    let r = app
        .post(
            &format!("/api/v1/cohorts/{cohort}/assignments"),
            &admin,
            json!({"module_id": module, "lecturer_id": lecturer}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(app.post(&format!("/api/v1/cohorts/{cohort}/start"), &admin, json!(null)).await.status, 200);
    let live = Live { admin, cohort, module, lecturer, learner_token, lecturer_token, learner_email, lecturer_email };
    session_tomorrow(app, &live, 7).await;
    live
}

/// Schedules a two-hour session tomorrow (local time) at `hour`.
async fn session_tomorrow(app: &TestApp, l: &Live, hour: u32) -> String {
    let ict = FixedOffset::east_opt(7 * 3600).unwrap();
    let tomorrow = Utc::now().with_timezone(&ict).date_naive() + Duration::days(1);
    let at = |h: u32| tomorrow.and_hms_opt(h, 0, 0).unwrap().and_local_timezone(ict).unwrap().to_rfc3339();
    let r = app
        .post(&format!("/api/v1/cohorts/{}/sessions", l.cohort), &l.admin,
            json!({"module_id": l.module, "lecturer_id": l.lecturer, "starts_at": at(hour), "ends_at": at(hour + 2), "place": "Hội trường A"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["items"][0]["id"].as_str().unwrap().to_string()
}

async fn run_job(app: &TestApp, name: &str) -> Value {
    let r = app.post(&format!("/api/v1/jobs/{name}/run"), &app.root, json!(null)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["outcome"], "succeeded", "{}", r.text);
    r.body["counts"].clone()
}

db_test_raw!(reminders_reach_a_real_smtp_server);
async fn reminders_reach_a_real_smtp_server(db: TestDb) {
    let smtp = SmtpServer::start();
    let url = SmtpServer::url(smtp.port);
    let app = TestApp::start(db, &[("LLCT__MAIL__SMTP_URL", &url)]).await;
    let l = live_class(&app).await;

    // The lecturer reads messages in English.
    let r = app
        .call(
            Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&l.lecturer_token),
            Some(json!({"opt_out": [], "language": "en"})),
        )
        .await;
    assert_eq!((r.status, r.body["language"].as_str()), (200, Some("en")), "{}", r.text);
    let counts = run_job(&app, "session-reminders").await;
    assert_eq!((counts["sessions"].as_i64(), counts["queued"].as_i64()), (Some(1), Some(2)), "{counts}");
    // Nothing is queued twice.
    let again = run_job(&app, "session-reminders").await;
    assert_eq!(again["queued"], Value::Null, "{again}");
    let sent = run_job(&app, "outbox").await;
    assert_eq!(sent["sent"], 2, "{sent}");
    let mails = smtp.mails();
    let recipients: BTreeSet<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    assert_eq!(recipients, BTreeSet::from([l.learner_email.clone(), l.lecturer_email.clone()]));
    let to_learner = mails.iter().find(|m| m.to == vec![l.learner_email.clone()]).unwrap();
    assert_eq!(to_learner.subject, "Nhắc lịch học ngày mai: Học phần một");
    assert!(to_learner.text.contains("Kính gửi Nguyễn Thị Ánh Tuyết"), "{}", to_learner.text);
    let ict = FixedOffset::east_opt(7 * 3600).unwrap();
    let tomorrow = (Utc::now().with_timezone(&ict).date_naive() + Duration::days(1)).format("%d/%m/%Y").to_string();
    assert!(to_learner.text.contains(&format!("07:00 ngày {tomorrow} – 09:00")), "{}", to_learner.text);
    assert!(to_learner.text.contains("Hội trường A"));
    let to_lecturer = mails.iter().find(|m| m.to == vec![l.lecturer_email.clone()]).unwrap();
    assert_eq!(to_lecturer.subject, "Class tomorrow: Học phần một");
    assert!(to_lecturer.text.starts_with("Dear Lâm Văn Giảng,"), "{}", to_lecturer.text);

    // The learner sees it, delivered; the outbox shows it to administrators.
    let mine = app.get("/api/v1/me/notifications", &l.learner_token).await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1, "{}", mine.text);
    assert_eq!(
        (mine.body["items"][0]["status"].as_str(), mine.body["items"][0]["kind"].as_str()),
        (Some("sent"), Some("session_reminder"))
    );
    assert_eq!(app.get("/api/v1/notifications", &l.admin).await.body["items"].as_array().unwrap().len(), 2);
    app.get("/api/v1/notifications", &l.learner_token).await.assert_problem(403, "forbidden");

    // A learner who opts out of session reminders gets none for the next session; the lecturer still does.
    let r = app
        .call(
            Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&l.learner_token),
            Some(json!({"opt_out": ["session_reminder"]})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    app.call(
        Method::PUT,
        "/api/v1/me/notification-settings",
        Some(&l.learner_token),
        Some(json!({"opt_out": ["results"]})),
    )
    .await
    .assert_problem(400, "validation");
    session_tomorrow(&app, &l, 14).await;
    let counts = run_job(&app, "session-reminders").await;
    assert_eq!(counts["queued"], 1, "{counts}");
    run_job(&app, "outbox").await;
    assert_eq!(smtp.mails().len(), 3);

    // Jobs list their schedule; only system administrators run them.
    let jobs = app.get("/api/v1/jobs", &app.root).await;
    let list = jobs.body.as_array().unwrap();
    assert_eq!(list.len(), 9, "{}", jobs.text);
    let reminders = list.iter().find(|j| j["name"] == "session-reminders").unwrap();
    assert_eq!(
        (reminders["cron"].as_str(), reminders["last_run"]["outcome"].as_str()),
        (Some("0 0 18 * * *"), Some("succeeded"))
    );
    assert!(reminders["next_run_at"].as_str().unwrap().ends_with("T11:00:00Z"), "{reminders}");
    let runs = app.get("/api/v1/jobs/session-reminders/runs", &app.root).await;
    assert_eq!(runs.body["items"].as_array().unwrap().len(), 3);
    app.post("/api/v1/jobs/outbox/run", &l.admin, json!(null)).await.assert_problem(403, "forbidden");
    app.post("/api/v1/jobs/nothing/run", &app.root, json!(null)).await.assert_problem(404, "not-found");
    // A manual run is in the audit trail, naming the run and who asked for it.
    let r = app.post("/api/v1/jobs/outbox/run", &app.root, json!(null)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let trail = app.get("/api/v1/audit?resource_type=jobs", &app.root).await;
    let runs: Vec<&Value> =
        trail.body["items"].as_array().unwrap().iter().filter(|e| e["path"] == "/api/v1/jobs/outbox/run").collect();
    // The two earlier runs of this test, and this one (the refused one left none).
    assert_eq!(runs.len(), 3, "{}", trail.text);
    assert_eq!(runs[2]["resource_id"], r.body["id"], "{}", trail.text);
    assert_eq!((runs[2]["method"].as_str(), runs[2]["actor_role"].as_str()), (Some("POST"), Some("system_admin")));
}

db_test_raw!(smtp_down_then_up_delivers_everything_once);
async fn smtp_down_then_up_delivers_everything_once(db: TestDb) {
    let port = SmtpServer::free_port();
    let url = SmtpServer::url(port);
    let app = TestApp::start(
        db,
        &[("LLCT__MAIL__SMTP_URL", &url), ("LLCT__MAIL__BACKOFF_BASE_SECS", "0"), ("LLCT__MAIL__TIMEOUT_SECS", "2")],
    )
    .await;
    let l = live_class(&app).await;
    session_tomorrow(&app, &l, 14).await;
    assert_eq!(run_job(&app, "session-reminders").await["queued"], 4);
    // The server is down: nothing is lost, every message waits with its error.
    let down = run_job(&app, "outbox").await;
    assert_eq!((down["sent"].as_i64(), down["retrying"].as_i64()), (None, Some(4)), "{down}");
    let outbox = app.get("/api/v1/notifications?status=pending", &app.root).await;
    let items = outbox.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(
        items.iter().filter(|m| m["attempts"] == 1 && m["last_error"].is_string()).count(),
        4,
        "{}",
        outbox.text
    );
    // Up again: everything goes out once.
    let smtp = SmtpServer::start_at(port);
    assert_eq!(run_job(&app, "outbox").await["sent"], 4);
    assert_eq!(run_job(&app, "outbox").await.get("sent"), None);
    assert_eq!(smtp.mails().len(), 4);
    let keys: BTreeSet<(Vec<String>, String)> = smtp.mails().into_iter().map(|m| (m.to, m.text)).collect();
    assert_eq!(keys.len(), 4, "no message twice");
    // An administrator may send one again on purpose.
    let id = app.get("/api/v1/notifications", &app.root).await.body["items"][0]["id"].as_str().unwrap().to_string();
    let r = app.post(&format!("/api/v1/notifications/{id}/resend"), &app.root, json!(null)).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("pending")), "{}", r.text);
    run_job(&app, "outbox").await;
    assert_eq!(smtp.mails().len(), 5);
}

db_test_raw!(two_schedulers_run_an_occurrence_once);
async fn two_schedulers_run_an_occurrence_once(db: TestDb) {
    use diesel::prelude::*;
    use llct::db::schema::job_leases as jl;
    use llct::jobs::runner::{run, Outcome, Trigger};
    use llct::jobs::Ctx;

    let app = TestApp::start(db, &[]).await;
    live_class(&app).await;
    let settings = app.state.settings.clone();
    // Two processes' worth of pools on one database.
    let a = Ctx::new(app.state.db.clone(), settings.clone());
    let b = Ctx::new(llct::db::Db::connect(&settings.database).unwrap(), settings.clone());
    let occurrence = "2026-12-01T11:00Z";
    let ta = std::thread::spawn(move || run(&a, "session-reminders", Trigger::Schedule, occurrence).unwrap().1);
    let tb = std::thread::spawn(move || run(&b, "session-reminders", Trigger::Schedule, occurrence).unwrap().1);
    let outcomes = [ta.join().unwrap(), tb.join().unwrap()];
    assert_eq!(outcomes.iter().filter(|o| matches!(o, Outcome::Succeeded(_))).count(), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| **o == Outcome::AlreadyClaimed).count(), 1, "{outcomes:?}");
    let runs = app.get("/api/v1/jobs/session-reminders/runs", &app.root).await;
    assert_eq!(runs.body["items"].as_array().unwrap().len(), 1, "{}", runs.text);
    assert_eq!(app.get("/api/v1/notifications", &app.root).await.body["items"].as_array().unwrap().len(), 2);

    // A replica that died holding the lease blocks the job only until the lease expires.
    let ctx = Ctx::new(app.state.db.clone(), settings.clone());
    let mut conn = app.state.db.conn().unwrap();
    let later = Utc::now().naive_utc() + Duration::hours(1);
    diesel::insert_into(jl::table)
        .values((jl::job.eq("session-reminders"), jl::holder.eq("dead-replica"), jl::expires_at.eq(later)))
        .execute(&mut *conn)
        .unwrap();
    assert_eq!(run(&ctx, "session-reminders", Trigger::Manual, "manual-1").unwrap().1, Outcome::Busy);
    diesel::update(jl::table.find("session-reminders"))
        .set(jl::expires_at.eq(Utc::now().naive_utc() - Duration::seconds(1)))
        .execute(&mut *conn)
        .unwrap();
    assert!(matches!(run(&ctx, "session-reminders", Trigger::Manual, "manual-2").unwrap().1, Outcome::Succeeded(_)));
}

const CLASSES: [&str; 5] = ["K1", "K2", "K3", "K4", "K5"];

/// Five classes past their end date, each with two graduates and one who failed, at a school
/// whose credentials are signed by its director.
async fn ended_classes(app: &TestApp) {
    let school = app.institution("TCT", "provincial_school", None).await;
    let (_, admin) = app.user("institution_admin", Some(&school)).await;
    let r = app
        .patch(
            &format!("/api/v1/institutions/{school}"),
            &app.root,
            json!({"signer_name": "Trần Văn Bình", "signer_title": "Hiệu trưởng"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    const GIVEN: [&str; 5] = ["An", "Bình", "Cường", "Dũng", "Giang"];
    for (i, code) in CLASSES.iter().enumerate() {
        let names = [format!("Lê Văn {}", GIVEN[i]), format!("Phạm Thị {}", GIVEN[i]), format!("Đỗ Hữu {}", GIVEN[i])];
        ended_class(app, &school, &admin, code, &[&names[0], &names[1]], &[&names[2]]).await;
    }
}

/// (class, holder) → serial, and every results message as (recipient, subject).
async fn outcome(app: &TestApp) -> (BTreeMap<(String, String), String>, Vec<(String, String)>) {
    let certs = app.get("/api/v1/certificates?limit=500", &app.root).await;
    let papers = certs.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                (
                    c["facts"]["cohort"].as_str().unwrap().to_string(),
                    c["facts"]["holder"].as_str().unwrap().to_string(),
                ),
                c["serial"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let msgs = app.get("/api/v1/notifications?kind=results&limit=500", &app.root).await;
    let mut messages: Vec<(String, String)> = msgs.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            // Verification codes are random by design; the rest must be the same.
            let body = m["body_text"].as_str().unwrap();
            let body = match body.split_once("/verify/") {
                Some((head, tail)) => format!("{head}/verify/…{}", &tail[20..]),
                None => body.to_string(),
            };
            (m["recipient_name"].as_str().unwrap().to_string(), body)
        })
        .collect();
    messages.sort();
    (papers, messages)
}

fn close_out(app: &TestApp, pause_ms: &str) -> std::process::Child {
    let mut env = crate::support::test_env(&app.database_url());
    env.push(("LLCT__JOBS__CLOSE_OUT_PAUSE_MS".into(), pause_ms.into()));
    env.push(("LLCT__LOG__LEVEL".into(), "warn".into()));
    // A short lease, renewed after every class, so the rerun need not wait long for the killed one's.
    env.push(("LLCT__JOBS__LEASE_SECS".into(), "2".into()));
    std::process::Command::new(env!("CARGO_BIN_EXE_llct"))
        .args(["jobs", "run", "close-out"])
        .env_clear()
        .envs(env)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("llct starts")
}

async fn closed_count(app: &TestApp) -> usize {
    app.get("/api/v1/cohorts?status=closed", &app.root).await.body["items"].as_array().unwrap().len()
}

db_test_raw!(a_killed_close_out_rerun_matches_a_clean_run);
async fn a_killed_close_out_rerun_matches_a_clean_run(db: TestDb) {
    let pg = db.url.starts_with("postgres");
    // The clean run, on its own database.
    let clean = TestApp::start(if pg { TestDb::postgres().unwrap() } else { TestDb::sqlite() }, &[]).await;
    ended_classes(&clean).await;
    assert!(close_out(&clean, "0").wait().unwrap().success());
    assert_eq!(closed_count(&clean).await, CLASSES.len());
    let expected = outcome(&clean).await;
    assert_eq!((expected.0.len(), expected.1.len()), (10, 15), "{expected:?}");

    // The same classes, the close-out killed with SIGKILL after it closed two of them.
    let app = TestApp::start(db, &[]).await;
    ended_classes(&app).await;
    let mut child = close_out(&app, "700");
    let started = std::time::Instant::now();
    while closed_count(&app).await < 2 {
        assert!(started.elapsed().as_secs() < 60, "the close-out made no progress");
        actix_rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let at_kill = closed_count(&app).await;
    assert!((2..CLASSES.len()).contains(&at_kill), "killed after {at_kill} classes");
    let run = app.get("/api/v1/jobs/close-out/runs", &app.root).await;
    assert_eq!(run.body["items"][0]["outcome"], "running", "the killed run never finished: {}", run.text);

    // Until its lease runs out the killed run still holds the job; then a rerun finishes the
    // rest, and the result is what the clean run gave.
    assert!(!close_out(&app, "0").wait().unwrap().success());
    actix_rt::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert!(close_out(&app, "0").wait().unwrap().success());
    assert_eq!(closed_count(&app).await, CLASSES.len());
    let got = outcome(&app).await;
    assert_eq!(got, expected);
    // Serial numbers are one unbroken sequence.
    let numbers: BTreeSet<String> = got.0.values().cloned().collect();
    let year = Utc::now().format("%Y");
    assert_eq!(numbers, (1..=10).map(|n| format!("GCN-{year}-{n:06}")).collect::<BTreeSet<_>>());
    // Housekeeping marks the killed run abandoned, so the job list does not show it running.
    let mut env = crate::support::test_env(&app.database_url());
    env.push(("LLCT__JOBS__LEASE_SECS".into(), "2".into()));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_llct"))
        .args(["jobs", "run", "housekeeping"])
        .env_clear()
        .envs(env)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let runs = app.get("/api/v1/jobs/close-out/runs", &app.root).await;
    let outcomes: Vec<&str> =
        runs.body["items"].as_array().unwrap().iter().map(|r| r["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, vec!["succeeded", "skipped", "abandoned"], "{}", runs.text);
    // The graduates' messages carry their serial.
    let lecturer_view = got.1.iter().filter(|(_, body)| body.contains("Văn bằng số hiệu GCN-")).count();
    assert_eq!(lecturer_view, 10);
}
