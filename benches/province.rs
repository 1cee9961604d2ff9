//! The benchmark on a province's data: fills a database with `llct demo-data --scale province`
//! (once; the database is reused by later runs), starts the real `llct` server as its own process,
//! and drives it over HTTP with concurrent clients. Prints p50/p95/p99 and throughput for each
//! operation with its ratio to `GET /readyz` measured in the same run, and the server's peak
//! memory (its own process only).
//!
//! ```sh
//! cargo bench --bench province -- --quick                                       # SQLite
//! cargo bench --bench province -- --pg postgres://postgres@127.0.0.1/llct_province
//! # ten years of a big province: the learners copied (new ids, no accounts) up to a million
//! cargo bench --bench province -- --pg postgres://postgres@127.0.0.1/llct_million --people 1000000
//! # results day: 500 learners, 20 lecturers and 5 administrators at once for 120 seconds
//! cargo bench --bench province -- --results-day 120 [--pg …]
//! ```

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::http::Method;
use chrono::Utc;
use common::*;
use serde_json::{json, Value};

const PASSWORD: &str = "mật khẩu dữ liệu mẫu tỉnh";
const ADMIN: &str = "demo-42@llct.local";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let pg = args.iter().position(|a| a == "--pg").and_then(|i| args.get(i + 1)).cloned();
    let url = pg.clone().unwrap_or_else(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/province");
        std::fs::create_dir_all(&dir).expect("target/province");
        format!("sqlite://{}/llct.db", dir.display())
    });
    ensure_data(&url);
    let people = args.iter().position(|a| a == "--people").and_then(|i| args.get(i + 1)).map(|n| {
        let n: i64 = n.parse().expect("--people takes a number");
        grow_people(pg.as_deref().expect("--people needs --pg"), n);
        n
    });
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = start_server(&url, port);
    let day = args
        .iter()
        .position(|a| a == "--results-day")
        .map(|i| args.get(i + 1).and_then(|s| s.parse::<u64>().ok()).expect("--results-day takes a number of seconds"));
    let base = format!("http://127.0.0.1:{port}");
    let result = std::panic::catch_unwind(|| {
        actix_web::rt::System::new().block_on(async {
            match day {
                Some(secs) => results_day(&base, server.id(), secs).await,
                None => run(quick, &base, server.id(), people).await,
            }
        })
    });
    let _ = server.kill();
    let _ = server.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

fn llct() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_llct"));
    c.env("RUST_LOG", "warn");
    c
}

/// A count read with raw SQL.
#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Copies the province's learners (new ids, earlier birth dates, no account, national id or
/// contact details) until the database records `people` of them, with their name words, as a
/// province would after many years; PostgreSQL only. A database already that big is left alone.
fn grow_people(url: &str, people: i64) {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let mut c = PgConnection::establish(url).expect("PostgreSQL database");
    let have = diesel::sql_query("SELECT COUNT(*) AS n FROM learners").get_result::<N>(&mut c).unwrap().n;
    if have >= people {
        println!("{have} learners recorded already");
        return;
    }
    let copies = (people + have - 1) / have - 1;
    println!("copying {have} learners {copies} times…");
    let started = Instant::now();
    diesel::sql_query(format!(
        "INSERT INTO learners (id, institution_id, full_name, family_name, middle_name, given_name, name_key, \
         sort_key, date_of_birth, gender, ethnicity, hometown, workplace, position, sending_unit, education_level, \
         party_status, party_admission_date, party_official_date, mass_org_member, local_official, prior_llct_level, \
         prior_llct_year, prior_llct_credential, performance_ratings, version, created_at, updated_at) \
         SELECT md5(l.id || ':' || g)::uuid::text, l.institution_id, l.full_name, l.family_name, l.middle_name, \
         l.given_name, l.name_key, l.sort_key, l.date_of_birth - g * 37, l.gender, l.ethnicity, l.hometown, \
         l.workplace, l.position, l.sending_unit, l.education_level, l.party_status, l.party_admission_date, \
         l.party_official_date, l.mass_org_member, l.local_official, l.prior_llct_level, l.prior_llct_year, \
         l.prior_llct_credential, l.performance_ratings, 1, l.created_at, l.updated_at \
         FROM learners l, generate_series(1, {copies}) AS g"
    ))
    .execute(&mut c)
    .expect("copying learners");
    diesel::sql_query(
        "INSERT INTO learner_words (word, sort_key, learner_id) SELECT DISTINCT w, l.sort_key, l.id \
         FROM learners l, regexp_split_to_table(l.name_key, ' ') AS w WHERE w <> '' ON CONFLICT DO NOTHING",
    )
    .execute(&mut c)
    .expect("indexing their names");
    diesel::sql_query("VACUUM ANALYZE learners").execute(&mut c).expect("vacuum");
    diesel::sql_query("VACUUM ANALYZE learner_words").execute(&mut c).expect("vacuum");
    let now = diesel::sql_query("SELECT COUNT(*) AS n FROM learners").get_result::<N>(&mut c).unwrap().n;
    println!("{now} learners recorded, in {:.0} s", started.elapsed().as_secs_f64());
}

