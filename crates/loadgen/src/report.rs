//! Latency samples, their percentiles, the report of a run and its printing.

/// Latency samples in microseconds.
#[derive(Clone, Debug, Default)]
pub struct Latencies {
    pub samples: Vec<u32>,
}

/// p50, p95, p99 and max in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Percentiles {
    pub count: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latencies {
    pub fn percentiles(&mut self) -> Percentiles {
        let s = &mut self.samples;
        if s.is_empty() {
            return Percentiles::default();
        }
        s.sort_unstable();
        let at = |q: f64| s[((s.len() - 1) as f64 * q).round() as usize] as f64 / 1000.0;
        Percentiles {
            count: s.len(),
            p50_ms: at(0.50),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
            max_ms: *s.last().unwrap() as f64 / 1000.0,
        }
    }
}

/// What one run saw.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub rooms: usize,
    /// Sockets open at the end of the run.
    pub sockets: usize,
    pub setup_secs: f64,
    pub run_secs: f64,
    /// Frames loadgen sent (the server's input) and received, during the run.
    pub msgs_out: u64,
    pub msgs_in: u64,
    pub drags_sent: u64,
    /// Drag relays received by the room's other sockets.
    pub drags_received: u64,
    pub relay: Percentiles,
    pub acks: Percentiles,
    pub drops: u64,
    /// `error`, `rejected`, failed setups, malformed frames.
    pub errors: u64,
    /// Sockets that closed or failed before the end.
    pub disconnects: u64,
    /// The first few errors, for the reader.
    pub error_samples: Vec<String>,
}

impl Report {
    pub fn msgs_in_per_sec(&self) -> f64 {
        self.msgs_in as f64 / self.run_secs.max(1e-9)
    }
    pub fn msgs_out_per_sec(&self) -> f64 {
        self.msgs_out as f64 / self.run_secs.max(1e-9)
    }
}

/// Prints a report as text.
pub fn format_report(r: &Report) -> String {
    let mut s = String::new();
    use std::fmt::Write;
    let _ = writeln!(
        s,
        "rooms {} sockets {} (setup {:.1} s, run {:.1} s)",
        r.rooms, r.sockets, r.setup_secs, r.run_secs
    );
    let _ = writeln!(
        s,
        "messages: out {:.0}/s (to the server), in {:.0}/s (from the server)",
        r.msgs_out_per_sec(),
        r.msgs_in_per_sec()
    );
    let _ = writeln!(
        s,
        "drags sent {} received {} drops {}",
        r.drags_sent, r.drags_received, r.drops
    );
    for (name, p) in [("relay", r.relay), ("ack", r.acks)] {
        let _ = writeln!(
            s,
            "{name} latency ms: n {} p50 {:.2} p95 {:.2} p99 {:.2} max {:.2}",
            p.count, p.p50_ms, p.p95_ms, p.p99_ms, p.max_ms
        );
    }
    let _ = writeln!(s, "errors {} disconnects {}", r.errors, r.disconnects);
    for e in &r.error_samples {
        let _ = writeln!(s, "  {e}");
    }
    s
}
