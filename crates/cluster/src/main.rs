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
        Cmd::Soak { rooms, minutes } => {
            let mut opts = ScenarioOptions::short();
            opts.load.rooms = rooms;
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
            if !run.verdict.ok()
                || run.lost_after_kill() > 0
                || run.worst_kill_recovery() > Duration::from_secs(5)
            {
                anyhow::bail!("the cluster failed its checks");
            }
            println!("all checks passed");
        }
    }
    Ok(())
}
