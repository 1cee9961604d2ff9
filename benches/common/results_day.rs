//! Results day on the province: the day a school publishes grades. 500 learners, each with their
//! own account, open `/me/results` and `/me/schedule` with a pause of one to three seconds between
//! requests (a phone app revalidating with the tag it last got); 20 lecturers enter a class's
//! grades every few seconds; 5 administrators export lists and results. Runs for a bounded
//! time and reports p50/p95/p99 per kind of request, the errors (any answer but 200 or 304), and
//! the server's resident memory sampled every second.

use std::time::{Duration, Instant};

use actix_web::http::Method;
use chrono::Utc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::{line, Client, Line};

/// Who the day needs: signed-in tokens and what each lecturer grades.
pub struct Cast {
    pub learners: Vec<String>,
    /// (lecturer's token, exam id, the eligible candidates)
    pub graders: Vec<(String, String, Vec<String>)>,
    /// (administrator's token, the export paths they take in turn)
    pub admins: Vec<(String, Vec<String>)>,
    pub distinct_lecturers: usize,
}

/// What one client saw: latencies by kind, the 304s among them, the errors with a sample.
#[derive(Default)]
struct Seen {
    by_kind: [Vec<Duration>; 4],
    not_modified: usize,
    errors: usize,
    first_error: Option<String>,
}

const KINDS: [&str; 4] = [
    "GET /me/results (learners, If-None-Match)",
    "GET /me/schedule (learners, If-None-Match)",
    "PUT /exams/{id}/grades (lecturers, a whole class)",
    "GET exports (administrators: results, enrolments, learners, summary)",
];

fn record(seen: &mut Seen, kind: usize, what: &str, status: u16, took: Duration) {
    if status == 200 || status == 304 {
        seen.by_kind[kind].push(took);
        seen.not_modified += usize::from(status == 304);
    } else {
        seen.errors += 1;
        seen.first_error.get_or_insert_with(|| format!("{what}: {status}"));
    }
}

async fn pause(rng: &mut StdRng, from_ms: u64, to_ms: u64) {
    actix_web::rt::time::sleep(Duration::from_millis(rng.random_range(from_ms..=to_ms))).await;
}

/// A learner's phone: results and schedule in turn, each revalidated with its last tag.
async fn learner(c: &Client, token: &str, schedule: &str, seed: u64, until: Instant) -> Seen {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut seen = Seen::default();
    let paths = ["/api/v1/me/results", schedule];
    let mut tags: [Option<String>; 2] = [None, None];
    // Spread the first requests over the first pause, as people arrive.
    pause(&mut rng, 0, 3000).await;
    let mut k = 0;
    while Instant::now() < until {
        let i = k % 2;
        let (status, tag, took) = c.revalidate(paths[i], Some(token), tags[i].as_deref()).await;
        record(&mut seen, i, paths[i], status, took);
        if tag.is_some() {
            tags[i] = tag;
        }
        k += 1;
        pause(&mut rng, 1000, 3000).await;
    }
    seen
}

/// A lecturer typing a class's grades and saving every few seconds.
async fn lecturer(c: &Client, token: &str, exam: &str, sitting: &[String], seed: u64, until: Instant) -> Seen {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut seen = Seen::default();
    let path = format!("/api/v1/exams/{exam}/grades");
    pause(&mut rng, 0, 5000).await;
    while Instant::now() < until {
        let entries: Vec<Value> =
            sitting.iter().map(|l| json!({"learner_id": l, "grade": rng.random_range(10..=20) as f64 / 2.0})).collect();
        let (status, _, took) = c.call(Method::PUT, &path, Some(token), Some(json!({"entries": entries}))).await;
        record(&mut seen, 2, &path, status, took);
        pause(&mut rng, 2000, 5000).await;
    }
    seen
}

/// An administrator taking exports one after another, with a pause to look at each.
async fn admin(c: &Client, token: &str, exports: &[String], seed: u64, until: Instant) -> Seen {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut seen = Seen::default();
    pause(&mut rng, 0, 3000).await;
    let mut k = seed as usize;
    while Instant::now() < until {
        let path = &exports[k % exports.len()];
        let (status, _, took) = c.fetch(path, Some(token)).await;
        record(&mut seen, 3, path, status, took);
        k += 1;
        pause(&mut rng, 2000, 6000).await;
    }
    seen
}

