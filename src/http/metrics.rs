//! Prometheus metrics: requests by route and status, a latency histogram, pool usage and job
//! runs.

use std::sync::OnceLock;

use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new_custom(Some("llct".into()), None).expect("valid prefix");
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by method, route and status"),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency by method and route")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["method", "route"],
        )
        .expect("valid metric");
        let pool_connections = IntGauge::new("db_pool_connections", "Open database connections").expect("valid metric");
        let pool_idle = IntGauge::new("db_pool_idle_connections", "Idle database connections").expect("valid metric");
        for m in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(pool_connections.clone()),
            Box::new(pool_idle.clone()),
            Box::new(jobs().0.clone()),
            Box::new(jobs().1.clone()),
        ] {
            registry.register(m).expect("unique metric");
        }
        Metrics { registry, requests, latency, pool_connections, pool_idle }
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests.with_label_values(&[method, route, &status.to_string()]).inc();
        self.latency.with_label_values(&[method, route]).observe(seconds);
    }

    /// The text exposition, with pool gauges read now.
    pub fn render(&self, pool: &crate::db::Pool) -> String {
        let s = pool.state();
        self.pool_connections.set(i64::from(s.connections));
        self.pool_idle.set(i64::from(s.idle_connections));
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

/// Job runs by job and outcome, and their durations: process-wide, since jobs run outside requests.
fn jobs() -> &'static (IntCounterVec, HistogramVec) {
    static JOBS: OnceLock<(IntCounterVec, HistogramVec)> = OnceLock::new();
    JOBS.get_or_init(|| {
        (
            IntCounterVec::new(Opts::new("job_runs_total", "Job runs by job and outcome"), &["job", "outcome"])
                .expect("valid metric"),
            HistogramVec::new(
                HistogramOpts::new("job_duration_seconds", "Job run duration by job")
                    .buckets(vec![0.01, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 1800.0]),
                &["job"],
            )
            .expect("valid metric"),
        )
    })
}

/// Records one finished job run.
pub fn job_finished(job: &str, ok: bool, seconds: f64) {
    let (runs, duration) = jobs();
    runs.with_label_values(&[job, if ok { "succeeded" } else { "failed" }]).inc();
    duration.with_label_values(&[job]).observe(seconds);
}
