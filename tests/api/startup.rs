//! The real `llct` binary, started the way a newcomer starts it: from an empty folder.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_llct");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Server {
    child: Child,
    base: String,
    printed: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `llct` (no arguments) in `dir` and waits until it says it listens.
fn start(dir: &std::path::Path, env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("LLCT_ADMIN_EMAIL")
        .env_remove("LLCT_ADMIN_PASSWORD")
        .env("LLCT__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("LLCT__SERVER__WORKERS", "1")
        .env("LLCT__AUTH__ARGON2_MEMORY_KIB", "64")
        .env("LLCT__AUTH__ARGON2_ITERATIONS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut printed = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let done = line.contains("listening");
        printed.push(line);
        if done {
            break;
        }
    }
    Server { child, base: format!("http://127.0.0.1:{port}"), printed }
}

async fn wait_ready(base: &str) {
    let client = awc::Client::new();
    let start = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        assert!(start.elapsed() < Duration::from_secs(30), "not ready");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn login(base: &str, email: &str, password: &str) -> (u16, Value) {
    let mut r = awc::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .send_json(&json!({"email": email, "password": password}))
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[actix_web::test]
async fn first_start_from_an_empty_folder_then_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), &[]);
    wait_ready(&server.base).await;
    assert!(dir.path().join("data/llct.db").exists(), "the embedded database is created");
    let line = server.printed.iter().find(|l| l.contains("with password")).expect("generated password printed");
    let password = line.rsplit("with password ").next().unwrap().trim().to_string();
    let (status, body) = login(&server.base, "admin@llct.local", &password).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap().to_string();
    let mut r = awc::Client::new()
        .post(format!("{}/api/v1/institutions", server.base))
        .insert_header(("authorization", format!("Bearer {token}")))
        .send_json(&json!({"code": "TCT", "name": "Trường Chính trị tỉnh Ninh Bình", "tier": "provincial_school"}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{:?}", r.body().await);
    drop(server);

    // Restart on the same folder: nothing is lost, no second administrator, the password is not printed again.
    let server = start(dir.path(), &[]);
    wait_ready(&server.base).await;
    assert!(!server.printed.iter().any(|l| l.contains("password")), "{:?}", server.printed);
    let (status, body) = login(&server.base, "admin@llct.local", &password).await;
    assert_eq!(status, 200);
    let mut r = awc::Client::new()
        .get(format!("{}/api/v1/institutions", server.base))
        .insert_header(("authorization", format!("Bearer {}", body["access_token"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    let list: Value = r.json().await.unwrap();
    assert_eq!(list["items"][0]["name"], "Trường Chính trị tỉnh Ninh Bình");
}

#[actix_web::test]
async fn admin_from_the_environment_and_create_admin() {
    let dir = tempfile::tempdir().unwrap();
    let server =
        start(dir.path(), &[("LLCT_ADMIN_EMAIL", "giamdoc@tct.vn"), ("LLCT_ADMIN_PASSWORD", "mật khẩu đủ dài nhé")]);
    wait_ready(&server.base).await;
    assert!(!server.printed.iter().any(|l| l.contains("mật khẩu")));
    assert_eq!(login(&server.base, "giamdoc@tct.vn", "mật khẩu đủ dài nhé").await.0, 200);

    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .args(["create-admin", "--email", "pho@tct.vn", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all("một mật khẩu khác dài\n".as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(login(&server.base, "pho@tct.vn", "một mật khẩu khác dài").await.0, 200);

    // A weak password and a taken e-mail are refused with a reason.
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("LLCT_ADMIN_PASSWORD", "short")
        .args(["create-admin", "--email", "x@tct.vn"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
}

#[test]
fn command_line() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for sub in ["serve", "migrate", "create-admin", "openapi", "backup", "restore"] {
        assert!(text.contains(sub), "{text}");
    }
    let spec = Command::new(BIN).arg("openapi").output().unwrap();
    let v: Value = serde_json::from_slice(&spec.stdout).unwrap();
    assert!(v["paths"]["/api/v1/institutions"].is_object());

    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN).current_dir(dir.path()).env_remove("DATABASE_URL").arg("migrate").output().unwrap();
    assert!(out.status.success());
    assert!(dir.path().join("data/llct.db").exists());

    let bad = Command::new(BIN)
        .current_dir(dir.path())
        .env("LLCT__DATABASE__POOL_SIZE", "lots")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("pool_size"));
}