/// The server's resident memory (VmRSS) now, in MB.
pub fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .map(|kb: f64| kb / 1024.0)
        .unwrap_or(0.0)
}

/// Runs the day for `secs` seconds and prints its table.
pub async fn run(c: &Client, cast: &Cast, pid: u32, secs: u64) {
    let today = Utc::now().date_naive();
    let schedule = format!(
        "/api/v1/me/schedule?from={}&to={}",
        today - chrono::Duration::days(14),
        today + chrono::Duration::days(14)
    );
    let started = Instant::now();
    let until = started + Duration::from_secs(secs);
    let memory = async {
        let mut samples = Vec::new();
        while Instant::now() < until {
            samples.push((started.elapsed().as_secs(), rss_mb(pid)));
            actix_web::rt::time::sleep(Duration::from_secs(1)).await;
        }
        samples.push((started.elapsed().as_secs(), rss_mb(pid)));
        samples
    };
    let learners = cast.learners.iter().enumerate().map(|(i, t)| learner(c, t, &schedule, i as u64, until));
    let lecturers =
        cast.graders.iter().enumerate().map(|(i, (t, e, s))| lecturer(c, t, e, s, 10_000 + i as u64, until));
    let admins = cast.admins.iter().enumerate().map(|(i, (t, x))| admin(c, t, x, 20_000 + i as u64, until));
    let (memory, a, b, d) = futures_util::join!(
        memory,
        futures_util::future::join_all(learners),
        futures_util::future::join_all(lecturers),
        futures_util::future::join_all(admins)
    );
    let wall = started.elapsed().as_secs_f64();
    let mut all = Seen::default();
    for s in a.into_iter().chain(b).chain(d) {
        for (k, v) in s.by_kind.into_iter().enumerate() {
            all.by_kind[k].extend(v);
        }
        all.not_modified += s.not_modified;
        all.errors += s.errors;
        if all.first_error.is_none() {
            all.first_error = s.first_error;
        }
    }
    let mut every = Vec::new();
    println!(
        "\nresults day — {} learners, {} lecturers ({} distinct accounts), {} administrators, {wall:.0} s",
        cast.learners.len(),
        cast.graders.len(),
        cast.distinct_lecturers,
        cast.admins.len()
    );
    println!("| requests | n | p50 ms | p95 ms | p99 ms | req/s |");
    println!("|---|---|---|---|---|---|");
    for (k, v) in all.by_kind.into_iter().enumerate() {
        every.extend(v.iter().copied());
        if !v.is_empty() {
            print_line(&line(KINDS[k], v), wall);
        }
    }
    print_line(&line("every request", every), wall);
    println!(
        "\n304 answers: {}; errors: {}{}",
        all.not_modified,
        all.errors,
        all.first_error.map(|e| format!(" (first: {e})")).unwrap_or_default()
    );
    let most = memory.iter().map(|m| m.1).fold(0.0, f64::max);
    let step = (memory.len() / 6).max(1);
    let over: Vec<String> = memory.iter().step_by(step).map(|(t, mb)| format!("{t} s: {mb:.0}")).collect();
    println!("server memory (resident MB) over time: {}; highest {most:.0}", over.join(", "));
}

fn print_line(l: &Line, wall: f64) {
    println!("| {} | {} | {:.1} | {:.1} | {:.1} | {:.0} |", l.name, l.n, l.p50, l.p95, l.p99, l.n as f64 / wall);
}

async fn sign_in(c: &Client, email: &str, password: &str) -> String {
    let (status, v, _) =
        c.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": email, "password": password}))).await;
    assert_eq!(status, 200, "{email}: {v}");
    v["access_token"].as_str().expect("a token").to_string()
}

/// Signs in the accounts, four at a time (Argon2id is slow by design).
async fn sign_in_all(c: &Client, emails: &[String], password: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for four in emails.chunks(4) {
        tokens.extend(futures_util::future::join_all(four.iter().map(|e| sign_in(c, e, password))).await);
    }
    tokens
}

