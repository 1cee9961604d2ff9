//! Staying up: a panicking handler is contained, and a database outage costs only its length.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::Method;
use actix_web::{web, HttpResponse};

use crate::support::{db::TestDb, TestApp};

fn panicking(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/test/panic",
        web::get().to(|| async {
            if std::env::var("LLCT_NEVER_SET").is_err() {
                panic!("deliberate panic in a handler");
            }
            HttpResponse::Ok().finish()
        }),
    );
}

#[actix_web::test]
async fn a_panicking_handler_is_contained() {
    let app = TestApp::start_with(TestDb::sqlite(), &[], panicking).await;
    for _ in 0..3 {
        let r = app.call(Method::GET, "/test/panic", None, None).await;
        r.assert_problem(500, "internal");
        assert!(!r.text.contains("deliberate"), "no internals in a 500: {}", r.text);
    }
    // The process keeps serving.
    assert_eq!(app.get("/api/v1/me", &app.root).await.status, 200);
}

/// A TCP proxy to PostgreSQL that the test can cut and restore.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(target: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (u, o, target) = (up.clone(), open.clone(), target.to_string());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if !u.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&target) else { continue };
                o.lock().unwrap().extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                for (mut from, mut to) in [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16384];
                        while let Ok(n) = from.read(&mut buf) {
                            if n == 0 || to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Proxy { port, up, open }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for s in self.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[actix_web::test]
async fn a_database_outage_answers_503_and_recovers_without_a_restart() {
    let Some(db) = TestDb::postgres() else { return };
    let mut url = url::Url::parse(&db.url).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let proxy = Proxy::start(&target);
    url.set_port(Some(proxy.port)).unwrap();
    let proxied = TestDb::Shared(url.to_string(), Box::new(db));
    let app = TestApp::start(proxied, &[("LLCT__DATABASE__POOL_TIMEOUT_MS", "700")]).await;
    assert_eq!(app.get("/api/v1/me", &app.root).await.status, 200);

    proxy.cut();
    let r = app.get("/api/v1/institutions", &app.root).await;
    r.assert_problem(503, "unavailable");
    assert!(r.header("retry-after").is_some());
    let ready = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(ready.status, 503);
    assert_eq!(app.call(Method::GET, "/healthz", None, None).await.status, 200);

    proxy.restore();
    let mut back = false;
    for _ in 0..50 {
        if app.call(Method::GET, "/readyz", None, None).await.status == 200 {
            back = true;
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "service resumes by itself when the database returns");
    assert_eq!(app.get("/api/v1/institutions", &app.root).await.status, 200);
}
