//! The performance benchmark: drives the real application over HTTP (in-process server on
//! loopback) and prints latency percentiles for the operations with targets.
//!
//! ```sh
//! cargo bench --bench api -- --quick                     # SQLite, small sample
//! cargo bench --bench api -- --pg postgres://postgres@127.0.0.1/postgres
//! ```
//! Each figure is also given as a ratio to `GET /readyz` measured in the same run, so results
//! compare across machines.

mod common;

use actix_web::http::Method;
use chrono::Utc;
use common::*;
use serde_json::{json, Value};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let pg = args.iter().position(|a| a == "--pg").and_then(|i| args.get(i + 1)).cloned();
    actix_web::rt::System::new().block_on(run(quick, pg));
}

async fn run(quick: bool, pg: Option<String>) {
    let bench = Bench::start(pg.as_deref(), &[]).await;
    let (c, root, backend) = (&bench.client, bench.root.clone(), bench.backend);

    let rounds = if quick { 30 } else { 200 };
    let mut lines = Vec::new();

    // Baseline: one trivial query.
    let mut samples = Vec::new();
    for _ in 0..rounds * 2 {
        samples.push(c.call(Method::GET, "/readyz", None, None).await.2);
    }
    lines.push(line("GET /readyz (baseline)", samples));

    // Setup: a school, the catalogue, an elementary class of 200 learners with a lecturer.
    let school = c
        .ok(
            Method::POST,
            "/api/v1/institutions",
            &root,
            json!({"code": "TCT", "name": "Trường Chính trị tỉnh", "tier": "provincial_school"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    c.ok(Method::POST, "/api/v1/programs/catalogue", &root, json!(null)).await;
    let programs = c.ok(Method::GET, "/api/v1/programs?national=true", &root, json!(null)).await;
    let program = programs["items"].as_array().unwrap().iter().find(|p| p["code"] == "SC-LLCT").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // The 10,000-row import, in one request.
    let import_rows = if quick { 2_000 } else { 10_000 };
    let (status, body, took) =
        c.raw(&format!("/api/v1/learners/import?institution_id={school}"), &root, learners_csv(import_rows, 0)).await;
    assert_eq!(status, 200, "{body}");
    let import_line = format!("import of {import_rows} learners (CSV, one request): {:.2} s", took.as_secs_f64());

    let today = Utc::now().date_naive();
    let sessions_n = if quick { 40 } else { 120 };
    let cohort = c
        .ok(Method::POST, "/api/v1/cohorts", &root, json!({"program_id": program, "code": "SC-BENCH", "mode": "full_time", "capacity": 300, "institution_id": school,
            "starts_on": (today - chrono::Duration::days(400)).to_string(), "ends_on": (today + chrono::Duration::days(30)).to_string()}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let page =
        c.ok(Method::GET, &format!("/api/v1/learners?limit=200&institution_id={school}"), &root, json!(null)).await;
    let learners: Vec<String> =
        page["items"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap().to_string()).collect();
    let enrol: Vec<Value> = learners.iter().map(|l| json!({"learner_id": l})).collect();
    c.ok(
        Method::POST,
        &format!("/api/v1/cohorts/{cohort}/enrollments"),
        &root,
        json!({"learners": enrol, "enrolled_on": (today - chrono::Duration::days(400)).to_string()}),
    )
    .await;
    let module = c.ok(Method::GET, &format!("/api/v1/programs/{program}/modules"), &root, json!(null)).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let lecturer = c
        .ok(
            Method::POST,
            "/api/v1/lecturers",
            &root,
            json!({"full_name": "Trần Văn Giảng", "kind": "full_time", "institution_id": school, "subjects": ["SC01"]}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    c.ok(
        Method::POST,
        &format!("/api/v1/cohorts/{cohort}/assignments"),
        &root,
        json!({"module_id": module, "lecturer_id": lecturer}),
    )
    .await;
    let from = today - chrono::Duration::days(sessions_n as i64 + 5);
    let created = c
        .ok(Method::POST, &format!("/api/v1/cohorts/{cohort}/sessions"), &root, json!({"module_id": module, "lecturer_id": lecturer, "place": "Hội trường",
            "series": {"from": from.to_string(), "to": (from + chrono::Duration::days(sessions_n as i64 - 1)).to_string(), "weekdays": [1, 2, 3, 4, 5, 6, 7], "start_time": "07:30", "end_time": "11:00"}}))
        .await;
    let sessions: Vec<String> =
        created["items"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).collect();
    let statuses = ["present", "present", "present", "late", "excused", "absent"];
    // Every session's roll for all 200 learners (this is the data the summary reads); the first
    // fill keeps absences rare enough that learners may sit exams.
    let first_fill = [
        "present", "present", "present", "present", "present", "present", "present", "present", "late", "excused",
        "present", "absent",
    ];
    for (k, sid) in sessions.iter().enumerate() {
        let entries: Vec<Value> = learners
            .iter()
            .enumerate()
            .map(|(i, l)| json!({"learner_id": l, "status": first_fill[(i + k) % 12]}))
            .collect();
        c.ok(
            Method::PUT,
            &format!("/api/v1/sessions/{sid}/attendance"),
            &root,
            json!({"entries": entries, "reason": "nhập sổ"}),
        )
        .await;
    }

    // A 100-learner roll call, repeated on the sessions (each call changes every mark).
    let samples =
        roll_calls(c, &root, &sessions, &learners[..100], rounds, "đo", |i, k| statuses[(i + k + 1) % 6]).await;
    lines.push(line("PUT /sessions/{id}/attendance (100 learners)", samples));

    let mut samples = Vec::new();
    for _ in 0..(rounds / 3).max(10) {
        let (status, v, took) =
            c.call(Method::GET, &format!("/api/v1/cohorts/{cohort}/attendance-summary"), Some(&root), None).await;
        assert_eq!(status, 200, "{v}");
        samples.push(took);
    }
    lines.push(line(&format!("GET /cohorts/{{id}}/attendance-summary (200 learners, {sessions_n} sessions)"), samples));

    // A list page deep in the learners table, and the first page.
    let mut first = Vec::new();
    for _ in 0..rounds {
        first.push(c.call(Method::GET, "/api/v1/learners?limit=100", Some(&root), None).await.2);
    }
    let mut deep = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(cur) => format!("/api/v1/learners?limit=100&cursor={cur}"),
            None => "/api/v1/learners?limit=100".to_string(),
        };
        let (_, v, took) = c.call(Method::GET, &path, Some(&root), None).await;
        if pages > 0 {
            deep.push(took);
        }
        pages += 1;
        match v["next_cursor"].as_str() {
            Some(n) => cursor = Some(n.to_string()),
            None => break,
        }
    }
    lines.push(line("GET /learners first page (100)", first));
    lines.push(line(&format!("GET /learners later pages (100 each, {pages} pages)"), deep));

    // Signing in (Argon2id with the configured cost, by design the slowest request).
    let mut samples = Vec::new();
    for _ in 0..(rounds / 4).max(5) {
        let body = json!({"email": "bench@llct.local", "password": "mật khẩu đo hiệu năng"});
        let (status, v, took) = c.call(Method::POST, "/api/v1/auth/login", None, Some(body)).await;
        assert_eq!(status, 200, "{v}");
        samples.push(took);
    }
    lines.push(line("POST /auth/login", samples));

    // A learner with an account in the class: their schedule, alone and with 16 clients at once.
    let user = c
        .ok(Method::POST, "/api/v1/users", &root, json!({"email": "hv@llct.test", "password": "mật khẩu học viên đo", "full_name": "Lê Thị Học", "role": "learner", "institution_id": school}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let me = c
        .ok(Method::POST, "/api/v1/learners", &root, json!({"full_name": "Lê Thị Học", "date_of_birth": "1985-05-05", "gender": "female", "education_level": "university",
            "party_status": "full", "party_admission_date": "2010-05-10", "institution_id": school, "user_id": user}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    c.ok(
        Method::POST,
        &format!("/api/v1/cohorts/{cohort}/enrollments"),
        &root,
        json!({"learner_id": me, "enrolled_on": (today - chrono::Duration::days(400)).to_string()}),
    )
    .await;
    let learner_token = c
        .ok(
            Method::POST,
            "/api/v1/auth/login",
            "",
            json!({"email": "hv@llct.test", "password": "mật khẩu học viên đo"}),
        )
        .await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let window = format!(
        "/api/v1/me/schedule?from={}&to={}",
        today - chrono::Duration::days(14),
        today + chrono::Duration::days(14)
    );
    let mut samples = Vec::new();
    for _ in 0..rounds {
        samples.push(c.call(Method::GET, &window, Some(&learner_token), None).await.2);
    }
    lines.push(line("GET /me/schedule (4 weeks)", samples));
    let per_client = (rounds / 2).max(10);
    let (samples, readyz_rate) = load(c, per_client, &[], |_, _| "/readyz".into()).await;
    lines.push(line("GET /readyz, 16 clients at once", samples));
    let (samples, schedule_rate) =
        load(c, per_client, std::slice::from_ref(&learner_token), |_, _| window.clone()).await;
    lines.push(line("GET /me/schedule, 16 clients at once", samples));
    let throughput = format!(
        "16 clients: /readyz {readyz_rate:.0} req/s, /me/schedule {schedule_rate:.0} req/s ({:.0}% of /readyz)",
        100.0 * schedule_rate / readyz_rate
    );

    // Grade entry for 100 learners, and the class's results.
    let grader_user = c
        .ok(Method::POST, "/api/v1/users", &root, json!({"email": "gv@llct.test", "password": "mật khẩu giảng viên đo", "full_name": "Trần Văn Chấm", "role": "lecturer", "institution_id": school}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    c.ok(Method::PATCH, &format!("/api/v1/lecturers/{lecturer}"), &root, json!({"user_id": grader_user})).await;
    let grader = c
        .ok(
            Method::POST,
            "/api/v1/auth/login",
            "",
            json!({"email": "gv@llct.test", "password": "mật khẩu giảng viên đo"}),
        )
        .await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let exam = c
        .ok(
            Method::POST,
            &format!("/api/v1/cohorts/{cohort}/exams"),
            &root,
            json!({"kind": "module", "module_id": module, "graders": [lecturer],
            "held_on": today.to_string(), "grading_deadline": (today + chrono::Duration::days(5)).to_string()}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    // The exam's candidates (those whose attendance allows them to sit), the first 100 of them.
    let (samples, sitting) =
        grade_entries(c, &root, &grader, &exam, 100, (rounds / 2).max(10), |i, k| 4 + (i + k) % 7).await;
    lines.push(line(&format!("PUT /exams/{{id}}/grades ({sitting} learners)"), samples));
    let mut samples = Vec::new();
    for _ in 0..(rounds / 3).max(10) {
        let (status, v, took) =
            c.call(Method::GET, &format!("/api/v1/cohorts/{cohort}/results"), Some(&root), None).await;
        assert_eq!(status, 200, "{v}");
        samples.push(took);
    }
    lines.push(line(&format!("GET /cohorts/{{id}}/results ({} learners)", learners.len() + 1), samples));

    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| format!("peak memory of the process (server and client together): {:.0} MB", kb / 1024.0))
        .unwrap_or_default();

    let base = lines[0].p50;
    println!("\nllct benchmark — {backend}{} — {} rounds", if quick { " (quick)" } else { "" }, rounds);
    println!("| operation | n | p50 ms | p95 ms | p99 ms | p50 ÷ readyz p50 |");
    println!("|---|---|---|---|---|---|");
    for l in &lines {
        println!("| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |", l.name, l.n, l.p50, l.p95, l.p99, l.p50 / base);
    }
    println!("\n{import_line}\n{throughput}\n{peak}");
    bench.finish();
}
