//! One run against each of several servers, back to back with the same driver and options:
//! koersbord (one or more builds), the Node `ws` relay and the raw-write floor. The report puts
//! their server CPU per delivered drag side by side and divides: a figure for koersbord alone says
//! little on a shared VM, a ratio to a peer measured in the same minute says more.

use crate::config::{Options, Speaks};
use crate::proc_stats::{self, Sample};
use crate::report::{Report, format_report};
use crate::server::{Spawned, load_test_flags, workspace_root};
use anyhow::{Context, Result, bail};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A server to measure.
#[derive(Clone, Debug)]
pub enum Target {
    /// A `koersbord` binary, named `label` in the report.
    Koersbord { label: String, bin: PathBuf },
    /// `node relay.js` (crates/loadgen/node-relay), the idiomatic minimal fan-out relay.
    Node { script: PathBuf },
    /// `loadgen-floor`: frames each message once and writes it to each socket, nothing else; with
    /// `tick_ms` ("tick-floor"), one write per socket per tick of everything it is owed.
    Floor { bin: PathBuf, tick_ms: Option<u32> },
}

impl Target {
    pub fn label(&self) -> &str {
        match self {
            Target::Koersbord { label, .. } => label,
            Target::Node { .. } => "node",
            Target::Floor { tick_ms: None, .. } => "floor",
            Target::Floor {
                tick_ms: Some(_), ..
            } => "tick-floor",
        }
    }

    /// Starts the server on `cpus` with what `rooms` rooms need.
    fn spawn(&self, rooms: usize, cpus: &[usize]) -> Result<Spawned> {
        match self {
            Target::Koersbord { bin, .. } => Spawned::start_on(bin, &load_test_flags(rooms), cpus),
            Target::Node { script } => {
                let modules = script.with_file_name("node_modules").join("ws");
                if !modules.is_dir() {
                    bail!(
                        "{} is missing: run `npm ci --prefix {}` (or `cargo xtask node-relay`)",
                        modules.display(),
                        script.parent().unwrap_or(Path::new(".")).display()
                    );
                }
                let mut command = Command::new("node");
                command.arg(script);
                Spawned::start_peer(command, "relay listening on http://", cpus)
                    .context("starting the Node relay (is `node` installed?)")
            }
            Target::Floor { bin, tick_ms } => {
                let mut command = Command::new(bin);
                if let Some(ms) = tick_ms {
                    command.args(["--tick-ms", &ms.to_string()]);
                }
                Spawned::start_peer(command, "floor listening on http://", cpus)
                    .with_context(|| format!("starting {}", bin.display()))
            }
        }
    }
}

/// The Node relay's script in this workspace.
pub fn node_relay_script() -> PathBuf {
    workspace_root().join("crates/loadgen/node-relay/relay.js")
}

/// What one target's run saw, with the CPU and memory of both sides.
#[derive(Clone, Debug)]
pub struct Measured {
    pub label: String,
    pub report: Report,
    /// The server's CPU during the run, in % of one core.
    pub server_cpu_pct: Option<f64>,
    /// The server's RSS in KiB: fresh, set up, at the end.
    pub server_rss_kib: Option<(u64, u64, u64)>,
    pub loadgen_cpu_pct: Option<f64>,
    pub loadgen_rss_kib: Option<u64>,
    pub loadavg: String,
}

impl Measured {
    /// Server CPU time per drag delivered to a socket, in µs: the figure the peers are compared by.
    pub fn us_per_drag(&self) -> Option<f64> {
        let cpu = self.server_cpu_pct?;
        let delivered = self.report.drags_received;
        (delivered > 0).then(|| cpu / 100.0 * self.report.run_secs * 1e6 / delivered as f64)
    }
}

/// Runs `opts` against `target` on `cpus` (a fresh server each time), sampling it and loadgen.
pub async fn measure(target: &Target, opts: &Options, cpus: &[usize]) -> Result<Measured> {
    let spawned = target.spawn(opts.rooms, cpus)?;
    let mut opts = opts.clone();
    opts.addr = spawned.addr;
    opts.speaks = match target {
        Target::Koersbord { .. } => Speaks::Koersbord {
            protocol_version: crate::probe_version(spawned.addr).await?,
        },
        Target::Node { .. } | Target::Floor { .. } => Speaks::Relay,
    };
    measure_at(target.label(), opts, Some(spawned.pid())).await
}

/// Runs `opts` against a server already listening at `opts.addr` (its `pid`, if known, is sampled).
pub async fn measure_at(label: &str, opts: Options, pid: Option<u32>) -> Result<Measured> {
    let fresh = pid.and_then(|p| proc_stats::sample(p).ok());
    let me = std::process::id();
    let mut marks: Vec<(Option<Sample>, Option<Sample>)> = Vec::new();
    let report = crate::run(opts, |_| {
        marks.push((
            pid.and_then(|p| proc_stats::sample(p).ok()),
            proc_stats::sample(me).ok(),
        ));
    })
    .await?;
    let mut m = Measured {
        label: label.to_owned(),
        report,
        server_cpu_pct: None,
        server_rss_kib: None,
        loadgen_cpu_pct: None,
        loadgen_rss_kib: None,
        // Others may share the machine: the load average tells how busy it was besides this run.
        loadavg: std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
            .to_owned(),
    };
    if let [(_, Some(a)), (_, Some(b))] = marks.as_slice() {
        m.loadgen_cpu_pct = Some(proc_stats::cpu_percent(a, b));
        m.loadgen_rss_kib = Some(b.rss_kib);
    }
    if let (Some(fresh), [(Some(start), _), (Some(end), _)]) = (fresh, marks.as_slice()) {
        m.server_cpu_pct = Some(proc_stats::cpu_percent(start, end));
        m.server_rss_kib = Some((fresh.rss_kib, start.rss_kib, end.rss_kib));
    }
    Ok(m)
}

