//! What the service's middleware costs: `GET /readyz` (one `SELECT 1` through the connection
//! pool on the blocking threads) answered by a bare actix-web + Diesel service, then with the
//! service's middleware added one at a time in the order they wrap a request, then by the
//! whole application. Every variant runs in this process on the same database and pool with two
//! workers, driven by 16 clients at once; three rounds in turn, each variant's median rate.
//!
//! ```sh
//! cargo bench --bench middleware                                  # SQLite
//! cargo bench --bench middleware -- --pg postgres://postgres@127.0.0.1/postgres
//! ```

mod common;

use actix_web::{web, App, HttpResponse};
use common::*;
use diesel::RunQueryDsl;
use llct::http::{conditional, middleware};

/// The bare handler: what `/readyz` does, written directly on the pool.
async fn ready(state: web::Data<llct::AppState>) -> HttpResponse {
    let pool = state.db.pool().clone();
    let done = web::block(move || -> Result<(), String> {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        let conn: &mut llct::db::DbConn = &mut conn;
        diesel::sql_query("SELECT 1").execute(conn).map_err(|e| e.to_string())?;
        Ok(())
    })
    .await;
    match done {
        Ok(Ok(())) => HttpResponse::Ok().json(serde_json::json!({"status": "ready", "database": "bare"})),
        _ => HttpResponse::ServiceUnavailable().finish(),
    }
}

fn two_workers() -> actix_test::TestServerConfig {
    actix_test::config().workers(2)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let pg = args.iter().position(|a| a == "--pg").and_then(|i| args.get(i + 1)).cloned();
    actix_web::rt::System::new().block_on(run(pg));
}

async fn run(pg: Option<String>) {
    use actix_web::middleware::from_fn;
    let bench = Bench::start(pg.as_deref(), &[]).await;
    let s = bench.state.clone();
    // The bare service with the middleware given, outermost last, as `build_app` wraps them.
    macro_rules! bare_with {
        ($($mw:expr),*) => {{
            let s = s.clone();
            Client::in_process(actix_test::start_with(two_workers(), move || {
                App::new().app_data(s.clone()).route("/readyz", web::get().to(ready))$(.wrap($mw))*
            }))
        }};
    }
    let variants: Vec<(&str, Client)> = vec![
        ("bare actix-web + Diesel (the same SELECT 1 on the same pool)", bare_with!()),
        ("+ conditional GETs (a path check: /readyz is not covered)", bare_with!(from_fn(conditional::conditional))),
        ("+ CORS (no origin configured)", bare_with!(from_fn(conditional::conditional), actix_cors::Cors::default())),
        (
            "+ observe (request id, metrics, log line, safety headers)",
            bare_with!(from_fn(conditional::conditional), actix_cors::Cors::default(), from_fn(middleware::observe)),
        ),
        (
            "+ HEAD as GET: every middleware, the bare handler",
            bare_with!(
                from_fn(conditional::conditional),
                actix_cors::Cors::default(),
                from_fn(middleware::observe),
                from_fn(middleware::head_as_get)
            ),
        ),
        ("the whole application (every route, its /readyz)", {
            let s = s.clone();
            Client::in_process(actix_test::start_with(two_workers(), move || llct::app::build_app(s.clone())))
        }),
    ];
    let per_client = 2000;
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let mut lines: Vec<Option<Line>> = variants.iter().map(|_| None).collect();
    for round in 0..4 {
        for (k, (_, c)) in variants.iter().enumerate() {
            let (samples, rate) = load(c, per_client, &[], |_, _| "/readyz".into()).await;
            // The first round warms every server and the pool up and is not counted.
            if round > 0 {
                rates[k].push(rate);
                lines[k] = Some(line(variants[k].0, samples));
            }
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let bare = median(&mut rates[0].clone());
    println!("\nGET /readyz on {}, 16 clients × {per_client} requests, median of 3 rounds", bench.backend);
    println!("| variant | req/s | ÷ bare | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|");
    for (k, l) in lines.iter().enumerate() {
        let l = l.as_ref().unwrap();
        let r = median(&mut rates[k]);
        println!("| {} | {r:.0} | {:.0}% | {:.2} | {:.2} |", l.name, 100.0 * r / bare, l.p50, l.p99);
    }
    drop(variants);
    bench.finish();
}
