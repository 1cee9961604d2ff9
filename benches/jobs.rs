//! The scheduled-work benchmark: the close-out of many finished classes (attendance and grades
//! in place) and outbox delivery to a real SMTP server on loopback.
//!
//! ```sh
//! cargo bench --bench jobs -- --quick                     # SQLite, 20 classes of 50
//! cargo bench --bench jobs -- --pg postgres://postgres@127.0.0.1/postgres   # 500 classes of 50
//! ```

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use actix_web::http::Method;
use chrono::{Duration, Utc};
use common::*;
use serde_json::{json, Value};

/// Counts what an SMTP server on loopback receives.
#[derive(Clone)]
struct Counter(Arc<AtomicUsize>);

impl mailin_embedded::Handler for Counter {
    fn data_end(&mut self) -> mailin_embedded::Response {
        self.0.fetch_add(1, Ordering::Relaxed);
        mailin_embedded::response::OK
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let pg = args.iter().position(|a| a == "--pg").and_then(|i| args.get(i + 1)).cloned();
    actix_web::rt::System::new().block_on(run(quick, pg));
}

fn args_smtp() -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == "--smtp").and_then(|i| args.get(i + 1)).cloned()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn run(quick: bool, pg: Option<String>) {
    let classes = if quick { 20 } else { 500 };
    let per_class = 50;
    let sessions = 6;
    // The SMTP server the outbox delivers to.
    let received = Arc::new(AtomicUsize::new(0));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut server = mailin_embedded::Server::new(Counter(received.clone()));
    server.with_name("smtp.bench").with_num_threads(16).with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    // `--smtp URL` delivers to another server (e.g. `python3 -m aiosmtpd -n -c aiosmtpd.handlers.Sink`).
    let smtp = args_smtp().unwrap_or_else(|| format!("smtp://127.0.0.1:{port}"));
    let bench =
        Bench::start(pg.as_deref(), &[("LLCT__MAIL__SMTP_URL", &smtp), ("LLCT__MAIL__BATCH_SIZE", "100000")]).await;
    let (c, root) = (&bench.client, bench.root.clone());

    // A school with a signer, a program of three modules and a graduation subject, one lecturer.
    let setup = Instant::now();
    let school = id(&c
        .ok(
            Method::POST,
            "/api/v1/institutions",
            &root,
            json!({"code": "TCT", "name": "Trường Chính trị tỉnh", "tier": "provincial_school",
            "signer_name": "Trần Văn Bình", "signer_title": "Hiệu trưởng"}),
        )
        .await);
    let program = id(&c
        .ok(Method::POST, "/api/v1/programs", &root, json!({"code": "SC-B", "title": "Sơ cấp lý luận chính trị", "level": "elementary", "edition": "2026",
            "owner_institution_id": school, "credential": "certificate",
            "rules": {"field_study_required": false, "graduation_essay": false, "graduation_subjects": [{"code": "TN1", "title": "Tổng hợp"}]}}))
        .await);
    let mut modules = Vec::new();
    for k in 1..=3 {
        modules.push(id(&c
            .ok(
                Method::POST,
                &format!("/api/v1/programs/{program}/modules"),
                &root,
                json!({"code": format!("M{k}"), "title": format!("Học phần {k}"), "hours": 20}),
            )
            .await));
    }
    c.ok(Method::POST, &format!("/api/v1/programs/{program}/publish"), &root, json!(null)).await;
    let password = "mật khẩu giảng viên đo";
    let user = id(&c
        .ok(Method::POST, "/api/v1/users", &root, json!({"email": "gv@llct.test", "password": password, "full_name": "Trần Văn Giảng", "role": "lecturer", "institution_id": school}))
        .await);
    let lecturer = id(&c
        .ok(Method::POST, "/api/v1/lecturers", &root, json!({"full_name": "Trần Văn Giảng", "kind": "full_time", "institution_id": school, "subjects": ["M1", "M2", "M3"], "user_id": user}))
        .await);
    let grader = c
        .ok(Method::POST, "/api/v1/auth/login", "", json!({"email": "gv@llct.test", "password": password}))
        .await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, v, _) = c
        .raw(&format!("/api/v1/learners/import?institution_id={school}"), &root, learners_csv(classes * per_class, 0))
        .await;
    assert_eq!(status, 200, "{v}");
    let mut learners = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cur) => format!("/api/v1/learners?limit=500&cursor={cur}"),
            None => "/api/v1/learners?limit=500".to_string(),
        };
        let page = c.ok(Method::GET, &path, &root, json!(null)).await;
        learners.extend(page["items"].as_array().unwrap().iter().map(id));
        match page["next_cursor"].as_str() {
            Some(n) => cursor = Some(n.to_string()),
            None => break,
        }
    }
    let today = Utc::now().date_naive();
    let (starts, ends) = (today - Duration::days(30), today - Duration::days(1));
    let statuses = ["present", "present", "present", "present", "late", "excused"];
    for k in 0..classes {
        let cohort = id(&c
            .ok(Method::POST, "/api/v1/cohorts", &root, json!({"program_id": program, "code": format!("K{k:04}"), "title": "Sơ cấp", "mode": "in_service",
                "capacity": per_class, "institution_id": school, "starts_on": starts.to_string(), "ends_on": ends.to_string()}))
            .await);
        let mine = &learners[k * per_class..(k + 1) * per_class];
        let enrol: Vec<Value> = mine.iter().map(|l| json!({"learner_id": l})).collect();
        c.ok(
            Method::POST,
            &format!("/api/v1/cohorts/{cohort}/enrollments"),
            &root,
            json!({"learners": enrol, "enrolled_on": starts.to_string()}),
        )
        .await;
        // Each class has its own teacher (classes run side by side); one lecturer grades them all.
        let teacher = id(&c
            .ok(
                Method::POST,
                "/api/v1/lecturers",
                &root,
                json!({"full_name": format!("{} Văn {}", FAMILY[k % 14], GIVEN[k % 20]), "kind": "concurrent",
                "institution_id": school, "subjects": ["M1"]}),
            )
            .await);
        c.ok(
            Method::POST,
            &format!("/api/v1/cohorts/{cohort}/assignments"),
            &root,
            json!({"module_id": modules[0], "lecturer_id": teacher}),
        )
        .await;
        c.ok(Method::POST, &format!("/api/v1/cohorts/{cohort}/start"), &root, json!(null)).await;
        let from = starts + Duration::days(1);
        let created = c
            .ok(Method::POST, &format!("/api/v1/cohorts/{cohort}/sessions"), &root, json!({"module_id": modules[0], "lecturer_id": teacher, "place": format!("Phòng {k}"),
                "series": {"from": from.to_string(), "to": (from + Duration::days(sessions - 1)).to_string(), "weekdays": [1, 2, 3, 4, 5, 6, 7], "start_time": "07:30", "end_time": "11:00"}}))
            .await;
        for (j, s) in created["items"].as_array().unwrap().iter().enumerate() {
            let entries: Vec<Value> = mine
                .iter()
                .enumerate()
                .map(|(i, l)| json!({"learner_id": l, "status": statuses[(i + j) % 6]}))
                .collect();
            c.ok(
                Method::PUT,
                &format!("/api/v1/sessions/{}/attendance", id(s)),
                &root,
                json!({"entries": entries, "reason": "nhập sổ"}),
            )
            .await;
        }
        let exams = modules
            .iter()
            .map(|m| json!({"kind": "module", "module_id": m}))
            .chain([json!({"kind": "graduation", "subject_code": "TN1"})]);
        for (j, mut body) in exams.enumerate() {
            body["graders"] = json!([lecturer]);
            body["held_on"] = json!((ends - Duration::days(4 - j as i64)).to_string());
            body["grading_deadline"] = json!(today.to_string());
            let exam = id(&c.ok(Method::POST, &format!("/api/v1/cohorts/{cohort}/exams"), &root, body).await);
            c.ok(Method::POST, &format!("/api/v1/exams/{exam}/seal"), &root, json!(null)).await;
            let entries: Vec<Value> =
                mine.iter().enumerate().map(|(i, l)| json!({"learner_id": l, "grade": 5 + (i + j) % 6})).collect();
            c.ok(Method::PUT, &format!("/api/v1/exams/{exam}/grades"), &grader, json!({"entries": entries})).await;
            c.ok(Method::POST, &format!("/api/v1/exams/{exam}/publish"), &root, json!(null)).await;
        }
    }
    let setup = setup.elapsed();

    let ctx = llct::jobs::Ctx::new(bench.state.db.clone(), bench.state.settings.clone());
    let run = |name: &'static str| {
        let ctx = ctx.clone();
        async move {
            let start = Instant::now();
            let (_, outcome) = actix_web::web::block(move || {
                llct::jobs::runner::run(&ctx, name, llct::jobs::runner::Trigger::Command, &format!("bench-{name}"))
            })
            .await
            .unwrap()
            .unwrap();
            (start.elapsed(), outcome)
        }
    };
    let (close_took, close) = run("close-out").await;
    let (send_took, sent) = run("outbox").await;
    let delivered = match &sent {
        llct::jobs::runner::Outcome::Succeeded(c) if args_smtp().is_some() => {
            c.get("sent").copied().unwrap_or(0) as usize
        }
        _ => received.load(Ordering::Relaxed),
    };
    println!("\nllct jobs benchmark — {}{}", bench.backend, if quick { " (quick)" } else { "" });
    println!("setup through the API: {classes} classes × {per_class} learners, {sessions} roll calls and 4 graded exams each: {:.0} s", setup.as_secs_f64());
    println!("| job | work | time s | rate |");
    println!("|---|---|---|---|");
    println!(
        "| close-out | {classes} classes, {} learners | {:.1} | {:.0} classes/s |",
        classes * per_class,
        close_took.as_secs_f64(),
        classes as f64 / close_took.as_secs_f64()
    );
    println!(
        "| outbox | {delivered} messages to SMTP on loopback | {:.1} | {:.0} messages/s |",
        send_took.as_secs_f64(),
        delivered as f64 / send_took.as_secs_f64()
    );
    println!("\nclose-out: {close:?}\noutbox: {sent:?}");

    // Public verification among all those credentials.
    let page = c.ok(Method::GET, "/api/v1/certificates?limit=500", &root, json!(null)).await;
    let codes: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["verification_code"].as_str().unwrap().to_string())
        .collect();
    let mut samples = Vec::new();
    for k in 0..if quick { 100 } else { 500 } {
        let (status, v, took) =
            c.call(Method::GET, &format!("/api/v1/verify/{}", codes[k % codes.len()]), None, None).await;
        assert_eq!(status, 200, "{v}");
        samples.push(took);
    }
    let mut readyz = Vec::new();
    for _ in 0..samples.len() {
        readyz.push(c.call(Method::GET, "/readyz", None, None).await.2);
    }
    let (v, r) = (line("GET /api/v1/verify/{code}", samples), line("GET /readyz", readyz));
    println!(
        "\n| operation | n | p50 ms | p95 ms | p99 ms | p50 ÷ readyz p50 |\n|---|---|---|---|---|---|\n| {} ({} credentials) | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
        v.name,
        classes * per_class,
        v.n,
        v.p50,
        v.p95,
        v.p99,
        v.p50 / r.p50
    );
    bench.finish();
}