/// One target's report: the run's own, then CPU and memory.
pub fn format_measured(m: &Measured) -> String {
    let mut s = format!("== {}\n{}", m.label, format_report(&m.report));
    if let (Some(pct), Some((fresh, start, end))) = (m.server_cpu_pct, m.server_rss_kib) {
        let _ = writeln!(
            s,
            "server: cpu {pct:.0}% of one core during the run; rss {} MiB fresh, {} MiB set up, {} MiB at the end",
            fresh / 1024,
            start / 1024,
            end / 1024
        );
        let per_socket =
            start.saturating_sub(fresh) as f64 * 1024.0 / (m.report.rooms * 10).max(1) as f64;
        let _ = writeln!(
            s,
            "server: {per_socket:.0} bytes per socket after setup (rss growth / sockets)"
        );
    }
    if let Some(us) = m.us_per_drag() {
        let _ = writeln!(s, "server: {us:.2} µs of CPU per delivered drag");
    }
    if let (Some(own), Some(rss)) = (m.loadgen_cpu_pct, m.loadgen_rss_kib) {
        let _ = writeln!(
            s,
            "loadgen: cpu {own:.0}% of one core during the run; rss {} MiB at the end",
            rss / 1024
        );
    }
    let _ = writeln!(s, "machine load average at the end: {}", m.loadavg);
    s
}

/// `a / b` of server CPU per delivered drag, for every koersbord run `a` and peer `b` measured.
pub fn ratios(all: &[Measured]) -> Vec<(String, String, f64)> {
    let mut out = Vec::new();
    for a in all.iter().filter(|m| !is_peer(&m.label)) {
        for b in all.iter().filter(|m| is_peer(&m.label)) {
            if let (Some(x), Some(y)) = (a.us_per_drag(), b.us_per_drag()) {
                out.push((a.label.clone(), b.label.clone(), x / y));
            }
        }
    }
    out
}

pub fn is_peer(label: &str) -> bool {
    PEERS.contains(&label)
}

/// The peers `--peers` names.
pub const PEERS: [&str; 3] = ["node", "floor", "tick-floor"];

/// The side-by-side table and the ratios.
pub fn format_comparison(all: &[Measured]) -> String {
    let mut s = String::from(
        "target | server CPU | µs per delivered drag | drags delivered/s | relay p50 / p95 / p99 / max ms | errors\n",
    );
    for m in all {
        let r = &m.report;
        let _ = writeln!(
            s,
            "{} | {} | {} | {:.0} | {:.2} / {:.2} / {:.2} / {:.1} | {}",
            m.label,
            m.server_cpu_pct.map_or("?".into(), |c| format!("{c:.0} %")),
            m.us_per_drag().map_or("?".into(), |u| format!("{u:.2}")),
            r.drags_received as f64 / r.run_secs.max(1e-9),
            r.relay.p50_ms,
            r.relay.p95_ms,
            r.relay.p99_ms,
            r.relay.max_ms,
            r.errors
        );
    }
    for (a, b, ratio) in ratios(all) {
        let _ = writeln!(
            s,
            "ratio {a} / {b}: {ratio:.2}× (server CPU per delivered drag)"
        );
    }
    s
}

/// One JSON line per target, ratios included on each koersbord line.
pub fn json_line(m: &Measured, all: &[Measured]) -> serde_json::Value {
    let r = &m.report;
    let ratios: serde_json::Map<String, serde_json::Value> = ratios(all)
        .into_iter()
        .filter(|(a, _, _)| *a == m.label)
        .map(|(_, b, x)| (b, x.into()))
        .collect();
    serde_json::json!({
        "target": m.label, "rooms": r.rooms, "sockets": r.sockets,
        "msgs_out_per_sec": r.msgs_out_per_sec(), "msgs_in_per_sec": r.msgs_in_per_sec(),
        "drags_sent": r.drags_sent, "drags_received": r.drags_received, "drops": r.drops,
        "relay_ms": [r.relay.p50_ms, r.relay.p95_ms, r.relay.p99_ms, r.relay.max_ms],
        "ack_ms": [r.acks.p50_ms, r.acks.p95_ms, r.acks.p99_ms, r.acks.max_ms],
        "errors": r.errors, "disconnects": r.disconnects,
        "server_cpu_pct": m.server_cpu_pct, "server_rss_kib": m.server_rss_kib,
        "us_per_drag": m.us_per_drag(), "ratio_to": ratios,
        "loadgen_cpu_pct": m.loadgen_cpu_pct, "loadgen_rss_kib": m.loadgen_rss_kib,
        "loadavg": m.loadavg,
    })
}
