//! `loadgen`: rooms of simulated people against a koersbord server on this machine.
//! See docs/PERFORMANCE.md.

use anyhow::{Result, bail};
use clap::Parser;
use koersbord_loadgen::compare::{self, Target};
use koersbord_loadgen::{Options, Speaks};
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
    /// flags (raised per-address socket cap and session limit); stop it at the end. Repeat it to
    /// measure several builds in one run, each as `LABEL=PATH` (e.g. `main=/tmp/koersbord-main`).
    #[arg(long)]
    spawn_server: Vec<String>,
    /// Peers measured after koersbord with the same options and driver: `node` (the `ws` relay
    /// in crates/loadgen/node-relay, installed with `npm ci`), `floor` (`loadgen-floor`, one write
    /// per message per socket) and `tick-floor` (`loadgen-floor --tick-ms`, one write per socket
    /// per tick).
    #[arg(long, value_delimiter = ',')]
    peers: Vec<String>,
    /// The Node relay's script.
    #[arg(long)]
    node_relay: Option<PathBuf>,
    /// The floor's binary (default: `loadgen-floor` beside this binary).
    #[arg(long)]
    floor: Option<PathBuf>,
    /// The tick-floor's tick: by default koersbord's own drag tick (`--drag-tick-ms`).
    #[arg(long, default_value_t = 25)]
    floor_tick_ms: u32,
    /// With --spawn-server or --peers: run each server on these CPUs only (e.g. `0`), so its cost
    /// shows apart from the load generator's; pin loadgen itself with `taskset -c 1 loadgen ...`.
    #[arg(long, value_delimiter = ',')]
    server_cpus: Vec<usize>,
    /// The server's pid, for CPU and memory (known already with --spawn-server).
    #[arg(long)]
    pid: Option<u32>,
    /// Rooms to set up.
    #[arg(long, default_value_t = 10)]
    rooms: usize,
    /// Participants per room who drag (0 = all idle; 8 = the rush: everyone at once).
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
    let targets = targets(&args)?;
    let sockets = args.rooms * 10;
    let fds = koersbord_loadgen::raise_fd_limit((sockets as u64 * 2 + 1024).max(4096));
    if fds < sockets as u64 + 256 {
        eprintln!("warning: open-file limit {fds} is below {sockets} sockets");
    }
    let opts = Options {
        addr: koersbord_loadgen::parse_target(&args.target)?,
        speaks: Speaks::Koersbord {
            protocol_version: koersbord_shared::protocol::PROTOCOL_VERSION,
        },
        rooms: args.rooms,
        draggers: args.draggers,
        drag_hz: args.drag_hz,
        drag_len: Duration::from_secs_f64(args.drag_secs.clamp(0.1, 60.0)),
        duration: Duration::from_secs_f64(args.duration),
        setup_concurrency: args.ramp,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut all = Vec::new();
    if targets.is_empty() {
        let mut opts = opts.clone();
        let version = runtime.block_on(koersbord_loadgen::probe_version(opts.addr))?;
        opts.speaks = Speaks::Koersbord {
            protocol_version: version,
        };
        all.push(runtime.block_on(compare::measure_at("koersbord", opts, args.pid))?);
    }
    for target in &targets {
        let m = runtime.block_on(compare::measure(target, &opts, &args.server_cpus))?;
        print!("{}", compare::format_measured(&m));
        all.push(m);
    }
    if targets.is_empty() {
        print!("{}", compare::format_measured(&all[0]));
    } else {
        print!("{}", compare::format_comparison(&all));
    }
    if args.json {
        for m in &all {
            println!("{}", compare::json_line(m, &all));
        }
    }
    if all.iter().any(|m| m.report.errors > 0) {
        std::process::exit(2);
    }
    Ok(())
}

/// The servers to start, koersbord builds first, then the peers in the order given.
fn targets(args: &Args) -> Result<Vec<Target>> {
    let mut out = Vec::new();
    for spec in &args.spawn_server {
        let (label, bin) = match spec.split_once('=') {
            Some((label, bin)) => (label.to_owned(), PathBuf::from(bin)),
            None => ("koersbord".to_owned(), PathBuf::from(spec)),
        };
        if compare::is_peer(&label) {
            bail!("{label:?} names a peer; give the koersbord build another label");
        }
        out.push(Target::Koersbord { label, bin });
    }
    for peer in &args.peers {
        out.push(match peer.as_str() {
            "node" => Target::Node {
                script: args
                    .node_relay
                    .clone()
                    .unwrap_or_else(compare::node_relay_script),
            },
            "floor" | "tick-floor" => Target::Floor {
                bin: match &args.floor {
                    Some(bin) => bin.clone(),
                    None => std::env::current_exe()?.with_file_name("loadgen-floor"),
                },
                tick_ms: (peer == "tick-floor").then_some(args.floor_tick_ms),
            },
            other => bail!(
                "unknown peer {other:?}: one of {}",
                compare::PEERS.join(", ")
            ),
        });
    }
    Ok(out)
}
