//! The performance benchmark: drives the real application over HTTP (in-process server on
//! loopback) and prints latency percentiles for the operations with targets.
//!
//! ```sh
//! cargo bench --bench api -- --quick                     # SQLite, small sample
//! cargo bench --bench api -- --pg postgres://postgres@127.0.0.1/postgres
//! ```
//! Each figure is also given as a ratio to `GET /readyz` measured in the same run, so results
//! compare across machines.

use std::time::{Duration, Instant};

use actix_web::http::Method;
use actix_web::web;
use chrono::Utc;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::{json, Value};

struct Client {
    srv: actix_test::TestServer,
}

impl Client {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value, Duration) {
        let mut req = self.srv.request(method, self.srv.url(path));
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        let start = Instant::now();
        let mut res = match body {
            Some(b) => req.send_json(&b).await,
            None => req.send().await,
        }
        .expect("request");
        let bytes = res.body().limit(256 << 20).await.expect("body");
        let took = start.elapsed();
        (res.status().as_u16(), serde_json::from_slice(&bytes).unwrap_or(Value::Null), took)
    }

    async fn raw(&self, path: &str, token: &str, body: Vec<u8>) -> (u16, Value, Duration) {
        let start = Instant::now();
        let mut res = self
            .srv
            .post(path)
            .insert_header(("authorization", format!("Bearer {token}")))
            .insert_header(("content-type", "text/csv"))
            .send_body(body)
            .await
            .expect("request");
        let bytes = res.body().limit(256 << 20).await.expect("body");
        (res.status().as_u16(), serde_json::from_slice(&bytes).unwrap_or(Value::Null), start.elapsed())
    }

    async fn ok(&self, method: Method, path: &str, token: &str, body: Value) -> Value {
        let (status, v, _) = self.call(method, path, Some(token), Some(body)).await;
        assert!(status < 300, "{path}: {status} {v}");
        v
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

struct Line {
    name: String,
    p50: f64,
    p95: f64,
    p99: f64,
    n: usize,
}

fn line(name: &str, mut samples: Vec<Duration>) -> Line {
    samples.sort();
    Line {
        name: name.into(),
        p50: percentile(&samples, 0.5),
        p95: percentile(&samples, 0.95),
        p99: percentile(&samples, 0.99),
        n: samples.len(),
    }
}

const FAMILY: [&str; 14] =
    ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"];
const MIDDLE: [&str; 8] = ["Văn", "Thị", "Hữu", "Đức", "Thanh", "Minh", "Ngọc", "Quang"];
const GIVEN: [&str; 20] = [
    "An", "Anh", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nam",
    "Ngân", "Phúc", "Sơn", "Tâm", "Yến",
];

fn csv(n: usize, offset: usize) -> Vec<u8> {
    let mut s = String::from("Họ và tên,Ngày sinh,Giới tính,Trình độ học vấn,Đảng viên,Ngày vào Đảng,Số CCCD\n");
    for k in 0..n {
        let i = k + offset;
        s.push_str(&format!(
            "{} {} {},{:02}/{:02}/{},{},Đại học,Chính thức,10/05/2012,{:012}\n",
            FAMILY[i % 14],
            MIDDLE[(i / 14) % 8],
            GIVEN[(i / 112) % 20],
            1 + i % 28,
            1 + (i / 28) % 12,
            1960 + (i / 336) % 40,
            if i % 2 == 0 { "Nam" } else { "Nữ" },
            100_000_000 + i
        ));
    }
    s.into_bytes()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let pg = args.iter().position(|a| a == "--pg").and_then(|i| args.get(i + 1)).cloned();
    actix_web::rt::System::new().block_on(run(quick, pg));
}

async fn run(quick: bool, pg: Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let (url, cleanup) = match &pg {
        Some(admin) => {
            let name = format!("llct_bench_{}", std::process::id());
            let mut c = PgConnection::establish(admin).expect("PostgreSQL");
            diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut c).unwrap();
            let mut u = url::Url::parse(admin).unwrap();
            u.set_path(&format!("/{name}"));
            (u.to_string(), Some((admin.clone(), name)))
        }
        None => (format!("sqlite://{}/bench.db", dir.path().display()), None),
    };
    let env: Vec<(String, String)> = [
        ("DATABASE_URL", url.as_str()),
        ("LLCT__AUTH__LOGIN_ATTEMPTS_PER_MINUTE", "100000"),
        ("LLCT__AUTH__LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT", "100000"),
        ("LLCT__SERVER__UPLOAD_LIMIT_BYTES", "67108864"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let settings = llct::settings::Settings::load_from(&env).unwrap();
    let db = llct::db::Db::connect(&settings.database).unwrap();
    llct::cli::migrate_now(&db).unwrap();
    let password = "mật khẩu đo hiệu năng";
    llct::cli::create_admin(&settings, &db, "bench@llct.local", "Đo hiệu năng", password).unwrap();
    let backend = db.backend().name();
    let state = web::Data::new(llct::AppState::new(settings, db));
    let s = state.clone();
    let c = Client { srv: actix_test::start(move || llct::http::build_app(s.clone())) };
    let (_, login, _) = c
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "bench@llct.local", "password": password})),
        )
        .await;
    let root = login["access_token"].as_str().unwrap().to_string();

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
        c.raw(&format!("/api/v1/learners/import?institution_id={school}"), &root, csv(import_rows, 0)).await;
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
    drop(c);
    if let Some((admin, name)) = cleanup {
        if let Ok(mut conn) = PgConnection::establish(&admin) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
        }
    }
}
