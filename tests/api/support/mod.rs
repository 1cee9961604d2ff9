//! The test harness: the real application (`build_app`) behind a real HTTP server, on a fresh
//! database per test: a copy of a migrated SQLite template file, or a PostgreSQL database made
//! from a migrated template. PostgreSQL tests are skipped (and say so) when no server answers,
//! unless `LLCT_TEST_POSTGRES=required`.

pub mod contract;
pub mod db;
pub mod smtp;

use actix_web::http::Method;
use actix_web::web;
use serde_json::{json, Value};

use llct::settings::Settings;
use llct::AppState;

pub const ADMIN_EMAIL: &str = "root@llct.test";
pub const PASSWORD: &str = "mật khẩu thử nghiệm 2026";

/// One test's service and database.
pub struct TestApp {
    pub srv: actix_test::TestServer,
    pub state: web::Data<AppState>,
    /// A signed-in system administrator.
    pub root: String,
    pub backend: &'static str,
    /// The database, dropped with the app; `None` for a replica, which shares its primary's.
    _db: Option<db::TestDb>,
}

/// The application on `state`, with the extra `routes`, on a loopback server.
fn serve(state: &web::Data<AppState>, routes: fn(&mut web::ServiceConfig)) -> actix_test::TestServer {
    let s = state.clone();
    // A request may wait on a busy machine (a panic's backtrace, two databases at once): the
    // client gives it 30 s, not the default 5.
    let cfg = actix_test::config().client_request_timeout(std::time::Duration::from_secs(30));
    actix_test::start_with(cfg, move || llct::app::build_app(s.clone()).configure(routes))
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Value,
    pub text: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    async fn read<S>(res: &mut awc::ClientResponse<S>) -> Resp
    where
        S: futures_util::Stream<Item = Result<actix_web::web::Bytes, actix_http::error::PayloadError>> + Unpin,
    {
        let bytes = res.body().limit(64 * 1024 * 1024).await.expect("body read");
        let text = String::from_utf8_lossy(&bytes).to_string();
        Resp {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
            bytes: bytes.to_vec(),
        }
    }

    /// Checks the exchange against the published document (see `contract`).
    fn checked(self, method: &Method, path: &str, request: Option<&Value>) -> Resp {
        let content_type = self.header("content-type");
        contract::check(method.as_str(), path, request, self.status, content_type.as_deref(), &self.bytes);
        self
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
    pub fn id(&self) -> String {
        self.body["id"].as_str().unwrap_or_else(|| panic!("no id in {}", self.text)).to_string()
    }
    /// Asserts a problem+json answer with this status and problem slug.
    pub fn assert_problem(&self, status: u16, slug: &str) {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.header("content-type").as_deref(), Some("application/problem+json"), "{}", self.text);
        assert_eq!(self.body["type"], format!("/api/v1/problems/{slug}"), "{}", self.text);
        assert_eq!(self.body["status"], status, "{}", self.text);
    }
    /// How many problems the answer lists.
    pub fn errors_count(&self) -> usize {
        self.body["errors"].as_array().map(Vec::len).unwrap_or(0)
    }
    /// The `field` of every listed problem.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    }
}

/// A raw body sent as JSON, parsed (a malformed one is not checked against the document).
fn json_of(content_type: &str, body: &[u8]) -> Option<Value> {
    content_type.starts_with("application/json").then(|| serde_json::from_slice(body).ok()).flatten()
}

