//! Prometheus counters, kept in atomics indexed by route so the hot path takes no lock.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counters.
pub struct Metrics {
    /// [route index][status class 1..=5]
    requests: Vec<[AtomicU64; 6]>,
    /// Total request time in microseconds per route.
    micros: Vec<AtomicU64>,
    /// Requests that matched no route.
    unmatched: AtomicU64,
    /// Sign-in failures.
    pub sign_in_failures: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        let n = crate::routes::manifest().len();
        Self {
            requests: (0..n).map(|_| Default::default()).collect(),
            micros: (0..n).map(|_| AtomicU64::new(0)).collect(),
            unmatched: AtomicU64::new(0),
            sign_in_failures: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// Records a request.
    pub fn record(&self, route: Option<usize>, status: u16, micros: u64) {
        match route {
            Some(i) => {
                if let Some(r) = self.requests.get(i) {
                    let class = usize::from(status / 100).min(5);
                    if let Some(c) = r.get(class) {
                        c.fetch_add(1, Ordering::Relaxed);
                    }
                }
                if let Some(m) = self.micros.get(i) {
                    m.fetch_add(micros, Ordering::Relaxed);
                }
            }
            None => {
                self.unmatched.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self, extra: &[(String, i64)]) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP safeguard_http_requests_total HTTP requests by route and status class."
        );
        let _ = writeln!(out, "# TYPE safeguard_http_requests_total counter");
        let routes = crate::routes::manifest();
        for (i, spec) in routes.iter().enumerate() {
            if let Some(r) = self.requests.get(i) {
                for (class, c) in r.iter().enumerate().skip(1) {
                    let v = c.load(Ordering::Relaxed);
                    if v > 0 {
                        let _ = writeln!(
                            out,
                            "safeguard_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}xx\"}} {v}",
                            spec.method, spec.path, class
                        );
                    }
                }
            }
        }
        let _ = writeln!(
            out,
            "# HELP safeguard_http_request_seconds_total Time spent serving requests, by route."
        );
        let _ = writeln!(out, "# TYPE safeguard_http_request_seconds_total counter");
        for (i, spec) in routes.iter().enumerate() {
            if let Some(m) = self.micros.get(i) {
                let v = m.load(Ordering::Relaxed);
                if v > 0 {
                    let _ = writeln!(
                        out,
                        "safeguard_http_request_seconds_total{{method=\"{}\",route=\"{}\"}} {}",
                        spec.method,
                        spec.path,
                        v as f64 / 1e6
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "# TYPE safeguard_http_unmatched_requests_total counter"
        );
        let _ = writeln!(
            out,
            "safeguard_http_unmatched_requests_total {}",
            self.unmatched.load(Ordering::Relaxed)
        );
        let _ = writeln!(out, "# TYPE safeguard_sign_in_failures_total counter");
        let _ = writeln!(
            out,
            "safeguard_sign_in_failures_total {}",
            self.sign_in_failures.load(Ordering::Relaxed)
        );
        let _ = writeln!(out, "# TYPE safeguard_outbox_messages gauge");
        for (status, n) in extra {
            let _ = writeln!(out, "safeguard_outbox_messages{{status=\"{status}\"}} {n}");
        }
        let _ = writeln!(out, "# TYPE safeguard_build_info gauge");
        let _ = writeln!(
            out,
            "safeguard_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        out
    }
}