/// The e-mail addresses of up to `most` accounts of `role`, page by page.
async fn emails(c: &Client, root: &str, role: &str, most: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    while out.len() < most {
        let path = format!(
            "/api/v1/users?role={role}&limit=500{}",
            cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default()
        );
        let v = c.ok(Method::GET, &path, root, json!(null)).await;
        out.extend(v["items"].as_array().unwrap().iter().filter_map(|u| u["email"].as_str().map(String::from)));
        match v["next_cursor"].as_str() {
            Some(n) => cursor = Some(n.to_string()),
            None => break,
        }
    }
    out.truncate(most);
    out
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .or_else(|| v["items"].as_array())
        .map(|a| a.iter().filter_map(|x| x["id"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// Signs in the day's people: `learners` learner accounts, 20 lecturers each grading a module
/// exam of a class running today (held today, sealed, its eligible candidates), and 5
/// institution administrators with the exports of their own closed classes.
pub async fn cast(c: &Client, root: &str, password: &str, learners: usize) -> Cast {
    let today = Utc::now().date_naive();
    let people = emails(c, root, "learner", learners).await;
    assert!(people.len() >= learners.min(100), "the province data has {} learner accounts", people.len());
    println!("signing in {} learners…", people.len());
    let learner_tokens = sign_in_all(c, &people, password).await;

    let running = c.ok(Method::GET, "/api/v1/cohorts?status=in_progress&limit=100", root, json!(null)).await;
    let mut graders = Vec::new();
    let mut signed: std::collections::HashMap<String, String> = Default::default();
    'classes: for cohort in ids(&running) {
        let asg = c.ok(Method::GET, &format!("/api/v1/cohorts/{cohort}/assignments"), root, json!(null)).await;
        let mut modules = std::collections::HashSet::new();
        for a in asg.as_array().into_iter().flatten() {
            let (Some(module), Some(lecturer)) = (a["module_id"].as_str(), a["lecturer_id"].as_str()) else { continue };
            if graders.len() == 20 {
                break 'classes;
            }
            if !modules.insert(module.to_string()) {
                continue;
            }
            let exam = c
                .ok(
                    Method::POST,
                    &format!("/api/v1/cohorts/{cohort}/exams"),
                    root,
                    json!({"kind": "module", "module_id": module, "graders": [lecturer], "held_on": today.to_string(),
                        "grading_deadline": (today + chrono::Duration::days(5)).to_string()}),
                )
                .await;
            let exam = exam["id"].as_str().unwrap().to_string();
            c.ok(Method::POST, &format!("/api/v1/exams/{exam}/seal"), root, json!(null)).await;
            let cands = c.ok(Method::GET, &format!("/api/v1/exams/{exam}/candidates"), root, json!(null)).await;
            let sitting: Vec<String> = cands
                .as_array()
                .into_iter()
                .flatten()
                .filter(|x| x["eligible"] == true)
                .filter_map(|x| x["learner_id"].as_str().map(String::from))
                .collect();
            if sitting.is_empty() {
                continue;
            }
            if !signed.contains_key(lecturer) {
                let who = c.ok(Method::GET, &format!("/api/v1/lecturers/{lecturer}"), root, json!(null)).await;
                let token = sign_in(c, who["email"].as_str().expect("the lecturer's e-mail"), password).await;
                signed.insert(lecturer.to_string(), token);
            }
            graders.push((signed[lecturer].clone(), exam, sitting));
        }
    }
    assert!(!graders.is_empty(), "no module exam of a running class has eligible candidates");

    let mut admins = Vec::new();
    for email in emails(c, root, "institution_admin", 5).await {
        let token = sign_in(c, &email, password).await;
        let closed = c.ok(Method::GET, "/api/v1/cohorts?status=closed&limit=3", &token, json!(null)).await;
        let mut exports = vec![
            "/api/v1/learners?format=xlsx&limit=500".to_string(),
            "/api/v1/reports/summary?year=2025&format=xlsx".to_string(),
        ];
        for k in ids(&closed) {
            exports.push(format!("/api/v1/cohorts/{k}/results?format=xlsx"));
            exports.push(format!("/api/v1/cohorts/{k}/enrollments?format=csv&limit=500"));
        }
        admins.push((token, exports));
    }
    Cast { learners: learner_tokens, graders, admins, distinct_lecturers: signed.len() }
}
