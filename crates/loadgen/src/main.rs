//! `loadgen`: rooms of simulated people against a koersbord server on this machine.
//! See docs/PERFORMANCE.md.

use anyhow::{Result, bail};
use clap::Parser;
use koersbord_loadgen::{Options, proc_stats, server::Spawned};
use std::path::PathBuf;
use std::time::Duration;

/// Load generator for koersbord (loopback only).
#[derive(Debug, Parser)]
#[command(name = "loadgen", about)]
struct Args {
    /// The server to load: 127.0.0.1:PORT, [::1]:PORT or localhost:PORT (http:// allowed).
    /// Ignored with --spawn-server.
    #[arg(long, default_value = "127.0.0.1:8080")]
    target: String,
    /// Start this `koersbord` binary on a free port with its own database and the load-test
    /// flags (raised per-address socket cap and session limit); stop it at the end.
    #[arg(long)]
    spawn_server: Option<PathBuf>,
    /// With --spawn-server: run the server on these CPUs only (e.g. `0`), so its cost shows apart
    /// from the load generator's; pin loadgen itself with `taskset -c 1 loadgen ...`.
    #[arg(long, value_delimiter = ',')]
    server_cpus: Vec<usize>,
    /// The server's pid, for CPU and memory (known already with --spawn-server).
    #[arg(long)]
    pid: Option<u32>,
    /// Rooms to set up.
    #[arg(long, default_value_t = 10)]
    rooms: usize,
    /// Participants per room who drag (0 = all idle).
    #[arg(long, default_value_t = 1)]
    draggers: usize,
    /// Drag updates per second per dragging participant.
    #[arg(long, default_value_t = 30.0)]
    drag_hz: f64,
    /// Seconds one drag lasts before its drop (place_drive).
    #[arg(long, default_value_t = 3.0)]
    drag_secs: f64,
    /// Seconds of measured traffic (at most 600).
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Rooms set up at once.
    #[arg(long, default_value_t = 16)]
    ramp: usize,
    /// Print the report as one JSON line too.
    #[arg(long)]
    json: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if !(args.duration > 0.0 && args.duration <= 600.0) {
        bail!("--duration must be in (0, 600] seconds");
    }
    if args.drag_hz <= 0.0 || args.drag_hz > 1000.0 {
        bail!("--drag-hz must be in (0, 1000]");
    }
    let sockets = args.rooms * 10;
    let fds = koersbord_loadgen::raise_fd_limit((sockets as u64 * 2 + 1024).max(4096));
    if fds < sockets as u64 + 256 {
        eprintln!("warning: open-file limit {fds} is below {sockets} sockets");
    }
    let spawned = match &args.spawn_server {
        Some(bin) => Some(Spawned::start_on(
            bin,
            &koersbord_loadgen::server::load_test_flags(args.rooms),
            &args.server_cpus,
        )?),
        None => None,
    };
    let addr = match &spawned {
        Some(s) => s.addr,
        None => koersbord_loadgen::parse_target(&args.target)?,
    };
    let pid = args.pid.or(spawned.as_ref().map(Spawned::pid));
    let opts = Options {
        addr,
        rooms: args.rooms,
        draggers: args.draggers,
        drag_hz: args.drag_hz,
        drag_len: Duration::from_secs_f64(args.drag_secs.clamp(0.1, 60.0)),
        duration: Duration::from_secs_f64(args.duration),
        setup_concurrency: args.ramp,
    };
    let before = pid.and_then(|p| proc_stats::sample(p).ok());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let me = std::process::id();
    // (server, loadgen) at the start and at the end of the measured run.
    let mut marks: Vec<(Option<proc_stats::Sample>, Option<proc_stats::Sample>)> = Vec::new();
    let report = runtime.block_on(koersbord_loadgen::run(opts, |_| {
        marks.push((
            pid.and_then(|p| proc_stats::sample(p).ok()),
            proc_stats::sample(me).ok(),
        ));
    }))?;
    print!("{}", koersbord_loadgen::format_report(&report));
    let mut cpu = None;
    let mut rss = None;
    let mut own_cpu = None;
    let mut own_rss = None;
    if let [(_, Some(a)), (_, Some(b))] = marks.as_slice() {
        own_cpu = Some(proc_stats::cpu_percent(a, b));
        own_rss = Some(b.rss_kib);
    }
    if let (Some(before), [(Some(start), _), (Some(end), _)]) = (before, marks.as_slice()) {
        let pct = proc_stats::cpu_percent(start, end);
        cpu = Some(pct);
        rss = Some((before.rss_kib, start.rss_kib, end.rss_kib));
        println!(
            "server: cpu {pct:.0}% of one core during the run; rss {} MiB fresh, {} MiB set up, {} MiB at the end",
            before.rss_kib / 1024,
            start.rss_kib / 1024,
            end.rss_kib / 1024
        );
        let per_socket = (start.rss_kib.saturating_sub(before.rss_kib)) as f64 * 1024.0
            / (report.rooms * 10).max(1) as f64;
        println!("server: {per_socket:.0} bytes per socket after setup (rss growth / sockets)");
    }
    if let (Some(own), Some(rss)) = (own_cpu, own_rss) {
        println!(
            "loadgen: cpu {own:.0}% of one core during the run; rss {} MiB at the end",
            rss / 1024
        );
    }
    // Others may share the machine: the load average tells how busy it was besides this run.
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("machine load average at the end: {}", loadavg.trim());
    if args.json {
        let r = &report;
        println!(
            "{}",
            serde_json::json!({
                "rooms": r.rooms, "sockets": r.sockets,
                "msgs_out_per_sec": r.msgs_out_per_sec(), "msgs_in_per_sec": r.msgs_in_per_sec(),
                "drags_sent": r.drags_sent, "drags_received": r.drags_received, "drops": r.drops,
                "relay_ms": [r.relay.p50_ms, r.relay.p95_ms, r.relay.p99_ms, r.relay.max_ms],
                "ack_ms": [r.acks.p50_ms, r.acks.p95_ms, r.acks.p99_ms, r.acks.max_ms],
                "errors": r.errors, "disconnects": r.disconnects,
                "server_cpu_pct": cpu, "server_rss_kib": rss, "loadgen_cpu_pct": own_cpu,
                "loadgen_rss_kib": own_rss, "loadavg": loadavg.trim(),
            })
        );
    }
    drop(spawned);
    if report.errors > 0 {
        std::process::exit(2);
    }
    Ok(())
}
