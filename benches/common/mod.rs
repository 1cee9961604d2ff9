//! What the benchmarks share: a database (a temporary SQLite file or a fresh PostgreSQL
//! database), the application on a loopback server, an HTTP client and sample data.

#![allow(dead_code)]

pub mod results_day;

use std::time::{Duration, Instant};

use actix_web::http::Method;
use actix_web::web;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::{json, Value};

/// An HTTP client for the application: in this process (`srv`) or a server at `base`.
pub struct Client {
    http: awc::Client,
    base: String,
    _srv: Option<actix_test::TestServer>,
}

impl Client {
    pub fn in_process(srv: actix_test::TestServer) -> Client {
        let base = format!("http://{}", srv.addr());
        Client { http: Self::http(), base, _srv: Some(srv) }
    }

    /// A client of the server listening at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn remote(base: &str) -> Client {
        Client { http: Self::http(), base: base.trim_end_matches('/').to_string(), _srv: None }
    }

    fn http() -> awc::Client {
        awc::Client::builder().timeout(Duration::from_secs(300)).connector(awc::Connector::new().limit(256)).finish()
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value, Duration) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
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

    /// A GET as a load generator makes it: the status and the body's bytes, read in full but
    /// not parsed, so the generator spends no more of the machine than it must.
    pub async fn fetch(&self, path: &str, token: Option<&str>) -> (u16, actix_web::web::Bytes, Duration) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        let start = Instant::now();
        let mut res = req.send().await.expect("request");
        let bytes = res.body().limit(256 << 20).await.expect("body");
        (res.status().as_u16(), bytes, start.elapsed())
    }

    /// A GET sent with `If-None-Match: tag`: the status, the `ETag` answered and the time.
    pub async fn revalidate(
        &self,
        path: &str,
        token: Option<&str>,
        tag: Option<&str>,
    ) -> (u16, Option<String>, Duration) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        if let Some(t) = tag {
            req = req.insert_header(("if-none-match", t.to_string()));
        }
        let start = Instant::now();
        let mut res = req.send().await.expect("request");
        let etag = res.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
        res.body().limit(256 << 20).await.expect("body");
        (res.status().as_u16(), etag, start.elapsed())
    }

    /// The status of a GET, or `None` when the server does not answer (yet).
    pub async fn status(&self, path: &str) -> Option<u16> {
        self.http.get(format!("{}{path}", self.base)).send().await.ok().map(|r| r.status().as_u16())
    }

    pub async fn raw(&self, path: &str, token: &str, body: Vec<u8>) -> (u16, Value, Duration) {
        let start = Instant::now();
        let mut res = self
            .http
            .post(format!("{}{path}", self.base))
            .insert_header(("authorization", format!("Bearer {token}")))
            .insert_header(("content-type", "text/csv"))
            .send_body(body)
            .await
            .expect("request");
        let bytes = res.body().limit(256 << 20).await.expect("body");
        (res.status().as_u16(), serde_json::from_slice(&bytes).unwrap_or(Value::Null), start.elapsed())
    }

    pub async fn ok(&self, method: Method, path: &str, token: &str, body: Value) -> Value {
        let (status, v, _) = self.call(method, path, Some(token), Some(body)).await;
        assert!(status < 300, "{path}: {status} {v}");
        v
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

pub struct Line {
    pub name: String,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub n: usize,
}

pub fn line(name: &str, mut samples: Vec<Duration>) -> Line {
    samples.sort();
    Line {
        name: name.into(),
        p50: percentile(&samples, 0.5),
        p95: percentile(&samples, 0.95),
        p99: percentile(&samples, 0.99),
        n: samples.len(),
    }
}

pub const FAMILY: [&str; 14] =
    ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"];
pub const MIDDLE: [&str; 8] = ["Văn", "Thị", "Hữu", "Đức", "Thanh", "Minh", "Ngọc", "Quang"];
pub const GIVEN: [&str; 20] = [
    "An", "Anh", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nam",
    "Ngân", "Phúc", "Sơn", "Tâm", "Yến",
];

/// `n` learners as an import CSV, numbered from `offset`, each with a distinct e-mail address.
pub fn learners_csv(n: usize, offset: usize) -> Vec<u8> {
    let mut s = String::from("Họ và tên,Ngày sinh,Giới tính,Trình độ học vấn,Đảng viên,Ngày vào Đảng,Số CCCD,Email\n");
    for k in 0..n {
        let i = k + offset;
        s.push_str(&format!(
            "{} {} {}{},{:02}/{:02}/{},{},Đại học,Chính thức,10/05/2012,{:012},hv{i}@llct.test\n",
            FAMILY[i % 14],
            MIDDLE[(i / 14) % 8],
            // Past 13,440 rows names and birth dates would repeat: add a second middle name.
            ["", "Ngọc ", "Minh ", "Thanh "][(i / 13_440) % 4],
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

/// A running application on its own database, with a signed-in system administrator.
pub struct Bench {
    pub client: Client,
    pub state: web::Data<llct::AppState>,
    pub root: String,
    pub backend: &'static str,
    _dir: tempfile::TempDir,
    cleanup: Option<(String, String)>,
}

impl Bench {
    /// `pg`: an administrative PostgreSQL URL to create a database under; SQLite otherwise.
    pub async fn start(pg: Option<&str>, extra: &[(&str, &str)]) -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let (url, cleanup) = match pg {
            Some(admin) => {
                let name = format!("llct_bench_{}", std::process::id());
                let mut c = PgConnection::establish(admin).expect("PostgreSQL");
                diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut c).unwrap();
                let mut u = url::Url::parse(admin).unwrap();
                u.set_path(&format!("/{name}"));
                (u.to_string(), Some((admin.to_string(), name)))
            }
            None => (format!("sqlite://{}/bench.db", dir.path().display()), None),
        };
        let mut env: Vec<(String, String)> = [
            ("DATABASE_URL", url.as_str()),
            ("LLCT__AUTH__LOGIN_ATTEMPTS_PER_MINUTE", "100000"),
            ("LLCT__AUTH__LOGIN_ATTEMPTS_PER_MINUTE_PER_CLIENT", "100000"),
            ("LLCT__CERTIFICATES__VERIFY_PER_MINUTE_PER_CLIENT", "1000000"),
            ("LLCT__SERVER__UPLOAD_LIMIT_BYTES", "67108864"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        env.extend(extra.iter().map(|(a, b)| (a.to_string(), b.to_string())));
        let settings = llct::settings::Settings::load_from(&env).unwrap();
        let db = llct::db::Db::connect(&settings.database).unwrap();
        llct::cli::migrate_now(&db).unwrap();
        let password = "mật khẩu đo hiệu năng";
        llct::cli::create_admin(&settings, &db, "bench@llct.local", "Đo hiệu năng", password).unwrap();
        let backend = db.backend().name();
        let state = web::Data::new(llct::AppState::new(settings, db));
        let s = state.clone();
        let client = Client::in_process(actix_test::start(move || llct::app::build_app(s.clone())));
        let (_, login, _) = client
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": "bench@llct.local", "password": password})),
            )
            .await;
        let root = login["access_token"].as_str().unwrap().to_string();
        Bench { client, state, root, backend, _dir: dir, cleanup }
    }

    /// Drops the PostgreSQL database, if one was made.
    pub fn finish(self) {
        let cleanup = self.cleanup.clone();
        drop(self);
        if let Some((admin, name)) = cleanup {
            if let Ok(mut conn) = PgConnection::establish(&admin) {
                let _ =
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
            }
        }
    }
}

/// Clients at once in the concurrent measurements.
pub const CLIENTS: usize = 16;

/// `per_client` GET requests from each of `CLIENTS` clients at once; `path(client, i)` names
/// each, client k signs with `tokens[k % len]` (none when empty). Every latency, and the rate.
pub async fn load(
    c: &Client,
    per_client: usize,
    tokens: &[String],
    path: impl Fn(usize, usize) -> String,
) -> (Vec<Duration>, f64) {
    let start = Instant::now();
    let clients = (0..CLIENTS).map(|k| {
        let token = tokens.get(k % tokens.len().max(1)).cloned();
        let paths: Vec<String> = (0..per_client).map(|i| path(k, i)).collect();
        async move {
            let mut v = Vec::new();
            for p in paths {
                let (status, body, took) = c.fetch(&p, token.as_deref()).await;
                assert_eq!(status, 200, "{p}: {}", String::from_utf8_lossy(&body));
                v.push(took);
            }
            v
        }
    });
    let samples: Vec<Duration> = futures_util::future::join_all(clients).await.into_iter().flatten().collect();
    let rate = samples.len() as f64 / start.elapsed().as_secs_f64();
    (samples, rate)
}

/// Like [`load`], but each client first reads `path` once for its tag, then revalidates it
/// `per_client` times: every answer must be 304.
pub async fn load_revalidating(c: &Client, per_client: usize, tokens: &[String], path: &str) -> (Vec<Duration>, f64) {
    let mut tags = Vec::new();
    for k in 0..CLIENTS {
        let token = tokens.get(k % tokens.len().max(1)).cloned();
        let (status, tag, _) = c.revalidate(path, token.as_deref(), None).await;
        assert_eq!(status, 200, "{path}");
        tags.push((token, tag.expect("an ETag")));
    }
    let start = Instant::now();
    let clients = tags.iter().map(|(token, tag)| async move {
        let mut v = Vec::new();
        for _ in 0..per_client {
            let (status, _, took) = c.revalidate(path, token.as_deref(), Some(tag)).await;
            assert_eq!(status, 304, "{path}");
            v.push(took);
        }
        v
    });
    let samples: Vec<Duration> = futures_util::future::join_all(clients).await.into_iter().flatten().collect();
    let rate = samples.len() as f64 / start.elapsed().as_secs_f64();
    (samples, rate)
}

/// Seals `exam`, takes its eligible candidates (at most `most`) and times `rounds` grade entries
/// for all of them by `grader`, candidate i's mark in round k being `grade(i, k)`. The
/// latencies, and how many candidates each entry held.
pub async fn grade_entries(
    c: &Client,
    root: &str,
    grader: &str,
    exam: &str,
    most: usize,
    rounds: usize,
    grade: impl Fn(usize, usize) -> usize,
) -> (Vec<Duration>, usize) {
    c.ok(Method::POST, &format!("/api/v1/exams/{exam}/seal"), root, json!(null)).await;
    let cands = c.ok(Method::GET, &format!("/api/v1/exams/{exam}/candidates"), root, json!(null)).await;
    let sitting: Vec<String> = cands
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["eligible"] == true)
        .take(most)
        .map(|x| x["learner_id"].as_str().unwrap().to_string())
        .collect();
    let mut samples = Vec::new();
    for k in 0..rounds {
        let entries: Vec<Value> =
            sitting.iter().enumerate().map(|(i, l)| json!({"learner_id": l, "grade": grade(i, k)})).collect();
        let (status, v, took) = c
            .call(Method::PUT, &format!("/api/v1/exams/{exam}/grades"), Some(grader), Some(json!({"entries": entries})))
            .await;
        assert_eq!(status, 200, "{v}");
        samples.push(took);
    }
    (samples, sitting.len())
}

/// Times `rounds` roll calls by `token`, round k on `sessions[k % len]` for all `learners`,
/// learner i's mark in round k being `status(i, k)`, each with `reason`.
pub async fn roll_calls(
    c: &Client,
    token: &str,
    sessions: &[String],
    learners: &[String],
    rounds: usize,
    reason: &str,
    status: impl Fn(usize, usize) -> &'static str,
) -> Vec<Duration> {
    let mut samples = Vec::new();
    for k in 0..rounds {
        let sid = &sessions[k % sessions.len()];
        let entries: Vec<Value> =
            learners.iter().enumerate().map(|(i, l)| json!({"learner_id": l, "status": status(i, k)})).collect();
        let (code, v, took) = c
            .call(
                Method::PUT,
                &format!("/api/v1/sessions/{sid}/attendance"),
                Some(token),
                Some(json!({"entries": entries, "reason": reason})),
            )
            .await;
        assert_eq!(code, 200, "{v}");
        samples.push(took);
    }
    samples
}
