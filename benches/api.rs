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
    // Every session's roll for all 200 learners (this is the data the summary reads).
    for (k, sid) in sessions.iter().enumerate() {
        let entries: Vec<Value> = learners
            .iter()
            .enumerate()
            .map(|(i, l)| json!({"learner_id": l, "status": statuses[(i + k) % 6]}))
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
    let mut samples = Vec::new();
    for k in 0..rounds {
        let sid = &sessions[k % sessions.len()];
        let entries: Vec<Value> = learners[..100]
            .iter()
            .enumerate()
            .map(|(i, l)| json!({"learner_id": l, "status": statuses[(i + k + 1) % 6]}))
            .collect();
        let (status, v, took) = c
            .call(
                Method::PUT,
                &format!("/api/v1/sessions/{sid}/attendance"),
                Some(&root),
                Some(json!({"entries": entries, "reason": "đo"})),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        samples.push(took);
    }
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

    let base = lines[0].p50;
    println!("\nllct benchmark — {backend}{} — {} rounds", if quick { " (quick)" } else { "" }, rounds);
    println!("| operation | n | p50 ms | p95 ms | p99 ms | p50 ÷ readyz p50 |");
    println!("|---|---|---|---|---|---|");
    for l in &lines {
        println!("| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |", l.name, l.n, l.p50, l.p95, l.p99, l.p50 / base);
    }
    println!("\n{import_line}");
    bench.finish();
}
