//! `koersbord-cluster up`: a loopback cluster (PostgreSQL, hubs, HAProxy) to try by hand.
//! `koersbord-cluster soak --rooms 30 --minutes 10`: the long version of the cluster test.

use anyhow::Result;
use clap::{Parser, Subcommand};
use koersbord_cluster::scenario::{self, ScenarioOptions};
use koersbord_cluster::{Cluster, ClusterOptions};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "A koersbord cluster on loopback: PostgreSQL, hubs and HAProxy")]
struct Cli {
    /// The server binary the hubs run.
    #[arg(
        long,
        env = "KOERSBORD_BIN",
        default_value = "target/debug/koersbord",
        global = true
    )]
    bin: PathBuf,
    #[arg(long, default_value_t = 3, global = true)]
    hubs: usize,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Start the cluster, print its front URL, run until Ctrl-C.
    Up,
    /// Rounds of kill -9 / restart and SIGSTOP / SIGCONT under load, then the checks.
    Soak {
        #[arg(long, default_value_t = 30)]
        rooms: usize,
        #[arg(long, default_value_t = 10)]
        minutes: u64,
        /// Milliseconds between a participant's ack and its next drop (±50 %).
        #[arg(long, default_value_t = 1000)]
        pace_ms: u64,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let mut cluster = tokio::task::block_in_place(|| {
        Cluster::start(ClusterOptions::new(cli.hubs, cli.bin.clone()))
    })?;
    match cli.command {
        Cmd::Up => {
            println!("front: {}", cluster.front_url());
            println!("hubs: {:?}", cluster.hub_ports());
            println!("database: {}", cluster.database_url());
            println!("logs: {}", cluster.log_dir().display());
            tokio::signal::ctrl_c().await?;
        }
        Cmd::Soak {
            rooms,
            minutes,
            pace_ms,
        } => {
            let mut opts = ScenarioOptions::short();
            opts.load.rooms = rooms;
            opts.load.pace = Duration::from_millis(pace_ms);
            // A round: a kill (dead + settle), and a pause (paused + settle) every other round.
            let round = opts.dead + opts.settle + (opts.paused + opts.settle) / 2;
            opts.rounds = (Duration::from_secs(minutes * 60).as_secs_f64() / round.as_secs_f64())
                .ceil()
                .max(2.0) as usize;
            println!(
                "soak: {rooms} rooms, {} rounds, logs in {}",
                opts.rounds,
                cluster.log_dir().display()
            );
            let run = scenario::run(&mut cluster, &opts).await?;
            print!("{}", run.summary());
            let mut failed = Vec::new();
            if !run.verdict.ok() {
                failed.push("the checks of the database");
            }
            if !run.all_hit() {
                failed.push("a kill or pause hit no client");
            }
            if run.lost_after_kill() > 0 {
                failed.push("clients cut off by a kill never came back");
            }
            if run.worst_kill_recovery() > Duration::from_secs(5) {
                failed.push("a client took over 5 s to come back after its hub died");
            }
            if !failed.is_empty() {
                anyhow::bail!("failed: {}", failed.join("; "));
            }
            println!("all checks passed");
        }
    }
    Ok(())
}