/// Builds the province once: a database with classes is used as it is.
fn ensure_data(url: &str) {
    let filled = match url.strip_prefix("sqlite://") {
        Some(path) => std::fs::metadata(path).map(|m| m.len() > 100 << 20).unwrap_or(false),
        None => {
            use diesel::{Connection, PgConnection, RunQueryDsl};
            let mut c = PgConnection::establish(url).expect("PostgreSQL database (create it first)");
            diesel::sql_query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'cohorts'")
                .get_result::<N>(&mut c)
                .map(|x| x.n > 0)
                .unwrap_or(false)
                && diesel::sql_query("SELECT COUNT(*) AS n FROM cohorts")
                    .get_result::<N>(&mut c)
                    .map(|x| x.n > 0)
                    .unwrap_or(false)
        }
    };
    if filled {
        println!("using the province data already in {url}");
        close_out(url);
        return;
    }
    println!("building the province data in {url} (a few minutes)…");
    let out = llct()
        .args(["demo-data", "--scale", "province", "--seed", "42", "--password", PASSWORD])
        .env("DATABASE_URL", url)
        .output()
        .expect("llct demo-data");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The nightly close-out, as a province runs it: closes classes past their end and gives
/// classes closed by an older version their whole kept results.
fn close_out(url: &str) {
    let out = llct().args(["jobs", "run", "close-out"]).env("DATABASE_URL", url).output().expect("llct jobs run");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn start_server(url: &str, port: u16) -> Child {
    llct()
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("LLCT__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("LLCT__JOBS__SCHEDULER", "false")
        .env("LLCT__AUTH__LOGIN_ATTEMPTS_PER_MINUTE", "100000")
        .env("LLCT__AUTH__LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT", "100000")
        .env("LLCT__CERTIFICATES__VERIFY_PER_MINUTE_PER_CLIENT", "100000000")
        .stdout(Stdio::null())
        .spawn()
        .expect("llct serve")
}

/// The server's peak resident memory (VmHWM), in MB.
fn peak_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

async fn login(c: &Client, email: &str) -> (String, Duration) {
    let (status, v, took) =
        c.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": email, "password": PASSWORD}))).await;
    assert_eq!(status, 200, "{email}: {v}");
    (v["access_token"].as_str().unwrap().to_string(), took)
}

async fn ready(base: &str) -> Client {
    let c = Client::remote(base);
    let ready = Instant::now();
    while c.status("/readyz").await != Some(200) {
        assert!(ready.elapsed() < Duration::from_secs(120), "the server did not become ready");
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    c
}

async fn results_day(base: &str, pid: u32, secs: u64) {
    let c = ready(base).await;
    let (root, _) = login(&c, ADMIN).await;
    let cast = common::results_day::cast(&c, &root, PASSWORD, 500).await;
    common::results_day::run(&c, &cast, pid, secs).await;
}

async fn run(quick: bool, base: &str, pid: u32, grown: Option<i64>) {
    let c = ready(base).await;
    let per_client = if quick { 25 } else { 150 };
    // Requests that take a millisecond or two are measured over more of them, for a steadier rate.
    let cheap = if quick { per_client } else { 8 * per_client };
    let mut lines: Vec<(Line, Option<f64>, f64)> = Vec::new();
    let (root, _) = login(&c, ADMIN).await;
    let roots = vec![root.clone()];

    let (samples, readyz) = load(&c, cheap, &[], |_, _| "/readyz".into()).await;
    lines.push((line("GET /readyz (baseline)", samples), Some(readyz), peak_mb(pid)));

    // Sixteen learners of classes running today sign in (Argon2id: slow by design).
    let users = c.ok(Method::GET, "/api/v1/users?role=learner&limit=64", &root, json!(null)).await;
    let emails: Vec<String> =
        users["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap().to_string()).collect();
    assert!(emails.len() >= CLIENTS, "the province data has learner accounts");
    let mut tokens = Vec::new();
    let mut samples = Vec::new();
    for e in emails.iter().take(if quick { CLIENTS } else { 48 }) {
        let (t, took) = login(&c, e).await;
        tokens.push(t);
        samples.push(took);
    }
    lines.push((line("POST /auth/login (one at a time)", samples), None, peak_mb(pid)));

    let today = Utc::now().date_naive();
    let window = format!(
        "/api/v1/me/schedule?from={}&to={}",
        today - chrono::Duration::days(14),
        today + chrono::Duration::days(14)
    );
    let (samples, rate) = load(&c, cheap, &tokens, |_, _| window.clone()).await;
    lines.push((line("GET /me/schedule (4 weeks), 16 learners at once", samples), Some(rate), peak_mb(pid)));
    let (samples, rate) = load_revalidating(&c, cheap, &tokens, &window).await;
    lines.push((line("GET /me/schedule revalidated (304), 16 learners at once", samples), Some(rate), peak_mb(pid)));

    // A class running today: its roll call and a grade entry by its lecturer.
    let running = c.ok(Method::GET, "/api/v1/cohorts?status=in_progress&limit=100", &root, json!(null)).await;
    let cohort = running["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["code"].as_str().unwrap_or("").starts_with("TC"))
        .or_else(|| running["items"].as_array().unwrap().first())
        .map(id)
        .expect("a class running today");
    let people =
        c.ok(Method::GET, &format!("/api/v1/cohorts/{cohort}/enrollments?limit=200"), &root, json!(null)).await;
    let learners: Vec<String> =
        people["items"].as_array().unwrap().iter().map(|e| e["learner_id"].as_str().unwrap().to_string()).collect();
    let sched = c
        .ok(
            Method::GET,
            &format!("/api/v1/schedule?cohort_id={cohort}&from={}&to={today}", today - chrono::Duration::days(60)),
            &root,
            json!(null),
        )
        .await;
    let sessions: Vec<String> = sched
        .as_array()
        .or_else(|| sched["items"].as_array())
        .unwrap()
        .iter()
        .filter(|s| s["kind"].as_str().is_none_or(|k| k == "session"))
        .filter_map(|s| s["session_id"].as_str().or(s["id"].as_str()).map(String::from))
        .collect();
    assert!(!sessions.is_empty(), "sessions held: {sched}");
    let statuses = ["present", "present", "present", "late", "excused", "present"];
    let samples = roll_calls(&c, &root, &sessions, &learners, (per_client / 2).max(10), "đo hiệu năng", |i, k| {
        statuses[(i + k) % 6]
    })
    .await;
    lines.push((
        line(&format!("PUT /sessions/{{id}}/attendance ({} learners)", learners.len()), samples),
        None,
        peak_mb(pid),
    ));

    let assignments = c.ok(Method::GET, &format!("/api/v1/cohorts/{cohort}/assignments"), &root, json!(null)).await;
    let last = assignments.as_array().and_then(|a| a.last()).cloned().expect("assignments");
    let lecturer = last["lecturer_id"].as_str().unwrap().to_string();
    let who = c.ok(Method::GET, &format!("/api/v1/lecturers/{lecturer}"), &root, json!(null)).await;
    let (grader, _) = login(&c, who["email"].as_str().expect("the lecturer's e-mail")).await;
    let exam = id(&c
        .ok(
            Method::POST,
            &format!("/api/v1/cohorts/{cohort}/exams"),
            &root,
            json!({"kind": "module", "module_id": last["module_id"], "graders": [lecturer],
            "held_on": today.to_string(), "grading_deadline": (today + chrono::Duration::days(5)).to_string()}),
        )
        .await);
    let (samples, sitting) =
        grade_entries(&c, &root, &grader, &exam, usize::MAX, (per_client / 2).max(10), |i, k| 5 + (i + k) % 5).await;
    lines.push((line(&format!("PUT /exams/{{id}}/grades ({sitting} learners)"), samples), None, peak_mb(pid)));

    // Results of closed classes, 16 administrators at once.
    let closed = c.ok(Method::GET, "/api/v1/cohorts?status=closed&limit=200", &root, json!(null)).await;
    let closed: Vec<String> = closed["items"].as_array().unwrap().iter().map(id).collect();
    let (samples, rate) = load(&c, (per_client / 5).max(4), &roots, |k, i| {
        format!("/api/v1/cohorts/{}/results", closed[(k * 7 + i) % closed.len()])
    })
    .await;
    lines.push((line("GET /cohorts/{id}/results (70 learners), 16 at once", samples), Some(rate), peak_mb(pid)));
    let (samples, rate) =
        load(&c, (per_client / 5).max(4), &roots, |_, _| format!("/api/v1/cohorts/{cohort}/results")).await;
    lines.push((line("GET /cohorts/{id}/results of a running class, 16 at once", samples), Some(rate), peak_mb(pid)));

    // The learners list: the first page and pages deep in the table (keyset cursors).
    let (samples, rate) = load(&c, per_client, &roots, |_, _| "/api/v1/learners?limit=100".into()).await;
    lines.push((line("GET /learners first page (100), 16 at once", samples), Some(rate), peak_mb(pid)));
    let mut first = Vec::new();
    for _ in 0..(per_client / 2).max(10) {
        first.push(c.call(Method::GET, "/api/v1/learners?limit=100", Some(&root), None).await.2);
    }
    lines.push((line("GET /learners first page (100), one at a time", first), None, peak_mb(pid)));
    // Walked twice: the first walk reads every row from disk once; the second compares with the
    // first page on equal terms (both cached).
    let deep_from = grown.map(|n| n as usize - 10_000).unwrap_or(40_000);
    let mut deep = Vec::new();
    let mut rows = 0usize;
    for _ in 0..2 {
        let mut cursor: Option<String> = None;
        deep.clear();
        rows = 0;
        loop {
            let path = match &cursor {
                Some(cur) => format!("/api/v1/learners?limit=100&cursor={cur}"),
                None => "/api/v1/learners?limit=100".to_string(),
            };
            let (_, v, took) = c.call(Method::GET, &path, Some(&root), None).await;
            rows += v["items"].as_array().map(|a| a.len()).unwrap_or(0);
            if rows > deep_from {
                deep.push(took);
            }
            match v["next_cursor"].as_str() {
                Some(n) => cursor = Some(n.to_string()),
                None => break,
            }
        }
    }
    lines.push((
        line(&format!("GET /learners pages past row {deep_from} (of {rows}), one at a time, second walk"), deep),
        None,
        peak_mb(pid),
    ));
    let (samples, rate) =
        load(&c, (per_client / 5).max(4), &roots, |_, _| "/api/v1/learners?q=nguyen%20thi%20lan&limit=50".into()).await;
    lines.push((line("GET /learners?q= (name without accents), 16 at once", samples), Some(rate), peak_mb(pid)));

    // The annual summary report and public verification.
    let (samples, rate) =
        load(&c, (per_client / 10).max(3), &roots, |_, _| "/api/v1/reports/summary?year=2025".into()).await;
    lines.push((line("GET /reports/summary?year=2025, 16 at once", samples), Some(rate), peak_mb(pid)));
    // Oversight: a half-year of the whole province, one client at a time.
    for (name, path) in [
        (
            "GET /reports/summary, half-year by category, one at a time",
            "/api/v1/reports/summary?from=2025-01-01&to=2025-06-30&group_by=category",
        ),
        (
            "GET /reports/plan-vs-actual, half-year, one at a time",
            "/api/v1/reports/plan-vs-actual?from=2025-01-01&to=2025-06-30",
        ),
    ] {
        let mut took = Vec::new();
        for _ in 0..(per_client / 10).max(5) {
            let (status, _, t) = c.call(Method::GET, path, Some(&root), None).await;
            assert_eq!(status, 200, "{path}");
            took.push(t);
        }
        lines.push((line(name, took), None, peak_mb(pid)));
    }
    let certs = c.ok(Method::GET, "/api/v1/certificates?limit=500", &root, json!(null)).await;
    let codes: Vec<String> = certs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["verification_code"].as_str().unwrap().to_string())
        .collect();
    let (samples, rate) =
        load(&c, cheap, &[], |k, i| format!("/api/v1/verify/{}", codes[(k * 31 + i) % codes.len()])).await;
    lines.push((line("GET /verify/{code}, 16 at once", samples), Some(rate), peak_mb(pid)));

    let base = lines[0].0.p50;
    println!(
        "\nllct benchmark on province data — {per_client} requests per client ({cheap} for readyz, the \
         schedule and verification){}",
        if quick { " (quick)" } else { "" }
    );
    println!(
        "| operation | n | p50 ms | p95 ms | p99 ms | p50 ÷ readyz p50 | req/s | req/s ÷ readyz | server peak MB |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (l, rate, mb) in &lines {
        let (r, ratio) = match rate {
            Some(r) => (format!("{r:.0}"), format!("{:.0}%", 100.0 * r / readyz)),
            None => ("".into(), "".into()),
        };
        println!(
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {r} | {ratio} | {mb:.0} |",
            l.name,
            l.n,
            l.p50,
            l.p95,
            l.p99,
            l.p50 / base
        );
    }
    println!("\nserver peak memory (its own process): {:.0} MB", peak_mb(pid));
}