pub fn test_env(database_url: &str) -> Vec<(String, String)> {
    [
        ("DATABASE_URL", database_url),
        ("LLCT__AUTH__ARGON2_MEMORY_KIB", "64"),
        ("LLCT__AUTH__ARGON2_ITERATIONS", "1"),
        ("LLCT__DATABASE__POOL_SIZE", "4"),
        ("LLCT__SERVER__JSON_LIMIT_BYTES", "65536"),
        ("LLCT__SERVER__UPLOAD_LIMIT_BYTES", "4194304"),
        // Tests schedule classes on fixed dates in 2026; feeds must reach them whenever tests run.
        ("LLCT__COHORTS__CALENDAR_PAST_DAYS", "3650"),
        ("LLCT__FIELD_TRIPS__MAX_REPORT_BYTES", "200000"),
        ("LLCT__COHORTS__CALENDAR_FUTURE_DAYS", "3650"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        TestApp::start(db::TestDb::sqlite(), &[]).await
    }

    /// `None` when PostgreSQL is not reachable and not required.
    pub async fn postgres() -> Option<TestApp> {
        let db = db::TestDb::postgres()?;
        Some(TestApp::start(db, &[]).await)
    }

    pub async fn start(db: db::TestDb, extra: &[(&str, &str)]) -> TestApp {
        TestApp::start_with(db, extra, |_| {}).await
    }

    /// Starts the application with extra routes mounted beside the real ones (for tests that
    /// need, say, a handler that panics).
    pub async fn start_with(db: db::TestDb, extra: &[(&str, &str)], routes: fn(&mut web::ServiceConfig)) -> TestApp {
        TestApp::launch(db, extra, routes, None).await
    }

    /// Starts the application with its clock stopped at `at` (dates the service takes for
    /// "today" follow it).
    pub async fn start_at(db: db::TestDb, at: chrono::DateTime<chrono::Utc>) -> TestApp {
        TestApp::launch(db, &[], |_| {}, Some(at)).await
    }

    async fn launch(
        db: db::TestDb,
        extra: &[(&str, &str)],
        routes: fn(&mut web::ServiceConfig),
        at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> TestApp {
        let mut env = test_env(&db.url);
        env.extend(extra.iter().map(|(a, b)| (a.to_string(), b.to_string())));
        let settings = Settings::load_from(&env).expect("test settings");
        let pool = llct::db::Db::connect(&settings.database).expect("pool");
        llct::cli::create_admin(&settings, &pool, ADMIN_EMAIL, "Quản trị gốc", PASSWORD).expect("admin");
        let backend = pool.backend().name();
        let mut state = AppState::new(settings, pool);
        if let Some(at) = at {
            state.clock = llct::clock::Clock::fixed(state.settings.tz(), at);
        }
        let state = web::Data::new(state);
        let srv = serve(&state, routes);
        let mut app = TestApp { srv, state, root: String::new(), backend, _db: Some(db) };
        app.root = app.login(ADMIN_EMAIL, PASSWORD).await;
        app
    }

    /// Another replica of the service on the same database, with its own pool, caches and
    /// server, as a province runs several behind one address; signed in as the same root.
    pub fn replica(&self) -> TestApp {
        let settings = (*self.state.settings).clone();
        let pool = llct::db::Db::connect(&settings.database).expect("pool");
        let state = web::Data::new(AppState::new(settings, pool));
        let srv = serve(&state, |_| {});
        TestApp { srv, state, root: self.root.clone(), backend: self.backend, _db: None }
    }

    /// Any request; `token` signs it, `body` is sent as JSON.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
        self.call_with(method, path, token, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = self.srv.request(method.clone(), self.srv.url(path));
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        let mut res = match &body {
            Some(b) => req.send_json(b).await,
            None => req.send().await,
        }
        .expect("request sent");
        Resp::read(&mut res).await.checked(&method, path, body.as_ref())
    }

    /// Sends raw bytes with a given content type.
    pub async fn call_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Resp {
        let json = json_of(content_type, &body);
        let mut req =
            self.srv.request(method.clone(), self.srv.url(path)).insert_header(("content-type", content_type));
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        let mut res = req.send_body(body).await.expect("request sent");
        Resp::read(&mut res).await.checked(&method, path, json.as_ref())
    }

    /// Sends raw bytes with a content type and extra headers.
    pub async fn call_with_bytes(
        &self,
        method: Method,
        path: &str,
        token: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let json = json_of(content_type, &body);
        let mut req = self
            .srv
            .request(method.clone(), self.srv.url(path))
            .insert_header(("content-type", content_type))
            .insert_header(("authorization", format!("Bearer {token}")));
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        let mut res = req.send_body(body).await.expect("request sent");
        Resp::read(&mut res).await.checked(&method, path, json.as_ref())
    }

    /// The database this application uses.
    pub fn database_url(&self) -> String {
        self.state.settings.database.url.clone()
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::PATCH, path, Some(token), Some(body)).await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let r = self
            .call(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": email, "password": password})))
            .await;
        assert_eq!(r.status, 200, "login {email}: {}", r.text);
        r.body["access_token"].as_str().unwrap().to_string()
    }

    /// Creates an institution as the system administrator; returns its id.
    pub async fn institution(&self, code: &str, tier: &str, parent: Option<&str>) -> String {
        let r = self
            .post(
                "/api/v1/institutions",
                &self.root,
                json!({"code": code, "name": format!("Cơ sở {code}"), "tier": tier, "parent_id": parent}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.id()
    }

    /// Creates an account with `role` at `institution` and signs it in: (user id, token).
    pub async fn user(&self, role: &str, institution: Option<&str>) -> (String, String) {
        let email = format!("{}-{}@llct.test", role, uuid::Uuid::now_v7().simple());
        let r = self
            .post(
                "/api/v1/users",
                &self.root,
                json!({"email": email, "password": PASSWORD, "full_name": "Trần Văn Bình", "role": role,
                       "institution_id": institution}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        (r.id(), self.login(&email, PASSWORD).await)
    }
}

/// Like `db_test!`, for tests that start the application themselves: the function gets the
/// fresh database.
#[macro_export]
macro_rules! db_test_raw {
    ($name:ident) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::support::db::TestDb::sqlite()).await
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(db) = $crate::support::db::TestDb::postgres() {
                    super::$name(db).await
                }
            }
        }
    };
}

/// Runs an async test body once on SQLite and once on PostgreSQL:
/// `db_test!(name);` next to `async fn name(app: TestApp)`.
#[macro_export]
macro_rules! db_test {
    ($name:ident, $env:expr) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                let db = $crate::support::db::TestDb::sqlite();
                super::$name($crate::support::TestApp::start(db, &$env).await).await
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(db) = $crate::support::db::TestDb::postgres() {
                    super::$name($crate::support::TestApp::start(db, &$env).await).await
                }
            }
        }
    };
    ($name:ident) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::support::TestApp::sqlite().await).await
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = $crate::support::TestApp::postgres().await {
                    super::$name(app).await
                }
            }
        }
    };
}

/// Runs the independent checker `tests/{script}` on `files` (each written to a temporary file
/// first) with the interpreter `LLCT_TEST_PYTHON` names (CI sets it and installs what the
/// checkers import): whether it exited 0, and what it printed. `None` when it is not set.
pub fn python_check(script: &str, files: &[(&str, &[u8])]) -> Option<(bool, String)> {
    let python = std::env::var("LLCT_TEST_PYTHON").ok()?;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(python);
    cmd.arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(script));
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        cmd.arg(path);
    }
    let out = cmd.output().expect("python runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    Some((out.status.success(), text))
}
